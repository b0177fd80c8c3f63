"""A user's saved models ("always use X", "my preferences", "reset") and "forget me"."""

from __future__ import annotations

from collections.abc import Mapping

from .. import views
from ..catalogue import Catalogue, Model
from ..i18n import t
from ..kinds import ViewKind
from ..media import CATEGORIES, CATEGORIES_OF_MEDIA, MEDIA_OF_CATEGORY
from ..views import View
from .chat import Chat, Turn


async def on_show_preferences(chat: Chat, turn: Turn) -> View:
    lang = turn.language
    prefs = await chat.store.preferences(turn.event.platform, turn.event.user_id)
    if not prefs:
        return views.notice(lang, "pref.none")
    lines = tuple(t(lang, "pref.line", type=t(lang, f"type.{k}"), model=v["model_name"])
                  for k, v in sorted(prefs.items()))
    return View(ViewKind.NOTICE, t(lang, "pref.title"), lines, language=lang)


async def on_reset_preference(chat: Chat, turn: Turn) -> View:
    types = CATEGORIES_OF_MEDIA.get(turn.intent.media or "") if turn.intent.media else None
    await chat.store.clear_preferences(turn.event.platform, turn.event.user_id, types)
    return views.notice(turn.language, "pref.reset")


async def on_set_preference(chat: Chat, turn: Turn) -> View:
    """"Always use X": remember X for every kind of request it can serve (within the media named, if any)."""
    event, intent, lang = turn.event, turn.intent, turn.language
    catalogues = await turn.catalogues(chat)
    model_id = intent.model_hint
    if intent.model_key and intent.task_type:
        named = catalogues[intent.task_type].by_key(intent.model_key)
        model_id = named.model_id if named else model_id
    categories = list(CATEGORIES_OF_MEDIA[intent.media]) if intent.media else list(CATEGORIES)
    saved: list[tuple[str, Model]] = []
    for category in categories:
        model = catalogues[category].find(model_id or "") if model_id else None
        if model is not None:
            await chat.store.set_preference(event.platform, event.user_id, category, model.model_id,
                                            model.model_version, model.name)
            saved.append((category, model))
    if not saved:
        return views.notice(lang, "model.unknown")
    separator = "、" if lang == "zh" else ", "
    kinds = separator.join(dict.fromkeys(t(lang, f"media.{MEDIA_OF_CATEGORY[c]}") for c, _ in saved))
    return views.notice(lang, "pref.saved", model=saved[0][1].name, types=kinds)


def named_model(catalogues: Mapping[str, Catalogue], name: str) -> str | None:
    """A model typed in a menu (id or display name) → its model id, from the first catalogue that has it."""
    for catalogue in catalogues.values():
        found = catalogue.find(name) or next((m for m in catalogue if m.name.lower() == name.lower()), None)
        if found is not None:
            return found.model_id
    return None


async def on_forget_me(chat: Chat, turn: Turn) -> View:
    await chat.store.forget_user(turn.event.platform, turn.event.user_id)
    return views.notice(turn.language, "reply.forgotten")
