"""One-click chains: a result's buttons carry it forward into the next request.

On a picture, "Animate" (a video from this picture) and "Edit…" (asks what to change, then
edits this picture); on a video, "Music for it" (a track from the video's own words). Every
chained request uses the stored IMA link of the earlier result (never a new upload), is shown
with its model, time and price first, and runs only when the user presses "Go ahead"; being an
ordinary offer and then an ordinary task, it survives a restart like any other.
"""

from __future__ import annotations

import time
from typing import Any

from .. import views
from ..contracts import ChatEvent
from ..i18n import t
from ..intent import Intent
from ..kinds import ActionKind, IntentKind, TaskState
from ..media import MEDIA_OF_CATEGORY
from ..store import TaskRecord
from ..views import View
from .chat import Chat, Choice, Turn
from .offers import offer
from .start import choose

CHAIN_KINDS = frozenset({ActionKind.ANIMATE, ActionKind.EDIT, ActionKind.SOUNDTRACK})
EDIT_WAIT_S = 30 * 60  # how long "what should I change?" waits for its answer
MUSIC_PROMPT = "Background music that fits this video: {prompt}"  # sent to IMA only, never shown


def _edit_note_id(platform: str, user_id: str) -> str:
    return f"edit:{platform}:{user_id}"


async def follow(chat: Chat, event: ChatEvent, record: TaskRecord, kind: str, lang: str) -> View:
    """A chain button on ``record``'s result was pressed."""
    urls = [m["url"] for m in record.result or [] if m.get("url")]
    if record.state not in (TaskState.DONE, TaskState.DELIVERING) or not urls:
        return views.notice(lang, "chain.no_result")
    prompt = str(record.request.get("prompt") or "")
    if kind == ActionKind.EDIT:
        note = {"note": "edit", "group": "", "task": record.id, "url": urls[0], "language": lang,
                "at": time.time()}
        note_id = _edit_note_id(event.platform, event.user_id)
        await chat.store.take_pending(note_id)
        await chat.store.put_pending(event.platform, event.user_id, note, pending_id=note_id)
        return views.notice(lang, "chain.edit_ask")
    if kind == ActionKind.ANIMATE:
        return await priced(chat, event, lang, "image_to_video", prompt, [urls[0]], "chain.animate_title")
    return await priced(chat, event, lang, "text_to_music", MUSIC_PROMPT.format(prompt=prompt), [],
                        "chain.music_title")


async def priced(chat: Chat, event: ChatEvent, lang: str, task_type: str, prompt: str, images: list[str],
                 title_key: str) -> View:
    """The next request, priced on the user's usual (or the recommended) model, one press away."""
    catalogue = await chat.selector.catalogue(task_type, lang)
    turn = Turn(event, Intent(IntentKind.GENERATE, lang, task_type=task_type, prompt=prompt))
    choice = await choose(chat, turn, catalogue, {})
    if not isinstance(choice, Choice):
        return choice
    quote = choice.model.try_quote({}, 1)
    if quote is None:
        return views.notice(lang, "reply.type_unavailable",
                            media=t(lang, f"media.{MEDIA_OF_CATEGORY[task_type]}"))
    usual = chat.manager.expected(quote)  # the same range the status message will show
    lines = [*choice.notes,
             t(lang, "status.model_pref" if choice.source == "preference" else "status.model",
               model=quote.model.name),
             t(lang, "status.estimate_learned" if usual.learned else "status.estimate",
               min=views.seconds(usual.typical_min_s), max=views.seconds(usual.typical_max_s)),
             t(lang, "status.credits", credits=quote.total)]
    return await offer(chat, event, lang, t(lang, title_key), lines, prompt, images,
                       [(quote, t(lang, "action.confirm"))], source=choice.source)


async def waiting_edit(chat: Chat, event: ChatEvent) -> dict[str, Any] | None:
    """The "what should I change?" this user still owes an answer to (taken: it is answered once)."""
    note_id = _edit_note_id(event.platform, event.user_id)
    found = await chat.store.get_pending(note_id)
    if found is None or not await chat.store.take_pending(note_id):
        return None
    note = found[2]
    return note if time.time() - float(note.get("at") or 0) < EDIT_WAIT_S else None


async def edit_with(chat: Chat, event: ChatEvent, lang: str, note: dict[str, Any], change: str) -> View:
    """The answer to "what should I change?": this picture, edited as asked, priced first."""
    return await priced(chat, event, lang, "image_to_image", change, [str(note["url"])], "chain.edit_title")
