"""Answers that only inform: help, the model list with prices and times, a two-model comparison,
today's usage and allowance, and a friendly reply to small talk. None of them is ever charged."""

from __future__ import annotations

from collections.abc import Mapping

from .. import views
from ..catalogue import Catalogue
from ..i18n import t
from ..kinds import ViewKind
from ..media import CATEGORIES, MEDIA_OF_CATEGORY
from ..timetable import estimate
from ..views import View
from .budgets import budgets
from .chat import Chat, Turn, day_start
from .running import on_task_question

HELP_TOPICS = ("image", "video", "music", "models", "prefs")


async def on_help(chat: Chat, turn: Turn) -> View:
    lang = turn.language
    if turn.intent.media:  # "how much is one song?": the models that make it, with their live prices
        return models_view(chat, lang, await turn.catalogues(chat), turn.intent.media)
    return View(ViewKind.NOTICE, t(lang, "help.title"), tuple(t(lang, f"help.{k}") for k in HELP_TOPICS),
                language=lang)


async def on_chat(chat: Chat, turn: Turn) -> View:
    """Thanks, reactions, greetings, small talk: a friendly "what should I make?", never a paid task; a
    question about the task on its way ("好了没", "is it done yet?"): how it is doing."""
    if turn.intent.about_task:
        return await on_task_question(chat, turn)
    lang = turn.language
    return View(ViewKind.NOTICE, t(lang, "chat.reply"), (t(lang, "chat.examples"),), language=lang)


async def on_list_models(chat: Chat, turn: Turn) -> View:
    if turn.intent.compare:  # "what does kling cost?": that model's live prices
        return await on_compare(chat, turn)
    return models_view(chat, turn.language, await turn.catalogues(chat), turn.intent.media or None)


async def on_compare(chat: Chat, turn: Turn) -> View:
    """"Which is better, Veo or Sora?": each named model's live price range, usual time and what it makes."""
    lang = turn.language
    catalogues = await turn.catalogues(chat)
    lines: list[str] = []
    names: list[str] = []
    for model_id in turn.intent.compare:
        found = [
            (category, model)
            for category in CATEGORIES
            for model in catalogues[category]
            if model.model_id == model_id
        ]
        if not found:
            lines.append(t(lang, "compare.missing", model=model_id))
            continue
        name = found[0][1].name
        names.append(name)
        lines.append(t(lang, "compare.model", model=name))
        for category, model in found:
            est = estimate(category, model.model_id, chat.settings.time_scale)
            low, high = model.min_points, model.max_points
            lines.append(t(lang, "compare.line", type=t(lang, f"type.{category}"),
                           credits=str(low) if low == high else f"{low}–{high}",
                           min=views.seconds(est.min_s), max=views.seconds(est.max_s)))
    title = t(lang, "compare.title", a=names[0],
              b=names[1]) if len(names) == 2 else t(lang, "compare.title_one")
    lines.append(t(lang, "compare.try"))
    return View(ViewKind.NOTICE, title, tuple(lines), language=lang)


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
    lang = turn.language
    user_limit, _ = await budgets(chat, turn.event)
    allowance = (t(lang, "usage.allowance", left=max(0, user_limit - credits), limit=user_limit) if user_limit
                 else t(lang, "usage.no_limit"))
    return View(ViewKind.NOTICE, t(lang, "usage.today", n=len(tasks), credits=credits), (allowance,),
                language=lang)
