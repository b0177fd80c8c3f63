"""The words the core's parts use to talk to each other, as enums instead of bare strings.

Each is a :class:`StrEnum`, so a value still compares equal to (and serialises as) its string:
adapters, stored rows and locale keys keep working, while the code gets one spelled-out list.
"""

from __future__ import annotations

from enum import StrEnum


class IntentKind(StrEnum):
    """What a message asks for (set by :mod:`core.intent`; each has one handler in the conversation)."""

    GENERATE = "generate"
    SET_PREFERENCE = "set_preference"
    RESET_PREFERENCE = "reset_preference"
    SHOW_PREFERENCES = "show_preferences"
    TRY_ANOTHER = "try_another"
    AGAIN = "again"
    HELP = "help"
    CANCEL = "cancel"
    LIST_MODELS = "list_models"
    USAGE = "usage"
    FORGET_ME = "forget_me"
    YES = "yes"
    NO = "no"
