"""A pending offer: a request priced and waiting for one press (or a "yes") before anything is charged.

Stored as JSON in the ``pending`` table; every offer shown together shares a ``group`` so taking
one drops the others. A ``drop`` offer is the "cancel" button of a confirmation.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from ..catalogue import Quote
from .chat import Choice


@dataclass(frozen=True)
class PendingOffer:
    group: str = ""
    drop: bool = False
    task_type: str = ""
    model_key: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    n: int = 1
    prompt: str = ""
    images: tuple[str, ...] = ()  # uploaded already, so accepting never uploads twice
    language: str | None = None
    source: str = "explicit"
    confirmed: bool = False  # accepting starts the task without asking again

    @classmethod
    def of(cls, quote: Quote, prompt: str, urls: list[str], options: Mapping[str, Any], lang: str, choice: Choice,
           *, confirmed: bool, group: str | None = None) -> PendingOffer:
        return cls(group=group or new_group(), task_type=quote.model.category, model_key=quote.model.key,
                   options=dict(options), n=quote.n, prompt=prompt, images=tuple(urls), language=lang,
                   source=choice.source, confirmed=confirmed)

    @classmethod
    def dropping(cls, group: str) -> PendingOffer:
        return cls(group=group, drop=True)

    def to_json(self) -> dict[str, Any]:
        if self.drop:
            return {"group": self.group, "drop": True}
        out = asdict(self)
        out["images"] = list(self.images)
        del out["drop"]
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PendingOffer:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["images"] = tuple(known.get("images", ()))
        known["drop"] = bool(known.get("drop", False))
        return cls(**known)


def new_group() -> str:
    return uuid.uuid4().hex[:8]
