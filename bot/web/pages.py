"""The web chat's other pages: the gallery, the model settings and today's spending in the header.

A browser asks over its WebSocket ({"type": "gallery"} …) and gets one JSON answer back; all the
data comes from the core's facade, this module only turns it into JSON.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from core.contracts import ChatEvent
from core.service import CoreService

from .views_json import view_json

PAGE_REQUESTS = ("account", "gallery", "settings", "choose_model")


async def page_request(core: CoreService, event: ChatEvent, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Answers for one page request from this browser (several when a change refreshes more than one part)."""
    kind = data.get("type")
    language = event.language or "en"
    if kind == "account":
        return [await _account(core, event)]
    if kind == "gallery":
        items = await core.gallery(event.platform, event.user_id, language)
        return [{"type": "gallery", "items": [dataclasses.asdict(i) for i in items]}]
    if kind == "settings":
        return [await _settings(core, event, language)]
    if kind == "choose_model":
        key = data.get("key")
        reply = await core.choose_model(event, str(data.get("category", "")), str(key) if key else None)
        answer = await _settings(core, event, language)
        answer["notice"] = view_json(reply) if reply is not None else None
        return [answer]
    return []


async def _account(core: CoreService, event: ChatEvent) -> dict[str, Any]:
    spending = await core.spending(event)
    return {"type": "account", "today": spending.today, "allowance": spending.allowance}


async def _settings(core: CoreService, event: ChatEvent, language: str) -> dict[str, Any]:
    menus = await core.model_menus(event, language)
    return {"type": "settings", "menus": [dataclasses.asdict(m) for m in menus]}
