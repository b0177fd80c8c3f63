"""From a request to a model, a price and either a confirmation or a running task.

:func:`choose` applies the strict model priority; :func:`start` checks the budget, asks before an
expensive charge, and otherwise hands the task to the manager (which posts the status message).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .. import views
from ..catalogue import Catalogue, Quote
from ..contracts import ChatEvent
from ..i18n import t
from ..kinds import ActionKind, ViewKind
from ..manager import AlreadyStarted, LimitReached, TaskRequest
from ..media import MEDIA_OF_CATEGORY
from ..views import Action, View
from .budgets import budgets, over_budget
from .chat import Chat, Choice, Turn, day_start, scope_of
from .offers import uploaded
from .pending import PendingOffer, put_choices


async def choose(chat: Chat, turn: Turn, catalogue: Catalogue, options: Mapping[str, Any]) -> Choice | View:
    """Strict priority: named in this message > cheapest/best asked > saved preference > default."""
    event, intent, lang = turn.event, turn.intent, turn.language
    n = intent.n or 1
    if intent.model_key:
        model = catalogue.by_key(intent.model_key)
        if model is not None:  # the bot's own pick (another model) is used like a named one, never saved
            return Choice(model, "alternative" if intent.picked else "explicit", [])
    if intent.strategy:
        pick = chat.selector.cheapest if intent.strategy == "cheapest" else chat.selector.best
        quote = pick(catalogue, options, n) or pick(catalogue, {}, n)
        if quote is not None:
            return Choice(quote.model, intent.strategy, [])
    notes: list[str] = []
    pref = await chat.store.preference(event.platform, event.user_id, catalogue.category)
    if pref:
        model = catalogue.by_key(pref["model_version"]) or catalogue.by_model_id(pref["model_id"])
        if model is not None:
            return Choice(model, "preference", notes)
        notes.append(t(lang, "pref.gone", model=pref["model_name"]))
        await chat.store.clear_preferences(event.platform, event.user_id, [catalogue.category])
    server_default = await chat.store.server_setting(scope_of(event), f"default.{catalogue.category}")
    if server_default and (model := catalogue.find(server_default)) is not None:
        return Choice(model, "server", notes)
    model = chat.selector.default_model(catalogue)
    if model is None:
        media = t(lang, f"media.{MEDIA_OF_CATEGORY[catalogue.category]}")
        return views.notice(lang, "reply.type_unavailable", media=media)
    return Choice(model, "default", notes)


async def start(chat: Chat, event: ChatEvent, lang: str, quote: Quote, prompt: str,
                images: list[bytes] | list[str],
                options: Mapping[str, Any], choice: Choice, confirmed: bool = False,
                default_rule: tuple[str | None, str | None] = (None, None)) -> View | None:
    """Confirm when expensive, otherwise hand the task to the manager (which posts the status message).

    ``default_rule`` ("save" / "ask", the default it would replace): a confirmation carries it to the press
    that goes ahead; a task started now with "save" saves its model as the default with its reservation, and
    its status message says so."""
    over = await over_budget(chat, event, lang, quote.total)
    if over is not None:
        return over
    if (quote.total > chat.settings.confirm_above or event.late) and not confirmed:
        return await _confirmation(chat, event, lang, quote, prompt, images, options, choice, default_rule)
    request = TaskRequest(event, lang, quote, prompt, images=images,
                          from_preference=choice.source == "preference",
                          cheaper=await cheaper(chat, quote, options, choice, lang), options=options,
                          budgets=await budgets(chat, event), budget_day=day_start(),
                          save_default=default_rule[0] == "save")
    try:
        await chat.manager.submit(request)
    except AlreadyStarted:
        return None  # its own status message is the answer (told again by its instance, or taken over)
    except LimitReached as exc:
        # another request took what was left in the meantime: say how much is left now
        if exc.scope == "budget":
            return await over_budget(chat, event, lang, quote.total) or views.notice(lang, "limit.total")
        return views.notice(lang, f"limit.{exc.scope}", n=exc.limit)
    if choice.notes:
        return View(ViewKind.NOTICE, choice.notes[0], tuple(choice.notes[1:]), language=lang)
    return None


async def _confirmation(chat: Chat, event: ChatEvent, lang: str, quote: Quote, prompt: str,
                        images: list[bytes] | list[str], options: Mapping[str, Any], choice: Choice,
                        default_rule: tuple[str | None, str | None] = (None, None)) -> View:
    """Above the confirmation threshold: the price, and two buttons (go / stop).

    A named model's preference rule rides along, applied once the user goes ahead (nothing is saved
    for a request that was not made)."""
    urls = await uploaded(chat, images)
    go_label, stop_label = t(lang, "action.confirm"), t(lang, "action.cancel")
    offer = PendingOffer.of(quote, prompt, urls, options, lang, choice, confirmed=True, label=go_label)
    offer = replace(offer, default_rule=default_rule[0] or "", old_default=default_rule[1] or "")
    go, stop = await put_choices(chat.store, event.platform, event.user_id, offer,
                                 PendingOffer.dropping(offer.group, lang, stop_label))
    usual = chat.manager.expected(quote)  # the same range the status message will show
    lines = [t(lang, "status.model", model=quote.model.name),
             t(lang, "status.estimate_learned" if usual.learned else "status.estimate",
               min=views.seconds(usual.typical_min_s), max=views.seconds(usual.typical_max_s)),
             t(lang, "status.credits", credits=quote.total)]
    alternative = await cheaper(chat, quote, options, choice, lang)
    if alternative:
        lines.append(t(lang, "status.cheaper", model=alternative.name, credits=alternative.credits))
    return View(ViewKind.CONFIRM, t(lang, "confirm.title", credits=quote.total),
                tuple([*choice.notes, *lines]), actions=(Action(ActionKind.ACCEPT, go_label, go, "primary"),
                         Action(ActionKind.ACCEPT, stop_label, stop, "secondary")),
                owner=event.user_id, language=lang)


async def cheaper(chat: Chat, quote: Quote, options: Mapping[str, Any], choice: Choice,
                  lang: str) -> views.Alternative | None:
    """Over the threshold, point at a cheaper model, unless the user picked this one on purpose."""
    if quote.total <= chat.settings.cheaper_hint_above or choice.source in ("explicit", "best"):
        return None
    catalogue = await chat.selector.catalogue(quote.model.category, lang)
    return chat.selector.cheaper_than(catalogue, quote, options)
