"""Core views as Discord embeds, files and buttons."""

from __future__ import annotations

import functools
import io
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from core.views import View, pack_action, t, unpack_action

COLOURS = {"result": 0x2FBF71, "failure": 0xE5484D, "denied": 0xE5484D, "offer": 0xF5A524,
           "confirm": 0xF5A524, "cancelled": 0x8A8F98, "interrupted": 0xF5A524}
EXT = {"image": "png", "video": "mp4", "audio": "mp3"}
CUSTOM_ID_PREFIX = "ima"

Fetch = Callable[[str], Awaitable[bytes]]


def custom_id(kind: str, ref: str) -> str:
    return pack_action(CUSTOM_ID_PREFIX, pack_action(kind, ref))[:100]


def parse_custom_id(value: str) -> tuple[str, str] | None:
    outer = unpack_action(value)
    if outer is None or outer[0] != CUSTOM_ID_PREFIX:
        return None
    return unpack_action(outer[1])


def _bar(percent: int) -> str:
    filled = round(percent / 10)
    return "▰" * filled + "▱" * (10 - filled) + f" {percent}%"


@functools.lru_cache(maxsize=4096)
def _clean(text: str) -> str:
    """Text shown as is: no markdown, no pings. Cached (4,096 lines): a status message's lines repeat in
    every edit and across users, and the escaping regexes were a third of rendering one."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


MENU_KINDS = ("pick_model", "accept")


def buttons(view: View) -> discord.ui.View | None:
    """Buttons; two or more priced model choices become one menu listing each model with its price.

    The view is only a builder for the message's components: it is stopped before it is sent, so
    discord.py does not keep it (one object per status message, forever). Presses reach
    ``on_interaction`` by custom id, which also works after a restart.
    """
    if not view.actions:
        return None
    ui = discord.ui.View(timeout=None)
    styles = {"primary": discord.ButtonStyle.primary, "danger": discord.ButtonStyle.danger}
    choices = [a for a in view.actions if a.kind in MENU_KINDS and a.detail]
    if len(choices) >= 2:
        ui.add_item(
            discord.ui.Select(
                custom_id=custom_id("menu", view.owner or ""),
                placeholder=t(view.language, "discord.choose_model"),
                options=[
                    discord.SelectOption(
                        label=a.label[:100],
                        description=a.detail[:100],
                        value=pack_action(a.kind, a.ref)[:100],
                    )
                    for a in choices[:25]
                ],
            )
        )
    for action in view.actions[:20]:
        if action in choices and len(choices) >= 2:
            continue
        ui.add_item(discord.ui.Button(label=action.label[:80], custom_id=custom_id(action.kind, action.ref),
                                      style=styles.get(action.style, discord.ButtonStyle.secondary)))
    ui.stop()
    return ui


def let_go_of_buttons(kwargs: dict[str, Any]) -> None:
    """Once the message is sent or edited, free its buttons at once (:func:`buttons`' view is a builder).

    A discord.py view and its items refer to each other, a cycle only the cyclic collector frees: with a
    status edit per task every few seconds and the heap settled (bot/heap.py), thousands of spent views
    waited for it. Emptying the view (discord.py's own ``clear_items``) breaks the cycle.
    """
    ui = kwargs.get("view")
    if isinstance(ui, discord.ui.View):
        ui.clear_items()


async def render(view: View, fetch: Fetch, upload_limit: int, notes: tuple[str, ...] = ()) -> dict[str, Any]:
    """Keyword arguments for send/edit: embeds, attachments (results inline when small enough), buttons.

    ``notes`` are extra lines the adapter adds about the platform itself (e.g. updates may stop).
    """
    lines = [_clean(line) for line in (*view.lines, *notes)]
    if view.progress is not None and not view.final and view.kind in ("status", "progress"):
        lines.append(_bar(view.progress))
    embed = discord.Embed(title=_clean(view.title)[:256], description="\n".join(lines)[:4000] or None,
                          colour=COLOURS.get(view.kind, 0x5B7CFF))
    embeds = [embed]
    files: list[discord.File] = []
    links = []
    budget = upload_limit
    for index, item in enumerate(view.media[:10]):
        links.append(f"[{index + 1}]({item.url})")
        if budget <= 0:
            continue  # nothing fits: links only, without downloading
        try:
            data = await fetch(item.url)
        except Exception:
            data = b""
        if data and len(data) <= budget:
            budget -= len(data)
            name = f"result-{index + 1}.{EXT.get(item.kind, 'bin')}"
            files.append(discord.File(io.BytesIO(data), filename=name))
            if item.kind == "image":
                target = embed if index == 0 else discord.Embed(url=item.url, colour=embed.colour)
                target.set_image(url=f"attachment://{name}")
                if index:
                    embeds.append(target)
    if links:
        embed.add_field(name="🔗", value=" ".join(links)[:1024], inline=False)
    kwargs: dict[str, Any] = {"embeds": embeds[:10], "allowed_mentions": discord.AllowedMentions.none(),
                              "attachments": files, "content": None}
    ui = buttons(view)
    kwargs["view"] = ui if ui is not None else discord.utils.MISSING
    return kwargs
