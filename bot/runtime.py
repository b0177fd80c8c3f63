"""Start the core against real IMA, or against an embedded sandbox when no key is configured."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from core.config import Settings
from core.service import CoreService

log = logging.getLogger(__name__)

SANDBOX_KEY = "ima_local_sandbox_key"


@asynccontextmanager
async def running_core(settings: Settings) -> AsyncIterator[CoreService]:
    """The core, started; with the sandbox inside the same process when settings ask for it (or no key is
    set)."""
    runner = None
    if settings.use_sandbox:
        from sandbox.app import SandboxConfig, bound_url, run_sandbox

        scale = settings.sandbox.time_scale or settings.bot.time_scale
        runner = await run_sandbox(settings.sandbox.host, settings.sandbox.port,
                                   SandboxConfig(time_scale=scale,
                                                 starting_points=settings.sandbox.starting_points))
        url = bound_url(runner)
        key, base_url, upload_url = SANDBOX_KEY, url, url
        log.info("using the embedded IMA sandbox", extra={"url": url})
    else:
        assert settings.ima.api_key is not None
        key, base_url, upload_url = (
            settings.ima.api_key.get_secret_value(),
            settings.ima.base_url,
            settings.ima.upload_url,
        )
    core = await CoreService.open(settings, api_key=key, base_url=base_url, upload_url=upload_url)
    try:
        yield core
    finally:
        await core.close()
        if runner is not None:
            await runner.cleanup()
