"""``ima-bot run`` starting up: a part that cannot start closes every part already running (issue 13)."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import discord
import pytest

from bot.commands import serve
from core.config import ConfigError, Settings
from fakes import free_ports


async def _listening(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    writer.close()
    await writer.wait_closed()
    return True


def _settings(data_dir: Path, **sections: dict[str, object]) -> Settings:
    return Settings.model_validate({"bot": {"data_dir": str(data_dir)}, **sections})


async def test_a_port_in_use_for_the_second_server_closes_the_first_and_the_sandbox(tmp_path: Path):
    web_port, sandbox_port = free_ports(2)
    with socket.socket() as taken:  # someone else already listens on the health port
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        settings = _settings(tmp_path, sandbox={"enabled": True, "port": sandbox_port},
                             web={"enabled": True, "port": web_port},
                             ops={"enabled": True, "port": taken.getsockname()[1]})
        ready = asyncio.Event()
        with pytest.raises(OSError):
            await serve(settings, ready=ready)
    assert not ready.is_set()
    assert not await _listening(web_port), "the web chat was left listening"
    assert not await _listening(sandbox_port), "the embedded sandbox was left listening"


async def test_a_missing_discord_token_after_the_servers_started_closes_them_and_leaves_discord_py_as_it_was(
        tmp_path: Path):
    web_port, ops_port = free_ports(2)
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    settings = _settings(tmp_path, web={"enabled": True, "port": web_port},
                         ops={"enabled": True, "port": ops_port},
                         discord={"enabled": True, "api_base": "http://127.0.0.1:9/api/v10"})
    with pytest.raises(ConfigError, match="DISCORD_TOKEN"):
        await serve(settings)
    assert not await _listening(web_port) and not await _listening(ops_port)
    assert (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == (base, gateway)


async def test_a_clean_start_serves_until_asked_to_stop_then_closes_everything(tmp_path: Path):
    web_port, ops_port = free_ports(2)
    settings = _settings(tmp_path, web={"enabled": True, "port": web_port},
                         ops={"enabled": True, "port": ops_port})
    ready, stop = asyncio.Event(), asyncio.Event()
    running = asyncio.create_task(serve(settings, ready=ready, stop=stop))
    await asyncio.wait_for(ready.wait(), 30)
    assert await _listening(web_port) and await _listening(ops_port)
    stop.set()
    assert await asyncio.wait_for(running, 30) == 0
    assert not await _listening(web_port) and not await _listening(ops_port)
