"""The web chat's security layer: who may open the socket, who is an admin, how much one may send.

Any page a browser visits can open a WebSocket to 127.0.0.1, and a DNS-rebound name can make the
browser treat the bot as that site's own. Both are stopped here: the ``Host`` header must be a
name this bot is served under and the ``Origin`` (which browsers always send on a WebSocket)
must be that same host. Off loopback every socket must also carry the access token. Admin rights
(budgets, defaults, switches) belong to whoever holds the admin token, printed at start, never to
a connection as such. Sizes are capped so one client cannot make the process hold gigabytes.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from aiohttp import web

from bot.exposure import is_loopback

ATTACHMENT_BYTES = 20 * 1024 * 1024
# one message carries at most one attachment's worth of pictures, base64-encoded (4/3) plus the text around it
MAX_MESSAGE_BYTES = ATTACHMENT_BYTES * 4 // 3 + 256 * 1024
MAX_UPLOADS_PER_CONNECTION = 2  # messages with pictures being handled at once, per tab
MAX_UPLOAD_BYTES_IN_FLIGHT = 8 * MAX_MESSAGE_BYTES  # across every tab: bounds the memory uploads can take


def _split_host(value: str) -> tuple[str, str]:
    """("name", "port") of a Host header or netloc, IPv6 brackets removed."""
    parts = urlsplit("//" + value.strip())
    try:
        port = str(parts.port or "")
    except ValueError:
        port = "?"
    return (parts.hostname or "").lower(), port


@dataclass
class WebGuard:
    """Decides, per request, whether it may reach the chat and with which rights."""

    allowed_hosts: frozenset[str] = frozenset()
    access_token: str | None = None
    admin_token: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    upload_bytes_in_flight: int = 0

    @classmethod
    def for_listener(cls, host: str, allowed_hosts: Iterable[str] = (), access_token: str | None = None,
                     admin_token: str | None = None) -> WebGuard:
        names = {h.lower().strip("[]") for h in allowed_hosts}
        if host not in ("0.0.0.0", "::", ""):
            names.add(host.lower().strip("[]"))
        guard = cls(frozenset(names), access_token or None)
        if admin_token:
            guard.admin_token = admin_token
        return guard

    def host_allowed(self, host_header: str | None) -> bool:
        name, port = _split_host(host_header or "")
        return bool(name) and port != "?" and (is_loopback(name) or name in self.allowed_hosts)

    def refusal(self, request: web.Request, *, socket: bool) -> web.HTTPException | None:
        """Why this request may not proceed (an HTTP error to send), or None."""
        host = request.headers.get("Host")
        if not self.host_allowed(host):
            return web.HTTPMisdirectedRequest(text="unknown host")
        origin = request.headers.get("Origin")
        if socket and origin is not None:
            parts = urlsplit(origin)
            if parts.scheme not in ("http", "https") or _split_host(parts.netloc) != _split_host(host or ""):
                return web.HTTPForbidden(text="cross-site request")
        if socket and self.access_token is not None and not _same(request.query.get("key", ""),
                                                                  self.access_token):
            return web.HTTPUnauthorized(text="access token needed")
        return None

    def is_admin(self, request: web.Request) -> bool:
        return _same(request.query.get("admin", ""), self.admin_token)

    def reserve_upload(self, size: int) -> bool:
        """Count ``size`` bytes of pictures as being handled, unless that would pass the shared cap."""
        if self.upload_bytes_in_flight + size > MAX_UPLOAD_BYTES_IN_FLIGHT:
            return False
        self.upload_bytes_in_flight += size
        return True

    def release_upload(self, size: int) -> None:
        self.upload_bytes_in_flight = max(0, self.upload_bytes_in_flight - size)


def _same(given: str, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())
