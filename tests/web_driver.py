"""The web chat through its own websocket, as the page's script speaks it: messages in, views out.

Every message the page would show arrives as ``{"type": "message", "id", "view"}``; an edit reuses
the id. :class:`WebChat` keeps the latest view of each message, in order, and waits for views the
way a person waits for the page to change.
"""

from __future__ import annotations

import asyncio
import base64
import time
import uuid
from collections.abc import Callable
from typing import Any

import aiohttp
from aiohttp import web

from bot.web import WebPlatform, create_web_app
from core.config import Settings
from core.service import CoreService
from fakes import serve_loopback

from .conftest import TEST_KEY


async def open_web_core(settings: Settings, sandbox_url: str) -> tuple[CoreService, web.AppRunner, str]:
    """The core against the sandbox, with the web chat served on a free loopback port; returns the page URL.

    Close with :func:`close_web_core`."""
    core = await CoreService.open(settings, api_key=TEST_KEY, base_url=sandbox_url, upload_url=sandbox_url)
    platform = WebPlatform()
    core.add_platform(platform)
    await core.start()
    runner, base = await serve_loopback(create_web_app(core, platform))
    return core, runner, base + "/"


async def close_web_core(core: CoreService, runner: web.AppRunner) -> None:
    await runner.cleanup()
    await core.close()


class WebChat:
    def __init__(self, ws: aiohttp.ClientWebSocketResponse, session: aiohttp.ClientSession) -> None:
        self.ws = ws
        self.session = session
        self.messages: dict[str, dict[str, Any]] = {}  # id → latest view, in the order first seen
        self.history: list[tuple[str, dict[str, Any]]] = []  # every (id, view) received
        self._reader = asyncio.ensure_future(self._read())

    @classmethod
    async def open(cls, url: str, uid: str | None = None) -> WebChat:
        session = aiohttp.ClientSession()
        ws = await session.ws_connect(f"{url.rstrip('/')}/ws?uid={uid or uuid.uuid4().hex}")
        return cls(ws, session)

    async def _read(self) -> None:
        async for msg in self.ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                continue
            data = msg.json()
            if data.get("type") == "message":
                self.messages[data["id"]] = data["view"]
                self.history.append((data["id"], data["view"]))

    async def say(self, text: str, files: tuple[bytes, ...] = (), lang: str | None = None) -> None:
        payload: dict[str, Any] = {"type": "message", "text": text}
        if files:
            payload["attachments"] = [{"name": f"pic{i}.png", "type": "image/png",
                                       "data": base64.b64encode(f).decode()}
                                      for i, f in enumerate(files)]
        if lang:
            payload["lang"] = lang
        await self.ws.send_json(payload)

    async def press(self, view: dict[str, Any], label: str) -> None:
        action = next(a for a in view["actions"] if label in a["label"])
        await self.ws.send_json({"type": "action", "kind": action["kind"], "ref": action["ref"]})

    def seen(self) -> int:
        return len(self.history)

    async def wait(self, test: Callable[[dict[str, Any]], bool], after: int = 0, limit_s: float = 30,
                   what: str = "") -> dict[str, Any]:
        """The first view received (after the ``after``-th) that passes ``test``."""
        deadline = time.monotonic() + limit_s
        while True:
            for _, view in self.history[after:]:
                if test(view):
                    return view
            assert time.monotonic() < deadline, f"timed out waiting for {what}: " + " | ".join(
                v["title"] for _, v in self.history[after:])
            await asyncio.sleep(0.02)

    def latest(self, message_id: str) -> dict[str, Any]:
        return self.messages[message_id]

    def id_of(self, view: dict[str, Any]) -> str:
        return next(i for i, v in reversed(self.history) if v is view)

    async def close(self) -> None:
        await self.ws.close()
        self._reader.cancel()
        await self.session.close()
