"""Web chat adapter: one page, one WebSocket per browser tab, views pushed as JSON.

Thin by design: a browser message becomes a ChatEvent, a button click an action, and every
view the core sends or edits is pushed to the tabs of that browser (identified by a random id
kept in localStorage). A short per-browser history lets a reloaded page, or a page open across a
bot restart, show the same status message keep updating.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
import re
import uuid
from collections.abc import Mapping
from importlib import resources
from typing import Any

from aiohttp import WSMsgType, web

from core.contracts import Attachment, ChatEvent
from core.service import CoreService
from core.views import LANGUAGES, View, strings

from .history import BrowserHistory, mine
from .pages import PAGE_REQUESTS, page_request
from .views_json import view_json

log = logging.getLogger(__name__)

PLATFORM = "web"
UID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
ASSETS = {"app.js": "application/javascript", "app.css": "text/css", "favicon.svg": "image/svg+xml"}


class WebPlatform:
    name = PLATFORM

    def __init__(self) -> None:
        self.sockets: dict[str, set[web.WebSocketResponse]] = {}
        self.history = BrowserHistory()

    def channel(self, route: Mapping[str, Any]) -> WebChannel:
        return WebChannel(self, str(route.get("uid", "")))

    def connected(self) -> bool:
        return True  # served by our own web server: up while the process is

    async def push(self, uid: str, payload: dict[str, Any], record: bool = True) -> None:
        if record:
            self.history.record(uid, payload)
        for ws in list(self.sockets.get(uid, ())):
            try:
                await ws.send_json(payload)
            except (ConnectionError, RuntimeError):
                self.sockets.get(uid, set()).discard(ws)


class WebChannel:
    min_edit_interval_s = 0.2

    def __init__(self, platform: WebPlatform, uid: str) -> None:
        self.platform = platform
        self.uid = uid

    async def send(self, view: View) -> str:
        ref = uuid.uuid4().hex[:12]
        await self.platform.push(self.uid, {"type": "message", "id": ref, "view": view_json(view)})
        return ref

    async def edit(self, ref: str, view: View) -> None:
        await self.platform.push(self.uid, {"type": "message", "id": ref, "view": view_json(view)})


def _event(uid: str, data: dict[str, Any], attachments: tuple[Attachment, ...] = ()) -> ChatEvent:
    lang = data.get("lang") if data.get("lang") in LANGUAGES else None
    return ChatEvent(platform=PLATFORM, user_id=uid, chat_id=uid, text=str(data.get("text") or "")[:20000],
                     route={"uid": uid}, attachments=attachments, language=lang, is_admin=True)


def _attachments(items: Any) -> tuple[Attachment, ...]:
    out = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        try:
            data = base64.b64decode(str(item.get("data", "")), validate=True)
        except (binascii.Error, ValueError):
            data = b""
        out.append(Attachment(str(item.get("name") or "file")[:100], data, str(item.get("type") or "") or None))
    return tuple(out[:4])


def create_web_app(core: CoreService, platform: WebPlatform) -> web.Application:
    app = web.Application(client_max_size=MAX_MESSAGE_BYTES)
    static = resources.files("bot.web").joinpath("static")
    inflight: set[asyncio.Task[None]] = set()  # keeps message handlers alive until they finish

    async def index(_request: web.Request) -> web.Response:
        return web.Response(text=static.joinpath("index.html").read_text("utf-8"), content_type="text/html")

    async def asset(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        kind = ASSETS.get(name)
        if kind is None:
            raise web.HTTPNotFound()
        return web.Response(text=static.joinpath(name).read_text("utf-8"), content_type=kind)

    async def favicon(_request: web.Request) -> web.Response:  # browsers ask for it whatever the page says
        return web.Response(text=static.joinpath("favicon.svg").read_text("utf-8"), content_type="image/svg+xml")

    async def locale(request: web.Request) -> web.Response:
        lang = request.match_info["lang"]
        if lang not in LANGUAGES:
            raise web.HTTPNotFound()
        return web.json_response({k: v for k, v in strings(lang).items() if k.startswith("web.")})

    async def socket(request: web.Request) -> web.WebSocketResponse:
        uid = request.query.get("uid", "")
        if not UID.match(uid):
            raise web.HTTPBadRequest(text="bad id")
        ws = web.WebSocketResponse(heartbeat=30, max_msg_size=MAX_MESSAGE_BYTES)
        await ws.prepare(request)
        platform.sockets.setdefault(uid, set()).add(ws)
        for payload in platform.history.replay(uid):
            await ws.send_json(payload)
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                try:
                    data = json.loads(msg.data)
                except ValueError:
                    continue
                if isinstance(data, dict):
                    task = asyncio.ensure_future(_handle(uid, data, ws))
                    inflight.add(task)
                    task.add_done_callback(inflight.discard)
        finally:
            platform.sockets.get(uid, set()).discard(ws)
        return ws

    async def _handle(uid: str, data: dict[str, Any], ws: web.WebSocketResponse) -> None:
        try:
            if data.get("type") == "action":
                if platform.history.answer(uid, str(data.get("msg", ""))):
                    await platform.push(uid, {"type": "answered", "id": str(data.get("msg"))}, record=False)
                await core.press(_event(uid, data), str(data.get("kind", "")), str(data.get("ref", "")))
            elif data.get("type") == "message":
                if UID.match(str(data.get("id", ""))):
                    names = [str(a.get("name", "")) for a in data.get("attachments") or [] if isinstance(a, dict)]
                    await platform.push(uid, mine(str(data["id"]), str(data.get("text") or "")[:20000], names[:4]))
                await core.handle(_event(uid, data, _attachments(data.get("attachments"))))
            elif data.get("type") in PAGE_REQUESTS:
                for answer in await page_request(core, _event(uid, data), data):
                    await ws.send_json(answer)
        except Exception:
            log.exception("web message failed")

    app.router.add_get("/", index)
    app.router.add_get("/static/{name}", asset)
    app.router.add_get("/favicon.ico", favicon)
    app.router.add_get("/locale/{lang}", locale)
    app.router.add_get("/ws", socket)
    return app
