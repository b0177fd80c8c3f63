"""Live updates and what each chat was shown, for one process or for instances sharing PostgreSQL.

Why: a chat whose screen is fed by a socket (the web chat) must get a task's updates wherever the
task is watched. With the SQLite file there is one process, so a published message is handed to the
subscribers at once and the recent messages of a chat are kept in memory, exactly as before
instances existed. With PostgreSQL every instance LISTENs on one channel: a published message is
kept in a row and its id NOTIFYed (a NOTIFY payload is capped at 8000 bytes), every instance,
the publisher included, reads it and hands it to its own subscribers, in the order NOTIFY delivered
the ids; and what a chat was shown is kept in the shared ``shown`` table, so a page reloaded against
another instance replays the same conversation.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from .store import Store

log = logging.getLogger(__name__)

Subscriber = Callable[[dict[str, Any]], Awaitable[None]]
SHOWN_PER_SCOPE = 50
FEED_KEPT_S = 300.0
RECONNECT_S = 1.0
LOST = -1  # not an id: the listening connection ended


class Feed(Protocol):
    shared: bool

    async def publish(self, topic: str, payload: dict[str, Any]) -> None: ...
    def subscribe(self, topic: str, subscriber: Subscriber) -> None: ...
    async def remember(self, scope: str, item: str, payload: dict[str, Any]) -> None: ...
    async def answer(self, scope: str, item: str) -> bool: ...
    async def recall(self, scope: str) -> list[dict[str, Any]]: ...
    def forget(self, scope: str) -> None: ...
    def listening(self) -> bool: ...
    async def close(self) -> None: ...


class _Subscribers:
    def __init__(self) -> None:
        self._by_topic: dict[str, list[Subscriber]] = {}

    def add(self, topic: str, subscriber: Subscriber) -> None:
        self._by_topic.setdefault(topic, []).append(subscriber)

    async def deliver(self, topic: str, payload: dict[str, Any]) -> None:
        for subscriber in list(self._by_topic.get(topic, ())):
            try:
                await subscriber(payload)
            except Exception:  # one subscriber's failure must not stop the others' updates
                log.exception("live update subscriber failed", extra={"topic": topic})


class LocalFeed:
    """One process: delivered at once, remembered in memory (the last few dozen messages per chat)."""

    shared = False

    def __init__(self, size: int = SHOWN_PER_SCOPE) -> None:
        self._subscribers = _Subscribers()
        self._size = size
        self._shown: dict[str, OrderedDict[str, dict[str, Any]]] = {}

    async def publish(self, topic: str, payload: dict[str, Any]) -> None:
        await self._subscribers.deliver(topic, payload)

    def subscribe(self, topic: str, subscriber: Subscriber) -> None:
        self._subscribers.add(topic, subscriber)

    async def remember(self, scope: str, item: str, payload: dict[str, Any]) -> None:
        """A new message keeps its place; an edit replaces the old view (and its buttons work again)."""
        messages = self._shown.setdefault(scope, OrderedDict())
        messages[item] = payload
        while len(messages) > self._size:
            messages.popitem(last=False)

    async def answer(self, scope: str, item: str) -> bool:
        """Mark a message's buttons as used; False when the message is not (or no longer) known."""
        messages = self._shown.get(scope)
        found = messages.get(item) if messages is not None else None
        if found is None or found.get("type") != "message":
            return False
        found["answered"] = True
        return True

    async def recall(self, scope: str) -> list[dict[str, Any]]:
        return list(self._shown.get(scope, {}).values())

    def forget(self, scope: str) -> None:
        self._shown.pop(scope, None)

    def listening(self) -> bool:
        return True

    async def close(self) -> None:
        return None


class PgFeed:
    """Instances on one PostgreSQL: LISTEN/NOTIFY for the ids, rows for the messages and what was shown."""

    shared = True

    def __init__(self, store: Store, size: int = SHOWN_PER_SCOPE) -> None:
        self._store = store
        self._size = size
        self._subscribers = _Subscribers()
        self._ids: asyncio.Queue[int] = asyncio.Queue()
        self._conn: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._lost = asyncio.Event()
        self._closing = False
        self._trimmed = time.monotonic()

    @classmethod
    async def open(cls, store: Store) -> PgFeed:
        feed = cls(store)
        await store.open_feed()
        await feed._listen()
        feed._reader = asyncio.create_task(feed._read())
        return feed

    async def _listen(self) -> None:
        self._lost.clear()
        self._conn = await self._store.listen_feed(self._heard, self._dropped)

    def _dropped(self) -> None:
        self._lost.set()
        self._ids.put_nowait(LOST)  # wakes the reader

    def _heard(self, payload: str) -> None:
        try:
            self._ids.put_nowait(int(payload))
        except ValueError:
            log.warning("a live update id that is not a number was ignored")

    async def _read(self) -> None:
        """Read the notified messages in the order their ids came, a batch at a time; reconnect when the
        listening connection is lost (updates published meanwhile reach pages at their next reload)."""
        while not self._closing:
            if self._lost.is_set():
                await self._reconnect()
                continue
            ids = [await self._ids.get()]
            while not self._ids.empty():
                ids.append(self._ids.get_nowait())
            ids = [i for i in ids if i != LOST]
            if not ids:
                continue
            try:
                found = await self._store.feed_messages(ids)
            except Exception:
                log.exception("reading live updates failed")
                continue
            for message_id in ids:
                if message_id in found:
                    await self._subscribers.deliver(*found[message_id])
            if time.monotonic() - self._trimmed > 60:
                self._trimmed = time.monotonic()
                try:
                    await self._store.trim_feed(FEED_KEPT_S)
                except Exception:
                    log.exception("trimming live updates failed")

    async def _reconnect(self) -> None:
        log.error("live updates connection lost; reconnecting")
        try:
            await self._listen()
        except Exception:
            await asyncio.sleep(RECONNECT_S)

    async def publish(self, topic: str, payload: dict[str, Any]) -> None:
        await self._store.publish(topic, payload)

    def subscribe(self, topic: str, subscriber: Subscriber) -> None:
        self._subscribers.add(topic, subscriber)

    async def remember(self, scope: str, item: str, payload: dict[str, Any]) -> None:
        await self._store.put_shown(scope, item, payload)

    async def answer(self, scope: str, item: str) -> bool:
        found = await self._store.shown_item(scope, item)
        if found is None or found.get("type") != "message":
            return False
        found["answered"] = True
        await self._store.put_shown(scope, item, found)
        return True

    async def recall(self, scope: str) -> list[dict[str, Any]]:
        return await self._store.shown(scope, self._size)

    def forget(self, scope: str) -> None:
        return None  # the rows are the store's: Store.forget_user deletes this scope with the user's others

    def listening(self) -> bool:
        return self._conn is not None and not self._lost.is_set() and not self._conn.is_closed()

    async def close(self) -> None:
        self._closing = True
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)
        if self._conn is not None and not self._conn.is_closed():
            await self._conn.close()


async def open_feed(store: Store) -> Feed:
    """In memory for the SQLite file (one process), shared through PostgreSQL otherwise."""
    if store.dialect == "postgresql":
        return await PgFeed.open(store)
    return LocalFeed()
