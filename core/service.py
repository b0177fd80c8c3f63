"""The platform-free core, assembled: store, IMA client, selector, task manager, conversation.

:class:`CoreService` is the only door an adapter uses: it hands over messages, button presses and
menu commands (the core answers through the event's channel), and asks the few questions an
adapter needs before acknowledging a platform event (seen before? whose button? which models?).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .config import Settings
from .contracts import ChatEvent, Platform
from .conversation import Conversation, ConversationSettings
from .conversation.budgets import budgets
from .conversation.chat import day_start
from .feed import Feed, Subscriber, open_feed
from .gallery import GalleryItem, Spending, gallery
from .ima_client import IMAClient
from .inbox import Inbox
from .manager import ManagerSettings, TaskManager
from .media import CATEGORIES, MEDIA_OF_CATEGORY
from .metrics import Metrics
from .model_menu import ModelMenu, model_menus
from .reply_order import ReplyOrder
from .selection import Selector
from .shards import ShardAction, ShardKeeper
from .store import Store
from .views import ModelChoice, View

log = logging.getLogger(__name__)

HEALTH_CACHE_S = 3.0


@dataclass
class CoreService:
    settings: Settings
    store: Store
    client: IMAClient
    selector: Selector
    manager: TaskManager
    conversation: Conversation
    metrics: Metrics
    feed: Feed
    inbox: Inbox
    _purger: asyncio.Task[None] | None = field(default=None, init=False, repr=False)
    _keepers: list[ShardKeeper] = field(default_factory=list, init=False, repr=False)
    _started: bool = field(default=False, init=False, repr=False)
    _order: ReplyOrder = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._order = ReplyOrder(self.settings.bot.reply_order_wait_s)

    @classmethod
    async def open(cls, settings: Settings, *, api_key: str, base_url: str, upload_url: str) -> CoreService:
        bot = settings.bot
        store = await Store.open(bot.data_dir, settings.database.postgres_url)
        client = IMAClient(api_key, base_url=base_url, upload_url=upload_url,
                           timeout_s=settings.ima.timeout_s,
                           catalogue_ttl_s=settings.ima.catalogue_ttl_s,
                           upload_max_bytes=settings.ima.upload_max_bytes, language=settings.ima.language)
        selector = Selector(client)
        manager = TaskManager(store, client, {}, ManagerSettings(
            time_scale=bot.time_scale, max_active_per_user=bot.max_active_per_user,
            max_active_total=bot.max_active_total,
            check_concurrency=bot.check_concurrency, instance_id=bot.instance_id, lease_s=bot.lease_s),
            alternatives=selector.alternatives_for)
        conversation = Conversation(store, selector, manager, ConversationSettings(
            cheaper_hint_above=bot.cheaper_hint_above, confirm_above=bot.confirm_above,
            max_prompt_chars=bot.max_prompt_chars, time_scale=bot.time_scale,
            daily_budget_user=bot.daily_budget_user,
            daily_budget_server=bot.daily_budget_server, disabled_types=tuple(bot.disabled_types)))
        metrics = Metrics()
        metrics.observe(client, manager)
        feed = await open_feed(store)
        inbox = Inbox(store, manager.instance_id, bot.lease_s, shared=manager.shared)
        return cls(settings, store, client, selector, manager, conversation, metrics, feed, inbox)

    async def health(self) -> dict[str, bool]:
        """IMA answering now, the database taking a real write, every adapter connected.

        Checked for real (never the cached catalogue), briefly, and the answer kept for a few
        seconds so a busy probe cannot turn /healthz into load on IMA or the disk.
        """
        now = time.monotonic()
        cached = getattr(self, "_health", None)
        if cached is not None and now - cached[0] < HEALTH_CACHE_S:
            return dict(cached[1])
        ima, database = await asyncio.gather(self.client.reachable(), self.store.writable())
        checks = {"ima": ima, "database": database}
        if self.feed.shared:  # live updates between instances: said when they stop, never silently lost
            checks["live_updates"] = self.feed.listening()
        if self.inbox.used:  # messages received but not kept are lost if the process dies: said
            checks["inbox"] = not self.inbox.failing
        for name, platform in self.manager.platforms.items():
            checks[f"adapter:{name}"] = platform.connected()
        self._health = (now, checks)
        return dict(checks)

    def placement(self) -> dict[str, str | bool]:
        """Which store this instance runs on and under what name: /healthz says it, so an operator sees at
        a glance that replicas share one database (and which replica answered)."""
        return {"backend": self.store.dialect, "shared": self.store.dialect == "postgresql",
                "instance": self.manager.instance_id}

    # ── the door adapters use ────────────────────────────────────────────────────────────────
    async def handle(self, event: ChatEvent) -> None:
        """A chat message; the reply (if any) goes to the event's channel. A person's messages in one chat get
        their first replies in the order sent (each waits a moment at most for the previous one's; the work
        itself runs concurrently): see core/reply_order.py."""
        with self._order.message(event.platform, event.chat_id, event.user_id), \
                self.manager.answers.answer():  # in a backlog of answers, creates wait
            await self.conversation.handle(event)

    async def press(self, event: ChatEvent, kind: str, ref: str) -> None:
        """A button press; the reply (if any) goes to the event's channel."""
        with self.manager.answers.answer():
            await self.conversation.handle_action(event, kind, ref)

    async def command(self, event: ChatEvent, name: str, *, media: str | None = None,
                      model: str | None = None) -> None:
        """A menu command (list_models, show/set/reset_preference, usage, cancel, forget_me); answered
        likewise."""
        with self.manager.answers.answer():
            await self.conversation.command(event, name, media, model)

    async def first_delivery(self, platform: str, event_id: str) -> bool:
        """True the first time a platform event id is seen; platforms redeliver, and nothing may run twice."""
        return await self.store.claim_event(platform, event_id)

    async def refusal(self, event: ChatEvent, kind: str, ref: str) -> View | None:
        """The refusal to show only to the presser when the button is someone else's; None when they may
        press."""
        return await self.conversation.refusal(event, kind, ref)

    async def model_choices(self, media: str, language: str, typed: str = "") -> list[ModelChoice]:
        """Models of one media (or "any") whose name contains ``typed``, for menus that autocomplete."""
        out: list[ModelChoice] = []
        seen: set[str] = set()
        for category in CATEGORIES:
            if media != "any" and MEDIA_OF_CATEGORY[category] != media:
                continue
            for model in await self.client.catalogue(category, language):
                if model.name in seen or typed.lower() not in model.name.lower():
                    continue
                seen.add(model.name)
                out.append(ModelChoice(model.name, model.min_points))
        return out

    async def fetch_bytes(self, url: str) -> bytes:
        """A result's bytes, for platforms that attach results instead of linking them."""
        return await self.client.fetch_bytes(url)

    async def wait_idle(self, timeout_s: float | None = None) -> None:
        """Return once no task is being watched or delivered (end of a terminal session)."""
        await self.manager.wait_idle(timeout_s)

    async def wait_for_slot(self, platform: str, user_id: str) -> None:
        """Return once this user may start another generation (for input that queues instead of being
        refused)."""
        settings = self.manager.settings
        while (await self.store.count_active(platform, user_id) >= settings.max_active_per_user  # noqa: ASYNC110
               or await self.store.count_active() >= settings.max_active_total):
            await asyncio.sleep(0.05)

    async def gallery(self, platform: str, user_id: str, language: str, limit: int = 60) -> list[GalleryItem]:
        """This user's finished generations, newest first, each with the chain buttons of a result."""
        return await gallery(self.store, platform, user_id, language, limit)

    async def spending(self, event: ChatEvent) -> Spending:
        """Credits this user spent today (UTC) and their daily allowance in this chat (0: none)."""
        user_limit, _server_limit = await budgets(self.conversation.chat, event)
        return Spending(await self.store.usage_since(day_start(), event.platform, event.user_id), user_limit)

    async def model_menus(self, event: ChatEvent, language: str) -> list[ModelMenu]:
        """Each kind of request with its saved model, its default and every model at its live price."""
        return await model_menus(self.conversation.chat, event, language)

    async def choose_model(self, event: ChatEvent, category: str, key: str | None) -> View | None:
        """A settings menu choice, handled exactly like "always use X" (key None: back to the default, like
        "reset")."""
        if category not in CATEGORIES:
            return None
        media = MEDIA_OF_CATEGORY[category]
        if key is None:
            return await self.conversation.command(event, "reset_preference", media=media)
        model = (await self.selector.catalogue(category, event.language or "en")).by_key(key)
        if model is None:
            # says "unknown"
            return await self.conversation.command(event, "set_preference", media=media, model=key)
        return await self.conversation.command(event, "set_preference", media=media, model=model.model_id)

    # ── live updates and what a chat was shown (in memory for SQLite, shared by instances on PostgreSQL) ──
    async def publish(self, topic: str, payload: dict[str, Any]) -> None:
        """Hand ``payload`` to every subscriber of ``topic`` on every instance (this one included)."""
        await self.feed.publish(topic, payload)

    def subscribe(self, topic: str, subscriber: Subscriber) -> None:
        """Call ``subscriber`` with each payload published on ``topic``, from whichever instance, in order."""
        self.feed.subscribe(topic, subscriber)

    async def remember_shown(self, scope: str, item: str, payload: dict[str, Any]) -> None:
        """A message as a chat (``scope``) last showed it, for a page that reloads, on whichever instance."""
        await self.feed.remember(scope, item, payload)

    async def answer_shown(self, scope: str, item: str) -> bool:
        """Mark a shown message's buttons as used; False when the message is not (or no longer) known."""
        return await self.feed.answer(scope, item)

    def forget_shown(self, scope: str) -> None:
        """"Forget me": a reloaded page no longer replays this chat (the shared table's rows went with the
        user's other rows in Store.forget_user)."""
        self.feed.forget(scope)

    async def shown(self, scope: str) -> list[dict[str, Any]]:
        """The last few dozen messages this chat showed, in the order they first appeared."""
        return await self.feed.recall(scope)

    def add_platform(self, platform: Platform) -> None:
        self.manager.add_platform(platform)

    async def keep_shards(self, platform: str, shard_count: int, home: Sequence[int], connect: ShardAction,
                          disconnect: ShardAction) -> ShardKeeper | None:
        """Run the shards ``home`` here and, with several instances on one database, the shards of an
        instance that died (``connect`` / ``disconnect`` open and close an extra connection for one).
        Its leases are taken once the core has started (now, if it has): a start can keep the event loop
        busy for many seconds on a loaded machine, and a lease taken before that would run out unrenewed.
        One process on its SQLite file has no one to share with: None."""
        if not self.manager.shared:
            return None
        keeper = ShardKeeper(self.store, self.manager.instance_id, self.manager.settings.lease_s, platform,
                             shard_count, home, connect, disconnect)
        self._keepers.append(keeper)
        if self._started:
            await keeper.start()
        return keeper

    async def start(self) -> None:
        """Start polling and purging. The parser is not warmed up here: a server does it before it opens
        any connection (bot/commands.py serve), and a one-person terminal chat not at all."""
        await self.purge()
        self._purger = asyncio.create_task(self._purge_daily())
        await self.manager.start()
        await self.inbox.start()  # messages left unanswered: once the tasks they may have started are back
        self._started = True
        for keeper in self._keepers:
            await keeper.start()

    async def purge(self) -> int:
        removed = await self.store.purge(self.settings.bot.retention_days * 86400)
        if removed:
            log.info("purged old records", extra={"count": removed})
        return removed

    async def _purge_daily(self) -> None:
        while True:
            await asyncio.sleep(86400)
            try:
                await self.purge()
            except Exception:
                log.exception("daily purge failed")

    async def close(self) -> None:
        if self._purger is not None:
            self._purger.cancel()
        for keeper in self._keepers:
            await keeper.close()
        await self.inbox.close()
        await self.manager.close()
        await self.feed.close()
        await self.client.close()
        await self.store.close()
