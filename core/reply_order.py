"""A person's messages in one chat get their first answers in the order they were sent.

Why: two messages sent a moment apart are answered concurrently, and the later one can be quicker
(its catalogue was cached, it had no picture to read): the user then sees "the bot answered me"
for the second message first. Holding each message until the one before it is completely handled
would fix that but serialise the work: one rate-limited reply (Feishu retries it for seconds)
would hold back every later message of that person.

So only the FIRST reply of each message is ordered: each (platform, chat, user) message takes a
ticket; its first reply waits until the previous message's first reply was sent or failed (or
that message ended without one), but never longer than ``wait_s``, after which it goes anyway.
Nothing waits on a previous message's creates, uploads, later edits or later messages; a ticket
is released the moment its own first send returns, and at the latest when its message is handled.

The ticket travels in a context variable, so the one place that posts a message's first reply
(:func:`send_in_order`) finds it without adapters or handlers passing it around; tasks spawned
while answering inherit it, but by then it is released and they send at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from .contracts import Channel
from .views import View

_ticket: ContextVar[_Ticket | None] = ContextVar("reply_order_ticket", default=None)
_RELEASED = asyncio.Event()  # what a handled message's ticket says: replied (never waited on)
_RELEASED.set()


class _Ticket:
    """One message's place in its person's queue of first replies.

    Tasks started while the message is answered keep the ticket in their context, and so does every timer
    they set (a watched task's checks: for minutes), so once its message is handled a ticket lets go of its
    events (:meth:`release`): a thousand tasks in flight kept a thousand events (~0.8 KiB each) otherwise.
    """

    __slots__ = ("before", "replied", "wait_s")

    def __init__(self, before: asyncio.Event | None, wait_s: float) -> None:
        self.before = before  # set once the previous message's first reply went out (or never will)
        self.wait_s = wait_s
        self.replied = asyncio.Event()

    def release(self) -> None:
        """Its message is handled: the next one need not wait, and nothing is left to wait for."""
        self.replied.set()
        self.replied = _RELEASED
        self.before = None

    async def wait_turn(self) -> None:
        if self.before is None or self.before.is_set():
            return
        try:
            await asyncio.wait_for(self.before.wait(), self.wait_s)
        except TimeoutError:
            pass  # the previous reply is stuck (rate limit, slow platform): this one goes anyway


class ReplyOrder:
    def __init__(self, wait_s: float) -> None:
        self.wait_s = max(0.0, wait_s)
        self._last: dict[tuple[str, str, str], _Ticket] = {}

    @contextmanager
    def message(self, platform: str, chat_id: str, user_id: str) -> Iterator[None]:
        """Answer one message (the body) in its place: its first reply comes after the previous one's."""
        key = (platform, chat_id, user_id)
        previous = self._last.get(key)
        ticket = _Ticket(previous.replied if previous is not None else None, self.wait_s)
        self._last[key] = ticket
        token = _ticket.set(ticket)
        try:
            yield
        finally:
            _ticket.reset(token)
            ticket.release()  # answered without a reply, or failed before one: the next need not wait
            if self._last.get(key) is ticket:
                del self._last[key]


async def send_in_order(channel: Channel, view: View) -> str:
    """Post ``view``; if it is the first reply of a message being answered, after the previous message's
    first reply (bounded). Every other post goes at once."""
    ticket = _ticket.get()
    if ticket is None or ticket.replied.is_set():
        return await channel.send(view)
    await ticket.wait_turn()
    try:
        return await channel.send(view)
    finally:
        ticket.replied.set()
