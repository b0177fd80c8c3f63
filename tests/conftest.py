"""Shared fixtures: a real IMA sandbox on a loopback socket and a real client pointed at it."""

from __future__ import annotations

import asyncio
import inspect
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest

from core.ima_client import IMAClient
from sandbox.app import SandboxConfig, SandboxState, bound_url, run_sandbox, state_of

TEST_KEY = "ima_test_key_0001"


@dataclass
class Sandbox:
    url: str
    state: SandboxState

    @property
    def config(self) -> SandboxConfig:
        return self.state.config

    def count(self, path: str) -> int:
        return sum(1 for r in self.state.requests if r["path"] == path)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """One throwaway PostgreSQL cluster per test worker (fakes/postgres.py); each test gets its own
    database."""
    from fakes.postgres import pg_cluster

    with pg_cluster() as url:
        yield url


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped after it."""
    from fakes.postgres import create_database, drop_database

    name = "t_" + uuid.uuid4().hex[:12]
    yield create_database(pg_server, name)
    drop_database(pg_server, name)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str | None:
    """Store tests run on both backends: None is the SQLite file, otherwise a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return None
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    return SandboxConfig(time_scale=0.01, seed=7)


@asynccontextmanager
async def running_sandbox(config: SandboxConfig) -> AsyncIterator[Sandbox]:
    """The IMA sandbox on a free loopback port, stopped on exit (the one way tests start it)."""
    runner = await run_sandbox("127.0.0.1", 0, config)
    try:
        yield Sandbox(bound_url(runner), state_of(runner.app))
    finally:
        await runner.cleanup()


@pytest.fixture
async def sandbox(sandbox_config: SandboxConfig) -> AsyncIterator[Sandbox]:
    async with running_sandbox(sandbox_config) as started:
        yield started


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[IMAClient]:
    c = IMAClient(TEST_KEY, base_url=sandbox.url, upload_url=sandbox.url, timeout_s=3.0)
    try:
        yield c
    finally:
        await c.close()


@pytest.fixture
async def core(sandbox: Sandbox, tmp_path):
    """The whole core against the sandbox, with a recording platform named "test"."""
    from core.config import Settings
    from core.service import CoreService

    from .recording import RecordingPlatform

    settings = Settings.model_validate({"bot": {"data_dir": str(tmp_path),
                                                "time_scale": sandbox.config.time_scale}})
    service = await CoreService.open(settings, api_key=TEST_KEY, base_url=sandbox.url, upload_url=sandbox.url)
    service.add_platform(RecordingPlatform("test"))
    await service.start()
    yield service
    await service.close()


async def until(predicate: Callable[[], object], limit_s: float = 30.0, what: str = "") -> None:
    """Wait for something a user would see, polling briefly; fail with what was awaited.

    The predicate may be a coroutine function (e.g. asking the sandbox for a task's status). The limit only
    catches a hang: a slow machine makes a test slower, never red.
    """
    deadline = time.monotonic() + limit_s
    while True:
        done = predicate()
        if inspect.isawaitable(done):
            done = await done
        if done:
            return
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


def pytest_terminal_summary(terminalreporter, config) -> None:
    """pytest-randomly shuffles every run; -q hides its header, so say how to repeat this run's order."""
    seed = getattr(config.option, "randomly_seed", None)
    if isinstance(seed, int):
        terminalreporter.write_line(f"test order shuffled; repeat it with: python3 -m pytest -p randomly "
                                    f"--randomly-seed={seed}")


#: test files that take minutes of waiting (real processes, real leases): started first, so the other
#: workers run everything else meanwhile and the whole run stays within its budget
SLOW_FIRST = ("test_instances_e2e.py",)


@pytest.hookimpl(trylast=True)  # after pytest-randomly's shuffle, whose order it otherwise keeps
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.path.name not in SLOW_FIRST)

