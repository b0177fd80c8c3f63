"""Discord sharding (issue 19, item 4): shard settings, one process running every shard, the fake's routing,
and shard leases: a survivor runs the shards of an instance that died, and hands them back.

The fake Discord routes like Discord: a server's events reach only the connection of shard
(guild_id >> 22) % shard_count, so a command can only be answered by the instance running that
shard. Several `ima-bot run` instances splitting the shards, one of them killed mid-run, are
tested end to end in tests/test_instances_e2e.py.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from core.config import ConfigError, load_settings
from fakes.discord_server import (
    GUILD_ID,
    SECOND_GUILD_ID,
    FakeDiscord,
    FakeInteraction,
    FakeMessage,
)
from sandbox.app import SandboxConfig

from .conftest import TEST_KEY, Sandbox, until
from .test_discord_e2e import GUILD_STREAM_S

ROOT = Path(__file__).resolve().parent.parent
SCALE = 0.1
LEASE_S = 3.0


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """A video takes some seconds here: long enough to kill its instance while it is being made."""
    return SandboxConfig(time_scale=SCALE, seed=19)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    discord_fake = FakeDiscord()
    await discord_fake.start()
    yield discord_fake
    await discord_fake.close()


def shown(fake: FakeDiscord, interaction: FakeInteraction) -> FakeMessage:
    """The status message of a command (its deferred response)."""
    message = fake.original(interaction)
    assert message is not None, "no status message"
    return message


def text_of(fake: FakeDiscord, interaction: FakeInteraction) -> str:
    message = fake.original(interaction)
    return message.text() if message is not None else ""


def final(message: FakeMessage | None) -> bool:
    return message is not None and any(k in message.text() for k in ("is ready", "could not be made"))


def test_shard_settings_are_checked_at_start():
    settings = load_settings(env={"IMA_BOT_DISCORD_SHARD_COUNT": "4", "IMA_BOT_DISCORD_SHARD_IDS": "[2, 3]"})
    assert (settings.discord.shard_count, settings.discord.shard_ids) == (4, [2, 3])
    # unset: Discord's recommendation, all in one process
    assert load_settings(env={}).discord.shard_count is None
    for env, said in [({"IMA_BOT_DISCORD_SHARD_IDS": "[1]"}, "shard_ids needs shard_count"),
                      ({"IMA_BOT_DISCORD_SHARD_COUNT": "2", "IMA_BOT_DISCORD_SHARD_IDS": "[2]"},
                       "between 0 and shard_count - 1"),
                      ({"IMA_BOT_DISCORD_SHARD_COUNT": "2", "IMA_BOT_DISCORD_SHARD_IDS": "[0, 0]"},
                       "each shard"),
                      ({"IMA_BOT_DISCORD_SHARD_COUNT": "0"}, "discord.shard_count")]:
        with pytest.raises(ConfigError, match=said):
            load_settings(env=env)


async def test_unset_shards_run_as_many_as_discord_recommends_in_one_process(fake: FakeDiscord,
                                                                             sandbox: Sandbox,
                                                                             tmp_path: Path):
    """Nothing configured: discord.py asks GET /gateway/bot and runs every shard here, answering in every
    server."""
    import discord
    import yarl

    from bot.discord import ShardedDiscordAdapter, adapter_for
    from core.config import Settings
    from core.service import CoreService

    fake.recommended_shards = 2
    old = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = fake.rest_base  # the documented way to point discord.py at another server
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    settings = Settings.model_validate({"bot": {"data_dir": str(tmp_path), "time_scale": SCALE}})
    core = await CoreService.open(settings, api_key=TEST_KEY, base_url=sandbox.url, upload_url=sandbox.url)
    bot = adapter_for(core, settings.discord.shard_count, settings.discord.shard_ids, sync_commands=False,
                      guild_ready_timeout=GUILD_STREAM_S)
    assert isinstance(bot, ShardedDiscordAdapter)
    await core.start()
    running = asyncio.create_task(bot.start("fake-bot-token"))
    try:
        await asyncio.wait_for(bot.wait_until_ready(), 20)
        assert fake.connected_shards() == {0, 1} and fake.gateway_bot_calls == 1
        asked = [await fake.slash("image", {"prompt": f"a kite over server {g}"},
                                  guild_id=g) for g in (SECOND_GUILD_ID, GUILD_ID)]
        assert [i.shards for i in asked] == [[0], [1]]
        direct = await fake.slash("usage", dm=True)  # a DM belongs to no server: Discord sends it to shard 0
        assert direct.shards == [0]
        await until(lambda: "Today:" in text_of(fake, direct), 20, "the answer to the DM")
        for interaction in asked:
            await until(lambda: final(fake.original(interaction)), 40, "the image")  # noqa: B023 (awaited here)
    finally:
        await bot.close()
        await asyncio.gather(running, return_exceptions=True)
        await core.close()
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old


async def test_the_fake_gateway_routes_and_refuses_shards_as_discord_does(fake: FakeDiscord):
    """READY lists only the shard's servers; a shard id not below the count is closed with 4010 Invalid
    shard."""
    async def identify(shard: list[int]) -> tuple[list[dict[str, Any]], int | None]:
        frames: list[dict[str, Any]] = []
        async with aiohttp.ClientSession() as http, http.ws_connect(fake.gateway_url) as ws:
            await ws.receive_json()  # HELLO
            await ws.send_json({"op": 2, "d": {"token": "t", "intents": 1, "properties": {}, "shard": shard}})
            while len(frames) < 2:
                msg = await ws.receive()
                if msg.type != aiohttp.WSMsgType.TEXT:
                    return frames, ws.close_code
                frames.append(json.loads(msg.data))
        return frames, None

    for shard_id, guild in ((0, SECOND_GUILD_ID), (1, GUILD_ID)):
        frames, closed = await identify([shard_id, 2])
        assert closed is None and frames[0]["t"] == "READY"
        assert [g["id"] for g in frames[0]["d"]["guilds"]] == [str(guild)] and frames[1][
            "t"
        ] == "GUILD_CREATE"
    frames, closed = await identify([2, 2])
    assert closed == 4010 and not frames
    assert {"path": "gateway", "status": 4010, "code": 4010, "shard": [2, 2]} in fake.rejections
    fake.recommended_shards = 3
    async with aiohttp.ClientSession() as http, http.get(f"{fake.rest_base}/gateway/bot") as resp:
        assert (await resp.json())["shards"] == 3


async def test_a_dead_instances_shard_is_run_by_another_until_its_own_instance_is_back(tmp_path: Path,
                                                                                      pg_url: str):
    """Shard leases (core/shards.py) on a real PostgreSQL, with the clock in the test's hands: the shard of
    an instance that stopped renewing is connected by a survivor once its lease ran out, not before; it is
    handed back when its own instance starts again; a clean stop hands shards over at once. ``connect`` and
    ``disconnect`` record what the Discord adapter is asked to do (tests/test_instances_e2e.py drives the
    real adapter through the fake Discord)."""
    from core.shards import ShardKeeper
    from core.store import Store

    now = [0.0]
    asked: list[tuple[str, str, int]] = []

    def keeper(store: Store, name: str, home: int) -> ShardKeeper:
        async def connect(shard: int) -> None:
            asked.append((name, "connect", shard))

        async def disconnect(shard: int) -> None:
            asked.append((name, "disconnect", shard))

        # lease 60 s: the keepers' own loops never run during the test, each pass is called by hand
        return ShardKeeper(store, name, 60.0, "discord", 2, [home], connect, disconnect, clock=lambda: now[0])

    stores = [await Store.open(tmp_path / n, pg_url) for n in "ab"]
    a, b = keeper(stores[0], "a", 0), keeper(stores[1], "b", 1)
    try:
        await a.start()
        await b.start()
        now[0] = 30.0  # b has stopped renewing (killed), but its lease (40 s: 2/3 of 60) still holds
        await a.tick()
        assert asked == []
        now[0] = 41.0
        await a.tick()
        assert asked == [("a", "connect", 1)] and a.extra == {1}
        await b.close()  # b's process is gone (its loop stops; nothing to hand over: it holds nothing now)
        b = keeper(stores[1], "b", 1)
        now[0] = 50.0
        await b.start()  # b starts again: its shard comes back to it
        await a.tick()
        assert asked[-1] == ("a", "disconnect", 1) and a.extra == set()
        await a.close()  # a clean stop: its shard goes to b at b's next pass
        now[0] = 51.0
        await b.tick()
        assert asked[-1] == ("b", "connect", 0) and b.extra == {0}
    finally:
        await b.close()
        for store in stores:
            await store.close()
