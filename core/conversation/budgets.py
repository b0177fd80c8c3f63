"""Spending limits and switched-off media, checked before anything is charged.

Budgets count credits per UTC day, per user and per server (Discord guild / Feishu tenant); an
admin's setting for the server overrides the configured default.
"""

from __future__ import annotations

import time

from ..contracts import ChatEvent
from ..i18n import t
from ..kinds import ViewKind
from ..views import View
from .chat import DAY_S, Chat, day_start, scope_of


async def budgets(chat: Chat, event: ChatEvent) -> tuple[int, int]:
    """Today's (user, server) credit limits for this chat; 0 means no limit."""
    scope = scope_of(event)
    user = await chat.store.server_setting(scope, "budget.user")
    server = await chat.store.server_setting(scope, "budget.server")
    return (int(user) if user is not None else chat.settings.daily_budget_user,
            int(server) if server is not None else chat.settings.daily_budget_server)


async def over_budget(chat: Chat, event: ChatEvent, lang: str, cost: int) -> View | None:
    """Refuse before anything is charged when today's budget (UTC day) cannot cover this request."""
    user_limit, server_limit = await budgets(chat, event)
    since = day_start()
    hours, rest = divmod(int(since + DAY_S - time.time()), 3600)
    reset = t(lang, "budget.reset", h=hours, m=rest // 60)
    if user_limit:
        spent = await chat.store.spent_since(since, event.platform, user_id=event.user_id)
        if spent + cost > user_limit:
            left = max(0, user_limit - spent)
            return View(ViewKind.NOTICE, t(lang, "budget.user", cost=cost, left=left), (reset,),
                        language=lang)
    if server_limit and event.guild_id:
        spent = await chat.store.spent_since(since, event.platform, guild_id=event.guild_id)
        if spent + cost > server_limit:
            left = max(0, server_limit - spent)
            return View(ViewKind.NOTICE, t(lang, "budget.server", cost=cost, left=left), (reset,),
                        language=lang)
    return None


async def disabled_media(chat: Chat, event: ChatEvent) -> set[str]:
    """Media switched off in the configuration or by this server's admin."""
    stored = await chat.store.server_setting(scope_of(event), "disabled")
    return set(chat.settings.disabled_types) | set(filter(None, (stored or "").split(",")))
