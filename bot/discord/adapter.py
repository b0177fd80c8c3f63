"""Discord adapter: chat events in, core views out. No business logic here.

Slash commands and button presses are answered by the core's first message, or acknowledged with
"thinking…" if that is slow to come (well under Discord's 3 s, see answers.py); that response
becomes the status message and is edited in place through the interaction token while it is valid,
then through the bot token, then (if even that fails) the outcome goes out as a new message. Routes
and message references are plain JSON, stored with each task, so after a restart the same message
keeps updating.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import discord
from discord import app_commands

from core.contracts import Attachment, ChannelError, ChatEvent
from core.service import CoreService
from core.views import ActionKind, View, t, unpack_action

from .answers import DEFER_AFTER_S, FirstAnswers, NotAnswered, PendingAnswer, for_send
from .commands import ModelMenu, Translator, build_tree, catalogue_loader
from .render import let_go_of_buttons, parse_custom_id, render

log = logging.getLogger(__name__)

PLATFORM = "discord"
DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024
REST_CONNECTIONS = 32
TURNS = 32  # commands and button presses worked on at once (see DiscordAdapter.answering)
TOO_LARGE = 40005  # Discord's JSON error code for a request entity over the upload limit (HTTP 413)


class DiscordPlatform:
    """The core's view of Discord: a channel per route."""

    name = PLATFORM

    def __init__(self, client: discord.Client, core: CoreService, token_ttl_s: float = 14 * 60) -> None:
        self.client = client
        self.core = core
        self.token_ttl_s = token_ttl_s
        # interactions whose first message is still to come; they go before other messages and edits
        self.pending: FirstAnswers[PendingAnswer] = FirstAnswers()
        # channel id → smallest upload Discord refused (≤ 1,024 kept)
        self.refused_sizes: OrderedDict[int, int] = OrderedDict()

    def channel(self, route: Mapping[str, Any]) -> DiscordChannel:
        return DiscordChannel(self, dict(route))

    def connected(self) -> bool:
        return self.client.is_ready() and not self.client.is_closed()

    def remember_refusal(self, channel_id: int, size: int) -> None:
        self.refused_sizes[channel_id] = min(size, self.refused_sizes.get(channel_id, size))
        self.refused_sizes.move_to_end(channel_id)
        while len(self.refused_sizes) > 1024:
            self.refused_sizes.popitem(last=False)


class DiscordChannel:
    min_edit_interval_s = 1.0  # one edit a second per message stays well inside Discord's per-route limits

    def __init__(self, platform: DiscordPlatform, route: dict[str, Any]) -> None:
        self.platform = platform
        self.route = route

    @property
    def client(self) -> discord.Client:
        return self.platform.client

    def _token_valid(self) -> bool:
        token = self.route.get("token")
        return bool(token) and time.time() - float(self.route.get("at", 0)) < self.platform.token_ttl_s

    def _webhook(self) -> discord.Webhook:
        return discord.Webhook.partial(int(self.route["app_id"]), self.route["token"], client=self.client)

    @property
    def channel_id(self) -> int:
        return int(self.route["channel_id"])

    def _limit(self, bot_token: bool) -> int:
        """The upload limit for this call: the interaction's own, or the server's for the bot token."""
        if bot_token:
            channel = self.client.get_channel(self.channel_id)
            guild = getattr(channel, "guild", None)
            limit = guild.filesize_limit if guild is not None else DEFAULT_UPLOAD_LIMIT
        else:
            limit = int(self.route.get("limit") or DEFAULT_UPLOAD_LIMIT)
        refused = self.platform.refused_sizes.get(self.channel_id)
        return min(limit, refused - 1) if refused is not None else limit

    async def _kwargs(self, view: View, limit: int) -> dict[str, Any]:
        notes: tuple[str, ...] = ()
        if self.route.get("limited") and view.kind == "status":
            notes = (t(view.language, "discord.updates_may_stop"),)
        return await render(view, self.platform.core.fetch_bytes, limit, notes)

    async def _with_files(self, view: View, bot_token: bool, call: Any) -> Any:
        """Run ``call(kwargs)``; if Discord refuses the files as too large, remember that and send links
        instead."""
        kwargs = await self._kwargs(view, self._limit(bot_token))
        try:
            return await call(kwargs)
        except discord.HTTPException as exc:
            files = kwargs.get("attachments") or []
            if not files or (exc.status != 413 and exc.code != TOO_LARGE):
                raise
            size = sum(len(f.fp.getbuffer()) for f in files if hasattr(f.fp, "getbuffer"))
            self.platform.remember_refusal(self.channel_id, max(1, size))
            log.info("discord refused the upload size; sending links", extra={"bytes": size})
            links = await self._kwargs(view, 0)
            try:
                return await call(links)
            finally:
                let_go_of_buttons(links)
        finally:
            let_go_of_buttons(kwargs)

    async def send(self, view: View) -> str:
        channel_id = self.channel_id
        try:
            pending = self.platform.pending.take(self.route.get("token", ""))
            if pending is not None:
                try:
                    message_id = await self._with_files(view, False, pending.send)
                except NotAnswered as exc:
                    if pending.ephemeral:  # a private answer is never posted for everyone to see
                        raise ChannelError(str(exc)) from exc
                    log.warning("Discord did not take an interaction's answer; posting it in the channel")
                    message_id = await self._in_channel(view)
                finally:
                    pending.end_turn()
                return json.dumps({"c": channel_id, "m": message_id})
            if self.route.get("kind") == "interaction":  # a follow-up: not the first answer to a mention
                await self.platform.pending.go_after_them()
            if self._token_valid():
                message_id = (await self._with_files(
                    view, False, lambda kw: self._webhook().send(wait=True, **for_send(kw)))).id
            else:
                message_id = await self._in_channel(view)
        except discord.HTTPException as exc:
            raise ChannelError(f"send failed ({exc.status})", gone=exc.status in (403, 404)) from exc
        return json.dumps({"c": channel_id, "m": message_id})

    async def _in_channel(self, view: View) -> int:
        """A new message with the bot's own token (replying to the user's message, if there is one)."""
        channel_id = self.channel_id
        target = self.client.get_partial_messageable(channel_id)
        reply_to = self.route.get("reply_to")
        reference: dict[str, Any] = {"reference": discord.MessageReference(
            message_id=int(reply_to), channel_id=channel_id, fail_if_not_exists=False)} if reply_to else {}
        message: discord.Message = await self._with_files(view, True,
                                                          lambda kw: target.send(**reference, **for_send(kw)))
        return message.id

    async def edit(self, ref: str, view: View) -> None:
        target = json.loads(ref)
        await self.platform.pending.go_after_them()
        if self._token_valid():
            try:
                await self._with_files(view, False,
                                       lambda kw: self._webhook().edit_message(int(target["m"]), **kw))
                return
            except discord.HTTPException as exc:
                if exc.status not in (401, 403, 404):
                    raise ChannelError(f"edit failed ({exc.status})") from exc
                # the interaction token expired early: fall through to the bot's own token
        try:
            message = self.client.get_partial_messageable(int(target["c"])).get_partial_message(
                int(target["m"])
            )
            await self._with_files(view, True, lambda kw: message.edit(**kw))
        except discord.HTTPException as exc:
            raise ChannelError(f"edit failed ({exc.status})", gone=exc.status in (403, 404)) from exc


def intents(message_content: bool = False) -> discord.Intents:
    """The gateway intents the bot asks for, and no more: none privileged unless the owner opts in.

    Slash commands and button presses arrive as interactions whatever the intents.
    Mentions of the bot and DMs carry their content without the privileged Message Content
    intent; asking for it when the developer portal does not allow it makes the gateway close
    with 4014 and the bot never starts. ``message_content`` is for servers that want the bot to
    read messages that do not mention it (the portal switch must be on as well).
    """
    wanted = discord.Intents.none()
    wanted.guilds = True  # servers, channels and roles: upload limits, the bot's own role
    wanted.guild_messages = True  # mentions of the bot in servers
    wanted.dm_messages = True  # direct messages
    wanted.message_content = message_content
    return wanted


class DiscordAdapter(discord.Client):
    """The bot client: commands, mentions and buttons, all handed to the core."""

    def __init__(self, core: CoreService, *, guild_allowlist: list[int] | None = None,
                 dev_guild: int | None = None,
                 token_ttl_s: float = 14 * 60, sync_commands: bool = True, message_content: bool = False,
                 defer_after_s: float = DEFER_AFTER_S, platform: DiscordPlatform | None = None,
                 **shards: Any) -> None:
        # Nothing here reads old messages or member lists: every event carries what the bot needs, so the
        # message cache (1,000 messages by default) and the member cache stay off, and guilds are not chunked.
        # What remains cached is bounded by the guilds and channels the bot is in.
        # ``shards``: shard_id / shard_count (one shard), or shard_ids / shard_count (ShardedDiscordAdapter).
        # ``platform``: the instance's Discord platform, for an extra connection (a shard taken over from a
        # dead instance, bot/discord/takeover.py): its interactions' deferred responses and every status edit
        # go through the one platform the core knows.
        super().__init__(intents=intents(message_content), allowed_mentions=discord.AllowedMentions.none(),
                         max_messages=None, member_cache_flags=discord.MemberCacheFlags.none(),
                         chunk_guilds_at_startup=False,
                         connector=aiohttp.TCPConnector(limit=REST_CONNECTIONS),
                         **shards)
        self.core = core
        self.defer_after_s = defer_after_s
        self.turns = asyncio.Semaphore(TURNS)
        self.platform = platform or DiscordPlatform(self, core, token_ttl_s)
        self.guild_allowlist = set(guild_allowlist or [])
        self.dev_guild = dev_guild
        self.sync_commands = sync_commands
        self.models = ModelMenu(catalogue_loader(core))
        self.tree = build_tree(self, self)
        self.tree.error(self.on_app_command_error)
        # the instance's own client (not an extra connection for a taken-over shard): it answers replays
        self._primary = platform is None
        self._replays: set[asyncio.Task[None]] = set()
        if platform is None:
            core.add_platform(self.platform)

    async def setup_hook(self) -> None:
        self.models.warm()  # in the background: autocomplete answers from it, never waits for IMA
        if self._primary:  # mentions a dead process left unanswered: answered once the core runs
            self.core.inbox.register(PLATFORM, self._replay)
        await self.tree.set_translator(Translator())
        if not self.sync_commands:
            return
        if self.dev_guild:
            guild = discord.Object(id=self.dev_guild)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)
        else:
            await self.tree.sync()

    def allowed(self, guild_id: int | None) -> bool:
        return not self.guild_allowlist or guild_id is None or guild_id in self.guild_allowlist

    # ── routes ───────────────────────────────────────────────────────────────────────────────
    def interaction_route(self, interaction: discord.Interaction) -> dict[str, Any]:
        route = {"kind": "interaction", "app_id": interaction.application_id, "token": interaction.token,
                 "channel_id": interaction.channel_id, "at": time.time(), "limit": interaction.filesize_limit}
        if not self.can_post_later(interaction):
            route["limited"] = True
        return route

    @staticmethod
    def can_post_later(interaction: discord.Interaction) -> bool:
        """Whether the bot itself can reach this channel once the 15-minute interaction token is gone.

        It needs to be installed where the command ran (not only as a user app) and to see and post
        in the channel; DMs with the bot always work.
        """
        if interaction.guild_id is None:
            return True
        permissions = interaction.app_permissions
        return interaction.is_guild_integration() and permissions.view_channel and permissions.send_messages

    def event_for(self, interaction: discord.Interaction, text: str = "", **extra: Any) -> ChatEvent:
        # the text's own language wins in the core
        language = "zh" if str(interaction.locale).startswith("zh") else "en"
        return ChatEvent(platform=PLATFORM, user_id=str(interaction.user.id),
                         chat_id=str(interaction.channel_id),
                         text=text, route=self.interaction_route(interaction), language=language,
                         guild_id=str(interaction.guild_id) if interaction.guild_id else None,
                         direct=interaction.guild_id is None,
                         event_id=f"i{interaction.id}",
                         is_admin=bool(getattr(interaction.permissions, "manage_guild", False)), **extra)

    async def defer(self, interaction: discord.Interaction, ephemeral: bool = False,
                    acknowledge_first: bool = False) -> PendingAnswer:
        """The core's first message will answer this interaction; "thinking…" only if it is slow to come
        (see answers.py). An interaction that is late already is deferred now, and one Discord says is gone
        raises here (discord.NotFound), before the core does anything for it. ``acknowledge_first``: defer
        now whatever the time (a press that takes an offer: it is taken only once Discord has the press)."""
        pending = PendingAnswer(interaction, ephemeral, self.defer_after_s)
        self.platform.pending.expect(interaction.token, pending)
        if pending.due_in > 0 and not acknowledge_first:
            return pending
        await pending.defer()
        if pending.refused is not None:
            self.platform.pending.take(interaction.token)
            raise pending.refused
        return pending

    @asynccontextmanager
    async def answering(self, interaction: discord.Interaction, ephemeral: bool = False,
                        acknowledge_first: bool = False) -> AsyncIterator[None]:
        """Work on a command or button press: its first message answers it ("thinking…" if that is slow to
        come), and whatever happens it is acknowledged by the end.

        At most ``TURNS`` work towards their first message at once, the others wait their turn in order
        (acknowledged in time meanwhile): all of a burst at once would share the loop so evenly that every
        one of them came late, each past the point where it has to be deferred, instead of the first ones
        at once. A turn ends with the first message; what follows (follow-ups, the task) holds none.
        """
        pending = await self.defer(interaction, ephemeral, acknowledge_first)
        try:
            await pending.take_turn(self.turns)
            yield
        finally:
            pending.end_turn()
            try:
                await self.finish(interaction)
            finally:
                let_go(interaction)

    async def finish(self, interaction: discord.Interaction) -> None:
        """If the core posted nothing (its replies go through the interaction's channel), acknowledge the
        interaction all the same and clear the "thinking…" placeholder."""
        leftover = self.platform.pending.take(interaction.token)
        if leftover is not None:
            await leftover.close()

    # ── events ───────────────────────────────────────────────────────────────────────────────
    def addressed(self, message: discord.Message) -> bool:
        """A DM, or a mention of the bot's own user or its own role: never @everyone / @here."""
        if message.guild is None:
            return True
        if self.user is not None and any(user.id == self.user.id for user in message.mentions):
            return True
        me = message.guild.me
        own_roles = {role.id for role in me.roles if role.is_bot_managed()} if me is not None else set()
        return any(role.id in own_roles for role in message.role_mentions)

    async def on_message(self, message: discord.Message) -> None:
        """A mention or a DM: kept in the core's inbox (core/inbox.py) before it is worked on, so that a
        process that dies before answering leaves it to the next run (or another instance) instead of
        losing it: the gateway hands a message to one connection once and never again."""
        if message.author.bot or self.user is None:
            return
        if not self.addressed(message):
            return
        if not self.allowed(message.guild.id if message.guild else None):
            return
        user_id = str(message.author.id)
        kept: dict[str, Any] = {
            "message_id": message.id, "channel_id": message.channel.id, "author_id": user_id,
            "content": message.content, "guild_id": str(message.guild.id) if message.guild else None,
            "limit": message.guild.filesize_limit if message.guild else DEFAULT_UPLOAD_LIMIT,
            "attachments": [{"filename": a.filename, "url": a.url, "content_type": a.content_type}
                            for a in message.attachments[:4]]}
        key = f"m{message.id}"
        if await self.core.inbox.keep(PLATFORM, key, user_id, kept):  # False: kept already
            await self.core.inbox.answer(PLATFORM, key, lambda: self.handle_kept(kept))

    def _replay(self, key: str, kept: dict[str, Any], late: bool) -> None:
        """A kept mention nobody answered (its process died): answered now."""
        task = asyncio.get_running_loop().create_task(self.core.inbox.answer(
            PLATFORM, key, lambda: self.handle_kept(kept, replay=True, late=late), replay=True))
        self._replays.add(task)
        task.add_done_callback(self._replays.discard)

    async def handle_kept(self, kept: dict[str, Any], replay: bool = False, late: bool = False) -> None:
        """Answer a kept mention. ``replay``: its dead process had claimed its id already (not asked
        again); ``late``: see ChatEvent.late."""
        attachments = []
        for item in kept["attachments"]:
            try:
                attachments.append(Attachment(item["filename"], await self.http.get_from_cdn(item["url"]),
                                              item["content_type"]))
            except discord.HTTPException:
                continue
        route = {"kind": "message", "channel_id": kept["channel_id"], "reply_to": kept["message_id"],
                 "limit": kept["limit"]}
        source = f"m{kept['message_id']}"
        await self.core.handle(ChatEvent(
            platform=PLATFORM, user_id=kept["author_id"], chat_id=str(kept["channel_id"]),
            text=kept["content"], route=route, attachments=tuple(attachments), guild_id=kept["guild_id"],
            event_id=None if replay else source, source=source, late=late, direct=kept["guild_id"] is None))

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is not discord.InteractionType.component:
            return
        data: Mapping[str, Any] = interaction.data or {}
        parsed = parse_custom_id(str(data.get("custom_id", "")))
        if parsed is None:
            return
        kind, ref = parsed
        if kind == "menu":  # a choice from the model menu: its value carries the real action
            values = data.get("values") or []
            kind, ref = unpack_action(str(values[0] if values else "")) or ("", "")
            if not ref:
                return
        event = self.event_for(interaction)
        denied = await self.core.refusal(event, kind, ref)
        if denied is not None:
            await interaction.response.send_message(denied.title, ephemeral=True)
            return
        if kind == ActionKind.CANCEL_TASK:
            await interaction.response.defer()
            await self.core.press(event, kind, ref)
            return
        # A press on an offer (a paid confirmation, "Delete my data") uses the offer up: Discord must have
        # the press first, or a deferral it refuses as too late (10062) would leave the user with the offer
        # gone and nothing started; refused, the offer stays and the button can be pressed again.
        async with self.answering(interaction, acknowledge_first=kind == ActionKind.ACCEPT):
            await self.core.press(event, kind, ref)  # the reply answers the interaction

    async def on_app_command_error(self, interaction: discord.Interaction,
                                   error: app_commands.AppCommandError) -> None:
        """Commands that failed; one Discord no longer takes an answer for (too late) was said in answers.py
        already: no traceback per command when a burst overloads the bot."""
        if not isinstance(getattr(error, "original", None), discord.NotFound):
            log.warning("command failed", exc_info=error)


def let_go(interaction: discord.Interaction) -> None:
    """Once answered, let discord.py's Interaction be freed at once, not at the collector's next full pass.

    An Interaction and its InteractionResponse refer to each other (discord.py keeps the response in a
    cached slot, the response keeps its interaction), so with the payload, the member and the user they
    are a cycle only the cyclic collector frees; with the heap settled (bot/heap.py) that pass comes
    rarely, and a burst of 1,000 commands left ~3.5 MiB of answered interactions in memory. Dropping the
    cached response breaks the cycle; nothing reads it after the command's end (the task's status is
    edited through its route's token).
    """
    try:
        del interaction._cs_response  # type: ignore[attr-defined]
    except AttributeError:
        pass  # never asked for, or dropped already


class ShardedDiscordAdapter(DiscordAdapter, discord.AutoShardedClient):
    """The same bot over several gateway connections (shards) in one process.

    Discord sends a server's events only to shard ``(guild_id >> 22) % shard_count`` (DMs to shard 0), so
    each instance answers the interactions its own shards receive; status messages are edited over REST
    with what the task's route holds, so any instance can finish any task.
    """


def adapter_for(core: CoreService, shard_count: int | None, shard_ids: list[int] | None,
                **options: Any) -> DiscordAdapter:
    """The client for this instance's shards.

    Nothing set: every shard in this process, as many as Discord recommends (``GET /gateway/bot``).
    One shard id: a plain client on that shard. Several: an auto-sharded client on exactly those.
    """
    if shard_ids is not None and len(shard_ids) == 1:
        return DiscordAdapter(core, shard_id=shard_ids[0], shard_count=shard_count, **options)
    return ShardedDiscordAdapter(core, shard_count=shard_count, shard_ids=shard_ids, **options)
