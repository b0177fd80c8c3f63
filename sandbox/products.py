"""The sandbox's own reading of its product catalogue and of IMA's credit-rule check.

Written from the spec, not from the bot: the sandbox stands in for IMA, so if it reused the
bot's catalogue parser or rule matcher, a bug there would be "confirmed" by the very code that
has it. Only the catalogue *data* is shared with what the bot reads over HTTP, as with IMA.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

# The spec's seven task types and what each produces.
MEDIA = {
    "text_to_image": "image",
    "image_to_image": "image",
    "text_to_video": "video",
    "image_to_video": "video",
    "first_last_frame_to_video": "video",
    "reference_image_to_video": "video",
    "text_to_music": "music",
}


def canonical(value: Any) -> str:
    """How IMA compares a parameter with a rule attribute: booleans as true/false, 5 == 5.0 == "5",
    case-blind.

    Deliberately no unit parsing ("10s" is not "10"): IMA compares values, it does not read prose.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().lower()


@dataclass(frozen=True)
class Rule:
    attribute_id: int
    points: int
    attributes: Mapping[str, str]

    def matches(self, params: Mapping[str, Any]) -> bool:
        """A rule with no attributes (or only ``default: enabled``) prices every combination."""
        wanted = {k: v for k, v in self.attributes.items() if k != "default"}
        return all(canonical(params.get(k, "")) == canonical(v) for k, v in wanted.items())


@dataclass(frozen=True)
class Version:
    """A type "3" leaf of the product tree: one orderable model version."""

    category: str
    model_id: str
    version_id: str
    rules: tuple[Rule, ...]
    defaults: Mapping[str, Any]
    options: Mapping[str, tuple[Any, ...]]  # form field → allowed values (empty: free input)

    def rule(self, attribute_id: int) -> Rule | None:
        return next((r for r in self.rules if r.attribute_id == attribute_id), None)

    def calculated_rule(self, params: Mapping[str, Any]) -> Rule | None:
        """The rule IMA calculates for a parameter combination: the matching one naming the most values.

        A catch-all (no attributes, or only ``default: enabled``) prices a combination only when no
        other rule names it, wherever it is listed; any other id for that combination is a 6010.
        """
        matching = [r for r in self.rules if r.matches(params)]
        return max(matching, key=lambda r: len({k for k in r.attributes if k != "default"}), default=None)

    @property
    def max_n(self) -> int:
        allowed = self.options.get("n") or ()
        return max((int(v) for v in allowed), default=4)


@cache
def raw_catalogue() -> dict[str, list[dict[str, Any]]]:
    data: dict[str, list[dict[str, Any]]] = json.loads(
        resources.files("sandbox").joinpath("catalogue.json").read_text("utf-8"))
    return data


def localized_tree(category: str, language: str,
                   tree: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The catalogue as IMA sends it: names as plain strings in the requested language."""

    def render(node: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in node.items() if k not in ("name", "children")}
        name = node.get("name")
        out["name"] = name.get(language) or name.get("en") if isinstance(name, dict) else name
        if "children" in node:
            out["children"] = [render(c) for c in node["children"]]
        return out

    return [render(n) for n in (raw_catalogue().get(category, []) if tree is None else tree)]


def _leaves(nodes: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for node in nodes:
        if str(node.get("type")) == "3":
            yield node
        yield from _leaves(node.get("children") or [])


@cache
def versions(category: str) -> dict[int, Version]:
    """attribute_id → the version it prices, for one category (what a create is checked against)."""
    return versions_of(category, raw_catalogue().get(category, []))


def versions_of(category: str, tree: list[dict[str, Any]]) -> dict[int, Version]:
    """attribute_id → version, for a catalogue tree of one category (the bundled one or a replacement)."""
    table: dict[int, Version] = {}
    for leaf in _leaves(tree):
        rules = tuple(Rule(int(r["attribute_id"]), int(r["points"]), dict(r.get("attributes") or {}))
                      for r in leaf.get("credit_rules") or [])
        form = leaf.get("form_config") or []
        version = Version(category, leaf["model_id"], str(leaf["id"]), rules,
                          {f["field"]: f.get("value") for f in form},
                          {f["field"]: tuple(o.get("value") for o in f.get("options") or []) for f in form})
        for rule in rules:
            table[rule.attribute_id] = version
    return table
