"""Server admins' commands, in English or Chinese: budgets, switching media off/on, defaults, usage.

``admin budget user 100`` / ``管理 预算 用户 100``, ``admin disable video`` / ``管理 关闭 视频``,
``admin default image <model>`` / ``管理 默认 图片 <模型>``, ``admin usage`` / ``管理 用量``.
Words are read by :func:`parse_admin` into an :class:`AdminCommand`; each command is one function.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from .. import views
from ..catalogue import Model
from ..contracts import ChatEvent
from ..i18n import t
from ..kinds import ViewKind
from ..media import CATEGORIES_OF_MEDIA
from ..selection import find_mention
from ..views import View
from .chat import Chat, day_start, scope_of

ADMIN = re.compile(r"^\s*/?(admin|管理)\b\s*(.*)$", re.I | re.S)
MEDIA_WORDS = {"image": "image", "images": "image", "图片": "image", "video": "video", "videos": "video",
               "视频": "video", "music": "music", "音乐": "music"}
WHO_WORDS = {"user": "user", "用户": "user", "server": "server", "服务器": "server"}
VERBS = {"budget": "budget", "预算": "budget", "disable": "disable", "关闭": "disable", "enable": "enable",
         "开启": "enable", "default": "default", "默认": "default", "usage": "usage", "用量": "usage"}


@dataclass(frozen=True)
class AdminCommand:
    verb: str  # budget | disable | enable | default | usage | help
    media: str = ""  # image | video | music
    who: str = ""  # user | server (budget)
    amount: int = 0  # budget
    model: str = ""  # default


def admin_words(text: str) -> list[str] | None:
    """The words after "admin" / "管理", or None when the message is not an admin command."""
    found = ADMIN.match(text)
    return found.group(2).split() if found else None


def parse_admin(args: list[str]) -> AdminCommand:
    """Anything malformed is ``help`` (the admin sees the list of commands)."""
    words = [a.lower() for a in args]
    verb = VERBS.get(words[0], "") if words else ""
    if verb == "budget" and len(words) == 3 and words[1] in WHO_WORDS and words[2].isdigit():
        return AdminCommand("budget", who=WHO_WORDS[words[1]], amount=int(words[2]))
    if verb in ("disable", "enable") and len(words) == 2 and words[1] in MEDIA_WORDS:
        return AdminCommand(verb, media=MEDIA_WORDS[words[1]])
    if verb == "default" and len(words) >= 3 and words[1] in MEDIA_WORDS:
        return AdminCommand("default", media=MEDIA_WORDS[words[1]], model=" ".join(args[2:]))
    if verb == "usage":
        return AdminCommand("usage")
    return AdminCommand("help")


async def admin(chat: Chat, event: ChatEvent, lang: str, args: list[str]) -> View:
    if not event.is_admin:
        return View(ViewKind.DENIED, t(lang, "admin.not_allowed"), language=lang)
    command = parse_admin(args)
    return await COMMANDS[command.verb](chat, event, lang, command)


async def _budget(chat: Chat, event: ChatEvent, lang: str, command: AdminCommand) -> View:
    key = f"budget.{command.who}"
    await chat.store.set_server_setting(scope_of(event), key, str(command.amount))
    return views.notice(lang, "admin.budget_set", who=t(lang, f"admin.{key}"), n=command.amount)


async def _switch(chat: Chat, event: ChatEvent, lang: str, command: AdminCommand) -> View:
    scope, media = scope_of(event), command.media
    current = set(filter(None, ((await chat.store.server_setting(scope, "disabled")) or "").split(",")))
    current = current | {media} if command.verb == "disable" else current - {media}
    await chat.store.set_server_setting(scope, "disabled", ",".join(sorted(current)) or None)
    key = "admin.type_off_set" if media in current else "admin.type_on_set"
    return views.notice(lang, key, media=t(lang, f"media.{media}"))


async def _default(chat: Chat, event: ChatEvent, lang: str, command: AdminCommand) -> View:
    name, saved = command.model, None
    for category in CATEGORIES_OF_MEDIA[command.media]:
        catalogue = await chat.selector.catalogue(category, lang)
        found: Model | None = catalogue.find(name) or next(
            (m for m in catalogue if m.name.lower() == name.lower()), None)
        if found is None:
            mention = find_mention(name, catalogue)
            found = mention.model if mention else None
        if found is not None:
            await chat.store.set_server_setting(scope_of(event), f"default.{category}", found.model_id)
            saved = found
    if saved is None:
        return views.notice(lang, "model.unknown")
    return views.notice(lang, "admin.default_set", media=t(lang, f"media.{command.media}"), model=saved.name)


async def _usage(chat: Chat, event: ChatEvent, lang: str, command: AdminCommand) -> View:
    rows = await chat.store.usage_breakdown(day_start(), event.platform, event.guild_id)
    lines = tuple(t(lang, "admin.usage_line", user=r["user_id"], model=r["model_id"], n=r["n"],
                    credits=r["credits"])
                  for r in rows)
    title = t(lang, "admin.usage_title", total=sum(r["credits"] for r in rows))
    return View(ViewKind.NOTICE, title, lines or (t(lang, "admin.usage_none"),), language=lang)


async def _help(chat: Chat, event: ChatEvent, lang: str, command: AdminCommand) -> View:
    topics = ("default", "budget", "switch", "usage")
    return View(ViewKind.NOTICE, t(lang, "admin.help"), tuple(t(lang, f"admin.help_{k}") for k in topics),
                language=lang)


COMMANDS: dict[str, Callable[[Chat, ChatEvent, str, AdminCommand], Awaitable[View]]] = {
    "budget": _budget, "disable": _switch, "enable": _switch, "default": _default, "usage": _usage,
    "help": _help,
}
