"""Shared pieces of the benchmarks: the sandbox, a core, a recording chat, percentiles, machine facts."""

from __future__ import annotations

import asyncio
import os
import platform
import resource
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from core.config import Settings
from core.contracts import ChannelError, ChatEvent
from core.ima_client import IMAClient
from core.manager import ManagerSettings, TaskManager, TaskRequest
from core.refs import TaskRef
from core.service import CoreService
from core.store import Store
from core.views import View
from sandbox.app import SandboxConfig, bound_url, run_sandbox, state_of

KEY = "ima_bench_key_0001"


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def machine() -> str:
    return (f"{platform.machine()} · {os.cpu_count()} cores · Python {platform.python_version()} · "
            f"{platform.system()} {platform.release()}")


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Shown:
    ref: str
    view: View
    at: float
    user: str = ""


@dataclass
class RecordingChat:
    """A chat platform that records what users would see and enforces a minimum edit interval."""

    name: str = "bench"
    min_edit_interval_s: float = 0.0
    shown: list[Shown] = field(default_factory=list)
    first_seen: dict[str, float] = field(default_factory=dict)  # route user → first status message time
    finals: dict[str, Shown] = field(default_factory=dict)  # task id → final view
    final_count: dict[str, int] = field(default_factory=dict)
    last_edit: dict[str, float] = field(default_factory=dict)
    too_fast: int = 0

    def channel(self, route: Mapping[str, Any]) -> BenchChannel:
        return BenchChannel(self, str(route.get("user", "")))

    def connected(self) -> bool:
        return True

    def record(self, ref: str, view: View, user: str) -> None:
        now = time.monotonic()
        self.shown.append(Shown(ref, view, now, user))
        if view.kind == "status" and user:
            self.first_seen.setdefault(user, now)
        if view.final and view.actions:
            task = TaskRef.decode(view.actions[0].ref).task_id
            self.final_count[task] = self.final_count.get(task, 0) + 1
            self.finals.setdefault(task, Shown(ref, view, now))


class BenchChannel:
    def __init__(self, chat: RecordingChat, user: str) -> None:
        self.chat = chat
        self.user = user
        self.min_edit_interval_s = chat.min_edit_interval_s

    async def send(self, view: View) -> str:
        ref = uuid.uuid4().hex[:10]
        self.chat.record(ref, view, self.user)
        self.chat.last_edit[ref] = time.monotonic()
        return ref

    async def edit(self, ref: str, view: View) -> None:
        now = time.monotonic()
        if now - self.chat.last_edit.get(ref, 0) < self.chat.min_edit_interval_s * 0.95:
            self.chat.too_fast += 1  # what a platform would answer with 429
            raise ChannelError("rate limited", retry_after_s=self.chat.min_edit_interval_s)
        self.chat.last_edit[ref] = now
        self.chat.record(ref, view, self.user)


async def start_sandbox(time_scale: float, seed: int = 1, **faults: Any):
    config = SandboxConfig(time_scale=time_scale, seed=seed, starting_points=10**9)
    if faults:
        config.faults.update(faults)
    runner = await run_sandbox("127.0.0.1", 0, config)
    return runner, bound_url(runner), state_of(runner.app)


async def open_core(url: str, data_dir: str, time_scale: float, **bot: Any) -> CoreService:
    settings = Settings.model_validate({"bot": {"data_dir": data_dir, "time_scale": time_scale, **bot}})
    return await CoreService.open(settings, api_key=KEY, base_url=url, upload_url=url)


@asynccontextmanager
async def _nothing(_store: Store) -> AsyncIterator[None]:
    yield


Observer = Callable[[Store], AbstractAsyncContextManager[Any]]


async def image_tasks_lifecycle(database_url: str | None, tasks: int = 50, label: str = "bench",
                                observe: Observer = _nothing) -> None:
    """``tasks`` image tasks through the real TaskManager and Store, from submit until each has ended, with
    the sandbox as IMA; ``observe`` wraps exactly that part (after the store's migrations and start-up),
    for benches that count or record what the store sends."""
    runner, url, _state = await start_sandbox(0.01, 6)
    with tempfile.TemporaryDirectory() as name:
        store = await Store.open(name, database_url)
        client = IMAClient(KEY, base_url=url, upload_url=url, timeout_s=5)
        manager = TaskManager(store, client, {"bench": RecordingChat("bench")},
                              ManagerSettings(time_scale=0.01, max_active_per_user=1000))
        await manager.start()
        model = (await client.catalogue("text_to_image")).by_model_id("doubao-seedream-4.5")
        assert model is not None
        try:
            async with observe(store):
                for i in range(tasks):
                    event = ChatEvent(platform="bench", user_id=f"u{i % 9}", chat_id="c", text="", route={})
                    await manager.submit(TaskRequest(event, "en", model.quote({}), f"{label} {i}"))
                while await store.tasks_in(("creating", "running", "delivering")):  # noqa: ASYNC110
                    await asyncio.sleep(0.05)  # bench: wait for every task to end
                await manager.wait_idle(60)
        finally:
            await manager.close()
            await client.close()
            await store.close()
    await runner.cleanup()
