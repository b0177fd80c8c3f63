"""Small versions of every benchmark in bench/, holding the same targets (issue 10)."""

from __future__ import annotations

from bench import bad_input, crashes, faults, load, watching_cost


async def test_watching_costs_at_most_half_the_naive_calls_at_no_worse_lag():
    report = await watching_cost.main(60, 0.01, seed=3)
    assert report["ours"]["delivered"] == report["naive"]["delivered"] == 60
    assert report["calls_target_met"], report
    # p99 of 60 tasks is nearly the maximum, so it is noisy here; the full run (500 tasks) holds the strict target
    assert report["ours"]["lag_p99"] <= report["naive"]["lag_p99"] * 1.25, report


async def test_faults_end_in_the_right_message_without_duplicates_or_rate_limits():
    report = await faults.main(80)
    assert report["right_share"] == 1.0, report["wrong"]
    assert report["duplicate_creates"] == 0 and report["platform_429"] == 0 and report["twice"] == 0


async def test_crashes_lose_nothing_and_charge_nothing_twice():
    report = await crashes.main(30, 4, seed=2, scale=0.02, gap_s=0.05)
    assert report["exit_code"] == 0 and report["stored"] == 30
    assert report["lost"] == 0 and report["duplicate_creates"] == 0 and report["delivered_twice"] == 0


async def test_bad_input_never_crashes_and_always_answers_plainly():
    report = await bad_input.main()
    assert report["inputs"] >= 200
    assert report["crashes"] == 0 and report["unfit"] == 0, report["examples"]


async def test_load_small_answers_fast_with_tasks_in_flight():
    report = await load.main(20, 100, window_s=2)
    assert report["in_flight"] >= 100
    assert report["p99_ms"] < 100 and report["peak_rss_mib"] < 200, report
    discord = report["discord"]
    assert discord["probes"] == 20 and discord["tasks"] == 100
    assert discord["p99_ms"] < 100 and discord["late_answers"] == 0 and discord["rate_limited"] == 0, discord
