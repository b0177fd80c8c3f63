"""When to check a running task, learned from how long this bot has seen the same model take.

The spec's time table is a published range, not a promise: real durations vary by model, load
and options, and a watcher that first checks at the table's minimum makes every early result
wait. So each model (per the options that change its price, which are the ones that change its
work: resolution, duration, mode…) keeps a short history of the durations this bot observed,
and the schedule puts checks where completion is likely:

- nothing before the learned *early* point (about the 0.5th percentile): almost nothing is done;
- from there on, never further apart than the spec's cadence;
- denser around the learned median, where most tasks finish;
- the same figures give the range shown to users ("usually 40–70 s").

With too little history the table is the starting point (checking from well before its minimum,
since the table is only a guess). Everything here is pure arithmetic on seconds, so the schedule
is tested without clocks; the manager turns it into timers.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .catalogue import normalize
from .timetable import Estimate

MIN_SAMPLES = 6  # from this many observed tasks on, their own spread is trusted…
FEW_SAMPLES = 2  # …from this many, their median with a cautious spread; below, the table is the better guess
FEW_SPREAD = 0.15  # the spread assumed while only a few tasks were seen
KEEP = 64  # recent durations kept per model and options: enough for quantiles, quick to follow drift
EARLY_Z = 2.6  # the early point: this many standard deviations below the median (~1st percentile)
TYPICAL_Z = 1.28  # the range shown to users: 10th to 90th percentile
DENSE_Z = 1.0  # within this many deviations of the median checks are densest
DENSE_SHARE = 0.65  # gap near the median, as a share of the spec's cadence
NEAR_SHARE = 0.7  # gap elsewhere past the early point (a slow task is still looked at closely)
COLD_START_SHARE = 0.75  # with no history, checking starts at this share of the table's minimum…
COLD_GAP_SHARE = 0.9  # …and goes on a little faster than the spec's cadence, since the table is only a guess


@dataclass(frozen=True)
class Timing:
    """What to expect of one model with given options, in seconds since the task was accepted."""

    early_s: float  # almost nothing finishes before this: the first check
    median_s: float
    spread: float  # robust standard deviation of log-durations (0 when unknown)
    typical_min_s: float  # the range users are told
    typical_max_s: float
    cadence_s: float  # the spec's "poll every": the longest gap once early_s is passed
    learned_from: int  # how many past tasks it comes from; 0 = the spec's table

    @property
    def learned(self) -> bool:
        return self.learned_from > 0


def variant_of(table: Estimate, attributes: Mapping[str, Any]) -> str:
    """What makes a model's tasks take different times, as one key: the spec's range for that kind of task
    (it gives Veo 3.1 one range for text-to-video and another for two-picture videos, while text and picture
    to
    image share one) and the credit rule's priced attributes: "90-180s|duration=10,resolution=1080p".
    ``table`` is the unscaled time-table row."""
    options = ",".join(f"{k}={normalize(v)}" for k, v in sorted(attributes.items()) if k != "default")
    return f"{table.min_s:g}-{table.max_s:g}s|{options}"


def from_table(est: Estimate) -> Timing:
    """No history yet: the spec's range, checked from well before its minimum at the spec's cadence."""
    median = (est.min_s + est.max_s) / 2
    return Timing(early_s=est.min_s * COLD_START_SHARE, median_s=median, spread=0.0, typical_min_s=est.min_s,
                  typical_max_s=est.max_s, cadence_s=est.check_every_s, learned_from=0)


def quantile(intervals: Sequence[tuple[float, float]], p: float) -> float:
    """The p-quantile of durations known only as intervals (the check that last saw a task running, the one
    that
    saw it done): each observation spread evenly over its interval, so the checks' own grid does not show
    through."""
    lo = min(a for a, _ in intervals)
    hi = max(b for _, b in intervals)
    for _ in range(40):
        mid = (lo + hi) / 2
        share = sum(1.0 if b <= mid else 0.0 if a >= mid else (mid - a) / (b - a) for a,
                    b in intervals) / len(intervals)
        lo, hi = (mid, hi) if share < p else (lo, mid)
    return (lo + hi) / 2


def from_history(intervals: Sequence[tuple[float, float]], est: Estimate) -> Timing:
    """Figures from observed durations (already in this run's time scale). Quantiles, not mean and
    deviation, so
    the few tasks stuck in a slow queue do not stretch everyone's schedule."""
    usable = [(a, b) if b > a else (b * 0.99, b) for a, b in intervals if b > 0]
    if len(usable) < FEW_SAMPLES:
        return from_table(est)
    median = quantile(usable, 0.5)
    low, high = quantile(usable, 0.16), quantile(usable, 0.84)
    spread = max((math.log(high) - math.log(low)) / 2, 0.03 if len(usable) >= MIN_SAMPLES else FEW_SPREAD)
    early = min(median * math.exp(-EARLY_Z * spread), 0.97 * quantile(usable, 0.005))
    return Timing(early_s=early, median_s=median, spread=spread, typical_min_s=quantile(usable, 0.1),
                  typical_max_s=quantile(usable, 0.9), cadence_s=est.check_every_s, learned_from=len(usable))


def next_check(elapsed_s: float, timing: Timing) -> float:
    """Seconds (since the task was accepted) of the next check after one at ``elapsed_s``."""
    if elapsed_s < timing.early_s:
        # A check exactly at the early point would almost always find the task running; one gap later, the
        # few tasks done by the early point wait no longer than the gap, as they would have anyway.
        return timing.early_s + (gap_at(timing.early_s, timing) if timing.learned else 0.0)
    return elapsed_s + gap_at(elapsed_s, timing)


def gap_at(elapsed_s: float, timing: Timing) -> float:
    """How long to wait after a check at ``elapsed_s`` (past the early point): densest around the median,
    never longer than the spec's cadence."""
    cadence = timing.cadence_s
    if timing.spread <= 0:
        return cadence * COLD_GAP_SHARE
    z = abs(math.log(max(elapsed_s, 1e-9) / timing.median_s)) / timing.spread
    if z <= DENSE_Z:
        return cadence * DENSE_SHARE
    return cadence * NEAR_SHARE


def checks_until(done_s: float, timing: Timing, limit: int = 10_000) -> list[float]:
    """Every check the schedule makes for a task that completes at ``done_s`` (the last one sees it done)."""
    checks = [next_check(0.0, timing)]
    while checks[-1] < done_s and len(checks) < limit:
        checks.append(next_check(checks[-1], timing))
    return checks


def observed_interval(last_running_s: float | None, done_s: float) -> tuple[float, float]:
    """When a task finished, as far as the checks tell: after the last check that saw it running, by the
    one that
    saw it done. If the very first check already saw it done, assume it was not long before (so a first check
    that
    came too late moves earlier next time, without one lucky task dragging everyone's first check to zero)."""
    return (last_running_s if last_running_s is not None else 0.9 * done_s), done_s


class History:
    """Recent observed durations per (model, options) as (after, by) intervals in unscaled seconds; the
    store keeps
    them across restarts. Figures are computed once per new observation, not per task."""

    def __init__(self, time_scale: float = 1.0, keep: int = KEEP) -> None:
        self.time_scale = time_scale
        self._keep = keep
        self._seen: dict[tuple[str, str], deque[tuple[float, float]]] = {}
        self._figures: dict[tuple[str, str, float, float, float], Timing] = {}

    def load(self, rows: Iterable[tuple[str, str, float, float]]) -> None:
        """Rows of (model_id, variant, after_s, by_s), oldest first."""
        for model_id, variant, after, by in rows:
            self._bucket(model_id, variant).append((after, by))
        self._figures.clear()

    def add(self, model_id: str, variant: str, scaled: tuple[float, float]) -> tuple[float, float]:
        """Remember one observation made at this run's time scale; returns it unscaled (what the store
        keeps)."""
        seen = (scaled[0] / self.time_scale, scaled[1] / self.time_scale)
        self._bucket(model_id, variant).append(seen)
        for key in [k for k in self._figures if k[:2] == (model_id, variant)]:
            del self._figures[key]
        return seen

    def timing(self, model_id: str, variant: str, est: Estimate) -> Timing:
        """The schedule's figures for a task, at this run's time scale (``est`` is the table's, already
        scaled)."""
        key = (model_id, variant, est.min_s, est.max_s, est.check_every_s)
        figures = self._figures.get(key)
        if figures is None:
            scale = self.time_scale
            seen = self._seen.get((model_id, variant), ())
            figures = self._figures[key] = from_history([(a * scale, b * scale) for a, b in seen], est)
        return figures

    def _bucket(self, model_id: str, variant: str) -> deque[tuple[float, float]]:
        bucket = self._seen.get((model_id, variant))
        if bucket is None:
            bucket = self._seen[(model_id, variant)] = deque(maxlen=self._keep)
        return bucket
