"""Words about a task already running: is a cancel said plainly, does a chat ask how the task is doing?

Killing a paid task is as irreversible as starting one, so only a plain cancel ("cancel", "stop it pls",
"别画了", "算了不要了") is done at once; a cancel read from a sentence ("no more videos for today lol, I'm out
of credits", "不想画画了，好累") is asked with a button while something runs. The vocabulary is data
(``intent_words.json``: ``cancel``, ``cancel_filler``, ``progress_asks``).
"""

from __future__ import annotations

from functools import cache

from .gate import residue
from .vocab import PhraseScan, phrases


def plain_cancel(text: str) -> bool:
    """The message is nothing but cancel words, with at most politeness or filler ("ok", "pls", "吧",
    "算了"); mentions are gone before the parser reads a message. Anything else said with them (a reason,
    a feeling, a thing named) makes the cancel unsure."""
    return bool(text.strip()) and not residue(text, "cancel", "cancel_filler")


@cache
def _progress() -> PhraseScan:
    return PhraseScan(phrases("progress_asks"))


def asks_progress(text: str) -> bool:
    """"is it done yet?", "how much longer?", "好了没", "为什么不画了", "where's my video": a question about a
    task on its way (asked only of messages already read as talk, so a request never pays for it)."""
    return _progress().search(text) is not None
