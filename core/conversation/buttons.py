"""Button presses: accept an offer, retry, pick another model, see alternatives, cancel a task.

A button acts on a pending offer (``accept``) or on a task (the rest); only the user who asked may
press it, everyone else gets a refusal shown only to them (a ``denied`` view).
"""

from __future__ import annotations

import logging
from typing import Any

from .. import views
from ..catalogue import Quote
from ..contracts import ChannelError, ChatEvent
from ..errors import NoMatchingRule
from ..i18n import t
from ..kinds import ActionKind, ViewKind
from ..refs import TaskRef
from ..store import TaskRecord
from ..views import View
from .chains import CHAIN_KINDS, follow
from .chat import Chat, Choice
from .offers import alternatives_offer
from .pending import PendingOffer, answered_id, answered_view, group_of, shown_id
from .preferences import answer_preference, apply_default_rule, forget
from .running import answer_stop
from .start import start

log = logging.getLogger(__name__)


def denied(lang: str) -> View:
    return View(ViewKind.DENIED, t(lang, "action.not_yours"), language=lang)


async def refusal(chat: Chat, event: ChatEvent, kind: str, ref: str) -> View | None:
    """A fast ownership check, so adapters can refuse (privately) before acknowledging the press.

    The refusal speaks the presser's language if the platform knows it, else the request's."""
    owner, language = None, None
    if kind == ActionKind.ACCEPT:
        group = group_of(ref)
        found = await chat.store.get_pending(ref) or (
            await chat.store.get_pending(answered_id(group)) if group else None
        )
        if found is not None:
            owner, language = found[1], PendingOffer.from_json(found[2]).language
    else:
        record = await chat.store.task(TaskRef.decode(ref).task_id)
        if record is not None:
            owner, language = record.user_id, record.language
    if owner is None or owner == event.user_id:
        return None
    return denied(event.language or language or "en")


async def press(chat: Chat, event: ChatEvent, kind: str, ref: str, *, n: int | None = None,
                changes: dict[str, Any] | None = None) -> View | None:
    """What a press on button ``kind`` with reference ``ref`` does; ``n``: how many a typed "再来两张" asks
    for instead of the task's own count; ``changes``: the options a typed "one more, vertical this time"
    asks for instead of the task's own."""
    if kind == ActionKind.ACCEPT:
        return await accept(chat, event, ref)
    target = TaskRef.decode(ref)
    task_id, model_key = target.task_id, target.model_key
    record = await chat.store.task(task_id)
    lang = (record.language if record else None) or event.language or "en"
    if record is None:
        return views.notice(lang, "action.expired")
    if record.user_id != event.user_id or record.platform != event.platform:
        return denied(lang)
    if kind == ActionKind.CANCEL_TASK:
        n = await chat.manager.cancel(event.platform, event.user_id, task_id)
        return None if n else views.notice(lang, "cancel.none")
    if kind in CHAIN_KINDS:
        return await follow(chat, event, record, kind, lang)
    if kind == ActionKind.ALTERNATIVES:
        return await alternatives_offer(chat, event, record, lang)
    if kind not in (ActionKind.RETRY, ActionKind.PICK_MODEL):
        return views.notice(lang, "action.expired")
    again = await again_quote(chat, record, lang, model_key, n=n, changes=changes)
    if again is None:
        return await alternatives_offer(chat, event, record, lang)
    quote, options, choice = again
    return await start(chat, event, lang, quote, record.request["prompt"], record.request.get("images", []),
                       options, choice)


async def again_quote(chat: Chat, record: TaskRecord, lang: str, model_key: str | None = None, *,
                      n: int | None = None, changes: dict[str, Any] | None = None
                      ) -> tuple[Quote, dict[str, Any], Choice] | None:
    """The price of ``record`` made again (with ``model_key``, ``n`` or changed options), or None when its
    model is gone or cannot make it so."""
    catalogue = await chat.selector.catalogue(record.task_type, lang)
    if model_key:
        model = catalogue.by_key(model_key)
    else:
        model = catalogue.by_key(record.model_version) or catalogue.by_model_id(record.model_id)
    options = {**record.request.get("options", {}), **(changes or {})}
    count, notes = n or record.n, []
    if model is not None and count > model.max_n:  # "再来二十张": as many as the model makes, said so
        notes.append(t(lang, "note.n_clamped", n=model.max_n, model=model.name))
        count = model.max_n
    quote = chat.selector.price(model, options, count) if model is not None else None
    if model is None or quote is None:
        return None
    source = "explicit" if model_key else ("preference" if record.from_preference else "default")
    return quote, options, Choice(model, source, notes)


async def accept(chat: Chat, event: ChatEvent, pending_id: str, *, typed: bool = False) -> View | None:
    """Take a pending offer (once: a second press, or a press on a sibling choice, finds it gone).

    ``typed``: a typed "yes" rather than a press. It may start a priced request, but never deletes a
    user's data: only the "Delete my data" button does."""
    found = await chat.store.get_pending(pending_id)
    lang = event.language or "en"
    if found is None:
        return await _gone(chat, pending_id, lang)
    platform, user_id, payload = found
    offer = PendingOffer.from_json(payload)
    lang = offer.language or lang
    if user_id != event.user_id or platform != event.platform:
        return denied(lang)
    if offer.forget and typed and not offer.drop:  # still open: the button does it
        return views.notice(lang, "forget.press", label=offer.label)
    if "note" in payload or not await chat.store.take_pending(pending_id):
        return await _gone(chat, pending_id, lang)
    await _mark_answered(chat, platform, user_id, offer, lang)
    if offer.forget:
        return views.notice(lang, "forget.kept") if offer.drop else await forget(chat, event, lang)
    if offer.preference is not None:
        return await answer_preference(chat, event, offer, lang)
    if offer.stop:
        return await answer_stop(chat, event, offer, lang)
    if offer.drop:
        return views.notice(lang, "reply.dropped")
    catalogue = await chat.selector.catalogue(offer.task_type, lang)
    model = catalogue.by_key(offer.model_key)
    if model is None:
        return views.notice(lang, "action.expired")
    try:
        quote = model.quote(offer.options, offer.n)
    except NoMatchingRule:
        return views.notice(lang, "action.expired")
    started = await start(chat, event, lang, quote, offer.prompt, list(offer.images), offer.options,
                          Choice(model, offer.source, []), confirmed=offer.confirmed,
                          default_rule=(offer.default_rule or None, offer.old_default or None))
    if started is not None or offer.default_rule != "ask":  # refused (budget, limit), or nothing to ask
        return started
    return await apply_default_rule(chat, event, lang, offer.task_type, offer.default_rule, offer.old_default,
                                    model, started, [])


async def _gone(chat: Chat, pending_id: str, lang: str) -> View:
    """A press on a choice no longer open: say which one was taken, if we know; "expired" only if not."""
    group = group_of(pending_id)
    note = await chat.store.get_pending(answered_id(group)) if group else None
    if note is not None:
        answer = note[2]
        lang = str(answer.get("language") or lang)
        return views.notice(lang, "offer.already_answered", choice=str(answer.get("label") or ""))
    return views.notice(lang, "action.expired")


async def _mark_answered(chat: Chat, platform: str, user_id: str, offer: PendingOffer, lang: str) -> None:
    """Close the offer: drop the other choices, remember the one taken, take the buttons off its message."""
    shown = await chat.store.get_pending(shown_id(offer.group))
    await chat.store.clear_pending_group(offer.group)
    await chat.store.put_pending(platform, user_id,
                                 {"group": offer.group, "note": "answered", "label": offer.label,
                                                     "language": lang}, pending_id=answered_id(offer.group))
    if shown is None:
        return
    note = shown[2]
    target = chat.manager.platforms.get(platform)
    if target is None:
        return
    try:
        await target.channel(note.get("route") or {}).edit(str(note.get("ref")),
                                                           answered_view(note, offer.label))
    except ChannelError:
        log.info("could not take the buttons off an answered offer", extra={"platform": platform})
