"""Nothing is lost: a Feishu message acknowledged by a process that then dies is answered after the restart,
once, with at most one task (core/inbox.py)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path

from bot.feishu import FeishuAdapter
from core.config import Settings
from core.inbox import heartbeat_name
from core.service import CoreService
from core.store import Store
from fakes.feishu_server import APP_ID, APP_SECRET, FakeFeishu

from . import test_feishu_e2e as e2e
from .conftest import TEST_KEY, Sandbox, until
from .test_feishu_e2e import SCALE, Env, final, reply_card

ROOT = Path(__file__).resolve().parent.parent
env, sandbox_config = e2e.env, e2e.sandbox_config
FAST = 0.02  # the two-process test: generations faster than the in-process ones' SCALE


async def _run_bot(sandbox: Sandbox, fake: FakeFeishu, data_dir: Path) -> asyncio.subprocess.Process:
    """``ima-bot run`` with the Feishu adapter only, configured by environment variables."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "IMA_API_KEY": TEST_KEY, "IMA_BASE_URL": sandbox.url,
           "IMA_UPLOAD_URL": sandbox.url, "IMA_BOT_FEISHU_ENABLED": "true", "FEISHU_APP_ID": APP_ID,
           "FEISHU_APP_SECRET": APP_SECRET, "IMA_BOT_FEISHU_DOMAIN": fake.url, "IMA_BOT_WEB_ENABLED": "false",
           "IMA_BOT_OPS_ENABLED": "false", "IMA_BOT_BOT_DATA_DIR": str(data_dir),
           "IMA_BOT_BOT_TIME_SCALE": str(FAST), "NO_PROXY": "127.0.0.1,localhost"}
    return await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "run", env=env, cwd=ROOT,
                                                stdout=asyncio.subprocess.DEVNULL,
                                                stderr=asyncio.subprocess.DEVNULL)


async def test_a_message_acknowledged_before_a_sigkill_is_answered_once_after_the_restart(sandbox: Sandbox,
                                                                                        tmp_path: Path):
    """The killed bot is a real ``ima-bot run`` process; the bot restarted on its folder runs in this process
    (the same core and adapter, started as the e2e tests start them), which keeps the test to one process
    start and one parser warm-up instead of two (the suite's time budget)."""
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
    fake = FakeFeishu()
    fake.start_in_thread()
    # the first look at the models hangs: the bot has the message, has acknowledged it, and has not answered
    sandbox.config.time_scale = FAST
    sandbox.config.faults.update({"slow_s": 120.0, "queue": {"product_list": ["slow"]}})
    first = await _run_bot(sandbox, fake, tmp_path)
    restarted = Env(fake, sandbox, tmp_path)
    try:
        await until(lambda: fake.connections > 0, 90, "the long connection")  # importing lark-oapi is slow
        event = fake.message_event("画一只雪地里的狐狸")
        user_message = event["event"]["message"]["message_id"]
        frame = await fake.call(fake.push(event))
        await until(lambda: frame in fake.acks, 30, "Feishu's ack")
        await until(lambda: any(r.get("fault") == "slow" for r in sandbox.state.requests), 30,
                    "the bot at work on the message")
        first.send_signal(signal.SIGKILL)
        await first.wait()
        assert fake.replies_to(user_message) == [] and sandbox.state.creates() == []

        await restarted.start()
        await until(lambda: final(reply_card(fake, user_message)), 60, "the answer after the restart")
    finally:
        if first.returncode is None:
            first.kill()
            await first.wait()
        if restarted.core is not None:
            await restarted.stop()
        fake.stop_thread()
    assert len(fake.replies_to(user_message)) == 1 and len(sandbox.state.creates()) == 1
    assert "生成成功" in reply_card(fake, user_message).text()
    store = await Store.open(tmp_path)
    try:  # answered, and what the user typed is no longer kept
        rows = await store.rows("inbox")
    finally:
        await store.close()
    kept = [(r["key"], r["user_id"], r["payload"], r["done"]) for r in rows]
    assert kept == [(user_message, "ou_alice", "", 1)]


async def test_a_message_whose_task_was_reserved_before_the_crash_is_not_started_again(env: Env):
    fake, sandbox = env.fake, env.sandbox
    event = fake.message_event("draw a red lantern")
    user_message = event["event"]["message"]["message_id"]
    await fake.call(fake.push(event))
    await until(lambda: final(reply_card(fake, user_message)), 40, "the card")
    await env.stop()
    # The state a process killed right after reserving the task leaves: the message kept, not marked
    # answered. Written straight into the file because no signal can land between those two writes reliably.
    store = await Store.open(env.data_dir)
    try:
        await store._db.execute("UPDATE inbox SET done=0, payload=? WHERE key=?",
                                (json.dumps(event, ensure_ascii=False), user_message))
    finally:
        await store.close()
    await env.start()

    async def answered() -> bool:
        return [(r["key"], r["done"], r["payload"]) for r in await env.core.store.rows("inbox")] == [
            (user_message, 1, "")]

    await until(answered, 30, "the kept message marked answered after the restart")
    await until(lambda: not env.adapter.inflight, 30, "the replay handled")
    assert len(sandbox.state.creates()) == 1 and len(fake.replies_to(user_message)) == 1


async def test_a_request_kept_while_the_bot_was_down_for_minutes_asks_before_charging(env: Env):
    """Its user, unanswered for minutes, may have asked again meanwhile: the price is asked with a button."""
    fake, sandbox = env.fake, env.sandbox
    await env.stop()
    event = fake.message_event("draw a red lantern")
    user_message = event["event"]["message"]["message_id"]
    # what a process that kept the message two minutes ago and died at once left (written directly: the
    # test cannot wait two minutes for it)
    store = await Store.open(env.data_dir)
    try:
        assert await store.keep_message("feishu", user_message, "ou_alice", event, "gone")
        await store._db.execute("UPDATE inbox SET received_at = received_at - 120")
    finally:
        await store.close()
    await env.start()
    await until(lambda: reply_card(fake, user_message) is not None, 30, "the answer after the restart")
    card = reply_card(fake, user_message)
    go = next(b for b in card.buttons() if b["text"]["content"].startswith("Go ahead"))
    assert sandbox.state.creates() == []
    await fake.call(fake.push(fake.card_action(card, go)))
    await until(lambda: final(reply_card(fake, card.message_id)), 40, "the image once the user said go")
    assert len(sandbox.state.creates()) == 1 and len(fake.replies_to(user_message)) == 1


async def test_a_message_the_inbox_cannot_keep_is_still_answered_and_health_says_so(env: Env):
    fake = env.fake
    await env.core.store._db.execute("DROP TABLE inbox")  # the inbox broken, the rest of the store fine
    event = fake.message_event("draw a paper boat")
    user_message = event["event"]["message"]["message_id"]
    frame = await fake.call(fake.push(event))
    await until(lambda: frame in fake.acks, 30, "Feishu's ack")
    await until(lambda: final(reply_card(fake, user_message)), 40, "the card")
    env.core._health = None  # the answer is kept 3 s: ask afresh
    assert (await env.core.health())["inbox"] is False
    assert len(env.sandbox.state.creates()) == 1


async def test_a_message_kept_by_an_instance_that_died_is_answered_by_a_live_one(
        sandbox: Sandbox, pg_url: str, tmp_path: Path):
    """Instances on one PostgreSQL database: instance "b" runs; instance "a" had kept a message (Feishu had
    its ack) and died, so its heartbeat runs out. The row and the heartbeat are written as "a" left them: an
    instance cannot die inside this process."""
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
    fake = FakeFeishu()
    fake.start_in_thread()
    settings = Settings.model_validate({"bot": {"data_dir": str(tmp_path), "time_scale": SCALE,
                                                "instance_id": "b", "lease_s": 1.5},
                                        "database": {"url": pg_url}})
    core = await CoreService.open(settings, api_key=TEST_KEY, base_url=sandbox.url, upload_url=sandbox.url)
    adapter = FeishuAdapter(core, app_id=APP_ID, app_secret=APP_SECRET, domain=fake.url)
    event = fake.message_event("draw a copper teapot")
    user_message = event["event"]["message"]["message_id"]
    try:
        await core.start()
        await adapter.start(long_connection=False)  # the message never reaches "b" from Feishu
        await core.store.hold_leases("a", [heartbeat_name("a")], time.time() + 1.0)
        assert await core.store.keep_message("feishu", user_message, "ou_alice", event, "a")
        await until(lambda: final(reply_card(fake, user_message)), 40, "the answer from the live instance")
    finally:
        await adapter.close()
        await core.close()
        fake.stop_thread()
    assert len(fake.replies_to(user_message)) == 1 and len(sandbox.state.creates()) == 1
