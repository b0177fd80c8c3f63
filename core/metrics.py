"""Prometheus metrics for one running bot (its own registry, so several cores can live in one process)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.tasks = Counter("ima_bot_tasks_total", "Tasks that ended, by outcome", ["state", "type", "model"], registry=self.registry)
        self.time_to_result = Histogram("ima_bot_time_to_result_seconds", "From request to delivered result", ["type"],
                                        buckets=(5, 10, 20, 30, 60, 90, 120, 180, 240, 360, 600, 1200), registry=self.registry)
        self.ima_calls = Counter("ima_bot_ima_calls_total", "Calls to IMA", ["op"], registry=self.registry)
        self.ima_errors = Counter("ima_bot_ima_errors_total", "Failed calls to IMA, by kind", ["op", "kind"], registry=self.registry)
        self.edits = Counter("ima_bot_platform_edits_total", "Status message edits", ["platform", "outcome"], registry=self.registry)
        self.watching = Gauge("ima_bot_tasks_watching", "Tasks being watched right now (queue depth)", registry=self.registry)

    def ima_call(self, op: str, error_kind: str | None) -> None:
        self.ima_calls.labels(op).inc()
        if error_kind:
            self.ima_errors.labels(op, error_kind).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
