"""A fake Feishu on 127.0.0.1 that the real lark-oapi client talks to: REST, long connection, signed webhooks.

It refuses what Feishu refuses, with Feishu's codes where its open-platform docs give them:

- Rate limits ("频控策略"): more than ``api_limit_per_s`` calls a second answer HTTP 429, code
  99991400, with ``x-ogw-ratelimit-reset`` (seconds to wait: ``ratelimit_reset_s``, or what is left of
  it); calls made before that reset are refused too and counted in ``ignored_resets``. A card
  patched more than 5 times a second ("单条消息更新频控为
  5 QPS") answers 230020.
- Tenant tokens expire after ``token_ttl_s`` (99991663 afterwards), so the SDK's refresh runs.
- Cards ("更新应用发送的消息卡片"): at most 30 KB, ``config.update_multi`` before and after a patch,
  only interactive messages can be patched, updatable for 14 days; unknown tags, an ``img`` without
  ``alt`` or with an image key never uploaded are refused. ``lark_md`` is rendered the way Feishu
  does: HTML entities decode, a backslash is just a backslash, ``<at id=all></at>`` pings everyone.
- Uploads ("上传图片", "上传文件"): images need ``image_type`` (message/avatar), not empty, ≤ 10 MB;
  files need a ``file_type`` of opus/mp4/pdf/doc/xls/ppt/stream and a ``file_name``, not empty,
  ≤ 30 MB. Media messages need an uploaded mp4, audio messages an uploaded opus.
- Long connection: events wait while no client is connected; the first connection is dropped once
  after its first ack (the SDK reconnects); an event whose ack comes later than ``ack_deadline_s``
  is pushed again, as Feishu does.

Codes the docs did not show us are marked "approximate" where they are used. It shares no code with
the bot (the protobuf ``Frame`` is the wire format's schema, taken from the SDK's generated module).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import html
import itertools
import json
import os
import random
import re
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

CARD_TAGS = {"div", "markdown", "hr", "img", "note", "action", "button", "plain_text", "lark_md",
             "column_set", "column", "select_static", "overflow", "date_picker", "option", "field"}
FILE_TYPES = {"opus", "mp4", "pdf", "doc", "xls", "ppt", "stream"}
IMAGE_LIMIT, FILE_LIMIT, CARD_LIMIT = 10 * 1024 * 1024, 30 * 1024 * 1024, 30 * 1024
_MD = [(re.compile(r"\*\*(.+?)\*\*"), r"\1"), (re.compile(r"\*(.+?)\*"), r"\1"),
       (re.compile(r"~~(.+?)~~"), r"\1"),
       (re.compile(r"\[([^\]]*)\]\(([^)]*)\)"), r"\1"), (re.compile(r"<at id=[^>]*></at>"), "@")]


def render_lark_md(content: str) -> str:
    """What a reader sees: markdown markers gone, entities decoded (after the markers, as Feishu does)."""
    for pattern, repl in _MD:
        content = pattern.sub(repl, content)
    return html.unescape(content)


class Refused(Exception):
    def __init__(self, code: int, msg: str, status: int = 400) -> None:
        super().__init__(msg)
        self.code, self.msg, self.status = code, msg, status


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
        """The card as a reader sees it (lark_md rendered)."""
        if self.msg_type == "text":
            return self.content.get("text", "")
        header = self.content.get("header", {}).get("title", {}).get("content", "")
        parts = [header]
        for element in self.content.get("elements", []):
            if element.get("tag") == "div":
                text = element["text"]
                parts.append(
                    render_lark_md(text["content"]) if text.get("tag") == "lark_md" else text["content"]
                )
        return "\n".join(parts)

    def pings_everyone(self) -> bool:
        return "<at id=all></at>" in json.dumps(self.content, ensure_ascii=False)

    def buttons(self) -> list[dict[str, Any]]:
        return [a for e in self.content.get("elements", []) if e.get("tag") == "action" for a in e["actions"]]

    def image_keys(self) -> list[str]:
        return [e["img_key"] for e in self.content.get("elements", []) if e.get("tag") == "img"]


def _ok(data: Any = None, **extra: Any) -> web.Response:
    return web.json_response({"code": 0, "msg": "success", "data": data if data is not None else {}, **extra})


def _err(code: int, msg: str, status: int = 400, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"code": code, "msg": msg}, status=status, headers=headers)


class FakeFeishu:
    def __init__(self, *, patch_limit_per_s: int = 5, update_window_s: float = 14 * 86400,
                 app_id: str = APP_ID, token_ttl_s: float = 7200.0) -> None:
        self.patch_limit_per_s = patch_limit_per_s
        self.update_window_s = update_window_s
        self.app_id = app_id
        self.token_ttl_s = token_ttl_s
        self.tokens_issued = 0
        self.api_limit_per_s = 50  # "1000 次/分钟、50 次/秒" for each im/v1 message and upload API
        self.ratelimit_reset_s = 1
        # per API (method + route), as Feishu counts
        self._calls: dict[str, deque[float]] = defaultdict(deque)
        self._blocked_until: dict[str, float] = defaultdict(float)
        self.ignored_resets = 0  # calls that came before the announced x-ogw-ratelimit-reset was over
        self.ids = itertools.count(1)
        self.rng = random.Random(7)  # which connection of a cluster gets an event: random, reproducibly
        self.messages: dict[str, FeishuMessage] = {}
        self.images: dict[str, bytes] = {}
        self.files: dict[str, dict[str, Any]] = {}  # file_key → {type, name, data}
        self.user_files: dict[str, bytes] = {}
        self.requests: list[dict[str, Any]] = []
        self.rejections: list[dict[str, Any]] = []
        self.sockets: list[web.WebSocketResponse] = []
        self.acks: dict[str, dict[str, Any]] = {}
        self.rate_limited = 0  # 99991400 answers
        self.patch_limited = 0  # 230020 answers
        self.fail_patches = False
        self._patches: dict[str, deque[float]] = defaultdict(deque)
        self.runner: web.AppRunner | None = None
        self.url = ""
        self.connections = 0  # long connections accepted so far
        self.drop_once = True  # drop the first long connection after its first ack
        self.dropped = 0
        self.ack_deadline_s = 3.0
        self.redelivered = 0
        self._queued: list[Frame] = []
        self._sent: dict[str, tuple[float, dict[str, Any]]] = {}  # frame message id → (sent at, event)

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
        self._redeliverer = asyncio.get_running_loop().create_task(self._redeliver_unacked())
        return self.url

    async def close(self) -> None:
        self._redeliverer.cancel()
        for ws in list(self.sockets):
            await ws.close()
        if self.runner:
            await self.runner.cleanup()

    async def _redeliver_unacked(self) -> None:
        """An event nobody acknowledged within the deadline is pushed again (once)."""
        while True:
            await asyncio.sleep(0.2)
            now = time.monotonic()
            for frame_id, (sent_at, event) in list(self._sent.items()):
                if now - sent_at > self.ack_deadline_s and not event.get("_redelivery"):
                    self._sent.pop(frame_id, None)
                    self.redelivered += 1
                    await self.push({**event, "_redelivery": True})

    # lark-oapi makes some blocking calls (the tenant token, the long-connection endpoint): the fake
    # runs on its own thread and loop, like a remote server, so those calls cannot deadlock the bot.
    def start_in_thread(self) -> str:
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
        return asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self.loop))

    def stop_thread(self) -> None:
        asyncio.run_coroutine_threadsafe(self.close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()

    def _refusal(self, request: web.Request, exc: Refused,
                 headers: dict[str, str] | None = None) -> web.Response:
        self.rejections.append({"path": request.path, "method": request.method, "code": exc.code,
                                "msg": exc.msg})
        return _err(exc.code, exc.msg, exc.status, headers)

    def _token_valid(self, auth: str) -> bool:
        match = re.fullmatch(r"Bearer t-fake-(\d+)", auth)
        return match is not None and time.time() * 1000 < int(match.group(1))

    @web.middleware
    async def _record(self, request: web.Request, handler: Any) -> web.StreamResponse:
        entry = {"method": request.method, "path": request.path, "query": dict(request.query),
                 "at": time.monotonic(), "auth": request.headers.get("Authorization", "")}
        self.requests.append(entry)
        if request.path.startswith("/open-apis/im/"):
            if not self._token_valid(entry["auth"]):
                entry["status"] = 401
                return self._refusal(request, Refused(99991663, "Invalid access token for authorization",
                                                      401))
            resource = request.match_info.route.resource
            api = f"{request.method} {resource.canonical if resource else request.path}"
            now = time.monotonic()
            calls = self._calls[api]
            if now < self._blocked_until[api]:
                self.ignored_resets += 1
            while calls and now - calls[0] > 1.0:
                calls.popleft()
            if len(calls) >= self.api_limit_per_s or now < self._blocked_until[api]:
                self.rate_limited += 1
                if len(calls) >= self.api_limit_per_s:  # over the limit: blocked for the reset time
                    self._blocked_until[api] = max(self._blocked_until[api], now + self.ratelimit_reset_s)
                # a call refused during a block is told how long is left; it does not make the block
                # longer (a window-counted limit: with several instances of one app retrying, a block
                # each early call prolonged would never end)
                left = f"{round(self._blocked_until[api] - now, 3):g}"
                entry["status"] = 429
                return self._refusal(request, Refused(99991400, "request trigger frequency limit", 429),
                                     {"x-ogw-ratelimit-limit": str(self.api_limit_per_s),
                                      "x-ogw-ratelimit-reset": left})
            calls.append(now)
        try:
            response = await handler(request)
        except Refused as exc:
            response = self._refusal(request, exc)
        entry["status"] = response.status
        return response

    # ── REST ─────────────────────────────────────────────────────────────────────────────────
    async def _token(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("app_id") != self.app_id or body.get("app_secret") != APP_SECRET:
            return web.json_response({"code": 10014, "msg": "app secret invalid"})
        self.tokens_issued += 1
        expires_ms = int((time.time() + self.token_ttl_s) * 1000)
        return web.json_response({"code": 0, "msg": "ok", "tenant_access_token": f"t-fake-{expires_ms}",
                                  "app_access_token": f"a-fake-{expires_ms}",
                                  "expire": int(self.token_ttl_s)})

    async def _bot_info(self, _request: web.Request) -> web.Response:
        return web.json_response({"code": 0, "msg": "ok",
                                  "bot": {"open_id": BOT_OPEN_ID, "app_name": "IMA bot",
                                          "activate_status": 2}})

    def _check_elements(self, elements: list[Any]) -> None:
        for element in elements:
            if not isinstance(element, dict):
                continue
            tag = element.get("tag")
            if tag is not None and tag not in CARD_TAGS:
                # code approximate
                raise Refused(230099, f"Failed to create card content, unknown tag: {tag}")
            if tag == "img":
                if not isinstance(element.get("alt"), dict):
                    # code approximate
                    raise Refused(230099, "Failed to create card content, img.alt is required")
                if element.get("img_key") not in self.images:
                    # code approximate
                    raise Refused(230099, "Failed to create card content, invalid image key")
            for value in element.values():
                if isinstance(value, dict):
                    self._check_elements([value])
                elif isinstance(value, list):
                    self._check_elements(value)

    def _check_content(self, msg_type: str, content: str) -> dict[str, Any]:
        try:
            parsed = json.loads(content)
        except ValueError as exc:
            raise Refused(230001, "invalid content") from exc
        if msg_type == "interactive":
            if len(content.encode()) > CARD_LIMIT:
                raise Refused(230025, "card content exceeds 30KB")
            if not parsed.get("config", {}).get("update_multi"):
                raise Refused(230099, "card must be shared (update_multi) to be updated")
            self._check_elements(parsed.get("elements", []))
            self._check_elements([parsed.get("header", {})])
        elif msg_type == "media":
            file = self.files.get(parsed.get("file_key", ""))
            if file is None or file["type"] != "mp4":
                raise Refused(230001, "media messages need an uploaded mp4 file_key")  # code approximate
            if "image_key" in parsed and parsed["image_key"] not in self.images:
                raise Refused(230001, "invalid image_key")
        elif msg_type == "audio":
            file = self.files.get(parsed.get("file_key", ""))
            if file is None or file["type"] != "opus":
                raise Refused(230001, "audio messages need an uploaded opus file_key")  # code approximate
        elif msg_type == "file":
            if parsed.get("file_key", "") not in self.files:
                raise Refused(230001, "invalid file_key")
        elif msg_type == "image":
            if parsed.get("image_key", "") not in self.images:
                raise Refused(230001, "invalid image_key")
        return parsed

    def _new(self, chat_id: str, msg_type: str, content: dict[str, Any], parent: str | None,
             thread: bool) -> FeishuMessage:
        message = FeishuMessage(f"om_{next(self.ids):06d}", chat_id, msg_type, content, parent, thread)
        message.history.append({"content": content, "at": time.monotonic()})
        self.messages[message.message_id] = message
        return message

    @staticmethod
    def _obj(message: FeishuMessage) -> dict[str, Any]:
        return {"message_id": message.message_id, "chat_id": message.chat_id, "msg_type": message.msg_type,
                "create_time": str(int(message.created * 1000)), "parent_id": message.parent_id or "",
                "body": {"content": json.dumps(message.content, ensure_ascii=False)},
                "sender": {"id": APP_ID, "sender_type": "app"}}

    async def _create(self, request: web.Request) -> web.Response:
        body = await request.json()
        checked = self._check_content(body.get("msg_type", ""), body.get("content", ""))
        message = self._new(body["receive_id"], body["msg_type"], checked, None, False)
        return _ok(self._obj(message))

    async def _reply(self, request: web.Request) -> web.Response:
        body = await request.json()
        parent = self.messages.get(request.match_info["mid"])
        if parent is None:
            return _err(230011, "the message to reply to does not exist")
        checked = self._check_content(body.get("msg_type", ""), body.get("content", ""))
        message = self._new(parent.chat_id, body["msg_type"], checked, parent.message_id,
                            bool(body.get("reply_in_thread")))
        return _ok(self._obj(message))

    async def _patch(self, request: web.Request) -> web.Response:
        message = self.messages.get(request.match_info["mid"])
        if message is None:
            return _err(230011, "message not found")
        if message.msg_type != "interactive":
            raise Refused(230001, "only cards (interactive messages) can be updated")  # code approximate
        if self.fail_patches:
            return _err(230031, "this message can no longer be updated", 400)
        if time.time() - message.created > self.update_window_s:
            return _err(230031, "message can only be updated within 14 days")
        now = time.monotonic()
        window = self._patches[message.message_id]
        while window and now - window[0] > 1.0:
            window.popleft()
        if len(window) >= self.patch_limit_per_s:
            self.patch_limited += 1
            raise Refused(230020, "This operation triggers the frequency limit of this message")
        window.append(now)
        body = await request.json()
        checked = self._check_content("interactive", body.get("content", ""))
        message.content = checked
        message.history.append({"content": checked, "at": now})
        return _ok()

    @staticmethod
    async def _form(request: web.Request) -> tuple[dict[str, str], dict[str, bytes]]:
        fields: dict[str, str] = {}
        blobs: dict[str, bytes] = {}
        reader = await request.multipart()
        async for part in reader:
            if part.filename is not None:
                blobs[part.name or ""] = await part.read()
            else:
                fields[part.name or ""] = await part.text()
        return fields, blobs

    async def _image(self, request: web.Request) -> web.Response:
        fields, blobs = await self._form(request)
        data = blobs.get("image", b"")
        if fields.get("image_type") not in ("message", "avatar"):
            raise Refused(234001, "Invalid request param: image_type")  # code approximate
        if not data:
            raise Refused(234001, "Invalid request param: the image is empty")  # code approximate
        if len(data) > IMAGE_LIMIT:
            return _err(234006, "image too large")
        key = f"img_v3_{next(self.ids):04d}"
        self.images[key] = data
        return _ok({"image_key": key})

    async def _file(self, request: web.Request) -> web.Response:
        fields, blobs = await self._form(request)
        data = blobs.get("file", b"")
        if fields.get("file_type") not in FILE_TYPES or not fields.get("file_name"):
            raise Refused(234001, "Invalid request param: file_type / file_name")  # code approximate
        if not data:
            raise Refused(234001, "Invalid request param: the file is empty")  # code approximate
        if len(data) > FILE_LIMIT:
            raise Refused(234006, "file size exceeds the limit")  # code approximate
        key = f"file_v3_{next(self.ids):04d}"
        self.files[key] = {"type": fields["file_type"], "name": fields["file_name"], "data": data}
        return _ok({"file_key": key})

    async def _resource(self, request: web.Request) -> web.Response:
        data = self.user_files.get(request.match_info["key"])
        if data is None:
            return _err(234003, "resource not found", 404)
        return web.Response(body=data, content_type="image/png")

    # ── long connection ──────────────────────────────────────────────────────────────────────
    async def _endpoint(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("AppID") != self.app_id or body.get("AppSecret") != APP_SECRET:
            return web.json_response({"code": 1000040343, "msg": "invalid app"})
        ws_url = self.url.replace("http://", "ws://") + "/ws?device_id=dev1&service_id=7"
        return web.json_response({"code": 0, "msg": "ok", "data": {"URL": ws_url, "ClientConfig": {
            "ReconnectCount": 3, "ReconnectInterval": 1, "ReconnectNonce": 0, "PingInterval": 30}}})

    async def _ws(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        self.connections += 1
        queued, self._queued = self._queued, []
        for frame in queued:  # what was pushed while nobody was connected
            await ws.send_bytes(frame.SerializeToString())
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
                dropping = self.drop_once and not self.dropped
                if dropping:  # Feishu drops long connections now and then; the SDK must reconnect
                    self.dropped += 1
                    self.sockets.remove(ws)  # what is pushed from now on waits for the new connection
                await self._acked(headers, frame.payload)
                if dropping:
                    break
        if ws in self.sockets:
            self.sockets.remove(ws)
        await ws.close()
        return ws

    async def _acked(self, headers: dict[str, str], payload: bytes) -> None:
        frame_id = headers.get("message_id", "")
        now = time.monotonic()
        self.acks[frame_id] = {"payload": json.loads(payload or b"{}"), "headers": headers, "at": now}
        sent = self._sent.pop(frame_id, None)
        if sent is not None and now - sent[0] > self.ack_deadline_s and not sent[1].get("_redelivery"):
            self.redelivered += 1  # the ack came too late: Feishu pushes the same event again
            await self.push({**sent[1], "_redelivery": True})

    async def push(self, event: dict[str, Any], *, to: int | None = None) -> str:
        """Push one event over the long connection as Feishu does; returns the frame's message id.

        With several connections of the same app (cluster mode) Feishu hands each event to ONE of
        them at random; ``to`` picks which (an index into the open connections) for a test that
        needs a given one, e.g. a redelivery reaching another instance.
        """
        frame_id = f"msg_{next(self.ids)}"
        body = {k: v for k, v in event.items() if k != "_redelivery"}
        frame = Frame(SeqID=next(self.ids), LogID=0, service=7, method=1, payload=json.dumps(body).encode())
        for key, value in (("type", "event"), ("message_id", frame_id), ("trace_id", "trace"), ("sum", "1"),
                           ("seq", "0")):
            frame.headers.add(key=key, value=value)
        self._sent[frame_id] = (time.monotonic(), event)
        open_sockets = [ws for ws in self.sockets if not ws.closed]
        if not open_sockets:
            self._queued.append(frame)
            return frame_id
        target = open_sockets[to % len(open_sockets)] if to is not None else self.rng.choice(open_sockets)
        await target.send_bytes(frame.SerializeToString())
        return frame_id

    # ── what users do ────────────────────────────────────────────────────────────────────────
    def message_event(self, text: str = "", *, user: str = "ou_alice", chat_type: str = "group",
                      mention_bot: bool = True,
                      image: bytes | None = None, message_id: str | None = None, event_id: str | None = None,
                      chat_id: str = "oc_group1", post_images: list[bytes] | None = None) -> dict[str, Any]:
        message_id = message_id or f"om_user_{next(self.ids):06d}"
        mentions = [{"key": "@_user_1", "id": {"open_id": BOT_OPEN_ID, "union_id": "on_bot", "user_id": ""},
                     "name": "IMA bot", "tenant_key": TENANT}] if mention_bot else []
        if image is not None:
            key = f"img_user_{next(self.ids)}"
            self.user_files[key] = image
            message_type, content = "image", {"image_key": key}
        elif post_images:
            nodes: list[dict[str, Any]] = [{"tag": "at", "user_id": "@_user_1"},
                                           {"tag": "text", "text": text}]
            for data in post_images:
                key = f"img_user_{next(self.ids)}"
                self.user_files[key] = data
                nodes.append({"tag": "img", "image_key": key})
            message_type, content = "post", {"title": "", "content": [nodes]}
        else:
            message_type, content = "text", {"text": ("@_user_1 " if mention_bot else "") + text}
        # the user's own message exists in the chat, so replies to it work
        self.messages.setdefault(message_id, FeishuMessage(message_id, chat_id, message_type, content))
        return {"schema": "2.0",
                "header": {"event_id": event_id or f"ev_{next(self.ids)}",
                           "event_type": "im.message.receive_v1",
                                            "create_time": str(int(time.time() * 1000)), "token": "vtoken",
                                            "app_id": APP_ID, "tenant_key": TENANT},
                "event": {"sender": {"sender_id": {"open_id": user, "union_id": "on_" + user, "user_id": ""},
                                     "sender_type": "user", "tenant_key": TENANT},
                          "message": {"message_id": message_id, "root_id": "", "parent_id": "",
                                      "create_time": str(int(time.time() * 1000)),
                                      "chat_id": chat_id, "chat_type": chat_type,
                                      "message_type": message_type,
                                      "content": json.dumps(content, ensure_ascii=False),
                                      "mentions": mentions}}}

    def card_action(self, message: FeishuMessage, button: dict[str, Any], *,
                    user: str = "ou_alice") -> dict[str, Any]:
        return {"schema": "2.0",
                "header": {"event_id": f"ev_{next(self.ids)}", "event_type": "card.action.trigger",
                           "token": "vtoken",
                                            "create_time": str(int(time.time() * 1000)), "app_id": APP_ID,
                                            "tenant_key": TENANT},
                "event": {"operator": {"open_id": user, "tenant_key": TENANT}, "token": "c-token",
                          "action": {"tag": "button", "value": button["value"]},
                          "context": {"open_message_id": message.message_id,
                                      "open_chat_id": message.chat_id}}}

    @staticmethod
    def sign_and_encrypt(event: dict[str, Any], encrypt_key: str, *, timestamp: int | None = None,
                         nonce: str | None = None) -> tuple[bytes, dict[str, str]]:
        """A webhook post exactly as Feishu builds it: AES-256-CBC body, sha256 signature headers."""
        key = hashlib.sha256(encrypt_key.encode()).digest()
        iv = os.urandom(16)
        plain = json.dumps(event).encode()
        pad = 16 - len(plain) % 16
        encrypted = base64.b64encode(iv + AES.new(key, AES.MODE_CBC,
                                                  iv).encrypt(plain + bytes([pad]) * pad)).decode()
        body = json.dumps({"encrypt": encrypted}).encode()
        ts = str(timestamp if timestamp is not None else int(time.time()))
        nonce = nonce or os.urandom(8).hex()
        signature = hashlib.sha256((ts + nonce + encrypt_key).encode() + body).hexdigest()
        return body, {"X-Lark-Request-Timestamp": ts, "X-Lark-Request-Nonce": nonce,
                      "X-Lark-Signature": signature, "Content-Type": "application/json"}

    def replies_to(self, message_id: str) -> list[FeishuMessage]:
        return [m for m in self.messages.values() if m.parent_id == message_id]

    def bot_messages(self) -> list[FeishuMessage]:
        return [m for m in self.messages.values() if m.message_id.startswith("om_0")]
