"""A platform that records what the core shows users, for core-level tests.

The core's contract with adapters is `Platform.channel(route) -> Channel`; the real Discord, Feishu
and web adapters are tested end to end elsewhere. Here a recording channel stands in for "the chat"
so the task manager's behaviour can be asserted message by message. It enforces the minimum edit
interval it declares and counts violations, like a platform's rate limiter would.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.contracts import ChannelError
from core.views import View


@dataclass
class Op:
    op: str  # send | edit
    ref: str
    view: View
    at: float


@dataclass
class RecordingPlatform:
    name: str = "test"
    min_edit_interval_s: float = 0.0
    ops: list[Op] = field(default_factory=list)
    violations: int = 0
    fail_edits: str | None = None  # None | "gone" | "rate"
    last_edit: dict[str, float] = field(default_factory=dict)

    def channel(self, route: Mapping[str, Any]) -> RecordingChannel:
        return RecordingChannel(self, dict(route))

    def connected(self) -> bool:
        return True

    def messages(self) -> dict[str, list[View]]:
        out: dict[str, list[View]] = {}
        for op in self.ops:
            out.setdefault(op.ref, []).append(op.view)
        return out

    def finals(self) -> list[Op]:
        return [op for op in self.ops if op.view.final]


class RecordingChannel:
    def __init__(self, platform: RecordingPlatform, route: dict[str, Any]) -> None:
        self.platform = platform
        self.route = route
        self.min_edit_interval_s = platform.min_edit_interval_s

    async def send(self, view: View) -> str:
        ref = uuid.uuid4().hex[:10]
        self.platform.ops.append(Op("send", ref, view, time.monotonic()))
        self.platform.last_edit[ref] = time.monotonic()
        return ref

    async def edit(self, ref: str, view: View) -> None:
        now = time.monotonic()
        if self.platform.fail_edits == "gone":
            raise ChannelError("message deleted", gone=True)
        if now - self.platform.last_edit.get(ref, 0) < self.platform.min_edit_interval_s * 0.95:
            self.platform.violations += 1
            raise ChannelError("rate limited", retry_after_s=self.platform.min_edit_interval_s)
        self.platform.last_edit[ref] = now
        self.platform.ops.append(Op("edit", ref, view, now))
