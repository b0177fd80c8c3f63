"""Shared fixtures: a real IMA sandbox on a loopback socket and a real client pointed at it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
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


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    return SandboxConfig(time_scale=0.01, seed=7)


@pytest.fixture
async def sandbox(sandbox_config: SandboxConfig) -> AsyncIterator[Sandbox]:
    runner = await run_sandbox("127.0.0.1", 0, sandbox_config)
    try:
        yield Sandbox(bound_url(runner), state_of(runner.app))
    finally:
        await runner.cleanup()


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

    settings = Settings.model_validate({"bot": {"data_dir": str(tmp_path), "time_scale": sandbox.config.time_scale}})
    service = await CoreService.open(settings, api_key=TEST_KEY, base_url=sandbox.url, upload_url=sandbox.url)
    service.add_platform(RecordingPlatform("test"))
    await service.start()
    yield service
    await service.close()


async def until(predicate: Callable[[], object], limit_s: float = 30.0, what: str = "") -> None:
    """Wait for something a user would see, polling briefly; fail with what was awaited."""
    deadline = time.monotonic() + limit_s
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)
