"""A user's finished generations, newest first, and what they spent today: for pages that show a library.

Read-only views of the store, shaped for display (localized labels, the same chain buttons a result
message has), so an adapter can draw a gallery without knowing tasks, credits rules or budgets.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import views
from .conversation.generate import DEFAULT_MOTION_PROMPT
from .media import MEDIA_OF_CATEGORY, RESULT_KIND
from .store import Store
from .views import Action, MediaItem


@dataclass(frozen=True)
class GalleryItem:
    task_id: str
    media: str  # image | video | music
    items: tuple[MediaItem, ...]
    prompt: str  # what the user asked for ("" when they gave only a picture to animate)
    model: str
    credits: int
    created_at: float  # seconds since the epoch; pages show it in the reader's own time zone
    actions: tuple[Action, ...]


@dataclass(frozen=True)
class Spending:
    today: int  # credits charged since the start of the UTC day
    allowance: int  # the daily limit for this user; 0 means none


async def gallery(store: Store, platform: str, user_id: str, language: str,
                  limit: int = 60) -> list[GalleryItem]:
    """Finished generations that have something to show, newest first."""
    records = await store.user_tasks(platform, user_id, states=("done",))
    out: list[GalleryItem] = []
    for record in reversed(records):
        if not record.result:
            continue
        media = MEDIA_OF_CATEGORY[record.task_type]
        kind = RESULT_KIND[media]
        prompt = str(record.request.get("prompt", ""))
        out.append(GalleryItem(
            task_id=record.id, media=media,
            items=tuple(MediaItem(kind, str(m["url"]),
                                  m.get("cover")) for m in record.result if m.get("url")),
            prompt="" if prompt == DEFAULT_MOTION_PROMPT else prompt, model=record.model_name,
            credits=record.credits,
            created_at=record.created_at,
            actions=views.chain_actions(language, record.id, media, record.credits)))
        if len(out) >= limit:
            break
    return out
