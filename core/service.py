"""The platform-free core, assembled: store, IMA client, selector, task manager, conversation."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from .config import Settings
from .contracts import Platform
from .conversation import Conversation, ConversationSettings
from .ima_client import IMAClient
from .manager import ManagerSettings, TaskManager
from .selection import Selector
from .store import Store

log = logging.getLogger(__name__)


@dataclass
class CoreService:
    settings: Settings
    store: Store
    client: IMAClient
    selector: Selector
    manager: TaskManager
    conversation: Conversation

    @classmethod
    async def open(cls, settings: Settings, *, api_key: str, base_url: str, upload_url: str) -> CoreService:
        bot = settings.bot
        store = await Store.open(bot.data_dir)
        client = IMAClient(api_key, base_url=base_url, upload_url=upload_url, timeout_s=settings.ima.timeout_s,
                           catalogue_ttl_s=settings.ima.catalogue_ttl_s, upload_max_bytes=settings.ima.upload_max_bytes,
                           language=settings.ima.language)
        selector = Selector(client)
        manager = TaskManager(store, client, {}, ManagerSettings(
            time_scale=bot.time_scale, max_active_per_user=bot.max_active_per_user, max_active_total=bot.max_active_total,
            check_concurrency=bot.check_concurrency), alternatives=selector.alternatives_for)
        conversation = Conversation(store, selector, manager, ConversationSettings(
            cheaper_hint_above=bot.cheaper_hint_above, confirm_above=bot.confirm_above,
            max_prompt_chars=bot.max_prompt_chars, time_scale=bot.time_scale))
        return cls(settings, store, client, selector, manager, conversation)

    def add_platform(self, platform: Platform) -> None:
        self.manager.add_platform(platform)

    async def start(self) -> None:
        removed = await self.store.purge(self.settings.bot.retention_days * 86400)
        if removed:
            log.info("purged old records", extra={"count": removed})
        await self.manager.start()

    async def close(self) -> None:
        await self.manager.close()
        await self.client.close()
        await self.store.close()
