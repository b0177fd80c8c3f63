"""How often two careful people label the same message the same way: the ceiling of any parser figure.

A second annotator, blind to the parser and to the first labels, labelled 180 messages drawn at
random from the blind development sets 3-5 following tests/data/HELDOUT.md only
(tests/data/second_annotator.jsonl, see DEV.md); another labelled the whole held-out set the same way
(tests/data/heldout_second_annotator.jsonl, see HELDOUT.md), whose agreement is printed as aggregates only.
This script compares the two labellings field by field with the very rules `bench.intents` scores the
parser by, the first annotator as reference.
A parser cannot be expected to agree with one annotator more often than a second annotator does.
Usage: python -m bench.agreement [-v]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .intents import FIELDS, norm_prompt, overlap_f1, prompt_tokens

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def _load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def compare(first: dict[str, Any], second: dict[str, Any]) -> dict[str, bool]:
    """Field → agreement for one message, on the fields `bench.intents` scores (held-out rules)."""
    fields = {
        "request/kind": first["kind"] == second["kind"] and first["request"] == second["request"],
        "model": first.get("model") == second.get("model"),
        "preference": all(first.get(k) == second.get(k) for k in ("mode", "strategy")),
        "options": all(first.get(k) == second.get(k) for k in ("n", "options")),
        "language": first["lang"] == second["lang"],
    }
    if "task_type" in first:
        fields["task type"] = first["task_type"] == second.get("task_type")
    if "prompt" in first:
        fields["prompt"] = norm_prompt(first["prompt"]) == norm_prompt(second.get("prompt", ""))
    return fields


def main(argv: list[str]) -> dict[str, Any]:
    sets = {n: _load(DATA / f"dev_intents_{n}.jsonl") for n in (3, 4, 5)}
    pairs = []
    for second in _load(DATA / "second_annotator.jsonl"):
        first = sets[second["set"]][second["line"] - 1]
        assert first["text"] == second["text"], second
        pairs.append((first, second))
    report = agree(pairs, "dev sets 3-5", verbose="-v" in argv)
    heldout, seconds = DATA / "heldout_intents.jsonl", DATA / "heldout_second_annotator.jsonl"
    if heldout.exists() and seconds.exists():
        firsts, others = _load(heldout), _load(seconds)
        assert [f["text"] for f in firsts] == [o["text"] for o in others], "second labelling out of line"
        # the held-out set is frozen and never tuned on: aggregates only, never a message (no -v)
        report["heldout"] = agree(list(zip(firsts, others, strict=True)), "the held-out set", verbose=False)
    return report


def agree(pairs: list[tuple[dict[str, Any], dict[str, Any]]], label: str, *, verbose: bool) -> dict[str, Any]:
    """Print and return how often the two labellings of ``pairs`` agree, field by field."""
    right, total = dict.fromkeys(FIELDS, 0), dict.fromkeys(FIELDS, 0)
    all_same = same_words = prompts = 0
    f1 = 0.0
    for first, second in pairs:
        fields = compare(first, second)
        for name, ok in fields.items():
            total[name] += 1
            right[name] += ok
        all_same += all(fields.values())
        if "prompt" in first:
            got, wanted = prompt_tokens(second.get("prompt", "")), prompt_tokens(first["prompt"])
            prompts += 1
            same_words += got == wanted
            f1 += overlap_f1(got, wanted)
        if verbose and not all(fields.values()):
            differ = [k for k, ok in fields.items() if not ok]
            print(f"  ✗ {first['text'][:70]!r}: {', '.join(differ)}; prompts {first.get('prompt')!r} / "
                  f"{second.get('prompt')!r}")
    print(f"agreement of two blind annotators on {len(pairs)} messages ({label}; first as reference)")
    for name in FIELDS:
        if total[name]:
            print(f"  {name:<13} {right[name] / total[name]:7.1%}  ({right[name]}/{total[name]})")
    print(f"  prompt diagnostics: same words {same_words / max(1, prompts):.1%}; mean word-overlap F1 "
          f"{f1 / max(1, prompts):.3f}")
    print(f"  every field the same on {all_same}/{len(pairs)} messages ({all_same / max(1, len(pairs)):.1%})")
    return {"right": right, "total": total, "all_same": all_same, "messages": len(pairs)}


if __name__ == "__main__":
    main(sys.argv[1:])
