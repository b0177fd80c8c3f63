"""A fake Feishu on 127.0.0.1 that the real lark-oapi client talks to: REST, long connection, signed webhooks.

REST: tenant token, bot info, message create / reply / patch, image and file upload, message
resources; with Feishu's response shapes and limits (5 card updates a second per message answered
with 429 / 99991400, cards must set ``update_multi``, at most 30 KB, updatable for 14 days).
Long connection: the endpoint the SDK asks for, then protobuf frames: events pushed as data frames,
acks and pings recorded. Webhooks: posts signed and encrypted the way Feishu does.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import os
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web
from Crypto.Cipher import AES
from lark_oapi.ws.pb.pbbp2_pb2 import Frame

from . import serve_loopback

BOT_OPEN_ID = "ou_bot_0001"
APP_ID = "cli_fake_app"
APP_SECRET = "fake-secret"
TENANT = "tenant_fake"


@dataclass
class FeishuMessage:
    message_id: str
    chat_id: str
    msg_type: str
    content: dict[str, Any]
    parent_id: str | None = None
    reply_in_thread: bool = False
    created: float = field(default_factory=time.time)
    history: list[dict[str, Any]] = field(default_factory=list)

    def text(self) -> str:
        if self.msg_type == "text":
            return self.content.get("text", "")
        header = self.content.get("header", {}).get("title", {}).get("content", "")
        parts = [header]
        for element in self.content.get("elements", []):
            if element.get("tag") == "div":
                parts.append(element["text"]["content"])
        return "\n".join(parts)

    def buttons(self) -> list[dict[str, Any]]:
        return [a for e in self.content.get("elements", []) if e.get("tag") == "action" for a in e["actions"]]

    def image_keys(self) -> list[str]:
        return [e["img_key"] for e in self.content.get("elements", []) if e.get("tag") == "img"]


def _ok(data: Any = None, **extra: Any) -> web.Response:
    return web.json_response({"code": 0, "msg": "success", "data": data if data is not None else {}, **extra})


def _err(code: int, msg: str, status: int = 400, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"code": code, "msg": msg}, status=status, headers=headers)


class FakeFeishu:
    def __init__(self, *, patch_limit_per_s: int = 5, update_window_s: float = 14 * 86400) -> None:
        self.patch_limit_per_s = patch_limit_per_s
        self.update_window_s = update_window_s
        self.ids = itertools.count(1)
        self.messages: dict[str, FeishuMessage] = {}
        self.images: dict[str, bytes] = {}
        self.user_files: dict[str, bytes] = {}
        self.requests: list[dict[str, Any]] = []
        self.sockets: list[web.WebSocketResponse] = []
        self.acks: dict[str, dict[str, Any]] = {}
        self.rate_limited = 0
        self.fail_patches = False
        self._patches: dict[str, deque[float]] = defaultdict(deque)
        self.runner: web.AppRunner | None = None
        self.url = ""
        self.connections = 0  # long connections accepted so far

    async def start(self) -> str:
        app = web.Application(client_max_size=64 * 1024 * 1024, middlewares=[self._record])
        r = app.router
        r.add_post("/open-apis/auth/v3/tenant_access_token/internal", self._token)
        r.add_post("/open-apis/auth/v3/app_access_token/internal", self._token)
        r.add_get("/open-apis/bot/v3/info", self._bot_info)
        r.add_post("/open-apis/im/v1/messages", self._create)
        r.add_post("/open-apis/im/v1/messages/{mid}/reply", self._reply)
        r.add_patch("/open-apis/im/v1/messages/{mid}", self._patch)
        r.add_post("/open-apis/im/v1/images", self._image)
        r.add_post("/open-apis/im/v1/files", self._file)
        r.add_get("/open-apis/im/v1/messages/{mid}/resources/{key}", self._resource)
        r.add_post("/callback/ws/endpoint", self._endpoint)
        r.add_get("/ws", self._ws)
        self.runner, self.url = await serve_loopback(app)
        return self.url

    async def close(self) -> None:
        for ws in list(self.sockets):
            await ws.close()
        if self.runner:
            await self.runner.cleanup()

    # lark-oapi makes some blocking calls (the tenant token, the long-connection endpoint): the fake
    # runs on its own thread and loop, like a remote server, so those calls cannot deadlock the bot.
    def start_in_thread(self) -> str:
        import asyncio
        import threading

        self.loop = asyncio.new_event_loop()
        started = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self.loop)
            self.loop.run_until_complete(self.start())
            started.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=run, name="fake-feishu", daemon=True)
        self.thread.start()
        started.wait(10)
        return self.url

    def call(self, coro: Any) -> Any:
        """Run a coroutine on the fake's loop (from the test's loop) and wait for it."""
        import asyncio

        return asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self.loop))

    def stop_thread(self) -> None:
        import asyncio

        asyncio.run_coroutine_threadsafe(self.close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    @web.middleware
    async def _record(self, request: web.Request, handler: Any) -> web.StreamResponse:
        entry = {"method": request.method, "path": request.path, "query": dict(request.query), "at": time.monotonic(),
                 "auth": request.headers.get("Authorization", "")}
        self.requests.append(entry)
        if request.path.startswith("/open-apis/im/") and entry["auth"] != "Bearer t-fake-tenant-token":
            entry["status"] = 401
            return _err(99991663, "Invalid access token for authorization", 401)
        response = await handler(request)
        entry["status"] = response.status
        return response

    # ── REST ─────────────────────────────────────────────────────────────────────────────────
    async def _token(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("app_id") != APP_ID or body.get("app_secret") != APP_SECRET:
            return web.json_response({"code": 10014, "msg": "app secret invalid"})
        return web.json_response({"code": 0, "msg": "ok", "tenant_access_token": "t-fake-tenant-token",
                                  "app_access_token": "a-fake", "expire": 7200})

    async def _bot_info(self, _request: web.Request) -> web.Response:
        return web.json_response({"code": 0, "msg": "ok", "bot": {"open_id": BOT_OPEN_ID, "app_name": "IMA bot", "activate_status": 2}})

    def _check_card(self, msg_type: str, content: str) -> web.Response | dict[str, Any]:
        try:
            parsed = json.loads(content)
        except ValueError:
            return _err(230001, "invalid content")
        if msg_type == "interactive":
            if len(content.encode()) > 30 * 1024:
                return _err(230025, "card content exceeds 30KB")
            if not parsed.get("config", {}).get("update_multi"):
                return _err(230099, "card must be shared (update_multi) to be updated")
        return parsed

    def _new(self, chat_id: str, msg_type: str, content: dict[str, Any], parent: str | None, thread: bool) -> FeishuMessage:
        message = FeishuMessage(f"om_{next(self.ids):06d}", chat_id, msg_type, content, parent, thread)
        message.history.append({"content": content, "at": time.monotonic()})
        self.messages[message.message_id] = message
        return message

    @staticmethod
    def _obj(message: FeishuMessage) -> dict[str, Any]:
        return {"message_id": message.message_id, "chat_id": message.chat_id, "msg_type": message.msg_type,
                "create_time": str(int(message.created * 1000)), "parent_id": message.parent_id or "",
                "body": {"content": json.dumps(message.content, ensure_ascii=False)}, "sender": {"id": APP_ID, "sender_type": "app"}}

    async def _create(self, request: web.Request) -> web.Response:
        body = await request.json()
        checked = self._check_card(body.get("msg_type", ""), body.get("content", ""))
        if isinstance(checked, web.Response):
            return checked
        message = self._new(body["receive_id"], body["msg_type"], checked, None, False)
        return _ok(self._obj(message))

    async def _reply(self, request: web.Request) -> web.Response:
        body = await request.json()
        parent = self.messages.get(request.match_info["mid"])
        if parent is None:
            return _err(230011, "the message to reply to does not exist")
        checked = self._check_card(body.get("msg_type", ""), body.get("content", ""))
        if isinstance(checked, web.Response):
            return checked
        message = self._new(parent.chat_id, body["msg_type"], checked, parent.message_id, bool(body.get("reply_in_thread")))
        return _ok(self._obj(message))

    async def _patch(self, request: web.Request) -> web.Response:
        message = self.messages.get(request.match_info["mid"])
        if message is None:
            return _err(230011, "message not found")
        if self.fail_patches:
            return _err(230031, "this message can no longer be updated", 400)
        if time.time() - message.created > self.update_window_s:
            return _err(230031, "message can only be updated within 14 days")
        now = time.monotonic()
        window = self._patches[message.message_id]
        while window and now - window[0] > 1.0:
            window.popleft()
        if len(window) >= self.patch_limit_per_s:
            self.rate_limited += 1
            return _err(99991400, "request trigger frequency limit", 429, {"x-ogw-ratelimit-reset": "1"})
        window.append(now)
        body = await request.json()
        checked = self._check_card("interactive", body.get("content", ""))
        if isinstance(checked, web.Response):
            return checked
        message.content = checked
        message.history.append({"content": checked, "at": now})
        return _ok()

    async def _image(self, request: web.Request) -> web.Response:
        reader = await request.multipart()
        data = b""
        async for part in reader:
            if part.name == "image":
                data = await part.read()
        if len(data) > 10 * 1024 * 1024:
            return _err(234006, "image too large")
        key = f"img_v3_{next(self.ids):04d}"
        self.images[key] = data
        return _ok({"image_key": key})

    async def _file(self, request: web.Request) -> web.Response:
        reader = await request.multipart()
        async for part in reader:
            await part.read()
        return _ok({"file_key": f"file_v3_{next(self.ids):04d}"})

    async def _resource(self, request: web.Request) -> web.Response:
        data = self.user_files.get(request.match_info["key"])
        if data is None:
            return _err(234003, "resource not found", 404)
        return web.Response(body=data, content_type="image/png")

    # ── long connection ──────────────────────────────────────────────────────────────────────
    async def _endpoint(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("AppID") != APP_ID or body.get("AppSecret") != APP_SECRET:
            return web.json_response({"code": 1000040343, "msg": "invalid app"})
        ws_url = self.url.replace("http://", "ws://") + "/ws?device_id=dev1&service_id=7"
        return web.json_response({"code": 0, "msg": "ok", "data": {"URL": ws_url, "ClientConfig": {
            "ReconnectCount": 3, "ReconnectInterval": 1, "ReconnectNonce": 0, "PingInterval": 30}}})

    async def _ws(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        self.connections += 1
        async for msg in ws:
            if msg.type != WSMsgType.BINARY:
                continue
            frame = Frame()
            frame.ParseFromString(msg.data)
            headers = {h.key: h.value for h in frame.headers}
            if frame.method == 0 and headers.get("type") == "ping":
                pong = Frame(SeqID=0, LogID=0, service=frame.service, method=0)
                pong.headers.add(key="type", value="pong")
                await ws.send_bytes(pong.SerializeToString())
            elif frame.method == 1:
                self.acks[headers.get("message_id", "")] = {"payload": json.loads(frame.payload or b"{}"), "headers": headers,
                                                           "at": time.monotonic()}
        self.sockets.remove(ws)
        return ws

    async def push(self, event: dict[str, Any]) -> str:
        """Push one event over the long connection as Feishu does; returns the frame's message id."""
        frame_id = f"msg_{next(self.ids)}"
        frame = Frame(SeqID=next(self.ids), LogID=0, service=7, method=1, payload=json.dumps(event).encode())
        for key, value in (("type", "event"), ("message_id", frame_id), ("trace_id", "trace"), ("sum", "1"), ("seq", "0")):
            frame.headers.add(key=key, value=value)
        for ws in list(self.sockets):
            await ws.send_bytes(frame.SerializeToString())
        return frame_id

    # ── what users do ────────────────────────────────────────────────────────────────────────
    def message_event(self, text: str = "", *, user: str = "ou_alice", chat_type: str = "group", mention_bot: bool = True,
                      image: bytes | None = None, message_id: str | None = None, event_id: str | None = None,
                      chat_id: str = "oc_group1", post_images: list[bytes] | None = None) -> dict[str, Any]:
        message_id = message_id or f"om_user_{next(self.ids):06d}"
        mentions = [{"key": "@_user_1", "id": {"open_id": BOT_OPEN_ID, "union_id": "on_bot", "user_id": ""}, "name": "IMA bot",
                     "tenant_key": TENANT}] if mention_bot else []
        if image is not None:
            key = f"img_user_{next(self.ids)}"
            self.user_files[key] = image
            message_type, content = "image", {"image_key": key}
        elif post_images:
            nodes: list[dict[str, Any]] = [{"tag": "at", "user_id": "@_user_1"}, {"tag": "text", "text": text}]
            for data in post_images:
                key = f"img_user_{next(self.ids)}"
                self.user_files[key] = data
                nodes.append({"tag": "img", "image_key": key})
            message_type, content = "post", {"title": "", "content": [nodes]}
        else:
            message_type, content = "text", {"text": ("@_user_1 " if mention_bot else "") + text}
        # the user's own message exists in the chat, so replies to it work
        self.messages.setdefault(message_id, FeishuMessage(message_id, chat_id, message_type, content))
        return {"schema": "2.0", "header": {"event_id": event_id or f"ev_{next(self.ids)}", "event_type": "im.message.receive_v1",
                                            "create_time": str(int(time.time() * 1000)), "token": "vtoken", "app_id": APP_ID,
                                            "tenant_key": TENANT},
                "event": {"sender": {"sender_id": {"open_id": user, "union_id": "on_" + user, "user_id": ""}, "sender_type": "user",
                                     "tenant_key": TENANT},
                          "message": {"message_id": message_id, "root_id": "", "parent_id": "", "create_time": str(int(time.time() * 1000)),
                                      "chat_id": chat_id, "chat_type": chat_type, "message_type": message_type,
                                      "content": json.dumps(content, ensure_ascii=False), "mentions": mentions}}}

    def card_action(self, message: FeishuMessage, button: dict[str, Any], *, user: str = "ou_alice") -> dict[str, Any]:
        return {"schema": "2.0", "header": {"event_id": f"ev_{next(self.ids)}", "event_type": "card.action.trigger", "token": "vtoken",
                                            "create_time": str(int(time.time() * 1000)), "app_id": APP_ID, "tenant_key": TENANT},
                "event": {"operator": {"open_id": user, "tenant_key": TENANT}, "token": "c-token",
                          "action": {"tag": "button", "value": button["value"]},
                          "context": {"open_message_id": message.message_id, "open_chat_id": message.chat_id}}}

    @staticmethod
    def sign_and_encrypt(event: dict[str, Any], encrypt_key: str, *, timestamp: int | None = None,
                         nonce: str | None = None) -> tuple[bytes, dict[str, str]]:
        """A webhook post exactly as Feishu builds it: AES-256-CBC body, sha256 signature headers."""
        key = hashlib.sha256(encrypt_key.encode()).digest()
        iv = os.urandom(16)
        plain = json.dumps(event).encode()
        pad = 16 - len(plain) % 16
        encrypted = base64.b64encode(iv + AES.new(key, AES.MODE_CBC, iv).encrypt(plain + bytes([pad]) * pad)).decode()
        body = json.dumps({"encrypt": encrypted}).encode()
        ts = str(timestamp if timestamp is not None else int(time.time()))
        nonce = nonce or os.urandom(8).hex()
        signature = hashlib.sha256((ts + nonce + encrypt_key).encode() + body).hexdigest()
        return body, {"X-Lark-Request-Timestamp": ts, "X-Lark-Request-Nonce": nonce, "X-Lark-Signature": signature,
                      "Content-Type": "application/json"}

    def replies_to(self, message_id: str) -> list[FeishuMessage]:
        return [m for m in self.messages.values() if m.parent_id == message_id]

    def bot_messages(self) -> list[FeishuMessage]:
        return [m for m in self.messages.values() if m.message_id.startswith("om_0")]
