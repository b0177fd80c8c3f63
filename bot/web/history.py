"""What a browser has seen, in the order it happened, so a reloaded page shows the same conversation.

Kept by the core per browser (``history_scope``), for the last few dozen messages: the user's own
messages as they typed them, the bot's messages as last edited, and which of them were already
answered (their buttons are shown disabled, in every tab and after a reload). In memory with the
SQLite file; in the shared database when instances share PostgreSQL (see core/feed.py).
"""

from __future__ import annotations

from typing import Any


def history_scope(uid: str) -> str:
    """The core's name for this browser's conversation (platform:user, as the core names users)."""
    return f"web:{uid}"  # the web platform's user id is the browser id


def mine(message_id: str, text: str, files: list[str]) -> dict[str, Any]:
    """The user's own message, as the page shows it (text and the names of attached files)."""
    return {"type": "mine", "id": message_id, "text": text, "files": files}
