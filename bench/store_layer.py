"""The PostgreSQL layer under the store against SQLAlchemy Core on the same driver (issue 19, item 1).

Issue 19 accepts a thinner layer directly on asyncpg instead of SQLAlchemy Core "if it is simpler and
measured faster". This bench is that measurement, on the statements the store really sends:

1. record: 50 image tasks go through the real TaskManager and Store on a throwaway PostgreSQL, with the
   sandbox as IMA; every statement the store sends (SQL and parameters, in order, transactions
   included) is recorded at the layer's one execution point (``core.pg._run_on``);
2. replay: the recorded statements are sent again, in order, to a fresh copy of the schema, through
   (a) ``core.pg.PgConnection`` (our ~130-line shim over an asyncpg pool) and (b) an SQLAlchemy 2 async
   engine on the same asyncpg driver (``postgresql+asyncpg``, AUTOCOMMIT, ``text()`` statements with
   the same SQL, rows fetched the same way). Each layer replays ``--rounds`` times, alternating, each
   round into its own fresh database; the figures are the median round.

Printed: statements replayed, wall time and this process's CPU time per statement for each layer, and
the ratio SQLAlchemy / ours. Replaying keeps the database's own work identical, so the difference is
what each layer costs in Python. SQLAlchemy is needed only here (``pip install -e '.[bench]'``).

Usage: python -m bench.store_layer [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import core.pg
from core.pg import PgConnection
from core.store import Store
from fakes.postgres import create_database, pg_cluster

from .harness import image_tasks_lifecycle, machine

Statement = tuple[str, tuple[Any, ...]]


async def record(database_url: str, tasks: int = 50) -> list[Statement]:
    """The statements the store sends over the whole life of ``tasks`` image tasks (after its migrations)."""
    trace: list[Statement] = []
    original = core.pg._run_on

    async def recording(conn: Any, sql: str, params: Sequence[Any]) -> core.pg.PgCursor:
        trace.append((sql, tuple(params)))
        return await original(conn, sql, params)

    @asynccontextmanager
    async def recording_statements(_store: Store) -> AsyncIterator[None]:
        core.pg._run_on = recording  # bench only: observe what the store sends, without changing it
        try:
            yield
        finally:
            core.pg._run_on = original

    await image_tasks_lifecycle(database_url, tasks, "layer bench", recording_statements)
    return trace


async def _fresh_schema(server: str, name: str) -> str:
    """A new database with the store's schema (its own migrations), nothing else in it."""
    url = await asyncio.to_thread(create_database, server, name)
    with tempfile.TemporaryDirectory() as tmp:
        store = await Store.open(Path(tmp), url)
        await store.close()
    return url


async def replay_ours(url: str, trace: list[Statement], held: bool) -> tuple[float, float]:
    pool = await PgConnection.connect(url)
    try:
        async with AsyncExitStack() as stack:
            db = await stack.enter_async_context(pool.transaction()) if held else pool
            wall, cpu = time.perf_counter(), time.process_time()
            for sql, params in trace:
                async with db.execute(sql, params) as cursor:
                    await cursor.fetchall()
            return time.perf_counter() - wall, time.process_time() - cpu
    finally:
        await pool.close()


def _named(sql: str) -> tuple[str, list[str]]:
    """``?`` → ``:p1, :p2, …`` for ``text()``; literal colons (``::jsonb`` casts) escaped."""
    escaped = sql.replace(":", r"\:")
    names: list[str] = []

    def name(_m: re.Match[str]) -> str:
        names.append(f"p{len(names) + 1}")
        return f":{names[-1]}"

    return re.sub(r"\?", name, escaped), names


async def replay_sqlalchemy(url: str, trace: list[Statement], held: bool) -> tuple[float, float]:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

    engine = create_async_engine(url.replace("postgresql://", "postgresql+asyncpg://", 1),
                                 isolation_level="AUTOCOMMIT", pool_size=10)
    # Compiled once per distinct statement, as an application would keep them (SQLAlchemy also caches).
    compiled: dict[str, tuple[Any, list[str]]] = {}
    async def run(conn: AsyncConnection, sql: str, params: tuple[Any, ...]) -> None:
        if sql not in compiled:
            named, names = _named(sql)
            compiled[sql] = (text(named), names)
        statement, names = compiled[sql]
        result = await conn.execute(statement, dict(zip(names, params, strict=True)))
        if result.returns_rows:
            result.fetchall()

    try:
        if held:
            async with engine.begin() as conn:
                wall, cpu = time.perf_counter(), time.process_time()
                for sql, params in trace:
                    await run(conn, sql, params)
                return time.perf_counter() - wall, time.process_time() - cpu
        wall, cpu = time.perf_counter(), time.process_time()
        for sql, params in trace:
            async with engine.connect() as conn:
                await run(conn, sql, params)
        return time.perf_counter() - wall, time.process_time() - cpu
    finally:
        await engine.dispose()


MODES = {False: "a pooled connection per statement (as the store runs)",
         True: "one connection, one transaction"}


async def main(rounds: int) -> None:
    with pg_cluster() as server:
        trace = await record(await asyncio.to_thread(create_database, server, "record"))
        figures: dict[tuple[bool, str], list[tuple[float, float]]] = {}
        for r in range(rounds):
            for held in MODES:
                for layer, replay in (("ours", replay_ours), ("sqlalchemy", replay_sqlalchemy)):
                    url = await _fresh_schema(server, f"{layer}{int(held)}r{r}")
                    figures.setdefault((held, layer), []).append(await replay(url, trace, held))
    n = len(trace)
    print(f"store layer · {machine()}")
    print(f"  {n} statements recorded over 50 image tasks' lives ({n / 50:.1f} per task), replayed "
          f"{rounds}× per layer and mode into fresh databases (median round)")
    for held, mode in MODES.items():
        print(f"  {mode}:")
        medians: dict[str, tuple[float, float]] = {}
        for layer in ("ours", "sqlalchemy"):
            runs = figures[(held, layer)]
            wall = statistics.median(w for w, _ in runs)
            cpu = statistics.median(c for _, c in runs)
            medians[layer] = (wall, cpu)
            label = "core.pg over asyncpg" if layer == "ours" else "SQLAlchemy Core async (asyncpg)"
            print(f"    {label:<32} wall {wall / n * 1e6:7.1f} µs/statement · "
                  f"CPU {cpu / n * 1e6:7.1f} µs/statement")
        print(f"    SQLAlchemy / ours: wall {medians['sqlalchemy'][0] / medians['ours'][0]:.2f}×, "
              f"CPU {medians['sqlalchemy'][1] / medians['ours'][1]:.2f}×")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    asyncio.run(main(parser.parse_args().rounds))
