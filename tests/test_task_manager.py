"""Task manager, store and the one-status-message protocol, against the sandbox (issue 4)."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator

import pytest

from core.contracts import ChatEvent
from core.ima_client import IMAClient
from core.manager import LimitReached, ManagerSettings, TaskManager, TaskRequest
from core.selection import Selector
from core.store import Store
from sandbox.app import SandboxConfig

from .conftest import until
from .recording import RecordingPlatform

SCALE = 0.02


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    return SandboxConfig(time_scale=SCALE, seed=11)


@pytest.fixture
async def store(tmp_path, database_url) -> AsyncIterator[Store]:
    s = await Store.open(tmp_path / "data", database_url)
    yield s
    await s.close()


@pytest.fixture
def platform() -> RecordingPlatform:
    return RecordingPlatform()


def make_manager(store: Store, client: IMAClient, platform: RecordingPlatform, **settings) -> TaskManager:
    settings.setdefault("time_scale", SCALE)
    return TaskManager(store, client, {platform.name: platform}, ManagerSettings(**settings),
                       alternatives=Selector(client).alternatives_for)


@pytest.fixture
async def manager(store: Store, client: IMAClient, platform: RecordingPlatform) -> AsyncIterator[TaskManager]:
    m = make_manager(store, client, platform)
    await m.start()
    yield m
    await m.close()


def event(user: str = "u1", text: str = "", platform: str = "test") -> ChatEvent:
    return ChatEvent(platform=platform, user_id=user, chat_id="c1", text=text, route={"chat": "c1"})


async def request(client: IMAClient, category: str, model_id: str, options=None, n: int = 1, user: str = "u1",
                  prompt: str = "a red fox in the snow", language: str = "en", images=()) -> TaskRequest:
    catalogue = await client.catalogue(category, language)
    quote = catalogue.by_model_id(model_id).quote(options or {}, n)
    return TaskRequest(event(user), language, quote, prompt, images=images, options=options or {})


async def until_final(platform: RecordingPlatform, count: int = 1, limit_s: float = 30.0) -> None:
    await until(lambda: len(platform.finals()) >= count, limit_s, f"{count} final message(s)")


async def test_progress_is_monotone_capped_at_cadence_and_ends_in_one_success(manager, client, platform,
                                                                              sandbox):
    req = await request(client, "text_to_image", "gemini-3-pro-image", {"size": "4K"})
    await manager.submit(req)
    await until_final(platform)
    (_ref, history), = platform.messages().items()
    assert history[0].kind == "status" and "Nano Banana Pro" in history[0].text and "18" in history[0].text
    progress = [v for v in history if v.kind == "progress"]
    assert len(progress) >= 2
    percents = [v.progress for v in progress]
    assert percents == sorted(percents) and max(percents) <= 95
    edits = [op for op in platform.ops if op.view.kind == "progress"]
    gaps = [b.at - a.at for a, b in itertools.pairwise(edits)]
    assert all(g >= 30 * SCALE * 0.8 for g in gaps), gaps  # the spec's "progress every 30 s", scaled
    final = history[-1]
    assert final.kind == "result" and len(final.media) == 1 and final.media[0].kind == "image"
    assert "18" in final.text and "Nano Banana Pro" in final.text
    assert sum(1 for v in history if v.final) == 1
    assert len(sandbox.state.creates()) == 1


async def test_past_the_estimate_progress_freezes_at_95_with_almost_there(store, client, platform, sandbox):
    sandbox.config.time_scale = SCALE * 3  # the sandbox runs three times slower than the bot expects
    manager = make_manager(store, client, platform)
    await manager.submit(await request(client, "text_to_image", "gemini-3.1-flash-image"))
    await until_final(platform)
    progress = [v for v in platform.messages().popitem()[1] if v.kind == "progress"]
    late = [v for v in progress if v.progress == 95]
    assert late and all("Almost there" in v.text for v in late)
    assert all(v.progress <= 95 for v in progress)
    await manager.close()


async def test_n2_with_one_media_failing_ends_in_failure_with_two_priced_alternatives(manager, client,
                                                                                      platform, sandbox):
    sandbox.config.faults.update({"outcomes": ["partial_fail"]})
    await manager.submit(await request(client, "text_to_image", "doubao-seedream-4.5", n=2, language="zh"))
    await until_final(platform)
    final = platform.finals()[0].view
    assert final.kind == "failure" and "生成失败" in final.title
    # live prices × n
    assert "Nano Banana2（12 积分）" in final.text and "Nano Banana Pro（20 积分）" in final.text
    kinds = [a.kind for a in final.actions]
    assert kinds == ["retry", "pick_model", "pick_model"]


@pytest.mark.parametrize(
    ("fault", "expected_kind", "reason"),
    [
        ({"outcomes": ["fail"]}, "failure", "another model may do better"),
        ({"outcomes": ["status_failed"]}, "failure", "didn't work out"),
        ({"outcomes": ["deleted"]}, "failure", "removed before it could be delivered"),
        ({"outcomes": ["null_status"]}, "result", None),
        ({"outcomes": ["empty_medias"]}, "result", None),
        ({"queue": {"detail": ["500", "503", "502"]}}, "result", None),
        ({"queue": {"detail": ["slow"]}, "slow_s": 1.5}, "result", None),
        ({"queue": {"create": ["429"]}, "retry_after_s": 0.2}, "result", None),
        ({"queue": {"create": ["503"]}}, "failure", "temporarily unavailable"),
        ({"queue": {"create": ["slow"]}, "slow_s": 1.5}, "failure", "couldn't confirm the request reached"),
        ({"outcomes": ["hang"]}, "failure", "timed out"),
    ],
)
async def test_each_fault_ends_in_the_right_message(store, sandbox, platform, fault, expected_kind, reason):
    sandbox.config.faults.update(fault)
    async with IMAClient("ima_test_key_0001", base_url=sandbox.url, upload_url=sandbox.url,
                         timeout_s=0.5) as client:
        manager = make_manager(store, client, platform)
        await manager.submit(await request(client, "text_to_image", "gemini-3.1-flash-image"))
        await until_final(platform)
        final = platform.finals()[0].view
        assert final.kind == expected_kind, final.text
        if reason:
            assert reason in final.text
        assert len(platform.finals()) == 1
        # a slow create may still be accepted later
        if "slow" not in fault.get("queue", {}).get("create", []):
            assert len(sandbox.state.creates()) == (
                0 if "create" in fault.get("queue", {}) and expected_kind == "failure" else 1
            )
        await manager.close()


async def test_429_on_status_check_waits_as_told(manager, client, platform, sandbox):
    sandbox.config.faults.update({"queue": {"detail": ["429"]}, "retry_after_s": 0.6})
    await manager.submit(await request(client, "text_to_image", "gemini-3.1-flash-image"))
    await until_final(platform)
    details = [r for r in sandbox.state.requests if r["path"] == "/open/v1/tasks/detail"]
    assert details[0].get("fault") == "429"
    assert details[1]["at"] - details[0]["at"] >= 0.55


async def test_active_task_limit_per_user_is_enforced(store, client, platform):
    manager = make_manager(store, client, platform, max_active_per_user=2)
    for _ in range(2):
        await manager.submit(await request(client, "text_to_video", "kling-video-o1"))
    with pytest.raises(LimitReached) as err:
        await manager.submit(await request(client, "text_to_video", "kling-video-o1"))
    assert err.value.scope == "user"
    await manager.submit(await request(client, "text_to_video", "kling-video-o1", user="u2"))
    await manager.close()


async def test_user_can_cancel_their_task_and_is_told_honestly(manager, store, client, platform, sandbox):
    await manager.submit(await request(client, "text_to_video", "kling-video-o1"))
    await until(lambda: manager.watching == 1, what="the task to be created and watched")
    assert await manager.cancel("test", "u1") == 1
    await until_final(platform)
    final = platform.finals()[0].view
    assert final.kind == "cancelled" and "can't be stopped" in final.text
    await manager.wait_idle(30)  # a status check already on its way when the user cancelled has come back

    (cancelled,) = await store.tasks_in(("cancelled",))

    def checks() -> int:
        return sum(
            1
            for r in sandbox.state.requests
            if r["path"] == "/open/v1/tasks/detail"
            and (r["json"] or {}).get("task_id") == cancelled.ima_task_id
        )

    before = checks()
    # Another user's video of the same model is watched from start to end: the cancelled one is not checked
    # meanwhile.
    await manager.submit(await request(client, "text_to_video", "kling-video-o1", user="u2"))
    await until_final(platform, 2)
    assert platform.finals()[1].view.kind == "result"
    assert checks() == before


async def test_edits_never_exceed_the_platform_rate(store, client):
    platform = RecordingPlatform(min_edit_interval_s=0.5)
    # progress every 0.2 s, faster than allowed
    manager = make_manager(store, client, platform, time_scale=0.01)
    await manager.submit(await request(client, "text_to_image", "gemini-3-pro-image"))
    await until_final(platform)
    assert platform.violations == 0
    assert platform.finals()[0].view.kind == "result"
    await manager.close()


async def test_when_the_status_message_is_gone_the_result_arrives_as_a_new_message(manager, client, platform):
    await manager.submit(await request(client, "text_to_image", "gemini-3.1-flash-image"))
    platform.fail_edits = "gone"
    await until_final(platform)
    final = platform.finals()[0]
    assert final.op == "send" and final.view.kind == "result"
    assert len(platform.messages()) == 2


async def test_restart_resumes_watching_and_keeps_editing_the_same_message(store, client, platform, sandbox):
    first = make_manager(store, client, platform)
    await first.submit(await request(client, "text_to_video", "wan2.6-t2v"))
    await until(lambda: first.watching == 1, what="the task to be created and watched")
    await first.close()
    ref = platform.ops[0].ref
    second = make_manager(store, client, platform)
    await second.start()
    await until_final(platform)
    assert platform.finals()[0].ref == ref and platform.finals()[0].view.kind == "result"
    assert len(platform.messages()) == 1 and len(sandbox.state.creates()) == 1
    await second.close()


async def test_in_a_burst_first_answers_come_before_creates_and_each_is_sent_once(store, client, platform,
                                                                                  sandbox):
    """While the bot is behind on answering messages, the tasks they started wait to be sent to IMA
    (each user already has their status message with model, time and credits); then each is sent once."""
    manager = make_manager(store, client, platform, create_wait_max_s=3600, create_yield_backlog=2)
    await manager.start()
    with manager.answers.answer(), manager.answers.answer():  # two messages still being answered
        for user in ("u1", "u2", "u3"):
            await manager.submit(await request(client, "text_to_image", "gemini-3.1-flash-image", user=user))
        assert [op.view.kind for op in platform.ops] == ["status"] * 3
        await until(lambda: manager.answers.waiting == 3, what="the three creates to wait for the answers")
        assert sandbox.count("/open/v1/tasks/create") == 0
    await until_final(platform, 3)
    assert sandbox.count("/open/v1/tasks/create") == 3
    assert sorted(f.view.kind for f in platform.finals()) == ["result"] * 3
    with manager.answers.answer():  # not behind: one message being answered does not hold a create back
        await manager.submit(await request(client, "text_to_image", "gemini-3.1-flash-image", user="u4"))
        await until(lambda: sandbox.count("/open/v1/tasks/create") == 4, what="the fourth create, at once")
    await manager.close()


async def test_cancel_while_a_create_waits_its_turn_ends_it_and_nothing_is_charged(store, client, platform,
                                                                                     sandbox):
    """The status message (with its Cancel button) is shown before the task is sent to IMA; a Cancel pressed
    while the create still waits for a burst's answers ends it there: never sent, never charged."""
    manager = make_manager(store, client, platform, create_wait_max_s=3600, create_yield_backlog=1)
    await manager.start()
    with manager.answers.answer():  # behind on answers: the create waits
        await manager.submit(await request(client, "text_to_image", "gemini-3.1-flash-image"))
        await until(lambda: manager.answers.waiting == 1, what="the create to wait its turn")
        assert await manager.cancel("test", "u1") == 1
    await until_final(platform)
    assert platform.finals()[0].view.kind == "cancelled"
    await manager.wait_idle(10)
    assert sandbox.count("/open/v1/tasks/create") == 0
    [record] = await store.user_tasks("test", "u1")
    assert record.state == "cancelled"
    await manager.close()


async def test_a_graceful_stop_sends_the_creates_still_waiting_and_the_restart_delivers_them(
        store, client, platform, sandbox):
    """A deploy in the middle of a burst: the user was already shown model, time and credits, and the
    create still waited for the burst's answers. Stopping sends it first, so after the restart the result
    arrives on the same status message instead of "interrupted, please retry"."""
    manager = make_manager(store, client, platform, create_wait_max_s=3600, create_yield_backlog=1)
    await manager.start()
    with manager.answers.answer():  # behind on answers: the create waits its turn
        await manager.submit(await request(client, "text_to_image", "gemini-3.1-flash-image"))
        await until(lambda: manager.answers.waiting == 1, what="the create to wait its turn")
        await manager.close()  # a graceful stop
    assert sandbox.count("/open/v1/tasks/create") == 1
    [ref] = platform.messages()
    restarted = make_manager(store, client, platform)
    await restarted.start()
    await until_final(platform)
    assert platform.finals()[0].ref == ref and platform.finals()[0].view.kind == "result"
    assert sandbox.count("/open/v1/tasks/create") == 1
    await restarted.close()


async def test_a_create_waits_for_answers_only_so_long(store, client, platform, sandbox):
    """A steady stream of messages cannot hold a task back for ever: past the wait limit it is sent."""
    manager = make_manager(store, client, platform, create_wait_max_s=0, create_yield_backlog=1)
    await manager.start()
    with manager.answers.answer():  # behind on answers while the task runs
        await manager.submit(await request(client, "text_to_image", "gemini-3.1-flash-image"))
        await until_final(platform)
    assert platform.finals()[0].view.kind == "result" and sandbox.count("/open/v1/tasks/create") == 1
    await manager.close()


async def test_a_task_left_creating_is_never_created_again(store, client, platform, sandbox):
    manager = make_manager(store, client, platform)
    sandbox.config.faults.update({"queue": {"create": ["slow"]}, "slow_s": 5})
    await manager.submit(await request(client, "text_to_image", "gemini-3.1-flash-image"))
    await until(lambda: sandbox.count("/open/v1/tasks/create") == 1, what="the create call to reach IMA")
    await manager.close(drain_s=0)  # "crash" while the create call is in flight
    restarted = make_manager(store, client, platform)
    await restarted.start()
    await until_final(platform)
    final = platform.finals()[0].view
    assert final.kind == "interrupted" and "never charged twice" in final.text
    await restarted.wait_idle(30)  # nothing the restarted manager started is still running
    assert sandbox.count("/open/v1/tasks/create") == 1
    assert [t.state for t in await store.tasks_in(("interrupted",))] == ["interrupted"]
    await restarted.close()


async def test_a_task_started_while_leases_are_being_renewed_is_shown_one_outcome(tmp_path, pg_url, client,
                                                                                  platform, sandbox):
    """One instance on PostgreSQL: a renewal that takes a while (the database is busy) must not make the
    instance forget a task it started meanwhile, take it "over" from itself and tell its user twice.

    A row lock held by another connection (a real PostgreSQL lock, standing in for a busy database) keeps
    one renewal waiting while a new task starts; its create is slow (sandbox fault), so it is still being
    created when the next takeover pass runs."""

    import asyncpg

    store = await Store.open(tmp_path / "data", pg_url)
    manager = make_manager(store, client, platform, lease_s=0.6)
    await manager.start()
    blocker = await asyncpg.connect(pg_url)
    try:
        first = await manager.submit(await request(client, "text_to_video", "kling-video-o1", prompt="waves"))
        await until(lambda: sandbox.state.creates(), 10, "the first task created")
        lock = blocker.transaction()
        await lock.start()
        await blocker.execute("SELECT 1 FROM tasks WHERE id=$1 FOR UPDATE", first)

        async def renewal_waiting() -> bool:  # the instance's renewal is queued behind our row lock
            return bool(await blocker.fetchval("SELECT COUNT(*) FROM pg_locks WHERE NOT granted"))

        await until(renewal_waiting, 10, "a renewal waiting on the busy row")
        sandbox.state.config.faults.slow_s = 2.0
        sandbox.state.config.faults.queue["create"] = ["slow"]
        second = await manager.submit(await request(client, "text_to_image", "doubao-seedream-4.5",
                                                    prompt="a lighthouse"))
        await lock.rollback()
        await until(lambda: len(platform.finals()) >= 2, 60, "both outcomes")
        await manager.wait_idle(30)
    finally:
        await blocker.close()
        await manager.close()
        await store.close()
    finals = [op for op in platform.finals()]
    assert len(finals) == 2, [op.view.kind for op in finals]  # one outcome per task, not "interrupted" too
    assert all(op.view.kind == "result" for op in finals)
    assert len(sandbox.state.creates()) == 2 and second != first
