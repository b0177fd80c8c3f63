"""Loopback stand-ins for Discord and Feishu that the real client libraries talk to, and a real throwaway
PostgreSQL."""

import os
import random
import socket
from pathlib import Path

from aiohttp import web


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


def _port_block() -> range:
    """The ports this test process hands out: below the kernel's ephemeral range, one block per xdist worker.

    Why not bind port 0 and hand that number on: the number is then free only until someone else needs an
    outgoing port. A test that starts the bot as a subprocess gives it the number and the bot binds it a
    second or more later; meanwhile any client connection in the run (there are thousands) may be given
    that very port by the kernel, and the bot dies with "address already in use" (CI, 2026-11-28). Ports
    outside the ephemeral range are never handed out by the kernel, so only another test could take one,
    and each worker has its own block.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    index = int(worker[2:]) if worker[2:].isdigit() else 0
    top = min(_ephemeral_range()[0], 65536)
    size = 1500
    start = max(1024, top - size * (index + 1) - 4000)
    return range(start, start + size)


_BLOCK = _port_block()
_next = random.Random(os.getpid()).randrange(len(_BLOCK))


def _bindable(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports(n: int = 1) -> list[int]:
    """``n`` distinct 127.0.0.1 ports that nothing listens on and the kernel will not hand to a client."""
    global _next
    picked: list[int] = []
    for _ in range(len(_BLOCK)):
        port = _BLOCK[_next % len(_BLOCK)]
        _next += 1
        if _bindable(port):
            picked.append(port)
            if len(picked) == n:
                return picked
    raise RuntimeError(f"no free port left in {_BLOCK}")


def free_port() -> int:
    return free_ports(1)[0]


async def serve_loopback(app: web.Application) -> tuple[web.AppRunner, str]:
    """Start ``app`` on a free 127.0.0.1 port; returns the runner and its base URL."""
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"
