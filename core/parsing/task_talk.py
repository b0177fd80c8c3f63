"""Words about a task already running: is a cancel said plainly, which task does it name, does a chat ask how
the task is doing?

Killing a paid task is as irreversible as starting one, so only a cancel given as an order ("cancel",
"cancel the video", "太慢了，取消吧", "oops wrong model, cancel") is done at once, whatever thing or reason
is said with it; a cancel read from a feeling or a plan ("no more videos for today lol, I'm out of
credits", "不想画画了，好累") is asked with a button while something runs. The vocabulary is data
(``intent_words.json``: ``cancel_moods``, ``progress_asks``, ``progress_guarded``, ``progress_alone``,
``progress_filler``).
"""

from __future__ import annotations

import re
from functools import cache

from . import gate
from .commands import take_back
from .media import MEDIA
from .vocab import PhraseScan, Tagged, compiled, pattern, phrases, scan


def plain_cancel(text: str) -> bool:
    """The one rule for "is this cancel an order?" (asked of text the parser read as a cancel): some clause
    says the cancel (a ``cancel`` word, or a request taken back), and no clause that does says it as a
    feeling or a plan (``cancel_moods``: "no more …", "不想…了"). The other clauses are the reason or
    anything else ("wrong prompt lol", "太慢了", "I'm out of credits"): they never make it unsure. Mentions
    are gone before the parser reads a message."""
    if not pattern("cancel_moods").search(text):  # (most cancels: no clause needs reading)
        return bool(pattern("cancel").search(text) or take_back(text) or any(
            take_back(c.text) for c in gate.clauses(text)))
    said = False
    for clause in gate.clauses(text):
        if not (pattern("cancel").search(clause.text) or take_back(clause.text)):
            continue  # the reason, or anything else said with the cancel
        if pattern("cancel_moods").search(clause.text):
            return False
        said = True
    return said


# ── which task a cancel or a question names ("the dog video", "那个狗的视频", "the cat one") ──────────
@cache
def _named_en() -> re.Pattern[str]:
    # a determiner, one or two words of its own, then what we make (or "one"): "the dog video", "my cat one"
    return compiled(r"(?<![a-z])(?:the|that|this|my|those|these)\s+((?:[a-z0-9'-]+\s+){{1,2}}?)"
                    r"(?:{n}|ones?)(?![a-z])", n=("media_nouns",))


#: "那个…", "这首…": the determiners a task is pointed at with
_ZH_THAT = "那个|这个|那条|这条|那张|这张|那首|这首|那段|这段"


@cache
def _named_zh() -> re.Pattern[str]:
    # the words right before what we make, said with 的 or after a determiner: "狗的视频", "那个猫咪视频"
    return compiled(r"([\u3400-\u9fff]{{1,8}}?)的(?:{n})"
                    r"|(?:" + _ZH_THAT + r")([\u3400-\u9fff]{{1,6}}?)(?:{n})",
                    n=("media_nouns",))


# what stands before the thing without naming it: a cancel verb, a determiner, "把", "我的"
_ZH_LEAD = re.compile(rf"^(?:把|取消|停掉|停止|停|别|不要|不用|刚才|刚刚|之前|上面|我的|我|{_ZH_THAT}"
                      r"|那|这|的)+")


@cache
def _media_words() -> Tagged:
    """What we make, named by its media ("video", "视频", "the song"): which task a cancel means."""
    return Tagged([(m, phrases("media_nouns", m)) for m in MEDIA])


# an English media word inside a longer word ("topic", "pictionary") names nothing
_IN_A_WORD = re.compile(r"[a-z]", re.I)
#: a media word that is a making verb in a cancel ("别画了", "不想画画了"): it names no task's media
_VERB_NOUNS = frozenset({"画", "画画"})
_EN_NOT_NAMES = frozenset("the that this my those these current last first new other same one it".split())


def named_task(text: str) -> tuple[str | None, tuple[str, ...]]:
    """The media a cancel or a question names and the words of its own that tell one task from another
    ("cancel the dog video" → ("video", ("dog",)); "停掉那个视频" → ("video", ())). Asked only of messages
    already read as a cancel or a question about a task, never of a request."""
    medium = next((name for name, m in _media_words().finditer(text) if m.group(0) not in _VERB_NOUNS
                   and not _IN_A_WORD.match(text[m.start() - 1:m.start()] + text[m.end():m.end() + 1])), None)
    words: list[str] = []
    for m in _named_en().finditer(text):
        words += [w for w in m.group(1).lower().split() if w not in _EN_NOT_NAMES]
    for m in _named_zh().finditer(text):
        if own := _ZH_LEAD.sub("", m.group(1) or m.group(2)):
            words.append(own)
    return medium, tuple(dict.fromkeys(words))


def names(words: tuple[str, ...], prompt: str) -> bool:
    """Whether the words a message names a task by are in that task's prompt ("dog" in "a dog surfing",
    "狗" in "一只狗在跑", "猫咪" in "猫在冲浪": one of two Chinese characters is enough)."""
    said = prompt.lower()
    for word in words:
        if word.isascii():
            if re.search(rf"(?<![a-z]){re.escape(word.rstrip('s'))}", said):
                return True
        elif word in said or any(word[i:i + 2] in said for i in range(len(word) - 1)) or (
                len(word) == 2 and any(c in said for c in word if c not in "的了个只张")):
            return True
    return False


# ── questions about a task on its way ────────────────────────────────────────────────────────────
@cache
def _any() -> PhraseScan:
    return PhraseScan(phrases("progress_asks") + phrases("progress_guarded") + phrases("progress_alone"))


@cache
def _shaped() -> re.Pattern[str]:
    # "is my video ready", "is the cat video finished", "where's my cat video", "where's the video I asked
    # for"
    return compiled(r"(?<![a-z])(?:(?:is|are)\s+(?:my|the|our)\s+(?:[a-z0-9'-]+\s+){{0,2}}?(?:{n})\s+"
                    r"(?:ready|done|finished|coming|ok|okay)(?![a-z])"
                    r"|where(?:'s|’s|s|\s+is|\s+are)\s+(?:my|the|our)\s+(?:[a-z0-9'-]+\s+){{0,2}}?(?:{n})"
                    r"(?![a-z]))", n=("media_nouns",))


def progress_said(text: str) -> bool:
    """A first cheap look (one scan): does the message hold any of the progress words?"""
    return _any().search(text) is not None


def may_ask_progress(text: str) -> bool:
    """A first cheap look: could this talk ask about a task on its way?"""
    if progress_said(text):
        return True
    low = text.lower()
    return ("where" in low or "is " in low or "are " in low) and bool(_shaped().search(text))


def asks_progress(text: str) -> bool:
    """"is it done yet?", "how much longer?", "好了没", "为什么不画了", "where's my cat video": a question
    about a task on its way. A generic phrase ("卡住了", "结果呢", "the eta", "still waiting") counts only
    with something we make named ("视频卡住了") or nothing else said: "我的电脑卡住了", "比赛结果呢" and
    "what's the eta on the pizza lol" are about something else. Asked of messages read as talk."""
    if scan("progress_asks").search(text) or _shaped().search(text):
        return True
    if scan("progress_guarded").search(text):
        return bool(pattern("media_nouns").search(text)) or progress_only(text)
    return progress_only(text)


def progress_only(text: str) -> bool:
    """The message is a progress question and nothing else ("视频好了没", "歌好了没有", "视频进度",
    "progress?"): even read as a request it is never charged."""
    # (the whole-message look first: it stops at the first word none of the lists covers, "draw …")
    return not gate.residue(text, "progress_asks", "progress_guarded", "progress_alone", "progress_filler",
                            "media_nouns", "bot_words") and progress_said(text)
