"""Offers: concrete priced choices, each one press (or a "yes") away, stored until the user picks one.

Every choice is a :class:`PendingOffer` with the attachments already uploaded (once, here), so
accepting one never uploads or asks again. :mod:`.unsupported` builds most offers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..catalogue import Quote, normalize
from ..contracts import ChatEvent
from ..i18n import t
from ..kinds import ActionKind, ViewKind
from ..store import TaskRecord
from ..views import Action, View
from .chat import Chat, Choice
from .pending import PendingOffer, choice_id, new_group


async def offer(chat: Chat, event: ChatEvent, lang: str, title: str, lines: list[str], prompt: str,
                images: Sequence[bytes | str], choices: list[tuple[Quote, str]],
                source: str = "explicit") -> View:
    """An answer ending in concrete choices, only for the user who asked (``event``)."""
    platform, user_id = event.platform, event.user_id
    urls = await uploaded(chat, images)
    group = new_group()
    actions: list[Action] = []
    for index, (quote, label) in enumerate(choices):
        pending = PendingOffer.of(quote, prompt, urls, requested_options(quote), lang,
                                  Choice(quote.model, source, []), confirmed=False, group=group, label=label)
        ref = await chat.store.put_pending(platform, user_id, pending.to_json(),
                                           pending_id=choice_id(group, index))
        actions.append(Action(ActionKind.ACCEPT, label, ref, "primary" if not actions else "secondary",
                              detail=t(lang, "action.credits", credits=quote.total)))
    return View(ViewKind.OFFER, title, tuple(lines), actions=tuple(actions), owner=user_id, language=lang)


async def alternatives_offer(chat: Chat, event: ChatEvent, record: TaskRecord, lang: str,
                             count: int = 3) -> View:
    """Other models for the same request, best alternatives first, each priced."""
    catalogue = await chat.selector.catalogue(record.task_type, lang)
    current = catalogue.by_key(record.model_version)
    options = record.request.get("options", {})
    others = [m for m in catalogue if current is None or m.key != current.key]
    suggested = chat.selector.alternatives(catalogue, current, options, record.n, count)
    ranked = [m for m in (catalogue.by_key(a.key) for a in suggested) if m is not None]
    ranked += [m for m in others if m not in ranked]
    quotes = [q for m in ranked if (q := chat.selector.price(m, options, record.n))][:count]
    return await offer(chat, event, lang, t(lang, "offer.another_title"), option_lines(lang, quotes),
                       record.request["prompt"], record.request.get("images", []), use_each(lang, quotes))


async def uploaded(chat: Chat, images: Sequence[bytes | str]) -> list[str]:
    """Pictures as IMA links: a link we already have (an earlier upload or result) is used as is, never
    sent again."""
    return [image if isinstance(image, str) else await chat.client.upload(image) for image in images]


def requested_options(quote: Quote) -> dict[str, Any]:
    """What differs from the model's defaults: enough to price the same request again, on any model."""
    defaults = quote.model.defaults()
    return {k: v for k,
            v in quote.params.items() if k not in defaults or normalize(defaults[k]) != normalize(v)}


def option_lines(lang: str, quotes: list[Quote]) -> list[str]:
    return [t(lang, "offer.option", model=q.model.name, credits=q.total) for q in quotes]


def use_each(lang: str, quotes: list[Quote]) -> list[tuple[Quote, str]]:
    return [(q, t(lang, "action.use_model", model=q.model.name)) for q in quotes]
