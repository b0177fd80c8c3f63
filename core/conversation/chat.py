"""What every conversation handler works with: the core's parts (:class:`Chat`) and one message
(:class:`Turn`).

Every handler has the same signature, ``(chat, turn) -> View | None``, so the table from intent
kind to handler (:mod:`.table`) is typed and a new kind is one function plus one table row.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from ..catalogue import Catalogue, Model
from ..contracts import ChatEvent
from ..ima_client import IMAClient
from ..intent import Intent
from ..manager import TaskManager
from ..media import CATEGORIES
from ..selection import Selector
from ..store import Store
from ..views import View

DAY_S = 86400


@dataclass
class ConversationSettings:
    cheaper_hint_above: int = 50
    confirm_above: int = 100
    max_prompt_chars: int = 2000
    time_scale: float = 1.0
    daily_budget_user: int = 0  # 0: no limit
    daily_budget_server: int = 0
    disabled_types: tuple[str, ...] = ()


@dataclass
class Chat:
    """The core's parts a handler may use; one per running core."""

    store: Store
    selector: Selector
    manager: TaskManager
    settings: ConversationSettings

    @property
    def client(self) -> IMAClient:
        return self.selector.client

    async def catalogues(self, language: str) -> dict[str, Catalogue]:
        """Every category's live catalogue in this language (cached by the client)."""
        out: dict[str, Catalogue] = {}
        for category in CATEGORIES:
            found = self.client.cached_catalogue(category, language)
            out[category] = found if found is not None else await self.selector.catalogue(category, language)
        return out


@dataclass
class Turn:
    """One message being answered: who said it, what it asks for, and what came with it."""

    event: ChatEvent
    intent: Intent
    images: list[bytes] = field(default_factory=list)
    loaded: Mapping[str, Catalogue] | None = None  # the catalogues the parser already read, if any

    @property
    def language(self) -> str:
        return self.intent.language

    async def catalogues(self, chat: Chat) -> Mapping[str, Catalogue]:
        """Read only when a handler needs them, so /usage or /cancel work while the catalogue is
        unreachable."""
        if self.loaded is None:
            self.loaded = await chat.catalogues(self.language)
        return self.loaded


Handler = Callable[[Chat, Turn], Awaitable[View | None]]


@dataclass
class Choice:
    """The model picked for a request and why (the reason changes what the status message says)."""

    model: Model
    source: str  # explicit | preference | default | cheapest | best | server
    notes: list[str]


def day_start(now: float | None = None) -> float:
    """Budgets and usage count per UTC day."""
    now = time.time() if now is None else now
    return now - now % DAY_S


def scope_of(event: ChatEvent) -> str:
    """Admin settings and server budgets apply per Discord server / Feishu tenant (or per direct chat)."""
    return f"{event.platform}:{event.guild_id or 'direct'}"
