"""Watching cost: detail calls per task and detection lag, our scheduler against the spec's naive loop.

The naive loop is what the spec describes: every task checked every 5 s (8 s for video) from the
moment it is created. Ours checks first near the model's minimum time, then at its own cadence.
Durations are drawn inside the spec's time table by the sandbox, scaled by --time-scale.
Usage: python -m bench.watching_cost [--tasks 500] [--time-scale 0.02]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from typing import Any

from core.contracts import ChatEvent
from core.ima_client import IMAClient
from core.manager import TaskRequest
from core.media import MEDIA_OF_CATEGORY
from core.timetable import _table

from .harness import KEY, RecordingChat, machine, open_core, percentile, start_sandbox


def _mix(rng: random.Random, n: int) -> list[tuple[str, str]]:
    rows = [(category, model) for category, models in _table()["models"].items() for model in models]
    return [rng.choice(rows) for _ in range(n)]


def _images(category: str) -> list[str]:
    needed = {"image_to_image": 1, "image_to_video": 1, "first_last_frame_to_video": 2, "reference_image_to_video": 1}
    return ["https://cdn.example.com/input.png"] * needed.get(category, 0)


def _done_at(state: Any, task_id: str) -> float:
    task = state.tasks[task_id]
    return task.created + max(task.durations)


def _details_seen(state: Any) -> int:
    """Detail calls as IMA saw them (the check on the client's own count)."""
    return sum(1 for r in state.requests if r["path"] == "/open/v1/tasks/detail")


async def run_ours(n: int, scale: float, seed: int) -> dict[str, float]:
    runner, url, state = await start_sandbox(scale, seed)
    chat = RecordingChat()
    with tempfile.TemporaryDirectory() as tmp:
        core = await open_core(url, tmp, scale, max_active_per_user=n, max_active_total=n * 2, check_concurrency=64)
        core.add_platform(chat)
        await core.start()
        rng = random.Random(seed)
        ids = []
        for i, (category, model_id) in enumerate(_mix(rng, n)):
            catalogue = await core.client.catalogue(category)
            model = catalogue.by_model_id(model_id)
            event = ChatEvent("bench", f"u{i}", "c", "", {"user": f"u{i}"})
            ids.append(await core.manager.submit(TaskRequest(event, "en", model.quote({}), f"bench {i}", images=_images(category))))
        await core.manager.wait_idle(600)
        lags = []
        for task_id in ids:
            record = await core.store.task(task_id)
            shown = chat.finals.get(task_id)
            if record and record.ima_task_id and shown:
                lags.append(time.time() - (time.monotonic() - shown.at) - _done_at(state, record.ima_task_id))
        details = core.client.calls.get("detail", 0)
        await core.close()
    await runner.cleanup()
    return {"calls_per_task": details / n, "sandbox_detail_calls": _details_seen(state), "lag_p50": percentile(lags, 50), "lag_p99": percentile(lags, 99), "delivered": len(lags)}


async def run_naive(n: int, scale: float, seed: int) -> dict[str, float]:
    runner, url, state = await start_sandbox(scale, seed)
    async with IMAClient(KEY, base_url=url, upload_url=url, timeout_s=10) as client:
        rng = random.Random(seed)
        lags: list[float] = []

        async def one(category: str, model_id: str) -> None:
            model = (await client.catalogue(category)).by_model_id(model_id)
            created = await client.create_task(model.quote({}), "naive", _images(category))
            every = (8 if MEDIA_OF_CATEGORY[category] == "video" else 5) * scale
            while True:
                await asyncio.sleep(every)
                outcome = await client.task_detail(created.task_id)
                if outcome.state != "running":
                    lags.append(time.time() - _done_at(state, created.task_id))
                    return

        await asyncio.gather(*(one(c, m) for c, m in _mix(rng, n)))
        details = client.calls.get("detail", 0)
    await runner.cleanup()
    return {"calls_per_task": details / n, "sandbox_detail_calls": _details_seen(state), "lag_p50": percentile(lags, 50), "lag_p99": percentile(lags, 99), "delivered": len(lags)}


async def main(n: int, scale: float, seed: int = 7) -> dict[str, Any]:
    ours = await run_ours(n, scale, seed)
    naive = await run_naive(n, scale, seed)
    ratio = ours["calls_per_task"] / naive["calls_per_task"]
    report = {"tasks": n, "time_scale": scale, "ours": ours, "naive": naive, "calls_ratio": ratio,
              "calls_target_met": ratio <= 0.5, "lag_target_met": ours["lag_p99"] <= naive["lag_p99"] * 1.05}
    unscale = 1 / scale
    print(f"watching cost · {machine()}")
    print(f"tasks {n}, time scale {scale} (lags below are converted back to real seconds)")
    for name, r in (("ours", ours), ("naive", naive)):
        print(f"  {name:6s} detail calls/task {r['calls_per_task']:.2f}  lag p50 {r['lag_p50'] * unscale:.1f} s  "
              f"p99 {r['lag_p99'] * unscale:.1f} s  delivered {r['delivered']}/{n}")
    print(f"  calls ratio ours/naive {ratio:.2f} (target ≤ 0.50: {'met' if report['calls_target_met'] else 'MISSED'}); "
          f"p99 lag ours/naive {ours['lag_p99'] / naive['lag_p99']:.2f} (target ≤ 1.00, ±5% noise: {'met' if report['lag_target_met'] else 'MISSED'})")
    return report


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=500)
    parser.add_argument("--time-scale", type=float, default=0.02)
    args = parser.parse_args()
    asyncio.run(main(args.tasks, args.time_scale))
