"""A user's tasks on their way: cancelling them (at once, or after asking) and saying how they are doing.

Stopping a paid task is as final as starting one. A cancel said plainly ("cancel", "别画了") stops every
running task of the user at once; a cancel read from a sentence ("no more videos for today lol, I'm out
of credits", "不想画画了，好累") only asks, with two buttons, and the "stop" button stops exactly the tasks
that were running when it asked (a task that ended meanwhile is left as it is).
"""

from __future__ import annotations

from dataclasses import replace

from .. import views
from ..contracts import ChatEvent
from ..i18n import strings, t
from ..kinds import ActionKind, TaskState, ViewKind
from ..manager import facts_of
from ..media import MEDIA_OF_CATEGORY
from ..store import ACTIVE_STATES, TaskRecord
from ..timetable import progress_percent
from ..views import Action, View
from .chat import Chat, Turn
from .pending import PendingOffer, choice_id, new_group

#: the longest piece of a prompt quoted back to say which task is meant
PROMPT_SHOWN = 40


async def cancel_or_ask(chat: Chat, turn: Turn, *, none_key: str = "cancel.none") -> View:
    """A plain cancel stops the user's running tasks; any other asks first while something runs (and
    answers ``none_key`` when nothing does)."""
    event, lang = turn.event, turn.language
    if turn.intent.plain:
        n = await chat.manager.cancel(event.platform, event.user_id)
        return views.notice(lang, "cancel.done" if n else "cancel.none", n=n)
    running = await chat.store.user_tasks(event.platform, event.user_id, ACTIVE_STATES)
    if not running:
        return views.notice(lang, none_key)
    return await ask_to_stop(chat, event, lang, running)


async def ask_to_stop(chat: Chat, event: ChatEvent, lang: str, running: list[TaskRecord]) -> View:
    """One line and two buttons: stop these tasks, or keep them going (the pending-offer mechanism of every
    other question: one answer, a typed "yes" stops, a typed "no" keeps)."""
    group, ids = new_group(), tuple(r.id for r in running)
    one = len(running) == 1
    stop = t(lang, "action.stop_task" if one else "action.stop_all")
    keep = t(lang, "action.keep_going" if one else "action.keep_all")
    stop_ref = await chat.store.put_pending(event.platform, event.user_id,
                                            PendingOffer(group=group, stop=ids, language=lang,
                                                         label=stop).to_json(),
                                            pending_id=choice_id(group, 0))
    keep_ref = await chat.store.put_pending(event.platform, event.user_id,
                                            PendingOffer(group=group, drop=True, stop=ids, language=lang,
                                                         label=keep).to_json(),
                                            pending_id=choice_id(group, 1))
    title = t(lang, "cancel.ask_one", **_what(lang, running[0])) if one else t(lang, "cancel.ask_many",
                                                                                 n=len(running))
    return View(ViewKind.CONFIRM, title, (t(lang, "cancel.ask_note"),),
                actions=(Action(ActionKind.ACCEPT, stop, stop_ref, "danger"),
                         Action(ActionKind.ACCEPT, keep, keep_ref, "primary")),
                owner=event.user_id, language=lang)


async def answer_stop(chat: Chat, event: ChatEvent, offer: PendingOffer, lang: str) -> View:
    """The answer to :func:`ask_to_stop`: "keep going" leaves the tasks alone; "stop" stops those of them
    still running (none of the user's other tasks, and nothing that ended meanwhile)."""
    if offer.drop:
        return views.notice(lang, "cancel.kept")
    n = 0
    for task_id in offer.stop:
        n += await chat.manager.cancel(event.platform, event.user_id, task_id)
    return views.notice(lang, "cancel.done", n=n) if n else views.notice(lang, "cancel.over")


async def on_task_question(chat: Chat, turn: Turn) -> View:
    """"好了没", "is it done yet?", "where's my video": the running tasks' progress (what each makes, its
    model, how far it is and how long it usually takes: the facts of its status message); with nothing
    running, that, and how the last one ended."""
    event, lang = turn.event, turn.language
    tasks = await chat.store.user_tasks(event.platform, event.user_id)
    running = [r for r in tasks if r.state in ACTIVE_STATES]
    if not running:
        if not tasks:
            return views.notice(lang, "task.none_yet")
        last = tasks[-1]
        lines = [t(lang, f"task.last_{_ending(last)}", **_what(lang, last))]
        if _ending(last) == "failed":  # "为什么不画了": why, in the words of its failure message
            key = f"error.{last.error_kind}"
            reason = t(lang, key if key in strings(lang) else "error.unknown")
            lines.append(t(lang, "failure.reason", reason=reason))
        return View(ViewKind.NOTICE, t(lang, "task.none_running"), tuple(lines), language=lang)
    now = chat.manager.now()
    if len(running) == 1:
        record = running[0]
        elapsed = max(0.0, now - record.created_at)
        percent = progress_percent(elapsed, record.est_max_s)
        lines = [t(lang, "status.model", model=record.model_name),
                 t(lang, "status.estimate", min=views.seconds(record.est_min_s),
                   max=views.seconds(record.est_max_s)),
                 t(lang, "status.credits", credits=record.credits),
                 # (in the language of the question, not of the request)
                 *filter(None, [views.settings_line(replace(facts_of(record), language=lang))])]
        waited = t(lang, "progress.waited", elapsed=views.seconds(elapsed),
                   max=views.seconds(record.est_max_s))
        lines.append(t(lang, "task.queued") if record.state == TaskState.CREATING else waited)
        if elapsed > record.est_max_s:
            lines.append(t(lang, "progress.almost"))
        return View(ViewKind.NOTICE, t(lang, "task.progress_one", p=percent, **_what(lang, record)),
                    tuple(lines), progress=percent, language=lang)
    lines = []
    for record in running:
        elapsed = max(0.0, now - record.created_at)
        lines.append(t(lang, "task.progress_line", p=progress_percent(elapsed, record.est_max_s),
                       elapsed=views.seconds(elapsed), max=views.seconds(record.est_max_s),
                       **_what(lang, record)))
    return View(ViewKind.NOTICE, t(lang, "task.progress_many", n=len(running)), tuple(lines), language=lang)


def _what(lang: str, record: TaskRecord) -> dict[str, str]:
    """What a task makes, in words: its media, its model and (shortened) its prompt."""
    prompt = " ".join(str(record.request.get("prompt") or "").split())
    if len(prompt) > PROMPT_SHOWN:
        prompt = prompt[:PROMPT_SHOWN - 1].rstrip() + "…"
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
