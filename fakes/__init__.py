"""Loopback stand-ins for Discord and Feishu that the real client libraries talk to, and a real throwaway
PostgreSQL."""

import socket

from aiohttp import web


def free_ports(n: int = 1) -> list[int]:
    """``n`` distinct free 127.0.0.1 ports: the sockets are held together until all are picked."""
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [int(s.getsockname()[1]) for s in sockets]
    finally:
        for s in sockets:
            s.close()


def free_port() -> int:
    return free_ports(1)[0]


async def serve_loopback(app: web.Application) -> tuple[web.AppRunner, str]:
    """Start ``app`` on a free 127.0.0.1 port; returns the runner and its base URL."""
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"
