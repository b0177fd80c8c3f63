"""Nothing is lost on Discord either: the gateway hands a mention to the bot once, so a bot that stops before
answering it leaves it kept in its inbox, and the next run answers it, once, with one task (core/inbox.py)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from aiohttp import web

from . import test_discord_e2e as e2e
from .conftest import until
from .images import RED_PNG
from .test_discord_e2e import Env, final, reference_of

env, sandbox_config = e2e.env, e2e.sandbox_config


def _crash_copy(data_dir: Path, into: Path) -> None:
    """What a SIGKILL would leave on disk right now: every committed write (the write-ahead log included),
    read with SQLite's own online backup while the bot runs. Why not a real kill: the bot runs inside this
    test's process, and one process start per test is what the suite's time budget allows (the Feishu test
    kills a real ``ima-bot run``)."""
    into.mkdir()
    source, target = sqlite3.connect(data_dir / "ima-bot.sqlite3"), sqlite3.connect(into / "ima-bot.sqlite3")
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


@asynccontextmanager
async def stalling_file_host(data: bytes) -> AsyncIterator[tuple[str, asyncio.Event]]:
    """A file host (Discord's CDN, as slow as it gets) whose first download does not end before the test does;
    later ones are served. Yields the file's URL and an event set once the first download has begun."""
    begun, over = asyncio.Event(), asyncio.Event()

    async def serve(_request: web.Request) -> web.Response:
        if not begun.is_set():
            begun.set()
            await over.wait()
        return web.Response(body=data, content_type="image/png")

    app = web.Application()
    app.router.add_get("/{name}", serve)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}/dog.png", begun
    finally:
        over.set()
        await runner.cleanup()


async def test_a_mention_the_bot_stopped_on_is_answered_once_by_the_next_run(env: Env, tmp_path: Path):
    fake, sandbox = env.fake, env.sandbox
    async with stalling_file_host(RED_PNG) as (url, begun):
        # the bot has the mention and is still fetching its picture: nothing answered, nothing reserved
        picture = {"id": "9001", "filename": "dog.png", "size": len(RED_PNG), "url": url, "proxy_url": url,
                   "content_type": "image/png"}
        said = await fake.say("make it a video of the dog running", attachments=[picture])
        await asyncio.wait_for(begun.wait(), 30)  # only a hang guard
        _crash_copy(env.data_dir, tmp_path / "after-crash")
        await env.stop_bot()  # this run is over: its connection to Discord closes first, it says nothing more
        env.data_dir = tmp_path / "after-crash"
        await env.start_bot()
        await until(lambda: any(final(m) for m in fake.bot_messages()), 40, "the answer after the restart")
    assert [reference_of(m) for m in fake.bot_messages()] == [said]
    assert "Your video is ready" in fake.bot_messages()[0].text()
    assert [c["json"]["task_type"] for c in sandbox.state.creates()] == ["image_to_video"]
