"""The SQLite store sends its writes in groups, one trip and one transaction each (core/write_groups.py): what
a caller was told is saved survives a crash, a refused write never half-stays, reservations made at the same
moment still count each other, and what the store keeps in memory for answering (saved models, "what should
I change?" notes) says what the file says, across changes and restarts."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
import time
import uuid
from pathlib import Path

from core.kinds import TaskState
from core.store import Limits, Store, TaskRecord

ROOT = Path(__file__).resolve().parent.parent

# A process that saves 300 users' preferences at once, says so only once every write returned, and is
# then killed at once (SIGKILL: no clean close, nothing flushed on the way out).
_WRITER = """
import asyncio, os, signal, sys
from core.store import Store

async def main() -> None:
    store = await Store.open(sys.argv[1])
    await asyncio.gather(*(store.set_preference("web", f"user{k}", "text_to_video", "kling-video-o1", "v1",
                                                 "Kling O1") for k in range(300)))
    print("saved", store._groups.groups, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

asyncio.run(main())
"""


async def test_writes_said_saved_in_one_group_survive_a_crash_right_after(tmp_path: Path) -> None:
    writer = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _WRITER, str(tmp_path), cwd=ROOT, stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    out, _ = await writer.communicate()
    assert writer.returncode == -9, "the writer was not killed"
    said, commits = out.decode().split()
    assert said == "saved"
    assert 1 <= int(commits) < 300, "the 300 writes made at once were not committed together"
    store = await Store.open(tmp_path)
    try:
        saved = [await store.preference("web", f"user{k}", "text_to_video") for k in range(300)]
    finally:
        await store.close()
    assert all(p is not None and p["model_name"] == "Kling O1" for p in saved)


async def test_a_write_refused_in_a_group_raises_and_leaves_nothing_while_the_others_are_kept(
        tmp_path: Path) -> None:
    """A full disk in the middle of a group: each write either returned (and is on disk) or raised (and is
    not), never both (SQLite ends the whole transaction on a full disk: every write of that group raises)."""
    store = await Store.open(tmp_path)
    try:
        async with store._db.execute("PRAGMA page_count") as cur:
            pages = (await cur.fetchall())[0][0]
        await store._db.execute(f"PRAGMA max_page_count = {pages + 8}")  # room for a few rows only
        big = "x" * 3000

        async def save(k: int) -> bool:
            try:
                await store.put_pending("web", f"user{k}", {"note": big}, pending_id=f"p{k}")
            except sqlite3.Error:
                return False
            return True

        kept = [await save(k) for k in range(2)]  # one at a time: groups of one, with room for them
        kept += await asyncio.gather(*(save(k) for k in range(2, 60)))  # together: SQLite gives up the group
        assert any(kept) and not all(kept), kept
        await store._db.execute("PRAGMA max_page_count = 1000000")
        on_disk = sqlite3.connect(tmp_path / "ima-bot.sqlite3")
        try:
            ids = {row[0] for row in on_disk.execute("SELECT id FROM pending")}
        finally:
            on_disk.close()
        assert ids == {f"p{k}" for k in range(60) if kept[k]}
        # and the store goes on saving afterwards
        await store.put_pending("web", "later", {"note": "small"}, pending_id="after")
        assert await store.get_pending("after") is not None
    finally:
        await store.close()


def _task(user: str, credits: int = 10) -> TaskRecord:
    return TaskRecord(id=uuid.uuid4().hex[:16], platform="web", chat_id=user, user_id=user, guild_id=None,
                      route={"uid": user}, status_ref=None, language="en", task_type="text_to_image",
                      model_id="m", model_version="v", model_name="M", request={"prompt": "a fox"},
                      credits=credits, n=1, ima_task_id=None, state=TaskState.CREATING, error_kind=None,
                      result=None, est_min_s=1, est_max_s=2, check_every_s=1, progress_every_s=1,
                      created_at=time.time())


async def test_requests_reserved_in_the_same_group_count_each_other(tmp_path: Path) -> None:
    """Twenty requests of one user at the same moment, three allowed at a time and a budget for four: the
    reservations share one uncommitted group, yet exactly three pass, and the budget is never overspent."""
    store = await Store.open(tmp_path)
    try:
        outcomes = await asyncio.gather(*(store.insert_task_within(_task("u1"), Limits(max_active_per_user=3))
                                          for _ in range(20)))
        assert outcomes.count(None) == 3 and set(outcomes) == {None, "user"}
        budget = await asyncio.gather(*(store.insert_task_within(_task("u2", 25), Limits(budget_user=100))
                                        for _ in range(20)))
        assert budget.count(None) == 4 and set(budget) == {None, "budget"}
    finally:
        await store.close()
    store = await Store.open(tmp_path)  # and that is what was saved
    try:
        assert await store.count_active("web", "u1") == 3
        assert await store.spent_since(0.0, "web", user_id="u2") == 100
    finally:
        await store.close()


async def test_a_charge_and_its_state_change_are_saved_together(tmp_path: Path) -> None:
    """Charging writes the usage row and moves the task out of "creating" in one step: budgets never count the
    task twice, and charging again (a retry) writes no second usage row."""
    store = await Store.open(tmp_path)
    try:
        record = _task("u3", 30)
        assert await store.insert_task_within(record, Limits(budget_user=100)) is None
        assert await store.spent_since(0.0, "web", user_id="u3") == 30  # reserved
        assert await store.charge_and_start(record, state=TaskState.RUNNING, ima_task_id="t1")
        assert await store.spent_since(0.0, "web", user_id="u3") == 30  # charged, no longer reserved
        assert not await store.charge_and_start(record, state=TaskState.RUNNING, ima_task_id="t1")
        assert await store.usage_since(0.0, "web", user_id="u3") == 30
    finally:
        await store.close()


async def test_saved_models_read_from_memory_follow_every_change_and_a_restart(tmp_path: Path) -> None:
    store = await Store.open(tmp_path)
    try:
        assert await store.preference("web", "ann", "text_to_video") is None  # never saved one
        await store.set_preference("web", "ann", "text_to_video", "kling-video-o1", "v1", "Kling O1")
        assert (await store.preference("web", "ann", "text_to_video") or {})["model_name"] == "Kling O1"
        await store.set_preference("web", "ann", "text_to_video", "wan2.6-t2v", "v2", "Wan 2.6")
        await store.set_preference("web", "ann", "text_to_image", "doubao-seedream-4.5", "v3", "SeeDream 4.5")
        assert (await store.preference("web", "ann", "text_to_video") or {})["model_name"] == "Wan 2.6"
        assert await store.clear_preferences("web", "ann", ["text_to_video"]) == 1
        assert await store.preference("web", "ann", "text_to_video") is None
        assert (await store.preference("web", "ann", "text_to_image") or {})["model_name"] == "SeeDream 4.5"
        await store.set_preference("web", "bob", "text_to_music", "sonic", "v4", "Suno")
    finally:
        await store.close()
    store = await Store.open(tmp_path)  # what the file says, read again at start-up
    try:
        assert (await store.preference("web", "ann", "text_to_image") or {})["model_name"] == "SeeDream 4.5"
        assert (await store.preference("web", "bob", "text_to_music") or {})["model_name"] == "Suno"
        assert await store.preference("web", "cid", "text_to_music") is None
        await store.forget_user("web", "bob")
        assert await store.preference("web", "bob", "text_to_music") is None
    finally:
        await store.close()


async def test_a_what_should_i_change_note_is_found_until_taken_and_after_a_restart(tmp_path: Path) -> None:
    store = await Store.open(tmp_path)
    try:
        assert await store.get_pending("edit:web:ann") is None
        await store.put_pending("web", "ann", {"note": "edit", "url": "u"}, pending_id="edit:web:ann")
    finally:
        await store.close()
    store = await Store.open(tmp_path)
    try:
        found = await store.get_pending("edit:web:ann")
        assert found is not None and found[2]["url"] == "u"
        assert await store.take_pending("edit:web:ann")
        assert await store.get_pending("edit:web:ann") is None
        assert not await store.take_pending("edit:web:ann")  # answered once
    finally:
        await store.close()


async def test_a_default_saved_with_a_reservation_is_saved_only_if_the_task_was_reserved(
        tmp_path: Path) -> None:
    """The second request is refused (one at a time): its model is not saved, the first one's stays."""
    store = await Store.open(tmp_path)
    try:
        first, second = _task("ann"), _task("ann")
        first.model_name, second.model_name, second.model_id = "Kling O1", "Wan 2.6", "wan"
        limits = Limits(max_active_per_user=1)
        assert await store.insert_task_within(first, limits, save_default=True) is None
        assert await store.insert_task_within(second, limits, save_default=True) == "user"
        assert (await store.preference("web", "ann", "text_to_image") or {})["model_name"] == "Kling O1"
    finally:
        await store.close()
    store = await Store.open(tmp_path)
    try:
        assert (await store.preference("web", "ann", "text_to_image") or {})["model_name"] == "Kling O1"
    finally:
        await store.close()


async def test_forget_me_while_a_message_reads_the_saved_model_leaves_none_in_use(tmp_path: Path) -> None:
    """"Forget me" and a message from the same user at the same moment: once forgetting returned, the saved
    model is gone from the file and from what the bot answers with (it was kept in memory before)."""
    store = await Store.open(tmp_path)
    await store.set_preference("web", "bob", "text_to_image", "m1", "v1", "Model One")
    await store.close()
    store = await Store.open(tmp_path)  # a fresh start: the saved model is known to exist, not read yet
    try:
        forgetting = asyncio.create_task(store.forget_user("web", "bob"))
        await asyncio.sleep(0)  # forgetting has begun
        reading = asyncio.create_task(store.preferences("web", "bob"))
        await forgetting
        await reading
        assert await store.rows("preferences") == []
        assert await store.preferences("web", "bob") == {}
        assert await store.preference("web", "bob", "text_to_image") is None
    finally:
        await store.close()


async def test_a_charge_whose_caller_stopped_waiting_is_still_seen_by_the_next_read(tmp_path: Path) -> None:
    """The caller of a charge is cancelled while it is queued (a timeout, a shutdown): the charge still
    happens,
    and a read asked after it does not overtake it."""
    store = await Store.open(tmp_path)
    try:
        record = _task("u4", 30)
        assert await store.insert_task_within(record, Limits(budget_user=100)) is None
        first = asyncio.ensure_future(store.claim_event("web", "e0"))  # a group in the database thread
        await asyncio.sleep(0)
        charging = asyncio.ensure_future(store.charge_and_start(record, state=TaskState.RUNNING,
                                                                ima_task_id="t9"))
        await asyncio.sleep(0)
        charging.cancel()
        saved = await store.task(record.id)
        assert saved is not None and saved.state == TaskState.RUNNING and saved.ima_task_id == "t9"
        assert await store.usage_since(0.0, "web", user_id="u4") == 30
        await first
    finally:
        await store.close()


async def test_a_store_whose_writer_is_cancelled_tells_every_writer_and_does_not_hang(tmp_path: Path) -> None:
    """The loop shutting down around the store cancels its writer mid-group: the writers of the group in the
    database thread hear its real outcome (it was committed), the ones still queued are cancelled, and later
    reads and the close do not wait for ever."""
    store = await Store.open(tmp_path)
    running = asyncio.ensure_future(store.claim_event("web", "e1"))
    await asyncio.sleep(0)
    queued = asyncio.ensure_future(store.claim_event("web", "e2"))
    await asyncio.sleep(0)
    # asyncio.run's teardown cancels every task still pending, in no set order: here the store's writer first
    drains = [t for t in asyncio.all_tasks() if t.get_coro().__qualname__ == "WriteGroups._drain"]  # type: ignore[union-attr]
    assert len(drains) == 1
    drains[0].cancel()
    _done, pending = await asyncio.wait([running, queued], timeout=30)
    assert not pending, "a writer was never told"
    assert running.result() is True  # committed in the thread: its writer is told so
    assert queued.cancelled()
    assert await asyncio.wait_for(store.task("nothing"), 30) is None  # a read does not hang
    assert [r["event_id"] for r in await store.rows("processed_events")] == ["e1"]
    await asyncio.wait_for(store.close(), 30)
