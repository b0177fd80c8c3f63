"""Listeners that outsiders cannot starve: idle clients cut off, connections capped, noise rate-limited.

aiohttp on its own waits an hour for a client that sends half a request and accepts sockets until
the process runs out of file descriptors; then the web chat, the Feishu webhook and /healthz all
stop answering and asyncio logs "out of system resource" once a second per listener, with a
traceback. Each listener here closes a connection that has not sent a complete request within the
idle timeout, refuses connections beyond its cap at once (so the others keep their descriptors),
and the repeated accept error is logged once a minute with a count.
"""

from __future__ import annotations

import asyncio
import logging
import time
from contextlib import AsyncExitStack

from aiohttp import web

from core.config import ListenSettings

log = logging.getLogger(__name__)

BUSY = b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"


class _Refuse(asyncio.Protocol):
    """Says 503 and hangs up: the cap is reached."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.WriteTransport)
        transport.write(BUSY)
        transport.close()


class _Counted(asyncio.Protocol):
    """Forwards to aiohttp's handler and keeps the listener's count of open sockets exact.

    Counting at accept time (not in the handler's connection_made, which asyncio schedules for
    later) is what makes the cap hold when hundreds of sockets arrive in one burst.
    """

    def __init__(self, inner: asyncio.Protocol, site: CappedSite) -> None:
        self.inner, self.site = inner, site
        site.open += 1

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self.inner.eof_received()

    def pause_writing(self) -> None:
        self.inner.pause_writing()

    def resume_writing(self) -> None:
        self.inner.resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        self.site.open -= 1
        self.inner.connection_lost(exc)


class CappedSite(web.BaseSite):
    """A TCP site that serves at most ``max_connections`` sockets at once."""

    def __init__(self, runner: web.BaseRunner, host: str, port: int, max_connections: int) -> None:
        super().__init__(runner)
        self._host, self._port, self.max_connections = host, port, max_connections
        self.open = 0

    @property
    def name(self) -> str:
        return f"http://{self._host}:{self._port}"

    async def start(self) -> None:
        await super().start()
        server = self._runner.server
        assert server is not None

        def protocol() -> asyncio.Protocol:
            if self.open >= self.max_connections:
                return _Refuse()
            return _Counted(server(), self)

        self._server = await asyncio.get_running_loop().create_server(protocol, self._host, self._port,
                                                                      backlog=128, reuse_address=True)


async def serve_app(app: web.Application, host: str, port: int, limits: ListenSettings,
                    stack: AsyncExitStack | None = None) -> web.AppRunner:
    """Start ``app`` on host:port behind the idle timeout and the connection cap.

    The runner is cleaned up when ``stack`` closes (registered before the port is bound, so a port
    in use still cleans up); without a stack the caller cleans it up.
    """
    runner = web.AppRunner(app, access_log=None, keepalive_timeout=limits.idle_timeout_s)
    await runner.setup()
    if stack is not None:
        stack.push_async_callback(runner.cleanup)
    await CappedSite(runner, host, port, limits.max_connections).start()
    return runner


class RepeatFilter(logging.Filter):
    """Lets one copy of a repeated error through per ``every_s`` seconds, then says how many were held
    back."""

    def __init__(self, every_s: float = 60.0) -> None:
        super().__init__()
        self.every_s = every_s
        self._seen: dict[str, tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        # asyncio appends the socket etc. on later lines
        key = f"{record.name}:{str(record.msg).partition(chr(10))[0]}"
        now = time.monotonic()
        last, held = self._seen.get(key, (float("-inf"), 0))
        if now - last < self.every_s:
            self._seen[key] = (last, held + 1)
            return False
        self._seen[key] = (now, 0)
        if held:
            record.msg = f"{record.msg}\n(and {held} more like it in the last {int(now - last)}s)"
        return True


def quiet_accept_errors(every_s: float = 60.0) -> None:
    """Rate-limit asyncio's "socket.accept() out of system resource" (logged every second while it lasts)."""
    logger = logging.getLogger("asyncio")
    if not any(isinstance(f, RepeatFilter) for f in logger.filters):
        logger.addFilter(RepeatFilter(every_s))
