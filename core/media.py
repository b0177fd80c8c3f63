"""The domain's media and IMA task categories, written down once.

A *media* is what a user asks for (image, video, music); a *category* (IMA's ``task_type``) is how
IMA makes it (text_to_image, image_to_video…). Everything that maps one to the other reads here.
"""

from __future__ import annotations

from typing import Literal

MediaName = Literal["image", "video", "music"]

CATEGORIES_OF_MEDIA: dict[str, tuple[str, ...]] = {
    "image": ("text_to_image", "image_to_image"),
    "video": ("text_to_video", "image_to_video", "first_last_frame_to_video", "reference_image_to_video"),
    "music": ("text_to_music",),
}
IMAGE_TYPES = CATEGORIES_OF_MEDIA["image"]
VIDEO_TYPES = CATEGORIES_OF_MEDIA["video"]

#: Every IMA category, in the order the model list shows them.
CATEGORIES: tuple[str, ...] = (*IMAGE_TYPES, *VIDEO_TYPES, *CATEGORIES_OF_MEDIA["music"])

MEDIA_OF_CATEGORY: dict[str, str] = {c: media for media, cats in CATEGORIES_OF_MEDIA.items() for c in cats}

#: How a result of this media is shown (a music result is an audio file).
ResultKind = Literal["image", "video", "audio"]
RESULT_KIND: dict[str, ResultKind] = {"image": "image", "video": "video", "music": "audio"}

EMOJI: dict[str, str] = {"image": "🎨", "video": "🎬", "music": "🎵"}

#: Pictures a category needs from the user (its inputs); the others need none.
IMAGES_NEEDED: dict[str, int] = {"image_to_image": 1, "image_to_video": 1, "first_last_frame_to_video": 2,
                                 "reference_image_to_video": 1}

#: Video categories made from the user's pictures: their prompt may be left empty ("animate this").
ANIMATING: tuple[str, ...] = tuple(c for c in VIDEO_TYPES if IMAGES_NEEDED.get(c))


def images_needed(task_type: str) -> int:
    return IMAGES_NEEDED.get(task_type, 0)
