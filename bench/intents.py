"""Parser accuracy and speed on two sets (issue 14): the regression corpus and the frozen held-out set.

The regression corpus (tests/data/intents.jsonl) grew together with the parser: it is a regression
suite, its figures are not an accuracy claim, and its failures may be printed (--failures). The
held-out set (tests/data/heldout_intents.jsonl, see HELDOUT.md) was written by someone else before
the parser changed; this script prints ONLY aggregate figures for it, never a message, so nobody
tunes the parser against its failures.

Fields scored (a field counts only on messages whose label has it; on the held-out set a missing
key means "not applicable", i.e. empty):
  request/kind   Intent.request equals "request" and Intent.kind equals "kind"
  task type      Intent.task_type
  model          the named model's model_id (null when none is named)
  preference     model_mode ("always"/"this_time") and strategy ("cheapest"/"best")
  options        duration, resolution, aspect_ratio, size, generate_audio, vocal_gender, lyrics and the count
  n
  prompt         the clean prompt (compared case-insensitively, spaces and outer punctuation ignored);
                 beside it two diagnostics of how far off the wrong ones are: the share with the same
                 words in the same order (inner punctuation and spacing ignored) and the mean word-overlap
                 F1 (each Chinese character a word). They locate the gap; the target stays the exact figure
  language       zh / en
False charges: messages labelled request=false that the parser would charge (Intent.request true).
An "ambiguous" outcome asks with a button first, so it is not a charge.
Speed: after a warm-up, every message is parsed in RUNS rounds (no network); a message's time is the best
of its rounds of this thread's CPU time (time.thread_time_ns). CPU time leaves out the time other
processes hold the cores, and the best round leaves out what they still cost it (caches, interrupts), so
the p99 is the parser's, not the machine's; the load average is printed beside it. Mean, p50, p99, max.
Usage: python -m bench.intents [--failures] [--dev-failures]
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from core.catalogue import Catalogue, parse_tree
from core.intent import Intent, parse
from core.media import CATEGORIES
from core.wire import ProductNodeWire
from sandbox.app import localized_tree

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
OPTION_KEYS = ("duration", "resolution", "aspect_ratio", "size", "generate_audio", "vocal_gender", "lyrics")
RUNS = 7
FIELDS = ("request/kind", "task type", "model", "preference", "options", "prompt", "language")


def catalogues() -> dict[str, Catalogue]:
    # the sandbox's catalogue is the spec's production catalogue; reading it needs no network
    # IMA's JSON, as IMA sends it
    wire = {c: cast("list[ProductNodeWire]", localized_tree(c, "en")) for c in CATEGORIES}
    return {c: Catalogue(c, tuple(parse_tree(c, wire[c]))) for c in CATEGORIES}


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def model_id(intent: Intent, cats: Mapping[str, Catalogue]) -> str | None:
    if not intent.model_key:
        return None
    order = [intent.task_type] if intent.task_type else []
    for category in [*order, *cats]:
        if category and (model := cats[category].by_key(intent.model_key)):
            return model.model_id
    return None


def norm_prompt(text: str) -> str:
    text = re.sub(r"\s+", " ", text.casefold()).strip()
    return text.strip(" \t.,，。!！?？;；:：\"'“”「」")


_TOKEN = re.compile(r"[\u3400-\u9fff]|[^\W_]+")


def prompt_tokens(text: str) -> list[str]:
    """Words of a prompt (each Chinese character one word), without punctuation or spacing."""
    return _TOKEN.findall(text.casefold())


def overlap_f1(got: list[str], wanted: list[str]) -> float:
    if not got and not wanted:
        return 1.0
    common = sum((Counter(got) & Counter(wanted)).values())
    if not common:
        return 0.0
    precision, recall = common / len(got), common / len(wanted)
    return 2 * precision * recall / (precision + recall)


@dataclass
class Score:
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    messages: int = 0
    all_right: int = 0
    non_requests: int = 0
    false_charges: int = 0
    requests: int = 0
    missed: int = 0
    asked: int = 0  # ambiguous: asked with a button
    # diagnostics beside the exact prompt figure: how far off the wrong prompts are
    prompt_same_words: int = 0  # the same words in the same order; only punctuation or spacing differ
    prompt_f1: float = 0.0  # summed word-overlap F1 of each prompt against its label
    # with a second annotator's labelling of the same messages: a prompt counts as right when it matches
    # either careful human (multi-reference scoring; the exact figure against the first stays the headline)
    seconds: int = 0  # messages that carry a second annotator's prompt
    prompt_either: int = 0
    all_right_either: int = 0
    failures: list[str] = field(default_factory=list)

    def add(self, name: str, ok: bool) -> bool:
        self.total[name] += 1
        self.right[name] += ok
        return ok


def judge(case: dict[str, Any], intent: Intent, cats: Mapping[str, Catalogue], complete: bool,
          score: Score) -> None:
    """Score one message. ``complete``: a label without a key means the field is empty (held-out
    convention)."""
    wrong: list[str] = []
    either, prompt_wrong = False, ""  # the prompt matches either annotator; its line in `wrong`
    score.messages += 1
    if "request" in case:
        if case["request"]:
            score.requests += 1
            score.missed += not intent.request
        else:
            score.non_requests += 1
            score.false_charges += intent.request
        score.asked += intent.gate == "ambiguous"
    ok = intent.kind == case.get("kind", "generate") and (
        "request" not in case or intent.request == case["request"]
    )
    if not score.add("request/kind", ok):
        wrong.append(f"kind={intent.kind} request={intent.request} gate={intent.gate}")
    if "task_type" in case and not score.add("task type", intent.task_type == case["task_type"]):
        wrong.append(f"task_type={intent.task_type}")
    if "model" in case or complete:
        if not score.add("model", model_id(intent, cats) == case.get("model")):
            wrong.append(f"model={model_id(intent, cats)} hint={intent.model_hint}")
    if complete or "mode" in case or "strategy" in case:
        expected = (case.get("mode"), case.get("strategy"))
        got = (intent.model_mode, intent.strategy)
        if complete:
            ok = got == expected
        else:
            ok = ("mode" not in case or got[0] == expected[0]) and (
                "strategy" not in case or got[1] == expected[1]
            )
        if not score.add("preference", ok):
            wrong.append(f"mode/strategy={got}")
    if complete or "options" in case or "n" in case:
        wanted = dict(case.get("options", {}))
        got_opts = {k: v for k, v in intent.options.items() if k in OPTION_KEYS}
        ok = got_opts == wanted if complete else all(intent.options.get(k) == v for k, v in wanted.items())
        if complete or "n" in case:
            ok = ok and (intent.n or None) == (case.get("n") or None)
        if not score.add("options", ok):
            wrong.append(f"options={got_opts} n={intent.n}")
    if "prompt" in case:
        got_words, wanted_words = prompt_tokens(intent.prompt), prompt_tokens(case["prompt"])
        score.prompt_same_words += got_words == wanted_words
        score.prompt_f1 += overlap_f1(got_words, wanted_words)
        first = norm_prompt(intent.prompt) == norm_prompt(case["prompt"])
        if not score.add("prompt", first):
            wrong.append(f"prompt={intent.prompt!r}")
        if SECOND_PROMPT in case:
            score.seconds += 1
            either = first or norm_prompt(intent.prompt) == norm_prompt(case[SECOND_PROMPT])
            score.prompt_either += either
            prompt_wrong = "" if first else wrong[-1]
    if "lang" in case and not score.add("language", intent.language == case["lang"]):
        wrong.append(f"lang={intent.language}")
    # every field right, the prompt against either annotator: nothing wrong, or only a prompt the second wrote
    score.all_right_either += not wrong or (either and wrong == [prompt_wrong])
    if wrong:
        score.failures.append(f"{case['text'][:80]!r}: " + "; ".join(wrong))
    else:
        score.all_right += 1


SECOND_PROMPT = "second_prompt"
SECOND_REFERENCE = DATA / "heldout_second_annotator.jsonl"


def with_second_prompts(cases: list[dict[str, Any]], path: Path) -> list[dict[str, Any]]:
    """The held-out cases; each one with a prompt also carries the second annotator's prompt for it.

    Two careful people write the same prompt only ~87% of the time (bench.agreement), so an exact match
    against one of them caps any parser near that figure; a prompt either of them wrote is a right prompt.
    The second labelling was made blind to the first (see HELDOUT.md). A file out of line with the set
    stops the run rather than compare different messages."""
    if not path.exists():
        return cases
    seconds = load(path)
    if len(seconds) != len(cases) or any(a["text"] != b["text"] for a, b in zip(cases, seconds, strict=True)):
        raise SystemExit(f"{path.name} is out of line with the held-out set: fix it before scoring")
    return [{**case, SECOND_PROMPT: second.get("prompt", "")} if "prompt" in case else case
            for case, second in zip(cases, seconds, strict=True)]


HELD_BACK = frozenset({"dev_intents_12.jsonl"})
"""Blind sets kept out of tuning: their failures are never printed. Set 9 was held back in session 6
(first figure 85.3%, end 87.5% every field) and is tuned on from session 7; set 12 took its place."""


def run(cases: list[dict[str, Any]], cats: Mapping[str, Catalogue],
        complete: bool) -> tuple[Score, list[float]]:
    score = Score()
    for case in cases:
        judge(case, parse(case["text"], int(case.get("images", 0)), cats), cats, complete, score)
    best = [float("inf")] * len(cases)
    for _ in range(RUNS):  # rounds over all messages, so a burst of load hits one round of a message, not all
        for i, case in enumerate(cases):
            started = time.thread_time_ns()
            parse(case["text"], int(case.get("images", 0)), cats)
            best[i] = min(best[i], (time.thread_time_ns() - started) / 1e6)
    return score, best


def report(name: str, score: Score, times: list[float]) -> None:
    print(f"\n## {name}: {score.messages} messages")
    for f in FIELDS:
        if score.total[f]:
            print(f"  {f:<13} {score.right[f] / score.total[f]:7.1%}  ({score.right[f]}/{score.total[f]})")
    if score.total["prompt"]:
        print(f"  prompt diagnostics (not the target's measure): same words, only punctuation or spacing "
              f"differ {score.prompt_same_words / score.total['prompt']:.1%}; mean word-overlap F1 "
              f"{score.prompt_f1 / score.total['prompt']:.3f}")
    print(f"  every field right on {score.all_right}/{score.messages} messages "
          f"({score.all_right / max(1, score.messages):.1%})")
    if score.seconds:
        prompts = score.total["prompt"]
        print(f"  against either of two blind annotators (a prompt either of them wrote is right): prompt "
              f"{score.prompt_either / prompts:.1%} ({score.prompt_either}/{prompts}); "
              f"every field right on {score.all_right_either}/{score.messages} messages "
              f"({score.all_right_either / max(1, score.messages):.1%})")
    print(f"  false charges: {score.false_charges} of {score.non_requests} non-requests"
          f"; requests not charged: {score.missed} of {score.requests}; asked with a button: {score.asked}")
    ordered = sorted(times)
    p50, p99 = (ordered[min(len(ordered) - 1, int(len(ordered) * q))] for q in (0.5, 0.99))
    print(f"  parse time per message (thread CPU time, best of {RUNS} rounds): mean "
          f"{statistics.fmean(times):.3f} ms, p50 {p50:.3f} ms, p99 {p99:.3f} ms, max {ordered[-1]:.3f} ms; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def main(argv: list[str]) -> None:
    cats = catalogues()
    parse("warm up", 0, cats)
    regression = load(DATA / "intents.jsonl")
    score, times = run(regression, cats, complete=False)
    report("regression corpus (tests/data/intents.jsonl; grew with the parser, not an accuracy figure)",
           score, times)
    if "--failures" in argv:
        for line in score.failures:
            print("   ✗", line)
    # Blind development sets (see DEV.md): written like the held-out set by people who had not read the
    # parser, but meant to be tuned on, so their failures may be printed (--dev-failures). A set named in
    # HELD_BACK is a second honest estimate beside the held-out set: aggregates only, like it.
    for dev in sorted(DATA.glob("dev_intents_*.jsonl")):
        score, times = run(load(dev), cats, complete=True)
        if dev.name in HELD_BACK:
            report(f"held-back development set (tests/data/{dev.name}; blind-written, not tuned on, "
                   f"aggregate figures only)", score, times)
            continue
        report(f"development set (tests/data/{dev.name}; blind-written, tuned on)", score, times)
        if "--dev-failures" in argv:
            for line in score.failures:
                print("   ✗", line)
    heldout = DATA / "heldout_intents.jsonl"
    if heldout.exists():
        score, times = run(with_second_prompts(load(heldout), SECOND_REFERENCE), cats, complete=True)
        report("held-out set (tests/data/heldout_intents.jsonl; frozen, aggregate figures only)", score,
               times)
    else:
        print("\n(no held-out set at tests/data/heldout_intents.jsonl)")


if __name__ == "__main__":
    main(sys.argv[1:])
