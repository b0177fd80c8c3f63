"""The request gate: does this message ask for a generation now (which costs credits)?

People mention the bot while talking. Thanks, reactions to a result, greetings, questions about the
bot, balance questions and model comparisons are answered, never charged. The gate works on clauses
("nice, that track slaps" is two reactions; "thanks! now a video of it" is thanks plus a request) and
has three outcomes: ``request`` (charge as usual), ``ambiguous`` (ask with a one-tap button) and
``none`` (answer the question or the small talk).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from .media import motion, nouns
from .options import take_options
from .vocab import PhraseScan, alt, alternation, compiled, pattern, per_message, phrases, scan

REQUEST = "request"
AMBIGUOUS = "ambiguous"
NONE = "none"

# Chinese chat uses a space where English would put a comma ("不错不错 再来两张")
# (every alternative opens with a character or a character set, the look-behinds come after it: the regex
# engine then rules an alternative out at a glance, and clauses() runs several times on every message)
_FACES = r"[\U0001F600-\U0001F64F\U0001F910-\U0001F92F\U0001F970-\U0001F97A\U0001F480]"
_BREAK = re.compile(r"[!！?？;；。\n][!！?？;；。\n]*|[,，][,，]*|[:：](?<!\d[:：])(?!\d|//)"
                    r"|\.(?<!\d\.)(?=\s|$)|\s(?:and then|then|but)\s|然后|之后|接着"
                    r"|\s(?<=[\u3400-\u9fff]\s)\s*(?=[\u3400-\u9fff])"
                    r"|\s(?<=[了吧啊呢嘛呀哦啦]\s)\s*"
                    # a face ends a sentence: "lmao the goblin has three arms 😭 one more time"
                    rf"|\s\s*{_FACES}{_FACES}*\s*|{_FACES}{_FACES}*\s*")
_EMOJI_ONLY = re.compile(r"^[\W_\d]*$", re.U)


@dataclass(frozen=True)
class Clause:
    start: int
    end: int
    text: str


@per_message
def clauses(text: str) -> list[Clause]:
    """The message cut at sentence punctuation and "then"/"然后" (decimal points are not breaks)."""
    out = []
    last = 0
    breaks: Iterable[tuple[int, int, str]] = ((m.start(), m.end(), m.group(0)) for m in _BREAK.finditer(text))
    if '"' in text or "“" in text:
        # words quoted are one piece: 'a sign that says "OPEN! COME IN!" thanks' is cut after the quote, not
        # at its "!"
        quoted = [m.span() for m in _QUOTED_WORDS.finditer(text)]
        ends = ((b, b, "") for a, b in quoted if text[b - 2] in "!?.。！？" and text[b:b + 1] == " ")
        breaks = sorted([*((s, e, said) for s, e, said in breaks if not any(a < s < b for a, b in quoted)),
                         *ends])
    for start, end, said in breaks:
        if text[last: start].strip():
            asked = "?" if "?" in said or "？" in said else ""
            out.append(Clause(last, start, text[last: start] + asked))
        last = end
    if text[last:].strip():
        out.append(Clause(last, len(text), text[last:]))
    return out


@cache
def _combined(*lists: str) -> re.Pattern[str]:
    return re.compile(alternation(p for name in lists for p in phrases(name)) or r"(?!)", re.I)


@cache
def _covering(*lists: str) -> re.Pattern[str]:
    """The text read left to right as phrases of these lists and non-letters only. At each position a
    phrase is tried first and, once found, kept (atomic group, possessive loop: no other reading is tried),
    exactly as a substitution of the phrases would find them."""
    found = alternation(p for name in lists for p in phrases(name))
    return re.compile(rf"(?:(?>{found})|[\W_])*+" if found else r"[\W_]*+", re.I)


def residue(text: str, *lists: str) -> bool:
    """Whether anything is left of the text (a letter or a digit) once every phrase of these lists is
    removed. One pass that stops at the first letter no phrase covers: most texts asked about are not
    only these phrases, and the question is asked of every clause."""
    return _covering(*lists).fullmatch(text) is None


_HOME_ROW = frozenset("asdfghjkl")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_REPEATED = re.compile(r"(.)\1{3,}")


def is_gibberish(text: str) -> bool:
    """Keyboard mashing, symbols or a bare link: nothing a person would want drawn."""
    if _URL.search(text) and not _URL.sub("", text).strip(" \t,.!?:;，。！？"):
        return True
    if _EMOJI_ONLY.match(text):
        return not re.search(r"\d", text)
    latin = re.findall(r"[a-z]+", text.lower())
    if not latin or re.search(r"[\u3400-\u9fff]", text):
        return False
    if len(latin) <= 2 and any(_REPEATED.search(w) for w in latin):
        return True
    word = latin[0]
    if len(latin) == 1 and len(word) >= 8 and sum(c in _HOME_ROW for c in word) >= 0.85 * len(word):
        return True  # "asdkjhasdk": a hand run along the keyboard's middle row
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
           # "bot's slow today huh", "ur so slow rn": a verdict said of the bot, the clause's last word
           # (each alternative opens with a plain character, so the regex engine skips it at a glance)
           r"|(?:['’]s(?<=[a-z]['’]s)|u(?<![a-z']u)(?:r|\s+r)?|y(?<![a-z']y)(?:a|ou))\s+(?:(?:so|really|very|super|kinda|pretty|"
           r"too|a bit|still|being|acting|getting|running|always)\s+)*(?:{en})(?:\s+(?:{tails}))*[\W_]*$")
# the Chinese verdicts: each needs a Chinese character (built so with today's words; checked in _judged_en)
_JUDGED_ZH = (
           # "超卡通风格的小狗": the verdict word ends there, it does not open a longer word (卡通)
           r"(?:太|好|真|也太|超|最)(?:{zh})(?![\u3400-\u9fff](?<![了的啊呀吧哦呢啦嘛得]))"
           r"|(?:{quality})(?:很|挺|有点|太|真|特别|非常|还|也|都|比较|不太|不)?(?:{zh})"
           r"(?![\u3400-\u9fff](?<![了的啊呀吧哦呢啦嘛得]))"
           r"|(?:太|挺|有点)[\u3400-\u9fff]{{1,2}}了[\W]*$"  # "做出来的视频太短了"
           r"|(?:很|挺|都|有点|有些)(?:{zh})[了的啊呀吧~\s!！]*$"  # "海报很好看", "三张图都不错", "有点糊"
           # "这张图的背景好看": the clause's verdict; a one-character one needs its 很/太 above
           # ("贺卡", "屋顶", "暑假" name things)
           r"|(?<=[\u3400-\u9fff])(?:{zh_long})[了的啊呀吧哦~\s!！]*$")


@cache
def _judged() -> re.Pattern[str]:
    """"the colors in this one are so nice", "这个 poster 太绝了": a verdict on something already made."""
    zh_long = alternation(w for w in phrases("judgements", "zh") if len(w) > 1)
    return re.compile((_JUDGED + "|" + _JUDGED_ZH).format(
        en=alt("judgements", "en"), zh=alt("judgements", "zh"), zh_long=zh_long,
        quality=alt("quality_nouns", "zh"), tails=alt("remark_tails", "en")), re.I)


@cache
def _judged_en() -> re.Pattern[str]:
    """:func:`_judged` for a text without a Chinese character: its Chinese verdicts cannot match there and
    were tried at every place of the text (the whole pattern again if a quality noun has no Chinese)."""
    if not all(_HAN.search(w) for w in phrases("quality_nouns", "zh")):
        return _judged()
    return re.compile(_JUDGED.format(en=alt("judgements", "en"), tails=alt("remark_tails", "en")), re.I)


_HAN = re.compile(r"[\u3400-\u9fff]")


def judged(text: str) -> bool:
    """A verdict on something already made (:func:`_judged`)."""
    return bool((_judged() if _HAN.search(text) else _judged_en()).search(text))


@cache
def _verdict_end() -> re.Pattern[str]:
    long = alternation(w for w in phrases("complaints", "zh") if len(w) > 1)
    return re.compile(r"(?:(?:最|太|也太|真|超|真的|是真的|好|挺|蛮|特别|非常|很|这么|那么|越来越"
                      r"|也|又|还|老是|总是)"
                      rf"(?:{alt('judgements', 'zh')}|{alt('complaints', 'zh')}|快)"
                      rf"|[\u3400-\u9fff](?:{long})"
                      # "图片都加载不出来", "4k开不动": what will not work
                      r"|(?:加载|开|跑|打|登|进|拖|带|玩|播|放|下载|上传|发|刷|连|用|看)"
                      r"不(?:出来|出去|上去|进去|上来|动|开|了))"
                      r"[了的啊呀吧~\s!！]*$")


# 来 inside a word ("越来越", "起来", "原来", "未来"), not "来一张"
_COME_WORD = re.compile(r"[越起过出回进上下后原本未从将带]来")
_MADE_BEFORE = re.compile(r"(?:出来|出|好|来)?[的得]")  # "做出来的视频": what was made


def _asks_for_a_change(text: str) -> bool:
    """A verb that asks for something to be made or changed ("draw", "换成"); "background" or "风格" alone
    does not."""
    if any(not _MADE_BEFORE.match(text, m.end())
           and not (m.group(0) == "来" and _COME_WORD.match(text, m.start() - 1))
           for m in _combined("request_verbs").finditer(text)):
        return True  # "做的视频效果一般" tells how something made turned out
    return any(m.group(0).lower() not in _edit_nouns() for m in _combined("edit_words").finditer(text))


@cache
def _edit_nouns() -> frozenset[str]:
    return frozenset(phrases("edit_nouns"))


def social(text: str) -> bool:
    """Greetings, thanks and reactions ("nice", "哈哈", "that track slaps", "这张太好看了"), and a person
    called in a clause of their own ("妈，…")."""
    if len(text) <= 8 and not residue(text, "vocatives") and text.strip(" \t,.!?~，。！？"):
        return True  # "妈，你那张照片发群里了吗": said to mom
    if is_question(text) and _combined("usage_phrases", "models_phrases", "help_phrases").search(text):
        return False  # "这个机器人怎么收费": a question to answer
    if not residue(text, "greetings", "thanks", "reactions", "bot_words",
                   "intensifiers") and _combined("greetings", "thanks", "reactions").search(text):
        return True
    if judged(_own_words(text)) and not _asks_for_a_change(text):
        return True  # "the colors in this one are so nice", "太好看了吧" (a title "'Rin Is Wrong'" is none)
    stripped = _combined_start().sub("", text)
    if (
        _combined("greetings", "thanks", "reactions").match(text.lstrip(" \t,.!?~，。！？"))
        and stripped != text.lstrip()
        and stripped.strip()
        and not _combined("request_verbs", "edit_words").search(stripped)
        and not pattern("media_nouns").search(stripped)
        and not _modifies(text, stripped)
        and not _A_THING.match(stripped)
    ):
        return True  # "wow the second one …", "牛啊 这个效果", "lmao the dog has 5 legs", "not bad for a bot"
    if stripped != text.lstrip() and _REACTED_TO.match(stripped) and not _combined(
            "request_verbs", "edit_words").search(stripped):
        return True  # "lmaooo the goose video 😭", "nice video btw": a reaction to a result
    text = stripped
    ref = compiled(r"^\W*(?:{refs})", refs=("result_refs",)).match(text)
    if ref and not _combined("edit_words", "request_verbs").search(text[ref.end():]) and (
            _combined("evaluatives", "reactions").search(text[ref.end():])):
        return True
    return False


# after "ok so", "then": a thing introduced the way a prompt starts ("ok so a cat wearing sunglasses, 4k")
_A_THING = re.compile(r"^\W*(?:(?:so|then|now|and)\s+)+(?:a|an|some|two|three|four)\s+[a-z]", re.I)


# after a reaction, a result named: "the goose video", "that song", "video btw"
_REACTED_TO = re.compile(r"^\W*(?:(?:the|that|this|your|ur|those|these)\s+(?:[a-z'-]+\s+){0,2})?"
                         r"(?:video|vid|clip|song|track|pic|picture|image|poster|one|ones|result|results|render)"
                         r"(?:\s+(?:btw|tho|though|lol|lmao|bro|man|dude|fr|ngl|tbh))*[\W_]*$", re.I)


_NOT_A_NOUN_PHRASE = re.compile(r"^\W*(?:the|this|that|these|those|it|its|it's|my|your|ur|his|her|their|"
                                r"our|i|you|u|he|she|they|we|for|of|to|in|on|at|with|and|but|so|tho|though|"
                                r"as|is|are|was|bot)(?![a-z'])", re.I)


def _modifies(text: str, rest: str) -> bool:
    """"epic orchestral boss battle theme", "creepy doll in an attic": a word people also react with, used
    as an adjective before a noun phrase (no pause after it, no verb in what follows) describes what to
    make; "lol", "wow" and the like are never adjectives."""
    first = re.match(r"^\W*([a-z]+)\s+(?=[a-z])", text, re.I)
    if (first is None or first.group(1).lower() in _interjections() or len(rest.split()) < 2
            or _combined("greetings", "thanks").match(text.lstrip())):
        return False
    return not (_NOT_A_NOUN_PHRASE.match(rest) or compiled(r"(?<![a-z'])(?:{v})(?![a-z'])",
                                                                     v=("finite_verbs", "en")).search(rest))


@cache
def _interjections() -> frozenset[str]:
    return frozenset(phrases("interjections"))


@cache
def _combined_start() -> re.Pattern[str]:
    words = alternation(p for n in ("greetings", "thanks", "reactions", "bot_words") for p in phrases(n))
    return re.compile(rf"^(?:\W*(?:{words}))*\W*", re.I)


_LEAD_FILLER = re.compile(r"^\W*(?:(?:ok|okay|so|today|tonight|this time|hmm|hm|well|oh|lol|lmao|lmfao|haha|"
                          r"wait|ugh|"
                          r"and|but|also|btw|hey|"
                          r"um|uh|emm+|em|额|呃|"
                          r"(?:quick|real|serious|honest|genuine|random|dumb|stupid|silly) "
                          r"question|question|嗯|那|所以|哦|问一下|请问|到底|究竟|麻烦你?|请(?=可以|能|帮|你))"
                          r"(?![a-z])\W*)*", re.I)


_OPINION_ASKED = re.compile(r"^\W*(?:你们|大家|你|您)(?:都)?(?:觉得|认为|说)"
                            r"|还是[^，。,.!！?？]{1,12}好[吧呢啊些点]?[\s\W]*$")


_NOT_ASKED_END = re.compile(r"不[\s\W]*$")
_CAN_FIRST = re.compile(r"^\W*(?:你|这个|它|这|机器人|这个机器人|bot|这个bot)?\s*(?:能|会|可以|要|行)", re.I)
_A_NOT_A = re.compile(r"([\u3400-\u9fff])不\1[\s\W]*$")
_ZH_ASKED = re.compile(
    r"(吗|么|呢|嘛)[\s\W]*$|多少|多长|什么|有啥|是啥|干啥|叫啥|谁(?![都也])|哪个|哪些|哪里|哪儿|去哪|在哪|为什么|为啥|"
    r"哪张|哪首|哪段|哪版|哪一|哪款|哪种|"
    r"怎么|咋|多久|多长时间|能不能|可不可以|有没有|是不是|会不会|要不要")


@cache
def _how_many_zh() -> re.Pattern[str]:
    """几张/几个/几首 asked as "how many?": anywhere but right after a making verb; after one ("画几张猫的图",
    "再来几首") it is "a few" only when a subject follows, not at the end ("一般画几张") nor before a word
    that judges the number ("画几张比较好", "做几段视频才够": how many would be right?)."""
    return compiled(r"(?<![画做成写出拍])几[个张次首段]|(?:能|会|可以)(?:画|做|生成|写|出|拍)几[个张次首段]"
                    r"|几[个张次首段](?=[\s\W]*$|\s*(?:图片?|照片|视频|歌|音乐|画)?\s*(?:{j}))",
                    j=("judging_words", "zh"))


_HOW_MUCH = re.compile(r"(?<![a-z])how (?:much|many|long)(?![a-z])", re.I)
_FIRST_WORD = re.compile(r"^\W*([a-z']+)")
_QUESTION_FIRST = frozenset({"what", "what's", "whats", "which", "how", "why", "when", "where", "who",
                             "whose", "is", "are", "does", "do", "did", "who's", "whos", "where's", "how's",
                             "hows", "when's"})
_DO_MAKE = re.compile(r"\s+(?:a|an|me|us|one|another|some)\s", re.I)
# "… right", "…, yeah": a statement turned into a question by its tag
# ("…, shocked guy on the right", "…, yes or no": a place or a choice, not a tag)
_EN_TAG = re.compile(r"(?:,\s*|\s)(?<!the\s)(?<!or\s)(?:right|innit|correct|isn't it|don't you|no)\W*$", re.I)
# "是先发图还是先发文字": a choice asked between two things
_ZH_CHOICE = re.compile(r"^\W*(?:是|要|该|应该)[^，。,.!！?？]{1,12}还是")


@per_message
def is_question(text: str) -> bool:
    stripped = _lead_cut(text.strip())
    if stripped.endswith(("?", "？")):
        return True
    zh = not stripped.isascii()  # each Chinese pattern needs a Chinese character: an ASCII text skips them
    if zh and _NOT_ASKED_END.search(stripped) and _CAN_FIRST.match(stripped):
        return True  # "能做音乐不"
    if zh and _A_NOT_A.search(stripped):
        return True  # "行不行", "贵不贵": asked as A-not-A
    if zh and _OPINION_ASKED.search(stripped):
        return True  # "你们觉得海报用蓝色好还是红色好": an opinion asked, of the group or of the bot
    if (zh and (_ZH_ASKED.search(stripped) or _how_many_zh().search(stripped)
                or _ZH_CHOICE.search(stripped))) or _HOW_MUCH.search(stripped):
        return True
    if _EN_TAG.search(stripped):
        return True  # "you do music too right", "that's the cheapest one, yeah"
    first = _FIRST_WORD.match(stripped.lower())
    if first and first.group(1) in _QUESTION_FIRST:
        # "do a poster: summer drinks": "do" with a media noun to make is the making verb ("do a barrel roll"
        # stays what it was)
        return not (first.group(1) == "do" and _DO_MAKE.match(stripped, first.end())
                    and pattern("media_nouns").search(stripped))
    if _ASKED_OF_THE_CHANNEL.match(stripped):
        return True  # "can someone handle it": asked of the people in the channel
    return bool(_ASKED_OF_THE_BOT.match(stripped))  # "can this thing make a 3 minute video", no "?"


# (not "can someone make the bot do a song …": the bot is asked through them)
_ASKED_OF_THE_CHANNEL = re.compile(r"^\W*(?:can|could|would|will|does|do)\s+(?:someone|somebody|anyone|"
                                   r"anybody|one of you|you guys|y'all|yall|everyone)(?![a-z'])"
                                   r"(?!.*(?<![a-z])(?:bot|ima|this thing)(?![a-z]))", re.I)
# "can it …", "can this thing …", "could u …": a question to the bot even without its question mark
_ASKED_OF_THE_BOT = re.compile(r"^\W*(?:can|could|will|does|do)\s+(?:it|this|this thing|the bot|this bot|ima|"
                               r"u|you|ya)(?![a-z'])", re.I)


def _starts_polite(text: str) -> re.Match[str] | None:
    return compiled(r"^\W*(?:{c})\s*", c=("capability_cues", "polite")).match(text)


def _starts_hypothetical(text: str) -> re.Match[str] | None:
    return compiled(r"^\W*(?:{c})\s*", c=("capability_cues", "hypothetical")).match(text)


def asks_capability(text: str) -> bool:
    """"can you draw", "can u do music": a question about the bot asked without a question mark (a
    question with one is read by :func:`question_kind`)."""
    lead = _lead_cut(text.strip())
    polite = _starts_polite(lead)
    return bool(polite and re.match(r"\W*(?:can|could|will|would)\b", polite.group(0), re.I)
                and capability_object(lead[polite.end():]))


_ASKED_END = re.compile(r"(?:吗|(?<![什怎那这多])么|呢|嘛|不)?[\s?？!！。.]*$")


def capability_asked(text: str) -> bool:
    """"可以做个视频吗？", "你能做一首歌吗": whether the bot can, asked (a capability cue first, a question);
    with nothing named to make it asks how the bot works ("来首歌行不行" asks for a song: no cue first)."""
    said = _without_lead(text.strip())
    return is_question(said) and _starts_hypothetical(said) is not None


def capability_object(rest: str) -> bool:
    """"videos?", "make music", "do 4k" after "can you": a question about the bot, not a request."""
    rest = compiled(r"^\s*(?:{v}|generate|make|do|handle|support)?\s*", v=("create_verbs",)).sub("", rest)
    rest = _ASKED_END.sub("", rest)  # (not the 么 of "画什么": what it can draw is asked)
    rest = take_options(rest, None, 0)[1]  # "can this thing make a 3 minute video", "能做4k吗"
    # (a making verb later too: "能根据歌词生成歌吗")
    return not residue(rest, "capability_objects", "capability_filler", "bot_words", "command_filler",
                       "create_verbs")


_PRICE_QUESTION = re.compile(r"how (?:much|many)(?: credits?| points?)? "
                             r"(?:does|do|is|are|would|for|per|to)\b|\b(?:cost|price|costs)\b", re.I)


_ZH_PRICE = re.compile(r"多少(?:钱|积分|点数?|分|credits?)|价格|价钱|收费|贵不贵|费用", re.I)


def price_question(text: str) -> bool:
    """"how much is a video?", "画一张图要多少点数": the price of something made, not the user's balance
    ("还有多少点数")."""
    if _PRICE_QUESTION.search(text):
        return True
    zh = _ZH_PRICE.search(text)
    if zh is None or re.search(r"还|剩|余", text):
        return False
    return any(n.head for n in nouns(text)) or bool(_combined("create_verbs").search(text))


_MINE = re.compile(r"(?<![a-z'])(?:i|my|me|we|our|i've|i'm|us)(?![a-z'])|我", re.I)


def question_kind(text: str, model_count: int) -> str | None:
    """usage | compare | list_models | help | chat for a question, None when it is a polite request."""
    kind = _question_kind(text, model_count)
    if model_count and kind in ("help", "chat"):
        return "list_models"  # "is kling any good?", "does veo do sound?": that model's prices and times
    return kind


_LIST_ASKED = re.compile(r"(?<![a-z])(?:models?|list|options|all|every|each)(?![a-z])"
                         r"|模型|列表|价目表|价格表|清单", re.I)


def _question_kind(text: str, model_count: int) -> str | None:
    if not text.isascii() and _future_plan(text.lower()):
        return "chat"  # "下次开会我演示一下怎么用机器人出图": what the user will do, asked of no one
    if _IF_MINE.search(text) and not model_count:
        return "help"  # "if I asked you to draw a dragon, how long would it take?": how the bot works
    if scan("usage_phrases").search(text) and (_MINE.search(text) or not price_question(text)):
        return "usage"
    if model_count >= 2 and pattern("compare_cues").search(text):
        return "compare"
    if pattern("models_phrases").search(text):
        # "how much is one song?", "一个视频多少积分": the price of a kind of result is a question about the
        # bot (help, answered with that media's models and live prices); a list asked for is the list
        if model_count == 0 and price_question(text) and not _LIST_ASKED.search(text):
            return "help"
        return "list_models"
    if scan("help_phrases").search(text) and len(text) < 60 and not _polite_with_a_thing(text):
        return "help"  # but "can you help me make a poster for …", "could you do menu board art for …" ask
    text = _without_lead(text)
    polite = _starts_polite(text)
    if polite:
        if (text_request(text[polite.end():].lower()) or text_request(text.lower())
                or _NOTHING_MADE.match(text, polite.end())):
            return "chat"  # "can you write lyrics for a breakup song?", "can you make me laugh": nothing made
        return "help" if capability_object(text[polite.end():]) else None
    possible = _MAYBE_POSSIBLE.match(text)
    if possible and _verb_first(text[possible.end():]) and _NAMED_ZH.search(text, possible.end()):
        return None  # "有没有可能生成三张不同角度的青花瓷花瓶": a subject named, asked politely
    hypothetical = _starts_hypothetical(text)
    if hypothetical:
        rest = text[hypothetical.end():]
        if re.match(r"^\W*(?:what about|how about|maybe)", text, re.I):
            return "maybe"  # "what about something spooky?": a suggestion, ask before making it
        asking = compiled(r"^\W*(?:{c})", c=("capability_cues", "asking")).match(text)
        if asking and _GET_ONE.match(rest):
            if any(n.head for n in nouns(rest)) and not _AT_ONCE.search(rest):
                return None  # "is it possible to get a 9:16 vid of fireworks …": asks for one, politely
        if capability_object(rest) or not _combined("create_verbs", "request_verbs").search(rest):
            return "help"  # "can I use these commercially?", "可以商用吗"
        verb_first = compiled(r"^\W*(?:(?:you|u|帮我|给我|替我|帮忙)\s*)?(?:to\s+)?(?:{v})",
                              v=("request_verbs",))
        if asking and verb_first.match(rest):
            return None  # "is it possible to make a video of a cat dancing?", "能让这张图里的瀑布流动起来吗"
        if asking and _GIVE_IT.match(rest) and _asks_for_a_change(rest):
            return None  # "能不能给这张自拍加一副墨镜": a change to it, asked politely
        return "maybe"
    if _verb_first(text) and not _QUESTION_WORD.search(text):
        if untagged_end(text) == len(text) and _HOW_IT_GOES.search(text):
            return "help"  # "生成视频要排队吗": how making one goes, not a request
        return None  # "draw me a dragon?", "画一只猫好吗", "来首歌吧？": a request said with a question mark
    if (starts_like_a_description(text) and not _QUESTION_WORD.search(text)
            and len(_CONTENT.findall(text)) >= 2):
        return "maybe"  # "a cat surfing?": perhaps what to make; asked with a button
    return "chat"


# "有没有可能…": whether it is possible, asked; with a making verb and a subject named ("…三张不同角度的青花瓷
# 花瓶": a count, a 的) it asks for the thing
_MAYBE_POSSIBLE = re.compile(r"^\W*(?:有没有可能|有可能)")
_NAMED_ZH = re.compile(r"[一两二三四五六七八九十几\d][张幅个首段][^，。,.!！?？\s]*的"
                       r"|的[^，。,.!！?？\s]{2,}")


# "给这张自拍…", "把背景…", "帮我给它…": what a change is done to, said first
_GIVE_IT = re.compile(r"^\W*(?:帮我|帮忙|请)?\s*(?:给|把|将|替)")


# "can you make me laugh?", "could you cheer me up": asked of the bot, but nothing made
_NOTHING_MADE = re.compile(r"\W*(?:make (?:me|us) (?:laugh|smile|happy|cry|proud)|make my day|"
                           r"cheer (?:me|us) up|"
                           r"entertain (?:me|us)|surprise me)[\W_]*$", re.I)


# "… if I gave you a photo?", "如果我让你做个10秒的视频，大概要多久？": on a condition the user sets
_IF_MINE = re.compile(r"(?<![a-z])if\s+(?:i|we)\s+(?:asked|gave|sent|ask|give|send|wanted|want|uploaded|"
                      r"upload)(?![a-z])|(?:如果|要是|假如)(?:我|我们)(?:让|叫|给|发|想|要)", re.I)


# "is it possible to have two songs at once": whether the bot can, not a request
_AT_ONCE = re.compile(r"(?<![a-z])(?:at once|at the same time|simultaneously|in one go)(?![a-z])", re.I)


# "… to get a 9:16 vid of …", "… to have one of …": a thing asked for, not a verb of making
_GET_ONE = re.compile(r"\W*(?:to\s+)?(?:get|have|see)\s+(?:me\s+|us\s+)?(?:a|an|some|one|two|three|\d+)"
                      r"(?![a-z])", re.I)


# "这个bot能做BGM吗", "this bot can do 4k?": the bot named before what is asked of it
_BOT_FIRST = re.compile(r"^\W*(?:(?:这个|这|那个|你们的?|你们这个)?\s*"
                        r"(?:机器人|bot(?![a-z])|ai(?![a-z])|助手|小助手)"
                        r"|它|(?:the|this)\s+bot(?![a-z]))\s*", re.I)


@per_message
def _lead_cut(text: str) -> str:
    """The text without its filler lead (:data:`_LEAD_FILLER`). Remembered for the message: the gate's
    questions cut the lead of the same clause again and again (about 6 cuts a message, 3 of them repeats)."""
    return _LEAD_FILLER.sub("", text)


def _without_lead(text: str) -> str:
    """The question without its filler lead and the bot named first: where its asking words begin."""
    return _lead_cut(_BOT_FIRST.sub("", _lead_cut(text)))  # "这个机器人到底能…"


def _polite_with_a_thing(text: str) -> bool:
    """"can you help me make a poster for my garage sale": asked politely, naming what to make."""
    text = _without_lead(text)
    polite = _starts_polite(text)
    if polite is None:
        return False
    return any(n.head for n in nouns(text[polite.end():]))


# "…要排队吗", "…会很慢吗": a question about how making something goes
_HOW_IT_GOES = re.compile(r"(?:要|需要|会|得)[^，。,.!！?？\s]{1,6}?(?:吗|么|嘛)[\W]*$")
_QUESTION_WORD = re.compile(r"(?<![a-z])(?:what|which|how|why|when|where|who|whose|whats|what's)(?![a-z])"
                            r"|什么|啥|哪|怎么|咋|为什么|为啥|多少|几|谁|是不是|有没有|会不会|多久", re.I)


def asks_on_a_condition(text: str) -> bool:
    """"if I asked you to draw a dragon, how long would it take?": how the bot would do, not a request."""
    return bool(_IF_MINE.search(text))


def asks_what(text: str) -> bool:
    """A question word ("what", "which", "怎么", "谁"): asked for an answer, not for something made."""
    return bool(_QUESTION_WORD.search(text))


@cache
def _verb_first_pattern() -> re.Pattern[str]:
    verbs = alternation(v for v in (*phrases("create_verbs"), "give me", "show me", "get me", "gimme")
                        if v != "do")
    return re.compile(rf"^\W*(?:(?:please|pls|plz|just|now|then|ok|okay|请|就|再|也|现在|先|马上)\s*){{0,2}}"
                      rf"(?!{alt('not_verbs')})(?:{verbs})"
                      r"(?![了过的得来完好部师组])", re.I)  # not "设计部说…", "画师"


@cache
def _tag_pattern() -> re.Pattern[str]:
    return re.compile(rf"[\s,，~]*(?:{alt('question_tags')})[\s?？!！~。.]*$", re.I)


def untagged_end(text: str) -> int:
    """Where a request asked as a question ends before its tag ("画一只猫好吗", "来首歌行不行")."""
    tag = _tag_pattern().search(text, max(0, len(text) - 24))  # every tag is shorter than that
    return tag.start() if tag and text[: tag.start()].strip() else len(text)


def _verb_first(text: str) -> bool:
    """The clause opens with a verb that asks for something made ("draw …", "make …", "画…", "来首…")."""
    return bool(_verb_first_pattern().match(text.strip()))


_STATEMENT_SUBJECT = (r"^\W*(?:(?:the|my|our|his|her|their|its|this|that|these|those|your|ur)\s+"
                      r"(?:[\w'-]+\s+){0,3}?|(?:mine|yours|ours|theirs|hers)\s+(?:[\w'-]+\s+){0,2}?"
                      # "spotify's AI DJ keeps …": a name's thing
                      r"|[a-z0-9]+['’]s\s+(?:[\w'-]+\s+){0,2}?)")
_STATEMENT = re.compile(
    _STATEMENT_SUBJECT
    + r"(?:is|are|was|were|has|have|had|can't|cannot|can "
    r"not|doesn't|don't|didn't|won't|looks|look|looked|seems|seem|"
    r"made|makes|needs|wants|got|keeps|became|came out|turned "
    r"out|isn't|aren't|wasn't|cut off|cuts off|stopped|ended|ends|"
    r"froze|failed|broke|glitched|is missing|went|sounds|sound|never|still|came|arrived|loaded|finished|"
    r"come out|comes out|turn out|turns out|always come|always look|always turn|always end|"
    r"appeared|showed up|worked|works|helped|rocks|slaps|killed it"
    # "spotify's AI DJ keeps playing …": a habit complained of
    r"|keeps\s+[a-z]+ing|kept\s+[a-z]+ing)(?![a-z])(?!\s+\w+ing\b)",
    re.I,
)
# a verb in the past: "my render distance dropped to 2 chunks" (not "my cat dressed as a pirate", "my dog
# named Luna"); beside a style, a media noun or an option in another clause ("the old man smiled, oil
# painting") it is the scene described, see :func:`_told`
_PAST_STATEMENT = re.compile(
    _STATEMENT_SUBJECT
    + r"(?!(?:speed|seed|weed|bread|shed|sled|bed|red|need|breed|feed|steed|greed|tweed|reed|creed|deed|"
    r"hundred|sacred|naked|wicked|beloved|crooked|rugged|ragged|jagged|wretched|blessed|learned|aged|"
    r"winged|horned|hooded|masked|armored|armoured|haired|eyed|legged|tailed|colored|coloured|shaped|"
    r"themed|styled|inspired|based|powered|bearded|striped|spotted|wooded|frosted|gilded|named|called|"
    r"titled|nicknamed|dubbed|labeled|labelled)\b)"
    r"(?<!the )(?<!my )(?<!our )(?<!his )(?<!her )(?<!their )(?<!its )(?<!this )(?<!that )(?<!these )"
    r"(?<!those )(?<!your )(?<!ur )[a-z]{2,}[^aeiou\s]ed"
    r"(?!\s+(?:of|from|out|in|on|with|by|as|like|into|up|at|under|over|against|through|across|and)\b)"
    r"(?=\s|$|[,.!?])(?!\s+\w+ing\b)",
    re.I,
)
# a style or a look said beside the story: "…, cinematic, aerial shot", "…, comic style"
_SCENE_WORDS = re.compile(r"(?<![a-z])(?:style|styled|cinematic|aerial|shot|lighting|realistic|"
                          r"photorealistic|anime|cartoon|comic|renaissance|baroque|surreal|fantasy|noir|watercolou?r|oil|pencil|"
                          r"ink|pastel|neon|vintage|retro|minimalist|4k|8k|hdr|16:9|9:16|1:1)(?![a-z])", re.I)


@cache
def _person_does() -> re.Pattern[str]:
    """"my sister paints portraits for a living", "her boyfriend makes beats": a person of one's own, then a
    verb in the present (their habit or job, told), not "my sister's portrait" or "my friends dancing"."""
    return re.compile(rf"^\W*(?:my|our|his|her|their|your|ur)\s+(?:(?:little|big|older|younger|best|"
                      rf"twin|new|old)\s+)?(?:{alt('attribution_people', 'en')}|composer|designer|artist|"
                      rf"illustrator|animator|photographer|producer|videographer|developer|dev|intern)\s+"
                      rf"(?:(?:also|always|still|just|actually|literally|even|only|really)\s+)?"
                      # (not "my daughter loves unicorns, draw her one": a taste is what to make for them)
                      r"(?:(?!(?:is|has|was|does|always|loves|likes|adores|enjoys|wants|needs)(?![a-z]))"
                      r"[a-z]+[a-rt-z]s(?![a-z'’])"
                      # "our composer is doing the soundtrack": at work on it now
                      r"|(?:is|'s|are)\s+(?:already\s+|still\s+|currently\s+)?[a-z]+ing(?![a-z]))", re.I)


def _told(lowered: str, around: tuple[str, int, int] | None) -> bool:
    """A statement about a thing ("the video render failed", "my render distance dropped to 2 chunks"). A
    past-tense one counts only when the rest of the message (its other clauses) sets no scene: beside a
    style, a head media noun or an option ("the old man smiled, oil painting", "the forest burned, 16:9") it
    describes what to make. ``around`` is the whole message and where the clause is in it (the rest is cut
    out only when a past-tense statement was found)."""
    if _STATEMENT.match(lowered) or _person_does().match(lowered):
        return True
    if not _PAST_STATEMENT.match(lowered):
        return False
    if around is None:
        return True
    whole, start, end = around
    rest = f"{whole[:start]} , {whole[end:]}"
    return not (_SCENE_WORDS.search(rest) or any(n.head for n in nouns(rest))
                or take_options(rest, None, 0)[0].options)


#: a verdict after the thing named ("手指总是不对", "字都是乱码", "太糊了"): talk about a result
_STATEMENT_ZH = re.compile(r"(?:总是|老是|都是|又|不对|不行|乱码|变形|糊|有问题|崩了|好丑|太丑|一般)")
@cache
def _about_the_mentioned() -> re.Pattern[str]:
    """"bro @ima is cracked at posters" reaches the gate as "bro is cracked at posters": a word of address
    and a verb with the bot's mention (removed) as its subject."""
    return re.compile(rf"^\W*(?:{alt('address_words')})\s+(?:is|are|was|has|had|can't|cant|always|never|"
                      r"really|kinda|literally|keeps|made|makes|did|does|won't)(?![a-z])(?!\s+(?:draw|make|do|generate|create))"
                      r"|^\W*(?:{zh})\s*(?:是|真|太|好|也|又|怎么|就|还|居然|竟然)".replace(
                          "{zh}", alt("address_words", "zh")), re.I)


_DONE_WELL = re.compile(r"(?:画|做|写|唱|拍|生成|弄|p)得")  # "画得真好": how it was made, not a request
# "draw it later lol": laughter or a shrug after it still ends the clause
_NOT_NOW_END = re.compile(r"(?<!for )(?<!'s )(?<!until )(?<!by )(?:" + "{not_now}" + r")"
                          r"(?:\W|(?<![a-z])(?:lol|lmao|haha|hehe|tho|though|maybe|probably|i guess)"
                          r"(?![a-z]))*$", re.I)


# "if @ima draws one more six-fingered elf im uninstalling": a condition on what the user will do
_IF_I = re.compile(r"^\W*if\b.*\b(?:i'?m|i'll|ill|i will|i am|we're|we'll)\b", re.I)


def put_off(text: str) -> bool:
    """"draw it later", "later ok", "明天再说": not now; "music for our D&D session tonight" is for an
    occasion, still asked now."""
    said = _not_now().search(text)
    if said is None:
        return False
    before = re.search(r"([a-z&'-]+|[\u3400-\u9fff]{1,3})\s*$", text[: said.start()], re.I)
    return not (before and pattern("occasions").fullmatch(before.group(1)))


def later_on_its_own(text: str) -> bool:
    """"later ok", "maybe tomorrow", "下次吧": a short clause that puts the whole message off."""
    return bool(pattern("not_now").search(text)) and len(_CONTENT.findall(text)) <= 3


@cache
def _not_now() -> re.Pattern[str]:
    return re.compile(_NOT_NOW_END.pattern.replace("{not_now}", alt("not_now")), re.I)


@cache
def _errand() -> re.Pattern[str]:
    lead = alternation([*phrases("polite_prefixes"), *phrases("leading_fillers", "zh"), "can you",
                        "could you", "can u", "could u", "please", "pls", "would you"])
    # a one-character errand only before what it takes ("帮我算一下", not "给我们读书会做个海报")
    single = alternation(w for w in phrases("errands", "zh") if len(w) == 1)
    longer = alternation(w for w in phrases("errands") if len(w) > 1)
    return re.compile(rf"^\W*(?:(?:{lead})\s*)+(?:(?:{longer})(?![a-z])"
                      rf"|(?:{single})(?=一下|一|下|个|些|点|这|那|\s|\d|$))", re.I)


@cache
def _text_object() -> tuple[re.Pattern[str], frozenset[str]]:
    """What follows a verb when words are asked for, and the lead-ins ("帮我", "给我") that are asking, not
    the verb (built once)."""
    after = re.compile(rf"^\W*(?:(?:me|us|a|an|some|the|few|a "
                       rf"few|one|想个|起个|取个|想|个|一个|一篇|一首|一段|几个|点|一些|首|篇|段|句)\s*)*"
                       # "a short poem", "关于秋天的诗", "视频标题" (not "一只写诗的猫": 诗 describes the cat)
                       rf"(?:[a-z-]+\s+|[^，。,.!?！？\s]{{1,12}}的|[\u3400-\u9fff]{{1,6}}?)?"
                       # (not "a title screen background", "a quote card": words that name a picture)
                       rf"(?:{alt('text_objects')})(?!\s*的)(?!\s+(?:screen|card|cards|page|sequence|background|"
                       rf"art|design|image|picture|poster|logo|cover|banner|slide|graphic|wallpaper)(?![a-z]))",
                       re.I)
    return after, frozenset(p.lower() for p in phrases("leading_fillers", "zh"))


def text_request(text: str) -> bool:
    """"write me a poem", "tell me a joke", "给我讲个笑话": words, not pictures or sound — nothing we make; so
    are errands asked after an asking lead ("帮我算一下", "帮我推荐一首歌", "can you check my poster")."""
    errand = _errand().match(text)
    if errand and not _combined("create_verbs").search(text, errand.end()) and not any(
            n.start < errand.end() <= n.end for n in nouns(text)):
        # (not "帮我选个风格画只猫", "pls check the vibe and make a lofi song": the errand leads to what is
        # made; not "please book cover for my novel": the errand's word opens a media noun)
        return True
    words_after, lead_ins = _text_object()
    for verb in _combined("request_verbs", "create_verbs").finditer(text):
        if words_after.match(text[verb.end(): verb.end() + 40]) and not any(
                n.head for n in nouns(text[verb.end():])):
            return True  # (not "做两个年终总结开场动画": the words name what the intro is about)
        if verb.group(0).lower() not in lead_ins:
            break  # only the first verb is what is asked: "画一只写诗的猫" draws a cat (that writes poems)
    return False


def errand(text: str) -> bool:
    """The (lowercased) clause opens with an errand asked of the bot ("帮我看看", "can you check")."""
    return bool(_errand().match(text))


def asks_for_something_made(text: str) -> bool:
    """A making verb ("画", "make") or a counted media noun that heads what is named ("再配一张图", "a lofi
    song"): the words ask for something we make, whatever errand or words were asked before them (not "关于
    露营vlog的": what the words are about)."""
    return bool(_combined("create_verbs").search(text) or any(
        n.head and _COUNTED.search(text, max(0, n.start - 16), n.start) for n in nouns(text)))


# a count or an article right before a media noun (an adjective or two between, in English)
_COUNTED = re.compile(r"(?:[一两二三四五六七八九十几\d][张个首段幅支部份]"
                      r"|(?<![a-z])(?:a|an|one|two|three|some)\s+(?:[a-z'-]+\s+){0,2})\s*$", re.I)


_WANT = re.compile(r"(?<![a-z])(?:wants?|needs?|would like|'d like|'d love|would love|looking "
                   r"for|想要|需要|要)(?![a-z])", re.I)


def wants_something_made(text: str) -> bool:
    """"my daughter wants a unicorn picture", "我们公司需要一个宣传视频": a request told as a statement."""
    want = _WANT.search(text)
    if want is None:
        return False
    rest = text[want.end():]
    return any(noun.head for noun in nouns(rest)) or bool(
        compiled(r"\s*(?:to\s+|你)?(?:{v})", v=("create_verbs",)).match(rest)
    )


# single quotes too ("he typed 'make a video of a dog'"), but not apostrophes ("don't … it's")
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|「[^」]*」|『[^』]*』|‘[^’]*’"
                     r"|(?<![a-z0-9])'[^'\n]{3,}?'(?![a-z0-9])", re.I)


# "[verse] the server's down again …", "lyrics: …": the words to sing, not the user's own
_LYRICS_ON = re.compile(r"\[(?:verse|chorus|intro|outro|bridge|hook|pre-chorus|主歌|副歌)[^\]]{0,12}\].*"
                        r"|l(?<![a-z]l)yrics\s*[:：].*|歌词\s*[:：].*", re.I | re.S)


#: the marks a quote or a lyrics part needs: most clauses have none, and the patterns above were tried at
#: every place of every clause
_QUOTE_MARKS = re.compile(r"[\"“「『‘']")
_LYRICS_MARKS = re.compile("[\\[:：]")


def quoted_at(text: str, at: int) -> bool:
    """Whether the place ``at`` is inside a quote of the text (:data:`_QUOTED`)."""
    return bool(_QUOTE_MARKS.search(text)) and any(m.start() < at < m.end() for m in _QUOTED.finditer(text))


def _unquoted(text: str) -> str:
    """The text with each quote blanked (:data:`_QUOTED`)."""
    return _QUOTED.sub(" ", text) if _QUOTE_MARKS.search(text) else text


def _own_words(text: str) -> str:
    """The clause without what the user quotes: lyrics, titles, the words on a poster."""
    return _unquoted(_LYRICS_ON.sub(" ", text) if _LYRICS_MARKS.search(text) else text)


def chatty(text: str, around: tuple[str, int, int] | None = None) -> bool:
    """A statement about oneself or the result ("i think the first one was better", "我今天好累"). ``around``
    is the whole message and the clause's place in it (see :func:`_told`)."""
    lowered = _lead_cut(text.strip().lower())
    unquoted = _unquoted(lowered)  # 'a poster that says "see you tomorrow"' is not for later
    starts = compiled(r"^\W*(?:{starts})(?!['’]s)", 0, starts=("chat_starts",))
    if starts.match(lowered) or text_request(lowered) or put_off(unquoted):
        return True
    idiom = compiled(_IDIOM, 0, idioms=("idioms",)).match(lowered)
    if (idiom and _idiom_stands(lowered, idiom, around)) or _SHOW_ME_YOURS.match(lowered):
        return True  # "make sure you bring a jacket", "time to make dinner", "画饼", "放首歌": everyday talk
    if _off_to().match(lowered) or _ONLY_A_WAIT.match(lowered):
        # "现在要去接孩子", "我先去吃饭了": where the user is off to; "休息十分钟", "brb 5 min": a break
        return True
    if scan("talk_anywhere").search(lowered):
        return True  # "视频还没出来", "把这个翻译成英文": waiting, or words to translate
    if (_future_plan(lowered) and not _stated_after(around)) or _reported().match(lowered):
        return True  # "明天我再让它画海报", "老板说以后海报都让机器人做"
    if wants_something_made(lowered):
        return False
    if past_story(lowered) or _plan(lowered):
        return True  # what happened, or what the user will do themselves ("I'll draw it myself lol")
    if (_told(lowered, around) or _about_the_mentioned().match(lowered) or _IF_I.match(lowered)
            or _DONE_WELL.search(lowered)):
        return True
    if _combined("polite_prefixes").match(lowered):
        return False
    opener = compiled(r"^\W*(?:{openers})(?![a-z])", 0, openers=("chat_openers",)).match(lowered)
    if not opener:
        return False
    rest = lowered[opener.end():]
    asked = _combined("request_verbs", "edit_words").match(rest.strip())
    if asked and _SUBJECT_ONLY.fullmatch(opener.group(0)) and asked.group(0).lower() not in _WANTING:
        return True  # "I just edit them", "we draw everything by hand": what the user does, told
    if asked and not re.match(r"[的得了过]", rest.strip()[asked.end():]):
        return False  # "i want a picture of …", "我要一张…"
    if re.search(r"[\u3400-\u9fff]", lowered):
        # "你画的图手指总是不对", "大家看看这个机器人画的图": a verb before 的/了/过 tells what was made
        made = (m for m in _combined("create_verbs").finditer(rest)
                if not re.match(r"[的得了过]", rest[m.end():]))
        # "这张合照给每个人加上圣诞帽": a change asked of the picture that came with it
        return next(made, None) is None and not _asks_for_a_change(rest) and (
            not pattern("media_nouns", "image").search(rest) or bool(_STATEMENT_ZH.search(rest)))
    return bool(compiled("(?:{v})", 0, v=("finite_verbs", "en")).search(lowered))


# a clause that is only a break or a wait ("休息十分钟 @ima 做一个10秒的视频": the break is no prompt)
_ONLY_A_WAIT = re.compile(r"^\W*(?:(?:会议|大家|我们|我)?\s*(?:先|要)?\s*(?:暂停|休息|等我?|等等|歇)\s*"
                          r"[一二两三四五六七八九十半\d]+\s*(?:分钟|分|秒钟?|小时|个小时)"
                          r"|(?:brb|back\s+in|give\s+me|gimme|wait|break)\s+(?:like\s+|about\s+)?\d+\s*"
                          r"(?:min|mins|minutes?|secs?|seconds?|hours?|hrs?)(?![a-z]))[\s了吧哈啊呀~～!！。.]*$",
                          re.I)


@cache
def _off_to() -> re.Pattern[str]:
    """"现在要去接孩子", "我得去开会": the user off on an errand (data: off_to); not "[1] 先去噪", "要去斑",
    "要去掉背景": what is removed from a picture."""
    return compiled(r"^\W*(?:我|我们)?(?:现在|马上|这就|先|等下)?(?:要|得|该|先|这就)去"
                    r"(?![^，。,.!！?？\s]{{0,6}}的)(?:{e})", e=("off_to", "zh"))


# "show me your desk setup", "send us your pics": the other person's own things asked to see (not "show me
# your take on a haunted lighthouse": the bot's version of something)
_SHOW_ME_YOURS = re.compile(r"^\W*(?:show|send|post|drop)\s+(?:me|us)\s+(?:your|ur)\s+"
                            r"(?!(?:take|version|best|interpretation|idea|vision|rendition|attempt|spin|own)"
                            r"(?![a-z]))", re.I)


#: an everyday phrase with a making verb (intent_words.json: idioms) opening the clause, perhaps after
#: "time to"
_IDIOM = (r"^\W*(?:(?:time to|gotta|got to|have to|need to|going to|gonna|i have to|i need to|i gotta|"
          r"先去|去|要|得|该)\s*)?(?:{idioms})(?!\s+(?:of|long)(?![a-z]))")


# an English subject alone as the opener, and the verbs after it that ask ("i want …", "we need …")
_SUBJECT_ONLY = re.compile(r"\W*(?:i|we|i just|we just)\W*", re.I)
_WANTING = frozenset({"need", "want", "i want", "i need", "i'd like", "id like", "i would like", "give me",
                      "show me", "get me", "gimme", "try"})


def _idiom_stands(clause: str, idiom: re.Match[str], around: tuple[str, int, int] | None) -> bool:
    """Whether the everyday phrase opening the clause is the phrase itself, not the start of a subject to
    make: "make dinner video …", "做饭的视频", "做梦的猫", "make time-lapse of …", "draw a blank canvas …",
    "做人要善良的海报" name a thing to make; so does "make friends with a dragon, storybook illustration" (the
    thing named in the next clause) or "make sure the cat has a hat, draw it"."""
    rest = clause[idiom.end():]
    if _IDIOM_GOES_ON.match(rest):
        return False  # "make time-lapse", "做饭的视频": the phrase is part of a longer name
    if (to := _SURE_TO.match(rest)) and _opens_a_request(rest[to.end():]) and not compiled(
            _IDIOM, 0, idioms=("idioms",)).match(rest[to.end():]):
        return False  # "make sure to draw a cat with a hat": what to make, said with care
    word = _NEXT_WORD.match(rest)
    if word and not (_OPEN_IDIOM_END.search(idiom.group(0)) or _idiom_followers().fullmatch(word.group(1))):
        return False  # "make breakfast scene", "make a wish jar": a noun after the phrase's noun
    if any(n.head for n in nouns(clause) if n.start >= idiom.end()):
        return False  # "make dinner video for my channel", "make a mistake meme", "做人要善良的海报"
    if around is None:
        return True
    whole, start, end = around
    # "…, storybook illustration", "…, draw it", "…，画出来": the next or last clause asks for the thing
    # without naming a subject of its own, so the phrase's clause is the subject
    return not any(_ASKS_FOR_IT.match(said) or _media_label(said.strip()) or _media_of_it().match(said)
                   for said in _CLAUSE_SPLIT.split(whole[:start] + "," + whole[end:]) if said.strip())


@cache
def _media_of_it() -> re.Pattern[str]:
    """A clause that names the media of the thing said before it: "video of it being poured", "a photo of
    that", "an illustration of them" ("make me a drink, a blue one, video of it being poured")."""
    return compiled(r"\W*(?:an?\s+)?(?:[a-z'-]+\s+){{0,2}}?(?:{m})s?\s+(?:of|with|where|showing)\s+"
                    r"(?:it|that|this|them|one)(?![a-z])", m=("media_nouns",))


def _media_label(said: str) -> bool:
    """A clause that only names the media, perhaps with a style before it: "storybook illustration", "视频",
    "写实风格图片" (not "还是原图好看", where the picture is talked about)."""
    if len(said.split()) > 3 or (len(said) > 10 and _HAN.search(said)):
        return False
    return any(n.head and not said[n.end:].strip() for n in nouns(said))


# an idiom that goes on into a longer word ("make time-lapse") or names what it is about ("做饭的视频",
# "做梦的猫"; not "做饭的时候", "做梦的话")
_IDIOM_GOES_ON = re.compile(r"[a-z0-9-]|\s*的(?!时候|话|事|时间|日子|人都|心情)")
_SURE_TO = re.compile(r"\s+(?:to|you|u|ya)\s+(?:(?:also|just|really|please|pls)\s+)?")
_NEXT_WORD = re.compile(r"\s+([a-z']+)")
# idioms that take any words after them ("make sure the …", "make fun of …", "make it to …")
_OPEN_IDIOM_END = re.compile(r"(?:sure|sense|surprised|impressed|comfortable|home|mind|of|to|do|it|through|"
                             r"back|there|tonight|time|way|[\u3400-\u9fff])$")
_ASKS_FOR_IT = re.compile(r"\W*(?:(?:pls|please|now|then|and|ok|so)\s+)*(?:draw|paint|make|render|animate|"
                          r"illustrate|sketch|generate|create)\s+(?:it|that|this|them|one|him|her)(?![a-z])"
                          r"|\W*(?:帮我|给我|请)?(?:画|做|生成|弄)(?:出来|一张|一个|一幅|个|张|幅|成)", re.I)
_CLAUSE_SPLIT = re.compile(r"[,，.。!！?？;；\n]+")


@cache
def _idiom_followers() -> re.Pattern[str]:
    return compiled("(?:{w})", 0, w=("idiom_followers",))


_PAST_AFTER = r"(?!\s+(?:of|from|out of|in|on|with|by|as|like|for you|for me)(?![a-z]))"
_PAST_ADVERBS = r"(?:just|already|finally|also|once|actually|literally|recently|accidentally|totally|even)\s+"
_ASKING = re.compile(r"(?<![a-z])(?:can you|could you|would you|please|pls|plz)(?![a-z])"
                     r"|^\W*(?:帮我|给我|请|麻烦)|能不能|可以|能帮|再")


# "刚在即梦做完视频", "我已经画好了": something the user just finished (a verb with 完/好, no 了 needed)
_ZH_JUST_DONE = re.compile(r"^\W*(?:我|我们)?(?:刚|刚刚|刚才|已经|昨天|上次)[^，。,.!！?？]{0,10}?"
                           r"(?:画|做|生成|弄|写|拍|剪|搞|出)(?:完|好)(?![吗么呢])")


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
    if compiled(r"^\W*(?:{a})", 0, a=("articles", "zh")).match(text):
        return False  # "一只猫画了一幅画" describes a picture
    if _ZH_JUST_DONE.match(text):
        return True  # "刚在即梦做完视频", "刚做完一个视频 累死": just finished, told
    if botched.search(text):
        return True  # "手都画崩了"
    when = pattern("past_times", "zh").search(text)
    if when and happened.search(text, when.end()):
        return True  # "昨天用你做的视频发抖音了"
    zh = zh_done.search(text)
    return bool(zh and pattern("past_subjects", "zh").search(text[: zh.start()]))


# "明天要用的海报" names a poster (a verb before 的 describes it)
# "下周618我们组要出一套KV": who plans it may come with a few words before it
_ZH_PLAN_VERB = re.compile(r"^\W*(?:[^，。,.!！?？\s]{0,6}?(?:我们|咱们|我|咱|组|团队|公司|部门|都))?"
                           r"(?:再|要|会|得|去|打算|准备|想|让|叫|演示|展示|分享|教|示范|讲"
                           r"|(?<=我|们|咱)来(?=做|画|弄|搞|写|剪|拍|出|负责|整))"
                           r"(?![\u3400-\u9fff]{0,2}的)")


@cache
def _reported() -> re.Pattern[str]:
    """"我朋友说这个bot画画很好看", "my boss says …": what someone said or thinks, told to the channel."""
    return re.compile(rf"^\W*(?:我的?|我们的?)?(?:{alt('past_subjects', 'zh')})(?:都|也|就|还)?"
                      r"(?:说|觉得|认为|讲|夸|以为)"
                      rf"|^\W*(?:(?:{alt('past_subjects', 'en')})\s+)(?:[a-z'-]+\s+){{0,2}}?"
                      r"(?:said|says|say|thinks|think|thought|told|tells|reckons)(?![a-z])", re.I)


_NEED_LATER = re.compile(r"^\W*(?:i|we)\s+(?:need|want|will need|'ll need|might need)(?![a-z])", re.I)


# who plans, said before when: "我们 team 下周…", "我明天…", "we next week" (Chinese word order)
_WE_FIRST = re.compile(r"^\W*(?:我们|咱们|我|咱|大家|团队|公司)(?:组|团队|部门|公司|小组)?\s*(?:[a-z]+\s*)?"
                       r"(?:这边\s*)?", re.I)


def _future_plan(text: str) -> bool:
    """"next week we'll need a banner", "明天我再让它画海报", "下周要做一个发布会的海报": what the user
    means to do later, told to the channel; "tomorrow, can you …" and "明天要用，帮我画…" still ask now."""
    lead = pattern("future_times").match(text)
    if lead is None and (mine := _WE_FIRST.match(text)):
        lead = pattern("future_times").match(text, mine.end())  # "我们 team 下周要拍个 product video"
    if lead is None:
        return False
    rest = text[lead.end():].lstrip(" ,，")
    planned = pattern("plans").match(rest) or _ZH_PLAN_VERB.match(rest) or _NEED_LATER.match(rest)
    if planned is None:
        return False
    # (not "我明天要一张海报：新品发布": what it shows, stated after a colon, asks now)
    return not _ASKING.search(rest[planned.end():].lstrip("再")) and not _STATED.search(rest, planned.end())


# a description stated after a colon: "…：猫在跳舞", "…: a fox in the snow"
_STATED = re.compile(r"[:：]\s*[^\s:：]")


def _stated_after(around: tuple[str, int, int] | None) -> bool:
    """The clause is followed by a colon and what to make ("我明天要一个视频：猫在跳舞"): asked now, whatever
    time was said before it."""
    return around is not None and bool(_STATED.match(around[0], around[2]))


def _plan(text: str) -> bool:
    """"I'll draw it myself", "gonna make a video later": the user's own plan; "I'll take a poster of a
    sunset please" orders one."""
    said = pattern("plans").match(text)
    if said is None or _ASKING.search(text):
        return False
    return not re.match(r"\s*(?:take|have|get)(?![a-z])", text[said.end():])


_SELF_FIRST = re.compile(r"^\W*(?:(?:i|we|i'm|im|me)(?![a-z'])|我|咱)", re.I)


def wished(text: str) -> tuple[int, int] | None:
    """"I wish I had a picture of a lighthouse", "要是有张猫的图就好了": a wish for something made, which
    might be a request but is not clearly one, so it is asked with a button, never charged. Returns the
    span of what is wished for; an empty span when the wish names nothing we make ("真希望我也会画画":
    small talk); None when the clause is not a wish."""
    said = scan("wishes").search(text)
    if said is None or residue(text[: said.start()], "reactions", "greetings", "intensifiers", "bot_words",
                               "leading_fillers"):
        return None  # "画一个希望之光", "a house, I wish I had one": not a wish said first
    start, end = said.end(), len(text)
    if re.match(r"\W*(?:你|您)(?:能|可以|帮)", text[start:]):
        return None  # "真希望你能帮我画…": a polite request
    ending = compiled(r"(?:{e})[\W~]*$", 0, e=("wish_endings",)).search(text[start:])
    if ending:
        end = start + ending.start()
    rest = text[start:end]
    if _SELF_FIRST.match(rest) or not (any(n.head for n in nouns(rest))
                                       or _combined("create_verbs", "request_verbs").search(rest)):
        return start, start
    return start, end


@cache
def _courtesy() -> tuple[re.Pattern[str], re.Pattern[str]]:
    lead = rf"^[\W_]*(?:{alt('courtesy_leads')})(?!\s*(?:['’]t|n['’]t|not)(?![a-z]))[\s,，:：]*"
    tail = rf"[\s,，~]*(?:{alt('courtesy_tails')})[\W_]*$"
    return re.compile(lead, re.I), re.compile(tail, re.I)


@per_message
def courtesy(text: str) -> tuple[int, int]:
    """Where a clause's request starts and ends once conditional courtesy is set aside: "if you can, a video
    of …", "可以的话帮我画…", "… that'd be great", "…就太好了" ask as plainly as the request alone. An
    empty span: the clause is only courtesy."""
    lead_pattern, tail_pattern = _courtesy()
    lead = lead_pattern.match(text)
    start = lead.end() if lead else 0
    tail = tail_pattern.search(text, max(start, len(text) - 40))  # every tail is shorter than that
    return start, tail.start() if tail else len(text)


# "let's make a video for mom's birthday this weekend", "we should do a poster tomorrow": the group's plan
_LETS = re.compile(r"^\W*(?:let's|lets|let us|we should|we could|we gotta|we have to|we need to)"
                   r"(?![a-z'])", re.I)


def planned_for_later(text: str) -> bool:
    """A "let's …" or "we should …" that names a later time: the channel's plan, perhaps a request; asked
    with the button, never charged now."""
    opening = _lead_cut(text.strip())
    return bool(_LETS.match(opening) and pattern("future_times").search(opening))


def unsure(text: str) -> bool:
    """"idk what yet", "还没想好": the user has not decided what to make, so nothing is made without
    asking."""
    return bool(scan("unsure").search(text))


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
    if any(_other_imperative().match(c.text) for c in clauses(lowered)):
        return False  # "yes tom, read the pins": an instruction to people, not a scene
    return len(_CONTENT.findall(lowered)) >= 3


@cache
def _other_imperative() -> re.Pattern[str]:
    """A clause that opens with an everyday verb and its object ("read the pins", "ping me later")."""
    return compiled(r"^\W*(?:(?:pls|please|plz|just|then|and|now|also|go)\s+)?(?:{v})\s+"
                    r"(?:the|my|your|ur|our|their|his|her|it|me|us|him|them|this|that|these|those|everyone|everybody|all)(?![a-z'])",
                    v=("other_imperatives", "en"))


def starts_like_a_description(text: str) -> bool:
    """"a cat in a hat", "一只戴墨镜的柴犬": an article or a count first, the way a prompt starts."""
    return bool(compiled(r"^\W*(?:{a})", a=("articles",)).match(text.strip()))


def remark(text: str) -> bool:
    """Words people use when talking about something rather than describing it: "too dark", "颜色好看"."""
    lowered = _RELATIVE_THAT.sub(" ", text.lower())  # "a dragon that breathes rainbows" describes
    if '"' in lowered or "“" in lowered:  # 'a poster that says "WE ARE OPEN"': the words on it, not talk
        lowered = _QUOTED_WORDS.sub(" ", lowered)
    if lowered.rstrip(" .!~").endswith(("please", "pls", "plz")):  # "a cat in a hat, please" asks
        lowered = lowered[:-40] + _PLEASE_AT_THE_END.sub("", lowered[-40:])  # ("please no more" talks)
    zh = pattern("marker_compounds").sub(" ", lowered)  # 太阳 is the sun, not 太 "too"
    return bool(compiled("(?:{m})", 0, m=("markers", "en")).search(lowered)
                or any(m in zh for m in _zh_markers()))


_PLEASE_AT_THE_END = re.compile(r"[\s,.!~]*(?<![a-z])(?:please|pls|plz)[\s.!~]*$")
_QUOTED_WORDS = re.compile(r'"[^"\n]{1,200}"|“[^”\n]{1,200}”')
_RELATIVE_THAT = re.compile(r"(?<=[a-z]\s)(?:that|which|who)(?=\s+[a-z]+s(?![a-z']))", re.I)


@cache
def _zh_markers() -> tuple[str, ...]:
    return tuple(phrases("markers", "zh"))


# ── Request shape and chat signals: charge only what is shaped like a request ──
# Tuning rule by rule on messages people wrote did not carry over to messages nobody on the team wrote, so
# the gate also works the other way round: a clause is charged without asking only when it is shaped like
# a request (an imperative or polite request to make something, a bare description, a slash command), and a
# clause that carries a sign of talk (negation, the past, a remark about "you", a comparison, a
# hypothetical, reported speech, a statement about a result) is charged only when it also opens the way a
# request opens. Whatever is left is answered as talk or asked with the one-line "Make it" button.

#: the signals that make a clause talk (a chat answer); the others (hypotheticals) are asked with a button
TALK_SIGNALS = ("negation", "comparison", "reported", "past", "second_person", "statement", "deferral",
                "plan", "own_action", "to_the_group", "work_talk", "habit")

# (not "the trailer for that space opera dropped today": "that" after a preposition points at something)
_RELATIVE = re.compile(r"(?<!\bfor )(?<!\bof )(?<!\bin )(?<!\bon )(?<!\babout )(?<!\bfrom )(?<!\bwith )"
                       r"(?<!\bto )(?<!\bat )"
                       r"(?:that|who|which|where|when|whose|whom)\s+(?:[a-z'-]+\s+){0,2}$", re.I)
# "a poster is way cheaper …", "posters of cats are everywhere": a thing we make named, then what it is
_COPULA = re.compile(r"(?<![a-z'])(?:is|are|was|were|isn't|aren't|wasn't|weren't|looks|looked|seems|"
                     r"costs)(?![a-z'])", re.I)
# "墙上那张海报是我女儿画的": who made it, told after 是 … 的
_ZH_MADE_BY = re.compile(r"是[^，。,.!！?？]{0,8}?(?:画|做|拍|生成|写|唱|弄|设计|p)(?:出来)?的")
# "可灵的视频比海螺的流畅": one thing weighed against another
_ZH_THAN = re.compile(r"(?<![对无])比(?![基赛例较如特萨利心划分拟])[^，。,.!！?？]{1,10}?"
                      r"(?:更|还|好|差|强|流畅|清楚|快|慢|贵|便宜|真实|自然|多|少)")
#: a past form right before these is a participle that describes ("made of glass", "drawn in ink")
_PARTICIPLE_AFTER = re.compile(r"\s+(?:of|from|out of|in|on|with|by|as|like|into)(?![a-z])", re.I)


# "小李说…", "我妈说…": what someone said (not 说唱, 说话, 小说, 传说)
# "小红书那边说", "我们 PM 说"
_ZH_SAID = re.compile(r"^\W*(?:(?:今天|昨天|刚才|早上|上午|中午|下午|晚上|开会时?|会上|群里)\s*)*"
                      r"(?:[^，。,.!！?？\s]{1,4}?|[^，。,.!！?？]{0,4}?[a-z]+[^，。,.!！?？]{0,3}?)"
                      r"(?:那边|这边|刚才|刚刚|刚|也|又|都|还|就)?\s*(?<![小传听解演据])说(?![唱话明书服])",
                      re.I)
# "那首歌我循环了一下午", "视频被老板夸了": something a person did or that happened to a result
@cache
def _zh_done() -> re.Pattern[str]:
    return re.compile(rf"(?:{alt('past_subjects', 'zh')}|被)[^，。,.!！?？]{{0,6}}?"
                      r"[\u3400-\u9fff]了(?![吗么呢吧])")


@cache
def _signal_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    told = (rf"(?<![a-z'])(?:{alt('chat_signals', 'past_subjects')})(?:\s+[a-z'-]+){{0,2}}?\s+"
            rf"(?:{alt('chat_signals', 'past_told')})")
    # "i want to pick again", "need to trim the clip": the user's own doing, not something to make
    own = (r"(?:^\W*|(?<![a-z'])(?:i|we)\s+(?:really\s+|just\s+)?)"
           r"(?:want|wanna|need|would like|'d like|have|got)\s+to\s+"
           rf"(?!(?:{alt('chat_signals', 'own_action')})(?![a-z]))[a-z]")
    return (*((name, re.compile(alt("chat_signals", name), re.I)) for name in _SIGNAL_LISTS),
            ("past", re.compile(told, re.I)), ("own_action", re.compile(own, re.I)),
            # "… she likes first", not "first: a horse …"
            # (not "door closed in the first": the first picture)
            ("deferral", re.compile(r"(?<![a-z])(?!the\s)[a-z]+\s+first\W*$", re.I)))


_SIGNAL_LISTS = ("negation", "comparison", "reported", "to_the_group", "work_talk", "habit", "second_person",
                 "deferral", "plan", "hypothetical", "past", "amused")


@cache
def _any_signal() -> tuple[PhraseScan, re.Pattern[str]]:
    """Every sign of :func:`_signal_patterns` in two scans: most clauses carry none, and two scans say so
    where a scan per sign took fifteen. The phrases are one trie (an alternation of the lists' own tries
    made the regex engine enter every list at every position: 3x slower), the built patterns the other."""
    phrase_lists = PhraseScan(p for name in _SIGNAL_LISTS for p in phrases("chat_signals", name))
    others = _signal_patterns()[len(_SIGNAL_LISTS):]
    built = re.compile("|".join(f"(?:{found.pattern})" for _, found in others), re.I)
    return phrase_lists, built


def _signalled(text: str) -> bool:
    phrase_lists, built = _any_signal()
    return bool(phrase_lists.search(text) or built.search(text))


@cache
def _negated_start() -> re.Pattern[str]:
    return re.compile(rf"^\W*(?:{alt('chat_signals', 'negation_start')})(?![a-z'])", re.I)


_WHO_FIRST = re.compile(r"^\W*(?:谁|有人|有没有人|有谁|大家|各位|(?:who|who's|whos|anyone|anybody|someone|"
                        r"somebody|everyone|y'all|yall)(?![a-z']))", re.I)


# a typed "@name" opening the message (after a greeting), and the name it calls
# (a letter first: "<@1187…>" and "@_user_1" are the platforms' mention tokens, whoever they call)
_HANDLE_FIRST = re.compile(r"^[\s\W]*?(?:(?:hey|hi|hello|yo|ok|okay|嗨|哈喽|你好)[\s,，]+)?(?<!<)@"
                           r"([^\W\d_][^\s,，:：@>]*)", re.I)
# the bot called later in the message, by a typed name or a platform's mention token
_BOT_CALLED = re.compile(r"<@!?&?\d+>|@_user_\d+|<at[^>]*>|@(?:ima|机器人|小助手|ai助手|bot)", re.I)


def addressed_to_someone(text: str) -> bool:
    """"@sam can you render the cutscene?", "@王姐 背景音乐的版权你问过法务了吗？": a message that opens by
    calling a person by a typed "@name" (not the bot's, not everyone's) and never calls the bot is said to
    that person."""
    first = _HANDLE_FIRST.match(text)
    if first is None:
        return False
    name = first.group(1).lower().rstrip(".!~")
    if name in _bot_handles() or name.startswith(("ima", "ai")) or any(w in name for w in _BOTLIKE):
        return False  # "@IMA助手", "@ImaBot", "@AI绘图", "@design-bot": the bot, however the server named it
    return _BOT_CALLED.search(text, first.end()) is None


_BOTLIKE = ("bot", "助手", "机器人")


@cache
def _bot_handles() -> frozenset[str]:
    return frozenset(p.lower() for p in phrases("bot_handles"))


def asks_the_channel(text: str) -> bool:
    """A question put to the people in the channel ("谁点外卖", "who's on it?", "谁有空整理一下规范") or an
    opinion asked ("@小王 你觉得呢"), not something asked of the bot to make."""
    opening = _opening(text)
    return bool(_WHO_FIRST.match(opening) or _OPINION_ASKED.search(_lead_cut(text.strip()))
                or _signal(text, "to_the_group"))


def _signal(text: str, name: str) -> bool:
    return any(n == name and found.search(_unquoted(text)) for n, found in _signal_patterns())


def negated(text: str) -> bool:
    """The clause opens with a negation ("别老给我换来换去", "don't make it blue"): what not to do."""
    return bool(_negated_start().match(_opening(_unquoted(text))))


@per_message
def _opening(text: str) -> str:
    """The clause without what people put before the point: greetings, thanks, reactions, "ok so", "if you
    can" (and the bot's name)."""
    text = _lead_cut(_combined_start().sub("", text))
    start, _ = courtesy(text)
    return _lead_cut(text[start:])


@cache
def _made_opening() -> re.Pattern[str]:
    """A thing to make named first, with what it shows or is for: "a video of …", "comic about …", "a
    banner saying …" (not "the new trailer for …": a thing that exists, talked about)."""
    return compiled(r"^\W*(?!(?:the|this|that|these|those|my|our|his|her|their|your|ur)\s)"
                    r"(?:(?:an?|some|one|two|three|\d+)\s+)?(?:[a-z'-]+\s+){{0,2}}?(?:{m})s?\s+"
                    r"(?:of|about|for|showing|announcing|saying|celebrating|with|where|from)(?![a-z])",
                    m=("media_nouns",))


# a preposition of a thing to make and the words of its object, with no subject or relative word among them,
# right before a verb that tells (the past, "is", "went"): the object's own verb ("a song about rain came on
# the radio"), not a relative clause ("a video of that sunset we saw", "a poster of a cat that ate the
# moon") nor what a "saying"/"announcing" clause says ("a banner saying our album dropped today")
_OWN_VERB_BEFORE = re.compile(
    r"(?<![a-z])(?:of|about|for|with|from)\s+"
    r"(?:(?!(?:i|we|you|he|she|they|it|who|that|which|where|when|whose|whom|someone|everyone|people|u)(?![a-z]))"
    r"[a-z'’-]+\s+){1,4}$", re.I)


def chat_signal(text: str, images: int = 0, around: tuple[str, int, int] | None = None) -> str | None:
    """The first sign of talk in a clause ("negation", "comparison", "reported", "second_person", "past",
    "statement"; "hypothetical" and "amused" are asked about with a button), or None. Quoted words
    (lyrics, the words on a poster) are not looked at."""
    unquoted = _own_words(text)
    opening = _opening(unquoted)
    # "一只猫画了一幅画": a description that opens with what is shown tells the subject's past, not the
    # user's; so does one that opens with something to make ("a video of that sunset we saw", "a banner
    # saying our album dropped today": the past is the subject's, not news told)
    described = bool(compiled(r"^\W*(?:{a})", 0, a=("articles", "zh")).match(opening)
                     or _made_opening().match(opening))
    if _negated_start().match(opening):
        return "negation"  # "stop making videos of dogs", "别再画猫了", "no need for a video of that"
    # a sign that only asks (a hypothetical, amusement) gives way to a sign of talk found after it:
    # "刚生成的那首歌我设成手机铃声了哈哈" laughs, but tells what was done
    weak: str | None = None
    for name, found in _signal_patterns() if _signalled(unquoted) else ():
        for m in found.finditer(unquoted):
            if described and name == "past" and _OWN_VERB_BEFORE.search(unquoted, 0, m.start()):
                # "a meme about our boss went around the office": the thing named, then its own verb in the
                # past, is news told, not a scene described; it might still be a prompt: asked
                weak = weak or "told"
                break
            if _RELATIVE.search(unquoted[: m.start()]) or (name in ("past", "habit") and described) or (
                    name == "past" and _PARTICIPLE_AFTER.match(unquoted, m.end())):
                # "a cat that was sleeping", "a knight made of glass", "一只老是睡觉的猫": what the subject is
                continue
            if name in TALK_SIGNALS:
                return name
            weak = weak or name
            break
    later = _later_signal(unquoted, opening, described, images, around)
    return later if weak is None or later in TALK_SIGNALS else weak


def _later_signal(unquoted: str, opening: str, described: bool, images: int,
                  around: tuple[str, int, int] | None) -> str | None:
    """The signs of :func:`chat_signal` read from the clause's shape rather than from phrase lists."""
    if (("说" in opening and _ZH_SAID.search(opening)) or _REPORTED_OPENING.match(opening)) and not described:
        return "reported"  # not "一个女孩对着月亮说晚安"; "老板让我做个海报": what someone asked of the user
    if (_future_plan(opening.lower()) or _mine_later(opening)) and not _stated_after(around):
        # "下周我们要做个 trailer", "(meeting 之后)我再 generate 那个 poster": what the user (or the team)
        # will do later
        return "plan"
    if (_ZH_MADE_BY.search(unquoted) or _zh_done().search(unquoted)) and not described:
        return "past"
    if _ZH_THAN.search(unquoted):
        return "comparison"
    if _STATUS.match(opening):
        return "work_talk"  # "poster done", "video blocked", "海报已定稿": where a piece of work stands
    if not images and _told(opening.lower(), around) and not wants_something_made(opening.lower()):
        return "statement"  # "the video render failed", "my render distance dropped": told about a thing
    copula = _COPULA.search(opening)
    if (copula and not images and not _RELATIVE.search(opening[: copula.start()])
            and pattern("media_nouns").search(opening[: copula.start()])):
        return "statement"  # "a poster is way cheaper than a designer", "posters of cats are everywhere"
    if judged(unquoted) and not _asks_for_a_change(unquoted):
        return "statement"  # "…打印出来效果很好", "颜色有点偏": a verdict on a result
    if _HAN.search(unquoted) and _verdict_end().search(unquoted) and not _ASKING.search(unquoted):
        return "statement"  # "可灵做视频最稳": a verdict said last, whatever verb came before it
    if not images and _telling(opening):
        if not _made_opening().match(opening):
            # (not "a comic about that time we got lost": what the thing made shows)
            return "finite"  # "the free tier only gives like 3 videos a day": told, perhaps described
        if any(_OWN_VERB_BEFORE.search(opening, 0, m.start()) for m in _finite().finditer(opening)):
            return "told"  # "a meme about our boss went around the office": news, perhaps a prompt: asked
    return None


# "我再 generate 那个 poster", "我们回头再做": the user, then "again/later" and a making verb: their own later
# doing (not "我再要一张", "我再来一张": one more asked for)
_MINE_LATER = re.compile(r"^\W*(?:我|我们|咱|咱们)(?P<time>待会儿?|等下|等会儿?|回头|晚点|之后|以后)?再\s*"
                         r"(?!要|来|给我|看看)(?:让它|叫它|找它|用它)?\s*(?:画|做|生成|弄|搞|写|出|拍|剪|整|"
                         r"(?<![a-z])(?:generate|make|draw|do|create|render)(?![a-z]))", re.I)
# what marks the doing as the user's own, later, with no time word: the thing already known ("那个海报"), done
# ("…了"), to be shown ("…给你看"), or nothing said after the verb ("咱们再画")
_MINE_MARKED = re.compile(r"^\s*(?:那个|那张|那首|那段|这个)|(?:了|给你看|给你们看)[\s\W]*$|^[\s\W吧啦呗]*$")


def _mine_later(opening: str) -> bool:
    """"(meeting 之后)我再 generate 那个 poster", "我们回头再做那个海报", "咱们再画": the user's own later
    doing (a time word or a plan marker); not "咱再整一个视频：小狗冲浪", "我再写一首歌：关于夏天": one more
    asked for, with what it is."""
    mine = _MINE_LATER.match(opening)
    return bool(mine and (mine.group("time") or _MINE_MARKED.search(opening[mine.end():])))


# a want said first: "need a ride to the airport", "i'd really love a cake", "any chance for a refund?",
# "我想要一杯奶茶"
_WANT_FIRST = re.compile(r"^\W*(?:(?:i|we|i'm|im)\s+)?(?:(?:really|just|kinda|so|badly|seriously|gonna|"
                         r"would|could|totally|desperately)\s+)*(?:need|want|wanna|'d like|'d love|could use|"
                         r"crave|am craving|(?:(?<=i )|(?<=we ))(?:would )?(?:like|love))\s+"
                         r"(?!to(?![a-z])|you|u(?![a-z])|it(?![a-z])|this|that|them|these|those)"
                         # "any chance for a refund?", "any chance of an update on my video?"
                         r"|^\W*any\s+chance\s+(?:for|of)\s+"
                         r"|^\W*(?:我|我们)?(?:好|真|很|超)?(?:想要|需要|想吃|想喝|要)(?!你|帮|给|把|让|做|画|生成|写|来|弄)",
                         re.I)
# words that set a scene ("a dog in a spacesuit", "a cat wearing a crown", "一只戴帽子的猫"): a thing to draw
_SCENE = re.compile(r"(?<![a-z])(?:in|on|with|wearing|under|over|holding|riding|made of|inside|above|"
                    r"beneath|surrounded by|covered in|floating|flying|sitting|standing|eating|playing|"
                    r"[a-z]{3,}ing)(?![a-z])|[\u3400-\u9fff]的[\u3400-\u9fff]", re.I)


_MADE_MEASURE = re.compile(r"\s*[一两二三四五六七八九十几\d]*\s*[张幅首段部支]")


def wanted_thing(text: str) -> str | None:
    """"need a ride to the airport", "i want a pizza", "我想要一杯奶茶": a want said first whose thing is no
    picture, video or song and no making verb follows. "talk" when the thing is an everyday one nobody asks a
    picture of (data: everyday_wants) and sets no scene; "ask" (the button) when such a thing sets a scene
    ("i want a coffee with latte art on the moon") or any other thing is wanted with a reason said beside it
    ("i need a dog so bad"); None otherwise: on an image bot "i want a dragon", "我要一只柯基" is how a
    beginner asks, a request as any other."""
    opening = _opening(text.strip())
    want = _WANT_FIRST.match(opening)
    if want is None:
        return None
    rest = opening[want.end():]
    if (not rest.strip() or any(n.head for n in nouns(rest))
            or _combined("create_verbs", "request_verbs").search(rest) or _MADE_MEASURE.match(rest)
            or scan("made_things").search(rest)
            or take_options(rest, None, 0)[0].options):
        return None  # ("好想要一张江南水乡的雪景": 张 counts pictures)
    # the scene is read in the thing wanted ("a plumber asap, the office sink is leaking" tells why), or a
    # look said after it ("a fox, watercolor")
    thing, _, after = _split_first(rest)
    everyday = _everyday().match(thing)
    if everyday is None and not _EATEN.search(want.group(0)):
        return "ask" if _WANT_REASON.search(thing) else None
    # (not "an update on my video": whose thing it is sets no scene)
    said = _WHOSE.sub("", thing[everyday.end():] if everyday else thing)
    return "ask" if _SCENE.search(said) or _ZH_SCENE.search(said) or _SCENE_WORDS.search(after) else "talk"


_WHOSE = re.compile(r"(?<![a-z])(?:on|about|for|from|to|of)\s+(?:my|our|your|ur|his|her|their)(?![a-z]).*",
                    re.I)
# a want of something eaten or drunk: "我想吃火锅", "想喝奶茶"
_EATEN = re.compile("[吃喝]")
# why the thing is wanted, said beside it: "i need a dog so bad", "i want a cat rn lol"
_WANT_REASON = re.compile(r"(?<![a-z])(?:asap|so bad(?:ly)?|real bad|rn|right now|lol|lmao|irl|today|"
                          r"tonight|tomorrow)(?![a-z])|好想|真想|急需|馋", re.I)
# a Chinese scene or look: where or what the subject does, or a style ("一个宇航员在月球上骑马",
# "一只猫，赛博朋克风格")
_ZH_SCENE = re.compile(r"[在骑吃跳飞坐站躺穿戴拿抱玩跑游]|风格|画风|[\u3400-\u9fff]风(?![\u3400-\u9fff])")


@cache
def _everyday() -> re.Pattern[str]:
    """An everyday thing wanted (data: everyday_wants), its article and a word or two before it: "a ride",
    "a new job", "一杯奶茶", "吃火锅"."""
    return compiled(r"^\W*(?:(?:a|an|the|some|my|our|another|one|more|"
                    r"(?!(?:in|on|with|of|for|at|to|and|or|vs)(?![a-z]))[a-z'-]+(?<!ing))\s+){{0,3}}?"
                    r"(?:{en})(?![a-z])"
                    r"|^\s*(?:[一两几\d]?[杯份个碗顿瓶块点]|一点)?\s*(?:{zh})",
                    en=("everyday_wants", "en"), zh=("everyday_wants", "zh"))


def _split_first(text: str) -> tuple[str, str, str]:
    """The text's first clause, the break, and the rest."""
    found = _CLAUSE_SPLIT.search(text)
    return (text[:found.start()], found.group(0), text[found.end():]) if found else (text, "", "")


def status(text: str) -> bool:
    """"poster done", "video blocked": where a piece of work stands, told to colleagues."""
    return bool(_STATUS.match(_opening(text)))


# a status said of a piece of work: "poster done", "video blocked, waiting on legal", "banner approved"
_STATUS = re.compile(r"^\W*(?:[\w'-]+\s+){0,3}?(?:done|finished|ready|blocked|approved|shipped|delivered|"
                     r"dropped|is out|are out|went live|is live|launched|released|published|"
                     r"pending|wip|in progress|on hold|uploaded|sent|posted|rejected|cancelled|"
                     r"canceled|"
                     r"delayed)(?:\s+(?:already|now|too|btw|lol|yet))?[\W_]*$", re.I)


_NARRATED = re.compile(r"^\W*[a-z]+ing\s+(?:the|my|our|his|her|their|this|that|it|them|your)(?![a-z'])"
                       r"|(?<![a-z'])[a-z]+ed\s+by(?![a-z])|[a-z]'s\s+(?:[a-z]+ed|done|ready|up|out)(?![a-z])",
                       re.I)


def _telling(text: str) -> bool:
    """A verb that tells rather than describes, outside a relative clause ("a cat that is sleeping"
    describes), or a narration ("posting the wedding clip on insta", "got approved by the client")."""
    if _NARRATED.search(text):
        return True
    # "would (really) love a poster …" wants, it does not tell
    return any(not _RELATIVE.search(text[: m.start()])
               and not (m.group(0).lower() == "would" and _WOULD_WANT.match(text, m.end()))
               for m in _finite().finditer(text))


@cache
def _finite() -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z'])(?:{alt('chat_signals', 'finite')})(?![a-z'])", re.I)


_WOULD_WANT = re.compile(r"\s+(?:really\s+|so\s+|just\s+)?(?:love|like|appreciate)(?![a-z])", re.I)


@per_message
def defers(text: str) -> bool:
    """"I'll ask her what colors she likes first", "到时候再说": the user will come back to it, not now."""
    unquoted = _unquoted(text)
    return any(name == "deferral" and found.search(unquoted) for name, found in _signal_patterns())


def request_shape(text: str) -> bool:
    """The clause opens the way a request opens: a verb that asks for something made ("draw …", "画…",
    "make me …"), or a polite or wanting lead before it or before what is wanted ("can you draw …", "i'd like
    a poster …", "帮我画…", "给我来一张…"). "imagine …" is not one: it is how people start a daydream. A
    request joined on after the story in the same clause counts too ("my dog died last week and i'd love a
    painting of him …")."""
    said = _unquoted(text)
    return _opens_a_request(said) or joined_request(said)


def joined_request(text: str) -> bool:
    """A request joined on after a story in the same clause ("my dog died last week and i'd love a painting
    of him …", "…, so can you make …"), not words asked for ("… and can you write me a poem")."""
    return any(_opens_a_request(text[m.end():]) and not text_request(text[m.end():].lower())
               for m in _JOINED.finditer(text, 0, 400))


# "… and i'd love a painting of him", "… so can you make …": a request joined on in one clause
_JOINED = re.compile(r"\s(?:and|but|so|anyway|anyways)\s+"
                     r"(?=(?:i'd|id|i would|can you|could you|would you|can u|could u|pls|please)(?![a-z']))",
                     re.I)


def _opens_a_request(text: str) -> bool:
    opening = _opening(text)
    if _negated_start().match(opening):
        return False
    verb = _verb_first_pattern().match(opening)
    if verb and _NOUN_VERB.fullmatch(verb.group(0).strip()) and not _VERB_OBJECT.match(opening, verb.end()):
        verb = None  # "render farm at work is down", "design team says …": the noun, not the verb
    if verb and not re.match(r"\W*imagine", opening, re.I):
        return True
    if _TURN_INTO.match(opening):
        return True  # "turn these two frames into a clip", "convert this to a sticker"
    if _best_you_can().match(opening):
        return True  # "cheapest video u can do of a tumbleweed …": the thing asked for, as good as it gets
    if opening[:1] in ("把", "将") and _asks_for_a_change(opening[1:]):
        # "把人物变大", "把背景换成白色": what to do to it, said with 把 (not "把我笑死了", "把空调调低一点")
        return ba_change(opening) != "talk"
    lead = _request_lead().match(opening)
    if lead is None:
        return False
    rest = opening[lead.end():]
    return bool(_verb_first_pattern().match(rest) or _combined("edit_words").match(rest.lstrip())
                or _GET_ONE.match(rest)
                or ((_article_first().match(rest) or _COUNT_FIRST.match(rest)) and _something_made(rest))
                or pattern("media_nouns").match(rest.lstrip()))


# "can i get 2 versions of …", "i'd like three stickers": a count where an article would be
_COUNT_FIRST = re.compile(r"\W*(?:\d+|two|three|four|five|six|a few|a couple(?: of)?|couple of|several)\s",
                          re.I)


@cache
def _best_you_can() -> re.Pattern[str]:
    """"cheapest video u can do of …", "the best song you could make about …": a media noun the bot is asked
    to make as well as it can."""
    return compiled(r"\W*(?:the\s+)?(?:cheapest|best|fastest|quickest|nicest|coolest|craziest|funniest|"
                    r"prettiest|most\s+[a-z]+)\s+(?:[a-z-]+\s+){{0,2}}?(?:{n})\s+(?:that\s+)?(?:u|you|ya)\s+"
                    r"(?:can|could)\s+(?:do|make|draw|render|generate|create|come up with|give me)(?![a-z])",
                    n=("media_nouns",))


_TURN_INTO = re.compile(r"\W*(?:turn|convert|transform|change|make)\s+"
                        r"(?:it|this|that|these|those|them|the|my|both|all)(?![a-z'])[^,.!?;:]{0,40}?\s(?:into|to)\s+(?:an?|the|some|one|\d+)?\s*[a-z]",
                        re.I)


@cache
def _made_more() -> re.Pattern[str]:
    return compiled(r"^\W*(?:(?:can|could|would|will)\s+(?:you|u)\s+)?(?:(?:please|pls|just)\s+)?make\s+"
                    r"(?:(?P<them>(?:the|your|ur|these|those|all\s+the)?\s*(?:{m})(?<=s))|it|them|this|that|"
                    r"(?:the|his|her|its|their)\s+[a-z]+)\s+"
                    r"(?:a\s+(?:bit|little|lot)\s+|much\s+|way\s+|even\s+)?"
                    r"(?:more\s+[a-z]+|less\s+[a-z]+|(?!(?:{m})(?![a-z]))[a-z]{{2,}}er)"
                    r"(?:\s+(?:pls|please|plz))?[\s?.!]*$", m=("media_nouns",))


def made_more(text: str) -> str | None:
    """"make the videos longer", "could you make the songs shorter": what the bot makes in general, judged
    ("talk"); "make it brighter", "make the cat bigger" with no picture: a change to a picture not sent
    ("picture": the edit asks for it, never makes a new one); None for anything else ("make a longer video
    of a cat")."""
    if "ake" not in text and "AKE" not in text:  # (most messages: no "make" at all)
        return None
    found = _made_more().match(_opening(text.strip()))
    if found is None:
        return None
    return "talk" if found.group("them") else "picture"


def ba_change(text: str) -> str | None:
    """What a clause that opens with 把/将 (what to do to something) does: "talk" when neither a picture
    nor anything in one is changed ("把空调调低一点", "把价格调低一点吧，太贵了", "把会议改到下午");
    "picture" when something in a picture, or the picture itself, is changed ("把背景换成白色", "把人物变大",
    "把照片调亮一点", "把他P掉"): an edit that needs the picture; None when it makes something or names what
    is made ("把猫画成卡通风格", "把这段文字做成海报", "把视频加长到10秒"), or for any other clause."""
    opening = _BA_OPEN.match(text)
    if opening is None:
        return None
    rest = _CLAUSE_SPLIT.split(text[opening.end():], 1)[0]
    made = _BA_MADE.search(rest)
    changed = next((m for m in _combined("edit_words").finditer(rest, 0, made.start() if made else len(rest))
                    if m.group(0).lower() not in _edit_nouns()), None) or _BA_RETOUCH.search(rest)
    if (made and (changed is None or made.start() < changed.start())) or motion(rest):
        return None  # "把猫画成卡通风格", "把这句话画出来", "把这张照片动起来": drawn, made or moved
    thing = rest[:changed.start()] if changed else rest
    said = nouns(rest)
    if any(n.media != "image" for n in said) or any(n.start >= len(thing) for n in said):
        return None  # "把这首歌改成摇滚版", "把这段文字改成海报": a song, or what the words become
    if changed and (said or pattern("picture_parts").search(thing)):
        return "picture"
    return "talk"


# 把/将 opening a clause, after a polite lead; not "把握", "把关", "将来", "将要" …
_BA_OPEN = re.compile(r"^\W*(?:(?:请|帮我|帮忙|麻烦你?|你|快|能不能|可以|再)\s*)?"
                      r"(?:把|将(?!来|近|要|会|军|就))")
# what 把 makes of its object: drawn, generated, made into something
_BA_MADE = re.compile(r"画(?!质|面|风|布|家|师|廊)|绘|生成|做成|制作|拍成|设计成|合成")
# a retouch said without an edit word ("把他的照片P一下", "修一下")
_BA_RETOUCH = re.compile(r"(?<![a-z])[pP](?=[\u4e00-\u9fff])|修(?:一下|下|图|掉|成)|转为|转成|弄得|搞成|"
                         r"整成|变得", re.I)


_NOUN_VERB = re.compile(r"\W*(?:render|sketch|film|shoot|design|build|doodle|storyboard|photograph)", re.I)
_VERB_OBJECT = re.compile(r"\s+(?:me|us|him|her|them|it|a|an|the|this|that|these|those|my|our|your|his|their|"
                          r"some|one|two|three|four|\d|something|anything|whatever|out|up|like|in|on|with|"
                          r"[a-z'-]+\s*(?:$|[,.!?]))|\s*$",
                          re.I)


@cache
def _article_first() -> re.Pattern[str]:
    return compiled(r"\W*(?:{a})", a=("articles",))


def _something_made(rest: str) -> bool:
    """After a lead and an article, something that can be made must follow ("i'd love a painting of him",
    "any chance of a poster …"); "i'd love a cake", "any chance of a refund?" want things the bot can't
    make, and are talk."""
    return bool(pattern("media_nouns").search(rest)
                or _combined("create_verbs", "request_verbs").search(rest))


def asks_for_a_service(text: str) -> bool:
    """"I would like to request a refund", "can I get an invoice", "我想申请退款": after a polite request
    lead, a thing the bot never makes (data: not_made), with no picture, video or song and no making verb
    after it: talk about the service, not a prompt ("I would like to request a poster of a fox" asks)."""
    said = text.strip()
    opening = _opening(said)
    lead = _request_lead().match(opening)
    if lead is None and len(opening) == len(said):
        return False  # (a courtesy cut by _opening is a lead too: "麻烦开一张发票")
    thing = _service_thing().match(opening, lead.end() if lead else 0)
    if thing is None:
        return False
    after = opening[thing.end():]
    return bool(_SERVICE_ENDS.match(after)) and not (pattern("media_nouns").search(after)
                                                     or _combined("create_verbs").search(after))


@cache
def _service_thing() -> re.Pattern[str]:
    return compiled(r"\W*(?:(?:to\s+)?(?:request|ask for|get|have|apply for|receive)\s+|申请|要|开|办理?)?\s*"
                    r"(?:(?:a|an|the|my|our|some|another|one)\s+|[一两几\d][张个份]|个)?"
                    r"(?:[a-z'-]+\s+){{0,2}}?(?:{n})(?![a-z])", n=("not_made",))


# the thing ends its words ("a refund, please", "an invoice for march"), not "a meeting room sign"
_SERVICE_ENDS = re.compile(r"\s*(?:$|[^\w\s]|[\u3400-\u9fff]|(?:for|from|of|on|to|please|pls|plz|thanks|thx|"
                           r"asap|because|since|so|and|as|with|by|in|regarding|about|now|today|again|too|if|"
                           r"or)(?![a-z]))", re.I)


@cache
def _request_lead() -> re.Pattern[str]:
    return re.compile(rf"^\W*(?:(?:{alt('request_leads', 'en')}|{alt('request_leads', 'zh')})\s*)+", re.I)


@cache
def _retraction() -> tuple[re.Pattern[str], re.Pattern[str]]:
    said = alt("retractions")
    filler = (r"(?:\W|_|(?<![a-z])(?:nah|no|lol|lmao|haha|hehe|ok|okay|just|don't|dont|do not|nvm|never mind)"
              r"(?![a-z])|哈+|啦|哈哈+|别)*")
    return (re.compile(rf"^{filler}(?:{said}){filler}(?=\S)", re.I),
            # (after a character, not after 在/之间/着…: "画一只小丑在开玩笑" is what the clown does)
            re.compile(rf"(?:^|(?<=\W)|(?<=[\u3400-\u9fff])(?<![在间着相跟和与同])){filler}(?:{said}){filler}$",
                       re.I))


def retraction(text: str) -> tuple[str, int] | None:
    """"nah jk", "… lol jk", "开玩笑的": what was just asked is taken back. ("end", where the clause's own
    words stop) when the clause ends with it (or is only it), ("start", where the rest begins) when it opens
    a clause that goes on ("jk a video of a penguin …": the rest is the real request)."""
    if not _RETRACTION_CHARS.search(text):
        return None
    opening, closing = _retraction()
    text = _QUOTED.sub(lambda m: " " * len(m.group(0)), text)  # 'a song called "just kidding"'
    if (end := closing.search(text)) and not _NAMED_BEFORE.search(text, 0, end.start()):
        return "end", end.start()
    start = opening.match(text)
    if start and (re.search(r"[^\w\s]\s*$", text[:start.end()]) or request_shape(text[start.end():])
                  or starts_like_a_description(text[start.end():]) or _NEW_SENTENCE.match(text, start.end())):
        return "start", start.end()  # not "just kidding around on stage"
    return None


_NEW_SENTENCE = re.compile(r"(?:i|i'm|im|i've|we|you|it|that|this)(?![a-z'])", re.I)
# "a song called just kidding": a title, not a retraction
# ("genre: psych", "title: jk", "a dad who is kidding", "my comedy show Only Joking": a label's value, what
# someone does, a name)
_NAMED_BEFORE = re.compile(r"(?:(?<![a-z])(?:called|named|titled|saying|says|genre|style|title|name|who is|"
                           r"who's|show)|叫做?|名为|标题是?)\W*$|[:：]\s*$", re.I)


def named_before(text: str) -> bool:
    """The words before end in a label or a naming verb ("title:", "a song called"): what follows names."""
    return bool(_NAMED_BEFORE.search(text, max(0, len(text) - 24)))


# every retraction holds one of these (a cheap look first: most clauses hold none)
_RETRACTION_CHARS = re.compile(r"jk|j/k|kidding|joking|psych|messing|jokes|玩笑|逗你|着玩|说说|一说|瞎说"
                               r"|不是真的", re.I)


def quoted_request(text: str) -> bool:
    """'my boss: "make me a poster by friday" 🙄', '他说「给我做个视频」然后就走了': a request inside quotes,
    with nothing outside them that asks or names what to make, is someone else's words retold. Nothing but
    the quote, or only words that ask for it ('try this: "…"', '"…" pls'), is the user's own request. A
    quote beside words that name something ('a poster that says "make art not war"') is what goes on it."""
    if not _QUOTE_MARKS.search(text):
        return False
    quotes = [m.group(0)[1:-1] for m in _QUOTED.finditer(text)]
    if not any(_opens_a_request(q) for q in quotes):
        return False
    outside = _QUOTED.sub(" , ", text)
    if any(request_shape(c.text) or descriptive(c.text) for c in clauses(outside)) \
            or any(n.head for n in nouns(outside)):
        return False
    # 'try this: "…"', '"…" pls', '@ima "…"', or the quote alone: the user's own request, in quotes
    return bool(_A_WORD_OUTSIDE.search(_quote_asks().sub(" ", outside)))


@cache
def _quote_asks() -> re.Pattern[str]:
    """The words around a quoted request that ask for it (intent_words.json: quote_asks)."""
    return re.compile(rf"(?<![a-z])(?:{alt('quote_asks')})(?![a-z])", re.I)


_A_WORD_OUTSIDE = re.compile(r"[a-z\u3400-\u9fff]", re.I)


# "Create a poster — that's what my manager said", "…, or so my boss says", "…，这是老板的原话": the words
# before are someone else's. Not "quote" as a noun ("a poster with a quote from Einstein"), not what
# someone wants introduced with a colon ("this is what my kid wants: a unicorn cake"), not a dash before a
# thing ("draw a dragon - the red one"), not the client's brief passed on unquoted ("客户原话：做个…海报";
# quoted, '客户原话："要一张…海报" 我真的会谢', they are the client's words retold: the quote is blanked to
# spaces before this is read)
@cache
def _attributed() -> re.Pattern[str]:
    people = alt("attribution_people", "en")
    return re.compile(
        r"(?<![a-z'])(?:that'?s|thats|this is|is|was)\s+what\s+(?:[a-z'-]+\s+){1,3}?"
        r"(?:said|says|told|tells|wants|wanted|asked|asks|texted|wrote|messaged|emailed)(?![a-z])(?!\s*[:：])"
        r"|(?<![a-z'])(?:or so|in (?:his|her|their) words)(?![a-z])"
        rf"|(?<![a-z'])(?:according to|quoting|to quote)\s+(?:him|her|them|"
        rf"(?:(?:my|our|his|her|their|the)\s+)?(?:{people}))(?![a-z])"
        rf"|[—–-]\s*(?:my|our|the|his|her)\s+(?:[a-z]+\s+)?(?:{people})(?![a-z])"
        r"(?:\W*(?:lol|lmao|smh|ugh|said|says|again))*\W*$"
        r"|原话(?!\s?[:：]\s?\S)|这是[^，。,.!！?？]{1,6}(?:说|讲|要求)的",
        re.I)


# "…，老板说的": someone said it (not "就按我说的", "歌词就是我刚才说的": the user's own words)
_SAID_LAST = re.compile(r"([^，。,.!！?？\s]{1,6})(?:说|讲)的[。.!！]?\s*$")
_YOU_OR_I = re.compile(r"[我你您]")


def attributed(text: str) -> bool:
    """The request said is credited to someone else ("— that's what my manager said", "…，老板说的")."""
    if not _ATTRIBUTION_WORDS.search(text):
        return False
    text = _unquoted(text)
    if _attributed().search(text):
        return True
    said = _SAID_LAST.search(text)
    return bool(said and not _YOU_OR_I.search(said.group(1)))


# every attribution holds one of these (a cheap look first)
_ATTRIBUTION_WORDS = re.compile(r"what|so my|accord|quot|words|[—–-]|原话|说|讲", re.I)


# "朋友问我能不能帮他画个头像", "my friend asked me if you could draw her cat": a question someone else asked,
# retold (the speaker first, then the asking verb with the user as its object)
_REPORTED_OPENING = re.compile(
    r"^\W*(?!你|您|请|麻烦)[^，。,.!！?？\s]{1,6}?(?:又|也|还|刚|刚才|一直|老是|总)?(?:问我|让我|叫我|要我|逼我|催我|求我)"
    r"|^\W*(?:my|our|his|her|their|a|the)\s+(?:[a-z'-]+\s+){0,2}?"
    r"(?:asked|asks|wants|wanted|told|tells|keeps asking)\s+(?:me|us|him|her|if|whether)(?![a-z])"
    r"|^\W*(?:he|she|they|someone|somebody|everyone|people)\s+"
    r"(?:asked|asks|keeps asking|wants|wanted|told|tells)\s+(?:me|us|if|whether)(?![a-z])",
    re.I)


def reported_opening(text: str) -> bool:
    """The clause opens by telling who asked something of the user: their words, not a request to the bot."""
    return bool(_REPORTED_OPENING.match(_opening(text)))


def after_reported_opening(text: str) -> str:
    """The words after "朋友让我", "my boss wants me to" …: what was asked of the user."""
    found = _REPORTED_OPENING.match(text)
    return text[found.end():] if found else text
