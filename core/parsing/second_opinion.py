"""A learned second opinion on one question: does this message look like a request to charge for?

The gate (:mod:`.gate`) is rules tuned on our labelled messages; on messages nobody tuned it on it is
sometimes sure of a request where a person would hear talk. This is a small logistic model over the
message's character and word n-grams (Chinese characters 1-3 at a time, English words and word pairs,
and 3-5 letters at a time), trained by ``bench/second_opinion.py`` on every labelled message we may tune
on (the regression corpus and the tuned development sets). Its one intended use: when the rules would
charge a message and P(request) is below a threshold, ask with the "Make it" button instead; it would
never charge and never refuse.

Wired into :func:`core.intent.parse` for generations (and "try another model" with the request restated),
never for slash commands. Why, measured in session 10 (``bench/second_opinion.py``, bench/RESULTS.md): on
messages the rules had never been tuned on (each blind set against the rules of the commit that added it,
the model trained without that set) it turned 88 of 132 false charges into a button for 3 real requests;
on blind sets 17/18 at first sight 3 of 7 for 1. Against rules already tuned on a set it finds almost
nothing left to catch (0 caught, 3 real requests asked, over 15 sets). A real request asked costs the user
one tap; a false charge costs credits that do not come back, so a question is the house's answer to doubt.
The weights (``core/data/second_opinion.json``) are written by ``python3 -m bench.second_opinion --write``
from the regression corpus and the tuned development sets, never the held-out or held-back sets.

Deterministic and light: plain Python, no dependency, no randomness; the weights are read once.
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from importlib import resources
from itertools import repeat

#: the weights file, written by ``python3 -m bench.second_opinion --write``
WEIGHTS = "data/second_opinion.json"

_MENTION = re.compile(r"<@!?&?\d+>|@_user_\d+|@_all|<at[^>]*>.*?</at>|@here|@everyone")
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
# runs of one script: Han characters, or Latin letters/digits with the marks inside words
_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")


def normalise(text: str) -> str:
    """Lower case, a platform mention as "@", any number as "0", runs of spaces as one."""
    text = _MENTION.sub(" @ ", text.lower())
    return _SPACES.sub(" ", _DIGITS.sub("0", text)).strip()


def features(text: str, images: int) -> list[str]:
    """The n-grams the model weighs, from the normalised text; one per occurrence.

    Han runs give characters 1-3 at a time (a Chinese word is one to three of them); Latin words give
    themselves and each pair in a row, and the letters 3-5 at a time of the spaced text (typos and word
    endings); pictures attached and the first and last non-space characters (a question mark, a quote)
    are features of their own. Built with comprehensions, not a generator: this runs on every message the
    rules would charge, and the long prompts set the parse time's p99."""
    said = normalise(text)
    found = ["#img" if images else "#noimg"]
    if said:
        found += ("^" + said[0], "$" + said[-1])
    for run in _HAN_RUN.findall(said):
        size = len(run)
        for n in (1, 2, 3):
            found += [run[i:i + n] for i in range(size - n + 1)]
    words = _WORD.findall(said)
    if words:
        found += ["w " + word for word in words]
        found += ["b " + pair for pair in map(" ".join, zip(["^", *words[:-1]], words, strict=True))]
        spaced = " " + " ".join(words) + " "
        for n in (3, 4, 5):
            found += [spaced[i:i + n] for i in range(len(spaced) - n + 1)]
    return found


class Model:
    """Weights per feature and a bias: P(request) = sigmoid(bias + sum of the message's weights)."""

    def __init__(self, weights: dict[str, float], bias: float, threshold: float) -> None:
        self.weights = weights
        self.bias = bias
        self.threshold = threshold

    def probability(self, text: str, images: int = 0) -> float:
        found = features(text, images)
        total = math.fsum(map(self.weights.get, found, repeat(0.0)))
        score = self.bias + total * scale(len(found))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))


def scale(n: int) -> float:
    """What each feature counts for in a message of ``n`` features: less in a long message, so a long prompt
    full of words the model has seen in talk is not pushed to certainty by their number alone (this
    damping, against none or 1/sqrt(n), caught the most false charges per real request doubted)."""
    return 4.0 / math.log2(2 + n)


@cache
def model() -> Model:
    """The shipped model, read once."""
    data = json.loads(resources.files("core").joinpath(WEIGHTS).read_text("utf-8"))
    return Model({str(k): float(v) for k, v in data["weights"].items()}, float(data["bias"]),
                 float(data["threshold"]))


def doubts(text: str, images: int = 0) -> bool:
    """True when the message does not look like a request to the model: its P(request) is below the
    shipped threshold, so a charge the rules would make is asked with the button instead."""
    shipped = model()
    return shipped.probability(text, images) < shipped.threshold
