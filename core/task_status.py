"""The spec's status table, exactly: when a task is running, done, or failed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .errors import ErrorKind


@dataclass(frozen=True)
class Media:
    url: str
    cover: str | None = None
    format: str | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class TaskOutcome:
    state: Literal["running", "succeeded", "failed"]
    medias: tuple[Media, ...] = field(default_factory=tuple)
    error: ErrorKind | None = None
    done_count: int = 0
    total_count: int = 0


def parse_detail(data: dict[str, Any], expected: int = 1) -> TaskOutcome:
    """null/missing resource_status is 0; empty medias is still running; done only when every media is 1
    and none says failed; any 2 (failed), 3 (deleted) or status "failed" ends the task as a failure.

    ``expected`` is the number of results ordered (n): IMA may list results as they appear, so fewer
    finished results than ordered is still running, never a success the user paid n times for.
    """
    medias = data.get("medias") or []
    if not medias:
        return TaskOutcome("running")
    done = 0
    for m in medias:
        rs = m.get("resource_status")
        rs = 0 if rs is None else int(rs)
        status = str(m.get("status") or "").lower()
        if rs == 3:
            return TaskOutcome("failed", error=ErrorKind.DELETED, total_count=len(medias))
        if rs == 2:
            return TaskOutcome("failed", error=ErrorKind.GENERATION_FAILED, total_count=len(medias))
        if status == "failed":
            return TaskOutcome("failed", error=ErrorKind.TASK_FAILED, total_count=len(medias))
        if rs == 1:
            done += 1
    if done < max(len(medias), expected):
        return TaskOutcome("running", done_count=done, total_count=max(len(medias), expected))
    return TaskOutcome(
        "succeeded",
        tuple(Media(str(m.get("url") or ""), m.get("cover"), m.get("format"), m.get("width"),
                    m.get("height")) for m in medias),
        done_count=done,
        total_count=len(medias),
    )
