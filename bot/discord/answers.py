"""The first answer to a slash command or a button press: the reply itself when the core is quick, a
"thinking…" deferral only when it is not.

Discord wants an interaction answered within 3 s. Deferring at once and then editing the deferred
response costs two round trips per command before the user sees anything; in a burst those extra
callbacks are a third of the bot's requests. So the answer waits up to ``defer_after_s`` for the
core's first message and sends it as the callback itself; if nothing has come by then, it defers, and
the first message edits the deferred response, as before. Either way Discord hears from us well
inside its 3 s, and exactly once: a lock orders the deferral and the first message.

The wait counts from when Discord made the interaction (its id says when), not from when this
loop got to it: on a loop that is already behind, a command that arrives late is deferred at once.

When Discord does not answer as expected:
- a deferral whose answer never comes back within the 3 s may have reached Discord (so might one it
  says is "already acknowledged", 40060): the first message then goes as a follow-up, which Discord
  shows in place of "thinking…", never as a second initial response (refused with 40060);
- a first message Discord fails to take (5xx; discord.py retries it) is bounded by the same 3 s, and
  if it still has not gone by then it is posted in the channel instead (not for private answers):
  the user gets their answer, even if Discord marks the command itself as failed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Generic, TypeVar

import aiohttp
import discord

log = logging.getLogger(__name__)

DEFER_AFTER_S = 1.0  # a third of Discord's 3 s: room left for the deferral itself on a busy loop
RESPONSE_WINDOW_S = 3.0  # Discord takes an interaction's initial response this long after making it
PLAUSIBLE_AGE_S = 15 * 60.0  # "older" than its token (or from the future): the clocks disagree
ALREADY_ACKNOWLEDGED = 40060  # Discord's code for a second initial response
UNKNOWN_INTERACTION = 10062  # Discord's code for an interaction past its window (or unknown)
MIN_TRY_S = 0.2  # a call started with less time left than this cannot arrive in time


def _age(interaction: discord.Interaction) -> float:
    """Seconds since Discord made the interaction (its id is a snowflake: Discord's clock) by ours; an age
    no interaction can have (clocks far apart) counts as new."""
    age = time.time() - interaction.created_at.timestamp()
    if not -PLAUSIBLE_AGE_S < age < PLAUSIBLE_AGE_S:
        age = 0.0
    return max(0.0, age)


def defer_in(interaction: discord.Interaction, defer_after_s: float) -> float:
    """Seconds until "thinking…" is due for this interaction: ``defer_after_s`` after Discord made it,
    never later than ``defer_after_s`` from now."""
    return max(0.0, defer_after_s - _age(interaction))


class NotAnswered(Exception):
    """Discord did not take the first message within its 3 s: post it in the channel instead."""


def for_send(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Rendered keyword arguments (made for edits) as arguments for sending a new message."""
    out = {k: v for k, v in kwargs.items() if k not in ("attachments", "content")}
    out["files"] = kwargs.get("attachments") or discord.utils.MISSING
    if out.get("view") is discord.utils.MISSING:
        out.pop("view")
    return out


class PendingAnswer:
    """One interaction whose first message has not been sent yet."""

    def __init__(self, interaction: discord.Interaction, ephemeral: bool = False,
                 defer_after_s: float = DEFER_AFTER_S) -> None:
        self.interaction = interaction
        self.ephemeral = ephemeral
        self._lock = asyncio.Lock()
        self._deferring: asyncio.Task[None] | None = None
        self.refused: discord.HTTPException | None = None  # Discord turned the deferral down: too late
        # a deferral that may have reached Discord though we never heard so: no second initial response
        self.maybe_deferred = False
        self.gave_up = False  # the first message went to the channel instead: nothing more to say here
        self._turn: asyncio.Semaphore | None = None
        self.due_in = defer_in(interaction, defer_after_s)
        loop = asyncio.get_running_loop()
        self._window_ends = loop.time() + max(0.0, RESPONSE_WINDOW_S - _age(interaction))
        self._timer = loop.call_later(self.due_in, self._defer_in_time)

    @property
    def answered(self) -> bool:
        return self.interaction.response.is_done()

    def window_left(self) -> float:
        """Seconds left for an initial response (Discord's 3 s, counted from when it made the
        interaction)."""
        return self._window_ends - asyncio.get_running_loop().time()

    async def take_turn(self, turns: asyncio.Semaphore) -> None:
        """Wait for one of ``turns``: held until the first message has gone (or the work ends)."""
        await turns.acquire()
        self._turn = turns

    def end_turn(self) -> None:
        """The first message has gone (or never will): the next command may start."""
        turns, self._turn = self._turn, None
        if turns is not None:
            turns.release()

    def _defer_in_time(self) -> None:
        self._deferring = asyncio.get_running_loop().create_task(self.defer())

    async def defer(self) -> None:
        """Say "thinking…" now, unless something was said already."""
        self._timer.cancel()
        async with self._lock:
            if self.answered or self.maybe_deferred or self.gave_up:
                return
            try:
                # bounded by Discord's window: discord.py retries a 5xx for many seconds, long after
                # the deferral could count
                deferring = self.interaction.response.defer(thinking=True, ephemeral=self.ephemeral)
                await asyncio.wait_for(deferring, max(MIN_TRY_S, self.window_left()))
            except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
                if isinstance(exc, discord.NotFound):
                    self.refused = exc  # the interaction is gone: its first message is not even tried
                elif not isinstance(exc, discord.HTTPException) or exc.code == ALREADY_ACKNOWLEDGED:
                    self.maybe_deferred = True  # it may have got there (or did): the answer is a follow-up
                log.warning("could not acknowledge a Discord interaction",
                            extra={"status": getattr(exc, "status", None),
                                   "code": getattr(exc, "code", None)})

    async def send(self, kwargs: dict[str, Any]) -> int:
        """Show the first message: as the answer itself, or in the deferred response. Returns its id.

        Raises :class:`NotAnswered` when Discord did not take it in time (the caller posts it in the
        channel instead), and the deferral's refusal when the interaction is gone."""
        async with self._lock:
            if self.refused is not None:
                raise self.refused
            if self.maybe_deferred and not self.answered:
                try:  # after "thinking…", Discord shows the first follow-up in its place
                    message = await self.interaction.followup.send(wait=True, ephemeral=self.ephemeral,
                                                                   **for_send(kwargs))
                    return message.id
                except discord.NotFound:
                    pass  # no webhook yet: the deferral never got there after all
            if not self.answered:
                self._timer.cancel()
                return await self._respond(kwargs)
        return (await self.interaction.edit_original_response(**kwargs)).id

    async def _respond(self, kwargs: dict[str, Any]) -> int:
        """The initial response, within Discord's window; :class:`NotAnswered` if it did not go."""
        left = self.window_left()
        try:
            if left < MIN_TRY_S:
                raise TimeoutError
            response = await asyncio.wait_for(
                self.interaction.response.send_message(ephemeral=self.ephemeral, **for_send(kwargs)), left)
        except TimeoutError as exc:  # discord.py still retrying a 5xx, or no time left at all
            self.gave_up = True
            raise NotAnswered("Discord did not take the answer in time") from exc
        except discord.HTTPException as exc:
            if exc.status < 500 and exc.code != UNKNOWN_INTERACTION:
                raise  # refused for what it is (too large, malformed): the caller handles it
            self.gave_up = True
            raise NotAnswered(f"Discord refused the answer ({exc.status})") from exc
        if response.message_id is not None:
            return response.message_id
        return (await self.interaction.original_response()).id

    async def close(self) -> None:
        """Nothing was said through this interaction: acknowledge it all the same (Discord would show
        the user an error otherwise) and take the "thinking…" placeholder away."""
        await self.defer()
        if self.answered:
            try:
                await self.interaction.delete_original_response()
            except discord.HTTPException:
                pass


Waiting = TypeVar("Waiting")


class FirstAnswers(Generic[Waiting]):
    """The interactions still waiting for their first message (by token), and a gate that lets them go
    before everything else the bot says on Discord.

    In a burst, each command's first message competes with the follow-up messages and status edits of
    the commands before it, on the same event loop and the same connections; those can wait a moment,
    an unanswered interaction cannot (Discord's 3 s, and the user watching). So while more than
    ``busy_above`` interactions wait for their first message, other messages and edits wait too, at
    most ``wait_at_most_s``: nothing is dropped, a follow-up only comes a little later.
    """

    def __init__(self, busy_above: int = 4, wait_at_most_s: float = 2.0) -> None:
        self.busy_above = busy_above
        self.wait_at_most_s = wait_at_most_s
        self._waiting: dict[str, Waiting] = {}
        self._quiet = asyncio.Event()
        self._quiet.set()

    def __len__(self) -> int:
        return len(self._waiting)

    def __contains__(self, token: object) -> bool:
        return token in self._waiting

    def expect(self, token: str, pending: Waiting) -> None:
        self._waiting[token] = pending
        if len(self._waiting) > self.busy_above:
            self._quiet.clear()

    def take(self, token: str) -> Waiting | None:
        """The interaction's pending answer, if its first message is still to come (then only once)."""
        pending = self._waiting.pop(token, None)
        if len(self._waiting) <= self.busy_above:
            self._quiet.set()
        return pending

    async def go_after_them(self) -> None:
        """Wait (briefly) while many interactions still wait for their first message."""
        if self._quiet.is_set():
            return
        try:
            await asyncio.wait_for(self._quiet.wait(), self.wait_at_most_s)
        except TimeoutError:
            pass
