"""A bot process for the crash test: a task manager whose "chat" is an append-only JSON-lines file.

Run as `python -m bench.crash_worker SANDBOX_URL DATA_DIR OPS_FILE [SUBMIT_N]`. It resumes what the
store says, then submits whichever of the SUBMIT_N requests ("crash prompt 0" …) the store does not
hold yet (each user message is sent once), waits until nothing is left, and exits 0. The crash
test and bench.crashes kill it with SIGKILL at random moments and start it again.

With CRASH_WORKER_DATABASE_URL (PostgreSQL) several workers share one store as instances do: each
holds leases (CRASH_WORKER_LEASE_S) and, with CRASH_WORKER_STAY=1, stays until no task is left in
flight anywhere, taking over the tasks of a worker that was killed.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
import uuid
from collections.abc import Mapping
from typing import Any

from core.contracts import ChatEvent
from core.ima_client import IMAClient
from core.manager import ManagerSettings, TaskManager, TaskRequest
from core.refs import TaskRef
from core.selection import Selector
from core.store import Store
from core.views import View


class FilePlatform:
    name = "file"

    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def channel(self, route: Mapping[str, Any]) -> FileChannel:
        return FileChannel(self)

    def connected(self) -> bool:
        return True

    def write(self, entry: dict[str, Any]) -> None:
        os.write(self.fd, (json.dumps(entry, ensure_ascii=False) + "\n").encode())


class FileChannel:
    min_edit_interval_s = 0.0

    def __init__(self, platform: FilePlatform) -> None:
        self.platform = platform

    def _entry(self, op: str, ref: str, view: View) -> dict[str, Any]:
        task = TaskRef.decode(view.actions[0].ref).task_id if view.actions else None
        return {"op": op, "ref": ref, "kind": view.kind, "final": view.final, "task": task,
                "pid": os.getpid(), "at": time.time()}

    async def send(self, view: View) -> str:
        ref = uuid.uuid4().hex[:10]
        self.platform.write(self._entry("send", ref, view))
        return ref

    async def edit(self, ref: str, view: View) -> None:
        self.platform.write(self._entry("edit", ref, view))


def _append(path: str, line: str) -> None:
    with open(path, "a") as fh:  # once at the end of a run
        fh.write(line + "\n")


async def main(url: str, data_dir: str, ops_file: str, submit_n: int) -> None:
    database_url = os.environ.get("CRASH_WORKER_DATABASE_URL") or None
    store = await Store.open(data_dir, database_url)
    client = IMAClient("ima_crash_test_key", base_url=url, upload_url=url, timeout_s=3)
    platform = FilePlatform(ops_file)
    scale = float(os.environ.get("CRASH_WORKER_TIME_SCALE", "0.02"))
    gap = float(os.environ.get("CRASH_WORKER_GAP_S", "0.03"))
    lease_s = float(os.environ.get("CRASH_WORKER_LEASE_S", "30"))
    most = os.environ.get("CRASH_WORKER_MAX_ACTIVE")  # the load bench keeps thousands in flight
    settings = ManagerSettings(time_scale=scale, lease_s=lease_s, max_active_per_user=int(most or 100))
    if most:
        settings.max_active_total = int(most)
    manager = TaskManager(store, client, {"file": platform}, settings,
                          alternatives=Selector(client).alternatives_for)
    await manager.start()
    catalogue = await client.catalogue("text_to_image")
    model = catalogue.by_model_id("gemini-3.1-flash-image")
    assert model is not None, "the sandbox's catalogue has the bench's model"
    states = ("creating", "running", "delivering", "done", "failed", "interrupted", "cancelled")
    known = {record.request["prompt"] for record in await store.tasks_in(states)}
    prefix = os.environ.get("CRASH_WORKER_PREFIX", "crash prompt")
    acks: list[float] = []
    for i in range(submit_n):
        if f"{prefix} {i}" in known:
            continue
        event = ChatEvent(platform="file", user_id=f"user{i % 5}", chat_id="c", text="", route={})
        started = time.perf_counter()
        await manager.submit(TaskRequest(event, "en", model.quote({}), f"{prefix} {i}"))
        acks.append(time.perf_counter() - started)  # what the user waits for: the first status message
        if gap:
            await asyncio.sleep(gap)
    if acks and os.environ.get("CRASH_WORKER_ACKS"):
        _append(os.environ["CRASH_WORKER_ACKS"], json.dumps({"pid": os.getpid(), "acks": acks}))
    await asyncio.sleep(0.1)
    await manager.wait_idle(60)
    # another instance may still die and leave tasks to take over
    if os.environ.get("CRASH_WORKER_STAY") == "1":
        # first until the other instance has stored any task (it may start later than this one on a busy
        # machine)
        while not await store.tasks_in(states):  # noqa: ASYNC110 - the store is the only signal across processes
            await asyncio.sleep(0.05)
        while await store.tasks_in(("creating", "running", "delivering")):  # noqa: ASYNC110 - the store is the only signal across processes
            await asyncio.sleep(0.05)
        await manager.wait_idle(60)
    await manager.close()
    await client.close()
    await store.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 0))
