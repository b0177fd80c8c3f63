"""Slash commands: typed options mapped to the core's intent options; names localized through our locales.

This module knows the bot only through :class:`CommandHost` (the adapter implements it), so
``adapter`` imports ``commands`` and never the other way round.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

import discord
from discord import app_commands
from discord.app_commands import locale_str as _

from core.contracts import Attachment, ChatEvent
from core.service import CoreService
from core.views import strings

log = logging.getLogger(__name__)


class CommandHost(Protocol):
    """What the commands need from the bot."""

    core: CoreService
    models: ModelMenu

    def answering(self, interaction: discord.Interaction,
                  ephemeral: bool = False) -> AbstractAsyncContextManager[None]: ...

    def allowed(self, guild_id: int | None) -> bool: ...

    def event_for(self, interaction: discord.Interaction, text: str = "", **extra: Any) -> ChatEvent: ...


# (media, language) → [(name, min credits)]
LoadModels = Callable[[str, str], Awaitable[list[tuple[str, int]]]]


class ModelMenu:
    """Model names for autocomplete, answered from memory.

    Discord drops an autocomplete answer after 3 s, and a cold catalogue read from IMA can take
    longer: choices come from the last list we read (filled at start, refreshed in the background
    when older than ``ttl_s``), never from a call the answer has to wait for.
    """

    def __init__(self, load: LoadModels, ttl_s: float = 300.0) -> None:
        self._load = load
        self.ttl_s = ttl_s
        self._lists: dict[tuple[str, str], tuple[float, list[tuple[str, int]]]] = {}
        self._refreshing: dict[tuple[str, str], asyncio.Task[None]] = {}

    def warm(self) -> None:
        for media in ("image", "video", "music"):
            for language in ("en", "zh"):
                self._refresh((media, language))

    def _refresh(self, key: tuple[str, str]) -> None:
        if key in self._refreshing:
            return

        async def run() -> None:
            try:
                self._lists[key] = (time.monotonic(), await self._load(*key))
            except Exception as exc:  # keep the last list; the next keystroke tries again
                log.warning("model list refresh failed", extra={"error": type(exc).__name__})
            finally:
                self._refreshing.pop(key, None)

        self._refreshing[key] = asyncio.get_running_loop().create_task(run())

    def choices(self, media: str, language: str, current: str) -> list[app_commands.Choice[str]]:
        medias = ("image", "video", "music") if media == "any" else (media,)
        out: list[app_commands.Choice[str]] = []
        seen: set[str] = set()
        for m in medias:
            entry = self._lists.get((m, language))
            if entry is None or time.monotonic() - entry[0] > self.ttl_s:
                self._refresh((m, language))
            for name, points in entry[1] if entry else []:
                if name in seen or current.lower() not in name.lower():
                    continue
                seen.add(name)
                out.append(app_commands.Choice(name=f"{name} · {points}+"[:100], value=name))
        return out[:25]


def catalogue_loader(core: CoreService) -> LoadModels:
    async def load(media: str, language: str) -> list[tuple[str, int]]:
        return [(choice.name, choice.min_credits) for choice in await core.model_choices(media, language)]

    return load


class Translator(app_commands.Translator):
    """Command names and descriptions in zh-CN from ``locales/zh.json`` (keys ``discord.*``); English is
    the default."""

    async def translate(self, string: app_commands.locale_str, locale: discord.Locale,
                        context: app_commands.TranslationContext[Any, Any]) -> str | None:
        key = string.extras.get("key")
        if not key or locale not in (discord.Locale.chinese, discord.Locale.taiwan_chinese):
            return None
        return strings("zh").get(key)


SIZES = [app_commands.Choice(name=s, value=s) for s in ("512px", "1K", "2K", "4K")]
RESOLUTIONS = [app_commands.Choice(name=s, value=s) for s in ("540P", "720P", "1080P", "4K")]
RATIOS = [app_commands.Choice(name=s, value=s) for s in ("16:9", "9:16", "1:1", "4:3")]
VOCALS = [app_commands.Choice(name=_("female", key="discord.choice.female"), value="female"),
          app_commands.Choice(name=_("male", key="discord.choice.male"), value="male"),
          app_commands.Choice(name=_("duet", key="discord.choice.mixed"), value="mixed")]
VIDEO_KINDS = [app_commands.Choice(name=_("animate the picture", key="discord.choice.animate"),
                                   value="animate"),
               app_commands.Choice(name=_("first and last frame", key="discord.choice.first_last"),
                                   value="first_last"),
               app_commands.Choice(name=_("reference picture", key="discord.choice.reference"),
                                   value="reference")]
MEDIA = [app_commands.Choice(name=_("image", key="media.image"), value="image"),
         app_commands.Choice(name=_("video", key="media.video"), value="video"),
         app_commands.Choice(name=_("music", key="media.music"), value="music")]
PREF_ACTIONS = [app_commands.Choice(name=_("show", key="discord.choice.show"), value="show"),
                app_commands.Choice(name=_("set", key="discord.choice.set"), value="set"),
                app_commands.Choice(name=_("reset", key="discord.choice.reset"), value="reset")]


def build_tree(client: discord.Client, bot: CommandHost) -> app_commands.CommandTree[Any]:
    """The commands, installable to servers only.

    A user-installed app cannot see the channels it is used in, so after the 15-minute interaction
    token it could not deliver a long task's result: commands are offered in servers that
    installed the bot and in DMs with it, not as a user install.
    """
    tree: app_commands.CommandTree[Any] = app_commands.CommandTree(
        client, allowed_installs=app_commands.AppInstallationType(guild=True, user=False),
        allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=False))
    core = bot.core

    async def model_choices(interaction: discord.Interaction, current: str,
                            media: str) -> list[app_commands.Choice[str]]:
        language = "zh" if str(interaction.locale).startswith("zh") else "en"
        return bot.models.choices(media, language, current)

    async def generate(interaction: discord.Interaction, media: str, prompt: str, options: dict[str, Any],
                       files: list[discord.Attachment | None]) -> None:
        async with bot.answering(interaction):
            if not bot.allowed(interaction.guild_id):
                return
            attachments = []
            for item in files:
                if item is not None:
                    attachments.append(Attachment(item.filename, await item.read(), item.content_type))
            event = bot.event_for(interaction, prompt, attachments=tuple(attachments), media=media,
                                  options={k: v for k, v in options.items() if v is not None})
            # The conversation posts its own reply through the channel: that answers the interaction.
            await core.handle(event)

    @tree.command(name=_("image", key="discord.cmd.image"),
                  description=_("Create an image", key="discord.cmd.image.desc"))
    @app_commands.describe(prompt=_("What the image shows", key="discord.opt.prompt"),
                           size=_("Size", key="discord.opt.size"),
                           count=_("How many (1-4)", key="discord.opt.count"),
                           model=_("Model", key="discord.opt.model"),
                           image=_("A picture to edit", key="discord.opt.image"))
    @app_commands.choices(size=SIZES)
    async def image(interaction: discord.Interaction, prompt: str, size: str | None = None,
                    count: app_commands.Range[int, 1, 10] | None = None, model: str | None = None,
                    image: discord.Attachment | None = None) -> None:
        await generate(interaction, "image", prompt, {"size": size, "n": count, "model": model}, [image])

    @image.autocomplete("model")
    async def image_models(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await model_choices(interaction, current, "image")

    @tree.command(name=_("video", key="discord.cmd.video"),
                  description=_("Create a video", key="discord.cmd.video.desc"))
    @app_commands.describe(prompt=_("What happens in the video", key="discord.opt.prompt_video"),
                           duration=_("Length in seconds", key="discord.opt.duration"),
                           resolution=_("Resolution", key="discord.opt.resolution"),
                           aspect_ratio=_("Shape", key="discord.opt.aspect_ratio"),
                           audio=_("With sound", key="discord.opt.audio"),
                           model=_("Model", key="discord.opt.model"),
                           image=_("Picture to animate, or the first frame", key="discord.opt.first"),
                           last_frame=_("Last frame", key="discord.opt.last"),
                           kind=_("How to use the pictures", key="discord.opt.kind"))
    @app_commands.choices(resolution=RESOLUTIONS, aspect_ratio=RATIOS, kind=VIDEO_KINDS)
    async def video(interaction: discord.Interaction, prompt: str,
                    duration: app_commands.Range[int, 1, 120] | None = None,
                    resolution: str | None = None, aspect_ratio: str | None = None, audio: bool | None = None,
                    model: str | None = None, image: discord.Attachment | None = None,
                    last_frame: discord.Attachment | None = None, kind: str | None = None) -> None:
        await generate(interaction, "video", prompt,
                       {"duration": duration, "resolution": resolution, "aspect_ratio": aspect_ratio,
                                                      "generate_audio": audio, "model": model,
                                                      "video_kind": kind}, [image, last_frame])

    @video.autocomplete("model")
    async def video_models(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await model_choices(interaction, current, "video")

    @tree.command(name=_("music", key="discord.cmd.music"),
                  description=_("Create music", key="discord.cmd.music.desc"))
    @app_commands.describe(prompt=_("Style and mood", key="discord.opt.prompt_music"),
                           lyrics=_("Your own lyrics", key="discord.opt.lyrics"),
                           vocal=_("Voice", key="discord.opt.vocal"),
                           count=_("How many (1-2)", key="discord.opt.count"),
                           model=_("Model", key="discord.opt.model"))
    @app_commands.choices(vocal=VOCALS)
    async def music(interaction: discord.Interaction, prompt: str, lyrics: str | None = None,
                    vocal: str | None = None,
                    count: app_commands.Range[int, 1, 4] | None = None, model: str | None = None) -> None:
        options = {"lyrics": lyrics, "vocal_gender": vocal, "n": count, "model": model}
        if lyrics or vocal:
            options["custom_mode"] = True
        await generate(interaction, "music", prompt, options, [])

    @music.autocomplete("model")
    async def music_models(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await model_choices(interaction, current, "music")

    async def simple(interaction: discord.Interaction, name: str, **args: Any) -> None:
        async with bot.answering(interaction, ephemeral=True):
            await core.command(bot.event_for(interaction), name, **args)  # answers through the interaction

    @tree.command(name=_("models", key="discord.cmd.models"),
                  description=_("Models, prices and times", key="discord.cmd.models.desc"))
    @app_commands.choices(kind=MEDIA)
    async def models(interaction: discord.Interaction, kind: str | None = None) -> None:
        await simple(interaction, "list_models", media=kind)

    @tree.command(name=_("prefs", key="discord.cmd.prefs"),
                  description=_("Your default models", key="discord.cmd.prefs.desc"))
    @app_commands.choices(action=PREF_ACTIONS, kind=MEDIA)
    async def prefs(interaction: discord.Interaction, action: str = "show", model: str | None = None,
                    kind: str | None = None) -> None:
        name = {"show": "show_preferences", "set": "set_preference", "reset": "reset_preference"}[action]
        await simple(interaction, name, media=kind, model=model)

    @prefs.autocomplete("model")
    async def prefs_models(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await model_choices(interaction, current, "any")

    @tree.command(name=_("usage", key="discord.cmd.usage"),
                  description=_("Your requests and credits today", key="discord.cmd.usage.desc"))
    async def usage(interaction: discord.Interaction) -> None:
        await simple(interaction, "usage")

    @tree.command(name=_("cancel", key="discord.cmd.cancel"),
                  description=_("Stop your running requests", key="discord.cmd.cancel.desc"))
    async def cancel(interaction: discord.Interaction) -> None:
        await simple(interaction, "cancel")

    @tree.command(name=_("forget-me", key="discord.cmd.forget"),
                  description=_("Delete everything stored about you", key="discord.cmd.forget.desc"))
    async def forget_me(interaction: discord.Interaction) -> None:
        await simple(interaction, "forget_me")

    @tree.command(name=_("admin", key="discord.cmd.admin"),
                  description=_("Server settings (Manage Server)", key="discord.cmd.admin.desc"))
    @app_commands.describe(command=_("e.g. default video Kling O1 · budget user 200 · disable video · usage",
                                     key="discord.opt.admin"))
    async def admin(interaction: discord.Interaction, command: str = "") -> None:
        async with bot.answering(interaction, ephemeral=True):
            await core.handle(bot.event_for(interaction, f"admin {command}"))

    return tree
