"""The parser's vocabulary, read from ``core/data/intent_words.json`` and compiled once.

Words live in data so a missing phrase is a one-line fix that needs no regex knowledge; this module
turns a list of plain phrases into one pattern (longest phrase first, English at word boundaries,
any run of spaces where the phrase has one).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache, lru_cache
from importlib import resources
from typing import Any, ParamSpec, TypeVar, cast

# Word edges. These mean exactly (?<![a-z0-9']) and (?![a-z0-9]), with or without re.I, for every code point
# (tests/test_parsing_steps.py checks), but are spelt with i and s outside the class: under re.I those two
# letters have extra case forms beyond Latin-1 (ı İ ſ), which makes Python compile a class holding them into a
# 64K-entry table. The edges sit on every branch of every vocabulary trie, so building the parser's patterns
# (intent.warm_up, at every start of the bot) took 1.2 s of CPU, 0.75 s spelt this way.
WORD_LEFT = r"(?<![a-hj-rt-z0-9'])(?<!i)(?<!s)"
WORD_RIGHT = r"(?![a-hj-rt-z0-9])(?!i)(?!s)"


@cache
def words() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("core").joinpath("data/intent_words.json").read_text("utf-8")
    )
    return data


@cache
def model_names() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("core").joinpath("data/model_names.json").read_text("utf-8")
    )
    return data


def alternation(phrases: Iterable[str]) -> str:
    """Phrases as one regex, factored into a trie ("make it", "make this" share "make ") so a list of
    hundreds of phrases is still one fast scan; at one position the longest phrase wins."""
    return "|".join(branches(phrases))


def branches(phrases: Iterable[str]) -> list[str]:
    """The alternatives of :func:`alternation`, one per first character, in the order they are tried."""
    return [branch for _, branch in first_branches(phrases)]


class PhraseScan:
    """Phrases as one scan (:func:`alternation`), in two forms built from one trie: the whole, and for an
    ASCII text only the alternatives that can match there. In an ASCII text the others (a Chinese first
    character) never match, yet the engine steps over each of them at every position: the ASCII form
    finds in such a text exactly what the whole one finds, in about half the time for the mixed lists."""

    def __init__(self, phrases: Iterable[str], whole: re.Pattern[str] | None = None) -> None:
        """``whole``: the whole form if it is compiled already (:func:`pattern` of the same phrases)."""
        firsts = first_branches(phrases)
        self._whole = whole or re.compile("|".join(branch for _, branch in firsts) or r"(?!)", re.I)
        # in the ASCII form the phrases that open with a letter or a digit sit behind one word edge: each
        # checks that edge itself after its first character, so the form finds exactly the same, but the
        # engine no longer steps over all of their branches inside every word (a third of the time of the
        # ASCII scans of English text)
        edged = [branch for first, branch in firsts if _WORDY.match(first)]
        rest = [branch for first, branch in firsts if not _WORDY.match(first) and _meets_ascii(first)]
        if len(edged) > 1:
            edged = [WORD_LEFT + "(?:" + "|".join(edged) + ")"]
        self._ascii = re.compile("|".join(edged + rest) or r"(?!)", re.I)

    def scanner(self, text: str) -> re.Pattern[str]:
        """The form to search ``text`` with."""
        return self._ascii if text.isascii() else self._whole

    def search(self, text: str) -> re.Match[str] | None:
        return self.scanner(text).search(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.scanner(text).finditer(text)

    def sub(self, repl: str | Callable[[re.Match[str]], str], text: str) -> str:
        return self.scanner(text).sub(repl, text)


#: a phrase's first character that needs a word edge before it (:func:`first_branches`)
_WORDY = re.compile(r"[a-z0-9]")
#: the characters outside ASCII that match an ASCII one case-blind ("ſ", "K", "İ", "ı")
_FOLDS_TO_ASCII = re.compile(r"[\x00-\x7f]", re.I)


def _meets_ascii(char: str) -> bool:
    """Whether a phrase's first character can match an ASCII character (case-blind: "ſ" is an "s")."""
    return char.isascii() or _FOLDS_TO_ASCII.fullmatch(char) is not None


def first_branches(phrases: Iterable[str]) -> list[tuple[str, str]]:
    """(first character, alternative) of :func:`alternation`, in the order they are tried."""
    trie: dict[str, Any] = {}
    for phrase in {_MIXED_GAP.sub("", " ".join(p.lower().split())) for p in phrases if p.strip()}:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = True
    depths: dict[int, int] = {}
    _measure(trie, depths)
    return [(char, _emit(char, trie[char], depths, left=bool(re.match(r"[a-z0-9]", char))))
            for char in sorted(trie, key=lambda c: (-depths[id(trie[c])], c))]


_MIXED_GAP = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[a-z0-9])|(?<=[a-z0-9])\s+(?=[\u3400-\u9fff])")


def _cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


def _measure(node: dict[str, Any], depths: dict[int, int]) -> int:
    """Record the depth of ``node`` and of every node under it (by ``id``), each computed once: sorting
    children by a depth walked anew at every level made building the vocabulary quadratic (a second of
    CPU at every start)."""
    depth = 1 + max((_measure(child, depths) for key, child in node.items() if key), default=0)
    depths[id(node)] = depth
    return depth


#: what a lowercase ASCII letter matches case-insensitively (Python's re folds these three further)
_FOLDS = {"i": "iI\u0130\u0131", "k": "kK\u212a", "s": "sS\u017f"}
#: after a phrase's first character: the character before it is not part of a word (``WORD_LEFT``, moved)
_LEFT_AFTER_FIRST = r"(?<![a-z0-9'].)"


def _first(char: str, left: bool) -> str:
    """The first character of a phrase as a regex that the regex engine can rule out at a glance.

    Python's engine skips a branch of an alternation without entering it only when the branch opens with
    a plain character or a case-sensitive character set; a case-insensitive letter or a look-behind makes
    it enter every branch at every position of the text, which made the vocabulary scans most of the
    parse time. So a first letter is written as the set of everything it matches case-insensitively, then
    checked against the letter itself under the pattern's own flags (the same matches with or without
    ``re.I``), and a word edge before a phrase is checked after its first character, not before it. Only
    first characters: the rest is reached only where a phrase may start, and longer patterns take longer
    to build at start-up.
    """
    if "a" <= char <= "z":
        head = f"(?-i:[{_FOLDS.get(char, char + char.upper())}])(?<={char})"
    else:
        head = re.escape(char)
    return head + (_LEFT_AFTER_FIRST if left else "")


def _emit(char: str, node: dict[str, Any], depths: dict[int, int], left: bool | None = None) -> str:
    """The regex for one trie node: this character, then the longest continuation first, then the end of a
    phrase. ``left`` is given for a phrase's first character: whether a word edge must come before it."""
    head = r"\s+" if char == " " else re.escape(char) if left is None else _first(char, left)
    # "有啥 model", "有啥model": where Chinese meets Latin script a space is optional
    children = [(r"\s*" if _cjk(char) != _cjk(c) and c != " " and char != " " and (
        c.isalnum() and char.isalnum()) else "") + _emit(c, node[c], depths)
                for c in sorted((k for k in node if k), key=lambda c: (-depths[id(node[c])], c))]
    if "" in node:
        children.append(WORD_RIGHT if re.match(r"[a-z0-9]", char) else "")
    if not children:
        return head
    if len(children) == 1:
        return head + children[0]
    return head + "(?:" + "|".join(children) + ")"


class Tagged:
    """Several phrase lists read as one, each match named by its list: at one position the first list in
    order that has a phrase there wins (its longest phrase), as in an alternation of the lists.

    A scan looks for any phrase of any list at once (one trie), then tells at that position which list
    it is: the regex engine tries every alternative of a pattern at every position of the text, and one
    trie has a third of the alternatives of the lists side by side."""

    def __init__(self, lists: Sequence[tuple[str, Iterable[str]]]) -> None:
        named = [(name, list(words)) for name, words in lists]
        self._any = PhraseScan(p for _, words in named for p in words)
        self._each = [(name, re.compile(alternation(words) or r"(?!)", re.I)) for name, words in named]

    def finditer(self, text: str, pos: int = 0) -> Iterator[tuple[str, re.Match[str]]]:
        """(list name, match) for each phrase in the text, left to right, not overlapping."""
        scan = self._any.scanner(text)
        while (found := scan.search(text, pos)) is not None:
            pos = found.start() + 1
            for name, each in self._each:
                if (m := each.match(text, found.start())) is not None:
                    yield name, m
                    pos = max(pos, m.end())
                    break

    def search(self, text: str) -> bool:
        """Whether any list has a phrase in the text."""
        return self._any.search(text) is not None


@cache
def alt(*path: str) -> str:
    """The phrases of one list as a regex alternation (cached: built once per list)."""
    return alternation(phrases(*path))


def phrases(*path: str) -> list[str]:
    """Every phrase under ``path``, whatever the nesting (languages, media …)."""
    node: Any = words()
    for key in path:
        node = node[key]
    return list(_flatten(node))


def _flatten(node: Any) -> Iterable[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):  # "_doc" and other "_" keys say what a list is for: they are not phrases
        for key, value in node.items():
            if not key.startswith("_"):
                yield from _flatten(value)
    elif isinstance(node, list):
        for value in node:
            yield from _flatten(value)


@cache
def compiled(template: str, flags: int = re.I, **lists: tuple[str, ...]) -> re.Pattern[str]:
    """``template`` with ``{name}`` standing for the alternation of the list at ``lists[name]``, compiled
    once. A pattern written inline around a list (``re.match(rf"^\\W*(?:{alt('x')})", …)``) is rebuilt,
    hashed and looked up in the regex module's cache on every call: tens of thousands of characters per
    message."""
    return re.compile(template.format(**{name: alt(*path) for name, path in lists.items()}), flags)


@cache
def pattern(*path: str) -> re.Pattern[str]:
    """All phrases of one list as a single case-insensitive pattern."""
    return re.compile(alt(*path) or r"(?!)", re.I)


@cache
def scan(*path: str) -> PhraseScan:
    """:func:`pattern` of one list with its ASCII form (:class:`PhraseScan`), for the lists searched in
    every message (an English message is most of the cost of their scans: the Chinese branches)."""
    return PhraseScan(phrases(*path), pattern(*path))


@cache
def typo_fixes() -> dict[str, str]:
    return dict(words()["typos"])


@cache
def _typo_scan() -> PhraseScan:
    """One trie of the misspelt words (each a whole word: at one position at most one of them fits), with
    its ASCII form: it reads every message, and an English one once cost ~6 µs of stepping over branches."""
    return PhraseScan(typo_fixes())


def fix_typos(text: str) -> str:
    """Common misspellings of the instruction words ("3 imgaes", "drwa"), so counts and verbs are still
    read."""
    table = typo_fixes()
    # (a phrase of two words matches any run of spaces between them: "/imagine  prompt:")
    return _typo_scan().sub(lambda m: table[" ".join(m.group(0).lower().split())], text)


_P = ParamSpec("_P")
_R = TypeVar("_R")
_FORGET: list[Callable[[], None]] = []


def per_message(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Remember a step's answer for the message being parsed. The steps ask the same question of the same
    words several times (the clauses of the whole message, whether a clause is a question, its media nouns):
    about 40% of those calls repeat one already made for this message. The memory is forgotten when the next
    message starts (:func:`new_message`), so no answer outlives its message and a message parsed twice costs
    twice. Only for pure functions of their arguments whose result the caller does not change."""
    remembered = lru_cache(maxsize=128)(function)
    _FORGET.append(remembered.cache_clear)
    return cast("Callable[_P, _R]", remembered)


def new_message() -> None:
    """Forget what :func:`per_message` steps remembered of the previous message."""
    for forget in _FORGET:
        forget()
