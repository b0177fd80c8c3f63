"""The request gate: does this message ask for a generation now (which costs credits)?

People mention the bot while talking. Thanks, reactions to a result, greetings, questions about the
bot, balance questions and model comparisons are answered, never charged. The gate works on clauses
("nice, that track slaps" is two reactions; "thanks! now a video of it" is thanks plus a request) and
has three outcomes: ``request`` (charge as usual), ``ambiguous`` (ask with a one-tap button) and
``none`` (answer the question or the small talk).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .vocab import alt, alternation, pattern, phrases

REQUEST = "request"
AMBIGUOUS = "ambiguous"
NONE = "none"

# Chinese chat uses a space where English would put a comma ("不错不错 再来两张")
_BREAK = re.compile(r"[!！?？;；。\n]+|[,，]+|(?<!\d)[:：](?!\d|//)|(?<!\d)\.(?=\s|$)|\s(?:and "
                    r"then|then|but)\s|然后|之后|接着|(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
_NON_WORD = re.compile(r"[\W_]+", re.U)
_EMOJI_ONLY = re.compile(r"^[\W_\d]*$", re.U)


@dataclass(frozen=True)
class Clause:
    start: int
    end: int
    text: str


def clauses(text: str) -> list[Clause]:
    """The message cut at sentence punctuation and "then"/"然后" (decimal points are not breaks)."""
    out = []
    last = 0
    for m in _BREAK.finditer(text):
        if text[last: m.start()].strip():
            asked = "?" if re.search(r"[?？]", m.group(0)) else ""
            out.append(Clause(last, m.start(), text[last: m.start()] + asked))
        last = m.end()
    if text[last:].strip():
        out.append(Clause(last, len(text), text[last:]))
    return out


@cache
def _combined(*lists: str) -> re.Pattern[str]:
    return re.compile(alternation(p for name in lists for p in phrases(name)) or r"(?!)", re.I)


def residue(text: str, *lists: str) -> str:
    """What is left of the text once every phrase of these lists is removed (letters and digits only)."""
    return _NON_WORD.sub("", _combined(*lists).sub(" ", text))


_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)


def is_gibberish(text: str) -> bool:
    """Keyboard mashing, symbols or a bare link: nothing a person would want drawn."""
    if _URL.search(text) and not _URL.sub("", text).strip(" \t,.!?:;，。！？"):
        return True
    if _EMOJI_ONLY.match(text):
        return not re.search(r"\d", text)
    latin = re.findall(r"[a-z]+", text.lower())
    if not latin or re.search(r"[\u3400-\u9fff]", text):
        return False
    if any(re.search(r"(.)\1{3,}", w) for w in latin) and len(latin) <= 2:
        return True
    long_words = [w for w in latin if len(w) >= 5]
    if long_words and len(latin) <= 2:
        return all(
            sum(c in "aeiouy" for c in w) / len(w) < 0.2
            or re.search(r"(asdf|qwer|zxcv|hjkl|sdfg|jkl;|fdsa)", w)
            for w in long_words
        )
    return False


_JUDGED = (r"(?<![a-z])(?:is|are|was|were|looks?|looked|sounds?|sounded|came out|turned "
           r"out)\s+(?:so\s+|really\s+|very\s+|super\s+|kinda\s+|pretty\s+|too\s+|a bit\s+)?(?:{en})(?![a-z])"
           r"|(?:太|好|真|也太|超|最)(?:{zh})了?"
           r"|(?:{quality})(?:很|挺|有点|太|真|特别|非常|还|也|都|比较|不太|不)?(?:{zh})")


@cache
def _judged() -> re.Pattern[str]:
    """"the colors in this one are so nice", "这个 poster 太绝了": a verdict on something already made."""
    return re.compile(_JUDGED.format(en=alt("judgements", "en"), zh=alt("judgements", "zh"),
                                     quality=alt("quality_nouns", "zh")), re.I)


def _asks_for_a_change(text: str) -> bool:
    """A verb that asks for something to be made or changed ("draw", "换成"); "background" or "风格" alone
    does not."""
    if any(not re.match(r"[的得]", text[m.end():]) for m in _combined("request_verbs").finditer(text)):
        return True  # "做的视频效果一般" tells how something made turned out
    return any(m.group(0).lower() not in _edit_nouns() for m in _combined("edit_words").finditer(text))


@cache
def _edit_nouns() -> frozenset[str]:
    return frozenset(phrases("edit_nouns"))


def social(text: str) -> bool:
    """Greetings, thanks and reactions ("nice", "哈哈", "that track slaps", "这张太好看了")."""
    if is_question(text) and _combined("usage_phrases", "models_phrases", "help_phrases").search(text):
        return False  # "这个机器人怎么收费": a question to answer
    if not residue(text, "greetings", "thanks", "reactions", "bot_words",
                   "intensifiers") and _combined("greetings", "thanks", "reactions").search(text):
        return True
    if _judged().search(text) and not _asks_for_a_change(text):
        return True  # "the colors in this one are so nice", "太好看了吧"
    stripped = _combined_start().sub("", text)
    if (
        _combined("greetings", "thanks", "reactions").match(text.lstrip(" \t,.!?~，。！？"))
        and stripped != text.lstrip()
        and stripped.strip()
        and not _combined("request_verbs", "edit_words").search(stripped)
        and not pattern("media_nouns").search(stripped)
    ):
        return True  # "wow the second one …", "牛啊 这个效果", "lmao the dog has 5 legs", "not bad for a bot"
    text = stripped
    ref = re.match(rf"^\W*(?:{alt('result_refs')})", text, re.I)
    if ref and not _combined("edit_words", "request_verbs").search(text[ref.end():]) and (
            _combined("evaluatives", "reactions").search(text[ref.end():])):
        return True
    return False


@cache
def _combined_start() -> re.Pattern[str]:
    words = alternation(p for n in ("greetings", "thanks", "reactions", "bot_words") for p in phrases(n))
    return re.compile(rf"^(?:\W*(?:{words}))*\W*", re.I)


_LEAD_FILLER = re.compile(r"^\W*(?:(?:ok|okay|so|hmm|hm|well|oh|lol|haha|and|but|also|btw|hey|um|uh|quick "
                          r"question|question|嗯|那|所以|哦|问一下|请问)"
                          r"(?![a-z])\W*)*", re.I)


def is_question(text: str) -> bool:
    stripped = _LEAD_FILLER.sub("", text.strip())
    if stripped.endswith(("?", "？")):
        return True
    if re.search(r"不[\s\W]*$", stripped) and re.match(r"^\W*你?(?:能|会|可以|要|行)", stripped):
        return True  # "能做音乐不"
    if re.search(r"(吗|么|呢|嘛)[\s\W]*$", stripped) or re.search(
        r"多少|什么|有啥|是啥|干啥|叫啥|哪个|哪些|哪里|哪儿|去哪|在哪|为什么|为啥|怎么|咋|几个|几张|几次|几首|几段|多久|多长时间|"
        r"能不能|可不可以|有没有|是不是|会不会",
        stripped,
    ):
        return True
    if re.search(r"(?<![a-z])how (?:much|many|long)(?![a-z])", stripped, re.I):
        return True
    first = re.match(r"^\W*([a-z']+)", stripped.lower())
    return bool(first and first.group(1) in {"what", "what's", "whats", "which", "how", "why", "when",
                                             "where", "who", "whose", "is", "are",
                                              "does", "do", "did"})


def _starts_polite(text: str) -> re.Match[str] | None:
    return re.match(rf"^\W*(?:{alt('capability_cues', 'polite')})\s*", text, re.I)


def _starts_hypothetical(text: str) -> re.Match[str] | None:
    return re.match(rf"^\W*(?:{alt('capability_cues', 'hypothetical')})\s*", text, re.I)


def capability_object(rest: str) -> bool:
    """"videos?", "make music", "do 4k" after "can you": a question about the bot, not a request."""
    rest = re.sub(rf"^\s*(?:{alt('create_verbs')}|generate|make|do|handle|support)?\s*", "", rest, flags=re.I)
    rest = re.sub(r"(?:吗|么|呢|嘛|不)?[\s?？!！。.]*$", "", rest)
    return not residue(rest, "capability_objects", "capability_filler", "bot_words", "command_filler")


_PRICE_QUESTION = re.compile(r"how (?:much|many)(?: credits?| points?)? "
                             r"(?:does|do|is|are|would|for|per|to)\b|\b(?:cost|price|costs)\b", re.I)


_MINE = re.compile(r"(?<![a-z'])(?:i|my|me|we|our|i've|i'm|us)(?![a-z'])|我", re.I)


def question_kind(text: str, model_count: int) -> str | None:
    """usage | compare | list_models | help | chat for a question, None when it is a polite request."""
    kind = _question_kind(text, model_count)
    if model_count and kind in ("help", "chat"):
        return "list_models"  # "is kling any good?", "does veo do sound?": that model's prices and times
    return kind


def _question_kind(text: str, model_count: int) -> str | None:
    if pattern("usage_phrases").search(text) and (_MINE.search(text) or not _PRICE_QUESTION.search(text)):
        return "usage"
    if model_count >= 2 and pattern("compare_cues").search(text):
        return "compare"
    if pattern("models_phrases").search(text):
        return "list_models"
    if pattern("help_phrases").search(text) and len(text) < 60:
        return "help"
    text = _LEAD_FILLER.sub("", text)
    polite = _starts_polite(text)
    if polite:
        return "help" if capability_object(text[polite.end():]) else None
    hypothetical = _starts_hypothetical(text)
    if hypothetical:
        rest = text[hypothetical.end():]
        if re.match(r"^\W*(?:what about|how about|maybe)", text, re.I):
            return "maybe"  # "what about something spooky?": a suggestion, ask before making it
        if capability_object(rest) or not _combined("create_verbs", "request_verbs").search(rest):
            return "help"  # "can I use these commercially?", "可以商用吗"
        asking = re.match(rf"^\W*(?:{alt('capability_cues', 'asking')})", text, re.I)
        verb_first = rf"^\W*(?:(?:you|u|帮我|给我|替我|帮忙)\s*)?(?:to\s+)?(?:{alt('request_verbs')})"
        if asking and re.match(verb_first, rest, re.I):
            return None  # "is it possible to make a video of a cat dancing?", "能让这张图里的瀑布流动起来吗"
        return "maybe"
    return "chat"


_STATEMENT = re.compile(
    r"^\W*(?:the|my|our|his|her|their|its|this|that|these|those|your)\s+(?:[\w'-]+\s+){0,3}?"
    r"(?:is|are|was|were|has|have|had|can't|cannot|can "
    r"not|doesn't|don't|didn't|won't|looks|look|looked|seems|seem|"
    r"made|makes|needs|wants|got|keeps|became|came out|turned "
    r"out|isn't|aren't|wasn't|cut off|cuts off|stopped|ended|ends|"
    r"froze|failed|broke|glitched|is missing|went|sounds|sound|never|still|came|arrived|loaded|finished|"
    r"appeared|showed up)(?![a-z])(?!\s+\w+ing\b)",
    re.I,
)
_DONE_WELL = re.compile(r"(?:画|做|写|唱|拍|生成|弄|p)得")  # "画得真好": how it was made, not a request
_NOT_NOW_END = re.compile(r"(?<!for )(?<!'s )(?<!until )(?<!by )(?:" + "{not_now}" + r")\W*$", re.I)


@cache
def _not_now() -> re.Pattern[str]:
    return re.compile(_NOT_NOW_END.pattern.replace("{not_now}", alt("not_now")), re.I)


def text_request(text: str) -> bool:
    """"write me a poem", "tell me a joke", "给我讲个笑话": words, not pictures or sound — nothing we make."""
    lead_ins = {p.lower() for p in phrases("leading_fillers", "zh")}  # "帮我", "给我": asking, not the verb
    for verb in _combined("request_verbs", "create_verbs").finditer(text):
        after = text[verb.end(): verb.end() + 40]
        if re.match(rf"^\W*(?:(?:me|us|a|an|some|the|few|a "
                    rf"few|one|想个|起个|取个|想|个|一个|一篇|一首|一段|几个|点|一些|首|篇|段|句)\s*)*"
                    rf"(?:[a-z-]+\s+|[^，。,.!?！？\s]{{1,12}}的)?"  # "a short poem", "关于秋天的诗"
                    rf"(?:{alt('text_objects')})",
                    after, re.I):
            return True
        if verb.group(0).lower() not in lead_ins:
            break  # only the first verb is what is asked: "画一只写诗的猫" draws a cat (that writes poems)
    return False


_WANT = re.compile(r"(?<![a-z])(?:wants?|needs?|would like|'d like|'d love|would love|looking "
                   r"for|想要|需要|要)(?![a-z])", re.I)


def wants_something_made(text: str) -> bool:
    """"my daughter wants a unicorn picture", "我们公司需要一个宣传视频": a request told as a statement."""
    want = _WANT.search(text)
    if want is None:
        return False
    from .media import nouns

    rest = text[want.end():]
    return any(noun.head for noun in nouns(rest)) or bool(
        re.match(rf"\s*(?:to\s+|你)?(?:{alt('create_verbs')})", rest, re.I)
    )


def chatty(text: str) -> bool:
    """A statement about oneself or the result ("i think the first one was better", "我今天好累")."""
    lowered = _LEAD_FILLER.sub("", text.strip().lower())
    if re.match(rf"^\W*(?:{alt('chat_starts')})",
                lowered) or text_request(lowered) or _not_now().search(lowered):
        return True
    if pattern("talk_anywhere").search(lowered):
        return True  # "视频还没出来", "把这个翻译成英文": waiting, or words to translate
    if wants_something_made(lowered):
        return False
    if past_story(lowered) or _plan(lowered):
        return True  # what happened, or what the user will do themselves ("I'll draw it myself lol")
    if _STATEMENT.match(lowered) or _not_now().search(lowered) or _DONE_WELL.search(lowered):
        return True
    if _combined("polite_prefixes").match(lowered):
        return False
    opener = re.match(rf"^\W*(?:{alt('chat_openers')})(?![a-z])", lowered)
    if not opener:
        return False
    rest = lowered[opener.end():]
    if _combined("request_verbs", "edit_words").match(rest.strip()):
        return False  # "i want a picture of …", "我要一张…"
    if re.search(r"[\u3400-\u9fff]", lowered):
        return not _combined("create_verbs").search(rest) and not pattern("media_nouns", "image").search(rest)
    return bool(re.search(rf"(?:{alt('finite_verbs', 'en')})", lowered))


_PAST_AFTER = r"(?!\s+(?:of|from|out of|in|on|with|by|as|like|for you|for me)(?![a-z]))"
_PAST_ADVERBS = r"(?:just|already|finally|also|once|actually|literally|recently|accidentally|totally|even)\s+"
_ASKING = re.compile(r"(?<![a-z])(?:can you|could you|would you|please|pls|plz)(?![a-z])"
                     r"|^\W*(?:帮我|给我|请|麻烦)|能不能|可以|能帮|再")


@cache
def _past_en() -> re.Pattern[str]:
    verb = rf"(?:{alt('past_verbs', 'en')}){_PAST_AFTER}"
    # "my little sister made …": the teller and up to two more words before the verb
    subject = rf"(?:(?:{alt('past_subjects', 'en')})(?:\s+(?!{verb})[a-z'-]+){{0,2}}\s+)"
    when = rf"(?:(?:{alt('past_times', 'en')})\W+)"
    told = rf"^\W*{when}?{subject}(?:{_PAST_ADVERBS})?{verb}"
    bare = rf"^\W*(?:{when}|{_PAST_ADVERBS}){verb}"
    return re.compile(rf"{told}|{bare}", re.I)


@cache
def _past_words() -> tuple[re.Pattern[str], ...]:
    """"made …" at the start, a past time like "last night", "画了"/"做过" (a Chinese verb that is done),
    "画崩了" (done badly), a "了" that says something happened."""
    return (re.compile(rf"^\W*(?:{alt('past_verbs', 'en')}){_PAST_AFTER}", re.I),
            re.compile(rf"(?<![a-z])(?:{alt('past_times', 'en')})(?![a-z])", re.I),
            re.compile(rf"(?:{alt('past_verbs', 'zh')})(?:出|好|完)?(?:了|过)(?![吗么没呢])", re.I),
            re.compile(rf"(?:{alt('past_verbs', 'zh')})(?:{alt('botched')})了", re.I),
            re.compile(r"了(?![吗么没呢])"))


def past_story(text: str) -> bool:
    """"I made a video of my cat yesterday", "我昨天用可灵做了个视频": something that already happened,
    told to the channel: not a request, however much it talks about pictures and videos."""
    if _ASKING.search(text):
        return False
    starts_done, past_time, zh_done, botched, happened = _past_words()
    if _past_en().search(text) or (starts_done.match(text) and past_time.search(text)):
        return True  # "my buddy generated a video …", "made a sick beat last night"
    if re.match(rf"^\W*(?:{alt('articles', 'zh')})", text):
        return False  # "一只猫画了一幅画" describes a picture
    if botched.search(text):
        return True  # "手都画崩了"
    when = pattern("past_times", "zh").search(text)
    if when and happened.search(text, when.end()):
        return True  # "昨天用你做的视频发抖音了"
    zh = zh_done.search(text)
    return bool(zh and pattern("past_subjects", "zh").search(text[: zh.start()]))


def _plan(text: str) -> bool:
    """"I'll draw it myself", "gonna make a video later": the user's own plan; "I'll take a poster of a
    sunset please" orders one."""
    said = pattern("plans").match(text)
    if said is None or _ASKING.search(text):
        return False
    return not re.match(r"\s*(?:take|have|get)(?![a-z])", text[said.end():])


def unsure(text: str) -> bool:
    """"idk what yet", "还没想好": the user has not decided what to make, so nothing is made without
    asking."""
    return bool(pattern("unsure").search(text))


def first_answer(kinds: list[str]) -> str:
    """The answer a message with no request in it gets: the most specific question asked, else small talk."""
    for wanted in ("usage", "compare", "list_models", "help"):
        if wanted in kinds:
            return wanted
    return "chat"




_CONTENT = re.compile(r"[a-z0-9][a-z0-9'\-]*|[\u3400-\u9fff]{2}", re.I)


def descriptive(text: str) -> bool:
    """A bare description that reads as a prompt ("neon tokyo street at night, rain", "一只戴墨镜的柴犬"),
    not a remark ("so cool!!", "too dark", "颜色好看"): it opens with an article or count, or has a few
    content words and none of the words people use when talking rather than describing."""
    lowered = text.strip().lower()
    if not lowered or is_question(lowered) or remark(lowered):
        return False
    if starts_like_a_description(lowered):
        return True
    return len(_CONTENT.findall(lowered)) >= 3


def starts_like_a_description(text: str) -> bool:
    """"a cat in a hat", "一只戴墨镜的柴犬": an article or a count first, the way a prompt starts."""
    return bool(re.match(rf"^\W*(?:{alt('articles')})", text.strip(), re.I))


def remark(text: str) -> bool:
    """Words people use when talking about something rather than describing it: "too dark", "颜色好看"."""
    lowered = text.lower()
    return bool(re.search(rf"(?:{alt('markers', 'en')})",
                          lowered) or any(m in lowered for m in _zh_markers()))


@cache
def _zh_markers() -> tuple[str, ...]:
    return tuple(phrases("markers", "zh"))
