"""The web chat with several instances on one PostgreSQL (issue 19, item 3), and unchanged on SQLite.

Two cores share one database, each with its own web chat on its own port, as two replicas behind a
load balancer would be. A browser's tabs may reach either: the one on B must see the status updates
and the result of a task A watches, and a page reloaded against B must show the conversation held
through A. Both go through the real web adapter over its WebSocket.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web as web_server

from core.config import Settings
from core.service import CoreService
from sandbox.app import SandboxConfig

from .conftest import Sandbox, until
from .web_driver import WebChat, close_web_core, open_web_core

Instance = tuple[CoreService, str]
Opener = Callable[[str, str | None], Awaitable[Instance]]


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    return SandboxConfig(time_scale=0.02, seed=19)


@pytest.fixture
async def instances(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[Opener]:
    """Opens a core with its web chat on a free port: on ``database_url`` (None: its own SQLite file)."""
    opened: list[tuple[CoreService, web_server.AppRunner]] = []

    async def open_instance(name: str, database_url: str | None) -> Instance:
        settings = Settings.model_validate({
            "bot": {"data_dir": str(tmp_path / name), "time_scale": 0.02, "instance_id": name},
            "database": {"url": database_url}})
        core, runner, url = await open_web_core(settings, sandbox.url)
        opened.append((core, runner))
        return core, url

    yield open_instance
    for core, runner in reversed(opened):
        await close_web_core(core, runner)


async def _replayed(url: str, uid: str, until_kind: str) -> list[dict[str, Any]]:
    """What a freshly loaded page on ``url`` is sent for this browser, up to the first ``until_kind`` view."""
    got: list[dict[str, Any]] = []
    async with (asyncio.timeout(30), aiohttp.ClientSession() as session,  # catches a hang only
                session.ws_connect(f"{url}ws?uid={uid}") as ws):
        async for msg in ws:
            data = msg.json()
            got.append(data)
            if data.get("type") == "message" and data["view"]["kind"] == until_kind:
                break
    return got


async def _type(tab: WebChat, text: str, message_id: str) -> None:
    """As the page sends it: with the id it shows the user's own message under (echoed to every tab)."""
    await tab.ws.send_json({"type": "message", "text": text, "id": message_id})


async def test_a_tab_on_another_instance_sees_the_updates_and_result_of_a_task_this_one_watches(
        pg_url: str, instances: Opener):
    a, a_url = await instances("a", pg_url)
    b, b_url = await instances("b", pg_url)
    uid = "browser-across-0001"
    on_b = await WebChat.open(b_url, uid=uid)  # the tab the load balancer sent to B
    on_a = await WebChat.open(a_url, uid=uid)  # the tab (or request) that reached A
    try:
        await on_a.say("make a 5 second video of waves at dusk")
        progress = await on_b.wait(lambda v: v["kind"] == "progress", what="a progress update on B's tab")
        rows = await a.store.rows("tasks")
        assert [r["lease_owner"] for r in rows] == ["a"], "the task is watched by A, not B"
        status_id = on_b.id_of(progress)
        await until(lambda: len([i for i, _ in on_b.history if i == status_id]) >= 2,
                    what="the status message edited in place on B's tab")
        result = await on_b.wait(lambda v: v["kind"] == "result", what="the result on B's tab")
        assert result["media"][0]["kind"] == "video" and result["media"][0]["url"]
        mine = await on_a.wait(lambda v: v["kind"] == "result", what="the result on A's tab")
        assert mine["media"] == result["media"]
        assert b.manager.settings.instance_id == "b" and not await b.store.user_tasks("web", "nobody")
    finally:
        await on_a.close()
        await on_b.close()


async def test_a_page_reloaded_against_another_instance_shows_the_conversation_held_through_the_first(
        pg_url: str, instances: Opener):
    _a, a_url = await instances("a", pg_url)
    b, b_url = await instances("b", pg_url)
    uid = "browser-reload-0001"
    tab = await WebChat.open(a_url, uid=uid)
    try:
        await _type(tab, "draw a red fox in the snow", "mine-fox-0001")
        await tab.wait(lambda v: v["kind"] == "result", what="the picture on A")
        mark = tab.seen()
        await _type(tab, "help", "mine-help-0001")
        await tab.wait(lambda v: v["kind"] == "notice", after=mark, what="the help on A")
    finally:
        await tab.close()
    replay = await _replayed(b_url, uid, until_kind="notice")
    shown = [p["text"] if p["type"] == "mine" else p["view"]["kind"] for p in replay]
    assert shown[0] == "draw a red fox in the snow" and "result" in shown, shown
    assert shown[-2:] == ["help", "notice"], shown
    result = next(p["view"] for p in replay if p["type"] == "message" and p["view"]["kind"] == "result")
    assert result["media"][0]["url"].startswith("http")
    assert (await b.health())["live_updates"] is True


async def test_on_sqlite_one_process_keeps_updates_and_history_in_memory_as_before(instances: Opener):
    core, url = await instances("solo", None)
    uid = "browser-solo-0001"
    tab = await WebChat.open(url, uid=uid)
    try:
        await _type(tab, "draw a red fox in the snow", "mine-fox-0001")
        await tab.wait(lambda v: v["kind"] == "result", what="the picture")
    finally:
        await tab.close()
    replay = await _replayed(url, uid, until_kind="result")
    assert replay[0] == {"type": "mine", "id": "mine-fox-0001", "text": "draw a red fox in the snow",
                         "files": []}
    assert "feed_messages" not in await core.store.tables() and "shown" not in await core.store.tables()
    assert "live_updates" not in await core.health()


async def test_forget_me_on_postgresql_also_deletes_the_live_updates_other_instances_read(
        pg_url: str, instances: Opener):
    """The shared feed keeps each update a few minutes so every instance can read it; they carry what the
    user typed, so "forget me" deletes them with the rest."""
    a, a_url = await instances("a", pg_url)
    uid = "browser-forget-0001"
    tab = await WebChat.open(a_url, uid=uid)
    try:
        await _type(tab, "draw a lighthouse in a storm", "mine-lighthouse-0001")
        await tab.wait(lambda v: v["kind"] == "result", what="the picture")
        assert any("lighthouse" in r["payload"] for r in await a.store.rows("feed_messages"))
        mark = tab.seen()
        await _type(tab, "forget me", "mine-forget-0001")
        question = await tab.wait(lambda v: v["kind"] == "confirm", after=mark, what="the forget-me question")
        await tab.press(question, "Delete my data")
        await tab.wait(lambda v: v["kind"] == "notice", after=mark, what="the answer to forget me")
    finally:
        await tab.close()
    assert not any("lighthouse" in r["payload"] for r in await a.store.rows("feed_messages"))
    assert "lighthouse" not in str(await a.store.shown(f"web:{uid}", 50))  # only the "deleted" answer is left
