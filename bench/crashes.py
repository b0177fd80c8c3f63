"""Crashes: SIGKILL the bot at random moments of a run, restart it each time, count what went wrong.

Reports lost tasks (accepted but never answered), duplicate creates at IMA and results delivered
twice. Targets: 0, 0, 0. Usage: python -m bench.crashes [--tasks 200] [--kills 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from core.store import Store

from .harness import machine, start_sandbox

ROOT = Path(__file__).resolve().parent.parent
STATES = ("creating", "running", "delivering", "done", "failed", "interrupted", "cancelled")


async def _worker(url: str, tmp: Path, tasks: int, scale: float, gap_s: float,
                  stderr: int = asyncio.subprocess.DEVNULL) -> asyncio.subprocess.Process:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CRASH_WORKER_TIME_SCALE": str(scale),
           "CRASH_WORKER_GAP_S": str(gap_s)}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.crash_worker", url, str(tmp / "data"), str(tmp / "ops.jsonl"),
        str(tasks), cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=stderr)


async def main(tasks: int, kills: int, seed: int = 5, scale: float = 0.05,
               gap_s: float = 0.25) -> dict[str, Any]:
    rng = random.Random(seed)
    runner, url, state = await start_sandbox(scale, seed)
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        done_kills = 0
        early_exits: list[int] = []
        for _ in range(kills * 3):
            if done_kills == kills:
                break
            worker = await _worker(url, tmp, tasks, scale, gap_s)
            try:
                early_exits.append(await asyncio.wait_for(worker.wait(), rng.uniform(0.8, 2.5)))
                continue  # it finished before we got to kill it
            except TimeoutError:
                worker.send_signal(signal.SIGKILL)
                await worker.wait()
                done_kills += 1
        # the last one is never killed: what it says on stderr tells why a run did not end cleanly
        final = await _worker(url, tmp, tasks, scale, gap_s, stderr=asyncio.subprocess.PIPE)
        _, final_err = await asyncio.wait_for(final.communicate(), 300)
        exit_code = final.returncode
        store = await Store.open(tmp / "data")
        records = await store.tasks_in(STATES)
        await store.close()
        ops = [json.loads(line) for line in (tmp / "ops.jsonl").read_text().splitlines() if line.strip()]
    await runner.cleanup()
    finals = Counter(op["task"] for op in ops if op["final"])
    final_messages: dict[str, set[str]] = {}
    for op in ops:
        if op["final"]:
            final_messages.setdefault(op["task"], set()).add(op["ref"])
    prompts = Counter(r["json"]["parameters"][0]["parameters"]["prompt"] for r in state.creates())
    lost = [r.id for r in records if r.state not in ("done", "failed", "interrupted",
                                                     "cancelled") or finals[r.id] == 0]
    report = {
        "tasks": tasks,
        "kills": done_kills,
        "stored": len(records),
        "exit_code": exit_code,
        "lost": len(lost),
        "duplicate_creates": sum(c - 1 for c in prompts.values() if c > 1),
        "delivered_twice": sum(1 for r in records if len(final_messages.get(r.id, ())) > 1),
        "rewritten_in_place": sum(
            1 for r in records if finals[r.id] > 1 and len(final_messages.get(r.id, ())) == 1
        ),
        "interrupted": sum(1 for r in records if r.state == "interrupted"),
        "missing_requests": tasks - len(records),
        "early_exits": early_exits,
        "final_stderr_tail": final_err.decode("utf-8", "replace")[-2000:] if exit_code else "",
    }
    print(f"crashes · {machine()}")
    print(f"  {tasks} requests, {done_kills} SIGKILLs at random moments, restart after each; {len(records)} "
          f"tasks stored")
    print(f"  lost {report['lost']} (target 0) · duplicate creates {report['duplicate_creates']} (target 0) "
          f"· "
          f"results delivered twice {report['delivered_twice']} (target 0)")
    print(f"  killed between showing a result and recording it, so the same message was re-written with the "
          f"same result "
          f"after the restart (invisible to the user): {report['rewritten_in_place']}")
    print(f"  told 'interrupted before it started' (never re-created, never charged twice): "
          f"{report['interrupted']}")
    return report


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--kills", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(main(args.tasks, args.kills))
