"""Structured JSON logs (structlog over the standard library) that never carry secrets or prompts.

Prompts are never passed to a logger in the first place; as a second line of defence every record
is scrubbed of the configured secrets, of anything shaped like an IMA key, and of bearer tokens.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable, MutableMapping
from typing import Any

import structlog

# An IMA key is a token standing on its own ("ima_" + at least six characters); the same letters inside a
# module path or logger name (core/ima_client.py, core.ima_client) are code, not a key.
_KEY_SHAPED = re.compile(r"(?<![\w./\\-])ima_[A-Za-z0-9_\-]{6,}(?![A-Za-z0-9_\-]*\.py\b)"
                         r"|(?i:bearer)\s+[A-Za-z0-9._\-]+|(?<![\w.-])t-[A-Za-z0-9._\-]{8,}")
REDACTED = "[redacted]"


class Redactor:
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def text(self, value: str) -> str:
        for secret in self.secrets:
            value = value.replace(secret, REDACTED)
        return _KEY_SHAPED.sub(REDACTED, value)

    def __call__(self, _logger: Any, _name: str, event: MutableMapping[str, Any]) -> dict[str, Any]:
        return {k: self.text(v) if isinstance(v, str) else v for k, v in event.items()}


def setup_logging(level: str = "INFO", secrets: Iterable[str] = (), stream: Any = None) -> Redactor:
    """Send every log record (ours and the libraries') to ``stream`` as one JSON object per line."""
    redactor = Redactor(secrets)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[structlog.stdlib.add_log_level, structlog.stdlib.add_logger_name,
                           structlog.stdlib.ExtraAdder(), structlog.processors.TimeStamper(fmt="iso")],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    redactor, structlog.processors.JSONRenderer(ensure_ascii=False)]))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(getattr(logging, level.upper(), logging.INFO))
    for noisy in ("discord.gateway", "discord.http", "discord.client", "websockets", "aiosqlite", "asyncio"):
        logging.getLogger(noisy).setLevel(max(root.level, logging.INFO))
    return redactor


def adopt_logger(name: str) -> None:
    """Make a library logger that brought its own handler go through ours (JSON, scrubbed) like every
    other."""
    logger = logging.getLogger(name)
    logger.handlers[:] = []
    logger.propagate = True
