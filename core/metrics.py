"""Prometheus metrics for one running bot (its own registry, so several cores can live in one process)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from .kinds import TaskState

if TYPE_CHECKING:
    from .ima_client import IMAClient
    from .manager import TaskManager
    from .store import TaskRecord


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.tasks = Counter("ima_bot_tasks_total", "Tasks that ended, by outcome",
                             ["state", "type", "model"], registry=self.registry)
        self.time_to_result = Histogram("ima_bot_time_to_result_seconds", "From request to delivered result",
                                        ["type"],
                                        buckets=(5, 10, 20, 30, 60, 90, 120, 180, 240, 360, 600, 1200),
                                        registry=self.registry)
        self.ima_calls = Counter("ima_bot_ima_calls_total", "Calls to IMA", ["op"], registry=self.registry)
        self.ima_errors = Counter("ima_bot_ima_errors_total", "Failed calls to IMA, by kind", ["op", "kind"],
                                  registry=self.registry)
        self.edits = Counter("ima_bot_platform_edits_total", "Status message edits", ["platform", "outcome"],
                             registry=self.registry)
        self.watching = Gauge("ima_bot_tasks_watching", "Tasks being watched right now (queue depth)",
                              registry=self.registry)

    def ima_call(self, op: str, error_kind: str | None) -> None:
        self.ima_calls.labels(op).inc()
        if error_kind:
            self.ima_errors.labels(op, error_kind).inc()

    def observe(self, client: IMAClient, manager: TaskManager) -> None:
        """Count what the IMA client and the task manager report through their callbacks."""
        client.observer = self.ima_call
        self.watching.set_function(lambda: manager.watching)
        manager.on_finished = self.task_finished
        manager.on_edits = self.status_edits

    def task_finished(self, record: TaskRecord, state: str) -> None:
        self.tasks.labels(state, record.task_type, record.model_id).inc()
        if state == TaskState.DONE and record.finished_at:
            self.time_to_result.labels(record.task_type).observe(record.finished_at - record.created_at)

    def status_edits(self, platform: str, ok: int, failed: int) -> None:
        self.edits.labels(platform, "ok").inc(ok)
        if failed:
            self.edits.labels(platform, "failed").inc(failed)

    def render(self) -> bytes:
        return generate_latest(self.registry)
