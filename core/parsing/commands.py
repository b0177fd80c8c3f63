"""Follow-up commands inside a sentence: try another, reset, cancel, again.

"meh, not great, switch model" is a switch; "switch model and redo it" is one switch; "reset and
then draw a fox" is a reset followed by a request. A clause is a command only when nothing but the
command, filler ("meh", "please", "then") and a model name is left in it, so "reset the scene to
night" stays part of a prompt.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from ..numbers import EN_COUNT, parse_number
from .gate import chatty, residue, social
from .options import take_options
from .vocab import Tagged, alt, alternation, compiled, pattern, phrases

#: list name in intent_words.json → intent kind, in the order they are tried at one position
COMMANDS = (("try_another", "try_another"), ("reset", "reset_preference"), ("cancel", "cancel"),
            ("again", "again"))
_SPLIT = re.compile(
    r"\s+(?:and|&|n|plus)\s+|\s*&\s*|(?<=[\u3400-\u9fff])(?:并且|并|再|和)(?=[\u3400-\u9fff])"
    # "try a different model for a cat in a hat": what the other model is for
    r"|(?<=model)\s+for\s+(?=\S)|(?<=models)\s+for\s+(?=\S)", re.I
)


# "cancel that i typed the wrong thing", "stop it im not happy with the prompt": the reason begins
_SELF_AFTER = re.compile(r"(?<=[a-z])\s+(?=(?:i|i'm|im|i've|ive|my)\s)", re.I)

# a laugh that opens a reaction after a command ("again lmao that was hilarious")
_LAUGH_AFTER = re.compile(r"\s(?=(?:lol|lmao|lmfao|haha+|hehe+|rofl|xd|哈哈+)(?![a-z]))", re.I)

# "never mind the typo", "ignore my spelling": a slip of the user's own overlooked, nothing stopped
_OVERLOOKED = re.compile(r"^\W*(?:never\s*mind|nvm|ignore|forget|don't mind|dont mind|excuse|sorry for|"
                         r"sorry about)"
                         r"\s+(?:the|my|that|this|those|all the)\s+(?:typos?|spelling|grammar|mistakes?|caps|"
                         r"autocorrect|formatting|english|chinese|bad english|last message|previous message|"
                         r"double post|wall of text)(?![a-z])", re.I)

#: the longest part read as a command said before the request (filler included)
LEADING_MAX = 200


@cache
def _pattern() -> Tagged:
    """Each command's phrases, tried in order at one position."""
    return Tagged([(name, phrases(name)) for name, _ in COMMANDS])


_KIND = dict(COMMANDS)


def _blank(text: str, spans: Sequence[tuple[int, int]], offset: int) -> str:
    out = list(text)
    for start, end in spans:
        for i in range(max(0, start - offset), min(len(text), end - offset)):
            out[i] = " "
    return "".join(out)


def _read(text: str, model_spans: Sequence[tuple[int, int]], offset: int) -> tuple[list[str], bool]:
    """The commands in a clause, in order, and whether anything else (not filler) is said in it."""
    text = _blank(text, model_spans, offset)
    found = [(m.start(), _KIND[name]) for name, m in _pattern().finditer(text)]
    _, text = take_options(text, None, 0)  # "再来两张", "2 more": the count goes with "again"
    if any(kind == "again" for _, kind in found):
        text = _COUNT_AGAIN.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)], text)  # "再生成两个"
        text = without_count(text)  # "again but 2 more", "give me 3 this time"
    said = bool(residue(text, "try_another", "reset", "cancel", "again", "command_filler", "bot_words",
                        "use_words", "reactions", "thanks", "media_nouns"))
    return [kind for _, kind in sorted(found)], said


def commands_in(text: str, model_spans: Sequence[tuple[int, int]] = (), offset: int = 0) -> list[str] | None:
    """The commands a clause consists of, in order; None when the clause says anything else. "wait no cancel
    that i typed the wrong thing": a command run on into why, said about oneself, is the command; a request
    taken back ("forget the song", "不要做视频了") is a cancel."""
    if take_back(text):
        return ["cancel"]
    if (_TAKE_BACK_CHARS.search(text) and pattern("always").search(text)
            and any(p.match(text) for p in _take_back())):
        return ["reset_preference"]  # "forget that always-veo thing": the default dropped
    if not _pattern().search(_blank(text, model_spans, offset)) or _OVERLOOKED.match(text):
        return None
    found, said = _read(text, model_spans, offset)
    if said and (why := _SELF_AFTER.search(text)) and chatty(text[why.end():]):
        found, said = _read(text[: why.start()], model_spans, offset)
    if said and found and (laugh := _LAUGH_AFTER.search(text)) and laugh.start() > 0 and (
            social(text[laugh.start():])):
        # "do it again lmao that was hilarious": the command, then a laugh and a reaction to what was made
        found, said = _read(text[: laugh.start()], model_spans, offset)
    return None if said else found


def leading_command(text: str, model_spans: Sequence[tuple[int, int]] = (),
                    offset: int = 0) -> tuple[list[str], int] | None:
    """"switch model and draw a fox": the command and where the rest of the clause starts.

    The part before each "and" is read only while it says nothing but commands and filler: once it says
    something else, every longer part does too, so the scan stops there (a long message of "and …" parts
    is read in linear time, not once per part). A command said first is short ("meh, not great, switch
    model and …"), so parts longer than ``LEADING_MAX`` are not read at all."""
    said_command = _pattern().search(text) is not None
    if not said_command and not _TAKE_BACK_CHARS.search(text):
        return None
    for m in _SPLIT.finditer(text, 0, LEADING_MAX):
        if take_back(text[: m.start()]):
            # "stop the cat video and draw a dog": the request taken back, then a new one; "… and switch
            # model": then the commands (not "stop the clock poster and a melting watch": what follows
            # "and" is more of the poster, no request)
            if _request_after().match(text, m.end()):
                return ["cancel"], m.end()
            if then := commands_in(text[m.end():], model_spans, offset + m.end()):
                return ["cancel", *then], len(text)
        if not said_command:
            continue  # (no command word: only a take-back can open the clause)
        found, said = _read(text[: m.start()], model_spans, offset)
        if said:
            return None
        if found and text[m.end():].strip():
            return found, m.end()
    return None


@cache
def _request_after() -> re.Pattern[str]:
    """What follows a request taken back that asks for a new one: a making verb ("… and draw a dog",
    "…再画一只狗"); a command is read whole (:func:`commands_in`: "… and switch model")."""
    return compiled(r"\W*(?:(?:then|instead|just|please|pls|plz|now|maybe|also|然后|改成|换成)\s*)*"
                    r"(?:{v}|{r})(?![a-z])", v=("create_verbs",), r=("request_verbs",))


@cache
def _take_back() -> tuple[re.Pattern[str], ...]:
    """The shapes of a request taken back (intent_words.json: take_back), built once."""
    nouns = alternation(phrases("media_nouns"))
    # (not "scratch that" alone: before a new description it takes back words, which the prompt step reads)
    thing = rf"(?:{nouns}|idea|request|ones?|thing)"
    # the thing comes right after the lead, or after a determiner with at most two words of its own ("the
    # cat picture", "that always-veo thing"): a lead word that opens a name or a style ("scratch art
    # poster", "skip rope girl illustration", "forget me not flowers painting", "cancel culture meme")
    # takes nothing back
    # (not "stop the war poster", "stop bullying banner": a slogan's cause names what the poster is about)
    en = re.compile(
        rf"^(?!\W*(?:(?:{alt('take_back', 'en_fillers')})\W+)*stop\s+(?:the\s+)?"
        rf"(?:{alt('take_back', 'causes')})(?![a-z]))"
        rf"\W*(?:(?:{alt('take_back', 'en_fillers')})\W+)*(?:{alt('take_back', 'en_leads')})\s+"
        r"(?:(?:the|that|this|those|these|my|our)\s+(?:(?!(?:and|then|but|instead|make|draw|do|create|generate|"
        r"a|an|any)\s)[a-z'-]+\s+){0,2}?)?"
        rf"{thing}(?![a-z])(?:\s+(?:for|about|of|with|from)\s+[^,.!?;:]{{1,40}}?)?"
        rf"(?:\W+(?:{alt('take_back', 'en_tails')}))*\W*$", re.I)
    negator, verb = alt("take_back", "zh_negators"), alt("take_back", "zh_verbs")
    kept = alt("take_back", "zh_kept")  # "那张图不要了": the thing kept no longer
    # "不要做视频了", "算了不画了": a negated making verb, then 了 (what was going to happen no longer will);
    # not "不要做成卡通的" (成: how to make it)
    # (what follows the verb is the thing asked for or nothing: "不要画太多人了" asks for fewer people)
    # (the user is the one who stops, or no one is named: "我女儿不画了", "我们不做海报了 改发朋友圈"
    # tell of others)
    zh = re.compile(rf"^\W*(?:算了|那|那就|哎|唉|还是|我)?\s*(?:先|就|还是|暂时|也)?(?:{negator})"
                    rf"(?:先)?(?:{verb})(?:(?:这|那)?(?:一?[个张段首幅支部])?\s*(?:{nouns}))?"
                    r"了[吧啊呀哈啦]*\W*$", re.I)
    # "海报不做了", "刚才那个视频先别生成了", "那张图不要了": what was asked for, then the take-back. Only a
    # media noun is the thing: "为什么不画了", "视频怎么不出了" ask about the task, "老师说不用画了" retells
    # someone's decision, and with a picture "帽子不要了" is an edit (remove the hat)
    zh_object = re.compile(rf"^\W*(?:算了|那|那就)?\s*(?:(?:刚才|之前|上面|前面)?的?(?:这|那)?"
                           # "那个狗的视频不要了": a few words of what it shows before the noun
                           rf"(?:一?[个张段首幅支部])?\s*(?:[^，。,.!！?？\s]{{1,6}}的)?(?:{nouns})\s*(?:我们|我)?)?"
                           rf"(?:先|就|也|还是|暂时)?(?:不|别|不用|不要|甭)(?:{verb}|{kept})了[吧啊呀哈啦]*\W*$",
                           re.I)
    # "I don't want this video anymore", "nah i dont want that anymore": no longer wanted (only with
    # "anymore"/"after all": "i don't want a video, a poster" says what to make)
    wanted = re.compile(
        rf"^\W*(?:(?:{alt('take_back', 'en_fillers')}|ugh|nope)\W+)*(?:i\s+)?(?:don't|dont|do not)\s+"
        r"(?:want|need)\s+"
        rf"(?:(?:the|that|this|those|these|it|my)\s*(?:[a-z'-]+\s+){{0,2}}?)?(?:{thing}|it|that|this)?\s*"
        r"(?:anymore|any more|after all)\W*$", re.I)
    # "不要这个视频了", "太贵了不做了": the thing no longer wanted, or a reason said before the take-back
    zh_this = re.compile(rf"^\W*(?:太[\u4e00-\u9fff]{{1,2}}了\s*[，,]?\s*)?(?:我|算了)?\s*"
                         rf"(?:(?:不要|不想要|不需要)(?:这|那)(?:一?[个张段首幅支部])?\s*(?:[^，。,.!！?？\s]{{1,6}}的)?"
                         rf"(?:{nouns})|(?:{negator})(?:{verb}))了[吧啊呀哈啦]*\W*$", re.I)
    return en, zh, zh_object, wanted, zh_this


def take_back(text: str) -> bool:
    """"don't make the video after all", "never mind the poster", "scratch the poster idea", "不要做视频了",
    "海报不做了": a request withdrawn. The thing named after the lead is what was asked for, never a new
    request (the head noun is at the end, so "cancel the cat picture" withdraws the picture)."""
    if not _TAKE_BACK_CHARS.search(text) or not any(p.match(text) for p in _take_back()):
        return False
    # "forget that always-veo thing": a default dropped, not a request
    return not (pattern("always").search(text) or pattern("reset").search(text))


# every take-back holds one of these (most clauses hold none: one cheap look first)
_TAKE_BACK_CHARS = re.compile(r"[不别甭]|没必要|(?<![a-z])(?:don|do not|never|nvm|forget|scratch|scrap|"
                              r"cancel|skip|ditch|nix|hold|no|stop)", re.I)


_COUNT_AGAIN = re.compile(r"(?:再|重新)[^，。,.!！?？\s]{0,3}?(\d+|[两二三四五六七八九十])个")


# "again but 2 more", "again but give me 3 this time": a bare count beside "again" is how many
_MANY = "|".join(w for w in EN_COUNT.split("|") if w != "one")
_COUNT_MORE = re.compile(rf"(?<![\w.])(?:(?:give me|gimme|make|do)\s+)?(\d+|{_MANY})"
                         rf"(?=\s+(?:more|this time|times|of them|versions?)(?![a-z]))"
                         rf"|(?<![a-z])(?:give me|gimme)\s+(\d+|{_MANY})(?![\w.])", re.I)


def without_count(text: str) -> str:
    """The words beside "again" without a bare count ("2 more", "give me 3 this time")."""
    return _COUNT_MORE.sub(" ", text)


def count_again(text: str) -> int | None:
    """"再生成两个", "再画3个", "again but 2 more": how many more, with the generic measure 个 (options read
    两张/两首, whose measure says the media; after "again" 个 counts results too) or a bare English count."""
    found = _COUNT_AGAIN.search(text)
    if found is not None:
        return parse_number(found.group(1))
    more = _COUNT_MORE.search(text)
    return parse_number(more.group(1) or more.group(2)) if more else None


def main_kind(found: Sequence[str]) -> tuple[str, list[str]]:
    """The command that answers (the last one; "switch model and redo it" is a switch) and the ones done
    before it."""
    kinds = list(dict.fromkeys(found))
    if "try_another" in kinds and kinds[-1] == "again":
        kinds.remove("again")
    return kinds[-1], kinds[:-1]


#: whole-message replies, in the order they are tried; each with the extra words it may stand among
REPLIES = (("forget_me", ("forget_me", "forget_me_filler")),
           ("show_preferences", ("show_preferences", "show_filler")), ("yes", ("yes",)), ("no", ("no",)),
           # "give me a sec", "等我5分钟": a moment asked for, never "a sec" of the last request again
           ("chat", ("waiting", "waiting_filler")))


def reply_kind(text: str) -> str | None:
    """"yep go for it", "不用了", "forget me，把我的记录都删了", "what's my default model rn?": a message
    that is nothing but a reply to an offer or a request about the user's own data. Only the whole
    message counts: "forget me" deletes everything, and "yes, a cat" is a request. A question or a
    hesitation is never a yes, a no or a forget me ("可以吗？", "sure?", "删除我的数据吗", "hmm ok"): the
    first spends credits, the last deletes data."""
    # the whole-message test first: it stops at the first word no list covers, so most messages cost five
    # short looks (a search of every reply phrase first read the whole text, at ~3x the cost)
    asked: bool | None = None
    for kind, lists in REPLIES:
        # "give me 5 min", "暂停五分钟" (the count goes without a trace: "给我10分钟" is "给我分钟")
        said = _DIGITS.sub("", text) if kind == "chat" else text
        if residue(said, *lists, "reply_filler") or not pattern(lists[0]).search(text):
            continue
        if kind in _NEVER_ASKED:
            asked = bool(_ASKED.search(text)) if asked is None else asked
            if asked:
                continue
        if kind == "no" and pattern("cancel").search(text):
            continue  # "算了取消吧", "取消吧 不要了": cancel the task on its way, not just decline an offer
        return kind
    return None


_DIGITS = re.compile(r"\d+|[一二两三四五六七八九十百半几]+(?=\s*个?(?:分钟|分|秒钟|秒|小时|钟头))")
_NEVER_ASKED = frozenset({"forget_me", "yes", "no"})
_ASKED = re.compile(r"[?？]|[吗么呢嘛][\s~。.!！]*$|(?<![a-z])(?:hmm+|um+|uh+|i guess|i think|maybe|not sure)"
                    r"(?![a-z])", re.I)

