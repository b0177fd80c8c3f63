"""Extra gateway connections for the shards of a dead instance (the core decides which, by lease).

Discord routes a server's events to its shard's connection only, so while no instance runs a shard,
the commands and buttons of its servers reach nobody. A survivor opens one more client for each
such shard: a plain discord.py client identifying as that shard, sharing the instance's Discord
platform (status edits, deferred responses), with no command sync (the commands are global).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from .adapter import DiscordAdapter

log = logging.getLogger(__name__)


class ShardTakeover:
    def __init__(self, main: DiscordAdapter, token: str, shard_count: int, **options: Any) -> None:
        self.main = main
        self.token = token
        self.shard_count = shard_count
        self.options = options
        self.clients: dict[int, tuple[DiscordAdapter, asyncio.Task[None]]] = {}

    async def connect(self, shard_id: int) -> None:
        if shard_id in self.clients:
            return
        client = DiscordAdapter(self.main.core, shard_id=shard_id, shard_count=self.shard_count,
                                platform=self.main.platform, sync_commands=False, **self.options)
        running = asyncio.create_task(client.start(self.token))
        running.add_done_callback(_log_end)
        self.clients[shard_id] = (client, running)
        log.info("connected a shard taken over", extra={"shard": shard_id})

    async def disconnect(self, shard_id: int) -> None:
        entry = self.clients.pop(shard_id, None)
        if entry is None:
            return
        client, running = entry
        await client.close()
        await asyncio.gather(running, return_exceptions=True)


def _log_end(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("a taken-over shard's connection failed", exc_info=task.exception())
