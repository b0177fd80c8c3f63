"""What a browser has seen, in the order it happened, so a reloaded page shows the same conversation.

Kept per browser id, in memory, for the last few dozen messages: the user's own messages as they
typed them, the bot's messages as last edited, and which of them were already answered (their
buttons are shown disabled, in every tab and after a reload).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

HISTORY_PER_BROWSER = 50


class BrowserHistory:
    def __init__(self, size: int = HISTORY_PER_BROWSER) -> None:
        self.size = size
        self._by_uid: dict[str, OrderedDict[str, dict[str, Any]]] = {}

    def record(self, uid: str, payload: dict[str, Any]) -> None:
        """A new message keeps its place; an edit replaces the old view (and its buttons work again)."""
        if not payload.get("id"):
            return
        messages = self._by_uid.setdefault(uid, OrderedDict())
        messages[payload["id"]] = payload
        while len(messages) > self.size:
            messages.popitem(last=False)

    def answer(self, uid: str, message_id: str) -> bool:
        """Mark a message's buttons as used; False when the message is not (or no longer) known."""
        messages = self._by_uid.get(uid)
        found = messages.get(message_id) if messages is not None else None
        if found is None or found.get("type") != "message":
            return False
        found["answered"] = True
        return True

    def forget(self, uid: str) -> None:
        self._by_uid.pop(uid, None)

    def replay(self, uid: str) -> list[dict[str, Any]]:
        return list(self._by_uid.get(uid, {}).values())


def mine(message_id: str, text: str, files: list[str]) -> dict[str, Any]:
    """The user's own message, as the page shows it (text and the names of attached files)."""
    return {"type": "mine", "id": message_id, "text": text, "files": files}
