"""Core views as Feishu interactive cards (JSON 1.0 schema, ``update_multi`` so they can be patched)."""

from __future__ import annotations

import json
from typing import Any

from core.views import View

TEMPLATES = {"result": "green", "failure": "red", "denied": "red", "offer": "orange", "confirm": "orange",
             "cancelled": "grey", "interrupted": "orange"}
MAX_CARD_BYTES = 30 * 1024


# lark_md has no backslash escapes (a backslash shows as a backslash); the card docs escape
# special characters as HTML entities. "&" first, so the other entities are not escaped twice.
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "*": "&#42;", "_": "&#95;", "~": "&#126;", "`": "&#96;",
             "[": "&#91;", "]": "&#93;", "(": "&#40;", ")": "&#41;", "#": "&#35;", "$": "&#36;"}


def _md_escape(text: str) -> str:
    """User-visible text that must show literally in lark_md (prompts, names), never as markup or @all."""
    return "".join(_ENTITIES.get(ch, ch) for ch in text)


def _bar(percent: int) -> str:
    filled = round(percent / 10)
    return "▰" * filled + "▱" * (10 - filled) + f" {percent}%"


def card(view: View, image_keys: list[str] | None = None, links_label: str = "🔗") -> dict[str, Any]:
    lines = [_md_escape(line) for line in view.lines]
    if view.progress is not None and not view.final and view.kind in ("status", "progress"):
        lines.append(_bar(view.progress))
    elements: list[dict[str, Any]] = []
    if lines:
        elements.append({"tag": "div", "text": {"tag": "lark_md", "content": "\n".join(lines)}})
    for key in image_keys or []:
        elements.append({"tag": "img", "img_key": key, "alt": {"tag": "plain_text", "content": ""}})
    if view.media:
        links = " ".join(f"[{i + 1}]({m.url})" for i, m in enumerate(view.media))
        elements.append({"tag": "div", "text": {"tag": "lark_md", "content": f"{links_label} {links}"}})
    if view.actions:
        styles = {"primary": "primary", "danger": "danger"}
        elements.append({"tag": "action", "actions": [
            {"tag": "button",
             "text": {"tag": "plain_text",
                      "content": (f"{a.label} · {a.detail}" if a.detail else a.label)[:60]},
             "type": styles.get(a.style, "default"),
             "value": {"kind": a.kind, "ref": a.ref}} for a in view.actions[:10]]})
    body = {"config": {"update_multi": True, "wide_screen_mode": True},
            "header": {"title": {"tag": "plain_text", "content": view.title[:200]},
                       "template": TEMPLATES.get(view.kind, "blue")},
            "elements": elements}
    while len(json.dumps(body, ensure_ascii=False).encode()) > MAX_CARD_BYTES and elements:
        elements.pop(0)  # never send a card Feishu would refuse: drop from the top (the text lines first)
    return body


def plain_text(view: View) -> str:
    parts = [view.text, *(m.url for m in view.media)]
    return "\n".join(parts)
