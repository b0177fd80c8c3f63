"""Durable state on SQLite (aiosqlite) or PostgreSQL (asyncpg): users, preferences, tasks, usage, events,
offers.

Task state is never held only in memory: every transition is a row update, guarded by the state
it comes from, so a task is created at most once and delivered once even across restarts (and,
later, across instances sharing one database).
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import sqlite3
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Generator, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from .kinds import TaskState
from .write_groups import AfterWrites, WriteGroups

ACTIVE_STATES = (TaskState.CREATING, TaskState.RUNNING)
T = TypeVar("T")

MIGRATIONS: list[str] = [
    """
    CREATE TABLE users (
        platform TEXT NOT NULL, user_id TEXT NOT NULL, language TEXT, created_at REAL NOT NULL,
        PRIMARY KEY (platform, user_id));
    CREATE TABLE preferences (
        platform TEXT NOT NULL, user_id TEXT NOT NULL, task_type TEXT NOT NULL,
        model_id TEXT NOT NULL, model_version TEXT NOT NULL, model_name TEXT NOT NULL, updated_at REAL NOT
        NULL,
        PRIMARY KEY (platform, user_id, task_type));
    CREATE TABLE tasks (
        id TEXT PRIMARY KEY, platform TEXT NOT NULL, chat_id TEXT NOT NULL, user_id TEXT NOT NULL, guild_id
        TEXT,
        route TEXT NOT NULL, status_ref TEXT, language TEXT NOT NULL,
        task_type TEXT NOT NULL, model_id TEXT NOT NULL, model_version TEXT NOT NULL, model_name TEXT NOT
        NULL,
        request TEXT NOT NULL, credits INTEGER NOT NULL, n INTEGER NOT NULL,
        ima_task_id TEXT, state TEXT NOT NULL, error_kind TEXT, result TEXT,
        est_min_s REAL NOT NULL, est_max_s REAL NOT NULL, check_every_s REAL NOT NULL, progress_every_s REAL
        NOT NULL,
        created_at REAL NOT NULL, submitted_at REAL, deadline_at REAL, finished_at REAL, delivered_at REAL,
        from_preference INTEGER NOT NULL DEFAULT 0, lease_owner TEXT, lease_until REAL);
    CREATE INDEX tasks_state ON tasks(state);
    CREATE INDEX tasks_user ON tasks(platform, user_id, state);
    CREATE TABLE usage_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT, platform TEXT NOT NULL, user_id TEXT NOT NULL, guild_id TEXT,
        task_id TEXT, task_type TEXT NOT NULL, model_id TEXT NOT NULL, credits INTEGER NOT NULL, at REAL NOT
        NULL);
    CREATE INDEX usage_at ON usage_events(at);
    CREATE TABLE processed_events (
        platform TEXT NOT NULL, event_id TEXT NOT NULL, at REAL NOT NULL, PRIMARY KEY (platform, event_id));
    CREATE TABLE pending (
        id TEXT PRIMARY KEY, platform TEXT NOT NULL, user_id TEXT NOT NULL, payload TEXT NOT NULL, created_at
        REAL NOT NULL);
    """,
    """
    CREATE TABLE server_settings (
        scope TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, updated_at REAL NOT NULL, PRIMARY KEY
        (scope, key));
    CREATE INDEX usage_guild ON usage_events(platform, guild_id, at);
    """,
    """
    CREATE TABLE durations (
        model_id TEXT NOT NULL, variant TEXT NOT NULL, after_s REAL NOT NULL, by_s REAL NOT NULL, at REAL NOT
        NULL);
    CREATE INDEX durations_key ON durations(model_id, variant, at);
    """,
    """
    CREATE TABLE leases (name TEXT PRIMARY KEY, lease_owner TEXT, lease_until REAL NOT NULL);
    CREATE INDEX usage_task ON usage_events(task_id);
    """,
    # the inbox: messages kept from before the platform is told they arrived until they are answered, and
    # the message each task was started by, once (see core/inbox.py)
    """
    ALTER TABLE tasks ADD COLUMN source TEXT;
    CREATE UNIQUE INDEX tasks_source ON tasks(platform, source);
    CREATE TABLE inbox (
        platform TEXT NOT NULL, key TEXT NOT NULL, user_id TEXT NOT NULL, payload TEXT NOT NULL,
        received_at REAL NOT NULL, owner TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (platform, key));
    CREATE INDEX inbox_open ON inbox(done, received_at);
    """,
]

# The same schema for PostgreSQL, version for version: timestamps are DOUBLE PRECISION (REAL is 4 bytes
# there), the usage id is an identity, and ``pending`` gets an explicit ``rowid`` so that the queries
# that order by SQLite's implicit rowid read the same on both.
PG_MIGRATIONS: list[str] = [
    """
    CREATE TABLE users (
        platform TEXT NOT NULL, user_id TEXT NOT NULL, language TEXT, created_at DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (platform, user_id));
    CREATE TABLE preferences (
        platform TEXT NOT NULL, user_id TEXT NOT NULL, task_type TEXT NOT NULL,
        model_id TEXT NOT NULL, model_version TEXT NOT NULL, model_name TEXT NOT NULL,
        updated_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (platform, user_id, task_type));
    CREATE TABLE tasks (
        id TEXT PRIMARY KEY, platform TEXT NOT NULL, chat_id TEXT NOT NULL, user_id TEXT NOT NULL, guild_id
        TEXT,
        route TEXT NOT NULL, status_ref TEXT, language TEXT NOT NULL,
        task_type TEXT NOT NULL, model_id TEXT NOT NULL, model_version TEXT NOT NULL, model_name TEXT NOT
        NULL,
        request TEXT NOT NULL, credits INTEGER NOT NULL, n INTEGER NOT NULL,
        ima_task_id TEXT, state TEXT NOT NULL, error_kind TEXT, result TEXT,
        est_min_s DOUBLE PRECISION NOT NULL, est_max_s DOUBLE PRECISION NOT NULL,
        check_every_s DOUBLE PRECISION NOT NULL, progress_every_s DOUBLE PRECISION NOT NULL,
        created_at DOUBLE PRECISION NOT NULL, submitted_at DOUBLE PRECISION, deadline_at DOUBLE PRECISION,
        finished_at DOUBLE PRECISION, delivered_at DOUBLE PRECISION,
        from_preference INTEGER NOT NULL DEFAULT 0, lease_owner TEXT, lease_until DOUBLE PRECISION);
    CREATE INDEX tasks_state ON tasks(state);
    CREATE INDEX tasks_user ON tasks(platform, user_id, state);
    CREATE TABLE usage_events (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, platform TEXT NOT NULL, user_id TEXT NOT NULL,
        guild_id TEXT, task_id TEXT, task_type TEXT NOT NULL, model_id TEXT NOT NULL, credits INTEGER NOT
        NULL,
        at DOUBLE PRECISION NOT NULL);
    CREATE INDEX usage_at ON usage_events(at);
    CREATE TABLE processed_events (
        platform TEXT NOT NULL, event_id TEXT NOT NULL, at DOUBLE PRECISION NOT NULL, PRIMARY KEY (platform,
        event_id));
    CREATE TABLE pending (
        id TEXT PRIMARY KEY, platform TEXT NOT NULL, user_id TEXT NOT NULL, payload TEXT NOT NULL,
        created_at DOUBLE PRECISION NOT NULL, rowid BIGINT GENERATED BY DEFAULT AS IDENTITY);
    CREATE FUNCTION json_extract(doc TEXT, path TEXT) RETURNS TEXT
        AS $$ SELECT (doc::jsonb) #>> string_to_array(substr(path, 3), '.') $$ LANGUAGE SQL IMMUTABLE;
    """,
    """
    CREATE TABLE server_settings (
        scope TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, updated_at DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (scope, key));
    CREATE INDEX usage_guild ON usage_events(platform, guild_id, at);
    """,
    """
    CREATE TABLE durations (
        model_id TEXT NOT NULL, variant TEXT NOT NULL, after_s DOUBLE PRECISION NOT NULL, by_s DOUBLE
        PRECISION NOT NULL,
        at DOUBLE PRECISION NOT NULL, rowid BIGINT GENERATED BY DEFAULT AS IDENTITY);
    CREATE INDEX durations_key ON durations(model_id, variant, at);
    """,
    """
    CREATE TABLE leases (name TEXT PRIMARY KEY, lease_owner TEXT, lease_until DOUBLE PRECISION NOT NULL);
    CREATE INDEX usage_task ON usage_events(task_id);
    """,
    """
    ALTER TABLE tasks ADD COLUMN source TEXT;
    CREATE UNIQUE INDEX tasks_source ON tasks(platform, source);
    CREATE TABLE inbox (
        platform TEXT NOT NULL, key TEXT NOT NULL, user_id TEXT NOT NULL, payload TEXT NOT NULL,
        received_at DOUBLE PRECISION NOT NULL, owner TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (platform, key));
    CREATE INDEX inbox_open ON inbox(done, received_at);
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
    # the platform message that started it (None for buttons and commands): one task per message at most
    source: str | None = None

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


_TASK_COLUMNS = ("id", "platform", "chat_id", "user_id", "guild_id", "route", "status_ref", "language",
                 "task_type",
                 "model_id", "model_version", "model_name", "request", "credits", "n", "ima_task_id", "state",
                 "error_kind", "result", "est_min_s", "est_max_s", "check_every_s", "progress_every_s",
                 "created_at",
                 "submitted_at", "deadline_at", "finished_at", "delivered_at", "from_preference", "source")


SETTINGS_TTL_S = 5.0
USERS_KEPT = 50_000
# SQLite: users with a saved model, known completely while at most this many (else each is asked once)
PREFERRING_KEPT = 20_000
PREFERENCES_KEPT = 4_096  # users whose saved models are kept in memory (least recently used dropped)
NAMED_PENDING_KEPT = 20_000  # named pending rows ("what should I change?" notes) known completely


class DatabaseFailed(Exception):
    """A PostgreSQL statement failed (core/pg.py raises this in place of its driver's errors).

    Why not the driver's own classes in :data:`STORE_ERRORS`: naming them meant importing asyncpg in every
    process, ~3 MiB of memory in a bot that keeps its data in SQLite and never connects to PostgreSQL.
    """


#: What a database that is locked, full, read-only or gone raises: temporary, said to users, retried for
#: outcomes.
STORE_ERRORS: tuple[type[BaseException], ...] = (sqlite3.OperationalError, sqlite3.DatabaseError, OSError,
                                                 DatabaseFailed)


class FolderInUse(OSError):
    """Another process has the data folder open."""


def _hold_folder(directory: Path) -> int:
    """Lock the data folder for this process, or raise :class:`FolderInUse`.

    Why: the store keeps what answers read (saved models, notes) in memory, which is right only while this
    process is the SQLite file's one writer; a second bot, or ``ima-bot chat``, on the same folder would
    answer from stale memory. The lock (``flock`` on ``ima-bot.lock``) goes with the process, also when it is
    killed, so a crash never leaves the folder locked.
    """
    fd = os.open(directory / "ima-bot.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 32).decode(errors="replace").strip() or "?"
        os.close(fd)
        raise FolderInUse(f"in use by another ima-bot process (pid {holder})") from None
    except OSError:
        os.close(fd)
        raise
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    return fd


class StoreUnavailable(Exception):
    """The database cannot be used at all: start-up stops with one line saying what, where and what to do."""

    @classmethod
    def explain(cls, path: Path, exc: BaseException) -> StoreUnavailable:
        if isinstance(exc, FolderInUse):
            return cls(f"the data folder {path.parent} is {exc}: stop it, or give this one another "
                       "data folder")
        text = str(exc).lower()
        # SQLite says only "unable to open database file" when its journal cannot be created next to the
        # database (a read-only folder or mount): ask the folder itself
        folder_read_only = "unable to open" in text and not os.access(path.parent, os.W_OK)
        if "readonly" in text or "read-only" in text or isinstance(exc, PermissionError) or folder_read_only:
            what, todo = ("cannot be written (read-only file or "
                          "filesystem)"), "give the bot write access to it and its folder"
        elif "not a database" in text or "malformed" in text or "integrity" in text:
            what, todo = "is damaged", "restore it from a backup, or move it away to start with an empty one"
        elif "locked" in text or "busy" in text:
            what, todo = "is locked by another program", ("stop the other program (or ima-bot instance) "
                                                          "using it")
        else:
            what, todo = f"cannot be opened ({exc})", "check the path and the disk"
        return cls(f"the database {path} {what}: {todo}")


# a task's model saved as its user's default, only if the task was reserved (its row exists)
_SAVE_DEFAULT_SQL = (
    "INSERT INTO preferences (platform, user_id, task_type, model_id, model_version, model_name, updated_at) "
    "SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM tasks WHERE id = ?) "
    "ON CONFLICT(platform, user_id, task_type) DO UPDATE SET model_id=excluded.model_id, "
    "model_version=excluded.model_version, model_name=excluded.model_name, updated_at=excluded.updated_at")
_SPENT_SQL = "SELECT COALESCE(SUM(credits), 0) FROM usage_events WHERE at >= ?"
_RESERVED_SQL = "SELECT COALESCE(SUM(credits), 0) FROM tasks WHERE state = ? AND created_at >= ?"


@dataclass(frozen=True)
class Limits:
    """What one new task must fit in; 0 means no limit. ``since`` is the start of the budgets' day."""

    max_active_per_user: int = 0
    max_active_total: int = 0
    budget_user: int = 0
    budget_server: int = 0
    since: float = 0.0


class _Saved:
    """What a write not needed (stored already) gives to await."""

    def __await__(self) -> Generator[Any, None, None]:
        return
        yield


_DONE = _Saved()


class Store:
    """The only module that writes SQL. Open with :meth:`open`, close with :meth:`close` (safe twice)."""

    def __init__(self, db: Any, path: Path | None, dialect: str = "sqlite") -> None:
        self._db = db
        self.path = path  # the SQLite file; None on PostgreSQL
        self.dialect = dialect
        # Read on every message, written rarely: kept in memory so a burst of messages is not a burst of
        # queries.
        # On a shared (PostgreSQL) store another instance may change a setting: ours follow within
        # SETTINGS_TTL_S.
        self._settings: dict[tuple[str, str], tuple[str | None, float]] = {}
        # (platform, user) → language last stored, bounded by USERS_KEPT
        self._users: dict[tuple[str, str], str] = {}
        # SQLite: writes go in groups, one trip to the database thread and one transaction each (see
        # core/write_groups.py); reservations and charges stay atomic there without a lock
        self._groups = WriteGroups(db) if dialect == "sqlite" else None
        if self._groups is not None:  # every other statement waits for the writes queued before it
            self._db = AfterWrites(db, self._groups)
        # SQLite only (this process is the file's only writer, and every write goes through here): what the
        # answer to a message reads, kept in memory so a burst of messages is not a burst of reads. Each is
        # changed when its write is queued (writes run in the order queued), and given up (None: ask the
        # database) when a write of it fails or there are too many to keep.
        # (platform, user) of everyone with a saved model; None: not known completely
        self._preferring: set[tuple[str, str]] | None = None
        # (platform, user) → their saved models by task type, for the last PREFERENCES_KEPT users read
        self._preferences: OrderedDict[tuple[str, str], dict[str, dict[str, str]]] = OrderedDict()
        self._preferences_changed = 0  # a read that saw a change begin meanwhile is not kept
        # ids of pending rows with a name ("edit:web:u1") rather than a random id; None: not known completely
        self._named_pending: set[str] | None = None
        self._held: int | None = None  # SQLite: the lock on the data folder (see _hold_folder)

    @classmethod
    async def open(cls, data_dir: str | Path, database_url: str | None = None) -> Store:
        """The SQLite file in ``data_dir``, or the PostgreSQL database at ``database_url`` when one is
        given."""
        if database_url:
            from .pg import PgConnection

            pg = await PgConnection.connect(database_url)
            store = cls(pg, None, "postgresql")
            await store._migrate()
            return store
        directory = Path(data_dir)
        path = directory / "ima-bot.sqlite3"
        db = None
        held: int | None = None
        try:
            directory.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - once at start-up
            held = _hold_folder(directory)
            db = await aiosqlite.connect(path, isolation_level=None)
            db.row_factory = aiosqlite.Row
            await db.execute("PRAGMA journal_mode=WAL")
            await db.execute("PRAGMA synchronous=NORMAL")
            await db.execute("PRAGMA busy_timeout=5000")
            # deleted rows (a forgotten user's) are zeroed, not left in free pages
            await db.execute("PRAGMA secure_delete=ON")
            store = cls(db, path)
            await store._migrate()
            await store._load_known()
            # can we write at all (read-only file, another program's lock)?
            await db.execute("BEGIN IMMEDIATE")
            await db.execute("ROLLBACK")
            async with db.execute("PRAGMA quick_check") as cur:
                verdict = (await cur.fetchone() or ["?"])[0]
            if verdict != "ok":
                raise sqlite3.DatabaseError(f"integrity check: {verdict}")
            store._held, held = held, None  # the store lets go of the folder when it closes
            return store
        except (sqlite3.Error, OSError) as exc:
            if db is not None:
                await db.close()
            if held is not None:
                os.close(held)
            raise StoreUnavailable.explain(path, exc) from exc

    async def close(self) -> None:
        if self._db is not None:
            db, self._db = self._db, None  # on SQLite its writes already queued are finished, not dropped
            await db.close()
        if self._held is not None:
            os.close(self._held)
            self._held = None

    async def _load_known(self) -> None:
        """SQLite: who has saved models and which named pending rows exist, if few enough to keep."""
        rows = await self._rows("SELECT DISTINCT platform, user_id FROM preferences LIMIT ?",
                                (PREFERRING_KEPT + 1,))
        self._preferring = {(r[0], r[1]) for r in rows} if len(rows) <= PREFERRING_KEPT else None
        rows = await self._rows("SELECT id FROM pending WHERE id LIKE '%:%' LIMIT ?",
                                (NAMED_PENDING_KEPT + 1,))
        self._named_pending = {r[0] for r in rows} if len(rows) <= NAMED_PENDING_KEPT else None

    def _forget_known(self) -> None:
        """Rows were written around the store (a copy into it): what it knew is asked again."""
        self._preferring, self._named_pending = None, None
        self._preferences.clear()
        self._preferences_changed += 1

    def _write(self, sql: str, args: Iterable[Any] = ()) -> Awaitable[int]:
        """One write; its row count once saved. On SQLite it is queued at once, in its group (the order of
        the calls is the order the statements run in), so what the caches note at the call matches."""
        if self._groups is not None:
            return self._groups.write(sql, args)
        return self._pg_write(sql, args)

    async def _pg_write(self, sql: str, args: Iterable[Any]) -> int:
        cur = await self._db.execute(sql, tuple(args))
        return int(cur.rowcount)

    async def _migrate(self) -> None:
        migrations = PG_MIGRATIONS if self.dialect == "postgresql" else MIGRATIONS
        if self.dialect == "postgresql":
            # Several instances may start at once: one migrates, the others wait on the lock.
            async with self._db.transaction() as tx:
                await tx.execute("SELECT pg_advisory_xact_lock(4242001)")
                await tx.executescript("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
                async with tx.execute("SELECT MAX(version) FROM schema_version") as cur:
                    row = await cur.fetchone()
                current = row[0] or 0
                for version, script in enumerate(migrations, start=1):
                    if version > current:
                        await tx.executescript(f"{script}; INSERT INTO schema_version VALUES ({version});")
            return
        await self._db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        async with self._db.execute("SELECT MAX(version) FROM schema_version") as cur:
            row = await cur.fetchone()
        current = row[0] or 0
        for version, script in enumerate(migrations, start=1):
            if version > current:
                await self._db.executescript(f"BEGIN; {script}; INSERT INTO schema_version VALUES "
                                             f"({version}); COMMIT;")

    async def _rows(self, sql: str, args: Iterable[Any] = ()) -> list[Any]:
        """A query's rows in one trip to the database thread (execute, fetch and close at once)."""
        if self.dialect == "sqlite":
            return list(await self._db.execute_fetchall(sql, tuple(args)))
        async with self._db.execute(sql, tuple(args)) as cur:
            return list(await cur.fetchall())

    async def schema_version(self) -> int:
        async with self._db.execute("SELECT MAX(version) FROM schema_version") as cur:
            row = await cur.fetchone()
        return int(row[0] or 0)

    # ── users and preferences ────────────────────────────────────────────────────────────────
    def touch_user(self, platform: str, user_id: str, language: str) -> Awaitable[Any]:
        """Record the user and their language. Sent at once; await the result to know it is saved (nothing in
        a message's answer reads it, so the answer need not wait for it)."""
        if self._users.get((platform, user_id)) == language:
            return _DONE  # stored already, with this language
        if len(self._users) >= USERS_KEPT:
            self._users.clear()
        self._users[(platform, user_id)] = language
        saved = asyncio.ensure_future(self._write(
            "INSERT INTO users VALUES (?, ?, ?, ?) ON CONFLICT(platform, user_id) DO UPDATE SET language = "
            "excluded.language",
            (platform, user_id, language, time.time())))

        def failed(done: asyncio.Future[Any]) -> None:  # not saved: written again at the user's next message
            if not done.cancelled() and done.exception() is not None:
                self._users.pop((platform, user_id), None)

        saved.add_done_callback(failed)
        return saved

    async def preference(self, platform: str, user_id: str, task_type: str) -> dict[str, str] | None:
        found = (await self.preferences(platform, user_id)).get(task_type)
        if found is None:
            return None
        return {k: found[k] for k in ("model_id", "model_version", "model_name")}

    async def preferences(self, platform: str, user_id: str) -> dict[str, dict[str, str]]:
        """The user's saved models by task type. On SQLite from memory when known (someone who never saved
        one, or read lately), else one read."""
        key = (platform, user_id)
        if self._groups is not None:
            kept = self._preferences.get(key)
            if kept is not None:
                self._preferences.move_to_end(key)
                return {k: dict(v) for k, v in kept.items()}
            if self._preferring is not None and key not in self._preferring:
                return {}
        changed = self._preferences_changed
        rows = await self._rows(
            "SELECT task_type, model_id, model_version, model_name FROM preferences WHERE platform=? "
            "AND user_id=?", (platform, user_id))
        found = {r["task_type"]: dict(r) for r in rows}
        if self._groups is not None and changed == self._preferences_changed:
            self._keep_preferences(key, found)
        return {k: dict(v) for k, v in found.items()}

    def _keep_preferences(self, key: tuple[str, str], saved: dict[str, dict[str, str]]) -> None:
        self._preferences[key] = saved
        self._preferences.move_to_end(key)
        while len(self._preferences) > PREFERENCES_KEPT:
            self._preferences.popitem(last=False)

    async def _preferences_written(self, key: tuple[str, str], saved: Awaitable[T]) -> T:
        """Wait for a write of the user's saved models; if it failed, what was noted in memory is asked again.
        A read of them that overlapped the write is not kept (the counter moves before and after it)."""
        self._preferences_changed += 1
        try:
            return await saved
        except BaseException:
            self._preferences.pop(key, None)
            raise
        finally:
            self._preferences_changed += 1

    async def set_preference(self, platform: str, user_id: str, task_type: str, model_id: str,
                             model_version: str, model_name: str) -> None:
        key = (platform, user_id)
        saved = self._write(
            "INSERT INTO preferences VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(platform, user_id, task_type) "
            "DO UPDATE SET "
            "model_id=excluded.model_id, model_version=excluded.model_version, "
            "model_name=excluded.model_name, "
            "updated_at=excluded.updated_at",
            (platform, user_id, task_type, model_id, model_version, model_name, time.time()))
        self._preference_noted(key, task_type, model_id, model_version, model_name)
        await self._preferences_written(key, saved)

    def _preference_noted(self, key: tuple[str, str], task_type: str, model_id: str, model_version: str,
                          model_name: str) -> None:
        """SQLite: a saved model, as the store keeps it in memory."""
        if self._groups is None:
            return
        if self._preferring is not None:
            self._preferring.add(key)
            if len(self._preferring) > PREFERRING_KEPT:
                self._preferring = None
        kept = self._preferences.get(key)
        if kept is not None:
            kept[task_type] = {"task_type": task_type, "model_id": model_id, "model_version": model_version,
                               "model_name": model_name}

    async def clear_preferences(self, platform: str, user_id: str,
                                task_types: Iterable[str] | None = None) -> int:
        key = (platform, user_id)
        if task_types is None:
            types = None
            saved = self._write("DELETE FROM preferences WHERE platform=? AND user_id=?", (platform, user_id))
        else:
            types = list(task_types)
            saved = self._write(
                f"DELETE FROM preferences WHERE platform=? AND user_id=? AND task_type IN "
                f"({','.join('?' * len(types))})",
                (platform, user_id, *types))
        kept = self._preferences.get(key)
        if kept is not None:
            for task_type in list(kept) if types is None else types:
                kept.pop(task_type, None)
        return await self._preferences_written(key, saved)

    # ── tasks ────────────────────────────────────────────────────────────────────────────────
    async def insert_task(self, record: TaskRecord, lease: tuple[str, float] | None = None) -> None:
        """Insert a new task; with ``lease`` (owner, until) it is watched by that instance from the start."""
        values, columns = self._task_row(record, lease)
        await self._write(f"INSERT INTO tasks ({','.join(columns)}) VALUES ({','.join('?' * len(values))})",
                          values)

    @staticmethod
    def _task_row(record: TaskRecord, lease: tuple[str, float] | None) -> tuple[list[Any], list[str]]:
        values: list[Any] = []
        for column in _TASK_COLUMNS:
            value = getattr(record, column)
            if column in ("route", "request"):
                value = json.dumps(value, ensure_ascii=False)
            elif column == "result":
                value = json.dumps(value) if value is not None else None
            elif column == "from_preference":
                value = int(value)
            values.append(value)
        columns = list(_TASK_COLUMNS)
        if lease is not None:
            columns += ["lease_owner", "lease_until"]
            values += list(lease)
        return values, columns

    async def insert_task_within(self, record: TaskRecord, limits: Limits,
                                 lease: tuple[str, float] | None = None, *,
                                 save_default: bool = False) -> str | None:
        """Insert a new task only if every limit still holds with it; returns the limit that refused it,
        "duplicate" when its source message already started a task (a replayed message), or None.

        Check and reservation are one statement (SQLite runs one writer at a time, and the statements of a
        write group one after the other; PostgreSQL takes a lock first), so requests sent together cannot
        all pass a check made before any was recorded. A task not yet charged counts against the budgets
        with its quoted credits. ``save_default``: the task's model becomes the user's default for its kind,
        saved with the reservation (both or neither).
        """
        values, columns = self._task_row(record, lease)
        conds, args = [], []
        active = f"state IN ({','.join('?' * len(ACTIVE_STATES))})"
        if limits.max_active_per_user:
            conds.append(f"(SELECT COUNT(*) FROM tasks WHERE {active} AND platform=? AND user_id=?) < ?")
            args += [*ACTIVE_STATES, record.platform, record.user_id, limits.max_active_per_user]
        if limits.max_active_total:
            conds.append(f"(SELECT COUNT(*) FROM tasks WHERE {active}) < ?")
            args += [*ACTIVE_STATES, limits.max_active_total]
        spent, spent_args = _SPENT_SQL, [limits.since]
        if limits.budget_user:
            conds.append(f"({spent} AND platform=? AND user_id=?) + ({_RESERVED_SQL} AND platform=? AND "
                         f"user_id=?) + ? <= ?")
            args += [*spent_args, record.platform, record.user_id, TaskState.CREATING, limits.since,
                     record.platform, record.user_id, record.credits, limits.budget_user]
        if limits.budget_server and record.guild_id:
            conds.append(f"({spent} AND platform=? AND guild_id=?) + ({_RESERVED_SQL} AND platform=? AND "
                         f"guild_id=?) + ? <= ?")
            args += [*spent_args, record.platform, record.guild_id, TaskState.CREATING, limits.since,
                     record.platform, record.guild_id, record.credits, limits.budget_server]
        where = " AND ".join(conds) or "1=1"
        # a second task for the same source message is no row at all (the unique index decides, not timing)
        sql = (f"INSERT INTO tasks ({','.join(columns)}) SELECT {','.join('?' * len(values))} WHERE {where} "
               "ON CONFLICT (platform, source) DO NOTHING")
        default = (_SAVE_DEFAULT_SQL, [record.platform, record.user_id, record.task_type, record.model_id,
                                       record.model_version, record.model_name, time.time(), record.id])
        if self.dialect == "postgresql":
            async with self._db.transaction() as tx:
                # one reservation at a time, across instances
                await tx.execute("SELECT pg_advisory_xact_lock(4242002)")
                cur = await tx.execute(sql, [*values, *args])
                if save_default and cur.rowcount == 1:
                    await tx.execute(*default)
            inserted = cur.rowcount
        elif save_default:
            assert self._groups is not None
            key = (record.platform, record.user_id)
            inserted, _saved = await self._preferences_written(
                key, self._groups.together([(sql, [*values, *args]), default]))
            if inserted == 1:
                self._preference_noted(key, record.task_type, record.model_id, record.model_version,
                                       record.model_name)
        else:
            inserted = await self._write(sql, [*values, *args])
        if inserted == 1:
            return None
        if record.source is not None and await self.started_by(record.platform, record.source):
            return "duplicate"
        if (
            limits.max_active_per_user
            and await self.count_active(record.platform, record.user_id) >= limits.max_active_per_user
        ):
            return "user"
        if limits.max_active_total and await self.count_active() >= limits.max_active_total:
            return "total"
        return "budget"

    async def spent_since(self, since: float, platform: str, user_id: str | None = None,
                          guild_id: str | None = None) -> int:
        """Credits charged since ``since`` plus those reserved by tasks being created (not charged yet)."""
        who, args = ("user_id", user_id) if user_id is not None else ("guild_id", guild_id)
        sql = (f"SELECT ({_SPENT_SQL} AND platform=? AND {who}=?) + ({_RESERVED_SQL} AND platform=? AND "
               f"{who}=?)")
        async with self._db.execute(sql, [since, platform, args, TaskState.CREATING, since, platform,
                                          args]) as cur:
            row = await cur.fetchone()
        return int(row[0])

    async def task(self, task_id: str) -> TaskRecord | None:
        async with self._db.execute("SELECT * FROM tasks WHERE id=?", (task_id,)) as cur:
            row = await cur.fetchone()
        return TaskRecord.from_row(row) if row else None

    async def tasks_in(self, states: Iterable[str]) -> list[TaskRecord]:
        states = list(states)
        async with self._db.execute(
                f"SELECT * FROM tasks WHERE state IN ({','.join('?' * len(states))}) ORDER BY created_at",
                states) as cur:
            return [TaskRecord.from_row(r) for r in await cur.fetchall()]

    async def user_tasks(self, platform: str, user_id: str, states: Iterable[str] | None = None,
                         since: float | None = None, *, chat_id: str | None = None,
                         latest: int | None = None) -> list[TaskRecord]:
        """The user's tasks, oldest first; ``chat_id`` keeps those of one conversation (what is said about a
        task in a group must not show what was asked in a DM), ``latest`` only the newest few."""
        sql = "SELECT * FROM tasks WHERE platform=? AND user_id=?"
        args: list[Any] = [platform, user_id]
        if chat_id is not None:
            sql += " AND chat_id=?"
            args.append(chat_id)
        if states is not None:
            states = list(states)
            sql += f" AND state IN ({','.join('?' * len(states))})"
            args += states
        if since is not None:
            sql += " AND created_at >= ?"
            args.append(since)
        if latest is not None:
            async with self._db.execute(sql + " ORDER BY created_at DESC LIMIT ?", [*args, latest]) as cur:
                return [TaskRecord.from_row(r) for r in reversed(await cur.fetchall())]
        async with self._db.execute(sql + " ORDER BY created_at", args) as cur:
            return [TaskRecord.from_row(r) for r in await cur.fetchall()]

    async def count_active(self, platform: str | None = None, user_id: str | None = None) -> int:
        sql = f"SELECT COUNT(*) FROM tasks WHERE state IN ({','.join('?' * len(ACTIVE_STATES))})"
        args: list[Any] = list(ACTIVE_STATES)
        if platform is not None:
            sql += " AND platform=? AND user_id=?"
            args += [platform, user_id]
        rows = await self._rows(sql, args)
        return int(rows[0][0])

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
        return await self._write(sql, args) == 1

    async def charge_and_start(self, record: TaskRecord, **changes: Any) -> bool:
        """Record what IMA charged for the task and move it from "creating" to ``changes`` at once.

        Budgets count a task in "creating" by its quote and a charged one by its usage row; written
        one after the other, a task counted twice in between, and another request of the same user
        (on any instance) was refused though the budget covered it. One statement on PostgreSQL; on
        the SQLite file (one process) both under the lock admissions take. The usage row is written
        once however often this is retried. Returns whether the task was still "creating" (it may
        have been reported interrupted meanwhile, by an instance that took it for an orphan).
        """
        usage = ("INSERT INTO usage_events (platform, user_id, guild_id, task_id, task_type, model_id, "
                 "credits, at) SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM usage_events "
                 "WHERE task_id = ?)")
        usage_args = [record.platform, record.user_id, record.guild_id, record.id, record.task_type,
                      record.model_id, record.credits, time.time(), record.id]
        sets = ", ".join(f"{column}=?" for column in changes)
        update = f"UPDATE tasks SET {sets} WHERE id=? AND state=?"
        update_args = [*changes.values(), record.id, TaskState.CREATING]
        if self.dialect == "postgresql":
            sql = f"WITH charged AS ({usage}) {update} RETURNING id"
            async with self._db.execute(sql, [*usage_args, *update_args]) as cur:
                return len(await cur.fetchall()) == 1
        assert self._groups is not None
        _usage, changed = await self._groups.together([(usage, usage_args), (update, update_args)])
        return changed == 1

    async def usage_since(self, since: float, platform: str | None = None, user_id: str | None = None,
                          guild_id: str | None = None) -> int:
        sql = "SELECT COALESCE(SUM(credits), 0) FROM usage_events WHERE at >= ?"
        args: list[Any] = [since]
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

    async def started_by(self, platform: str, source: str) -> bool:
        """Whether the platform message ``source`` already started a task."""
        rows = await self._rows("SELECT 1 FROM tasks WHERE platform=? AND source=?", (platform, source))
        return bool(rows)

    # ── the inbox: messages kept until answered (see core/inbox.py) ──────────────────────────
    async def keep_message(self, platform: str, key: str, user_id: str, payload: dict[str, Any],
                           owner: str) -> bool:
        """Keep a received message for ``owner`` to answer; False when it is kept already (a redelivery)."""
        return await self._write(
            "INSERT INTO inbox (platform, key, user_id, payload, received_at, owner) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (platform, key) DO NOTHING",
            (platform, key, user_id, json.dumps(payload, ensure_ascii=False), time.time(), owner)) == 1

    async def message_answered(self, platform: str, key: str) -> None:
        """The message is answered (or its task reserved): never replayed, and its text no longer kept."""
        await self._write("UPDATE inbox SET done=1, payload='' WHERE platform=? AND key=?", (platform, key))

    async def claim_messages(self, owner: str, now: float, platforms: Iterable[str], *,
                             any_owner: bool = False, own: bool = False,
                             limit: int = 200) -> list[tuple[str, str, dict[str, Any], float]]:
        """Take the unanswered messages whose instance is gone: (platform, key, payload, received at), oldest
        first.

        An instance is alive while its lease ``instance:<name>`` (core/inbox.py renews it) has not run
        out. ``own``: ``owner``'s messages too (an instance restarting under the same name). ``any_owner``:
        every one (a single process on its SQLite file, restarting). On PostgreSQL the rows are locked
        with SKIP LOCKED, so two instances looking at once split them instead of both taking them.
        """
        names = list(platforms) or [""]
        args: list[Any] = [owner, *names]
        alive = ("EXISTS (SELECT 1 FROM leases WHERE leases.name = 'instance:' || i.owner "
                 "AND leases.lease_until >= ?)")
        if any_owner:
            cond = ""
        elif own:
            cond = f" AND (i.owner = ? OR NOT {alive})"
            args += [owner, now]
        else:
            cond = f" AND i.owner <> ? AND NOT {alive}"
            args += [owner, now]
        args.append(limit)
        lock = " FOR UPDATE SKIP LOCKED" if self.dialect == "postgresql" else ""
        sql = (f"UPDATE inbox SET owner=? WHERE (platform, key) IN (SELECT i.platform, i.key FROM inbox AS i "
               f"WHERE i.done = 0 AND i.platform IN ({','.join('?' * len(names))}){cond} "
               f"ORDER BY i.received_at LIMIT ?{lock}) RETURNING platform, key, payload, received_at")
        async with self._db.execute(sql, args) as cur:  # one statement: its own transaction on both
            rows = await cur.fetchall()
        rows = sorted(rows, key=lambda r: r["received_at"])
        return [(r["platform"], r["key"], json.loads(r["payload"]), float(r["received_at"])) for r in rows]

    # ── events and pending offers ────────────────────────────────────────────────────────────
    async def claim_event(self, platform: str, event_id: str) -> bool:
        """True the first time an event id is seen (platforms redeliver)."""
        return await self._write("INSERT INTO processed_events VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                                 (platform, event_id, time.time())) == 1

    async def put_pending(self, platform: str, user_id: str, payload: dict[str, Any],
                          pending_id: str | None = None) -> str:
        """Store an offer (or a note about one); ``pending_id`` lets offers shown together share a prefix."""
        pending_id = pending_id or uuid.uuid4().hex[:12]
        saved = self._write("INSERT INTO pending VALUES (?, ?, ?, ?, ?)",
                            (pending_id, platform, user_id, json.dumps(payload, ensure_ascii=False),
                             time.time()))
        if self._named_pending is not None and ":" in pending_id:
            self._named_pending.add(pending_id)
            if len(self._named_pending) > NAMED_PENDING_KEPT:
                self._named_pending = None
        await self._named_written(saved)
        return pending_id

    async def get_pending(self, pending_id: str) -> tuple[str, str, dict[str, Any]] | None:
        """A pending row. A named one ("edit:web:u1", see put_pending) known not to exist is not asked for: a
        message asks whether its user owes an answer to "what should I change?", and almost no one does."""
        if self._named_pending is not None and ":" in pending_id and pending_id not in self._named_pending:
            return None
        rows = await self._rows("SELECT platform, user_id, payload FROM pending WHERE id=?", (pending_id,))
        return (rows[0]["platform"], rows[0]["user_id"], json.loads(rows[0]["payload"])) if rows else None

    async def take_pending(self, pending_id: str) -> bool:
        saved = self._write("DELETE FROM pending WHERE id=?", (pending_id,))
        if self._named_pending is not None:
            self._named_pending.discard(pending_id)
        return await self._named_written(saved) == 1

    async def _named_written(self, saved: Awaitable[int]) -> int:
        """Wait for a pending row's write; if it failed, which named rows exist is no longer known."""
        try:
            return await saved
        except BaseException:
            self._named_pending = None
            raise

    async def latest_pending(self, platform: str, user_id: str) -> tuple[str, dict[str, Any]] | None:
        """The newest offer a typed "yes" could take: never a "stop" choice, never a note about an answered
        one."""
        async with self._db.execute(
                "SELECT id, payload FROM pending WHERE platform=? AND user_id=? AND json_extract(payload, "
                "'$.drop') IS NULL "
                "AND json_extract(payload, '$.note') IS NULL ORDER BY created_at DESC, rowid DESC LIMIT 1",
                (platform, user_id)) as cur:
            row = await cur.fetchone()
        return (row["id"], json.loads(row["payload"])) if row else None

    async def clear_pending_group(self, group: str) -> None:
        """Offers made together (one per button) go away together once one is taken."""
        await self._write("DELETE FROM pending WHERE json_extract(payload, '$.group')=?", (group,))

    # ── server settings (admin) ──────────────────────────────────────────────────────────────
    async def server_setting(self, scope: str, key: str) -> str | None:
        cached = self._settings.get((scope, key))
        if cached is not None and (self.dialect == "sqlite" or time.monotonic() - cached[1] < SETTINGS_TTL_S):
            return cached[0]
        rows = await self._rows("SELECT value FROM server_settings WHERE scope=? AND key=?", (scope, key))
        value = rows[0]["value"] if rows else None
        if len(self._settings) >= USERS_KEPT:
            self._settings.clear()
        self._settings[(scope, key)] = (value, time.monotonic())
        return value

    async def set_server_setting(self, scope: str, key: str, value: str | None) -> None:
        self._settings[(scope, key)] = (value, time.monotonic())
        if value is None:
            await self._write("DELETE FROM server_settings WHERE scope=? AND key=?", (scope, key))
        else:
            await self._write(
                "INSERT INTO server_settings VALUES (?, ?, ?, ?) ON CONFLICT(scope, key) DO UPDATE SET "
                "value=excluded.value, "
                "updated_at=excluded.updated_at", (scope, key, value, time.time()))

    async def usage_breakdown(self, since: float, platform: str,
                              guild_id: str | None) -> list[dict[str, Any]]:
        sql = ("SELECT user_id, model_id, COUNT(*) AS n, SUM(credits) AS credits FROM usage_events WHERE at "
               ">= ? AND platform=? "
               + ("AND guild_id=? " if guild_id else "AND guild_id IS NULL ") + "GROUP BY user_id, model_id "
                                                                                "ORDER BY credits DESC")
        args = [since, platform, guild_id] if guild_id else [since, platform]
        async with self._db.execute(sql, args) as cur:
            return [dict(r) for r in await cur.fetchall()]

    async def writable(self) -> bool:
        """Whether a write that needs new space succeeds now (not only whether a lock can be taken): for
        /healthz.

        On SQLite a page-sized row is written and rolled back, so a full disk, a read-only file or
        another program's lock all answer False; nothing is kept.
        """
        try:
            if self.dialect == "postgresql":
                async with self._db.transaction() as tx:
                    # assigns a write transaction id: fails if read-only
                    await tx.execute("SELECT txid_current()")
                return True
            assert self._groups is not None
            await self._groups.probe()
            return True
        except Exception:
            return False

    # ── observed durations (what the watcher learns from) ──────────────────────────────────────
    async def record_duration(self, model_id: str, variant: str, after_s: float, by_s: float) -> None:
        """A task of this model and options finished after ``after_s`` and by ``by_s`` seconds (unscaled)."""
        await self._write("INSERT INTO durations (model_id, variant, after_s, by_s, at) VALUES "
                          "(?, ?, ?, ?, ?)", (model_id, variant, after_s, by_s, time.time()))

    async def trim_durations(self, per_key: int = 256) -> None:
        """Durations are no one's personal data, but they are kept bounded: the newest ``per_key`` of each
        kind."""
        await self._db.execute(
            "DELETE FROM durations WHERE rowid IN (SELECT rid FROM (SELECT rowid AS rid, ROW_NUMBER() OVER ("
            "PARTITION BY model_id, variant ORDER BY at DESC, rowid DESC) AS age FROM durations) AS ranked "
            "WHERE age > ?)", (per_key,))

    async def recent_durations(self, per_key: int = 64) -> list[tuple[str, str, float, float]]:
        """The last ``per_key`` observations of every (model, options), oldest first."""
        async with self._db.execute(
                "SELECT model_id, variant, after_s, by_s FROM (SELECT rowid AS rid, model_id, variant, "
                "after_s, by_s, at, "
                "ROW_NUMBER() OVER (PARTITION BY model_id, variant ORDER BY at DESC, rowid DESC) AS age "
                "FROM durations) "
                "AS ranked WHERE age <= ? ORDER BY at, rid", (per_key,)) as cur:
            return [(r[0], r[1], float(r[2]), float(r[3])) for r in await cur.fetchall()]

    # ── retention and forgetting ─────────────────────────────────────────────────────────────
    async def purge(self, older_than_s: float) -> int:
        cutoff = time.time() - older_than_s
        removed = 0
        for sql in ("DELETE FROM usage_events WHERE at < ?",
                    "DELETE FROM tasks WHERE created_at < ? AND state NOT IN ('creating', 'running', "
                    "'delivering')",
                    "DELETE FROM processed_events WHERE at < ?",
                    "DELETE FROM inbox WHERE received_at < ?",
                    "DELETE FROM pending WHERE created_at < ?"):
            cur = await self._db.execute(sql, (cutoff,))
            removed += cur.rowcount
        if self.dialect == "postgresql" and "shown" in await self.tables():
            cur = await self._db.execute("DELETE FROM shown WHERE at < ?", (cutoff,))
            removed += cur.rowcount
        return removed

    async def forget_user(self, platform: str, user_id: str) -> None:
        """Delete what is stored about the user; a task still running keeps only what finishing it needs.

        Its prompt is blanked (IMA already has it), and on SQLite the freed pages are zeroed
        (secure_delete) and the write-ahead log checkpointed, so the deleted rows are not left on disk.
        """
        key = (platform, user_id)
        self._users.pop(key, None)
        deletes: list[tuple[str, tuple[Any, ...]]] = [
            (f"DELETE FROM {table} WHERE platform=? AND user_id=?", key)
            for table in ("users", "preferences", "usage_events", "pending", "inbox")]
        deletes.append(("DELETE FROM tasks WHERE platform=? AND user_id=? AND state NOT IN ('creating', "
                        "'running', 'delivering')", key))
        if self._groups is not None:
            # in the write queue, so a write asked before it is deleted and one asked after it stays
            self._preferences.pop(key, None)
            await self._preferences_written(key, self._groups.together(deletes))
        else:
            for sql, args in deletes:
                await self._db.execute(sql, args)
        for record in await self.user_tasks(platform, user_id):
            if record.request.get("prompt"):
                await self.update_task(record.id, request={**record.request, "prompt": ""})
        if self.dialect == "sqlite":
            async with self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)") as cur:
                await cur.fetchall()
        if self.dialect == "postgresql" and "shown" in await self.tables():
            await self._db.execute("DELETE FROM shown WHERE scope = ?", (f"{platform}:{user_id}",))
            # the live updates kept a few minutes for the other instances carry what the user typed too
            await self._db.execute("DELETE FROM feed_messages WHERE (payload::jsonb ->> 'uid') = ?",
                                   (user_id,))


    # ── live updates shared by instances (PostgreSQL only; see core/feed.py) ─────────────────
    FEED_CHANNEL = "ima_bot_feed"

    async def open_feed(self) -> None:
        """The two tables instances share live updates through. Only a shared database needs them (one
        process keeps both in memory), so they are created here, not in the versioned schema both backends
        follow; under the migration lock, as several instances may start at once."""
        async with self._db.transaction() as tx:
            await tx.execute("SELECT pg_advisory_xact_lock(4242001)")
            await tx.executescript("""
                CREATE TABLE IF NOT EXISTS feed_messages (
                    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, topic TEXT NOT NULL,
                    payload TEXT NOT NULL, at DOUBLE PRECISION NOT NULL);
                CREATE TABLE IF NOT EXISTS shown (
                    scope TEXT NOT NULL, item TEXT NOT NULL, payload TEXT NOT NULL, seq BIGINT NOT NULL,
                    at DOUBLE PRECISION NOT NULL, PRIMARY KEY (scope, item));
                CREATE SEQUENCE IF NOT EXISTS shown_seq;""")

    async def listen_feed(self, on_id: Any, on_lost: Any) -> Any:
        """A dedicated connection that hears every published message's id (see :meth:`publish`)."""
        return await self._db.listen(self.FEED_CHANNEL, on_id, on_lost)

    async def publish(self, topic: str, payload: dict[str, Any]) -> None:
        """Keep the message in a row and NOTIFY its id, in one statement: a NOTIFY payload is limited to
        8000 bytes, a view with its buttons may not be."""
        await self._db.execute(
            "WITH m AS (INSERT INTO feed_messages (topic, payload, at) VALUES (?, ?, ?) RETURNING id) "
            f"SELECT pg_notify('{self.FEED_CHANNEL}', id::text) FROM m",
            (topic, json.dumps(payload), time.time()))

    async def feed_messages(self, ids: list[int]) -> dict[int, tuple[str, dict[str, Any]]]:
        rows = await self._rows(
            "SELECT id, topic, payload FROM feed_messages WHERE id = ANY(?::bigint[])", (ids,))
        return {int(r["id"]): (r["topic"], json.loads(r["payload"])) for r in rows}

    async def trim_feed(self, older_than_s: float) -> None:
        """Messages are read within moments of their NOTIFY; older ones only take space."""
        await self._db.execute("DELETE FROM feed_messages WHERE at < ?", (time.time() - older_than_s,))

    async def put_shown(self, scope: str, item: str, payload: dict[str, Any]) -> None:
        """A message as a chat last showed it: a new one takes the next place, an edit keeps its place."""
        await self._db.execute(
            "INSERT INTO shown (scope, item, payload, seq, at) VALUES (?, ?, ?, nextval('shown_seq'), ?) "
            "ON CONFLICT (scope, item) DO UPDATE SET payload = excluded.payload, at = excluded.at",
            (scope, item, json.dumps(payload), time.time()))

    async def shown(self, scope: str, limit: int) -> list[dict[str, Any]]:
        rows = await self._rows("SELECT payload FROM (SELECT payload, seq FROM shown WHERE scope = ? "
                                "ORDER BY seq DESC LIMIT ?) AS latest ORDER BY seq", (scope, limit))
        return [json.loads(r["payload"]) for r in rows]

    async def shown_item(self, scope: str, item: str) -> dict[str, Any] | None:
        rows = await self._rows("SELECT payload FROM shown WHERE scope = ? AND item = ?", (scope, item))
        return json.loads(rows[0]["payload"]) if rows else None

    # ── moving to another backend ────────────────────────────────────────────────────────────
    async def tables(self) -> list[str]:
        """Our tables (schema_version aside), in the order they can be copied."""
        if self.dialect == "postgresql":
            sql = "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()"
        else:
            sql = "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        async with self._db.execute(sql) as cur:
            names = sorted(r["name"] for r in await cur.fetchall())
        return [n for n in names if n != "schema_version"]

    async def rows(self, table: str) -> list[dict[str, Any]]:
        if table not in await self.tables():
            raise ValueError(table)
        async with self._db.execute(f"SELECT * FROM {table}") as cur:
            return [dict(r) for r in await cur.fetchall()]

    async def copy_to(self, target: Store) -> dict[str, int]:
        """Copy every row into ``target`` (same schema version); rows already there are kept, so a
        second run after an interruption finishes the job. Returns the rows copied per table."""
        if await self.schema_version() != await target.schema_version():
            raise ValueError("both databases must be at the same schema version: start the new version once "
                             "on each")
        copied: dict[str, int] = {}
        theirs = set(await target.tables())
        target._forget_known()  # its rows are written here, around what it keeps in memory
        for table in await self.tables():
            if table not in theirs:
                raise ValueError(f"table {table} is missing in the target")
            count = 0
            for row in await self.rows(table):
                columns = list(row)
                cur = await target._db.execute(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
                    "ON CONFLICT DO NOTHING", [row[c] for c in columns])
                count += cur.rowcount
            copied[table] = count
        if target.dialect == "postgresql":
            # Identity columns were given explicit values: move their sequences past them.
            for table, column in (("usage_events", "id"), ("pending", "rowid")):
                await target._db.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                    f"COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)")
        return copied

    # ── leases: which instance watches which task ────────────────────────────────────────────
    async def claim_tasks(self, owner: str, until: float, now: float, states: Iterable[str],
                          limit: int = 500, *, platforms: Iterable[str] | None = None,
                          any_lease: bool = False, own: bool = False) -> list[TaskRecord]:
        """Take over tasks in ``states`` whose lease is free or expired, and not ``owner``'s.

        ``own``: ``owner``'s too (an instance restarting under the same name takes its tasks back at
        once). Otherwise they are left alone: a running instance already has its own in hand, and
        reclaiming them raced with their delivery (a claim read "delivering" just before the delivery
        ended, and the result was shown again). On PostgreSQL the candidate rows are locked with SKIP
        LOCKED, so two instances claiming at the same moment split the tasks instead of both taking
        them. ``any_lease``: a single-process SQLite file, where every task left over belongs to the
        one instance restarting.
        """
        states = list(states)
        marks = ",".join("?" * len(states))
        if any_lease:
            free = ""
        elif own:
            free = " AND (lease_owner IS NULL OR lease_owner=? OR lease_until IS NULL OR lease_until < ?)"
        else:
            free = (" AND (lease_owner IS NULL OR lease_until IS NULL OR lease_until < ?) AND "
                    "(lease_owner IS NULL OR lease_owner <> ?)")
        lock = " FOR UPDATE SKIP LOCKED" if self.dialect == "postgresql" else ""
        args: list[Any] = [owner, until, *states]
        if own and not any_lease:
            args += [owner, now]
        elif not any_lease:
            args += [now, owner]
        if platforms is not None:  # an instance only takes tasks it can talk to the users of
            names = list(platforms) or [""]
            free += f" AND platform IN ({','.join('?' * len(names))})"
            args += names
        args.append(limit)
        sql = (f"UPDATE tasks SET lease_owner=?, lease_until=? WHERE id IN (SELECT id FROM tasks WHERE "
               f"state IN ({marks})"
               f"{free} ORDER BY created_at LIMIT ?{lock}) RETURNING *")
        async with self._db.execute(sql, args) as cur:  # one statement: its own transaction on both
            rows = await cur.fetchall()
        return sorted((TaskRecord.from_row(r) for r in rows), key=lambda r: r.created_at)

    async def renew_leases(self, owner: str, until: float, task_ids: Iterable[str]) -> set[str]:
        """Extend ``owner``'s leases on these tasks; returns those another instance holds now (taken over).

        Lost is only what another instance is seen holding: a task too new for this statement to see
        (its insert not yet committed) is not lost, it is renewed next time.
        """
        ids = list(task_ids)
        lost: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            sql = (f"UPDATE tasks SET lease_until = CASE WHEN lease_owner=? THEN ? ELSE lease_until END "
                   f"WHERE id IN ({','.join('?' * len(chunk))}) RETURNING id, lease_owner")
            async with self._db.execute(sql, [owner, until, *chunk]) as cur:
                lost.update(r["id"] for r in await cur.fetchall() if r["lease_owner"] != owner)
        return lost

    async def take_lease(self, task_id: str, owner: str, until: float) -> None:
        await self._db.execute("UPDATE tasks SET lease_owner=?, lease_until=? WHERE id=?",
                               (owner, until, task_id))

    # ── named leases: connections shared out among instances (Discord shards) ────────────────
    async def hold_leases(self, owner: str, names: Iterable[str], until: float,
                          now: float | None = None) -> set[str]:
        """Take or renew the leases ``names``; returns those ``owner`` holds now.

        With ``now`` only those free, expired or already ``owner``'s are taken, and only existing ones
        (a name appears once its own instance took it). Without: taken whoever holds them, created if
        new: what an instance does with the shards it is configured to run.
        """
        names = sorted(set(names))
        if not names:
            return set()
        if now is None:
            for name in names:
                await self._db.execute(
                    "INSERT INTO leases (name, lease_owner, lease_until) VALUES (?, ?, ?) ON CONFLICT (name) "
                    "DO UPDATE SET lease_owner=excluded.lease_owner, lease_until=excluded.lease_until",
                    (name, owner, until))
            return set(names)
        sql = (f"UPDATE leases SET lease_owner=?, lease_until=? WHERE name IN ({','.join('?' * len(names))}) "
               "AND (lease_owner=? OR lease_until < ?) RETURNING name")
        async with self._db.execute(sql, [owner, until, *names, owner, now]) as cur:
            return {r["name"] for r in await cur.fetchall()}

    async def release_named_leases(self, owner: str) -> None:
        """A clean stop hands this instance's connections to the others at once."""
        await self._db.execute("UPDATE leases SET lease_until=0 WHERE lease_owner=?", (owner,))

    async def release_leases(self, owner: str) -> int:
        """A clean shutdown hands this instance's tasks to the others at once instead of after the lease
        time."""
        cur = await self._db.execute("UPDATE tasks SET lease_until=0 WHERE lease_owner=? AND lease_until > 0",
                                     (owner,))
        return int(cur.rowcount)
