"""Feishu adapter: events in (long connection by default, signed webhook as the alternative), cards out.

A message addressed to the bot is kept in the core's inbox (core/inbox.py) before the SDK
acknowledges it (Feishu never pushes an acknowledged event again), then handled on the bot's loop
and marked answered; one left unanswered by a process that died is handed back here and answered
after the restart (or by another instance). Redeliveries are recognised by event id and by message
id, persisted, and a task records the message that started it, so a message never creates two tasks
even across a restart. The status card is a reply to the user's message, patched in place; if a patch fails,
the outcome goes out as a new card, and if even that fails, as plain text. Finished videos and
music also arrive as Feishu media / file messages (≤ 30 MB; larger ones stay links on the card).
Everything that leans on lark-oapi internals lives in :mod:`.sdk`.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import io
import json
import logging
import random
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from typing import Any

import lark_oapi as lark
from aiohttp import web
from lark_oapi.api.im.v1 import (
    CreateFileRequest,
    CreateFileRequestBody,
    CreateImageRequest,
    CreateImageRequestBody,
    CreateMessageRequest,
    CreateMessageRequestBody,
    GetMessageResourceRequest,
    PatchMessageRequest,
    PatchMessageRequestBody,
    ReplyMessageRequest,
    ReplyMessageRequestBody,
)
from lark_oapi.event.callback.model.p2_card_action_trigger import (
    P2CardActionTrigger,
    P2CardActionTriggerResponse,
)

from core.contracts import Attachment, ChannelError, ChatEvent
from core.service import CoreService
from core.views import View

from . import sdk
from .cards import card, plain_text

log = logging.getLogger(__name__)

PLATFORM = "feishu"
IMAGE_LIMIT = 10 * 1024 * 1024  # "上传图片": at most 10 MB, never empty
FILE_LIMIT = 30 * 1024 * 1024  # "上传文件": at most 30 MB, never empty
RATE_LIMITED = 99991400  # API frequency limit; wait x-ogw-ratelimit-reset seconds
MESSAGE_PATCH_LIMITED = 230020  # this one message is updated too often (5 a second)
REFUSED = b'{"msg":"request refused"}'
NOT_AN_EVENT = b'{"msg":"not a Feishu event"}'
BODY_TIMEOUT_S = 10.0
# The longest a new message waits for a rate limit to pass before giving up. Feishu counts the send-message
# calls of an app per second (50) and per minute (1,000): a burst that spends the minute's quota is told to
# wait up to a minute, and a first reply given up sooner left that user's message unanswered.
MAX_POST_WAIT_S = 75.0
# How long the SDK's thread waits for a message to be kept before acknowledging it: inside Feishu's 3 s
# (as a card action's answer). A store slower than that, or failing, does not lose the message: it is
# answered from memory, and /healthz says the inbox is failing.
INBOX_WAIT_S = 2.5


class FeishuPlatform:
    name = PLATFORM

    def __init__(self, api: lark.Client, core: CoreService, connected: Callable[[], bool]) -> None:
        self.api = api
        self.core = core
        self._connected = connected
        # result URLs already sent as media (≤ 1,024 kept)
        self.delivered: OrderedDict[str, None] = OrderedDict()
        self.deliveries: set[asyncio.Task[None]] = set()  # media messages on their way

    def connected(self) -> bool:
        return self._connected()

    def channel(self, route: Mapping[str, Any]) -> FeishuChannel:
        return FeishuChannel(self, dict(route))

    def first_media_delivery(self, url: str) -> bool:
        if url in self.delivered:
            return False
        self.delivered[url] = None
        while len(self.delivered) > 1024:
            self.delivered.popitem(last=False)
        return True


def _header(response: Any, name: str) -> str | None:
    headers = getattr(getattr(response, "raw", None), "headers", None) or {}
    return next((v for k, v in headers.items() if k.lower() == name), None)


def _reset_s(response: Any) -> float:
    """Seconds Feishu asks us to wait after 99991400 (``x-ogw-ratelimit-reset``), 1 s if it did not say."""
    try:
        return max(0.1, float(_header(response, "x-ogw-ratelimit-reset") or 1.0))
    except ValueError:
        return 1.0


class FeishuChannel:
    min_edit_interval_s = 0.5  # Feishu allows 5 updates a second per message; stay well inside

    def __init__(self, platform: FeishuPlatform, route: dict[str, Any]) -> None:
        self.platform = platform
        self.route = route

    async def _option(self) -> lark.RequestOption:
        return await sdk.request_option(self.platform.api)

    async def _card_json(self, view: View) -> str:
        keys = []
        for item in view.media:
            if item.kind != "image":
                continue
            key = await self._upload_image(item.url)
            if key:
                keys.append(key)
        return json.dumps(card(view, keys), ensure_ascii=False)

    async def _upload_image(self, url: str) -> str | None:
        try:
            data = await self.platform.core.fetch_bytes(url)
        except Exception:
            return None
        if not data or len(data) > IMAGE_LIMIT:
            return None  # empty or above Feishu's image limit: the card keeps the link
        request = CreateImageRequest.builder().request_body(
            CreateImageRequestBody.builder().image_type("message").image(io.BytesIO(data)).build()).build()
        try:
            response = await self.platform.api.im.v1.image.acreate(request, await self._option())
        except Exception:
            return None
        return response.data.image_key if response.success() and response.data else None

    async def _upload_file(self, data: bytes, file_type: str, name: str) -> str | None:
        request = CreateFileRequest.builder().request_body(
            CreateFileRequestBody.builder().file_type(file_type).file_name(name).file(io.BytesIO(data)).build()).build()
        try:
            response = await self.platform.api.im.v1.file.acreate(request, await self._option())
        except Exception:
            return None
        return response.data.file_key if response.success() and response.data else None

    def _deliver_media_later(self, view: View) -> None:
        """Start sending the media messages without holding up the result card (and the task's end)."""
        if not view.final or not any(item.kind in ("video", "audio") for item in view.media):
            return
        task = asyncio.get_running_loop().create_task(self._deliver_media_safely(view))
        self.platform.deliveries.add(task)
        task.add_done_callback(self.platform.deliveries.discard)

    async def _deliver_media_safely(self, view: View) -> None:
        try:
            await self._deliver_media(view)
        except Exception:  # the card already carries the links: log, never lose the task over it
            log.exception("sending a result as a Feishu media message failed")

    async def _deliver_media(self, view: View) -> None:
        """A finished video or song as Feishu's own player (media / file message), once per result."""
        for index, item in enumerate(view.media):
            if item.kind not in ("video", "audio") or not self.platform.first_media_delivery(item.url):
                continue
            try:
                data = await self.platform.core.fetch_bytes(item.url)
            except Exception:
                continue
            if not data or len(data) > FILE_LIMIT:
                continue  # the card's link is the way to it
            if item.kind == "video":
                key = await self._upload_file(data, "mp4", f"result-{index + 1}.mp4")
                content: dict[str, str] = {"file_key": key} if key else {}
                cover = await self._upload_image(item.cover) if key and item.cover else None
                if cover:
                    content["image_key"] = cover
                msg_type = "media"
            else:
                opus = item.url.lower().split("?")[0].endswith(".opus")
                suffix = "opus" if opus else (item.url.split("?")[0].rsplit(".", 1)[-1][:4] or "mp3")
                name = f"result-{index + 1}.{suffix}"
                key = await self._upload_file(data, "opus" if opus else "stream", name)
                content, msg_type = ({"file_key": key} if key else {}), ("audio" if opus else "file")
            if content:
                await self._post(msg_type, json.dumps(content))

    async def _post(self, msg_type: str, content: str) -> Any:
        """A reply to the user's message when there is one, else a new message in the chat.

        A new message has no later edit to catch up with: when Feishu answers 99991400, wait the
        x-ogw-ratelimit-reset it names and post again, for up to MAX_POST_WAIT_S in all. Not a fixed
        number of tries: several instances of one app share its 50-a-second limit in a burst, and a
        card given up after three quick refusals became a plain-text message outside the user's
        thread, with no buttons. A little jitter keeps instances from retrying in step.
        """
        waited = 0.0
        while True:
            response = await self._post_once(msg_type, content)
            if response.success() or response.code != RATE_LIMITED or waited >= MAX_POST_WAIT_S:
                return response
            pause = min(MAX_POST_WAIT_S - waited, _reset_s(response)) + random.uniform(0.0, 0.2)
            await asyncio.sleep(pause)
            waited += pause

    async def _post_once(self, msg_type: str, content: str) -> Any:
        reply_to = self.route.get("reply_to")
        if not reply_to:
            return await self._create(msg_type, content)
        body = ReplyMessageRequestBody.builder().msg_type(msg_type).content(content)
        if self.route.get("thread"):
            body = body.reply_in_thread(True)
        return await self.platform.api.im.v1.message.areply(
            ReplyMessageRequest.builder().message_id(reply_to).request_body(body.build()).build(),
            await self._option())

    async def send(self, view: View) -> str:
        try:
            return await self._send(view)
        except ChannelError:
            raise
        except Exception as exc:  # the SDK raises plain network errors
            raise ChannelError(f"send failed ({type(exc).__name__})") from exc

    async def _send(self, view: View) -> str:
        response = await self._post("interactive", await self._card_json(view))
        if not response.success():
            # the card could not be posted: the outcome must still reach the user, as plain text
            text = await self._create("text", json.dumps({"text": plain_text(view)}, ensure_ascii=False))
            if not text.success():
                raise ChannelError(f"send failed ({response.code})")
            message_id: str = text.data.message_id
        else:
            message_id = response.data.message_id
        self._deliver_media_later(view)
        return message_id

    async def _create(self, msg_type: str, content: str) -> Any:
        request = CreateMessageRequest.builder().receive_id_type("chat_id").request_body(
            CreateMessageRequestBody.builder().receive_id(self.route["chat_id"]).msg_type(msg_type).content(content).build()).build()
        return await self.platform.api.im.v1.message.acreate(request, await self._option())

    async def edit(self, ref: str, view: View) -> None:
        request = PatchMessageRequest.builder().message_id(ref).request_body(
            PatchMessageRequestBody.builder().content(await self._card_json(view)).build()).build()
        try:
            response = await self.platform.api.im.v1.message.apatch(request, await self._option())
        except Exception as exc:
            raise ChannelError(f"patch failed ({type(exc).__name__})") from exc
        if response.success():
            self._deliver_media_later(view)
            return
        # Feishu says how long to wait; waiting less only earns another refusal
        if response.code == RATE_LIMITED:
            raise ChannelError(f"patch failed ({response.code})", retry_after_s=_reset_s(response))
        if response.code == MESSAGE_PATCH_LIMITED:
            # this card is updated too often: slow down its updates for good, not just this once
            self.min_edit_interval_s = max(1.0, self.min_edit_interval_s * 2)
            raise ChannelError(f"patch failed ({response.code})", retry_after_s=self.min_edit_interval_s)
        raise ChannelError(f"patch failed ({response.code})", gone=True)


def _text_of(message_type: str, content: str, mention_keys: list[str]) -> tuple[str, list[str]]:
    """(text, image keys) of a text, post or image message, with @-mention placeholders removed."""
    try:
        data = json.loads(content or "{}")
    except ValueError:
        return "", []
    images: list[str] = []
    if message_type == "text":
        text = str(data.get("text", ""))
    elif message_type == "image":
        text, images = "", [data.get("image_key", "")]
    elif message_type == "post":
        body: list[Any] = (
            data.get("content")
            or next((v.get("content") for v in data.values() if isinstance(v, dict)), [])
            or []
        )
        words = [str(data.get("title") or "")]
        for paragraph in body:
            for node in paragraph if isinstance(paragraph, list) else []:
                if node.get("tag") == "text":
                    words.append(str(node.get("text", "")))
                elif node.get("tag") == "img":
                    images.append(node.get("image_key", ""))
        text = " ".join(w for w in words if w)
    else:
        text = ""
    for key in mention_keys:
        text = text.replace(key, " ")
    return " ".join(text.split()), [k for k in images if k]


class FeishuAdapter:
    """Receives Feishu events and hands them to the core; owns the long connection thread."""

    def __init__(self, core: CoreService, *, app_id: str, app_secret: str, domain: str,
                 bot_open_id: str | None = None,
                 group_needs_mention: bool = True, encrypt_key: str = "", verification_token: str = "",
                 admin_ids: list[str] | None = None) -> None:
        self.core = core
        self.app_id, self.app_secret, self.domain = app_id, app_secret, domain
        self.api = sdk.build_api(app_id, app_secret, domain)
        self.platform = FeishuPlatform(self.api, core, self.connected)
        core.add_platform(self.platform)
        self.bot_open_id = bot_open_id
        self.group_needs_mention = group_needs_mention
        self.admin_ids = set(admin_ids or [])
        self.encrypt_key, self.verification_token = encrypt_key, verification_token
        self.loop: asyncio.AbstractEventLoop | None = None
        self._ws_thread: threading.Thread | None = None
        self._ws_loop: asyncio.AbstractEventLoop | None = None
        self._ws_client: lark.ws.Client | None = None
        self.inflight: set[Future[Any]] = set()
        self.handler = (lark.EventDispatcherHandler.builder(encrypt_key, verification_token)
                        .register_p2_im_message_receive_v1(self._on_message_event)
                        .register_p2_card_action_trigger(self._on_card_action)
                        .build())

    async def start(self, long_connection: bool = True) -> None:
        self.loop = asyncio.get_running_loop()
        if self.bot_open_id is None:
            self.bot_open_id = await self._fetch_bot_open_id()
        self.core.inbox.register(PLATFORM, self._replay)  # what a dead process left, once the core runs
        if long_connection:
            self._ws_thread = threading.Thread(target=self._run_long_connection, name="feishu-ws",
                                               daemon=True)
            self._ws_thread.start()

    async def _fetch_bot_open_id(self) -> str | None:
        request = lark.BaseRequest.builder().http_method(lark.HttpMethod.GET).uri("/open-apis/bot/v3/info") \
            .token_types({lark.AccessTokenType.TENANT}).build()
        response = await self.api.arequest(request, await sdk.request_option(self.api))
        try:
            return json.loads(response.raw.content)["bot"]["open_id"]
        except (ValueError, KeyError, TypeError, AttributeError):
            log.warning("could not read the bot's open_id; group messages need it to see mentions")
            return None

    def _run_long_connection(self) -> None:
        """The SDK's long connection, on this thread's own loop; a failure is logged, never raised out of
        the thread."""
        self._ws_loop = asyncio.new_event_loop()
        client = lark.ws.Client(self.app_id, self.app_secret, event_handler=self.handler, domain=self.domain,
                                log_level=lark.LogLevel.WARNING)
        self._ws_client = client
        try:
            sdk.run_long_connection(client, self._ws_loop)
        except Exception:
            log.exception("the Feishu long connection stopped")

    def connected(self) -> bool:
        return self._ws_thread is None or (self._ws_thread.is_alive() and sdk.is_connected(self._ws_client))

    async def close(self) -> None:
        if self._ws_loop is not None and not self._ws_loop.is_closed():
            try:
                asyncio.run_coroutine_threadsafe(sdk.stop(self._ws_client), self._ws_loop)
            except RuntimeError:
                pass  # the loop closed meanwhile: the thread is ending on its own
        if self._ws_thread is not None:
            await asyncio.get_running_loop().run_in_executor(None, self._ws_thread.join, 5)
        for future in list(self.inflight):
            await asyncio.wrap_future(future)
        await asyncio.gather(*self.platform.deliveries, return_exceptions=True)

    # ── from the SDK's thread to the bot's loop ──────────────────────────────────────────────
    def _submit(self, coro: Any) -> Future[Any]:
        assert self.loop is not None
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        self.inflight.add(future)
        future.add_done_callback(self.inflight.discard)
        return future

    def _on_message_event(self, data: Any) -> None:
        """Called by the SDK (long connection or webhook), which acknowledges the event when this returns:
        returns once the message is kept (or after INBOX_WAIT_S); the answer is worked on in the
        background."""
        try:
            raw = json.loads(sdk.marshal(data))
        except Exception:
            log.warning("unreadable Feishu event")
            return
        kept = threading.Event()
        self._submit(self._receive(raw, kept))
        if not kept.wait(INBOX_WAIT_S + 0.2):
            log.error("a Feishu message was not kept in time; it is answered from memory")

    def _on_card_action(self, data: P2CardActionTrigger) -> P2CardActionTriggerResponse:
        try:
            raw = json.loads(sdk.marshal(data))
            future = self._submit(self.handle_card_action(raw))
            toast = future.result(timeout=2.5)
        except Exception:
            log.exception("card action failed")
            toast = None
        return P2CardActionTriggerResponse({"toast": toast} if toast else {})

    # ── events, on the bot's loop ────────────────────────────────────────────────────────────
    def _addressed(self, raw: dict[str, Any]) -> tuple[str, str] | None:
        """(message id, sender) of a person's message to the bot (a direct message, or a group message
        that mentions it when it must); None for anything else, which is neither kept nor answered."""
        event = raw.get("event") or {}
        message = event.get("message") or {}
        sender = (event.get("sender") or {}).get("sender_id") or {}
        message_id, user_id = message.get("message_id"), sender.get("open_id")
        if not message_id or not user_id or (event.get("sender") or {}).get("sender_type") == "app":
            return None
        mentions = message.get("mentions") or []
        direct = message.get("chat_type") == "p2p"
        mentioned = any((m.get("id") or {}).get("open_id") == self.bot_open_id for m in mentions)
        if not direct and self.group_needs_mention and not mentioned:
            return None
        return str(message_id), str(user_id)

    async def _receive(self, raw: dict[str, Any], kept: threading.Event) -> None:
        """Keep the message (the SDK's thread waits for ``kept`` before acknowledging it), then answer it."""
        try:
            addressed = self._addressed(raw)
            new = addressed is not None and await self.core.inbox.keep(PLATFORM, *addressed, raw,
                                                                       INBOX_WAIT_S)
        finally:
            kept.set()
        if addressed is not None and new:  # not new: kept already, answered by whoever has it
            await self._answer(raw, addressed[0])

    def _replay(self, message_id: str, raw: dict[str, Any], late: bool) -> None:
        """A kept message nobody answered (its process died): answered now, on the bot's loop."""
        self._submit(self.core.inbox.answer(
            PLATFORM, message_id, lambda: self.handle_message(raw, replay=True, late=late), replay=True))

    async def _answer(self, raw: dict[str, Any], message_id: str) -> None:
        await self.core.inbox.answer(PLATFORM, message_id, lambda: self.handle_message(raw))

    async def handle_message(self, raw: dict[str, Any], replay: bool = False, late: bool = False) -> None:
        """Answer a message. ``replay``: one kept in the inbox and claimed for this process, whose
        deliveries its dead process had already claimed (so they are not asked again); ``late``: see
        ChatEvent.late."""
        addressed = self._addressed(raw)
        if addressed is None:
            return
        message_id, user_id = addressed
        message = (raw.get("event") or {}).get("message") or {}
        event_id = (raw.get("header") or {}).get("event_id")
        if not replay:
            if event_id and not await self.core.first_delivery(PLATFORM, f"e:{event_id}"):
                return
            if not await self.core.first_delivery(PLATFORM, f"m:{message_id}"):
                return
        mentions = message.get("mentions") or []
        text, image_keys = _text_of(message.get("message_type", ""), message.get("content", ""),
                                    [m.get("key", "") for m in mentions])
        attachments = []
        for key in image_keys[:4]:
            data = await self._download(message_id, key)
            if data is not None:
                attachments.append(Attachment(f"{key}.png", data))
        route = {"chat_id": message.get("chat_id"), "reply_to": message_id,
                 "thread": bool(message.get("thread_id"))}
        await self.core.handle(ChatEvent(
            platform=PLATFORM, user_id=user_id, chat_id=str(message.get("chat_id")), text=text,
            route=route, attachments=tuple(attachments), guild_id=(raw.get("header") or {}).get("tenant_key"),
            is_admin=user_id in self.admin_ids, source=message_id, late=late,
            direct=message.get("chat_type") == "p2p"))

    async def _download(self, message_id: str, key: str) -> bytes | None:
        request = (
            GetMessageResourceRequest.builder().message_id(message_id).file_key(key).type("image").build()
        )
        try:
            response = await self.api.im.v1.message_resource.aget(request, await sdk.request_option(self.api))
        except Exception:
            return None
        if not response.success() or response.file is None:
            return None
        return response.file.read()

    async def handle_card_action(self, raw: dict[str, Any]) -> dict[str, str] | None:
        event = raw.get("event") or {}
        value = (event.get("action") or {}).get("value") or {}
        operator = (event.get("operator") or {}).get("open_id")
        context = event.get("context") or {}
        kind, ref = str(value.get("kind", "")), str(value.get("ref", ""))
        if not operator or not kind:
            return None
        route = {"chat_id": context.get("open_chat_id"), "reply_to": context.get("open_message_id")}
        chat_event = ChatEvent(platform=PLATFORM, user_id=operator, chat_id=str(context.get("open_chat_id")),
                               text="", route=route)
        denied = await self.core.refusal(chat_event, kind, ref)
        if denied is not None:
            return {"type": "error", "content": denied.title}
        self._submit(self.core.press(chat_event, kind, ref))  # the core replies through the chat's channel
        return {"type": "info", "content": "✓"}

    # ── webhook alternative ──────────────────────────────────────────────────────────────────
    def webhook_app(self) -> web.Application:
        """``POST /feishu/events``, for Feishu apps configured to push events to a URL."""

        async def events(request: web.Request) -> web.Response:
            try:
                # a body sent slowly holds nothing for long
                raw = await asyncio.wait_for(request.read(), BODY_TIMEOUT_S)
            except TimeoutError:
                return web.Response(status=408, body=b'{"msg":"too slow"}', content_type="application/json")
            status, body = await self.handle_webhook(raw, request.headers)
            return web.Response(status=status, body=body, content_type="application/json")

        app = web.Application()
        app.router.add_post("/feishu/events", events)
        return app

    async def handle_webhook(self, body: bytes, headers: Mapping[str, str],
                             max_age_s: float = 300) -> tuple[int, bytes]:
        """Verify (signature, freshness, nonce once), decrypt and dispatch one webhook call.

        Without an encrypt key, Feishu signs nothing: the verification token in the body is then the
        only proof a call comes from Feishu, so it is checked here, before the SDK sees the body.
        """
        if not self.encrypt_key and self.verification_token:
            try:
                data = json.loads(body)
                token = str((data.get("header") or {}).get("token") or data.get("token") or "")
            except (ValueError, AttributeError):
                return 400, b'{"msg":"unreadable request"}'
            if not hmac.compare_digest(token.encode(), self.verification_token.encode()):
                return 401, b'{"msg":"bad verification token"}'
        refused = self._refuse_unreadable(body)
        if refused is not None:
            return refused
        timestamp = headers.get("X-Lark-Request-Timestamp", "")
        nonce = headers.get("X-Lark-Request-Nonce", "")
        is_challenge = b"url_verification" in body or (
            self.encrypt_key and headers.get("X-Lark-Signature") is None
        )
        if not is_challenge:
            try:
                fresh = abs(time.time() - int(timestamp)) <= max_age_s
            except ValueError:
                fresh = False
            if self.encrypt_key:
                expected = hashlib.sha256((timestamp + nonce + self.encrypt_key).encode() + body).hexdigest()
                if not hmac.compare_digest(expected, headers.get("X-Lark-Signature", "")):
                    return 401, b'{"msg":"bad signature"}'  # refused before the SDK (and its logs) see it
            if not fresh or not nonce or not await self.core.first_delivery(PLATFORM, f"n:{nonce}"):
                return 401, b'{"msg":"stale or replayed request"}'
        request = lark.RawRequest()
        request.uri = "/feishu/events"
        request.body = body
        request.headers = dict(headers)
        response = await asyncio.get_running_loop().run_in_executor(None, self.handler.do, request)
        if response.status_code >= 400:  # the SDK's answer carries its exception text: say nothing internal
            return 401, REFUSED
        return response.status_code, response.content or b""

    def _refuse_unreadable(self, body: bytes) -> tuple[int, bytes] | None:
        """400 for a body that is no Feishu event, 401 for a wrong verification token, before the SDK sees it.

        The SDK answers those with HTTP 500, its exception text and a traceback in the log.
        """
        from lark_oapi.core.utils.decryptor import AESCipher

        try:
            data = json.loads(body)
            sealed = isinstance(data, dict) and "encrypt" in data
            if self.encrypt_key and sealed:
                data = json.loads(AESCipher(self.encrypt_key).decrypt_str(str(data["encrypt"])))
        except Exception:  # whatever the cipher or the parser says about garbage, it is garbage
            return 400, NOT_AN_EVENT
        if not isinstance(data, dict) or (
            self.encrypt_key and not sealed and data.get("type") != "url_verification"
        ):
            return 400, NOT_AN_EVENT
        header = data.get("header")
        token = data.get("token") or (header.get("token") if isinstance(header, dict) else None)
        if self.verification_token and not hmac.compare_digest(str(token or "").encode(),
                                                               self.verification_token.encode()):
            return 401, REFUSED
        return None
