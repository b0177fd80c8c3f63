"""How long a model takes, how often to check it and how often to tell the user (the spec's time table, as
data)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from .media import MEDIA_OF_CATEGORY


@dataclass(frozen=True)
class Estimate:
    min_s: float
    max_s: float
    check_every_s: float
    progress_every_s: float

    def scaled(self, factor: float) -> Estimate:
        return Estimate(self.min_s * factor, self.max_s * factor, self.check_every_s * factor,
                        self.progress_every_s * factor)


@cache
def _table() -> dict[str, Any]:
    table: dict[str, Any] = json.loads(
        resources.files("core").joinpath("data/timetable.json").read_text("utf-8")
    )
    return table


def estimate(category: str, model_id: str, time_scale: float = 1.0) -> Estimate:
    table = _table()
    row = table["models"].get(category, {}).get(model_id) or table["default"][MEDIA_OF_CATEGORY[category]]
    return Estimate(*map(float, row)).scaled(time_scale)


def progress_percent(elapsed_s: float, estimated_max_s: float) -> int:
    """P = min(95, floor(elapsed / estimated_max × 100)): never 100 before IMA says it is done."""
    if estimated_max_s <= 0:
        return 95
    return max(0, min(95, int(elapsed_s / estimated_max_s * 100)))
