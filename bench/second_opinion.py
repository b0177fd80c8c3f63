"""Train and measure the learned second opinion on "is this a request?" (bench/second_opinion_model.py).

Training data: every labelled message we may tune on, the regression corpus (tests/data/intents.jsonl) and the
tuned blind development sets (tests/data/dev_intents_*.jsonl). Never the held-out set, never a held-back set
(bench.intents.HELD_BACK). A message's label is its ``request`` field; a corpus line without one is a request
when its kind charges (generate, again, try_another), not one otherwise.

The model: logistic regression over the n-grams of ``second_opinion.features``, trained by averaged
stochastic gradient descent in a fixed order (a seeded shuffle per epoch), L2-regularised, so the same data
gives the same weights on every machine. Pruned to the weights that matter before it is written.

Every figure is of the model as it would be shipped (pruned).
What is measured is the one use the model has: when the CURRENT rules (core.intent.parse) would charge a
message, is P(request) below a threshold, so the charge becomes a question with the "Make it" button?
  caught     a non-request the rules charge (a false charge) that the model turns into a button
  downgraded a real request the rules charge that the model turns into a button (one more tap for the user)
Leave-one-set-out: for each development set, the model is trained without it and without the corpus lines
whose text is in it (dev messages were moved into the corpus when fixed, which would leak), then scored on it.

Usage (python3 -m bench.second_opinion ...):
  (no option)     leave-one-set-out table at several thresholds
  --blind 17 18   also train without sets 17 and 18 and score them: run it in a checkout of the first commit
                  that has them, so the rules are those that never saw them (first sight)
  --no-loso       skip the leave-one-set-out table
  --first-sight   also score each left-out set against the rules of the commit that added it (slow: one
                  process per set, its code taken with git archive)
  --show          print the messages caught and the requests doubted
  --write         write bench/second_opinion.json (not tracked), trained on all the allowed data, and time it
  --speed         the same without writing: the weights' size, load time and cost per message
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import second_opinion_model as second_opinion
from bench.intents import DATA, HELD_BACK, catalogues, load
from core.intent import CHARGING_KINDS, parse

ROOT = Path(__file__).resolve().parent.parent
OUT = second_opinion.WEIGHTS
SEED = 20261128
EPOCHS = 12
RATE = 0.2
L2 = 1e-5
#: weights smaller than this are dropped from the shipped file (they move no decision)
PRUNE = 0.02
#: the threshold shipped: a charge is asked with the button when P(request) is below it (chosen by the
#: leave-one-set-out table and the first-sight figures of sets 17/18)
THRESHOLD = 0.05
THRESHOLDS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3)
#: the reverse use's thresholds: a refused message with P(request) at least this would be asked instead
REVERSE = (0.9, 0.95, 0.99)
CHARGING = frozenset(k.value for k in CHARGING_KINDS)


@dataclass
class Example:
    text: str
    images: int
    request: bool
    source: str  # "corpus" or the set's file name
    key: str = ""  # normalised text, to find a dev message's copy in the corpus
    charged: bool = False  # the current rules would charge it
    kind: str = ""  # the kind the current rules read
    prompted: bool = False  # the rules found a prompt in it
    buttoned: bool = False  # the rules ask it with the button (gate ambiguous)


def label(case: dict[str, Any]) -> bool:
    if "request" in case:
        return bool(case["request"])
    return str(case.get("kind", "generate")) in CHARGING


def examples(blind: Sequence[str] = ()) -> list[Example]:
    """The corpus and every tuned development set, excluding held-back sets and those named in ``blind``."""
    found: list[Example] = []
    sources = [("corpus", DATA / "intents.jsonl")]
    for path in sorted(DATA.glob("dev_intents_*.jsonl"), key=lambda p: int(p.stem.rsplit("_", 1)[1])):
        if path.name not in HELD_BACK and set_number(path.name) not in blind:
            sources.append((path.name, path))
    for source, path in sources:
        for case in load(path):
            text, images = str(case["text"]), int(case.get("images", 0))
            found.append(Example(text, images, label(case), source, second_opinion.normalise(text)))
    return found


def set_number(name: str) -> str:
    return name.removeprefix("dev_intents_").removesuffix(".jsonl")


def blind_sets(numbers: Iterable[str]) -> list[Example]:
    found = []
    for number in numbers:
        path = DATA / f"dev_intents_{number}.jsonl"
        if path.name in HELD_BACK:
            raise SystemExit(f"{path.name} is held back: it is never read here")
        for case in load(path):
            text, images = str(case["text"]), int(case.get("images", 0))
            found.append(Example(text, images, label(case), path.name, second_opinion.normalise(text)))
    return found


def mark_charged(cases: list[Example]) -> None:
    """What the current rules do with each message: charge it (request and gate REQUEST) or not."""
    cats = catalogues()
    for case in cases:
        intent = parse(case.text, case.images, cats)
        case.charged = intent.request
        case.kind, case.prompted = intent.kind.value, bool(intent.prompt)
        case.buttoned = intent.gate == "ambiguous"


# the rules of an older commit, in a process of their own: each message's (charged, kind, prompted, buttoned)
_RULES_THEN = """
import json, sys
from core.catalogue import Catalogue, parse_tree
from core.intent import parse
from core.media import CATEGORIES
from sandbox.app import localized_tree
cats = {c: Catalogue(c, tuple(parse_tree(c, localized_tree(c, "en")))) for c in CATEGORIES}
read = []
for line in sys.stdin:
    case = json.loads(line)
    i = parse(case["text"], case["images"], cats)
    read.append([i.request, getattr(i.kind, "value", i.kind), bool(i.prompt), i.gate == "ambiguous"])
print(json.dumps(read))
"""


def as_first_seen(cases: Sequence[Example], name: str) -> list[Example]:
    """The set's messages as the rules read them in the commit that added the set: what a new blind set
    meets before anyone tunes on it (the code of that commit, taken with git archive into a temporary
    directory and run there)."""
    added = subprocess.run(["git", "-C", str(ROOT), "log", "--diff-filter=A", "--format=%H", "--",
                            f"tests/data/{name}"], capture_output=True, text=True, check=True).stdout.split()
    if not added:
        raise SystemExit(f"no commit adds tests/data/{name}")
    with tempfile.TemporaryDirectory() as tmp:
        code = subprocess.run(["git", "-C", str(ROOT), "archive", added[-1], "core", "sandbox", "locales"],
                              capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=code, check=True)
        messages = "\n".join(json.dumps({"text": c.text, "images": c.images}) for c in cases)
        out = subprocess.run([sys.executable, "-c", _RULES_THEN], input=messages, capture_output=True,
                             text=True, cwd=tmp, env={**os.environ, "PYTHONPATH": tmp}, check=True).stdout
    return [dataclasses.replace(c, charged=bool(r[0]), kind=str(r[1]), prompted=bool(r[2]),
                                buttoned=bool(r[3])) for c, r in zip(cases, json.loads(out), strict=True)]


# ── training ──

Vector = list[tuple[int, float]]


def vectorise(cases: Sequence[Example], index: dict[str, int]) -> list[Vector]:
    """Each message as (feature number, count) pairs; new features are numbered as they come."""
    vectors = []
    for case in cases:
        counts: dict[int, float] = {}
        for f in second_opinion.features(case.text, case.images):
            i = index.setdefault(f, len(index))
            counts[i] = counts.get(i, 0.0) + 1.0
        size = sum(counts.values())
        weight = second_opinion.scale(int(size))
        vectors.append(sorted((i, v * weight) for i, v in counts.items()))
    return vectors


def train(cases: Sequence[Example]) -> second_opinion.Model:
    """Logistic regression by averaged SGD in a seeded order: the same cases give the same weights."""
    index: dict[str, int] = {}
    vectors = vectorise(cases, index)
    labels = [1.0 if c.request else 0.0 for c in cases]
    size = len(index)
    w, total = [0.0] * size, [0.0] * size  # weights, and their running sum for the average
    stamp = [0] * size  # the step at which each weight's sum was last brought up to date
    b = b_total = 0.0
    step = 0
    order = list(range(len(cases)))
    rng = random.Random(SEED)
    for epoch in range(EPOCHS):
        rng.shuffle(order)
        rate = RATE / (1 + epoch)
        shrink = 1.0 - rate * L2
        for n in order:
            x = vectors[n]
            z = b + sum(w[i] * v for i, v in x)
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            g = (p - labels[n]) * rate
            step += 1
            for i, v in x:
                total[i] += w[i] * (step - stamp[i])
                stamp[i] = step
                w[i] = w[i] * shrink - g * v
            b_total += b
            b -= g
    for i in range(size):
        total[i] += w[i] * (step + 1 - stamp[i])
    names = sorted(index, key=index.__getitem__)
    average = {names[i]: total[i] / (step + 1) for i in range(size)}
    return second_opinion.Model(average, (b_total + b) / (step + 1), THRESHOLD)


def pruned(model: second_opinion.Model) -> second_opinion.Model:
    kept = {f: round(w, 3) for f, w in sorted(model.weights.items()) if abs(w) >= PRUNE}
    return second_opinion.Model(kept, round(model.bias, 3), model.threshold)


# ── measuring ──


@dataclass
class Count:
    charged_non: int = 0  # false charges the rules make (that a button would stop)
    charged_req: int = 0  # real requests the rules charge
    caught: dict[float, int] = field(default_factory=lambda: dict.fromkeys(THRESHOLDS, 0))
    downgraded: dict[float, int] = field(default_factory=lambda: dict.fromkeys(THRESHOLDS, 0))
    # the reverse use (measured, not built): a message the rules refuse outright, P(request) very high
    refused_req: int = 0  # real requests the rules refuse (neither charged nor asked with a button)
    refused_non: int = 0
    recovered: dict[float, int] = field(default_factory=lambda: dict.fromkeys(REVERSE, 0))
    bothered: dict[float, int] = field(default_factory=lambda: dict.fromkeys(REVERSE, 0))

    def add(self, other: Count) -> None:
        self.charged_non += other.charged_non
        self.charged_req += other.charged_req
        self.refused_req += other.refused_req
        self.refused_non += other.refused_non
        for t in THRESHOLDS:
            self.caught[t] += other.caught[t]
            self.downgraded[t] += other.downgraded[t]
        for t in REVERSE:
            self.recovered[t] += other.recovered[t]
            self.bothered[t] += other.bothered[t]


def asked(case: Example) -> bool:
    """Whether the second opinion is asked about this message: the rules charge it, and a button would change
    what happens: a generation, or "try another model" with the request restated. A bare "try another"
    answers with the alternatives as buttons already, whatever the gate says; "again" is left to the rules
    (a few words, "reroll", "再来": left out of training, the model doubted real ones and caught no false
    charge)."""
    return case.charged and (case.kind == "generate" or (case.kind == "try_another" and case.prompted))


def score(model: second_opinion.Model, cases: Sequence[Example], shown: list[str] | None = None) -> Count:
    count = Count()
    for case in cases:
        p = model.probability(case.text, case.images)
        if not case.charged and not case.buttoned:
            count.refused_req += case.request
            count.refused_non += not case.request
            for t in REVERSE:
                if p >= t:
                    if case.request:
                        count.recovered[t] += 1
                    else:
                        count.bothered[t] += 1
            continue
        if not asked(case):
            continue
        if case.request:
            count.charged_req += 1
        else:
            count.charged_non += 1
        for t in THRESHOLDS:
            if p < t:
                if case.request:
                    count.downgraded[t] += 1
                else:
                    count.caught[t] += 1
        if shown is not None and p < max(THRESHOLDS) and (not case.request or p < THRESHOLD):
            what = "CAUGHT    " if not case.request else "DOWNGRADED"
            shown.append(f"  {what} p={p:.3f} {case.source}: {case.text[:90]!r} [{case.images}]")
    return count


def header() -> str:
    cells = "".join(f"  P<{t:<4} c/d" for t in THRESHOLDS)
    return f"  {'set':<8} {'false charges':>13} {'charged reqs':>12}{cells}"


def row(name: str, count: Count) -> str:
    cells = "".join(f"  {count.caught[t]:>5}/{count.downgraded[t]:<4}" for t in THRESHOLDS)
    return f"  {name:<8} {count.charged_non:>13} {count.charged_req:>12}{cells}"


def reverse_row(name: str, count: Count) -> str:
    """The reverse use: of the messages the rules refuse outright, how many real requests (r) and non-requests
    (b) have P(request) at or above each of REVERSE (they would be asked with the button instead)."""
    cells = "".join(f"  P>={t:<4} {count.recovered[t]:>3}/{count.bothered[t]:<4}" for t in REVERSE)
    return (f"  {name:<8} refused: {count.refused_req} requests, {count.refused_non} non-requests; "
            f"asked instead (r/b):{cells}")


def leave_one_set_out(cases: list[Example], show: bool, first_sight: bool) -> None:
    """For each tuned development set: train on everything else (minus the corpus lines that are its
    messages), score it against the current rules and, with ``first_sight``, against the rules of the commit
    that added it."""
    sets = sorted({c.source for c in cases if c.source != "corpus"}, key=lambda s: int(set_number(s)))
    now, then = Count(), Count()
    print("\nLeave-one-set-out (c = false charges turned into a button, d = real requests turned into a "
          "button; 'now' against the current rules, 'then' against the rules the set first met):")
    print(header())
    shown: list[str] = []
    for name in sets:
        held = [c for c in cases if c.source == name]
        keys = {c.key for c in held}
        rest = [c for c in cases if c.source != name and not (c.source == "corpus" and c.key in keys)]
        model = pruned(train(rest))
        count = score(model, held, shown if show else None)
        now.add(count)
        print(row(set_number(name), count), flush=True)
        if first_sight:
            count = score(model, as_first_seen(held, name))
            then.add(count)
            print(row(" then", count), flush=True)
    print(row("sum", now))
    print(reverse_row("sum", now))
    if first_sight:
        print(row("sum then", then))
        print(reverse_row("then", then))
    for line in shown:
        print(line)


def speed(text: str, cases: Sequence[Example]) -> None:
    """What the model costs: reading the weights (once, at warm-up) and P(request) per message (thread CPU
    time, best of 5 rounds, over every training message)."""
    started = time.thread_time_ns()
    data = json.loads(text)
    model = second_opinion.Model({str(k): float(v) for k, v in data["weights"].items()}, float(data["bias"]),
                                 float(data["threshold"]))
    loaded = (time.thread_time_ns() - started) / 1e6
    best = [float("inf")] * len(cases)
    for _ in range(5):
        for i, case in enumerate(cases):
            started = time.thread_time_ns()
            model.probability(case.text, case.images)
            best[i] = min(best[i], (time.thread_time_ns() - started) / 1e6)
    ordered = sorted(best)
    p50, p99 = (ordered[int(len(ordered) * q)] for q in (0.5, 0.99))
    print(f"load {loaded:.1f} ms CPU; P(request) per message: mean {sum(best) / len(best):.4f} ms, "
          f"p50 {p50:.4f} ms, p99 {p99:.4f} ms, max {ordered[-1]:.4f} ms (thread CPU time, best of 5)")


def main(argv: list[str]) -> None:
    blind: list[str] = []
    if "--blind" in argv:
        blind = [a for a in argv[argv.index("--blind") + 1:] if a.isdigit()]
    started = time.process_time()
    cases = examples(blind)
    unseen = blind_sets(blind)
    mark_charged(cases + unseen)
    print(f"{len(cases)} training messages ({sum(c.request for c in cases)} requests); rules charge "
          f"{sum(c.charged for c in cases)}; parsed in {time.process_time() - started:.1f} s CPU")
    if "--write" in argv or "--speed" in argv:
        model = pruned(train(cases))
        data = {"threshold": THRESHOLD, "bias": model.bias, "weights": model.weights}
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"
        if "--write" in argv:
            OUT.write_text(text, "utf-8")
        print(f"{'wrote' if '--write' in argv else 'would write'} {OUT.name}: {len(model.weights)} weights, "
              f"{len(text.encode()) / 1024:.0f} KB, threshold {THRESHOLD}")
        speed(text, cases)
        return
    if unseen:
        model = pruned(train(cases))
        print(f"\nFirst sight of sets {', '.join(blind)} (trained without them; rules as they are here):")
        print(header())
        shown: list[str] = []
        total = Count()
        for number in blind:
            count = score(model, [c for c in unseen if set_number(c.source) == number], shown)
            total.add(count)
            print(row(number, count))
        print(row("sum", total))
        print(reverse_row("sum", total))
        if "--show" in argv:
            print("\n".join(shown))
    if "--no-loso" not in argv:
        leave_one_set_out(cases, "--show" in argv, "--first-sight" in argv)
    print(f"\n{time.process_time() - started:.0f} s CPU in all")


if __name__ == "__main__":
    main(sys.argv[1:])
