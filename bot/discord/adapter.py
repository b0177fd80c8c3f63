"""Discord adapter: chat events in, core views out. No business logic here.

Slash commands and button presses are acknowledged at once (well under Discord's 3 s); the
deferred "thinking" response becomes the status message and is edited in place through the
interaction token while it is valid, then through the bot token, then (if even that fails) the
outcome goes out as a new message. Routes and message references are plain JSON, stored with each
task, so after a restart the same message keeps updating.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from typing import Any

import discord
from discord import app_commands

from core.contracts import Attachment, ChannelError, ChatEvent
from core.i18n import detect_language
from core.service import CoreService
from core.views import View

from .commands import build_tree
from .render import parse_custom_id, render

log = logging.getLogger(__name__)

PLATFORM = "discord"
DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024


class DiscordPlatform:
    """The core's view of Discord: a channel per route."""

    name = PLATFORM

    def __init__(self, client: discord.Client, core: CoreService, token_ttl_s: float = 14 * 60) -> None:
        self.client = client
        self.core = core
        self.token_ttl_s = token_ttl_s
        self.deferred: dict[str, discord.Interaction] = {}  # interaction token → deferred response not yet used

    def channel(self, route: Mapping[str, Any]) -> DiscordChannel:
        return DiscordChannel(self, dict(route))


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

    async def _kwargs(self, view: View) -> dict[str, Any]:
        limit = int(self.route.get("limit") or DEFAULT_UPLOAD_LIMIT)
        return await render(view, self.platform.core.client.fetch_bytes, limit)

    async def send(self, view: View) -> str:
        kwargs = await self._kwargs(view)
        channel_id = int(self.route["channel_id"])
        try:
            interaction = self.platform.deferred.pop(self.route.get("token", ""), None)
            if interaction is not None:
                message = await interaction.edit_original_response(**kwargs)
            elif self._token_valid():
                message = await self._webhook().send(wait=True, **_for_send(kwargs))
            else:
                target = self.client.get_partial_messageable(channel_id)
                reply_to = self.route.get("reply_to")
                reference = discord.MessageReference(message_id=int(reply_to), channel_id=channel_id, fail_if_not_exists=False) if reply_to else None
                message = await target.send(reference=reference, **_for_send(kwargs))
        except discord.HTTPException as exc:
            raise ChannelError(f"send failed ({exc.status})", gone=exc.status in (403, 404)) from exc
        return json.dumps({"c": channel_id, "m": message.id})

    async def edit(self, ref: str, view: View) -> None:
        target = json.loads(ref)
        kwargs = await self._kwargs(view)
        if self._token_valid():
            try:
                await self._webhook().edit_message(int(target["m"]), **kwargs)
                return
            except discord.HTTPException as exc:
                if exc.status not in (401, 403, 404):
                    raise ChannelError(f"edit failed ({exc.status})") from exc
                # the interaction token expired early: fall through to the bot's own token
        try:
            message = self.client.get_partial_messageable(int(target["c"])).get_partial_message(int(target["m"]))
            await message.edit(**kwargs)
        except discord.HTTPException as exc:
            raise ChannelError(f"edit failed ({exc.status})", gone=exc.status in (403, 404)) from exc


def _for_send(kwargs: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in kwargs.items() if k not in ("attachments", "content")}
    out["files"] = kwargs.get("attachments") or discord.utils.MISSING
    if out.get("view") is discord.utils.MISSING:
        out.pop("view")
    return out


class DiscordAdapter(discord.Client):
    """The bot client: commands, mentions and buttons, all handed to the core."""

    def __init__(self, core: CoreService, *, guild_allowlist: list[int] | None = None, dev_guild: int | None = None,
                 token_ttl_s: float = 14 * 60, sync_commands: bool = True) -> None:
        intents = discord.Intents.default()
        intents.message_content = True
        super().__init__(intents=intents, allowed_mentions=discord.AllowedMentions.none())
        self.core = core
        self.platform = DiscordPlatform(self, core, token_ttl_s)
        self.guild_allowlist = set(guild_allowlist or [])
        self.dev_guild = dev_guild
        self.sync_commands = sync_commands
        self.tree = build_tree(self)
        self.platform.connected = lambda: self.is_ready() and not self.is_closed()  # type: ignore[attr-defined]
        core.add_platform(self.platform)

    async def setup_hook(self) -> None:
        from .commands import Translator

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
        return {"kind": "interaction", "app_id": interaction.application_id, "token": interaction.token,
                "channel_id": interaction.channel_id, "at": time.time(), "limit": interaction.filesize_limit}

    def event_for(self, interaction: discord.Interaction, text: str = "", **extra: Any) -> ChatEvent:
        language = "zh" if detect_language(text, "") == "zh" else ("zh" if str(interaction.locale).startswith("zh") else "en")
        return ChatEvent(platform=PLATFORM, user_id=str(interaction.user.id), chat_id=str(interaction.channel_id),
                         text=text, route=self.interaction_route(interaction), language=language,
                         guild_id=str(interaction.guild_id) if interaction.guild_id else None,
                         event_id=f"i{interaction.id}",
                         is_admin=bool(getattr(interaction.permissions, "manage_guild", False)), **extra)

    async def defer(self, interaction: discord.Interaction, ephemeral: bool = False) -> None:
        await interaction.response.defer(thinking=True, ephemeral=ephemeral)
        self.platform.deferred[interaction.token] = interaction

    async def finish(self, interaction: discord.Interaction, reply: View | None) -> None:
        """Send the core's reply, or clear the "thinking…" placeholder if the core posted nothing there."""
        if reply is not None and interaction.token in self.platform.deferred:
            await self.platform.channel(self.interaction_route(interaction)).send(reply)
        leftover = self.platform.deferred.pop(interaction.token, None)
        if leftover is not None:
            try:
                await leftover.delete_original_response()
            except discord.HTTPException:
                pass

    # ── events ───────────────────────────────────────────────────────────────────────────────
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or self.user is None:
            return
        direct = message.guild is None
        if not direct and not self.user.mentioned_in(message):
            return
        if not self.allowed(message.guild.id if message.guild else None):
            return
        attachments = []
        for item in message.attachments[:4]:
            try:
                attachments.append(Attachment(item.filename, await item.read(), item.content_type))
            except discord.HTTPException:
                continue
        route = {"kind": "message", "channel_id": message.channel.id, "reply_to": message.id,
                 "limit": message.guild.filesize_limit if message.guild else DEFAULT_UPLOAD_LIMIT}
        await self.core.conversation.handle(ChatEvent(
            platform=PLATFORM, user_id=str(message.author.id), chat_id=str(message.channel.id), text=message.content,
            route=route, attachments=tuple(attachments), guild_id=str(message.guild.id) if message.guild else None,
            event_id=f"m{message.id}"))

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is not discord.InteractionType.component:
            return
        data = interaction.data or {}
        parsed = parse_custom_id(str(data.get("custom_id", "")))
        if parsed is None:
            return
        kind, ref = parsed
        if kind == "menu":  # a choice from the model menu: its value carries the real action
            values = data.get("values") or []
            kind, _, ref = str(values[0] if values else "").partition("|")
            if not ref:
                return
        event = self.event_for(interaction)
        denied = self.core.conversation.check_owner(event, await self.core.conversation.owner_of(kind, ref))
        if denied is not None:
            await interaction.response.send_message(denied.title, ephemeral=True)
            return
        if kind == "cancel_task":
            await interaction.response.defer()
            await self.core.conversation.handle_action(event, kind, ref)
            return
        await self.defer(interaction)
        reply = await self.core.conversation.handle_action(event, kind, ref)
        await self.finish(interaction, reply)

    async def on_app_command_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        log.warning("command failed", exc_info=error)
