"""Answers that only inform: help, the model list with prices and times, today's usage."""

from __future__ import annotations

from collections.abc import Mapping

from .. import views
from ..catalogue import Catalogue
from ..i18n import t
from ..kinds import ViewKind
from ..media import CATEGORIES, MEDIA_OF_CATEGORY
from ..timetable import estimate
from ..views import View
from .chat import Chat, Turn, day_start

HELP_TOPICS = ("image", "video", "music", "models", "prefs")


async def on_help(chat: Chat, turn: Turn) -> View:
    lang = turn.language
    return View(ViewKind.NOTICE, t(lang, "help.title"), tuple(t(lang, f"help.{k}") for k in HELP_TOPICS), language=lang)


async def on_list_models(chat: Chat, turn: Turn) -> View:
    return models_view(chat, turn.language, await turn.catalogues(chat), turn.intent.media or None)


def models_view(chat: Chat, lang: str, catalogues: Mapping[str, Catalogue], media: str | None = None) -> View:
    """Every model (of one media, if given) with its price range and usual time."""
    lines: list[str] = []
    for category in CATEGORIES:
        if media and MEDIA_OF_CATEGORY[category] != media:
            continue
        lines.append(t(lang, "models.header", type=t(lang, f"type.{category}")))
        for model in catalogues[category]:
            est = estimate(category, model.model_id, chat.settings.time_scale)
            low, high = model.min_points, model.max_points
            price = str(low) if low == high else f"{low}–{high}"
            lines.append(t(lang, "models.line", model=model.name, credits=price,
                           min=views.seconds(est.min_s), max=views.seconds(est.max_s)))
    return View(ViewKind.NOTICE, t(lang, "models.title"), tuple(lines), language=lang)


async def on_usage(chat: Chat, turn: Turn) -> View:
    since = day_start()
    tasks = await chat.store.user_tasks(turn.event.platform, turn.event.user_id, since=since)
    credits = await chat.store.usage_since(since, turn.event.platform, turn.event.user_id)
    return views.notice(turn.language, "usage.today", n=len(tasks), credits=credits)
