"""Several instances on one PostgreSQL (issue 19): moving from the SQLite file, and the shared store."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from core.store import Store, TaskRecord
from fakes import free_ports
from fakes.feishu_server import APP_ID, APP_SECRET, FakeFeishu, FeishuMessage

from .conftest import TEST_KEY, Sandbox, until


def reply_card_of(fake: FakeFeishu, message_id: str) -> FeishuMessage | None:
    replies = fake.replies_to(message_id)
    return replies[0] if replies else None

ROOT = Path(__file__).resolve().parent.parent


def _cli(*args: str, lines: str = "", database_url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("IMA_API_KEY", None)
    env.pop("IMA_BOT_DATABASE_URL", None)
    if database_url:
        env["IMA_BOT_DATABASE_URL"] = database_url
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=lines, capture_output=True,
                          text=True, timeout=180, env=env, cwd=ROOT)


def test_moving_to_postgresql_keeps_what_users_chose_and_made(tmp_path, pg_url):
    """A community outgrows one process: its members' saved models and past generations come along."""
    old = tmp_path / "old"
    made = _cli("chat", "--time-scale", "0.02", "--data-dir", str(old),
                lines="always use Kling O1\ndraw a red fox in the snow\n")
    assert made.returncode == 0, made.stderr
    assert "✅ Your image is ready!" in made.stdout

    moved = _cli("migrate-store", "--data-dir", str(old), "--to", pg_url)
    assert moved.returncode == 0, moved.stderr
    assert "tasks: 1 rows copied" in moved.stdout and "usage_events: 1 rows copied" in moved.stdout
    assert "preferences: 0 rows" not in moved.stdout
    again = _cli("migrate-store", "--data-dir", str(old), "--to", pg_url)
    assert again.returncode == 0 and "tasks: 0 rows copied" in again.stdout  # a second run duplicates nothing

    # A fresh instance with no local file, on the shared database: the member's choice is still theirs.
    after = _cli("chat", "--time-scale", "0.02", "--data-dir", str(tmp_path / "new"),
                 lines="my preferences\nmake a video of waves at dusk\n", database_url=pg_url)
    assert after.returncode == 0, after.stderr
    assert "Kling O1" in after.stdout
    assert not (tmp_path / "new" / "ima-bot.sqlite3").exists()  # nothing went to a local file


def test_migrate_store_says_what_is_wrong(tmp_path):
    missing = _cli("migrate-store", "--data-dir", str(tmp_path), "--to", "postgresql://nobody@127.0.0.1:1/none")
    assert missing.returncode == 2 and "no database to move" in missing.stderr
    wrong = _cli("migrate-store", "--data-dir", str(tmp_path), "--to", "mysql://x")
    assert wrong.returncode == 2 and "--to postgresql://" in wrong.stderr


def _task(i: int, state: str = "running") -> TaskRecord:
    return TaskRecord(id=f"t{i:04d}", platform="test", chat_id="c", user_id=f"u{i % 7}", guild_id=None,
                      route={},
                      status_ref=None, language="en", task_type="text_to_image", model_id="m",
                      model_version="v",
                      model_name="M", request={}, credits=5, n=1, ima_task_id=f"ima{i}", state=state,
                      error_kind=None,
                      result=None, est_min_s=1, est_max_s=2, check_every_s=1, progress_every_s=1,
                      created_at=1000 + i)


async def test_two_instances_claiming_at_once_split_the_tasks_and_a_dead_ones_tasks_are_taken_over(
        tmp_path, database_url):
    """Every task in flight is watched by exactly one instance; when one dies its tasks go to another."""
    a = await Store.open(tmp_path / "a", database_url)
    b = await Store.open(tmp_path / "a", database_url) if database_url else a  # SQLite: one file, one process
    try:
        for i in range(300):
            await a.insert_task(_task(i), lease=None)
        now = 5000.0
        got_a, got_b = await asyncio.gather(a.claim_tasks("A", now + 30, now, ["running"], limit=200),
                                            b.claim_tasks("B", now + 30, now, ["running"], limit=200))
        ids_a, ids_b = {t.id for t in got_a}, {t.id for t in got_b}
        assert not ids_a & ids_b and len(ids_a | ids_b) == 300
        # A stops renewing (killed); B renews its own and, after A's lease ran out, takes A's over.
        assert await b.renew_leases("B", now + 60, ids_a | ids_b) == ids_a  # B holds its own, not A's
        # A's still live
        assert not {t.id for t in await b.claim_tasks("B", now + 60, now + 10, ["running"])} & ids_a
        later = now + 31
        taken = {t.id for t in await b.claim_tasks("B", later + 30, later, ["running"])}
        assert ids_a <= taken
        # A, if it comes back, knows it lost them
        assert await a.renew_leases("A", later + 30, ids_a) == ids_a
        # A clean shutdown hands tasks over at once.
        assert await b.release_leases("B") == 300
        assert len(await a.claim_tasks("A", later + 60, later + 1, ["running"])) == 300
    finally:
        await a.close()
        if b is not a:
            await b.close()


async def _worker(sandbox: Sandbox, tmp_path: Path, name: str, submit: int, database_url: str,
                  lease_s: float) -> asyncio.subprocess.Process:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CRASH_WORKER_DATABASE_URL": database_url,
           "CRASH_WORKER_LEASE_S": str(lease_s), "CRASH_WORKER_STAY": "1", "CRASH_WORKER_TIME_SCALE": "0.05"}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.crash_worker", sandbox.url, str(tmp_path / name),
        str(tmp_path / "ops.jsonl"), str(submit), cwd=ROOT, env=env)


async def test_an_instance_killed_mid_run_has_its_tasks_finished_by_another_exactly_once(
        sandbox: Sandbox, tmp_path: Path, pg_url: str):
    """Two instances on one PostgreSQL; one is SIGKILLed with tasks in flight. The other takes them over
    after the lease time: every task's outcome is shown exactly once, nothing is created twice."""
    sandbox.state.config.time_scale = 0.05
    doomed = await _worker(sandbox, tmp_path, "a", 24, pg_url, lease_s=1.0)
    survivor = await _worker(sandbox, tmp_path, "b", 0, pg_url, lease_s=1.0)
    await until(lambda: len(sandbox.state.creates()) >= 12, 60, "half the tasks created")
    doomed.send_signal(signal.SIGKILL)
    await doomed.wait()
    assert await asyncio.wait_for(survivor.wait(), 120) == 0

    store = await Store.open(tmp_path / "unused", pg_url)
    tasks = await store.tasks_in(("done", "failed", "interrupted", "creating", "running", "delivering",
                                  "cancelled"))
    await store.close()
    ops = [json.loads(line) for line in (tmp_path / "ops.jsonl").read_text().splitlines()]
    finals: dict[str, set[str]] = {}
    finishers: dict[str, set[int]] = {}
    for op in ops:
        if op["final"]:
            finals.setdefault(op["task"], set()).add(op["ref"])
            finishers.setdefault(op["task"], set()).add(op["pid"])
    prompts = Counter(r["json"]["parameters"][0]["parameters"]["prompt"] for r in sandbox.state.creates())

    assert tasks and all(count == 1 for count in prompts.values())  # 0 duplicate creates at IMA
    for task in tasks:
        assert task.state in ("done", "interrupted"), task.state
        assert len(finals.get(task.id, ())) == 1, task.id  # one message shows the outcome
    taken_over = [t for t in tasks if survivor.pid in finishers.get(t.id, set()) and t.state == "done"]
    assert taken_over, "the survivor finished the killed instance's tasks"


def test_the_compose_file_configures_two_instances_on_one_postgresql():
    """`docker compose up` must start: every bot service's environment is a valid configuration that
    points at the shared database, and each instance has its own name in task leases."""
    import re

    import yaml

    from core.config import load_settings

    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    bots = {name: svc for name, svc in compose["services"].items() if name.startswith("bot")}
    assert len(bots) >= 2
    names = set()
    for svc in bots.values():
        env = {k: re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", str(v)) for k, v in svc["environment"].items()}
        settings = load_settings(env={k: v for k, v in env.items() if v})
        assert settings.database.postgres_url and "@db:5432/" in settings.database.postgres_url
        assert not settings.use_sandbox and settings.ima.base_url == "http://sandbox:8765"
        names.add(settings.bot.instance_id)
        # health/metrics not on every interface
        assert all(port.startswith("127.0.0.1:") for port in svc["ports"])
    assert len(names) == len(bots)
    assert "db" in compose["services"] and compose["services"]["db"]["healthcheck"]


def _feishu_final(message: FeishuMessage | None) -> bool:
    return message is not None and any(k in message.text() for k in ("is ready", "could not be made",
                                                                     "生成成功",
                                                                      "生成失败", "interrupted", "中断"))


async def _pg_scalar(url: str, sql: str) -> Any:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval(sql)
    finally:
        await conn.close()


async def test_three_instances_share_one_feishu_app_and_survive_one_being_killed(
        sandbox: Sandbox, tmp_path: Path, pg_url: str):
    """Feishu cluster mode: three `ima-bot run` processes hold long connections of one app on one
    PostgreSQL. Each event reaches one of them; a redelivery to another is a no-op; one instance is
    SIGKILLed with tasks in flight and the others finish them; a button on a card the dead instance
    made still works."""
    sandbox.state.config.time_scale = 0.1
    fake = FakeFeishu()
    fake.start_in_thread()
    ports = free_ports(3)
    procs: dict[str, asyncio.subprocess.Process] = {}
    base = {**os.environ, "PYTHONPATH": str(ROOT), "IMA_API_KEY": TEST_KEY, "IMA_BASE_URL": sandbox.url,
            "IMA_UPLOAD_URL": sandbox.url, "IMA_BOT_FEISHU_ENABLED": "true", "FEISHU_APP_ID": APP_ID,
            "FEISHU_APP_SECRET": APP_SECRET, "IMA_BOT_FEISHU_DOMAIN": fake.url,
            "IMA_BOT_WEB_ENABLED": "false",
            "IMA_BOT_DATABASE_URL": pg_url, "IMA_BOT_BOT_LEASE_S": "10", "IMA_BOT_BOT_TIME_SCALE": "0.1",
            "IMA_BOT_BOT_MAX_ACTIVE_PER_USER": "100", "NO_PROXY": "127.0.0.1,localhost"}
    try:
        for name, port in zip("abc", ports, strict=True):
            env = {**base, "IMA_BOT_BOT_INSTANCE_ID": name, "IMA_BOT_OPS_PORT": str(port),
                   "IMA_BOT_BOT_DATA_DIR": str(tmp_path / name)}
            procs[name] = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot.cli", "run", env=env, cwd=ROOT,
                stdout=asyncio.subprocess.DEVNULL, stderr=(tmp_path / f"{name}.log").open("wb"))
        await until(lambda: len([ws for ws in fake.sockets if not ws.closed]) == 3, 60,
                    "three long connections")

        # One card made (and delivered) by instance "a" before anything else happens: pressed later.
        first = fake.message_event("draw a paper boat", user="ou_first")
        await fake.call(fake.push(first, to=0))
        first_id = first["event"]["message"]["message_id"]
        await until(lambda: _feishu_final(reply_card_of(fake, first_id)), 60, "the first card")
        # the instance that made the first card
        doomed = await _pg_scalar(pg_url, "SELECT lease_owner FROM tasks")
        assert doomed in procs

        events = [fake.message_event(f"draw lighthouse number {i}",
                                     user=f"ou_user{i % 6}") for i in range(40)]
        for i, event in enumerate(events):
            await fake.call(fake.push(event))
            if i % 5 == 0:  # Feishu pushes it again, to another connection
                await fake.call(fake.push(event, to=i))
        ids = [e["event"]["message"]["message_id"] for e in events]
        # Kill once every message has its status card (accepted and recorded) and tasks are still running.
        # (An event acknowledged to Feishu but not yet recorded dies with its instance: see the closing note.)
        await until(lambda: all(reply_card_of(fake, m) for m in ids), 60, "every message answered")
        for _ in range(200):  # ... and every status card's id is recorded with its task
            if await _pg_scalar(pg_url, "SELECT COUNT(*) FROM tasks WHERE status_ref IS NOT "
                                        "NULL") == len(ids) + 1:
                break
            await asyncio.sleep(0.05)
        in_flight_on_doomed = await _pg_scalar(
            pg_url, f"SELECT COUNT(*) FROM tasks WHERE lease_owner='{doomed}' AND state IN "
                    f"('creating','running')")
        procs[doomed].send_signal(signal.SIGKILL)
        await procs[doomed].wait()

        await until(lambda: all(_feishu_final(reply_card_of(fake, m)) for m in ids), 120,
                    "every card final (instance logs: a.log, b.log, c.log in the test's tmp dir)")
        assert in_flight_on_doomed > 0, "the killed instance had work in flight"
        for m in ids:
            assert len(fake.replies_to(m)) == 1, m  # one card per message, whoever got the event
        prompts = Counter(r["json"]["parameters"][0]["parameters"]["prompt"] for r in sandbox.state.creates())
        assert all(c == 1 for c in prompts.values()) and len(prompts) == len(ids) + 1  # 0 duplicate creates
        assert await _pg_scalar(pg_url, "SELECT COUNT(*) FROM tasks WHERE state IN "
                                        "('creating','running')") == 0

        # "Again" on the card the dead instance made: the press reaches a live one, which knows the task.
        card = reply_card_of(fake, first_id)
        assert card is not None
        again = next(b for b in card.buttons() if b["text"]["content"].startswith("Make another"))
        creates = len(sandbox.state.creates())
        await fake.call(fake.push(fake.card_action(card, again, user="ou_first")))
        await until(lambda: len(sandbox.state.creates()) > creates or any(
            "credits" in m.text() for m in fake.replies_to(card.message_id)), 30, "the press answered")
    finally:
        for proc in procs.values():
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs.values():
            await asyncio.wait_for(proc.wait(), 20)
        fake.stop_thread()


async def test_instances_admitting_the_last_credits_of_a_budget_at_once_do_not_all_pass(tmp_path, pg_url):
    """A server has 50 credits left today; four instances each admit a 30-credit task at the same moment.
    One is admitted, the others refused as over budget: the budget is never overspent."""
    from core.store import Limits

    instances = [await Store.open(tmp_path / name, pg_url) for name in "abcd"]
    try:
        limits = Limits(budget_server=50, since=0.0)
        tasks = []
        for i in range(4):
            task = _task(i, state="creating")
            task.guild_id, task.credits, task.created_at = "guild-1", 30, 10_000.0 + i
            tasks.append(task)
        outcomes = await asyncio.gather(*(store.insert_task_within(task, limits, lease=(f"i{n}", 1e12))
                                          for n, (store, task) in enumerate(zip(instances, tasks,
                                                                                strict=True))))
        assert sorted(outcomes, key=str) == [None, "budget", "budget", "budget"]
        assert await instances[0].spent_since(0.0, "test", guild_id="guild-1") == 30
    finally:
        for store in instances:
            await store.close()
