"""Small versions of every benchmark in bench/: each runs and counts right (issue 10).

Speed and memory targets are not asserted here: they depend on how loaded the machine is today.
The full runs print them and bench/RESULTS.md records them.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from bench import agreement, bad_input, crashes, faults, intents, load, parser_scaling, watching_cost

from .conftest import until


async def test_watching_cost_bench_delivers_every_task_and_counts_the_calls_ima_saw():
    """How fast or cheap is the bench's to print (bench/RESULTS.md); here: it runs and its counts are true."""
    report = await watching_cost.main(60, 0.01, seed=3, rounds=2)
    for side in ("cold", "warm", "naive"):
        figures = report[side]
        assert figures["delivered"] == 60, figures
        assert round(figures["calls_per_task"] * 60) == figures["sandbox_detail_calls"] >= 60, figures
        assert 0 <= figures["lag_p50"] <= figures["lag_p99"], figures
    assert report["warm"]["scheduled_from_history"] == 60  # every kind measured was seen in the warm-up
    assert report["warming"]["delivered"] == 120
    assert isinstance(report["warm_target_met"], bool) and isinstance(report["cold_target_met"], bool)


async def test_faults_end_in_the_right_message_without_duplicates_or_rate_limits():
    report = await faults.main(80)
    assert report["right_share"] == 1.0, report["wrong"]
    assert report["duplicate_creates"] == 0 and report["platform_429"] == 0 and report["twice"] == 0


async def test_crashes_lose_nothing_and_charge_nothing_twice():
    report = await crashes.main(30, 4, seed=2, scale=0.02, gap_s=0.05)
    assert report["exit_code"] == 0 and report["stored"] == 30, report
    assert report["lost"] == 0 and report["duplicate_creates"] == 0 and report["delivered_twice"] == 0, report


async def test_bad_input_never_crashes_and_always_answers_plainly():
    report = await bad_input.main()
    assert report["inputs"] > 213  # 213 before issue 16 added its hostile cases
    assert report["crashes"] == 0 and report["unfit"] == 0, report["examples"]


async def test_load_bench_puts_every_message_through_and_counts_the_tasks_in_flight():
    """Latency and memory are the bench's to print (bench/RESULTS.md); here: everything it sends is
    answered and counted."""
    report = await load.main(20, 100, window_s=2, burst_s=0.5)
    assert report["tasks"] == 100 and report["in_flight"] >= 100, report
    assert (
        0 < report["burst_p50_ms"] <= report["burst_p99_ms"] and 0 < report["p50_ms"] <= report["p99_ms"]
    ), report
    discord = report["discord"]
    # A command the loaded bot could not acknowledge within Discord's 3 s is refused by the fake and counted
    # late:
    # every command is either answered with its status or counted late, however busy the machine is.
    assert discord["tasks"] + discord["probes"] + discord["late_answers"] == 120, discord
    assert discord["rate_limited"] == 0 and discord["peak_rss_mib"] > 0, discord
    # every burst command's callback is among the requests it counts, and the bot's CPU is split by thread
    callbacks = sum(n for kind, n in discord["burst_requests"].items() if kind.endswith("/callback"))
    assert callbacks >= discord["tasks"], discord["burst_requests"]
    assert discord["burst_cpu_ms_by_thread"]["main thread"] > 0, discord
    assert isinstance(report["web_targets_met"], bool) and isinstance(report["discord_targets_met"], bool)


async def test_a_load_run_stopped_half_way_leaves_no_sandbox_or_bot_running():
    """A run that ends early (here cancelled, as a timeout or Ctrl-C would) used to leave its sandbox and bot
    processes running for good."""
    run = asyncio.create_task(load.main(5, 10, window_s=1, burst_s=0.2))
    await until(lambda: len(load._started) >= 2, 90, "the sandbox and the bot started")
    started = list(load._started)
    run.cancel()
    with pytest.raises(asyncio.CancelledError):
        await run
    assert all(process.returncode is not None for process in started)


def test_parser_scaling_measures_every_token_at_three_lengths():
    report = parser_scaling.main(2000, tokens=("please ", "画"))
    assert report["sizes"] == [500, 1000, 2000]
    for row in report["tokens"].values():
        assert len(row["cpu_ms"]) == len(row["wall_ms"]) == 3 and len(row["growth"]) == 2
        assert all(ms > 0 for ms in row["cpu_ms"] + row["wall_ms"])


def test_the_second_annotators_labels_still_point_at_their_development_messages():
    """The agreement figure compares two labellings of the same messages: a dev set edited out of line
    with tests/data/second_annotator.jsonl would compare different messages, so it fails loudly."""
    report = agreement.main([])
    assert report["messages"] == 180 and report["total"]["request/kind"] == 180


def test_a_prompt_either_blind_annotator_wrote_counts_as_right_and_a_file_out_of_line_stops(tmp_path):
    """Two careful people write the same prompt ~87% of the time, so the held-out prompt is also scored
    against a second blind labelling; one edited out of line with the set would compare different
    messages, so scoring stops rather than print a wrong figure."""
    cats = intents.catalogues()
    cases = [{"text": "draw a red fox in the snow", "request": True, "kind": "generate",
              "task_type": "text_to_image", "model": None, "lang": "en", "prompt": "a fox"}]
    second = tmp_path / "second.jsonl"
    second.write_text(json.dumps({"text": cases[0]["text"], "prompt": "a red fox in the snow"}), "utf-8")
    score, _ = intents.run(intents.with_second_prompts(cases, second), cats, complete=True)
    assert (score.right["prompt"], score.all_right) == (0, 0)  # "a fox" is not the first annotator's prompt
    assert (score.prompt_either, score.all_right_either) == (1, 1)
    second.write_text(json.dumps({"text": "something else", "prompt": "a red fox in the snow"}), "utf-8")
    with pytest.raises(SystemExit, match="out of line"):
        intents.with_second_prompts(cases, second)
