"""Several instances on one PostgreSQL (issue 19): moving from the SQLite file, and the shared store."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from core.store import Store, TaskRecord

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
