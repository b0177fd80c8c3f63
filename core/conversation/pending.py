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
from ..i18n import t
from ..kinds import ActionKind, ViewKind
from ..store import Store
from ..views import View
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
    label: str = ""  # the button's words, to say later which one was pressed
    preference: dict[str, str] | None = None  # a "make it my default?" answer: the model to save (or keep)
    default_rule: str = ""  # a confirmed named model: "save" it as the default, or "ask" (change prompt)
    old_default: str = ""  # with "ask": the name of the default it would replace
    forget: bool = False  # a "forget me" question: its go choice deletes the user's data (on a press only)
    stop: tuple[str, ...] = ()  # a "stop it?" question: the tasks running when it was asked (ids)

    @classmethod
    def of(cls, quote: Quote, prompt: str, urls: list[str], options: Mapping[str, Any], lang: str,
           choice: Choice, *, confirmed: bool, group: str | None = None, label: str = "") -> PendingOffer:
        return cls(group=group or new_group(), task_type=quote.model.category, model_key=quote.model.key,
                   options=dict(options), n=quote.n, prompt=prompt, images=tuple(urls), language=lang,
                   source=choice.source, confirmed=confirmed, label=label)

    @classmethod
    def dropping(cls, group: str, language: str, label: str = "") -> PendingOffer:
        return cls(group=group, drop=True, language=language, label=label)

    def to_json(self) -> dict[str, Any]:
        if self.drop:
            return {"group": self.group, "drop": True, "language": self.language, "label": self.label,
                    "preference": self.preference, "forget": self.forget, "stop": list(self.stop)}
        out = asdict(self)
        out["images"] = list(self.images)
        out["stop"] = list(self.stop)
        del out["drop"]
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PendingOffer:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["images"] = tuple(known.get("images", ()))
        known["stop"] = tuple(known.get("stop") or ())
        known["drop"] = bool(known.get("drop", False))
        known["forget"] = bool(known.get("forget", False))
        return cls(**known)


GROUP_LEN = 8


def new_group() -> str:
    return uuid.uuid4().hex[:GROUP_LEN]


def choice_id(group: str, index: int) -> str:
    """The id of choice ``index`` of an offer: the group is its prefix, so any button finds its siblings'
    fate."""
    return f"{group}{index}"


async def put_choices(store: Store, platform: str, user_id: str, *offers: PendingOffer) -> list[str]:
    """Keep the choices shown together (one group, choice ``i`` under :func:`choice_id`), so pressing one
    settles the others; returns their ids, in order, for the buttons."""
    return [await store.put_pending(platform, user_id, offer.to_json(),
                                    pending_id=choice_id(offer.group, index))
            for index, offer in enumerate(offers)]


def group_of(pending_id: str) -> str | None:
    return pending_id[:GROUP_LEN] if len(pending_id) == GROUP_LEN + 1 else None


def shown_id(group: str) -> str:
    """A note: where the offer's message is, so answering it can take its buttons away."""
    return f"{group}m"


def answered_id(group: str) -> str:
    """A note: which choice was taken, so a press on another one says so instead of "expired"."""
    return f"{group}a"


async def remember_shown(store: Store, platform: str, user_id: str, route: Mapping[str, Any], ref: str,
                         view: View) -> None:
    """After an offer's message is posted: keep where it is and what it said."""
    refs = [a.ref for a in view.actions if a.kind == ActionKind.ACCEPT]
    group = group_of(refs[0]) if refs else None
    if group is None:
        return
    note = {"group": group, "note": "shown", "route": dict(route), "ref": ref, "kind": str(view.kind),
            "title": view.title, "lines": list(view.lines), "owner": view.owner, "language": view.language}
    await store.put_pending(platform, user_id, note, pending_id=shown_id(group))


def answered_view(note: Mapping[str, Any], label: str) -> View:
    """The offer's message once answered: same words, the choice made, no buttons left to press."""
    lang = str(note.get("language") or "en")
    lines = (*note.get("lines", ()),
             t(lang, "offer.answered", choice=label)) if label else tuple(note.get("lines", ()))
    return View(ViewKind(note.get("kind") or ViewKind.OFFER), str(note.get("title", "")), tuple(lines),
                owner=note.get("owner"), language=lang)
