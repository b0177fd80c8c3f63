"""A user's saved models ("always use X", "my preferences", "reset") and "forget me"."""

from __future__ import annotations

import time
from collections.abc import Mapping

from .. import views
from ..catalogue import Catalogue, Model
from ..contracts import ChatEvent, KeepsHistory
from ..i18n import t
from ..kinds import ActionKind, ViewKind
from ..media import CATEGORIES, CATEGORIES_OF_MEDIA, MEDIA_OF_CATEGORY
from ..views import Action, View
from .chat import Chat, Turn
from .pending import PendingOffer, new_group, put_choices


async def on_show_preferences(chat: Chat, turn: Turn) -> View:
    """Each task type's saved model and when it was last used (from this user's own tasks)."""
    lang, event = turn.language, turn.event
    prefs = await chat.store.preferences(event.platform, event.user_id)
    if not prefs:
        return views.notice(lang, "pref.none")
    last_used: dict[str, float] = {}
    for record in await chat.store.user_tasks(event.platform, event.user_id):
        pref = prefs.get(record.task_type)
        if pref is not None and record.model_id == pref["model_id"]:
            last_used[record.task_type] = max(last_used.get(record.task_type, 0.0), record.created_at)
    lines = []
    for task_type, pref in sorted(prefs.items()):
        when = last_used.get(task_type)
        used = t(lang, "pref.used_at", when=time.strftime("%Y-%m-%d %H:%M", time.gmtime(when))) if when \
            else t(lang, "pref.not_used")
        lines.append(t(lang, "pref.line_used", type=t(lang, f"type.{task_type}"), model=pref["model_name"],
                       used=used))
    return View(ViewKind.NOTICE, t(lang, "pref.title"), tuple(lines), language=lang)


def saved_model(task_type: str, model: Model) -> dict[str, str]:
    return {"task_type": task_type, "model_id": model.model_id, "model_version": model.model_version,
            "model_name": model.name}


async def change_prompt(chat: Chat, event: ChatEvent, lang: str, task_type: str, old_name: str, model: Model,
                        notes: list[str]) -> View:
    """The spec's "you usually use A, this time B: make B your default?", with two buttons (or a typed
    yes/no)."""
    group = new_group()
    make, once = t(lang, "action.make_default", model=model.name), t(lang, "action.just_this_time")
    keep = PendingOffer(group=group, language=lang, label=make, preference=saved_model(task_type, model))
    just = PendingOffer(group=group, drop=True, language=lang, label=once, preference={"keep": old_name})
    yes, no = await put_choices(chat.store, event.platform, event.user_id, keep, just)
    return View(ViewKind.OFFER, t(lang, "pref.change_title", old=old_name, new=model.name),
                (*notes, t(lang, "pref.change_q", new=model.name)),
                actions=(Action(ActionKind.ACCEPT, make, yes, "primary"),
                         Action(ActionKind.ACCEPT, once, no)),
                owner=event.user_id, language=lang)


async def apply_default_rule(chat: Chat, event: ChatEvent, lang: str, task_type: str, rule: str | None,
                             old_name: str | None, model: Model, started: View | None,
                             notes: list[str]) -> View | None:
    """Once a named model's task is under way: ask with the change prompt ("ask"); ``started`` is what
    starting it said (None: nothing). A "save" was done with the task itself (see start) and is said on its
    status message."""
    if rule == "ask":
        return await change_prompt(chat, event, lang, task_type, old_name or "", model, notes)
    return started


async def answer_preference(chat: Chat, event: ChatEvent, offer: PendingOffer, lang: str) -> View:
    """The answer to the change prompt: save the new default, or keep the old one."""
    pref = offer.preference or {}
    if offer.drop:
        return views.notice(lang, "pref.kept", model=pref.get("keep", ""))
    await chat.store.set_preference(event.platform, event.user_id, pref["task_type"], pref["model_id"],
                                    pref["model_version"], pref["model_name"])
    return views.notice(lang, "pref.saved_inline", model=pref["model_name"])


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
    """Deleting a user's data cannot be undone, so "forget me" only asks, with two buttons (the same
    pending-offer mechanism as a paid confirmation): the data goes when the user themself presses
    "Delete my data" (:func:`forget`), and stays on any other answer."""
    event, lang = turn.event, turn.language
    group = new_group()
    delete, keep = t(lang, "forget.delete"), t(lang, "forget.keep")
    go, stay = await put_choices(chat.store, event.platform, event.user_id,
                                 PendingOffer(group=group, forget=True, language=lang, label=delete),
                                 PendingOffer(group=group, drop=True, forget=True, language=lang, label=keep))
    return View(ViewKind.CONFIRM, t(lang, "forget.title"), (t(lang, "forget.what", delete=delete),),
                actions=(Action(ActionKind.ACCEPT, delete, go, "danger"),
                         Action(ActionKind.ACCEPT, keep, stay, "secondary")),
                owner=event.user_id, language=lang)


async def forget(chat: Chat, event: ChatEvent, lang: str) -> View:
    """The deletion itself, once the user pressed "Delete my data": the store and the adapter's memory."""
    await chat.store.forget_user(event.platform, event.user_id)
    platform = chat.manager.platforms.get(event.platform)
    if isinstance(platform, KeepsHistory):
        platform.forget(event.user_id)
    return views.notice(lang, "reply.forgotten")
