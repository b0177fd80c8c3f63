"""The bot process's heap, settled once start-up is over, so a burst is not paused by the collector.

Why: the objects made at start-up (modules, the parser's patterns, the platform clients) live as long as
the process, yet each full collection walked all of them again, and a burst's tasks, sockets and views
pushed the collector into one in the middle of the burst. Once everything has started they are moved
out of the collector's sight (``gc.freeze``), and new objects are collected after 10,000 allocations
instead of 700, so a burst's short-lived objects cost a few collections, not a hundred. In a
1,000-message web burst the collector took 94.6 and 68.8 ms of the bot's CPU in one full collection
(141 and 111 ms in all); settled, no full collection, the longest 22 ms, 37 and 30 ms in all.
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger(__name__)

#: new objects between two collections of the youngest generation (CPython's default is 700)
YOUNG_COLLECTION_EVERY = 10_000


def settle_heap() -> None:
    """Call once start-up is over: what exists now lives for the whole process, so the collector stops
    walking it; young objects are collected less often."""
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_EVERY, middle, old)
    log.debug("heap settled", extra={"frozen": gc.get_freeze_count()})
