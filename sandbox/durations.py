"""How long the sandbox takes to finish a task: its own skewed distribution per model, not the bot's table.

Real generation time varies with the model, the load and the options. Each model here has a
skewed duration: a log-normal body set by two figures (the median, and the time before which
about one task in six is already done) and a few tasks (3%) caught in a slow queue that take
1.5–2.4× as long. Those
sit around the spec's published ranges (median inside it, the "one in six" point at its lower
end, a tail past its top) so a watcher that trusts the published minimum is sometimes late —
as it would be against the real service. Options that make more work (1080p, 4K, 10 s, pro
mode, audio, several outputs) make it longer. Seeded, so benchmarks are reproducible.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from typing import Any

# model_id → (seconds by which ~1 task in 6 is done, median seconds), for the default options. The
# first figure is the low end of the spec's published range; medians sit just above it, as the
# issue that asked for this observed (results ready well before the published maximum).
SPEED: dict[str, tuple[float, float]] = {
    "doubao-seedream-4.5": (25, 26.6),
    "gemini-3.1-flash-image": (20, 21.3),
    "gemini-3-pro-image": (60, 63.9),
    "wan2.6-t2v": (60, 63.9),
    "wan2.6-i2v": (60, 63.9),
    "MiniMax-Hailuo-2.3": (60, 63.9),
    "MiniMax-Hailuo-02": (60, 63.9),
    "viduq2": (60, 63.9),
    "viduq2-pro": (60, 63.9),
    "pixverse": (60, 63.9),
    "doubao-seedance-1.5-pro": (90, 95.8),
    "kling-v2-6": (90, 95.8),
    "veo-3.1-generate-preview": (90, 95.8),
    "kling-video-o1": (180, 191.7),
    "sora-2-pro": (180, 191.7),
    "GenBGM": (10, 10.6),
    "GenSong": (10, 10.6),
    "sonic": (20, 21.3),
}
# The spec publishes longer ranges for the two-picture video kinds.
CATEGORY_SPEED: dict[tuple[str, str], tuple[float, float]] = {
    ("first_last_frame_to_video", "veo-3.1-generate-preview"): (180, 191.7),
    ("reference_image_to_video", "veo-3.1-generate-preview"): (180, 191.7),
}
DEFAULT_SPEED = {"image": (20, 21.3), "video": (90, 95.8), "music": (15, 16)}
SLOW_SHARE = 0.03  # tasks caught in a slow queue: the tail past the published maximum
SLOW_FACTOR = (1.5, 2.4)

_ONE_IN_SIX = 0.9674  # standard normal quantile of 1/6, negated


def option_factor(params: Mapping[str, Any]) -> float:
    """How much longer the requested options make a task than the model's defaults."""
    factor = 1.0
    resolution = str(params.get("resolution", "")).lower()
    size = str(params.get("size", "")).lower()
    factor *= {"1080p": 1.25, "4k": 1.6}.get(resolution, 1.0)
    factor *= {"2k": 1.15, "4k": 1.4}.get(size, 1.0)
    try:
        seconds = float(str(params.get("duration", 0)).rstrip("s") or 0)
    except ValueError:
        seconds = 0.0
    factor *= max(1.0, (seconds / 5) ** 0.5) if seconds else 1.0
    if str(params.get("mode", "")).lower() == "pro":
        factor *= 1.2
    if str(params.get("generate_audio", "")).lower() == "true":
        factor *= 1.1
    return factor


def _speed(category: str, model_id: str, media: str) -> tuple[float, float]:
    return CATEGORY_SPEED.get((category, model_id)) or SPEED.get(model_id) or DEFAULT_SPEED[media]


def draw(rng: random.Random, category: str, model_id: str, media: str, params: Mapping[str, Any],
         n: int = 1) -> list[float]:
    """Seconds until each of the ``n`` outputs is ready (unscaled). The last one decides the task."""
    early, median = _speed(category, model_id, media)
    sigma = math.log(median / early) / _ONE_IN_SIX
    total = median * option_factor(params) * math.exp(rng.gauss(0.0, sigma))
    if rng.random() < SLOW_SHARE:
        total *= rng.uniform(*SLOW_FACTOR)
    return [total * (0.85 + 0.15 * (i + 1) / n) for i in range(n)]


def typical_max(category: str, model_id: str, media: str, params: Mapping[str, Any]) -> float:
    """A generous bound (about the 99.9th percentile), for the deadline IMA gives with each task."""
    early, median = _speed(category, model_id, media)
    sigma = math.log(median / early) / _ONE_IN_SIX
    return median * option_factor(params) * math.exp(3.1 * sigma) * SLOW_FACTOR[1]
