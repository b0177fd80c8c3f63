"""Operations endpoints: /healthz (IMA reachable, database writable, adapters connected; which store, shared
or not, and this instance's name) and /metrics
(Prometheus)."""

from __future__ import annotations

from aiohttp import web

from core.service import CoreService


def create_ops_app(core: CoreService) -> web.Application:
    async def healthz(_request: web.Request) -> web.Response:
        checks = await core.health()
        down = sorted(name for name, ok in checks.items() if not ok)  # which part, said plainly
        return web.json_response({"ok": not down, "down": down, "checks": checks, "store": core.placement()},
                                 status=503 if down else 200)

    async def metrics(_request: web.Request) -> web.Response:
        return web.Response(body=core.metrics.render(),
                            headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"})

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    return app
