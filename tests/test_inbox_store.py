"""The store's side of the inbox, on both backends: one task per source message, decided by the database, and
which kept messages an instance may take over."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from core.inbox import heartbeat_name
from core.kinds import TaskState
from core.store import Limits, Store, TaskRecord


def _task(source: str | None, platform: str = "feishu", credits: int = 10) -> TaskRecord:
    return TaskRecord(id=uuid.uuid4().hex[:16], platform=platform, chat_id="oc_1", user_id="ou_alice",
                      guild_id=None, route={"chat_id": "oc_1"}, status_ref=None, language="en",
                      task_type="text_to_image", model_id="m", model_version="v", model_name="M",
                      request={"prompt": "a fox"}, credits=credits, n=1, ima_task_id=None,
                      state=TaskState.CREATING, error_kind=None, result=None, est_min_s=1, est_max_s=2,
                      check_every_s=1, progress_every_s=1, created_at=time.time(), source=source)


async def test_a_second_reservation_for_the_same_message_is_refused(database_url: str | None,
                                                                    tmp_path: Path) -> None:
    store = await Store.open(tmp_path, database_url)
    try:
        limits = Limits(max_active_per_user=5, budget_user=1000)
        assert await store.insert_task_within(_task("om_1"), limits) is None
        # the same message replayed (its first process died before marking it answered): no second task,
        # and not mistaken for a spent budget
        assert await store.insert_task_within(_task("om_1"), limits) == "duplicate"
        assert await store.insert_task_within(_task("om_1"), Limits()) == "duplicate"
        # other messages, the same id on another platform, and tasks started by no message all go on
        assert await store.insert_task_within(_task("om_2"), limits) is None
        assert await store.insert_task_within(_task("om_1", platform="discord"), limits) is None
        assert await store.insert_task_within(_task(None), limits) is None
        assert await store.insert_task_within(_task(None), limits) is None
        sources = sorted((r["platform"], r["source"] or "") for r in await store.rows("tasks"))
        assert sources == [("discord", "om_1"), ("feishu", ""), ("feishu", ""), ("feishu", "om_1"),
                           ("feishu", "om_2")]
        assert await store.started_by("feishu", "om_1") and not await store.started_by("feishu", "om_3")
    finally:
        await store.close()


async def test_kept_messages_go_to_whoever_may_answer_them(database_url: str | None, tmp_path: Path) -> None:
    store = await Store.open(tmp_path, database_url)
    now = time.time()
    try:
        await store.hold_leases("alive", [heartbeat_name("alive")], now + 20)
        await store.hold_leases("dead", [heartbeat_name("dead")], now - 1)
        await store.hold_leases("me", [heartbeat_name("me")], now + 20)
        for key, owner in (("m_alive", "alive"), ("m_dead", "dead"), ("m_never_beat", "gone"),
                           ("m_mine", "me"), ("m_done", "dead")):
            assert await store.keep_message("feishu", key, "ou_alice", {"text": key}, owner)
        assert not await store.keep_message("feishu", "m_dead", "ou_alice", {"text": "again"}, "me")
        await store.message_answered("feishu", "m_done")

        def keys(rows: list[tuple[str, str, dict[str, str], float]]) -> list[str]:
            return sorted(row[1] for row in rows)

        assert await store.claim_messages("me", now, ["discord"]) == []  # not a platform it answers
        # running: only messages whose instance stopped, never its own (it is answering them)
        taken = await store.claim_messages("me", now, ["feishu"])
        assert keys(taken) == ["m_dead", "m_never_beat"]
        assert {row[1]: row[2] for row in taken}["m_dead"] == {"text": "m_dead"}  # the first one kept
        assert await store.claim_messages("other", now, ["feishu"]) == []  # "me" holds them now, alive
        await store.hold_leases("me", [heartbeat_name("me")], now - 1)  # ... until it stops beating
        assert keys(await store.claim_messages("other", now, ["feishu"])) == [
            "m_dead", "m_mine", "m_never_beat"]
        # restarting under its own name: its own too, though it looks alive
        await store.hold_leases("other", [heartbeat_name("other")], now + 20)
        assert keys(await store.claim_messages("other", now, ["feishu"], own=True)) == [
            "m_dead", "m_mine", "m_never_beat"]
        # one process on its file: everything not answered
        assert keys(await store.claim_messages("solo", now, ["feishu"], any_owner=True)) == [
            "m_alive", "m_dead", "m_mine", "m_never_beat"]
        assert [r["payload"] for r in await store.rows("inbox") if r["key"] == "m_done"] == [""]
        # "forget me" takes what the user typed out of the inbox too, answered or not; others' stay
        assert await store.keep_message("feishu", "m_bob", "ou_bob", {"text": "bob's"}, "me")
        await store.forget_user("feishu", "ou_alice")
        assert [r["key"] for r in await store.rows("inbox")] == ["m_bob"]
        assert await store.purge(0) >= 1 and await store.rows("inbox") == []
    finally:
        await store.close()
