"""Web chat adapter: one page, one WebSocket per browser tab, views pushed as JSON.

Thin by design: a browser message becomes a ChatEvent, a button click an action, and every
view the core sends or edits is pushed to the tabs of that browser (identified by a random id
kept in localStorage). A short per-browser history lets a reloaded page, or a page open across a
bot restart, show the same status message keep updating.

Pushes go through the core's publish/subscribe door and the history through its "shown" log, so
with instances sharing PostgreSQL a browser connected to any of them gets the updates of a task
another one watches, and a reload on another instance shows the same conversation; with the
SQLite file both stay in this process, as they always were.
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
from core.views import LANGUAGES, View, ViewKind, strings

from .guard import MAX_MESSAGE_BYTES, MAX_UPLOADS_PER_CONNECTION, WebGuard
from .history import history_scope, mine
from .pages import PAGE_REQUESTS, page_request
from .views_json import view_json

log = logging.getLogger(__name__)

PLATFORM = "web"
TOPIC = "web"  # every push, for every browser: each instance hands it to the tabs connected to it
UID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
ASSETS = {"app.js": "application/javascript", "app.css": "text/css", "favicon.svg": "image/svg+xml"}


class WebPlatform:
    name = PLATFORM

    def __init__(self) -> None:
        self.sockets: dict[str, set[web.WebSocketResponse]] = {}
        self.core: CoreService | None = None

    def attach(self, core: CoreService) -> None:
        """Pushes are published through ``core`` and delivered here to this instance's tabs."""
        self.core = core
        core.subscribe(TOPIC, self._deliver)

    def channel(self, route: Mapping[str, Any]) -> WebChannel:
        return WebChannel(self, str(route.get("uid", "")))

    def connected(self) -> bool:
        return True  # served by our own web server: up while the process is

    def forget(self, user_id: str) -> None:
        """"Forget me": a reloaded page no longer replays this browser's messages and prompts."""
        if self.core is not None:
            self.core.forget_shown(history_scope(user_id))

    async def push(self, uid: str, payload: dict[str, Any], record: bool = True) -> None:
        if self.core is None:
            raise RuntimeError("the web platform pushes only once create_web_app has attached it to the core")
        if record and payload.get("id"):
            await self.core.remember_shown(history_scope(uid), str(payload["id"]), payload)
        await self.core.publish(TOPIC, {"uid": uid, "payload": payload})

    async def _deliver(self, message: dict[str, Any]) -> None:
        uid = str(message.get("uid", ""))
        for ws in list(self.sockets.get(uid, ())):
            try:
                await ws.send_json(message["payload"])
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


def _event(uid: str, data: dict[str, Any], attachments: tuple[Attachment, ...] = (),
           is_admin: bool = False) -> ChatEvent:
    lang = data.get("lang") if data.get("lang") in LANGUAGES else None
    return ChatEvent(platform=PLATFORM, user_id=uid, chat_id=uid, text=str(data.get("text") or "")[:20000],
                     route={"uid": uid}, attachments=attachments, language=lang, is_admin=is_admin,
                     direct=True)  # each user's own chat with the bot


def _attachments(items: Any) -> tuple[Attachment, ...]:
    out = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        try:
            data = base64.b64decode(str(item.get("data", "")), validate=True)
        except (binascii.Error, ValueError):
            data = b""
        out.append(Attachment(str(item.get("name") or "file")[:100], data,
                              str(item.get("type") or "") or None))
    return tuple(out[:4])


# ── security layer (see guard.py): who may connect, who is admin, how much may be in flight ──
def _guarded(guard: WebGuard) -> Any:
    """Middleware: every request passes the guard's Host/Origin/token checks before any handler runs."""

    @web.middleware
    async def check(request: web.Request, handler: Any) -> web.StreamResponse:
        refusal = guard.refusal(request, socket=request.path == "/ws")
        if refusal is not None:
            log.warning("web chat request refused", extra={"reason": refusal.text, "path": request.path})
            raise refusal
        return await handler(request)

    return check


def _busy_uploading(data: dict[str, Any]) -> dict[str, Any]:
    lang = str(data.get("lang")) if data.get("lang") in LANGUAGES else "en"
    view = View(ViewKind.NOTICE, strings(lang)["attach.busy"], language=lang)
    return {"type": "message", "id": uuid.uuid4().hex[:12], "view": view_json(view)}


def _upload_done(uploads: set[asyncio.Task[None]], guard: WebGuard, size: int) -> Any:
    def done(task: asyncio.Task[None]) -> None:
        uploads.discard(task)
        guard.release_upload(size)

    return done


def create_web_app(core: CoreService, platform: WebPlatform,
                   guard: WebGuard | None = None) -> web.Application:
    guard = guard or WebGuard()
    platform.attach(core)
    app = web.Application(client_max_size=64 * 1024, middlewares=[_guarded(guard)])
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
        return web.Response(text=static.joinpath("favicon.svg").read_text("utf-8"),
                            content_type="image/svg+xml")

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
        is_admin = guard.is_admin(request)
        uploads: set[asyncio.Task[None]] = set()
        await ws.prepare(request)
        platform.sockets.setdefault(uid, set()).add(ws)
        for payload in await core.shown(history_scope(uid)):
            await ws.send_json(payload)
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                try:
                    data = json.loads(msg.data)
                except ValueError:
                    continue
                if not isinstance(data, dict):
                    continue
                size = len(msg.data) if data.get("attachments") else 0
                if size and (len(uploads) >= MAX_UPLOADS_PER_CONNECTION or not guard.reserve_upload(size)):
                    await ws.send_json(_busy_uploading(data))  # said, not dropped: the user sends it again
                    continue
                task = asyncio.ensure_future(_handle(uid, data, ws, is_admin))
                inflight.add(task)
                task.add_done_callback(inflight.discard)
                if size:
                    uploads.add(task)
                    task.add_done_callback(_upload_done(uploads, guard, size))
        finally:
            platform.sockets.get(uid, set()).discard(ws)
        return ws

    async def _handle(uid: str, data: dict[str, Any], ws: web.WebSocketResponse, is_admin: bool) -> None:
        try:
            if data.get("type") == "action":
                if await core.answer_shown(history_scope(uid), str(data.get("msg", ""))):
                    await platform.push(uid, {"type": "answered", "id": str(data.get("msg"))}, record=False)
                await core.press(_event(uid, data, is_admin=is_admin), str(data.get("kind", "")),
                                 str(data.get("ref", "")))
            elif data.get("type") == "message":
                if UID.match(str(data.get("id", ""))):
                    names = [
                        str(a.get("name", "")) for a in data.get("attachments") or [] if isinstance(a, dict)
                    ]
                    await platform.push(uid, mine(str(data["id"]), str(data.get("text") or "")[:20000],
                                                  names[:4]))
                await core.handle(_event(uid, data, _attachments(data.get("attachments")), is_admin))
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
