"""The per-type model preferences as a menu: what is saved, what the default is, every model with its live
price.

Pages that show settings read this instead of the store and catalogue; changing a row goes through
the same "always use X" / "reset" handling as the chat commands, so the rules cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from .contracts import ChatEvent
from .conversation.chat import Chat, scope_of
from .i18n import t
from .media import CATEGORIES, MEDIA_OF_CATEGORY


@dataclass(frozen=True)
class ModelOption:
    key: str
    name: str
    price: str  # "5 credits", "4–13 credits": live, from the catalogue's credit rules


@dataclass(frozen=True)
class ModelMenu:
    category: str  # text_to_image, image_to_video, …
    media: str  # image | video | music: a choice applies to every kind of this media the model can do
    label: str
    saved: str | None  # key of the saved preference, None when the default applies
    # name of the model used when nothing is saved (a server admin's choice, else the recommended one)
    default: str
    options: tuple[ModelOption, ...]


async def model_menus(chat: Chat, event: ChatEvent, language: str) -> list[ModelMenu]:
    prefs = await chat.store.preferences(event.platform, event.user_id)
    menus = []
    for category in CATEGORIES:
        catalogue = await chat.selector.catalogue(category, language)
        if not len(catalogue):
            continue
        server = await chat.store.server_setting(scope_of(event), f"default.{category}")
        default = (catalogue.find(server) if server else None) or chat.selector.default_model(catalogue)
        pref = prefs.get(category)
        saved = (
            (catalogue.by_key(pref["model_version"]) or catalogue.by_model_id(pref["model_id"]))
            if pref
            else None
        )
        options = tuple(ModelOption(m.key, m.name,
                                    t(language, "action.credits", credits=_price(m.min_points, m.max_points)))
                        for m in catalogue)
        menus.append(ModelMenu(category, MEDIA_OF_CATEGORY[category], t(language, f"type.{category}"),
                               saved.key if saved else None, default.name if default else "", options))
    return menus


def _price(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}–{high}"
