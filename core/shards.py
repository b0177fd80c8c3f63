"""Gateway shards shared out among instances: each runs its own, and the shards of a dead one.

Discord sends a server's events only to the connection of the server's shard, so when the instance
running a shard dies, the buttons and commands of every server on it reach nobody, however well its
tasks are taken over. Shard ownership is therefore a lease in the shared database, like a task's
(:mod:`core.leases`): an instance takes the shards it is configured to run at start and whenever it
finds another holding them (whoever held them hands them back), renews them, and looks for shards
whose lease ran out; it
connects those as extra connections through the adapter's ``connect`` and lets them go
(``disconnect``) when their own instance is back. A shard that no instance ever ran has no lease
and is never taken: only a configured instance starts one.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence

from .leases import lease_end, period
from .store import Store

log = logging.getLogger(__name__)

ShardAction = Callable[[int], Awaitable[None]]


def lease_name(platform: str, shard_count: int, shard_id: int) -> str:
    return f"{platform}:shard:{shard_count}:{shard_id}"


class ShardKeeper:
    """Holds this instance's shard leases and takes over those of dead instances."""

    def __init__(self, store: Store, owner: str, lease_s: float, platform: str, shard_count: int,
                 home: Sequence[int], connect: ShardAction, disconnect: ShardAction,
                 clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.owner = owner
        self.lease_s = lease_s
        self.shard_count = shard_count
        self.home = sorted(set(home))
        self._names = {lease_name(platform, shard_count, i): i for i in range(shard_count)}
        self._connect = connect
        self._disconnect = disconnect
        self._clock = clock
        self.extra: set[int] = set()  # shards of other instances this one runs now
        self._loop: asyncio.Task[None] | None = None

    def _name(self, shard_id: int) -> str:
        return next(name for name, i in self._names.items() if i == shard_id)

    async def start(self) -> None:
        """Take this instance's own shards, then keep watch."""
        await self.store.hold_leases(self.owner, [self._name(i) for i in self.home],
                                     lease_end(self._clock(), self.lease_s))
        self._loop = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(period(self.lease_s))
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("shard leases: renewing or taking over failed; retrying")

    async def tick(self) -> None:
        """One pass: renew what we run, let go of what was taken back, connect what was left behind."""
        now = self._clock()
        until = lease_end(now, self.lease_s)
        ours = {self._name(i) for i in (*self.home, *self.extra)}
        held = await self.store.hold_leases(self.owner, ours, until, now)
        reclaim = []
        for name in sorted(ours - held):
            shard = self._names[name]
            if shard in self.extra:  # its own instance is back (or another took it): hand it over
                self.extra.discard(shard)
                log.info("shard handed back", extra={"shard": shard})
                await self._disconnect(shard)
            else:  # taken while this instance stalled (a slow start): its own shards come back to it
                reclaim.append(name)
        if reclaim:
            log.warning("taking back this instance's shards",
                        extra={"shards": [self._names[n] for n in reclaim]})
            await self.store.hold_leases(self.owner, reclaim, until)
        orphans = set(self._names) - ours
        taken = await self.store.hold_leases(self.owner, orphans, until, now) if orphans else set()
        for name in sorted(taken):
            shard = self._names[name]
            self.extra.add(shard)
            log.warning("taking over the shard of an instance that stopped", extra={"shard": shard})
            try:
                await self._connect(shard)
            except Exception:
                self.extra.discard(shard)
                await self.store.hold_leases(self.owner, [name], 0.0)  # let another instance try
                raise

    async def close(self) -> None:
        """Stop watching, close the extra connections and hand every shard over at once."""
        if self._loop is None:
            return  # not started, or closed already
        self._loop.cancel()
        await asyncio.gather(self._loop, return_exceptions=True)
        self._loop = None
        for shard in sorted(self.extra):
            try:
                await self._disconnect(shard)
            except Exception:
                log.exception("closing a taken-over shard failed", extra={"shard": shard})
        self.extra.clear()
        try:
            await self.store.release_named_leases(self.owner)
        except Exception:
            log.exception("could not release shard leases; others take them over after the lease time")
