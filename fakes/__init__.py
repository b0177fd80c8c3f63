"""Loopback stand-ins for Discord and Feishu that the real client libraries talk to, and a real throwaway
PostgreSQL."""

from aiohttp import web


async def serve_loopback(app: web.Application) -> tuple[web.AppRunner, str]:
    """Start ``app`` on a free 127.0.0.1 port; returns the runner and its base URL."""
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"
