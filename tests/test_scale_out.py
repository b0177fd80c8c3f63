"""Several instances on one PostgreSQL (issue 19): moving from the SQLite file, and the shared store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
