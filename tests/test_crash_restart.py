"""SIGKILL in the middle of 20 tasks, restart: every task delivered exactly once, created at most once
(issue 4)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections import Counter
from pathlib import Path

from core.store import Store

from .conftest import Sandbox, until

ROOT = Path(__file__).resolve().parent.parent


async def _start(sandbox: Sandbox, tmp_path: Path, submit: int) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.crash_worker", sandbox.url, str(tmp_path / "data"),
        str(tmp_path / "ops.jsonl"), str(submit), cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})


async def test_sigkill_mid_run_then_restart_delivers_every_task_exactly_once(sandbox: Sandbox,
                                                                             tmp_path: Path):
    sandbox.state.config.time_scale = 0.02
    worker = await _start(sandbox, tmp_path, 20)
    # kill once about half the tasks exist at IMA (or the worker ended on its own: then all 20 must be
    # delivered)
    await until(lambda: len(sandbox.state.creates()) >= 10 or worker.returncode is not None, 120,
                "10 tasks at IMA")
    if worker.returncode is None:
        worker.send_signal(signal.SIGKILL)
    await worker.wait()
    killed_at = len(sandbox.state.creates())
    assert 0 < killed_at <= 20

    restarted = await _start(sandbox, tmp_path, 0)
    assert await asyncio.wait_for(restarted.wait(), 180) == 0  # only a hang guard

    store = await Store.open(tmp_path / "data")
    tasks = await store.tasks_in(("done", "failed", "interrupted", "creating", "running", "delivering",
                                  "cancelled"))
    await store.close()
    ops = [json.loads(line) for line in (tmp_path / "ops.jsonl").read_text().splitlines()]
    finals = Counter(op["task"] for op in ops if op["final"])
    final_messages: dict[str, set[str]] = {}
    for op in ops:
        if op["final"]:
            final_messages.setdefault(op["task"], set()).add(op["ref"])
    prompts = Counter(r["json"]["parameters"][0]["parameters"]["prompt"] for r in sandbox.state.creates())

    assert tasks, "the first run stored its tasks"
    for task in tasks:
        assert task.state in ("done", "interrupted"), task.state
        # exactly one message shows the outcome (a kill between showing it and recording it may re-write that
        # same
        # message with the same result after the restart, which the user cannot tell apart)
        assert len(final_messages.get(task.id, ())) == 1 and finals[task.id] <= 2, (task.id, task.state,
                                                                                    finals[task.id])
        assert prompts[task.request["prompt"]] <= 1
        if task.state == "done":
            assert prompts[task.request["prompt"]] == 1
    assert all(count == 1 for count in prompts.values())
    assert sum(1 for t in tasks if t.state == "done") >= killed_at - 1
