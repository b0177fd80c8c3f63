"""Writes to the SQLite file in groups: one trip to aiosqlite's thread and one transaction for many writes.

Why: every statement sent through aiosqlite is a trip to its thread and back (a queue put, a future, a
wake-up of the event loop from the other thread), and every write in autocommit is its own transaction,
whose commit appends the pages it changed (a task row touches the table and three indexes) to the
write-ahead log. In a burst each message wrote four or five times before and after its first answer, each
write one trip and one commit. Here a write is queued and the writes queued while the previous group was
in the thread go together: one function run in aiosqlite's thread (:meth:`aiosqlite.Connection._execute`,
the door all of aiosqlite's own methods use), one ``BEGIN IMMEDIATE`` … ``COMMIT``. When the bot is idle a
group is one write, as before; in a burst groups grow with the backlog.

What a writer is told: its ``await`` returns (with the statement's row count) only once its group is
committed, so "saved" still means on disk (WAL, ``synchronous=NORMAL``), and a crash loses only writes no
one was told about. A write SQLite refuses (a constraint) raises for that writer alone, the others stay;
a failure that ends the transaction (disk full, I/O error, a commit that fails) raises for every writer of
the group and leaves none of their rows.

What a read sees: every other statement goes through :class:`AfterWrites`, which holds it until the writes
queued before it are done, so a read sees what was written before it was asked, as with one queue.

What stays atomic: statements run in the order queued, one group at a time, and nothing else runs on the
connection while a group does (aiosqlite's thread runs one function at a time), so a check-and-reserve
(one ``INSERT … SELECT … WHERE``) sees every reservation queued before it, and statements queued together
(:meth:`WriteGroups.together`) run one after the other, all or none (a savepoint), with nothing between
them.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Generator, Iterable, Sequence
from functools import partial
from typing import Any, TypeVar, cast

import aiosqlite

Statement = tuple[str, Sequence[Any]]
T = TypeVar("T")
GROUP_MAX = 64  # statements in one group at most: a transaction (and what its writers wait for) stays short


class WriteGroups:
    """Queues writes for one aiosqlite connection and runs each group of them in one trip and transaction."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db
        # statements that go together, and the future their writer awaits (the row counts)
        self._queued: list[tuple[list[Statement], asyncio.Future[list[int]]]] = []
        self._running: asyncio.Task[None] | None = None
        self._last: asyncio.Future[list[int]] | None = None  # the newest write's: done once all are
        self._sent: asyncio.Task[list[list[int] | BaseException]] | None = None  # the group in the thread
        self.groups = 0  # groups committed (tests and benches read it)
        self.writes = 0  # writes in them

    def write(self, sql: str, args: Iterable[Any] = ()) -> asyncio.Future[int]:
        """Queue one write; the future gives its row count once its group is committed."""
        return _follow(self._enqueue([(sql, tuple(args))]), lambda counts: counts[0])

    def together(self, statements: Sequence[Statement]) -> asyncio.Future[list[int]]:
        """Queue writes that run one after the other with nothing between them, all or none; the future gives
        their row counts once committed."""
        return _follow(self._enqueue(statements), lambda counts: counts)

    def _enqueue(self, statements: Sequence[Statement]) -> asyncio.Future[list[int]]:
        """Queue statements; the returned future is the group's own (callers get a follower of it, so a
        caller that stops waiting cancels only its follower, never what later reads wait for)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[int]] = loop.create_future()
        self._queued.append(([(sql, tuple(args)) for sql, args in statements], future))
        self._last = future
        if self._running is None:
            self._running = loop.create_task(self._drain())
        return future

    async def _drain(self) -> None:
        """Run the queued groups one after the other until none is left.

        If this task is cancelled (the loop shutting down around the store), the group already handed to
        aiosqlite's thread still runs there: its writers are told its real outcome when it has, and the groups
        not yet sent are cancelled, so no writer or read waits for them for ever.
        """
        try:
            while self._queued:
                group, self._queued = self._queued[:GROUP_MAX], self._queued[GROUP_MAX:]
                # a task of its own, so a cancelled drain can still hear how the thread ran it
                self._sent = sent = asyncio.create_task(self._in_thread(_run_group, [s for s, _ in group]))
                try:
                    results = await asyncio.shield(sent)
                except asyncio.CancelledError:
                    sent.add_done_callback(partial(_settle, group))  # told once the thread has run it
                    queued, self._queued = self._queued, []
                    for _, future in queued:
                        future.cancel()
                    raise
                except BaseException:
                    _settle(group, sent)
                    continue
                self.groups += 1
                self.writes += len(group)
                _deliver(group, results)
        finally:
            self._running = None

    def written(self) -> asyncio.Future[Any] | None:
        """What to wait for before a statement that must come after every write queued so far (None: none
        is left). Groups run in order, so the newest write done means all are."""
        last = self._last
        if last is None or last.done():
            return None
        return last

    async def probe(self) -> None:
        """Whether a write that needs new space succeeds now: a page-sized row written and rolled back, in one
        trip, so no group's writes can fall inside its transaction (and be rolled back with it)."""
        await self._in_thread(_probe)

    async def _in_thread(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(connection, *args)`` in aiosqlite's thread, between the statements queued there."""
        db: Any = self._db  # _execute is untyped in aiosqlite
        return cast(T, await db._execute(fn, db._conn, *args))

    async def wait(self) -> None:
        """Return once every write queued so far is committed (or failed)."""
        while self._running is not None:
            await asyncio.shield(self._running)


def _follow(source: asyncio.Future[list[int]], pick: Callable[[list[int]], T]) -> asyncio.Future[T]:
    """A future that follows ``source``'s outcome; cancelling it leaves ``source`` alone."""
    follower: asyncio.Future[T] = source.get_loop().create_future()

    def done(fut: asyncio.Future[list[int]]) -> None:
        if follower.done():
            return
        if fut.cancelled():
            follower.cancel()
        elif (exc := fut.exception()) is not None:
            follower.set_exception(exc)
        else:
            follower.set_result(pick(fut.result()))

    source.add_done_callback(done)
    return follower


def _deliver(group: list[tuple[list[Statement], asyncio.Future[list[int]]]],
             results: list[list[int] | BaseException]) -> None:
    """Tell each writer of a committed group its own outcome."""
    for (_, future), result in zip(group, results, strict=True):
        if future.done():
            continue
        if isinstance(result, BaseException):
            future.set_exception(result)
            future.exception()  # a writer that stopped waiting: never "never retrieved"
        else:
            future.set_result(result)


def _settle(group: list[tuple[list[Statement], asyncio.Future[list[int]]]],
            sent: asyncio.Future[list[list[int] | BaseException]]) -> None:
    """Tell a group's writers how the trip that ran it ended: committed, or failed for all of them."""
    if not sent.cancelled() and sent.exception() is None:
        _deliver(group, sent.result())
        return
    exc: BaseException = asyncio.CancelledError() if sent.cancelled() else sent.exception()  # type: ignore[assignment]
    for _, future in group:
        if future.done():
            continue
        if isinstance(exc, asyncio.CancelledError):
            future.cancel()
        else:
            future.set_exception(exc)
            future.exception()  # a writer that stopped waiting: never "never retrieved"


def _run_group(conn: sqlite3.Connection, groups: list[list[Statement]]) -> list[list[int] | BaseException]:
    """In aiosqlite's thread: every group's statements in one transaction; each group all or none."""
    conn.execute("BEGIN IMMEDIATE")
    out: list[list[int] | BaseException] = []
    try:
        for statements in groups:
            if len(statements) == 1:
                sql, args = statements[0]
                try:
                    out.append([conn.execute(sql, args).rowcount])
                except Exception as exc:  # a refusal (or a value SQLite cannot bind) is its writer's
                    if not conn.in_transaction:  # SQLite ended the whole transaction: everyone fails
                        raise
                    out.append(exc)
                continue
            conn.execute("SAVEPOINT together")
            try:
                out.append([conn.execute(sql, args).rowcount for sql, args in statements])
            except Exception as exc:  # as above: this group's alone
                if not conn.in_transaction:
                    raise
                conn.execute("ROLLBACK TO together")
                out.append(exc)
            conn.execute("RELEASE together")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return out


def _probe(conn: sqlite3.Connection) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS health_probe (b BLOB)")
        conn.execute("INSERT INTO health_probe VALUES (zeroblob(16384))")
    finally:
        conn.execute("ROLLBACK")


class AfterWrites:
    """aiosqlite's connection, for every statement that is not a grouped write: each waits for the writes
    queued before it (a read then sees them, an explicit transaction never holds them)."""

    def __init__(self, db: aiosqlite.Connection, groups: WriteGroups) -> None:
        self._db = db
        self._groups = groups

    def execute(self, sql: str, args: Iterable[Any] = ()) -> _After:
        return _After(self, sql, args)

    async def execute_fetchall(self, sql: str, args: Iterable[Any] = ()) -> Iterable[Any]:
        await self._settle()
        return await self._db.execute_fetchall(sql, tuple(args))

    async def executescript(self, script: str) -> Any:
        await self._settle()
        return await self._db.executescript(script)

    async def close(self) -> None:
        await self._groups.wait()
        await self._db.close()

    async def _settle(self) -> None:
        written = self._groups.written()
        if written is not None:
            await asyncio.wait([written])  # its writer hears how it went; here only the order matters

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)


class _After:
    """A statement sent once the writes before it are done; awaited, or used as ``async with`` like
    aiosqlite's."""

    def __init__(self, owner: AfterWrites, sql: str, args: Iterable[Any]) -> None:
        self._owner = owner
        self._sql = sql
        self._args = tuple(args)
        self._cursor: Any = None

    async def _run(self) -> Any:
        await self._owner._settle()
        return await self._owner._db.execute(self._sql, self._args)

    def __await__(self) -> Generator[Any, None, Any]:
        return self._run().__await__()

    async def __aenter__(self) -> Any:
        self._cursor = await self._run()
        return self._cursor

    async def __aexit__(self, *exc: object) -> None:
        await self._cursor.close()
