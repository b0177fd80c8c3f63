"""One status message per task, edited in place: coalesced, rate-aware, and never lost.

At most one edit is in flight per message, the newest view wins, edits are spaced by the
platform's minimum interval, and the final view always reaches the user — by an edit, or as a
new message when the old one cannot be edited any more.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable

from .contracts import Channel, ChannelError
from .reply_order import send_in_order
from .views import View

log = logging.getLogger(__name__)

FINAL_EDIT_ATTEMPTS = 12  # rate-limited final edits tried before the outcome goes out as a new message


class MessageEditor:
    def __init__(self, channel: Channel, ref: str | None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.channel = channel
        self.ref = ref
        self._clock = clock
        self._last_edit = float("-inf")
        self._pending: View | None = None
        self._worker: asyncio.Task[None] | None = None
        self._finished = False
        self.edits = 0
        self.failed_edits = 0

    @property
    def interval(self) -> float:
        return max(0.0, float(self.channel.min_edit_interval_s))

    async def send_first(self, view: View) -> str:
        """The status message: often a message's first reply, so it keeps its place among the person's."""
        self.ref = await send_in_order(self.channel, view)
        self._last_edit = self._clock()
        return self.ref

    def update(self, view: View) -> None:
        """Show ``view`` as soon as the platform allows; a newer update replaces an unsent one."""
        if self._finished or self.ref is None:
            return
        self._pending = view
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._drain())

    async def _drain(self) -> None:
        while self._pending is not None and not self._finished:
            wait = self._last_edit + self.interval - self._clock()
            if wait > 0:
                await asyncio.sleep(wait)
            view, self._pending = self._pending, None
            if view is None or self._finished or self.ref is None:
                return
            try:
                await self.channel.edit(self.ref, view)
                self.edits += 1
            except ChannelError as exc:
                self.failed_edits += 1
                if exc.retry_after_s:
                    self._last_edit = self._clock() + exc.retry_after_s
                    continue
                log.info("progress edit failed", extra={"gone": exc.gone})
            except Exception:  # an adapter bug must not kill the task's delivery
                self.failed_edits += 1
                log.exception("progress edit raised")
            self._last_edit = self._clock()

    async def finish(self, view: View) -> str:
        """Deliver the final view exactly here: edit in place, else a new message. Returns where it went."""
        self._finished = True
        self._pending = None
        if self._worker is not None and not self._worker.done():
            try:
                await self._worker
            except Exception:
                log.exception("progress worker failed")
        if self.ref is not None:
            # A rate limit passes: keep to the one message through it (a survivor taking over a hundred
            # finished tasks edits them all at once), spreading the retries so they do not all meet the
            # limit again at the same instant. Only a message that cannot be edited any more gets a new one.
            for _attempt in range(FINAL_EDIT_ATTEMPTS):
                wait = self._last_edit + self.interval - self._clock()
                if wait > 0:
                    await asyncio.sleep(wait)
                try:
                    await self.channel.edit(self.ref, view)
                    self.edits += 1
                    self._last_edit = self._clock()
                    return self.ref
                except ChannelError as exc:
                    self.failed_edits += 1
                    if exc.gone or not exc.retry_after_s:
                        break
                    self._last_edit = self._clock() + exc.retry_after_s * random.uniform(1.0, 2.0)
                except Exception:
                    self.failed_edits += 1
                    log.exception("final edit raised")
                    break
        self.ref = await self.channel.send(view)
        return self.ref

    async def close(self) -> None:
        self._finished = True
        if self._worker is not None and not self._worker.done():
            self._worker.cancel()
            try:
                await self._worker
            except (asyncio.CancelledError, Exception):
                pass
