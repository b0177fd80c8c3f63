"""The watcher that learns (issue 20): where checks go, from the table at first and from history later.

The schedule is pure arithmetic on seconds, so these tests state where checks fall for given
histories, without clocks; one test drives it through the task manager and a restart.
"""

from __future__ import annotations

import itertools
import random

from core.learned_timing import (
    FEW_SAMPLES,
    MIN_SAMPLES,
    History,
    checks_until,
    from_history,
    from_table,
    next_check,
    observed_interval,
    variant_of,
)
from core.manager import TaskManager
from core.store import Store
from core.timetable import Estimate

from .recording import RecordingPlatform
from .test_task_manager import make_manager, request, until_final

KLING_O1 = Estimate(min_s=180, max_s=360, check_every_s=8, progress_every_s=60)


def _observed(seconds: list[float], width: float = 4.0) -> list[tuple[float, float]]:
    """Durations as the checks see them: finished after one check and by the next."""
    return [(s - width / 2, s + width / 2) for s in seconds]


def _history_around(median: float, n: int = 40, spread: float = 0.06,
                    seed: int = 1) -> list[tuple[float, float]]:
    rng = random.Random(seed)
    return _observed([median * rng.lognormvariate(0, spread) for _ in range(n)])


def test_with_no_history_the_table_is_the_start_checked_from_before_its_minimum_at_its_cadence():
    timing = from_history([], KLING_O1)
    assert timing == from_table(KLING_O1) and not timing.learned
    assert (timing.typical_min_s, timing.typical_max_s) == (180, 360)  # what users are told at first
    first = next_check(0, timing)
    assert 0 < first < 180  # one task in six beats the table's minimum: look before it
    checks = checks_until(400, timing)
    assert all(b - a <= 8 for a, b in itertools.pairwise(checks))


def test_too_few_observations_keep_the_table():
    assert not from_history(_history_around(200, n=FEW_SAMPLES - 1), KLING_O1).learned
    assert from_history(_history_around(200, n=FEW_SAMPLES), KLING_O1).learned


def test_first_check_comes_just_before_the_fastest_tasks_seen_not_at_the_tables_minimum():
    # this model has been finishing in about 150 s, well before the table's 180 s
    timing = from_history(_history_around(150), KLING_O1)
    fastest_seen = min(after for after, _ in _history_around(150))
    assert 0.7 * 150 < timing.early_s < fastest_seen
    first = next_check(0, timing)
    assert timing.early_s < first <= timing.early_s + KLING_O1.check_every_s < 180
    # …and when it has been slower than the table says, the first check waits longer
    assert next_check(0, from_history(_history_around(300), KLING_O1)) > 180


def test_checks_never_further_apart_than_the_spec_cadence_and_densest_around_the_median():
    timing = from_history(_history_around(200), KLING_O1)
    checks = checks_until(600, timing)  # a task stuck far past everything seen
    gaps = [b - a for a, b in itertools.pairwise(checks)]
    assert gaps and max(gaps) <= KLING_O1.check_every_s
    near_median = [g for a, g in zip(checks, gaps, strict=False) if abs(a - 200) < 10]
    far_out = [g for a, g in zip(checks, gaps, strict=False) if a > 300]
    assert max(near_median) < min(far_out)


def test_the_range_users_are_told_comes_from_the_history():
    timing = from_history(_history_around(50, spread=0.1), Estimate(60, 120, 8, 30))
    # "usually 42–60 s", not the table's 60~120
    assert 35 < timing.typical_min_s < 50 < timing.typical_max_s < 65


def test_a_task_already_done_at_the_first_check_pulls_the_first_check_earlier():
    after, by = observed_interval(None, 150.0)
    assert after < by == 150.0
    seen = _history_around(200, n=MIN_SAMPLES)
    before = next_check(0, from_history(seen, KLING_O1))
    after_fast = next_check(0, from_history([*seen, (after, by)], KLING_O1))
    assert after_fast < before


def test_options_that_change_the_price_are_learned_apart_and_kinds_the_spec_times_alike_together():
    assert variant_of(KLING_O1, {"duration": "10", "mode": "pro"}) != variant_of(KLING_O1, {"duration": "5",
                                                                                            "mode": "pro"})
    assert variant_of(KLING_O1, {"resolution": "1080P"}) == variant_of(KLING_O1, {"resolution": "1080p"})
    assert variant_of(Estimate(90, 180, 8, 40), {}) != variant_of(KLING_O1, {})


def test_history_figures_follow_new_observations():
    history = History(time_scale=1.0)
    variant = variant_of(KLING_O1, {})
    assert not history.timing("kling-video-o1", variant, KLING_O1).learned
    for after, by in _history_around(150, n=MIN_SAMPLES):
        history.add("kling-video-o1", variant, (after, by))
    assert history.timing("kling-video-o1", variant, KLING_O1).learned


async def test_what_the_bot_saw_survives_a_restart_and_becomes_the_estimate_users_are_told(client, tmp_path):
    store = await Store.open(tmp_path / "data")
    platform = RecordingPlatform()
    manager = make_manager(store, client, platform)
    await manager.start()
    for i in range(MIN_SAMPLES):
        await manager.submit(await request(client, "text_to_music", "GenBGM", user=f"u{i}",
                                           prompt=f"calm piano {i}"))
    await until_final(platform, MIN_SAMPLES)
    await manager.close()
    await store.close()
    first_status = platform.ops[0].view.text
    assert "Estimated time" in first_status and "Usually" not in first_status

    restarted = await Store.open(tmp_path / "data")
    later = RecordingPlatform()
    manager2: TaskManager = make_manager(restarted, client, later)
    await manager2.start()
    again = await request(client, "text_to_music", "GenBGM", user="u9", prompt="calm piano again")
    assert manager2.expected(again.quote).learned  # what a confirmation shows before charging, too
    await manager2.submit(again)
    await until_final(later)
    await manager2.close()
    await restarted.close()
    assert "Usually" in later.ops[0].view.text
    assert manager2.stats["scheduled_from_history"] == 1


async def test_the_store_keeps_the_newest_observations_of_each_kind_on_both_backends(database_url, tmp_path):
    store = await Store.open(tmp_path / "data", database_url)
    try:
        for i in range(12):
            await store.record_duration("kling-video-o1", "180-360s|mode=std", 150.0 + i, 155.0 + i)
        await store.record_duration("sonic", "20-45s|", 20.0, 24.0)
        await store.trim_durations(per_key=10)
        rows = await store.recent_durations(per_key=5)
    finally:
        await store.close()
    kling = [r for r in rows if r[0] == "kling-video-o1"]
    assert [r[2] for r in kling] == [157.0, 158.0, 159.0, 160.0, 161.0]  # the newest five, oldest first
    assert ("sonic", "20-45s|", 20.0, 24.0) in rows
