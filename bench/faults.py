"""Faults: a run with the sandbox injecting 10% 5xx, 5% 429, 2% slow answers and 2% failed tasks.

Reports the share of tasks that end in the right message (a result when IMA made one, a failure
with the matching plain reason otherwise), duplicate creates and platform rate-limit hits.
Targets: 100%, 0, 0. Usage: python -m bench.faults [--tasks 300]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
from collections import Counter
from typing import Any

import aiohttp

from core.contracts import ChatEvent
from core.intent import warm_up
from core.manager import TaskRequest

from .harness import RecordingChat, machine, open_core, start_sandbox

FAULTS = {"rate_5xx": 0.10, "rate_429": 0.05, "rate_slow": 0.02, "rate_task_fail": 0.02, "slow_s": 0.4,
          "retry_after_s": 0.2}  # slow: past the client timeout below
MODELS = [("text_to_image", "doubao-seedream-4.5"), ("text_to_image", "gemini-3.1-flash-image"),
          ("text_to_music", "GenBGM"), ("text_to_video", "wan2.6-t2v")]


def right_message(view_kind: str, error_kind: str | None, created: bool, sandbox_outcome: str | None) -> bool:
    if not created:
        return view_kind == "failure" and error_kind in ("unavailable", "rate_limited", "unconfirmed")
    if sandbox_outcome == "fail":
        return view_kind == "failure" and error_kind == "generation_failed"
    return view_kind == "result"


async def main(tasks: int, scale: float = 0.02, seed: int = 11) -> dict[str, Any]:
    runner, url, state = await start_sandbox(scale, seed, **FAULTS)
    chat = RecordingChat(min_edit_interval_s=0.02)
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        core = await open_core(url, tmp, scale, max_active_per_user=tasks, max_active_total=tasks * 2)
        core.client.timeout = aiohttp.ClientTimeout(total=0.3)  # 15 s, on the same time scale as the tasks
        core.add_platform(chat)
        warm_up()  # as a server does before it starts (bot/commands.py serve)
        await core.start()
        ids = []
        for i in range(tasks):
            category, model_id = rng.choice(MODELS)
            try:
                catalogue = await core.client.catalogue(category)
            except Exception:
                catalogue = await core.client.catalogue(category)  # an injected fault on the list: ask again
            model = catalogue.by_model_id(model_id)
            assert model is not None
            event = ChatEvent("bench", f"u{i}", "c", "", {"user": f"u{i}"})
            ids.append(await core.manager.submit(TaskRequest(event, "en", model.quote({}),
                                                             f"fault prompt {i}")))
        await core.manager.wait_idle(600)
        right = 0
        wrong: Counter[str] = Counter()
        for task_id in ids:
            record = await core.store.task(task_id)
            assert record is not None
            shown = chat.finals.get(task_id)
            sandbox_task = state.tasks.get(record.ima_task_id or "")
            ok = shown is not None and right_message(shown.view.kind, record.error_kind,
                                                     bool(record.ima_task_id),
                                                     sandbox_task.outcome if sandbox_task else None)
            right += ok
            if not ok:
                wrong[f"{shown.view.kind if shown else 'nothing'}/{record.error_kind}"] += 1
        await core.close()
    await runner.cleanup()
    prompts = Counter(r["json"]["parameters"][0]["parameters"]["prompt"] for r in state.creates())
    faults = Counter(r.get("fault") for r in state.requests if r.get("fault"))
    report = {"tasks": tasks, "right": right, "right_share": right / tasks, "wrong": dict(wrong),
              "duplicate_creates": sum(c - 1 for c in prompts.values() if c > 1),
              "platform_429": chat.too_fast,
              "faults_injected": dict(faults), "twice": sum(1 for c in chat.final_count.values() if c > 1)}
    print(f"faults · {machine()}")
    print(f"  {tasks} tasks; injected: {dict(faults)} plus {FAULTS['rate_task_fail']:.0%} failed tasks")
    print(f"  right final message {right}/{tasks} ({right / tasks:.1%}, target 100%) · duplicate creates "
          f"{report['duplicate_creates']} (target 0) · platform 429s {chat.too_fast} (target 0) · final "
          f"shown twice {report['twice']}")
    if wrong:
        print(f"  wrong: {dict(wrong)}")
    return report


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(main(args.tasks))
