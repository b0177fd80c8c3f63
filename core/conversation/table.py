"""Intent kind → handler: the one place a message's meaning picks the code that answers it."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..kinds import IntentKind
from .chat import Handler
from .followups import on_again, on_cancel, on_no, on_try_another, on_yes
from .generate import on_generate
from .info import on_chat, on_compare, on_help, on_list_models, on_usage
from .preferences import on_forget_me, on_reset_preference, on_set_preference, on_show_preferences

HANDLERS: Mapping[IntentKind, Handler] = MappingProxyType({
    IntentKind.GENERATE: on_generate,
    IntentKind.SET_PREFERENCE: on_set_preference,
    IntentKind.RESET_PREFERENCE: on_reset_preference,
    IntentKind.SHOW_PREFERENCES: on_show_preferences,
    IntentKind.TRY_ANOTHER: on_try_another,
    IntentKind.AGAIN: on_again,
    IntentKind.HELP: on_help,
    IntentKind.CANCEL: on_cancel,
    IntentKind.LIST_MODELS: on_list_models,
    IntentKind.USAGE: on_usage,
    IntentKind.FORGET_ME: on_forget_me,
    IntentKind.YES: on_yes,
    IntentKind.NO: on_no,
    IntentKind.COMPARE: on_compare,
    IntentKind.CHAT: on_chat,
})
assert set(HANDLERS) == set(IntentKind), "every intent kind has a handler"
