"""The parser against our corpus of real-looking chat messages (issue 5)."""

from __future__ import annotations

import json
import time
from functools import cache
from pathlib import Path

import pytest

from core.catalogue import Catalogue, parse_tree
from core.intent import Intent, parse
from core.media import CATEGORIES
from sandbox.app import localized_tree

CORPUS = [
    json.loads(line)
    for line in (Path(__file__).parent / "data" / "intents.jsonl").read_text("utf-8").splitlines()
    if line.strip()
]


@cache
def catalogues(language: str = "en") -> dict[str, Catalogue]:
    # The sandbox's catalogue is the spec's production catalogue; parsing it needs no network.
    return {c: Catalogue(c, tuple(parse_tree(c, localized_tree(c, language)))) for c in CATEGORIES}


def model_id(intent: Intent) -> str | None:
    if intent.model_key and intent.task_type:
        model = catalogues()[intent.task_type].by_key(intent.model_key)
        if model:
            return model.model_id
    if intent.model_key:
        for catalogue in catalogues().values():
            if model := catalogue.by_key(intent.model_key):
                return model.model_id
    return None


def test_corpus_is_large_and_bilingual():
    assert len(CORPUS) >= 150
    zh = sum(1 for case in CORPUS if any("\u4e00" <= ch <= "\u9fff" for ch in case["text"]))
    assert zh >= 50 and len(CORPUS) - zh >= 80


@pytest.mark.parametrize("case", CORPUS, ids=[c["text"][:40] or "<empty>" for c in CORPUS])
def test_corpus_case(case):
    intent = parse(case["text"], case.get("images", 0), catalogues())
    assert intent.kind == case.get("kind", "generate"), intent
    if "request" in case:
        assert intent.request == case["request"], intent  # the gate: would this message be charged?
    if "commands" in case:
        assert intent.commands == case["commands"], intent
    if "compare" in case:
        assert intent.compare == case["compare"], intent
    if "task_type" in case:
        assert intent.task_type == case["task_type"], intent
    for key, value in case.get("options", {}).items():
        assert intent.options.get(key) == value, (key, intent.options)
    if "n" in case:
        assert intent.n == case["n"], intent
    if "model" in case:
        assert model_id(intent) == case["model"], intent
    if "model_hint_or_key" in case:
        assert case["model_hint_or_key"] in (model_id(intent), intent.model_hint), intent
    if "mode" in case:
        assert intent.model_mode == case["mode"], intent
    if "strategy" in case:
        assert intent.strategy == case["strategy"], intent
    if "lang" in case:
        assert intent.language == case["lang"], intent
    if "prompt" in case:
        assert intent.prompt == case["prompt"], intent
    if "prompt_has" in case:
        assert case["prompt_has"] in intent.prompt, intent
    if "problem" in case:
        assert intent.problem == case["problem"], intent


def parse_cpu_time(text: str, runs: int = 5) -> float:
    """This thread's CPU time to parse ``text``, best of ``runs``: what the linear-time tests compare."""
    times = []
    for _ in range(runs):
        started = time.thread_time()
        parse(text, 0, catalogues())
        times.append(time.thread_time() - started)
    return min(times)


@pytest.mark.parametrize("token", ["please ", "pls ", "can you ", " ", ", ", "画", "吧", "要的", "draw ",
                                   "a ", "always use ", "1080p "])
def test_long_repetitive_messages_parse_in_linear_time(token):
    """Regression: "please please …" once took exponential time in one pattern, "画画画…" quadratic time in
    another.

    Compared by growth, not by a time limit: four times the text may cost about four times the CPU time
    (sixteen if quadratic). This thread's CPU time, best of five, does not grow when other processes load
    the machine. The figures themselves are printed by bench/parser_scaling.py.
    """

    short, long = (parse_cpu_time(token * (chars // len(token)) + "x") for chars in (2000, 8000))
    assert long < 8 * short, (short, long)
