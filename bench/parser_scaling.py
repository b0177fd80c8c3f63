"""Parser cost on long, repetitive messages: CPU and wall time at growing lengths, and how they grow.

A pattern that backtracks catastrophically once made "please please …" exponential and "画画画…"
quadratic. Linear parsing shows as about 2x the time for 2x the length. The test suite checks the
growth on CPU time (tests/test_intent_corpus.py); this script prints the figures.
Usage: python -m bench.parser_scaling [--chars 8000]
"""

from __future__ import annotations

import argparse
import itertools
import time
from typing import Any, cast

from core.catalogue import Catalogue, parse_tree
from core.intent import parse
from core.media import CATEGORIES
from core.wire import ProductNodeWire
from sandbox.app import localized_tree

from .harness import machine

TOKENS = ("please ", "pls ", "can you ", " ", ", ", "画", "吧", "要的", "draw ", "a ", "always use ",
          "1080p ")


def _catalogues() -> dict[str, Catalogue]:
    # IMA's JSON, as IMA sends it
    wire = {c: cast("list[ProductNodeWire]", localized_tree(c, "en")) for c in CATEGORIES}
    return {c: Catalogue(c, tuple(parse_tree(c, wire[c]))) for c in CATEGORIES}


def measure(token: str, chars: int, catalogues: dict[str, Catalogue], repeat: int = 3) -> tuple[float, float]:
    """(CPU s, wall s) to parse `token` repeated to `chars` characters: the best of `repeat` runs."""
    text = token * (chars // len(token)) + "x"
    cpu, wall = [], []
    for _ in range(repeat):
        cpu_start, wall_start = time.thread_time(), time.perf_counter()
        parse(text, 0, catalogues)
        cpu.append(time.thread_time() - cpu_start)
        wall.append(time.perf_counter() - wall_start)
    return min(cpu), min(wall)


def main(chars: int = 8000, tokens: tuple[str, ...] = TOKENS) -> dict[str, Any]:
    catalogues = _catalogues()
    sizes = (chars // 4, chars // 2, chars)
    rows: dict[str, dict[str, Any]] = {}
    for token in tokens:
        cpu_wall = [measure(token, size, catalogues) for size in sizes]
        cpu = [c for c, _ in cpu_wall]
        rows[token] = {"cpu_ms": [c * 1000 for c in cpu], "wall_ms": [w * 1000 for _, w in cpu_wall],
                       "growth": [b / a if a > 0 else float("nan") for a, b in itertools.pairwise(cpu)]}
    print(f"parser scaling · {machine()}")
    print(f"  sizes {', '.join(map(str, sizes))} characters; CPU ms (wall ms) each; growth of CPU time per "
          f"doubling (linear: 2)")
    for token, row in rows.items():
        times = "  ".join(f"{c:6.1f} ({w:6.1f})" for c, w in zip(row["cpu_ms"], row["wall_ms"], strict=True))
        growth = " ".join(f"{g:.1f}" for g in row["growth"])
        print(f"  {token!r:>14}: {times}   growth {growth}")
    return {"sizes": list(sizes), "tokens": rows}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--chars", type=int, default=8000)
    args = parser.parse_args()
    main(args.chars)
