"""Discord sharding (issue 19, item 4): two `ima-bot run` instances, one shard each, on one PostgreSQL.

The fake Discord routes like Discord: a server's events reach only the connection of shard
(guild_id >> 22) % shard_count, so a command can only be answered by the instance running that
shard. When that instance dies mid-task, the other takes the task over (lease) and finishes the
same status message over REST with the interaction token kept in the task's route.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest

from core.config import ConfigError, load_settings
from fakes import free_port
from fakes.discord_server import (
    APP_ID,
    GUILD_ID,
    SECOND_GUILD_ID,
    FakeDiscord,
    FakeInteraction,
    FakeMessage,
    shard_of,
)
from sandbox.app import SandboxConfig

from .conftest import TEST_KEY, Sandbox, until

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


async def _instance(shard: int, fake: FakeDiscord, sandbox: Sandbox, pg_url: str,
                    tmp_path: Path) -> tuple[asyncio.subprocess.Process, int]:
    ops = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_PROXY": "127.0.0.1,localhost",
           "IMA_API_KEY": TEST_KEY, "IMA_BASE_URL": sandbox.url, "IMA_UPLOAD_URL": sandbox.url,
           "IMA_BOT_DATABASE_URL": pg_url, "IMA_BOT_WEB_ENABLED": "false", "IMA_BOT_OPS_PORT": str(ops),
           "IMA_BOT_BOT_DATA_DIR": str(tmp_path / f"shard{shard}"), "IMA_BOT_BOT_TIME_SCALE": str(SCALE),
           "IMA_BOT_BOT_LEASE_S": str(LEASE_S), "IMA_BOT_BOT_INSTANCE_ID": f"shard-{shard}",
           "IMA_BOT_DISCORD_ENABLED": "true", "DISCORD_TOKEN": "fake-bot-token",
           "IMA_BOT_DISCORD_API_BASE": fake.rest_base, "IMA_BOT_DISCORD_GATEWAY_URL": fake.gateway_url,
           "IMA_BOT_DISCORD_SHARD_COUNT": "2", "IMA_BOT_DISCORD_SHARD_IDS": json.dumps([shard])}
    env.pop("IMA_BOT_SANDBOX_ENABLED", None)
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "run", env=env, cwd=ROOT,
                                                stdout=asyncio.subprocess.DEVNULL,
                                                stderr=asyncio.subprocess.DEVNULL)
    return proc, ops


async def _discord_up(ops_port: int) -> bool:
    try:
        async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{ops_port}/healthz") as resp:
            return bool((await resp.json()).get("checks", {}).get("adapter:discord"))
    except (aiohttp.ClientError, ValueError):
        return False


async def _task_rows(pg_url: str) -> dict[str, dict[str, Any]]:
    """Each task by its interaction token: state and the instance holding its lease."""
    conn = await asyncpg.connect(pg_url)
    try:
        rows = await conn.fetch("SELECT id, state, lease_owner, route FROM tasks")
    finally:
        await conn.close()
    return {json.loads(r["route"]).get("token", ""): dict(r) for r in rows}


async def test_each_shard_answers_its_own_servers_and_a_dead_shards_task_is_finished_by_the_other(
        fake: FakeDiscord, sandbox: Sandbox, pg_url: str, tmp_path: Path):
    assert shard_of(SECOND_GUILD_ID, 2) == 0 and shard_of(GUILD_ID, 2) == 1  # one server on each shard
    (zero, ops0), (one, ops1) = await asyncio.gather(*(_instance(i, fake, sandbox, pg_url,
                                                                 tmp_path) for i in (0, 1)))
    try:
        await until(lambda: fake.connected_shards() == {0, 1}, 40, "both shards connected")
        for port in (ops0, ops1):
            await until(lambda: _discord_up(port), 20, "Discord ready on both instances")  # noqa: B023 (awaited here)

        # A command in each server reaches only that server's shard, and is answered there.
        first = await fake.slash("image", {"prompt": "a lighthouse at dawn"}, guild_id=SECOND_GUILD_ID)
        second = await fake.slash("video", {"prompt": "waves over a harbour wall"}, guild_id=GUILD_ID)
        assert first.shards == [0] and second.shards == [1]
        await until(lambda: first.responded_at is not None and second.responded_at is not None, 10,
                    "both deferrals")
        await until(lambda: final(fake.original(first)), 40, "the image on shard 0's server")
        assert "Your image is ready" in shown(fake, first).text()

        # Shard 1's video is being made (created at IMA, not finished): its instance dies.
        async def running() -> bool:
            return (await _task_rows(pg_url)).get(second.token, {}).get("state") == "running"

        await until(running, 30, "the video being made")
        rows = await _task_rows(pg_url)
        assert (
            rows[first.token]["lease_owner"] == "shard-0" and rows[second.token]["lease_owner"] == "shard-1"
        )
        assert not final(fake.original(second))
        one.send_signal(signal.SIGKILL)
        await one.wait()
        killed_at = len(fake.requests)

        # The instance of shard 0 takes the task over and finishes the same message, over REST.
        await until(lambda: final(fake.original(second)), 45, "the video finished by the other instance")
        assert "Your video is ready" in shown(fake, second).text()
        after_kill = fake.requests[killed_at:]
        edits = [
            r
            for r in after_kill
            if r["method"] == "PATCH" and r["status"] == 200 and second.token in r["path"]
        ]
        assert edits and all(
            r["path"].startswith(f"/api/v10/webhooks/{APP_ID}/{second.token}/messages/") for r in edits
        )
        # no new message
        assert not [r for r in after_kill if r["method"] == "POST" and r["path"].endswith("/messages")]

        async def delivered() -> bool:
            return (await _task_rows(pg_url))[second.token]["state"] == "done"

        await until(delivered, 10, "the task recorded as delivered")
        assert (await _task_rows(pg_url))[second.token]["lease_owner"] == "shard-0"
    finally:
        for proc in (zero, one):
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        codes = await asyncio.wait_for(asyncio.gather(zero.wait(), one.wait()), 20)
    assert codes[0] == 0  # the survivor shuts down cleanly

    # Exactly once: one message per command, the result shown once, nothing created twice at IMA.
    assert len(fake.bot_messages()) == 2
    assert sum("Your video is ready" in h["text"] for h in shown(fake, second).history) == 1
    prompts = [c["json"]["parameters"][0]["parameters"]["prompt"] for c in sandbox.state.creates()]
    assert sorted(prompts) == ["a lighthouse at dawn", "waves over a harbour wall"]
    assert fake.rate_limited == 0 and fake.late_callbacks == 0


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
    bot = adapter_for(core, settings.discord.shard_count, settings.discord.shard_ids, sync_commands=False)
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
