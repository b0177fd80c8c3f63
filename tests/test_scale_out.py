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
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=lines, capture_output=True, text=True,
                          timeout=180, env=env, cwd=ROOT)


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
    return TaskRecord(id=f"t{i:04d}", platform="test", chat_id="c", user_id=f"u{i % 7}", guild_id=None, route={},
                      status_ref=None, language="en", task_type="text_to_image", model_id="m", model_version="v",
                      model_name="M", request={}, credits=5, n=1, ima_task_id=f"ima{i}", state=state, error_kind=None,
                      result=None, est_min_s=1, est_max_s=2, check_every_s=1, progress_every_s=1, created_at=1000 + i)


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
        assert await b.renew_leases("B", now + 60, ids_a | ids_b) == ids_b
        assert not {t.id for t in await b.claim_tasks("B", now + 60, now + 10, ["running"])} & ids_a  # A's still live
        later = now + 31
        taken = {t.id for t in await b.claim_tasks("B", later + 30, later, ["running"])}
        assert ids_a <= taken
        assert await a.renew_leases("A", later + 30, ids_a) == set()  # A, if it comes back, knows it lost them
        # A clean shutdown hands tasks over at once.
        assert await b.release_leases("B") == 300
        assert len(await a.claim_tasks("A", later + 60, later + 1, ["running"])) == 300
    finally:
        await a.close()
        if b is not a:
            await b.close()
