"""Answers before background work: while the bot is behind on answering messages, IMA creates wait.

Why: in a burst, every message's first answer (model, time, credits) competes for the one event
loop with the creates of the messages before it (building the request, the HTTP round trip, two
writes). Users wait for answers; a create started a moment later changes nothing they can see.
So once more than ``backlog`` messages are being answered at once (the bot is falling behind), a
create waits until the answers have caught up, but never longer than ``max_wait_s`` after its task
was accepted, so a steady stream of messages cannot hold creates back for ever. Below that, as in
ordinary traffic, creates go at once: a task then spends as little time as possible not yet sent,
which is what a crash would interrupt. Waiting changes when a task is sent, never whether: each is
still sent once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager


class AnswersFirst:
    def __init__(self, max_wait_s: float, backlog: int) -> None:
        self.max_wait_s = max_wait_s
        self.backlog = max(1, backlog)
        self._answering = 0
        self.waiting = 0  # background work waiting for its turn right now
        self._caught_up = asyncio.Event()
        self._caught_up.set()

    @property
    def answering(self) -> int:
        """Messages (or presses, or commands) being answered right now."""
        return self._answering

    @contextmanager
    def answer(self) -> Iterator[None]:
        """Count the body (one message's answer) among the answers background work waits for."""
        self._answering += 1
        if self._answering >= self.backlog:
            self._caught_up.clear()
        try:
            yield
        finally:
            self._answering -= 1
            if self._answering < self.backlog:
                self._caught_up.set()

    def release(self) -> None:
        """Let every waiting and future turn go at once: the bot is stopping, nothing is answered any more."""
        self.backlog = 1 << 30
        self._caught_up.set()

    async def turn(self, since: float) -> None:
        """Return once fewer than ``backlog`` messages are being answered, or ``max_wait_s`` after
        ``since`` (loop time)."""
        if self._caught_up.is_set():
            return
        left = since + self.max_wait_s - asyncio.get_running_loop().time()
        if left <= 0:
            return
        self.waiting += 1
        try:
            await asyncio.wait_for(self._caught_up.wait(), left)
        except TimeoutError:
            pass
        finally:
            self.waiting -= 1
