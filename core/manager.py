"""The asyncio task manager: create once, watch cheaply, keep ONE status message up to date, deliver once.

Watching uses the event loop's timer heap (``loop.call_at``): each task holds at most two timer
handles (next check, next progress update) and no coroutine sleeps per task, so a thousand
tasks in flight cost a few timer entries and a bounded number of concurrent checks. When to
check comes from :mod:`core.learned_timing`: what this bot has seen the same model take.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from . import views
from .answers_first import AnswersFirst
from .catalogue import Quote
from .contracts import ChannelError, ChatEvent, Platform
from .editor import MessageEditor
from .errors import ErrorKind, IMAError, UploadRejected
from .ima_client import IMAClient
from .kinds import TaskState
from .learned_timing import History, Timing, next_check, observed_interval, variant_of
from .leases import lease_end, period
from .media import MEDIA_OF_CATEGORY, RESULT_KIND
from .store import ACTIVE_STATES, STORE_ERRORS, Limits, Store, TaskRecord
from .task_status import TaskOutcome
from .timetable import Estimate, estimate, progress_percent
from .views import Alternative, MediaItem, TaskFacts, View

log = logging.getLogger(__name__)
T = TypeVar("T")

AlternativesFn = Callable[[TaskRecord], Awaitable[list[Alternative]]]


@dataclass
class ManagerSettings:
    time_scale: float = 1.0
    max_active_per_user: int = 3
    max_active_total: int = 1000
    check_concurrency: int = 32
    create_concurrency: int = 8  # creates in flight at once: a burst of messages gets its first answers first
    # with more than this many messages being answered at once (a burst the bot is behind on), creates wait
    # for the answers, at most create_wait_max_s after their task was accepted
    create_yield_backlog: int = 16
    create_wait_max_s: float = 3.0
    timeout_factor: float = 3.0  # deadline when IMA gives none: estimated max × this
    backoff_base_s: float = 2.0
    backoff_max_s: float = 60.0
    create_rate_limit_retries: int = 3
    give_up_after_errors: int = 8  # consecutive non-transient detail errors
    instance_id: str = ""  # who holds a task's lease; default: host name and process id
    # a task whose instance dies is taken over by another within this long (see core/leases.py)
    lease_s: float = 30.0
    # on a graceful stop, creates accepted but not yet sent (or still in flight) get this long to finish, so a
    # deploy in a burst does not turn requests users already saw priced into "interrupted"
    close_drain_s: float = 10.0


class AlreadyStarted(Exception):
    """The message asking for this task already started one (it was handed over again after a restart)."""


class LimitReached(Exception):
    def __init__(self, scope: str, limit: int) -> None:
        super().__init__(scope)
        self.scope = scope  # "user" | "total" | "budget"
        self.limit = limit


@dataclass
class TaskRequest:
    """A priced request ready to run: the conversation has chosen the model and the options."""

    event: ChatEvent
    language: str
    quote: Quote
    prompt: str
    images: Sequence[bytes | str] = ()
    from_preference: bool = False
    cheaper: Alternative | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    budgets: tuple[int, int] = (0, 0)  # today's (user, server) credit limits; 0 = none
    budget_day: float = 0.0  # when the budgets' day began
    # a model named in the request becomes the user's default for its kind: saved together with the task's
    # reservation (both or neither), and said on the status message
    save_default: bool = False


@dataclass
class _Watch:
    record: TaskRecord
    editor: MessageEditor
    facts: TaskFacts
    timing: Timing
    # seconds since acceptance of the last check that saw it still running
    last_running_s: float | None = None
    check_handle: asyncio.TimerHandle | None = None
    progress_handle: asyncio.TimerHandle | None = None
    errors: int = 0
    checking: bool = False


def facts_of(record: TaskRecord, cheaper: Alternative | None = None) -> TaskFacts:
    return TaskFacts(media=MEDIA_OF_CATEGORY[record.task_type], model_name=record.model_name,
                     credits=record.credits,
                     est_min_s=record.est_min_s, est_max_s=record.est_max_s, language=record.language,
                     owner=record.user_id, task_ref=record.id, from_preference=record.from_preference,
                     cheaper=cheaper, n=record.n, est_learned=bool(record.request.get("learned_from")),
                     settings=views.applied_settings(record.request.get("params") or {}),
                     saved_default=bool(record.request.get("saved_default")))


class TaskManager:
    def __init__(self, store: Store, client: IMAClient, platforms: Mapping[str, Platform],
                 settings: ManagerSettings | None = None, alternatives: AlternativesFn | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.client = client
        self.platforms = dict(platforms)
        self.settings = settings or ManagerSettings()
        self._alternatives = alternatives
        self._clock = clock
        self._watching: dict[str, _Watch] = {}
        self._background: set[asyncio.Task[Any]] = set()
        self._checks = asyncio.Semaphore(self.settings.check_concurrency)
        self._creates = asyncio.Semaphore(self.settings.create_concurrency)
        # the conversation marks the messages it is answering; in a backlog creates wait (see AnswersFirst)
        self.answers = AnswersFirst(self.settings.create_wait_max_s, self.settings.create_yield_backlog)
        self._closed = False
        self.instance_id = self.settings.instance_id or f"{socket.gethostname()}:{os.getpid()}"
        self._mine: set[str] = set()  # tasks this instance holds the lease of and is working on
        # accepted tasks whose create this instance has not sent yet (waiting their turn): Cancel ends
        # them for free; leaving the set, right before the create call, is the point of no return
        self._unsent: set[str] = set()
        self._sending: set[asyncio.Task[Any]] = set()  # those creates, waiting or in flight
        self._lease_tasks: list[asyncio.Task[Any]] = []
        self.history = History(self.settings.time_scale)
        # watches scheduled from learned durations rather than the time table (read by the watching bench)
        self.stats: dict[str, int] = {"scheduled_from_history": 0}
        # (record, final state), for metrics
        self.on_finished: Callable[[TaskRecord, str], None] | None = None
        # (platform, edits, failed edits), for metrics
        self.on_edits: Callable[[str, int, int], None] | None = None

    # ── lifecycle ────────────────────────────────────────────────────────────────────────────
    def add_platform(self, platform: Platform) -> None:
        self.platforms[platform.name] = platform

    @property
    def shared(self) -> bool:
        """Several instances share the store (PostgreSQL): tasks are divided among them by leases."""
        return self.store.dialect == "postgresql"

    async def start(self) -> None:
        """Pick up where a previous run stopped: resume watching, finish deliveries, report interruptions.

        On a shared store only tasks whose lease has run out (their instance died) or that are already
        this instance's are taken; a lease loop keeps ours alive and takes over the dead ones' later.
        """
        await self.store.trim_durations()
        self.history.load(await self.store.recent_durations())
        await self._take_over(any_lease=not self.shared, own=True)
        if self.shared:
            self._lease_tasks = [asyncio.create_task(self._renew_loop()),
                                 asyncio.create_task(self._takeover_loop())]

    async def _take_over(self, *, any_lease: bool = False, own: bool = False) -> int:
        now = self._clock()
        claimed = await self.store.claim_tasks(
            self.instance_id, lease_end(now, self.settings.lease_s), now,
            (*ACTIVE_STATES, TaskState.DELIVERING), platforms=tuple(self.platforms), any_lease=any_lease,
            own=own)
        taken = 0
        for record in claimed:
            if record.id in self._mine or self._closed:
                continue  # ours and already in hand
            self._mine.add(record.id)
            taken += 1
            editor = MessageEditor(self.platforms[record.platform].channel(record.route), record.status_ref)
            if record.state == TaskState.CREATING:
                # Its instance died between "creating" and IMA's answer: never sent again, said honestly.
                if await self.store.update_task(record.id, expect=(TaskState.CREATING,),
                                                state=TaskState.INTERRUPTED,
                                                error_kind=ErrorKind.INTERRUPTED, finished_at=self._clock()):
                    self._spawn(self._deliver_final(record, editor, views.interrupted(facts_of(record)),
                                                    TaskState.INTERRUPTED))
            elif record.state == TaskState.RUNNING:
                self._watch(record, editor)
            else:
                self._spawn(self._redeliver(record, editor))
        if taken and not any_lease:
            log.info("took over tasks", extra={"count": taken, "instance": self.instance_id})
        return taken

    async def _renew_loop(self) -> None:
        """Renew our leases several times per lease, and let go of what another instance took over.

        Kept apart from taking over, so a slow takeover never delays a renewal.
        """
        every = period(self.settings.lease_s)
        while not self._closed:
            await asyncio.sleep(every)
            try:
                if not self._mine:
                    continue
                until = lease_end(self._clock(), self.settings.lease_s)
                # Lost means another instance holds it now: never a task started while the database
                # answered (forgetting one left it unwatched, or, reclaimed, told its user twice).
                for lost in await self.store.renew_leases(self.instance_id, until, list(self._mine)):
                    self._mine.discard(lost)
                    watch = self._watching.pop(lost, None)
                    if watch is not None:  # we stalled past our lease and another instance has it now
                        self._cancel_timers(watch)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("lease renewal failed; retrying")

    async def _takeover_loop(self) -> None:
        """Take over the tasks of instances that stopped renewing (they died, or lost the database)."""
        every = period(self.settings.lease_s)
        while not self._closed:
            await asyncio.sleep(every)
            try:
                await self._take_over()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("taking over tasks failed; retrying")

    async def close(self, drain_s: float | None = None) -> None:
        """Stop watching (state stays in the store for the next start). Safe to call twice.

        Tasks accepted but not yet sent to IMA are sent first (for at most ``drain_s``, by default the
        settings' ``close_drain_s``): their users were already shown the model and the price, and a task
        left unsent could only be reported "interrupted" after the restart. Once sent, the next start
        watches them like any other. ``drain_s=0`` stops at once, as a crash would.
        """
        if self._closed:
            return
        self._closed = True
        drain = self.settings.close_drain_s if drain_s is None else drain_s
        sending = [task for task in self._sending if not task.done()]
        if sending and drain > 0:
            self.answers.release()  # nothing is answered any more: no create waits for answers
            await asyncio.wait(sending, timeout=drain)
        for task in self._lease_tasks:
            task.cancel()
        await asyncio.gather(*self._lease_tasks, return_exceptions=True)
        for watch in list(self._watching.values()):
            self._cancel_timers(watch)
            await watch.editor.close()
        self._watching.clear()
        for task in list(self._background):
            task.cancel()
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
        if self.shared and self._mine:
            try:  # hand our tasks to the other instances now rather than after the lease time
                await self.store.release_leases(self.instance_id)
            except Exception:
                log.exception("could not release leases; other instances take over after the lease time")

    async def wait_idle(self, timeout_s: float | None = None) -> None:
        """Wait until nothing is being watched or delivered (the terminal chat uses it at end of input)."""
        async def idle() -> None:
            while self._watching or self._background:  # noqa: ASYNC110 - rare helper, polling is simplest
                await asyncio.sleep(0.02)

        await asyncio.wait_for(idle(), timeout_s)

    @property
    def watching(self) -> int:
        return len(self._watching)

    def _spawn(self, coro: Awaitable[Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        task.add_done_callback(_log_crash)
        return task

    # ── submit ───────────────────────────────────────────────────────────────────────────────
    async def submit(self, request: TaskRequest) -> str:
        """Tell the user, upload, create exactly once, then watch. Returns the local task id."""
        event, quote = request.event, request.quote
        model = quote.model
        est = estimate(model.category, model.model_id, self.settings.time_scale)
        variant = variant_of(estimate(model.category, model.model_id), quote.rule.attributes)
        timing = self.expected(quote)  # what users are told comes from what was seen
        record = TaskRecord(
            id=uuid.uuid4().hex[:16], platform=event.platform, chat_id=event.chat_id, user_id=event.user_id,
            guild_id=event.guild_id, route=dict(event.route), status_ref=None, language=request.language,
            task_type=model.category, model_id=model.model_id, model_version=model.model_version,
            model_name=model.name,
            request={"prompt": request.prompt, "params": quote.params,
                     "attribute_id": quote.rule.attribute_id,
                     "points": quote.points, "options": dict(request.options), "images": [],
                     "variant": variant, "learned_from": timing.learned_from,
                     "saved_default": request.save_default},
            credits=quote.total, n=quote.n, ima_task_id=None, state=TaskState.CREATING, error_kind=None,
            result=None,
            est_min_s=round(timing.typical_min_s, 3), est_max_s=round(timing.typical_max_s, 3),
            check_every_s=est.check_every_s,
            progress_every_s=est.progress_every_s, created_at=self._clock(),
            from_preference=request.from_preference, source=event.source)
        limits = Limits(self.settings.max_active_per_user, self.settings.max_active_total, *request.budgets,
                        since=request.budget_day)
        # before the row exists: our own takeover loop must never mistake it for an orphan
        self._mine.add(record.id)
        try:
            lease = (self.instance_id, lease_end(self._clock(), self.settings.lease_s))
            refused = await self.store.insert_task_within(record, limits, lease=lease,
                                                          save_default=request.save_default)
        except BaseException:
            self._mine.discard(record.id)
            raise
        if refused is not None:  # checked and reserved in one step: requests sent together cannot all pass
            self._mine.discard(record.id)
            if refused == "duplicate":
                raise AlreadyStarted(record.source)
            raise LimitReached(refused, {"user": limits.max_active_per_user,
                                         "total": limits.max_active_total}.get(refused, 0))
        channel = self.platforms[event.platform].channel(event.route)
        editor = MessageEditor(channel, None)
        facts = facts_of(record, request.cheaper)
        try:
            record.status_ref = await editor.send_first(views.starting(facts))
        except ChannelError:
            await self.store.update_task(record.id, expect=(TaskState.CREATING,), state=TaskState.FAILED,
                                         error_kind=ErrorKind.UNKNOWN)
            raise
        await self.store.update_task(record.id, status_ref=record.status_ref)
        accepted = asyncio.get_running_loop().time()
        self._unsent.add(record.id)
        sending = self._spawn(self._create_in_turn(record, editor, facts, quote, request, accepted))
        self._sending.add(sending)
        sending.add_done_callback(self._sending.discard)
        return record.id

    async def _create_in_turn(self, record: TaskRecord, editor: MessageEditor, facts: TaskFacts, quote: Quote,
                              request: TaskRequest, accepted: float) -> None:
        """Creates wait their turn (a few at a time, and in a backlog after the messages being answered) so
        that, in a burst, answering the next message's first status comes before sending earlier ones to
        IMA; each is still sent once, in order."""
        async with self._creates:
            await self.answers.turn(accepted)
            if record.id not in self._unsent:
                return  # cancelled while it waited: never sent, never charged
            await self._create(record, editor, facts, quote, request)

    async def _create(self, record: TaskRecord, editor: MessageEditor, facts: TaskFacts, quote: Quote,
                      request: TaskRequest) -> None:
        try:
            # a link is an earlier upload or result of ours (a repeat, a chain): never uploaded again
            urls = [
                image if isinstance(image, str) else await self.client.upload(image)
                for image in request.images
            ]
        except (IMAError, UploadRejected) as exc:
            kind = exc.kind if isinstance(exc, IMAError) else ErrorKind.BAD_REQUEST
            await self._fail_before_create(record, editor, kind)
            return
        if urls:  # nothing to remember for a request without pictures: one write less per message
            record.request["images"] = urls
            await self.store.update_task(record.id, request=record.request)
        if record.id not in self._unsent:
            return  # cancelled during the upload
        self._unsent.discard(record.id)  # no await since the check: a Cancel from now on comes too late
        created = None
        for attempt in range(self.settings.create_rate_limit_retries + 1):
            try:
                created = await self.client.create_task(quote, request.prompt, urls, language=record.language)
                break
            except IMAError as exc:
                # Only a rate-limit answer proves IMA did nothing; anything else is never retried, so a task
                # is never created twice.
                if exc.kind is ErrorKind.RATE_LIMITED and attempt < self.settings.create_rate_limit_retries:
                    await asyncio.sleep(exc.retry_after_s or 1.0)
                    continue
                # no answer to a create (timeout, dropped connection) does not mean it did not start
                ambiguous = exc.kind in (ErrorKind.TIMEOUT, ErrorKind.NETWORK)
                await self._fail_before_create(record, editor,
                                               ErrorKind.UNCONFIRMED if ambiguous else exc.kind)
                return
        assert created is not None
        now = self._clock()
        deadline = (
            created.timeout_at_ms / 1000
            if created.timeout_at_ms
            else now + record.est_max_s * self.settings.timeout_factor
        )
        record.ima_task_id, record.state, record.submitted_at, record.deadline_at = (
            created.task_id,
            TaskState.RUNNING,
            now,
            deadline,
        )
        # IMA has it now: this write must land (retried while the database fails), or the task is lost to us;
        # charged and no longer reserved in one step, so budgets never count it twice
        started = {"ima_task_id": created.task_id, "state": TaskState.RUNNING, "submitted_at": now,
                   "deadline_at": deadline}
        ours = await self._until_saved(lambda: self.store.charge_and_start(record, **started))
        if not ours:
            # Another instance took this task for an orphan while IMA was answering (this one renewed its
            # lease
            # too late) and told the user it was interrupted. IMA did start it and charged for it: take it
            # back,
            # so the result still reaches the user, on the same message.
            ours = await self._until_saved(lambda: self.store.update_task(
                record.id, expect=(TaskState.INTERRUPTED,), error_kind=None, finished_at=None,
                delivered_at=None, **started))
            if ours:
                await self._until_saved(lambda: self.store.take_lease(
                    record.id, self.instance_id, lease_end(self._clock(), self.settings.lease_s)))
                self._mine.add(record.id)
        log.info("task created",
                 extra={"task": record.id, "platform": record.platform, "type": record.task_type,
                                        "model": record.model_id, "credits": record.credits})
        if ours:
            self._watch(record, editor, facts)
        else:  # cancelled meanwhile: charged, nothing to show
            self._mine.discard(record.id)

    async def _fail_before_create(self, record: TaskRecord, editor: MessageEditor, kind: ErrorKind) -> None:
        self._unsent.discard(record.id)
        if await self.store.update_task(record.id, expect=(TaskState.CREATING,), state=TaskState.DELIVERING,
                                        error_kind=kind, finished_at=self._clock()):
            record.error_kind = kind
            await self._deliver_final(record, editor, await self._failure_view(record), TaskState.FAILED)

    # ── watching ─────────────────────────────────────────────────────────────────────────────
    def _watch(self, record: TaskRecord, editor: MessageEditor | None = None,
               facts: TaskFacts | None = None) -> None:
        if self._closed:
            return
        if editor is None:
            editor = MessageEditor(self.platforms[record.platform].channel(record.route), record.status_ref)
        watch = _Watch(record, editor, facts or facts_of(record), self._timing_of(record))
        replaced = self._watching.get(record.id)
        if replaced is not None:  # one watch per task: two would check, end and deliver it twice
            self._cancel_timers(replaced)
        self._watching[record.id] = watch
        self.stats["scheduled_from_history"] += watch.timing.learned
        start = record.submitted_at or record.created_at
        now = self._clock()
        elapsed = now - start
        # a restart may be late
        due = start + next_check(0.0, watch.timing) if elapsed < watch.timing.early_s else now
        self._schedule_check(watch, due - now)
        next_progress = start + record.progress_every_s
        while next_progress <= now:
            next_progress += record.progress_every_s
        self._schedule_progress(watch, next_progress - now)

    def expected(self, quote: Quote) -> Timing:
        """How long a request like this one usually takes: learned from the tasks this bot watched (same
        model,
        kind and priced options), the spec's time table until there are enough. Its typical range is what
        users
        are told before and while it runs."""
        model = quote.model
        variant = variant_of(estimate(model.category, model.model_id), quote.rule.attributes)
        return self.history.timing(model.model_id, variant,
                                   estimate(model.category, model.model_id, self.settings.time_scale))

    def _timing_of(self, record: TaskRecord) -> Timing:
        table = estimate(record.task_type, record.model_id, self.settings.time_scale)
        # the spec's cadence as this task was started with (a restart keeps its pace)
        table = Estimate(table.min_s, table.max_s, record.check_every_s, table.progress_every_s)
        return self.history.timing(record.model_id, str(record.request.get("variant", "")), table)

    def _schedule_check(self, watch: _Watch, delay_s: float) -> None:
        loop = asyncio.get_running_loop()
        if watch.check_handle is not None:
            watch.check_handle.cancel()
        watch.check_handle = loop.call_later(max(0.0, delay_s), self._on_check_due, watch)

    def _schedule_progress(self, watch: _Watch, delay_s: float) -> None:
        loop = asyncio.get_running_loop()
        watch.progress_handle = loop.call_later(max(0.0, delay_s), self._on_progress_due, watch)

    def _current(self, watch: _Watch) -> bool:
        """Whether this watch still watches its task: not ended, dropped (lease lost) or replaced."""
        return self._watching.get(watch.record.id) is watch

    @staticmethod
    def _cancel_timers(watch: _Watch) -> None:
        for handle in (watch.check_handle, watch.progress_handle):
            if handle is not None:
                handle.cancel()

    def _on_progress_due(self, watch: _Watch) -> None:
        if not self._current(watch):
            return
        record = watch.record
        elapsed = self._clock() - record.created_at
        watch.editor.update(views.progress(watch.facts, elapsed, progress_percent(elapsed, record.est_max_s)))
        self._schedule_progress(watch, record.progress_every_s)

    def _on_check_due(self, watch: _Watch) -> None:
        if self._current(watch) and not watch.checking:
            watch.checking = True
            self._spawn(self._check(watch))

    async def _check(self, watch: _Watch) -> None:
        record = watch.record
        try:
            async with self._checks:
                if not self._current(watch):
                    return
                outcome = await self.client.task_detail(record.ima_task_id or "", record.n)
        except IMAError as exc:
            watch.checking = False
            if self._current(watch):
                await self._after_check_error(watch, exc)
            return
        watch.checking = False
        if not self._current(watch):  # dropped or replaced while IMA answered: the current watch acts
            return
        watch.errors = 0
        if outcome.state == "succeeded":
            seen = self._learn(watch)
            await self._finish_success(watch, outcome)
            await self.store.record_duration(*seen)  # after the user has the result: it must not delay it
        elif outcome.state == "failed":
            await self._finish_failure(watch, outcome.error or ErrorKind.TASK_FAILED)
        elif self._clock() >= (record.deadline_at or float("inf")):
            await self._finish_failure(watch, ErrorKind.TIMED_OUT)
        else:
            now = self._clock()
            start = record.submitted_at or record.created_at
            watch.last_running_s = now - start
            due = start + next_check(now - start, watch.timing)
            if record.deadline_at is not None:
                due = min(due, max(now, record.deadline_at))
            self._schedule_check(watch, due - now)

    def _learn(self, watch: _Watch) -> tuple[str, str, float, float]:
        """Remember how long this model took with these options, for the next tasks' schedules and estimates.
        Returns the row for the store."""
        record = watch.record
        done = self._clock() - (record.submitted_at or record.created_at)
        variant = str(record.request.get("variant", ""))
        after, by = self.history.add(record.model_id, variant, observed_interval(watch.last_running_s, done))
        return record.model_id, variant, after, by

    async def _after_check_error(self, watch: _Watch, exc: IMAError) -> None:
        record = watch.record
        watch.errors += 1
        log.debug("status check failed",
                  extra={"task": record.id, "kind": exc.kind.value, "errors": watch.errors})
        # a flaky answer at the deadline must not turn a finished task into "timed out": allow a short grace
        grace = 3 * max(record.check_every_s, self.settings.backoff_base_s * self.settings.time_scale)
        last_chance = (record.deadline_at or float("inf")) + grace
        if self._clock() >= last_chance:
            await self._finish_failure(watch, ErrorKind.TIMED_OUT)
            return
        if not exc.transient and watch.errors >= self.settings.give_up_after_errors:
            # a task IMA accepted and now calls a bad request is one it no longer knows: say that, not "not
            # accepted"
            await self._finish_failure(
                watch, ErrorKind.TASK_LOST if exc.kind is ErrorKind.BAD_REQUEST else exc.kind
            )
            return
        if exc.kind is ErrorKind.RATE_LIMITED and exc.retry_after_s:
            delay = exc.retry_after_s
        else:
            base = max(record.check_every_s, self.settings.backoff_base_s * self.settings.time_scale)
            cap = self.settings.backoff_max_s * self.settings.time_scale
            delay = min(cap, base * 2 ** (watch.errors - 1)) * random.uniform(0.8, 1.2)
        self._schedule_check(watch, min(delay, max(0.0, last_chance - self._clock())))

    # ── endings ──────────────────────────────────────────────────────────────────────────────
    async def _finish_success(self, watch: _Watch, outcome: TaskOutcome) -> None:
        record = watch.record
        result = [{"url": m.url, "cover": m.cover, "format": m.format} for m in outcome.medias]
        if not await self._claim_end(watch, result=result):
            return
        record.result = result
        await self._deliver_final(record, watch.editor, self._success_view(record), TaskState.DONE)

    async def _finish_failure(self, watch: _Watch, kind: ErrorKind) -> None:
        record = watch.record
        if not await self._claim_end(watch, error_kind=kind):
            return
        record.error_kind = kind
        await self._deliver_final(record, watch.editor, await self._failure_view(record), TaskState.FAILED)

    async def _claim_end(self, watch: _Watch, **changes: Any) -> bool:
        """The one transaction that decides a task is over; only its winner delivers.

        The task stays on the watch list until that write has landed: with the database locked or
        full it is retried with backoff, so the outcome is delivered late rather than never.
        """
        self._cancel_timers(watch)
        record = watch.record
        record.finished_at = self._clock()
        try:
            won = await self._until_saved(lambda: self.store.update_task(
                record.id, expect=(TaskState.RUNNING,), state=TaskState.DELIVERING,
                finished_at=record.finished_at, **changes))
        finally:
            if self._current(watch):
                del self._watching[record.id]
        if not won:  # another instance (or a cancel) ended it first: nothing left for us to hold
            self._mine.discard(record.id)
        return won

    async def _until_saved(self, write: Callable[[], Awaitable[T]]) -> T:
        """A write a task's outcome depends on, retried with backoff (up to 10 s apart) while the database
        fails."""
        delay = 0.1
        while True:
            try:
                return await write()
            except STORE_ERRORS as exc:
                if self._closed:
                    raise
                log.error("could not save a task's outcome; retrying",
                          extra={"error": type(exc).__name__, "retry_in_s": delay})
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

    def _success_view(self, record: TaskRecord) -> View:
        kind = RESULT_KIND[MEDIA_OF_CATEGORY[record.task_type]]
        media = tuple(MediaItem(kind, m["url"], m.get("cover")) for m in record.result or [])
        actual = (record.finished_at or self._clock()) - record.created_at
        return views.success(facts_of(record), actual, media)

    async def _failure_view(self, record: TaskRecord) -> View:
        alternatives: list[Alternative] = []
        if self._alternatives is not None:
            try:
                alternatives = await self._alternatives(record)
            except Exception:
                log.exception("could not compute alternatives")
        return views.failure(facts_of(record), record.error_kind or ErrorKind.UNKNOWN, alternatives)

    async def _deliver_final(self, record: TaskRecord, editor: MessageEditor, view: View,
                             final_state: str) -> None:
        try:
            ref = await editor.finish(view)
        except Exception:
            log.exception("final delivery failed; it will be retried at the next start")
            return
        if self.on_edits:
            self.on_edits(record.platform, editor.edits, editor.failed_edits)
        if self.on_finished:
            self.on_finished(record, final_state)
        await self._until_saved(lambda: self.store.update_task(
            record.id, expect=(TaskState.DELIVERING, TaskState.INTERRUPTED), state=final_state,
            status_ref=ref, delivered_at=self._clock()))
        self._mine.discard(record.id)
        log.info("task delivered", extra={"task": record.id, "state": final_state, "error": record.error_kind,
                                          "seconds": round(self._clock() - record.created_at, 2)})

    async def _redeliver(self, record: TaskRecord, editor: MessageEditor) -> None:
        if record.error_kind:
            view, final = await self._failure_view(record), TaskState.FAILED
        else:
            view, final = self._success_view(record), TaskState.DONE
        await self._deliver_final(record, editor, view, final)

    def now(self) -> float:
        """The clock tasks are timed by (their ``created_at``), for saying how long one has been running."""
        return self._clock()

    # ── cancel ───────────────────────────────────────────────────────────────────────────────
    async def cancel(self, platform: str, user_id: str, task_id: str | None = None) -> int:
        """Stop watching the user's task(s) and say so on their status message. Returns how many."""
        cancelled = 0
        for record in await self.store.user_tasks(platform, user_id, ACTIVE_STATES):
            if task_id is not None and record.id != task_id:
                continue
            # not sent to IMA yet (waiting its turn): it can end here, before anything is charged
            unsent = record.id in self._unsent
            self._unsent.discard(record.id)  # before any await, so its create can no longer start
            watch = self._watching.pop(record.id, None)
            expect = (TaskState.RUNNING, TaskState.CREATING) if unsent else (TaskState.RUNNING,)
            if not await self.store.update_task(record.id, expect=expect,
                                                state=TaskState.CANCELLED, finished_at=self._clock()):
                continue
            cancelled += 1
            self._mine.discard(record.id)
            if watch is not None:
                self._cancel_timers(watch)
                editor = watch.editor
            else:
                editor = MessageEditor(self.platforms[record.platform].channel(record.route),
                                       record.status_ref)
            self._spawn(editor.finish(views.cancelled(facts_of(record))))
        return cancelled


def _log_crash(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("background work failed", exc_info=task.exception())
