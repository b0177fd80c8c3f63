"""Durable state on SQLite (aiosqlite): users, preferences, tasks, usage, processed events, pending offers.

Task state is never held only in memory: every transition is a row update, guarded by the state
it comes from, so a task is created at most once and delivered once even across restarts (and,
later, across instances sharing one database).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

from .kinds import TaskState

ACTIVE_STATES = (TaskState.CREATING, TaskState.RUNNING)

MIGRATIONS: list[str] = [
    """
    CREATE TABLE users (
        platform TEXT NOT NULL, user_id TEXT NOT NULL, language TEXT, created_at REAL NOT NULL,
        PRIMARY KEY (platform, user_id));
    CREATE TABLE preferences (
        platform TEXT NOT NULL, user_id TEXT NOT NULL, task_type TEXT NOT NULL,
        model_id TEXT NOT NULL, model_version TEXT NOT NULL, model_name TEXT NOT NULL, updated_at REAL NOT NULL,
        PRIMARY KEY (platform, user_id, task_type));
    CREATE TABLE tasks (
        id TEXT PRIMARY KEY, platform TEXT NOT NULL, chat_id TEXT NOT NULL, user_id TEXT NOT NULL, guild_id TEXT,
        route TEXT NOT NULL, status_ref TEXT, language TEXT NOT NULL,
        task_type TEXT NOT NULL, model_id TEXT NOT NULL, model_version TEXT NOT NULL, model_name TEXT NOT NULL,
        request TEXT NOT NULL, credits INTEGER NOT NULL, n INTEGER NOT NULL,
        ima_task_id TEXT, state TEXT NOT NULL, error_kind TEXT, result TEXT,
        est_min_s REAL NOT NULL, est_max_s REAL NOT NULL, check_every_s REAL NOT NULL, progress_every_s REAL NOT NULL,
        created_at REAL NOT NULL, submitted_at REAL, deadline_at REAL, finished_at REAL, delivered_at REAL,
        from_preference INTEGER NOT NULL DEFAULT 0, lease_owner TEXT, lease_until REAL);
    CREATE INDEX tasks_state ON tasks(state);
    CREATE INDEX tasks_user ON tasks(platform, user_id, state);
    CREATE TABLE usage_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT, platform TEXT NOT NULL, user_id TEXT NOT NULL, guild_id TEXT,
        task_id TEXT, task_type TEXT NOT NULL, model_id TEXT NOT NULL, credits INTEGER NOT NULL, at REAL NOT NULL);
    CREATE INDEX usage_at ON usage_events(at);
    CREATE TABLE processed_events (
        platform TEXT NOT NULL, event_id TEXT NOT NULL, at REAL NOT NULL, PRIMARY KEY (platform, event_id));
    CREATE TABLE pending (
        id TEXT PRIMARY KEY, platform TEXT NOT NULL, user_id TEXT NOT NULL, payload TEXT NOT NULL, created_at REAL NOT NULL);
    """,
    """
    CREATE TABLE server_settings (
        scope TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, updated_at REAL NOT NULL, PRIMARY KEY (scope, key));
    CREATE INDEX usage_guild ON usage_events(platform, guild_id, at);
    """,
]


@dataclass
class TaskRecord:
    id: str
    platform: str
    chat_id: str
    user_id: str
    guild_id: str | None
    route: dict[str, Any]
    status_ref: str | None
    language: str
    task_type: str
    model_id: str
    model_version: str
    model_name: str
    request: dict[str, Any]
    credits: int
    n: int
    ima_task_id: str | None
    state: TaskState
    error_kind: str | None
    result: list[dict[str, Any]] | None
    est_min_s: float
    est_max_s: float
    check_every_s: float
    progress_every_s: float
    created_at: float
    submitted_at: float | None = None
    deadline_at: float | None = None
    finished_at: float | None = None
    delivered_at: float | None = None
    from_preference: bool = False

    @classmethod
    def from_row(cls, row: aiosqlite.Row) -> TaskRecord:
        data = dict(row)
        data["route"] = json.loads(data["route"])
        data["request"] = json.loads(data["request"])
        data["result"] = json.loads(data["result"]) if data["result"] else None
        data["from_preference"] = bool(data["from_preference"])
        data["state"] = TaskState(data["state"])
        data.pop("lease_owner", None)
        data.pop("lease_until", None)
        return cls(**data)


_TASK_COLUMNS = ("id", "platform", "chat_id", "user_id", "guild_id", "route", "status_ref", "language", "task_type",
                 "model_id", "model_version", "model_name", "request", "credits", "n", "ima_task_id", "state",
                 "error_kind", "result", "est_min_s", "est_max_s", "check_every_s", "progress_every_s", "created_at",
                 "submitted_at", "deadline_at", "finished_at", "delivered_at", "from_preference")


class Store:
    """The only module that writes SQL. Open with :meth:`open`, close with :meth:`close` (safe twice)."""

    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        self._db = db
        self.path = path

    @classmethod
    async def open(cls, data_dir: str | Path) -> Store:
        directory = Path(data_dir)
        directory.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - once at start-up
        path = directory / "ima-bot.sqlite3"
        db = await aiosqlite.connect(path, isolation_level=None)
        db.row_factory = aiosqlite.Row
        await db.execute("PRAGMA journal_mode=WAL")
        await db.execute("PRAGMA synchronous=NORMAL")
        await db.execute("PRAGMA busy_timeout=5000")
        store = cls(db, path)
        await store._migrate()
        return store

    async def close(self) -> None:
        if self._db is not None:
            db, self._db = self._db, None
            await db.close()

    async def _migrate(self) -> None:
        await self._db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        async with self._db.execute("SELECT MAX(version) FROM schema_version") as cur:
            row = await cur.fetchone()
        current = row[0] or 0
        for version, script in enumerate(MIGRATIONS, start=1):
            if version > current:
                await self._db.executescript(f"BEGIN; {script}; INSERT INTO schema_version VALUES ({version}); COMMIT;")

    async def schema_version(self) -> int:
        async with self._db.execute("SELECT MAX(version) FROM schema_version") as cur:
            row = await cur.fetchone()
        return int(row[0] or 0)

    # ── users and preferences ────────────────────────────────────────────────────────────────
    async def touch_user(self, platform: str, user_id: str, language: str) -> None:
        await self._db.execute(
            "INSERT INTO users VALUES (?, ?, ?, ?) ON CONFLICT(platform, user_id) DO UPDATE SET language = excluded.language",
            (platform, user_id, language, time.time()))

    async def preference(self, platform: str, user_id: str, task_type: str) -> dict[str, str] | None:
        async with self._db.execute(
                "SELECT model_id, model_version, model_name FROM preferences WHERE platform=? AND user_id=? AND task_type=?",
                (platform, user_id, task_type)) as cur:
            row = await cur.fetchone()
        return dict(row) if row else None

    async def preferences(self, platform: str, user_id: str) -> dict[str, dict[str, str]]:
        async with self._db.execute(
                "SELECT task_type, model_id, model_version, model_name FROM preferences WHERE platform=? AND user_id=?",
                (platform, user_id)) as cur:
            return {r["task_type"]: dict(r) for r in await cur.fetchall()}

    async def set_preference(self, platform: str, user_id: str, task_type: str, model_id: str, model_version: str,
                             model_name: str) -> None:
        await self._db.execute(
            "INSERT INTO preferences VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(platform, user_id, task_type) DO UPDATE SET "
            "model_id=excluded.model_id, model_version=excluded.model_version, model_name=excluded.model_name, "
            "updated_at=excluded.updated_at", (platform, user_id, task_type, model_id, model_version, model_name, time.time()))

    async def clear_preferences(self, platform: str, user_id: str, task_types: Iterable[str] | None = None) -> int:
        if task_types is None:
            cur = await self._db.execute("DELETE FROM preferences WHERE platform=? AND user_id=?", (platform, user_id))
        else:
            types = list(task_types)
            cur = await self._db.execute(
                f"DELETE FROM preferences WHERE platform=? AND user_id=? AND task_type IN ({','.join('?' * len(types))})",
                (platform, user_id, *types))
        return cur.rowcount

    # ── tasks ────────────────────────────────────────────────────────────────────────────────
    async def insert_task(self, record: TaskRecord) -> None:
        values = []
        for column in _TASK_COLUMNS:
            value = getattr(record, column)
            if column in ("route", "request"):
                value = json.dumps(value, ensure_ascii=False)
            elif column == "result":
                value = json.dumps(value) if value is not None else None
            elif column == "from_preference":
                value = int(value)
            values.append(value)
        await self._db.execute(f"INSERT INTO tasks ({','.join(_TASK_COLUMNS)}) VALUES ({','.join('?' * len(values))})", values)

    async def task(self, task_id: str) -> TaskRecord | None:
        async with self._db.execute("SELECT * FROM tasks WHERE id=?", (task_id,)) as cur:
            row = await cur.fetchone()
        return TaskRecord.from_row(row) if row else None

    async def tasks_in(self, states: Iterable[str]) -> list[TaskRecord]:
        states = list(states)
        async with self._db.execute(
                f"SELECT * FROM tasks WHERE state IN ({','.join('?' * len(states))}) ORDER BY created_at", states) as cur:
            return [TaskRecord.from_row(r) for r in await cur.fetchall()]

    async def user_tasks(self, platform: str, user_id: str, states: Iterable[str] | None = None,
                         since: float | None = None) -> list[TaskRecord]:
        sql = "SELECT * FROM tasks WHERE platform=? AND user_id=?"
        args: list[Any] = [platform, user_id]
        if states is not None:
            states = list(states)
            sql += f" AND state IN ({','.join('?' * len(states))})"
            args += states
        if since is not None:
            sql += " AND created_at >= ?"
            args.append(since)
        async with self._db.execute(sql + " ORDER BY created_at", args) as cur:
            return [TaskRecord.from_row(r) for r in await cur.fetchall()]

    async def count_active(self, platform: str | None = None, user_id: str | None = None) -> int:
        sql = f"SELECT COUNT(*) FROM tasks WHERE state IN ({','.join('?' * len(ACTIVE_STATES))})"
        args: list[Any] = list(ACTIVE_STATES)
        if platform is not None:
            sql += " AND platform=? AND user_id=?"
            args += [platform, user_id]
        async with self._db.execute(sql, args) as cur:
            row = await cur.fetchone()
        return int(row[0])

    async def update_task(self, task_id: str, *, expect: Iterable[str] | None = None, **changes: Any) -> bool:
        """Change a task; with ``expect`` only if it is in one of those states. Returns whether it changed."""
        sets, args = [], []
        for column, value in changes.items():
            if column not in _TASK_COLUMNS:
                raise ValueError(column)
            if column == "result" and value is not None:
                value = json.dumps(value)
            elif column in ("route", "request"):
                value = json.dumps(value, ensure_ascii=False)
            sets.append(f"{column}=?")
            args.append(value)
        sql = f"UPDATE tasks SET {', '.join(sets)} WHERE id=?"
        args.append(task_id)
        if expect is not None:
            expect = list(expect)
            sql += f" AND state IN ({','.join('?' * len(expect))})"
            args += expect
        cur = await self._db.execute(sql, args)
        return cur.rowcount == 1

    async def record_usage(self, record: TaskRecord) -> None:
        await self._db.execute(
            "INSERT INTO usage_events (platform, user_id, guild_id, task_id, task_type, model_id, credits, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (record.platform, record.user_id, record.guild_id, record.id, record.task_type, record.model_id,
             record.credits, time.time()))

    async def usage_since(self, since: float, platform: str | None = None, user_id: str | None = None,
                          guild_id: str | None = None) -> int:
        sql, args = "SELECT COALESCE(SUM(credits), 0) FROM usage_events WHERE at >= ?", [since]
        if platform is not None:
            sql += " AND platform=?"
            args.append(platform)
        if user_id is not None:
            sql += " AND user_id=?"
            args.append(user_id)
        if guild_id is not None:
            sql += " AND guild_id=?"
            args.append(guild_id)
        async with self._db.execute(sql, args) as cur:
            row = await cur.fetchone()
        return int(row[0])

    # ── events and pending offers ────────────────────────────────────────────────────────────
    async def claim_event(self, platform: str, event_id: str) -> bool:
        """True the first time an event id is seen (platforms redeliver)."""
        cur = await self._db.execute("INSERT OR IGNORE INTO processed_events VALUES (?, ?, ?)", (platform, event_id, time.time()))
        return cur.rowcount == 1

    async def put_pending(self, platform: str, user_id: str, payload: dict[str, Any]) -> str:
        pending_id = uuid.uuid4().hex[:12]
        await self._db.execute("INSERT INTO pending VALUES (?, ?, ?, ?, ?)",
                               (pending_id, platform, user_id, json.dumps(payload, ensure_ascii=False), time.time()))
        return pending_id

    async def get_pending(self, pending_id: str) -> tuple[str, str, dict[str, Any]] | None:
        async with self._db.execute("SELECT platform, user_id, payload FROM pending WHERE id=?", (pending_id,)) as cur:
            row = await cur.fetchone()
        return (row["platform"], row["user_id"], json.loads(row["payload"])) if row else None

    async def take_pending(self, pending_id: str) -> bool:
        cur = await self._db.execute("DELETE FROM pending WHERE id=?", (pending_id,))
        return cur.rowcount == 1

    async def latest_pending(self, platform: str, user_id: str) -> tuple[str, dict[str, Any]] | None:
        async with self._db.execute(
                "SELECT id, payload FROM pending WHERE platform=? AND user_id=? ORDER BY created_at DESC, rowid DESC LIMIT 1",
                (platform, user_id)) as cur:
            row = await cur.fetchone()
        return (row["id"], json.loads(row["payload"])) if row else None

    async def clear_pending_group(self, group: str) -> None:
        """Offers made together (one per button) go away together once one is taken."""
        await self._db.execute("DELETE FROM pending WHERE json_extract(payload, '$.group')=?", (group,))

    # ── server settings (admin) ──────────────────────────────────────────────────────────────
    async def server_setting(self, scope: str, key: str) -> str | None:
        async with self._db.execute("SELECT value FROM server_settings WHERE scope=? AND key=?", (scope, key)) as cur:
            row = await cur.fetchone()
        return row["value"] if row else None

    async def set_server_setting(self, scope: str, key: str, value: str | None) -> None:
        if value is None:
            await self._db.execute("DELETE FROM server_settings WHERE scope=? AND key=?", (scope, key))
        else:
            await self._db.execute(
                "INSERT INTO server_settings VALUES (?, ?, ?, ?) ON CONFLICT(scope, key) DO UPDATE SET value=excluded.value, "
                "updated_at=excluded.updated_at", (scope, key, value, time.time()))

    async def usage_breakdown(self, since: float, platform: str, guild_id: str | None) -> list[dict[str, Any]]:
        sql = ("SELECT user_id, model_id, COUNT(*) AS n, SUM(credits) AS credits FROM usage_events WHERE at >= ? AND platform=? "
               + ("AND guild_id=? " if guild_id else "AND guild_id IS NULL ") + "GROUP BY user_id, model_id ORDER BY credits DESC")
        args = [since, platform, guild_id] if guild_id else [since, platform]
        async with self._db.execute(sql, args) as cur:
            return [dict(r) for r in await cur.fetchall()]

    async def writable(self) -> bool:
        try:
            await self._db.execute("BEGIN IMMEDIATE")
            await self._db.execute("ROLLBACK")
            return True
        except Exception:
            return False

    # ── retention and forgetting ─────────────────────────────────────────────────────────────
    async def purge(self, older_than_s: float) -> int:
        cutoff = time.time() - older_than_s
        removed = 0
        for sql in ("DELETE FROM usage_events WHERE at < ?",
                    "DELETE FROM tasks WHERE created_at < ? AND state NOT IN ('creating', 'running', 'delivering')",
                    "DELETE FROM processed_events WHERE at < ?",
                    "DELETE FROM pending WHERE created_at < ?"):
            cur = await self._db.execute(sql, (cutoff,))
            removed += cur.rowcount
        return removed

    async def forget_user(self, platform: str, user_id: str) -> None:
        for table in ("users", "preferences", "usage_events", "pending"):
            await self._db.execute(f"DELETE FROM {table} WHERE platform=? AND user_id=?", (platform, user_id))
        await self._db.execute(
            "DELETE FROM tasks WHERE platform=? AND user_id=? AND state NOT IN ('creating', 'running', 'delivering')",
            (platform, user_id))

