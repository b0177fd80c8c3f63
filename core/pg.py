"""PostgreSQL behind the same small connection surface the store uses with aiosqlite.

Why a shim and not a second store: the store keeps ONE set of queries, written in the SQL both
SQLite and PostgreSQL accept (``?`` placeholders, ``ON CONFLICT``, ``COALESCE``); this module only
turns ``?`` into asyncpg's ``$n`` and presents asyncpg's pool as ``execute`` / ``fetchone`` /
``fetchall`` / ``rowcount``. Each statement runs on a pooled connection in autocommit, exactly as
the SQLite store runs them; :meth:`PgConnection.transaction` pins one connection for the few
places that need several statements to be atomic (reserving a budget, claiming leases).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Generator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import asyncpg

from .store import DatabaseFailed

_ROWCOUNT = re.compile(r"(\d+)$")


def placeholders(sql: str) -> str:
    """``?`` → ``$1, $2, …`` outside string literals (the store never puts ``?`` inside one, but be exact)."""
    out: list[str] = []
    n = 0
    quoted = False
    for ch in sql:
        if ch == "'":
            quoted = not quoted
        if ch == "?" and not quoted:
            n += 1
            out.append(f"${n}")
        else:
            out.append(ch)
    return "".join(out)


def _returns_rows(sql: str) -> bool:
    head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
    return head in ("SELECT", "WITH", "VALUES") or " RETURNING " in sql.upper()


class PgCursor:
    """What a finished statement gives back: its rows (if any) and how many rows it changed."""

    def __init__(self, rows: list[asyncpg.Record], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount

    async def fetchone(self) -> asyncpg.Record | None:
        return self._rows[0] if self._rows else None

    async def fetchall(self) -> list[asyncpg.Record]:
        return list(self._rows)

    async def __aenter__(self) -> PgCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None


class _Pending:
    """Awaitable and usable with ``async with``, like aiosqlite's ``execute`` result."""

    def __init__(self, run: Any) -> None:
        self._run = run
        self._cursor: PgCursor | None = None

    def __await__(self) -> Generator[Any, None, PgCursor]:
        return self._run().__await__()  # type: ignore[no-any-return]

    async def __aenter__(self) -> PgCursor:
        self._cursor = await self._run()
        return self._cursor

    async def __aexit__(self, *exc: object) -> None:
        return None


@contextmanager
def _failures_as_store_errors() -> Iterator[None]:
    """The driver's errors as the store's :class:`~core.store.DatabaseFailed` (one of ``STORE_ERRORS``: said
    to users, outcomes retried), the driver's error kept as its cause."""
    try:
        yield
    except (asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        raise DatabaseFailed(f"{type(exc).__name__}: {exc}") from exc


async def _run_on(conn: asyncpg.Connection | asyncpg.Pool, sql: str, params: Sequence[Any]) -> PgCursor:
    query = placeholders(sql)
    with _failures_as_store_errors():
        if _returns_rows(sql):
            rows = await conn.fetch(query, *params)
            return PgCursor(list(rows), len(rows))
        status = await conn.execute(query, *params)
    match = _ROWCOUNT.search(status or "")
    return PgCursor([], int(match.group(1)) if match else 0)


class PgConnection:
    """A pool of connections to one PostgreSQL database, used like the store's SQLite connection."""

    dialect = "postgresql"

    def __init__(self, pool: asyncpg.Pool, conn: asyncpg.Connection | None = None, url: str = "") -> None:
        self._pool = pool
        self._conn = conn  # set inside a transaction: every statement goes to this one connection
        self._url = url

    @classmethod
    async def connect(cls, url: str, *, min_size: int = 2, max_size: int = 10) -> PgConnection:
        pool = await asyncpg.create_pool(url, min_size=min_size, max_size=max_size, command_timeout=30)
        return cls(pool, url=url)

    async def listen(self, channel: str, on_payload: Callable[[str], None],
                     on_lost: Callable[[], None]) -> asyncpg.Connection:
        """A dedicated connection (never the pool's: LISTEN belongs to one session) that calls ``on_payload``
        with each NOTIFY payload on ``channel``, and ``on_lost`` if the connection ends."""
        conn = await asyncpg.connect(self._url)
        await conn.add_listener(channel, lambda _c, _pid, _ch, payload: on_payload(payload))
        conn.add_termination_listener(lambda _c: on_lost())
        return conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _Pending:
        target = self._conn if self._conn is not None else self._pool
        return _Pending(lambda: _run_on(target, sql, params))

    async def executescript(self, script: str) -> None:
        target = self._conn if self._conn is not None else self._pool
        with _failures_as_store_errors():
            await target.execute(script)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PgConnection]:
        """One connection, one transaction: commit on success, roll back on any exception."""
        if self._conn is not None:
            yield self
            return
        with _failures_as_store_errors():  # taking a connection, committing
            async with self._pool.acquire() as conn, conn.transaction():
                yield PgConnection(self._pool, conn, self._url)

    async def close(self) -> None:
        await self._pool.close()
