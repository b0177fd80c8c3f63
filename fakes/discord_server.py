"""A fake Discord on 127.0.0.1 that the real discord.py client talks to: gateway and REST.

It speaks enough of the protocol to run the bot unchanged (hello, identify, ready, heartbeats,
resume, dispatches; interaction callbacks, webhook edits, channel messages with attachments,
command sync) and refuses what Discord refuses, with Discord's status and JSON error codes
(developer docs: "Message Resource" embed limits, "Message Components", "Opcodes and Status Codes"):

- 400 / 50035 Invalid Form Body: content over 2,000 characters; more than 10 embeds; an embed's
  title over 256, description over 4,096, more than 25 fields, field name over 256 or value over
  1,024, footer over 2,048, author over 256, all embeds' text over 6,000; more than 5 action rows,
  more than 5 buttons in a row, a select menu sharing its row, a custom id used twice or over 100,
  a label over 80; at command sync a name that is not 1-32 lowercase letters, digits, - or _, or a
  description that is empty or over 100.
- 413 / 40005 Request entity too large: files over the limit that applies (the interaction's
  ``attachment_size_limit`` on the interaction token, the server's limit on the bot token).
- 401 / 50027 Invalid Webhook Token after the 15-minute interaction token, 404 / 10015 Unknown
  Webhook for a token never issued, or for a follow-up to an interaction not acknowledged yet;
  404 / 10062 Unknown interaction for an initial response after 3 s; 400 / 40060 "Interaction has
  already been acknowledged" for a second initial response; 404 / 10008 Unknown Message for a webhook
  edit of a message the interaction did not make; 403 / 50001 Missing Access for a channel the bot
  cannot see; 429 with ``retry_after`` for per-route edit rate limits.
- Interaction responses as Discord documents them ("Receiving and Responding"): the first follow-up
  after a deferred response ("thinking…") edits that response instead of posting a new message.
- Faults on demand for interaction callbacks (``callback_faults``, one per callback, in order): "5xx"
  answers 503 without doing anything, "expired" answers 404 / 10062 as for a token gone, "stall"
  does what was asked and holds its answer back (a response that times out on the way back).
- Sharding as Discord documents it ("Gateway" → Sharding): IDENTIFY may carry ``shard: [id, count]``;
  a server's events go only to the connection of shard ``(guild_id >> 22) % count``, DMs only to shard
  0, and READY lists only that shard's servers; ``GET /gateway/bot`` recommends a shard count; an
  IDENTIFY whose shard id is not below its count is closed with 4010 Invalid shard. Two servers, on
  different shards when there are two (``servers=3``: three, on three shards when there are three).
- Gateway close 4014 Disallowed intents when IDENTIFY asks for a privileged intent (message
  content, members, presences) that the "portal" has not enabled; without the message content
  intent, messages that neither mention the bot nor are DMs arrive with empty content.

It shares no code with the bot; it records everything the bot sent. How to point discord.py at
it: ``../shared/notes/platform-fakes.md`` (Route.BASE and DEFAULT_GATEWAY).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import BodyPartReader, WSMsgType, web

from . import serve_loopback

JSON = "application/json"
APP_ID = 900000000000000001
BOT_ID = 900000000000000002
GUILD_ID = 900000000000000100
CHANNEL_ID = 900000000000000200
HIDDEN_CHANNEL_ID = 900000000000000201  # a channel the bot cannot see (user-installed app, or no access)
SECOND_GUILD_ID = GUILD_ID + (1 << 22)  # the next shard over from GUILD_ID: with two shards, one on each
SECOND_CHANNEL_ID = 900000000000000202
THIRD_GUILD_ID = GUILD_ID + (2 << 22)  # with three shards, the three servers are on three shards
THIRD_CHANNEL_ID = 900000000000000203
GUILD_CHANNELS = {GUILD_ID: (CHANNEL_ID, HIDDEN_CHANNEL_ID), SECOND_GUILD_ID: (SECOND_CHANNEL_ID,),
                  THIRD_GUILD_ID: (THIRD_CHANNEL_ID,)}

INTENT_MEMBERS, INTENT_PRESENCES, INTENT_MESSAGE_CONTENT = 1 << 1, 1 << 8, 1 << 15
PRIVILEGED = {"members": INTENT_MEMBERS, "presences": INTENT_PRESENCES,
              "message_content": INTENT_MESSAGE_CONTENT}
COMMAND_NAME = re.compile(r"^[-_a-z0-9\u00c0-\uffff]{1,32}$")
VIEW_CHANNEL, SEND_MESSAGES = 1 << 10, 1 << 11


class Rejected(Exception):
    """A request Discord would refuse: status, JSON error code, message."""

    def __init__(self, status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.errors = status, code, message, errors or {}


def _form_error(path: str, message: str) -> Rejected:
    return Rejected(400, 50035, "Invalid Form Body",
                    {path: {"_errors": [{"code": "BASE_TYPE_BAD_LENGTH", "message": message}]}})


def check_message(body: dict[str, Any]) -> None:
    """Discord's limits on a message body; raises :class:`Rejected` (50035) for the first broken one."""
    content = body.get("content") or ""
    if len(content) > 2000:
        raise _form_error("content", "Must be 2000 or fewer in length.")
    embeds = body.get("embeds") or []
    if len(embeds) > 10:
        raise _form_error("embeds", "Must be 10 or fewer in length.")
    total = 0
    for i, embed in enumerate(embeds):
        fields = embed.get("fields") or []
        limits = [("title", embed.get("title") or "", 256),
                  ("description", embed.get("description") or "", 4096),
                  ("footer.text", (embed.get("footer") or {}).get("text") or "", 2048),
                  ("author.name", (embed.get("author") or {}).get("name") or "", 256)]
        if len(fields) > 25:
            raise _form_error(f"embeds.{i}.fields", "Must be 25 or fewer in length.")
        for j, f in enumerate(fields):
            limits += [(f"fields.{j}.name", f.get("name") or "", 256),
                       (f"fields.{j}.value", f.get("value") or "", 1024)]
        for name, text, limit in limits:
            if len(text) > limit:
                raise _form_error(f"embeds.{i}.{name}", f"Must be {limit} or fewer in length.")
            total += len(text)
    if total > 6000:
        raise _form_error("embeds", "Embed size exceeds maximum size of 6000")
    rows = body.get("components") or []
    if len(rows) > 5:
        raise _form_error("components", "Must be 5 or fewer in length.")
    seen: set[str] = set()
    for i, row in enumerate(rows):
        items = row.get("components") or []
        if row.get("type") != 1 or not items:
            raise _form_error(f"components.{i}", "Invalid action row.")
        if any(c.get("type") != 2 for c in items) and len(items) > 1:
            raise _form_error(f"components.{i}.components", "A select menu must be alone in its row.")
        if len(items) > 5:
            raise _form_error(f"components.{i}.components", "Must be 5 or fewer in length.")
        for j, item in enumerate(items):
            custom_id = item.get("custom_id")
            if custom_id is not None:
                if len(custom_id) > 100:
                    raise _form_error(f"components.{i}.components.{j}.custom_id",
                                      "Must be 100 or fewer in length.")
                if custom_id in seen:
                    raise Rejected(400, 50035, "Invalid Form Body",
                                   {f"components.{i}.components.{j}.custom_id": {
                        "_errors": [{"code": "COMPONENT_CUSTOM_ID_DUPLICATED",
                                     "message": "Component custom id cannot be duplicated"}]}})
                seen.add(custom_id)
            if len(item.get("label") or "") > 80:
                raise _form_error(f"components.{i}.components.{j}.label", "Must be 80 or fewer in length.")


def check_commands(commands: list[dict[str, Any]]) -> None:
    for i, command in enumerate(commands):
        if not COMMAND_NAME.match(command.get("name") or "") or command["name"] != command["name"].lower():
            raise Rejected(400, 50035, "Invalid Form Body", {f"{i}.name": {"_errors": [
                {"code": "APPLICATION_COMMAND_INVALID_NAME", "message": "Command name is invalid"}]}})
        description = command.get("description") or ""
        if command.get("type", 1) == 1 and not 1 <= len(description) <= 100:
            raise _form_error(f"{i}.description", "Must be between 1 and 100 in length.")


DISCORD_EPOCH_MS = 1420070400000  # 2015-01-01, where Discord's snowflake clock starts


class Snowflakes:
    """Ids as Discord makes them ("Reference" → Snowflakes): milliseconds since Discord's epoch in the top
    bits, so an id says when its object was made (clients read an interaction's age from it), and a
    counter in the low 22 bits keeps ids made in the same millisecond distinct and increasing."""

    def __init__(self) -> None:
        self._last = 0

    def __iter__(self) -> Snowflakes:
        return self

    def __next__(self) -> int:
        self._last = max(self._last + 1, (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22)
        return self._last


def shard_of(guild_id: int | None, shard_count: int) -> int:
    """The shard Discord sends a server's events to; DMs (no server) go to shard 0."""
    return 0 if guild_id is None else (guild_id >> 22) % shard_count


def _ts(at: float | None = None) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000+00:00", time.gmtime(at or time.time()))


def user_obj(user_id: int, name: str, bot: bool = False) -> dict[str, Any]:
    return {"id": str(user_id), "username": name, "discriminator": "0", "global_name": name, "avatar": None,
            "bot": bot}


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # exactly "application/json": discord.py parses nothing else (aiohttp's json_response adds a charset)
    return web.Response(body=orjson.dumps(data), status=status,
                        headers={"Content-Type": JSON, **(headers or {})})


def _frame(data: dict[str, Any]) -> str:
    """A gateway text frame (orjson here and in REST bodies: in a burst the stdlib encoder made the fake a
    noticeable share of the time the load bench measures)."""
    return orjson.dumps(data).decode()


def _refusal(exc: Rejected) -> web.Response:
    body: dict[str, Any] = {"message": exc.message, "code": exc.code}
    if exc.errors:
        body["errors"] = exc.errors
    return _json(body, exc.status)


@dataclass
class FakeInteraction:
    id: int
    token: str
    user_id: int
    channel_id: int
    created: float
    responded_at: float | None = None
    original_id: int | None = None
    loading: bool = False  # deferred ("thinking…"), the response not yet given
    followups: list[int] = field(default_factory=list)
    kind: str = "command"
    shards: list[int] = field(default_factory=list)  # the shard ids of the connections it was sent to


@dataclass
class FakeMessage:
    id: int
    channel_id: int
    author_id: int
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    allowed_mentions: Any = None
    message_reference: Any = None
    edits: int = 0
    flags: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)
    timestamp: str = field(default_factory=lambda: _ts())  # when it was sent, as Discord reports it
    edited_timestamp: str | None = None  # when it was last edited

    def edited(self) -> None:
        self.edits += 1
        self.edited_timestamp = _ts()

    def obj(self) -> dict[str, Any]:
        return {"id": str(self.id), "channel_id": str(self.channel_id),
                "author": user_obj(self.author_id, "bot" if self.author_id == BOT_ID else "user",
                                   self.author_id == BOT_ID),
                "content": self.content, "timestamp": self.timestamp,
                "edited_timestamp": self.edited_timestamp, "tts": False,
                "mention_everyone": False, "mentions": [], "mention_roles": [],
                "attachments": self.attachments,
                "embeds": self.embeds, "components": self.components, "pinned": False, "type": 0,
                "flags": self.flags}

    def text(self) -> str:
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title", ""), embed.get("description", "")]
            parts += [f"{f.get('name', '')} {f.get('value', '')}" for f in embed.get("fields", [])]
        return "\n".join(p for p in parts if p)

    def buttons(self) -> list[dict[str, Any]]:
        out = []
        for row in self.components:
            for comp in row.get("components", []):
                out.append(comp)
        return out


class FakeDiscord:
    def __init__(self, *, token_ttl_s: float = 900.0, defer_deadline_s: float = 3.0, edit_limit: int = 5,
                 edit_window_s: float = 5.0, upload_limit: int = 10 * 1024 * 1024,
                 portal_intents: tuple[str, ...] = (), servers: int = 2) -> None:
        self.token_ttl_s = token_ttl_s
        self.defer_deadline_s = defer_deadline_s
        self.edit_limit = edit_limit
        self.edit_window_s = edit_window_s
        # what interactions announce as attachment_size_limit (the user's limit)
        self.upload_limit = upload_limit
        self.server_upload_limit = 10 * 1024 * 1024  # what the server allows messages sent with the bot token
        self.portal_intents = set(portal_intents)  # privileged intents ticked in the developer portal
        self.identified_intents: int | None = None
        self.hidden_channels: set[int] = {HIDDEN_CHANNEL_ID}
        # the servers the bot is in: two (one on each of two shards), or three for three shards
        self.guild_channels = dict(list(GUILD_CHANNELS.items())[:servers])
        self.identifies: list[tuple[int, float]] = []  # (shard id, when) of every accepted IDENTIFY
        self.rejections: list[dict[str, Any]] = []  # every refusal: path, status, code
        self.ids = Snowflakes()
        self.requests: list[dict[str, Any]] = []
        self.messages: dict[int, FakeMessage] = {}
        self.interactions: dict[int, FakeInteraction] = {}
        self.by_token: dict[str, FakeInteraction] = {}
        self.files: dict[str, bytes] = {}
        self.sockets: list[web.WebSocketResponse] = []
        # connection → (shard id, shard count)
        self.shard_of: dict[web.WebSocketResponse, tuple[int, int]] = {}
        self.sessions: dict[str, tuple[int, int]] = {}  # session id → its shard, for RESUME
        self.recommended_shards = 1  # what GET /gateway/bot recommends
        self.gateway_bot_calls = 0
        self.seq = 0
        self.identified = asyncio.Event()
        self.rate_limited = 0
        self.late_callbacks = 0
        self.repeated_callbacks = 0  # initial responses to an interaction answered already (40060)
        self.callback_faults: list[str] = []  # "5xx" | "expired" | "stall", for the next callbacks
        self.stall_s = 30.0
        self._stalls_over = asyncio.Event()  # set at close: nothing stays stalled past the fake
        self.commands_synced: list[Any] = []
        self._buckets: dict[str, deque[float]] = defaultdict(deque)
        self.runner: web.AppRunner | None = None
        self.url = ""

    # ── lifecycle ────────────────────────────────────────────────────────────────────────────
    async def start(self) -> str:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        r = app.router
        r.add_get("/gateway", self._gateway)
        r.add_get("/api/v10/users/@me", self._me)
        r.add_get("/api/v10/oauth2/applications/@me", self._application)
        r.add_get("/api/v10/gateway", self._gateway_info)
        r.add_get("/api/v10/gateway/bot", self._gateway_info)
        r.add_post("/api/v10/interactions/{iid}/{token}/callback", self._callback)
        r.add_route("*", "/api/v10/webhooks/{app}/{token}/messages/{mid}", self._webhook_message)
        r.add_post("/api/v10/webhooks/{app}/{token}", self._followup)
        r.add_post("/api/v10/channels/{cid}/messages", self._channel_create)
        r.add_patch("/api/v10/channels/{cid}/messages/{mid}", self._channel_edit)
        r.add_get("/api/v10/channels/{cid}", self._channel)
        r.add_put("/api/v10/applications/{app}/commands", self._sync)
        r.add_put("/api/v10/applications/{app}/guilds/{gid}/commands", self._sync)
        r.add_get("/cdn/{name}", self._cdn)
        self.runner, self.url = await serve_loopback(app)
        return self.url

    @property
    def rest_base(self) -> str:
        return f"{self.url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/gateway"

    async def close(self) -> None:
        self._stalls_over.set()
        for ws in list(self.sockets):
            await ws.close()
        if self.runner:
            await self.runner.cleanup()

    async def _me(self, _request: web.Request) -> web.Response:
        return _json(user_obj(BOT_ID, "ima-bot", True))

    async def _gateway_info(self, request: web.Request) -> web.Response:
        if request.path.endswith("/bot"):
            self.gateway_bot_calls += 1
        return _json({"url": self.gateway_url, "shards": self.recommended_shards,
                      "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0,
                                              "max_concurrency": 1}})

    async def _application(self, _request: web.Request) -> web.Response:
        return _json({"id": str(APP_ID), "name": "ima-bot", "icon": None, "description": "",
                      "bot_public": True,
                      "bot_require_code_grant": False, "owner": user_obj(1, "owner"), "verify_key": "k",
                      "flags": 0})

    # ── gateway ──────────────────────────────────────────────────────────────────────────────
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(_frame({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None}))
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            data = orjson.loads(msg.data)
            op = data.get("op")
            if op == 1:
                await ws.send_str('{"op": 11}')
            elif op == 2:
                intents = int((data.get("d") or {}).get("intents") or 0)
                denied = [
                    n for n, bit in PRIVILEGED.items() if intents & bit and n not in self.portal_intents
                ]
                if denied:
                    self.rejections.append({"path": "gateway", "status": 4014, "code": 4014,
                                            "denied": denied})
                    await ws.close(code=4014, message=b"Disallowed intent(s).")
                    break
                shard_id, shard_count = (data.get("d") or {}).get("shard") or (0, 1)
                if not 0 <= int(shard_id) < int(shard_count):
                    self.rejections.append({"path": "gateway", "status": 4010, "code": 4010,
                                            "shard": [shard_id, shard_count]})
                    await ws.close(code=4010, message=b"Invalid shard.")
                    break
                self.identified_intents = intents
                shard = (int(shard_id), int(shard_count))
                session_id = f"fake-session-{next(self.ids)}"
                self.sessions[session_id] = self.shard_of[ws] = shard
                self.identifies.append((shard[0], time.monotonic()))
                self.sockets.append(ws)
                mine = [g for g in self.guild_channels if shard_of(g, shard[1]) == shard[0]]
                await self._send(ws, "READY", {
                    "v": 10, "user": user_obj(BOT_ID, "ima-bot", True),
                    "guilds": [{"id": str(g), "unavailable": True} for g in mine],
                    "session_id": session_id, "resume_gateway_url": self.gateway_url, "shard": list(shard),
                    "application": {"id": str(APP_ID), "flags": 0}, "private_channels": [],
                    "relationships": []})
                for guild_id in mine:
                    await self._send(ws, "GUILD_CREATE", self.guild(guild_id))
                self.identified.set()
            elif op == 6:
                self.shard_of[ws] = self.sessions.get((data.get("d") or {}).get("session_id", ""), (0, 1))
                self.sockets.append(ws)
                await self._send(ws, "RESUMED", {})
        if ws in self.sockets:
            self.sockets.remove(ws)
        self.shard_of.pop(ws, None)
        return ws

    def connected_shards(self) -> set[int]:
        """The shard ids that have a live, identified connection."""
        return {shard for shard, _count in self.shard_of.values()}

    def guild(self, guild_id: int = GUILD_ID) -> dict[str, Any]:
        return {"id": str(guild_id), "name": "Test Server" if guild_id == GUILD_ID else "Second Server",
                "icon": None, "owner_id": "1", "afk_timeout": 300,
                "verification_level": 0, "default_message_notifications": 0, "explicit_content_filter": 0,
                "roles": [{"id": str(guild_id), "name": "@everyone", "permissions": "104324673",
                           "position": 0, "color": 0,
                           "hoist": False, "managed": False, "mentionable": False, "flags": 0}],
                "emojis": [], "features": [], "mfa_level": 0, "system_channel_flags": 0, "premium_tier": 0,
                "preferred_locale": "en-US", "nsfw_level": 0, "stickers": [], "large": False,
                "member_count": 2,
                "channels": [{"id": str(self.guild_channels[guild_id][0]), "type": 0, "name": "general",
                              "position": 0, "permission_overwrites": [], "guild_id": str(guild_id)}],
                "members": [{**self._member(BOT_ID, "ima-bot"), "user": user_obj(BOT_ID, "ima-bot", True)}],
                "threads": [], "voice_states": [], "presences": [], "stage_instances": [],
                "guild_scheduled_events": [],
                "joined_at": _ts(), "unavailable": False, "premium_subscription_count": 0}

    async def _send(self, ws: web.WebSocketResponse, event: str, data: dict[str, Any]) -> None:
        self.seq += 1
        await ws.send_str(_frame({"op": 0, "t": event, "s": self.seq, "d": data}))

    async def dispatch(self, event: str, data: dict[str, Any]) -> list[int]:
        """Send an event to the connections of the shard it belongs to; returns their shard ids."""
        if not self.identified.is_set():
            await asyncio.wait_for(self.identified.wait(), 10)
        guild_id = int(data["guild_id"]) if data.get("guild_id") else None
        sent = []
        for ws in list(self.sockets):
            shard_id, shard_count = self.shard_of.get(ws, (0, 1))
            if shard_of(guild_id, shard_count) == shard_id:
                await self._send(ws, event, data)
                sent.append(shard_id)
        return sent

    # ── what users do ────────────────────────────────────────────────────────────────────────
    def _member(self, user_id: int, name: str) -> dict[str, Any]:
        return {"user": user_obj(user_id, name), "roles": [], "joined_at": _ts(), "deaf": False,
                "mute": False, "permissions": "2147483647", "flags": 0}

    def upload(self, name: str, data: bytes, content_type: str = "image/png") -> dict[str, Any]:
        attachment_id = next(self.ids)
        key = f"{attachment_id}-{name}"
        self.files[key] = data
        return {"id": str(attachment_id), "filename": name, "size": len(data), "url": f"{self.url}/cdn/{key}",
                "proxy_url": f"{self.url}/cdn/{key}", "content_type": content_type}

    async def slash(self, name: str, options: dict[str, Any] | None = None, *, user_id: int = 111,
                    user_name: str = "alice",
                    attachments: dict[str, dict[str, Any]] | None = None, locale: str = "en-US",
                    dm: bool = False,
                    channel_id: int | None = None, guild_id: int = GUILD_ID,
                    delivered_after_s: float = 0.0) -> FakeInteraction:
        """A user runs /name with options; attachments are option name → uploaded attachment object.
        ``delivered_after_s``: the gateway hands it over that long after Discord made it (its id and its
        3 s deadline count from then), as a slow connection or a backlog would."""
        opts = [{"name": k, "type": 3 if isinstance(v, str) else (5 if isinstance(v, bool) else 4),
                 "value": v}
                for k, v in (options or {}).items()]
        resolved: dict[str, Any] = {}
        for opt_name, att in (attachments or {}).items():
            opts.append({"name": opt_name, "type": 11, "value": att["id"]})
            resolved.setdefault("attachments", {})[att["id"]] = att
        data = {"id": str(next(self.ids)), "name": name, "type": 1, "options": opts, "resolved": resolved}
        return await self._interaction(2, data, user_id, user_name, locale, dm, channel_id=channel_id,
                                       guild_id=guild_id, delivered_after_s=delivered_after_s)

    async def autocomplete(self, name: str, option: str, current: str, *,
                           user_id: int = 111) -> FakeInteraction:
        """A user types into an autocompleted option; Discord wants choices within 3 s."""
        data = {"id": str(next(self.ids)), "name": name, "type": 1,
                "options": [{"name": option, "type": 3, "value": current, "focused": True}]}
        return await self._interaction(4, data, user_id, "alice", "en-US", False)

    async def press(self, message: FakeMessage, custom_id: str, *, user_id: int = 111,
                    user_name: str = "alice") -> FakeInteraction:
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._interaction(3, data, user_id, user_name, "en-US", False, message)

    async def choose(self, message: FakeMessage, menu: dict[str, Any], value: str, *, user_id: int = 111,
                     user_name: str = "alice") -> FakeInteraction:
        """A user picks ``value`` from a select menu of ``message``."""
        data = {"custom_id": menu["custom_id"], "component_type": 3, "values": [value]}
        return await self._interaction(3, data, user_id, user_name, "en-US", False, message)

    async def _interaction(self, kind: int, data: dict[str, Any], user_id: int, user_name: str, locale: str,
                           dm: bool, message: FakeMessage | None = None, channel_id: int | None = None,
                           guild_id: int = GUILD_ID, delivered_after_s: float = 0.0) -> FakeInteraction:
        iid = next(self.ids)
        if delivered_after_s:  # made that long ago: an id from then (a high counter bit keeps it unique)
            iid = (iid - (int(delivered_after_s * 1000) << 22)) | (1 << 21)
        token = f"tok{iid}"
        if message is not None:
            channel_id = message.channel_id
            guild_id = next((g for g, channels in self.guild_channels.items() if channel_id in channels),
                            guild_id)
        channel_id = channel_id or self.guild_channels[guild_id][0]
        app_permissions = 2147483647 & ~(
            (VIEW_CHANNEL | SEND_MESSAGES) if channel_id in self.hidden_channels else 0
        )
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(APP_ID),
            "type": kind,
            "data": data,
            "token": token,
            "version": 1,
            "channel_id": str(channel_id),
            "channel": {
                "id": str(channel_id),
                "type": 1 if dm else 0,
                "name": "general",
                "guild_id": None if dm else str(guild_id),
                "position": 0,
                "permission_overwrites": [],
            },
            "app_permissions": str(app_permissions),
            "locale": locale,
            "entitlements": [],
            "authorizing_integration_owners": {"1": str(user_id)}
            if dm or channel_id in self.hidden_channels
            else {"0": str(guild_id)},
            "context": 1 if dm else 0,
            "attachment_size_limit": self.upload_limit,
        }
        if dm:
            payload["user"] = user_obj(user_id, user_name)
        else:
            payload["guild_id"] = str(guild_id)
            payload["guild_locale"] = "en-US"
            payload["member"] = self._member(user_id, user_name)
        if message is not None:
            payload["message"] = message.obj()
        interaction = FakeInteraction(iid, token, user_id, channel_id, time.monotonic() - delivered_after_s,
                                      kind={3: "component", 4: "autocomplete"}.get(kind, "command"))
        self.interactions[iid] = interaction
        self.by_token[token] = interaction
        interaction.shards = await self.dispatch("INTERACTION_CREATE", payload)
        return interaction

    async def say(self, content: str, *, user_id: int = 111, user_name: str = "alice",
                  mention_bot: bool = True,
                  attachments: list[dict[str, Any]] | None = None, dm: bool = False,
                  everyone: bool = False) -> int:
        """A user posts a message; ``everyone`` makes it an @everyone message (which pings no bot)."""
        message_id = next(self.ids)
        text = f"<@{BOT_ID}> {content}" if mention_bot else content
        if everyone:
            text = f"@everyone {text}"
        data = {"id": str(message_id), "channel_id": str(CHANNEL_ID), "author": user_obj(user_id, user_name),
                "content": text,
                "timestamp": _ts(), "edited_timestamp": None, "tts": False, "mention_everyone": everyone,
                "mentions": [user_obj(BOT_ID, "ima-bot", True)] if mention_bot else [], "mention_roles": [],
                "attachments": attachments or [], "embeds": [], "pinned": False, "type": 0, "flags": 0}
        if not (dm or mention_bot or (self.identified_intents or 0) & INTENT_MESSAGE_CONTENT):
            # Discord blanks what the bot may not read without the message content intent
            data.update(content="", attachments=[], embeds=[])
        if not dm:
            data["guild_id"] = str(GUILD_ID)
            data["member"] = {k: v for k, v in self._member(user_id, user_name).items() if k != "user"}
        await self.dispatch("MESSAGE_CREATE", data)
        return message_id

    # ── REST ─────────────────────────────────────────────────────────────────────────────────
    async def _body(self, request: web.Request) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        files: list[dict[str, Any]] = []
        if request.content_type.startswith("multipart/"):
            payload: dict[str, Any] = {}
            reader = await request.multipart()
            async for part in reader:
                if not isinstance(part, BodyPartReader):
                    continue  # Discord's uploads are flat: a nested multipart is not one of them
                if part.name == "payload_json":
                    payload = orjson.loads(await part.read())
                else:
                    data = await part.read()
                    files.append({"field": part.name, "filename": part.filename, "size": len(data),
                                  "data": data})
            return payload, files
        if request.can_read_body:
            try:
                return orjson.loads(await request.read()), files
            except ValueError:
                return {}, files
        return {}, files

    def _refuse(self, request: web.Request, body: dict[str, Any], files: list[dict[str, Any]],
                exc: Rejected) -> web.Response:
        self._record(request, body, files, exc.status)
        self.rejections.append({"path": request.path, "method": request.method, "status": exc.status,
                                "code": exc.code, "errors": exc.errors})
        return _refusal(exc)

    def _check(self, body: dict[str, Any], files: list[dict[str, Any]], limit: int,
               channel_id: int | None = None, bot_token: bool = False) -> None:
        """Raise what Discord would answer to this message body (a bot-token call to an unseen channel:
        50001)."""
        if bot_token and channel_id in self.hidden_channels:
            raise Rejected(403, 50001, "Missing Access")
        if sum(f["size"] for f in files) > limit:
            raise Rejected(413, 40005, "Request entity too large")
        check_message(body)

    def _record(self, request: web.Request, body: dict[str, Any], files: list[dict[str, Any]],
                status: int = 200) -> dict[str, Any]:
        entry = {"method": request.method, "path": request.path, "json": body,
                 "files": [{k: v for k, v in f.items() if k != "data"} for f in files],
                 "at": time.monotonic(), "status": status}
        self.requests.append(entry)
        return entry

    def _limited(self, bucket: str) -> float | None:
        now = time.monotonic()
        window = self._buckets[bucket]
        while window and now - window[0] > self.edit_window_s:
            window.popleft()
        if len(window) >= self.edit_limit:
            return self.edit_window_s - (now - window[0])
        window.append(now)
        return None

    def _too_many(self, retry_after: float) -> web.Response:
        self.rate_limited += 1
        return _json({"message": "You are being rate limited.", "retry_after": retry_after, "global": False},
                     429,
                     {"Retry-After": f"{retry_after:.3f}", "X-RateLimit-Limit": str(self.edit_limit),
                      "X-RateLimit-Remaining": "0",
                      "X-RateLimit-Reset-After": f"{retry_after:.3f}", "X-RateLimit-Bucket": "edits",
                      "X-RateLimit-Scope": "user"})

    def _headers(self, bucket: str) -> dict[str, str]:
        used = len(self._buckets[bucket])
        reset = (
            self.edit_window_s - (time.monotonic() - self._buckets[bucket][0])
            if self._buckets[bucket]
            else self.edit_window_s
        )
        return {"X-RateLimit-Limit": str(self.edit_limit),
                "X-RateLimit-Remaining": str(max(0, self.edit_limit - used)),
                "X-RateLimit-Reset-After": f"{max(0.0, reset):.3f}", "X-RateLimit-Bucket": f"b-{bucket}"}

    def _apply(self, message: FakeMessage, body: dict[str, Any], files: list[dict[str, Any]]) -> None:
        if "content" in body:
            message.content = body["content"] or ""
        if "embeds" in body:
            message.embeds = body["embeds"] or []
        if "components" in body:
            message.components = body["components"] or []
        if "allowed_mentions" in body:
            message.allowed_mentions = body["allowed_mentions"]
        if "flags" in body and body["flags"] is not None:
            message.flags = body["flags"]
        kept = body.get("attachments")
        new = []
        for i, f in enumerate(files):
            key = f"{message.id}-{i}-{f['filename']}"
            self.files[key] = f["data"]
            new.append({"id": str(next(self.ids)), "filename": f["filename"], "size": f["size"],
                        "url": f"{self.url}/cdn/{key}", "proxy_url": f"{self.url}/cdn/{key}"})
        if kept is not None or files:
            message.attachments = new
        message.history.append({"text": message.text(), "at": time.monotonic(),
                                "attachments": [a["filename"] for a in message.attachments]})

    def _new_message(self, channel_id: int, body: dict[str, Any], files: list[dict[str, Any]]) -> FakeMessage:
        message = FakeMessage(next(self.ids), channel_id, BOT_ID,
                              message_reference=body.get("message_reference"))
        self._apply(message, body, files)
        self.messages[message.id] = message
        return message

    async def _callback(self, request: web.Request) -> web.Response:
        body, files = await self._body(request)
        interaction = self.by_token.get(request.match_info["token"])
        if interaction is None or str(interaction.id) != request.match_info["iid"]:
            self._record(request, body, files, 404)
            return _json({"message": "Unknown interaction", "code": 10062}, 404)
        fault = self.callback_faults.pop(0) if self.callback_faults else None
        if fault == "5xx":
            self._record(request, body, files, 503)
            return _json({"message": "503: Service Unavailable", "code": 0}, 503)
        if fault == "expired":
            return self._refuse(request, body, files, Rejected(404, 10062, "Unknown interaction"))
        if interaction.responded_at is not None:
            self.repeated_callbacks += 1
            return self._refuse(request, body, files,
                                Rejected(400, 40060, "Interaction has already been acknowledged."))
        if time.monotonic() - interaction.created > self.defer_deadline_s:
            self.late_callbacks += 1
            self._record(request, body, files, 404)
            return _json({"message": "Unknown interaction", "code": 10062}, 404)
        kind = body.get("type")
        data = body.get("data") or {}
        try:
            if kind in (4, 7):
                self._check(data, files, self.upload_limit)
            if kind == 8 and len(data.get("choices") or []) > 25:
                raise _form_error("data.choices", "Must be 25 or fewer in length.")
        except Rejected as exc:
            return self._refuse(request, body, files, exc)
        interaction.responded_at = time.monotonic()
        self._record(request, body, files)
        message = None
        if kind in (4, 5):  # message / deferred message
            message = self._new_message(interaction.channel_id,
                                        data if kind == 4 else {"content": "", "flags": data.get("flags", 0)},
                                        files)
            interaction.original_id = message.id
            interaction.loading = kind == 5
        elif kind in (6, 7):  # deferred update / update of the component's message
            pass
        if fault == "stall":  # done, but the answer is held back: the caller's request times out
            try:
                await asyncio.wait_for(self._stalls_over.wait(), self.stall_s)
            except TimeoutError:
                pass
        if "with_response" in request.query:
            resource = {"type": kind}
            if message is not None:
                resource["message"] = message.obj()
            return _json({"interaction": {"id": str(interaction.id), "type": 2,
                                          "response_message_id": str(message.id) if message else None,
                                          "response_message_loading": kind == 5,
                                          "response_message_ephemeral": False},
                          "resource": resource})
        return web.Response(status=204)

    def _interaction_of(self, request: web.Request) -> FakeInteraction:
        """The interaction behind a webhook call: 404 / 10015 for a token never issued (or another app's),
        401 / 50027 once its 15 minutes are over."""
        interaction = self.by_token.get(request.match_info["token"])
        if interaction is None or request.match_info["app"] != str(APP_ID):
            raise Rejected(404, 10015, "Unknown Webhook")
        if time.monotonic() - interaction.created > self.token_ttl_s:
            raise Rejected(401, 50027, "Invalid Webhook Token")
        return interaction

    async def _webhook_message(self, request: web.Request) -> web.Response:
        body, files = await self._body(request)
        token = request.match_info["token"]
        try:
            interaction = self._interaction_of(request)
        except Rejected as exc:
            return self._refuse(request, body, files, exc)
        mid = request.match_info["mid"]
        message_id = interaction.original_id if mid == "@original" else int(mid)
        message = self.messages.get(message_id or 0)
        if message_id != interaction.original_id and message_id not in interaction.followups:
            message = None  # a webhook edits only the messages it made
        if message is None:
            self._record(request, body, files, 404)
            return _json({"message": "Unknown Message", "code": 10008}, 404)
        if request.method == "GET":
            return _json(message.obj())
        if request.method == "DELETE":
            self.messages.pop(message.id, None)
            return web.Response(status=204)
        try:
            self._check(body, files, self.upload_limit)
        except Rejected as exc:
            return self._refuse(request, body, files, exc)
        if message.id == interaction.original_id:
            interaction.loading = False
        return self._edit(request, message, f"w{token}", body, files)

    def _edit(self, request: web.Request, message: FakeMessage, bucket: str, body: dict[str, Any],
              files: list[dict[str, Any]]) -> web.Response:
        """One edit through a rate-limit bucket (per interaction token, or per channel for the bot token)."""
        wait = self._limited(bucket)
        if wait is not None:
            self._record(request, body, files, 429)
            return self._too_many(wait)
        self._record(request, body, files)
        message.edited()
        self._apply(message, body, files)
        return _json(message.obj(), headers=self._headers(bucket))

    async def _followup(self, request: web.Request) -> web.Response:
        body, files = await self._body(request)
        try:
            interaction = self._interaction_of(request)
            if interaction.responded_at is None:  # no webhook until the interaction is acknowledged
                raise Rejected(404, 10015, "Unknown Webhook")
            self._check(body, files, self.upload_limit)
        except Rejected as exc:
            return self._refuse(request, body, files, exc)
        self._record(request, body, files)
        original = self.messages.get(interaction.original_id or 0)
        if interaction.loading and original is not None:  # the first follow-up after "thinking…" edits it
            interaction.loading = False
            original.edited()
            self._apply(original, body, files)
            return _json(original.obj())
        message = self._new_message(interaction.channel_id, body, files)
        interaction.followups.append(message.id)
        return _json(message.obj())

    async def _channel_create(self, request: web.Request) -> web.Response:
        body, files = await self._body(request)
        try:
            self._check(body, files, self.server_upload_limit, int(request.match_info["cid"]), bot_token=True)
        except Rejected as exc:
            return self._refuse(request, body, files, exc)
        self._record(request, body, files)
        message = self._new_message(int(request.match_info["cid"]), body, files)
        return _json(message.obj())

    async def _channel_edit(self, request: web.Request) -> web.Response:
        body, files = await self._body(request)
        message = self.messages.get(int(request.match_info["mid"]))
        try:
            self._check(body, files, self.server_upload_limit, int(request.match_info["cid"]), bot_token=True)
        except Rejected as exc:
            return self._refuse(request, body, files, exc)
        if message is None:
            self._record(request, body, files, 404)
            return _json({"message": "Unknown Message", "code": 10008}, 404)
        return self._edit(request, message, f"c{request.match_info['cid']}", body, files)

    async def _channel(self, request: web.Request) -> web.Response:
        cid = request.match_info["cid"]
        if int(cid) in self.hidden_channels:
            return self._refuse(request, {}, [], Rejected(403, 50001, "Missing Access"))
        guild_id = next((g for g, channels in self.guild_channels.items() if int(cid) in channels), GUILD_ID)
        return _json({"id": cid, "type": 0, "name": "general", "guild_id": str(guild_id), "position": 0,
                      "permission_overwrites": []})

    async def _sync(self, request: web.Request) -> web.Response:
        body = orjson.loads(await request.read())
        try:
            check_commands(body)
        except Rejected as exc:
            return self._refuse(request, {"commands": body}, [], exc)
        self.commands_synced.append({"path": request.path, "commands": body})
        return _json([{**c, "id": str(next(self.ids)), "application_id": str(APP_ID),
                       "version": "1"} for c in body])

    async def _cdn(self, request: web.Request) -> web.Response:
        data = self.files.get(request.match_info["name"])
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data, content_type="application/octet-stream")

    # ── what tests read ──────────────────────────────────────────────────────────────────────
    def bot_messages(self, channel_id: int | None = None) -> list[FakeMessage]:
        return [
            m
            for m in self.messages.values()
            if m.author_id == BOT_ID and (channel_id is None or m.channel_id == channel_id)
        ]

    def original(self, interaction: FakeInteraction) -> FakeMessage | None:
        return self.messages.get(interaction.original_id or 0)
