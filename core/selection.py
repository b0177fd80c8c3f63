"""Choosing models from the live catalogue: defaults, mentions, cheapest, best, alternatives.

Our own knowledge (defaults, fallbacks, ranking, nicknames) is data in ``core/data/models.json``
and is always filtered through the live catalogue, so a model IMA removed is never offered and
prices are always IMA's current ones.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from .catalogue import CATALOGUE_KEYS, Catalogue, Model, Quote
from .errors import ErrorKind
from .ima_client import IMAClient
from .store import TaskRecord
from .views import Alternative


@cache
def knowledge() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resources.files("core").joinpath("data/models.json").read_text("utf-8"))
    return data


def _alias_pattern(alias: str) -> re.Pattern[str]:
    parts = [re.escape(p) for p in re.findall(r"[a-z0-9.]+|[^\sa-z0-9.]+", alias.lower())]
    body = r"\s*".join(parts)
    body = body.replace(r"\.", r"\.?")
    left = r"(?<![a-z0-9])" if re.match(r"[a-z0-9]", alias.lower()) else ""
    right = r"(?![a-z0-9])" if re.search(r"[a-z0-9]$", alias.lower()) else ""
    return re.compile(left + body + right)


@lru_cache(maxsize=CATALOGUE_KEYS)  # keyed by a catalogue's model names: bounded, as IMA changes them
def _patterns(names: tuple[tuple[str, str], ...]) -> list[tuple[re.Pattern[str], str, int]]:
    return [(_alias_pattern(alias), key, len(alias)) for alias, key in names]


@dataclass(frozen=True)
class Mention:
    model: Model
    start: int
    end: int


def find_mention(text: str, catalogue: Catalogue) -> Mention | None:
    """The model a message names (longest match wins: "nano banana pro" beats "nano banana")."""
    names: list[tuple[str, str]] = []
    aliases = knowledge()["aliases"]
    for model in catalogue:
        names.append((model.name, model.key))
        for alias in aliases.get(model.model_id, []):
            names.append((alias, model.key))
    lowered = text.lower()
    best: tuple[int, int, int, int, str] | None = None
    for pattern, key, length in _patterns(tuple(names)):
        for match in pattern.finditer(lowered):
            candidate = (match.end() - match.start(), length, -match.start(), match.end(), key)
            if best is None or candidate > best:
                best = candidate
    if best is None:
        return None
    found = catalogue.by_key(best[4])
    return Mention(found, -best[2], best[3]) if found else None


def mentions_any_model(text: str) -> tuple[str, int, int] | None:
    """A known model nickname in the text, whatever the category: (model_id, start, end)."""
    lowered = text.lower()
    hits = []
    for model_id, aliases in knowledge()["aliases"].items():
        for alias in aliases:
            match = _alias_pattern(alias).search(lowered)
            if match:
                hits.append((match.end() - match.start(), -match.start(), model_id, match.start(),
                             match.end()))
    if not hits:
        return None
    best = max(hits)
    return best[2], best[3], best[4]


class Selector:
    def __init__(self, client: IMAClient) -> None:
        self.client = client

    async def catalogue(self, category: str, language: str) -> Catalogue:
        return await self.client.catalogue(category, language)

    @staticmethod
    def default_model(catalogue: Catalogue) -> Model | None:
        wanted = knowledge()["defaults"].get(catalogue.category)
        model = catalogue.by_model_id(wanted) if wanted else None
        return model or (catalogue.models[0] if catalogue.models else None)

    @staticmethod
    def price(model: Model, options: Mapping[str, Any], n: int = 1) -> Quote | None:
        """The quote for these options, or the model's own defaults when it cannot do them."""
        return model.try_quote(options, n) or model.try_quote({}, n)

    def cheapest(self, catalogue: Catalogue, options: Mapping[str, Any], n: int = 1) -> Quote | None:
        quotes = [q for m in catalogue if (q := m.try_quote(options, n))]
        return min(quotes, key=lambda q: q.total) if quotes else None

    def best(self, catalogue: Catalogue, options: Mapping[str, Any], n: int = 1) -> Quote | None:
        ranking = knowledge()["best"][catalogue.models[0].media] if catalogue.models else []
        for model_id in ranking:
            model = catalogue.by_model_id(model_id)
            if model and (q := model.try_quote(options, n)):
                return q
        return next((q for m in catalogue if (q := m.try_quote(options, n))), None)

    def cheaper_than(self, catalogue: Catalogue, quote: Quote,
                     options: Mapping[str, Any]) -> Alternative | None:
        """The cheapest model that can do the same options for less (for the over-50-credits hint)."""
        best = self.cheapest(catalogue, options, quote.n)
        if best is None or best.total >= quote.total or best.model.key == quote.model.key:
            return None
        return Alternative(best.model.name, best.total, best.model.key)

    def alternatives(self, catalogue: Catalogue, failed: Model | None, options: Mapping[str, Any], n: int = 1,
                     count: int = 2, below: int | None = None) -> list[Alternative]:
        """The spec's fallback table for this model, filtered by the live catalogue, topped up by popularity.

        With ``below`` (the user ran out of points), only models that cost less for the same
        request, cheapest first: offering a dearer one after "not enough points" cannot help.
        """
        if below is not None:
            others = [m for m in catalogue if failed is None or m.key != failed.key]
            quotes = sorted((q for m in others if (q := self.price(m, options, n)) and q.total < below),
                            key=lambda q: q.total)
            return [Alternative(q.model.name, q.total, q.model.key) for q in quotes[:count]]
        table = knowledge()["fallbacks"].get(catalogue.category, {})
        wanted = list(table.get(failed.model_id if failed else "", table.get("*", [])))
        picks: list[Model] = []
        for model_id in wanted:
            model = catalogue.by_model_id(model_id)
            if model and (failed is None or model.key != failed.key) and model not in picks:
                picks.append(model)
        for model in catalogue:
            if len(picks) >= count:
                break
            if (
                (failed is None or model.key != failed.key)
                and model not in picks
                and model.model_id != (failed.model_id if failed else None)
            ):
                picks.append(model)
        out = []
        for model in picks[:count]:
            quote = self.price(model, options, n)
            if quote:
                out.append(Alternative(model.name, quote.total, model.key))
        return out

    async def alternatives_for(self, record: TaskRecord) -> list[Alternative]:
        """Two other models for a failed task, with live prices for the same options."""
        catalogue = await self.catalogue(record.task_type, record.language)
        failed = catalogue.by_key(record.model_version) or catalogue.by_model_id(record.model_id)
        below = record.credits if record.error_kind == ErrorKind.INSUFFICIENT_POINTS else None
        return self.alternatives(catalogue, failed, record.request.get("options", {}), record.n, below=below)
