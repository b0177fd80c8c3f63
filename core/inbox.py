"""The inbox: a received message is kept in the store before the platform is told it arrived, until answered.

Why: a platform that gets its acknowledgement (Feishu) never hands the event over again, so a process
killed between the acknowledgement and the answer lost the user's message without a word. Now the
adapter keeps the message (:meth:`Inbox.receive`) before it acknowledges, and marks it answered
(:meth:`Inbox.answered`) once its reply is out or its task reserved. What is left unanswered is handed
back to the adapter (its ``replay`` callback): at start, for a single process on its SQLite file, every
message the previous run left; with several instances on one PostgreSQL database, this instance's own
(restarted under the same name) and, as long as it runs, those of instances whose lease
``instance:<name>`` (renewed here, like the manager's task leases, see :mod:`core.leases`) ran out.

A message replayed is never a second task: the task records its source message and the store's unique
index refuses a second one (:meth:`core.store.Store.insert_task_within`). The payload holds what the user
typed: it is never logged, blanked once answered, and purged with the store's retention.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from .leases import lease_end, period
from .store import Store

log = logging.getLogger(__name__)

#: what an adapter is handed back: (key, payload, late) of a message kept and never answered
Replay = Callable[[str, dict[str, Any], bool], None]
#: A message replayed later than this after it came is "late" (ChatEvent.late): its user, unanswered, may
#: well have asked again meanwhile, so what it would charge is asked with a button first. A restart of a
#: few seconds (a deploy, a crash and its restart policy) stays well inside it and just answers.
ASK_FIRST_AFTER_S = 60.0


def heartbeat_name(instance_id: str) -> str:
    return f"instance:{instance_id}"


class Inbox:
    """Kept messages of this instance, and the replay of those no live instance is answering."""

    def __init__(self, store: Store, instance_id: str, lease_s: float, *, shared: bool,
                 clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.instance_id = instance_id
        self.lease_s = lease_s
        self.shared = shared  # several instances on one database: divided by their heartbeats
        self._clock = clock
        self._replays: dict[str, Replay] = {}
        self._live: set[tuple[str, str]] = set()  # kept by this process and being answered by it
        self._started = False
        self._beating = False  # our heartbeat lease is written (shared store)
        self._loop: asyncio.Task[None] | None = None
        self._passes: set[asyncio.Task[None]] = set()
        self.failing = False  # the last message could not be kept: said in /healthz

    @property
    def used(self) -> bool:
        """Whether an adapter keeps its messages here (only then is it a part of /healthz)."""
        return bool(self._replays)

    def register(self, platform: str, replay: Replay) -> None:
        """Hand ``platform``'s unanswered messages to ``replay``; looked for now if the core has started."""
        self._replays[platform] = replay
        if self._started:
            task = asyncio.get_running_loop().create_task(self._pass_safely(own=True))
            self._passes.add(task)
            task.add_done_callback(self._passes.discard)

    async def receive(self, platform: str, key: str, user_id: str, payload: dict[str, Any]) -> bool:
        """Keep a message before its platform is told it arrived. False: kept already (a redelivery, being
        answered here or by whoever replays it). Raises when the store fails (the caller answers from
        memory)."""
        self._live.add((platform, key))
        try:
            if self.shared and not self._beating:
                await self._beat()  # another instance must see us alive before it sees our messages
            new = await self.store.keep_message(platform, key, user_id, payload, self.instance_id)
        except BaseException:
            self.failing = True
            raise
        self.failing = False
        if not new:
            self._live.discard((platform, key))
        return new

    async def keep(self, platform: str, key: str, user_id: str, payload: dict[str, Any],
                   timeout_s: float | None = None) -> bool:
        """:meth:`receive`, never raising: a store that fails or takes longer than ``timeout_s`` is logged
        (never the message: it holds what the user typed) and the message answered from memory (True).
        False only for a message kept already."""
        try:
            return await asyncio.wait_for(self.receive(platform, key, user_id, payload), timeout_s)
        except Exception as exc:
            log.error("could not keep a received message; answering it from memory",
                      extra={"platform": platform, "error": type(exc).__name__})
            return True

    async def answer(self, platform: str, key: str, handle: Callable[[], Awaitable[None]], *,
                     replay: bool = False) -> None:
        """Answer a kept message with ``handle``, then mark it answered, also when answering failed (a
        message that breaks the bot is not replayed forever). A replayed one whose task was reserved
        before its process died is only marked."""
        try:
            if not (replay and await self.started_task(platform, key)):
                await handle()
        except Exception:
            log.exception("answering a message failed", extra={"platform": platform})
        try:
            await self.answered(platform, key)
        except Exception as exc:
            log.error("could not mark a message answered; it is answered again after a restart",
                      extra={"platform": platform, "error": type(exc).__name__})

    async def answered(self, platform: str, key: str) -> None:
        """The message is answered or its task reserved: it is never replayed."""
        try:
            await self.store.message_answered(platform, key)
        finally:
            self._live.discard((platform, key))

    async def started_task(self, platform: str, key: str) -> bool:
        """Whether the message already started a task (its process died before marking it answered)."""
        return await self.store.started_by(platform, key)

    async def start(self) -> None:
        """After the core has started: replay what was left, and on a shared store keep our heartbeat and
        look for the messages of instances that stopped."""
        self._started = True
        if self.shared:
            await self._beat()
            self._loop = asyncio.create_task(self._run())
        await self._pass_safely(own=True)

    async def _beat(self) -> None:
        await self.store.hold_leases(self.instance_id, [heartbeat_name(self.instance_id)],
                                     lease_end(self._clock(), self.lease_s))
        self._beating = True

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(period(self.lease_s))
            try:
                await self._beat()
            except Exception:
                log.exception("inbox heartbeat failed; retrying")
            await self._pass_safely(own=False)

    async def _pass_safely(self, own: bool) -> None:
        try:
            await self._pass(own)
        except Exception:
            log.exception("looking for unanswered messages failed; retrying later")

    async def _pass(self, own: bool) -> int:
        """Claim the unanswered messages no live instance is answering and hand them to their adapters."""
        if not self._replays:
            return 0
        rows = await self.store.claim_messages(self.instance_id, self._clock(), tuple(self._replays),
                                               any_owner=not self.shared, own=own)
        replayed = 0
        now = self._clock()
        for platform, key, payload, received_at in rows:
            if (platform, key) in self._live:
                continue  # ours, being answered now
            self._live.add((platform, key))
            replayed += 1
            self._replays[platform](key, payload, now - received_at > ASK_FIRST_AFTER_S)
        if replayed:  # never what the messages say
            log.info("answering messages received before a restart", extra={"count": replayed})
        return replayed

    async def close(self) -> None:
        """Stop looking; on a shared store let the others take what is left at once."""
        if self._loop is not None:
            self._loop.cancel()
            await asyncio.gather(self._loop, return_exceptions=True)
            self._loop = None
        for task in list(self._passes):
            task.cancel()
        await asyncio.gather(*self._passes, return_exceptions=True)
        if self._beating:
            self._beating = False
            try:
                await self.store.hold_leases(self.instance_id, [heartbeat_name(self.instance_id)], 0.0)
            except Exception:
                log.exception("could not end the inbox heartbeat; others take over after the lease time")
