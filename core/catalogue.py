"""The live product catalogue as domain objects, and matching requested options to a credit rule.

IMA prices a model by credit rules, each tied to a combination of attributes (resolution,
duration, mode, size, audio…). A request must name the rule that fits its options exactly or IMA
refuses it (6010), so matching lives here, in one place, next to the objects it reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .errors import NoMatchingRule
from .media import MEDIA_OF_CATEGORY
from .wire import ProductNodeWire

# How many catalogues' worth of derived lookups (name patterns, name tables) are kept: one per category
# and language is a dozen; the rest is room for IMA changing its models while the bot runs, after which
# the oldest go instead of piling up for the life of the process.
CATALOGUE_KEYS = 32

_SECONDS = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:s|sec|secs|second|seconds|秒|秒钟)?$")


def normalize(value: Any) -> str:
    """Canonical text of an option value: "1080p" == "1080P", "10" == "10s" == "10秒", True == "true"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip().lower()
    match = _SECONDS.match(text)
    if match:
        number = float(match.group(1))
        return str(int(number)) if number.is_integer() else str(number)
    if text in ("on", "yes", "enabled"):
        return "true" if text != "enabled" else text
    if text in ("off", "no"):
        return "false"
    return text


@dataclass(frozen=True)
class CreditRule:
    attribute_id: int
    points: int
    attributes: dict[str, str]

    @property
    def is_default(self) -> bool:
        return not self.attributes or self.attributes == {"default": "enabled"}

    @cached_property
    def _canonical(self) -> dict[str, str]:
        """The attributes' canonical values, worked out once per rule instead of on every quote."""
        return {k: normalize(v) for k, v in self.attributes.items()}

    def fits(self, effective: Mapping[str, Any]) -> bool:
        if self.is_default:
            return True
        return all(normalize(effective.get(k, "")) == v for k, v in self._canonical.items())


@dataclass(frozen=True)
class FormField:
    field: str
    default: Any
    options: tuple[Any, ...] = ()

    def option_for(self, value: Any) -> Any | None:
        """The catalogue's own spelling of ``value`` (so we send "1080P" when the user typed "1080p")."""
        if not self.options:
            return value
        wanted = normalize(value)
        for option in self.options:
            if normalize(option) == wanted:
                return option
        return None


@dataclass(frozen=True)
class Model:
    category: str
    model_id: str
    model_version: str
    name: str
    rules: tuple[CreditRule, ...]
    form: dict[str, FormField] = field(default_factory=dict, hash=False, compare=False)

    @property
    def key(self) -> str:
        """Unique within a category (several versions may share one model_id, e.g. Pixverse)."""
        return self.model_version

    @property
    def media(self) -> str:
        return MEDIA_OF_CATEGORY[self.category]

    @property
    def min_points(self) -> int:
        return min(r.points for r in self.rules)

    @property
    def max_points(self) -> int:
        return max(r.points for r in self.rules)

    @property
    def max_n(self) -> int:
        n_field = self.form.get("n")
        if n_field and n_field.options:
            return max(int(o) for o in n_field.options)
        return 4

    def supports(self, option: str) -> bool:
        return option in self.form or any(option in r.attributes for r in self.rules)

    def values_of(self, option: str) -> list[str]:
        """Every value this model accepts for ``option`` (from its form and its rules)."""
        seen: dict[str, None] = {}
        form_field = self.form.get(option)
        if form_field:
            for o in form_field.options or (form_field.default,):
                seen.setdefault(str(o), None)
        for r in self.rules:
            if option in r.attributes:
                seen.setdefault(str(r.attributes[option]), None)
        return list(seen)

    def priced_options(self) -> list[str]:
        keys: dict[str, None] = {}
        for r in self.rules:
            for k in r.attributes:
                if k != "default":
                    keys.setdefault(k, None)
        return list(keys)

    def defaults(self) -> dict[str, Any]:
        return {name: f.default for name, f in self.form.items()}

    def quote(self, requested: Mapping[str, Any] | None = None, n: int = 1) -> Quote:
        """Pick the credit rule for ``requested`` options (others from the form defaults).

        Raises :class:`NoMatchingRule` naming what the model does accept when an option is
        unknown to it, a value is not offered, or no rule prices the combination.
        """
        requested = dict(requested or {})
        params = self.defaults()
        bad: dict[str, str] = {}
        for key, value in requested.items():
            if value is None:
                continue
            form_field = self.form.get(key)
            if form_field is not None:
                spelled = form_field.option_for(value)
                if spelled is None:
                    bad[key] = str(value)
                    continue
                params[key] = spelled
            elif any(key in r.attributes for r in self.rules):
                params[key] = value
            else:
                bad[key] = str(value)
        if not bad:
            rule = self.rule_for(params)
            if rule is not None:
                return Quote(self, rule, params, n)
        supported = {k: self.values_of(k) for k in {*bad, *self.priced_options()} if self.supports(k)}
        raise NoMatchingRule(self.model_id, {k: str(v) for k, v in requested.items()}, supported)

    def rule_for(self, params: Mapping[str, Any]) -> CreditRule | None:
        """The rule IMA calculates for ``params``: the one naming the most of them, a catch-all only as a
        last resort.

        Order in the catalogue means nothing here: a catch-all listed first must not price a
        combination another rule names (IMA would refuse the catch-all's id with 6010).
        """
        fitting = [r for r in self.rules if r.fits(params)]
        if not fitting:
            return None
        return max(fitting, key=lambda r: 0 if r.is_default else len(r.attributes))

    def try_quote(self, requested: Mapping[str, Any] | None = None, n: int = 1) -> Quote | None:
        try:
            return self.quote(requested, n)
        except NoMatchingRule:
            return None


@dataclass(frozen=True)
class Quote:
    """A priced request: the rule IMA will charge and the parameters to send with it."""

    model: Model
    rule: CreditRule
    params: dict[str, Any]
    n: int = 1

    @property
    def points(self) -> int:
        return self.rule.points

    @property
    def total(self) -> int:
        return self.rule.points * self.n


def parse_tree(category: str, nodes: Iterable[ProductNodeWire]) -> list[Model]:
    """Walk IMA's V2 product tree (groups of type "2" may nest) and keep the type "3" leaves."""
    models: list[Model] = []
    for leaf in _leaves(nodes):
        rules = tuple(
            CreditRule(int(r["attribute_id"]), int(r["points"]),
                       {str(k): str(v) for k, v in (r.get("attributes") or {}).items()})
            for r in leaf.get("credit_rules") or []
            if int(r.get("attribute_id") or 0) > 0
        )
        if not rules:
            continue  # a version with no usable price cannot be ordered
        form = {
            f["field"]: FormField(f["field"], f.get("value"),
                                  tuple(o.get("value") for o in f.get("options") or []))
            for f in leaf.get("form_config") or []
        }
        models.append(Model(category, leaf["model_id"], str(leaf["id"]), leaf.get("name") or leaf["model_id"],
                            rules, form))
    return models


def _leaves(nodes: Iterable[ProductNodeWire]) -> Iterator[ProductNodeWire]:
    for node in nodes or []:
        if str(node.get("type")) == "3":
            yield node
        else:
            yield from _leaves(node.get("children") or [])


@dataclass(frozen=True)
class Catalogue:
    """All models of one category, in IMA's order (which is its popularity order)."""

    category: str
    models: tuple[Model, ...]

    def by_key(self, key: str) -> Model | None:
        return next((m for m in self.models if m.key == key), None)

    def by_model_id(self, model_id: str) -> Model | None:
        return next((m for m in self.models if m.model_id == model_id), None)

    def find(self, ident: str) -> Model | None:
        return self.by_key(ident) or self.by_model_id(ident)

    def __iter__(self) -> Iterator[Model]:
        return iter(self.models)

    def __len__(self) -> int:
        return len(self.models)
