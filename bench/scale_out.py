"""Several instances on one PostgreSQL: takeover after a kill, acknowledgement and status throughput with
1 and 3 instances, and database round trips per task.

- takeover: two instances, one SIGKILLed with tasks in flight; seconds from the kill until the survivor
  edits a task of the dead one (target: within the lease time, lease_s; see core/leases.py);
  every task answered once, 0 duplicate creates.
- load: N tasks in flight split over 1 or 3 instances (worker processes of bench.crash_worker): the
  time until each task's first status message (p50/p99) and status edits per second while all run.
- round trips: statements sent to the database over a task's whole life, SQLite and PostgreSQL.

Usage: python -m bench.scale_out [--tasks 3000] [--lease 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from core.store import Store
from fakes.postgres import create_database, pg_cluster

from .harness import image_tasks_lifecycle, machine, percentile, start_sandbox

ROOT = Path(__file__).resolve().parent.parent


async def _fresh_db(server: str, name: str) -> str:
    return await asyncio.to_thread(create_database, server, name)


async def _worker(url: str, tmp: Path, name: str, submit: int, database_url: str, *, lease_s: float,
                  scale: float, gap_s: float, acks: Path | None = None) -> asyncio.subprocess.Process:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CRASH_WORKER_DATABASE_URL": database_url,
           "CRASH_WORKER_LEASE_S": str(lease_s), "CRASH_WORKER_STAY": "1",
           "CRASH_WORKER_TIME_SCALE": str(scale),
           "CRASH_WORKER_GAP_S": str(gap_s), "CRASH_WORKER_PREFIX": f"{name} prompt",
           "CRASH_WORKER_MAX_ACTIVE": "100000"}
    if acks is not None:
        env["CRASH_WORKER_ACKS"] = str(acks)
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.crash_worker", url, str(tmp / name), str(tmp / "ops.jsonl"), str(submit),
        cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)


def _ops(tmp: Path) -> list[dict[str, Any]]:
    path = tmp / "ops.jsonl"
    return (
        [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []
    )


async def takeover(server: str, lease_s: float, tasks: int = 40) -> dict[str, Any]:
    runner, url, state = await start_sandbox(0.05, 3)
    database_url = await _fresh_db(server, "takeover")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        doomed = await _worker(url, tmp, "a", tasks, database_url, lease_s=lease_s, scale=0.05, gap_s=0.02)
        survivor = await _worker(url, tmp, "b", 0, database_url, lease_s=lease_s, scale=0.05, gap_s=0.0)
        while len(state.creates()) < tasks // 2:  # noqa: ASYNC110 - the sandbox's log is the signal
            await asyncio.sleep(0.01)
        doomed.send_signal(signal.SIGKILL)
        killed_at = time.time()
        await doomed.wait()
        await asyncio.wait_for(survivor.wait(), 300)
        ops = _ops(tmp)
    await runner.cleanup()
    created_by = {op["task"]: op["pid"] for op in ops if op["op"] == "send" and op["task"]}
    taken = [op["at"] for op in ops if op["pid"] == survivor.pid and created_by.get(op["task"]) == doomed.pid]
    finals: dict[str, set[str]] = {}
    for op in ops:
        if op["final"]:
            finals.setdefault(op["task"], set()).add(op["ref"])
    prompts = Counter(r["json"]["parameters"][0]["parameters"]["prompt"] for r in state.creates())
    return {"lease_s": lease_s, "takeover_s": round(min(taken) - killed_at, 2) if taken else None,
            "target_s": round(lease_s, 2), "tasks_taken_over": len({o["task"] for o in ops
                                                                          if o["pid"] == survivor.pid}),
            "answered_more_than_once": sum(1 for refs in finals.values() if len(refs) > 1),
            "duplicate_creates": sum(c - 1 for c in prompts.values() if c > 1)}


async def load(server: str, instances: int, tasks: int, lease_s: float) -> dict[str, Any]:
    # Tasks last long enough (scale 0.5: about 20 s for this model) that all of them are in flight at once.
    runner, url, state = await start_sandbox(0.5, 4)
    database_url = await _fresh_db(server, f"load{instances}")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        acks = tmp / "acks.jsonl"
        started = time.time()
        workers = [await _worker(url, tmp, f"w{i}", tasks // instances, database_url, lease_s=lease_s,
                                 scale=0.5, gap_s=0.0, acks=acks) for i in range(instances)]
        codes = await asyncio.wait_for(asyncio.gather(*(w.wait() for w in workers)), 900)
        if any(codes):
            raise RuntimeError(f"a worker failed (exit codes {codes}); run bench.crash_worker alone")
        elapsed = time.time() - started
        ops = _ops(tmp)
        ack_values = [a for line in acks.read_text().splitlines() for a in json.loads(line)["acks"]]
    await runner.cleanup()
    edits = [op["at"] for op in ops if op["op"] == "edit"]
    span = (max(edits) - min(edits)) if len(edits) > 1 else 1.0
    final_ops = Counter(op["task"] for op in ops if op["final"])
    return {
        "instances": instances,
        "tasks": tasks,
        "delivered": len(final_ops),
        # same message written again, same result
        "final_rewritten": sum(c - 1 for c in final_ops.values()),
        "ack_p50_ms": round(percentile(ack_values, 50) * 1000, 1),
        "ack_p99_ms": round(percentile(ack_values, 99) * 1000, 1),
        "status_edits_per_s": round(len(edits) / span, 1),
        "wall_s": round(elapsed, 1),
        "duplicate_creates": len(state.creates())
        - len({r["json"]["parameters"][0]["parameters"]["prompt"] for r in state.creates()}),
    }


class _Counting:
    """Counts statements sent through the store's connection; everything else passes through."""

    def __init__(self, db: Any) -> None:
        self._db = db
        self.statements = 0

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        self.statements += 1
        return self._db.execute(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)


async def round_trips(database_url: str | None, tasks: int = 50) -> dict[str, Any]:
    counted: list[_Counting] = []

    @asynccontextmanager
    async def counting(store: Store) -> AsyncIterator[None]:
        counted.append(_Counting(store._db))
        store._db = counted[0]  # bench only: count what the store sends, without changing what it does
        yield

    await image_tasks_lifecycle(database_url, tasks, "round trip", counting)
    per_task = counted[0].statements / tasks
    return {"backend": "postgresql" if database_url else "sqlite", "statements_per_task": round(per_task, 1)}


async def main(tasks: int, lease_s: float) -> dict[str, Any]:
    with pg_cluster() as server:
        report: dict[str, Any] = {"machine": machine()}
        report["takeover"] = await takeover(server, lease_s)
        report["round_trips"] = [await round_trips(None), await round_trips(await _fresh_db(server, "trips"))]
        report["load"] = [await load(server, 1, tasks, lease_s), await load(server, 3, tasks, lease_s)]
    return report


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=3000)
    parser.add_argument("--lease", type=float, default=2.0)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.tasks, args.lease)), indent=2))
