"""What the bot opens to the network, and the settings without which it refuses to start.

Every request that reaches the bot can spend the operator's IMA credits, so a listener that other
machines can reach must be guarded by a secret. Start-up stops with one line naming the setting
rather than running open.
"""

from __future__ import annotations

import ipaddress

from core.config import Settings

LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "ip6-localhost"})


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    host = host.strip().strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def refusals(settings: Settings) -> list[str]:
    """Why these settings would let outsiders in; empty when it is safe to start."""
    problems = []
    fs = settings.feishu
    if fs.enabled and fs.receive == "webhook" and fs.encrypt_key is None and fs.verification_token is None:
        problems.append(
            "feishu webhook mode needs FEISHU_ENCRYPT_KEY (or at least FEISHU_VERIFICATION_TOKEN) from the "
            "Feishu console's "
            f"Events page: without it anyone who can reach {fs.webhook_host}:{fs.webhook_port} can post "
            f"forged messages "
            "and spend your IMA credits")
    web = settings.web
    if web.enabled and not is_loopback(web.host) and web.access_token is None:
        problems.append(
            f"the web chat on {web.host} can be reached from other machines: set IMA_BOT_WEB_ACCESS_TOKEN "
            f"(people then open "
            "http://<host>:<port>/#key=<token>) or keep web.host = 127.0.0.1")
    return problems
