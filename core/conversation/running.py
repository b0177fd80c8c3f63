"""A user's tasks on their way: cancelling them (at once, or after asking) and saying how they are doing.

Stopping a paid task is as final as starting one. A cancel said as an order ("cancel", "别画了", "cancel the
video", "太慢了，取消吧") stops the running tasks it names (all of them when it names none) at once; a cancel
read from a feeling or a plan ("no more videos for today lol, I'm out of credits", "不想画画了，好累"), or one
that names a task it cannot tell apart, only asks, with two buttons, and the "stop" button stops exactly the
tasks that were asked about (a task that ended meanwhile is left as it is).

Everything here sees only the tasks of the conversation the message came from: a prompt typed in a direct
message is never quoted into a group, and a cancel said in one channel stops nothing in another.
"""

from __future__ import annotations

from dataclasses import replace

from .. import views
from ..contracts import ChatEvent
from ..i18n import t
from ..intent import Intent
from ..kinds import ActionKind, TaskState, ViewKind
from ..manager import facts_of
from ..media import MEDIA_OF_CATEGORY
from ..parsing.task_talk import names
from ..store import ACTIVE_STATES, TaskRecord
from ..timetable import progress_percent
from ..views import Action, View
from .chat import Chat, Turn
from .generate import short
from .pending import PendingOffer, new_group, put_choices


async def cancel_or_ask(chat: Chat, turn: Turn, *, none_key: str = "cancel.none") -> View:
    """A plain cancel stops the user's tasks running in this conversation; any other asks first while
    something runs there (and answers ``none_key`` when nothing does)."""
    event, lang = turn.event, turn.language
    running = await running_here(chat, event)
    if not running:
        return views.notice(lang, "cancel.none" if turn.intent.plain else none_key)
    meant, told_apart = _meant(turn.intent, running)
    if turn.intent.plain and told_apart:
        n = await _stop(chat, event, [r.id for r in meant])
        return views.notice(lang, "cancel.done" if n else "cancel.none", n=n)
    return await ask_to_stop(chat, event, lang, meant)


def _meant(intent: Intent, running: list[TaskRecord]) -> tuple[list[TaskRecord], bool]:
    """The tasks a cancel or a question is about, and whether it tells them apart from the others: naming
    nothing, all of them; "cancel the dog video", the one whose media and prompt fit (when two fit, or none,
    it is not clear which is meant: a cancel then asks, about those that fit, or about all)."""
    if not intent.named_media and not intent.named:
        return running, True
    fits = [r for r in running if (intent.named_media in (None, MEDIA_OF_CATEGORY[r.task_type]))
            and (not intent.named or names(intent.named, str(r.request.get("prompt") or "")))]
    return (fits, len(fits) == 1) if fits else (running, False)


async def running_here(chat: Chat, event: ChatEvent) -> list[TaskRecord]:
    """The user's tasks on their way in the conversation the message came from: a task asked for in a direct
    message is never named, quoted or stopped from a group (nor one of a group from another)."""
    return await chat.store.user_tasks(event.platform, event.user_id, ACTIVE_STATES, chat_id=event.chat_id)


async def _stop(chat: Chat, event: ChatEvent, task_ids: list[str]) -> int:
    n = 0
    for task_id in task_ids:
        n += await chat.manager.cancel(event.platform, event.user_id, task_id)
    return n


async def ask_to_stop(chat: Chat, event: ChatEvent, lang: str, running: list[TaskRecord]) -> View:
    """One line and two buttons: stop these tasks, or keep them going (the pending-offer mechanism of every
    other question: one answer, a typed "yes" stops, a typed "no" keeps)."""
    group, ids = new_group(), tuple(r.id for r in running)
    one = len(running) == 1
    stop = t(lang, "action.stop_task" if one else "action.stop_all")
    keep = t(lang, "action.keep_going" if one else "action.keep_all")
    stop_ref, keep_ref = await put_choices(
        chat.store, event.platform, event.user_id,
        PendingOffer(group=group, stop=ids, language=lang, label=stop),
        PendingOffer(group=group, drop=True, stop=ids, language=lang, label=keep))
    title = t(lang, "cancel.ask_one", **_what(lang, running[0])) if one else t(lang, "cancel.ask_many",
                                                                                 n=len(running))
    return View(ViewKind.CONFIRM, title, (t(lang, "cancel.ask_note"),),
                actions=(Action(ActionKind.ACCEPT, stop, stop_ref, "danger"),
                         Action(ActionKind.ACCEPT, keep, keep_ref, "primary")),
                owner=event.user_id, language=lang)


async def answer_stop(chat: Chat, event: ChatEvent, offer: PendingOffer, lang: str) -> View:
    """The answer to :func:`ask_to_stop`: "keep going" leaves the tasks alone; "stop" stops those of them
    still running (none of the user's other tasks, and nothing that ended meanwhile). Either way, a task that
    ended meanwhile is said to have ended, and how (finished, or already cancelled)."""
    if not offer.drop:
        n = await _stop(chat, event, list(offer.stop))
        if n:
            return views.notice(lang, "cancel.done", n=n)
    ended = [r for task_id in offer.stop if (r := await chat.store.task(task_id)) is not None]
    if any(r.state in ACTIVE_STATES for r in ended) or not ended:
        return views.notice(lang, "cancel.kept")
    if all(_ending(r) == "cancelled" for r in ended):
        return views.notice(lang, "cancel.was_cancelled")
    return views.notice(lang, "cancel.kept_over" if offer.drop else "cancel.over")


async def on_task_question(chat: Chat, turn: Turn) -> View:
    """"好了没", "is it done yet?", "where's my video": the progress of the tasks running in this conversation
    (what each makes and the facts of its status message); with nothing running, that, and how the last one
    made here ended."""
    event, lang = turn.event, turn.language
    running = await running_here(chat, event)
    if not running:
        last = await chat.store.user_tasks(event.platform, event.user_id, chat_id=event.chat_id, latest=1)
        if not last:
            return views.notice(lang, "task.none_yet")
        ending = _ending(last[0])
        lines = [t(lang, f"task.last_{ending}", **_what(lang, last[0]))]
        if ending == "failed":  # "为什么不画了": why, in the words of its failure message
            lines.append(views.failure_reason(lang, last[0].error_kind or "unknown"))
        return View(ViewKind.NOTICE, t(lang, "task.none_running"), tuple(lines), language=lang)
    running = _meant(turn.intent, running)[0]  # "is the cat video done?": that one, when it can be told
    now = chat.manager.now()
    if len(running) == 1:
        record = running[0]
        elapsed = max(0.0, now - record.created_at)
        percent = progress_percent(elapsed, record.est_max_s)
        facts = replace(facts_of(record), language=lang)  # (in the language of the question)
        if record.state == TaskState.CREATING:  # what its status message says while it waits its turn
            said = (*views.starting(facts).lines, t(lang, "task.queued"))
        else:
            said = views.progress(facts, elapsed, percent).lines
        return View(ViewKind.NOTICE, t(lang, "task.progress_one", p=percent, **_what(lang, record)),
                    said, progress=percent, language=lang)
    out = []
    for record in running:
        elapsed = max(0.0, now - record.created_at)
        out.append(t(lang, "task.progress_line", p=progress_percent(elapsed, record.est_max_s),
                     elapsed=views.seconds(elapsed), max=views.seconds(record.est_max_s),
                     **_what(lang, record)))
    return View(ViewKind.NOTICE, t(lang, "task.progress_many", n=len(running)), tuple(out), language=lang)


def _what(lang: str, record: TaskRecord) -> dict[str, str]:
    """What a task makes, in words: its media, its model and its prompt, shortened as on "Make it"."""
    prompt = short(" ".join(str(record.request.get("prompt") or "").split()))
    return {"media": t(lang, f"media.{MEDIA_OF_CATEGORY[record.task_type]}"), "model": record.model_name,
            "about": t(lang, "task.about", prompt=prompt) if prompt else ""}


def _ending(record: TaskRecord) -> str:
    """How a task that is no longer running ended, as the locale key's last word."""
    if record.state == TaskState.FAILED or (record.state == TaskState.DELIVERING and record.error_kind):
        return "failed"  # (delivering: its final message is on its way)
    if record.state in (TaskState.DONE, TaskState.DELIVERING):
        return "done"
    if record.state == TaskState.INTERRUPTED:
        return "interrupted"
    return "cancelled"
