"""Generation options written in the message: duration, resolution, size, aspect ratio, sound, vocals,
lyrics and how many results. Each extractor returns what it found and the text without it, so the
prompt never carries "10s 1080p" and a number is read only once.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ..numbers import EN_COUNT, EN_NUMERAL, ZH_NUMERAL, parse_number
from .vocab import WORD_LEFT as _W
from .vocab import WORD_RIGHT as _E
from .vocab import PhraseScan, alternation, compiled, pattern, phrases, words

# ("4k subscribers", "1k followers": a number of people, not a size)
SIZE = re.compile(rf"{_W}(512\s*px|1\s*k|2\s*k|4\s*k|8\s*k|16\s*k)(?:\s*(?:resolution|res|quality))?{_E}"
                  r"(?!\s*(?:subs|subscribers|followers|views|likes|members|fans|viewers|users|downloads|"
                  r"粉丝|粉|订阅|关注|播放|点赞)(?![a-z]))",
                  re.I)
RESOLUTION = re.compile(rf"{_W}(360|480|540|720|768|1080|1440|2160)\s*p{_E}|{_W}(full\s*hd|fhd){_E}", re.I)
ASPECT = re.compile(r"(?<![\d:.])(\d{1,2})\s*(?:[:：比]|by|x)\s*(\d{1,2})(?!\d|:\d)", re.I)  # "9:16: a …" too
DURATION = re.compile(
    rf"(?:(\d+(?:\.\d+)?)\s*-?\s*|({ZH_NUMERAL})\s*|{_W}({EN_NUMERAL})[\s-]+)"
    rf"((?:s|sec|secs|second|seconds|min|mins|minute|minutes){_E}|秒钟|秒|分钟)", re.I)
# "两分半", "3分半钟": minutes and a half
MINUTES_AND_A_HALF = re.compile(rf"({ZH_NUMERAL}|\d+)\s*分半(?:钟)?")
# "高清1080", "超清 720": a video resolution said without its "p"
RESOLUTION_ZH = re.compile(r"(?:高清|超清|清晰度|分辨率)\s*(720|1080|1440|2160)(?![\d.:])")
HALF_MINUTE = re.compile(rf"{_W}(half a minute|a minute and a half|a minute|one minute){_E}|(半分钟|一分半)",
                         re.I)
# "x4" alone; "智能手表X3" is a product name
COUNT_X = re.compile(rf"(?:{_W}(?<![\u3400-\u9fff])[x×]\s*(\d)|{_W}n\s*=\s*(\d)){_E}", re.I)
QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』", "《": "》", "'": "'", "‘": "’"}
_QUOTE_MARK = re.compile(r"[\"“「『'‘]")
ORDERED_QUOTE = re.compile(r"(?:with\s+)?(?:the\s+)?(?:lyrics?|words|歌词)[^\"“「『'‘]{0,16}?([\"“「『'‘])",
                           re.I)


@dataclass
class Found:
    """What the option extractors read from the message."""

    options: dict[str, Any] = field(default_factory=dict)
    n: int | None = None


# "in 4k", "at 1080p"; "about 8 seconds", "大概十秒", "大约30秒左右": about, said around a length
_LEAD_IN = re.compile(r"(?:\s+|^)(?:in|at|on|with|using|and|about|around|roughly|approximately|approx\.?|~)"
                      r"\s*$|(?:大概|大约|差不多|约莫)\s*$", re.I)
# "aspect ratio 3:4", "duration: 6s", "时长10秒", "分辨率1080p": the name of the option goes with it
_LABEL = re.compile(r"(?:(?<![a-z])(?:(?:aspect\s+)?ratio|aspect|duration|length|resolution|res|size|format)"
                    r"(?:\s*(?:[:：=]|of|is|should be|to)(?![a-z]))?"
                    r"|(?:画面)?比例|画幅|时长|分辨率|尺寸|长度|大小)"
                    r"\s*(?:[:：=]|为|是|设为|要)?\s*$", re.I)
_TAIL = re.compile(r"^\s*(?:long(?![a-z])|in length(?![a-z])|长(?!城|发|江|颈|腿)|左右)", re.I)


def _cut(text: str, m: re.Match[str], tail: bool = False) -> str:
    """Cut an option out, with the little word or label that introduced it ("in 4k", "at 1080p", "aspect
    ratio 3:4"), and for a duration the "long" after it."""
    start, end = m.start(), m.end()
    label = _LABEL.search(text[max(0, start - 24): start])
    if label:
        start = max(0, start - 24) + label.start()
    lead = _LEAD_IN.search(text[max(0, start - 8): start])
    if lead:
        start = max(0, start - 8) + lead.start()
    after = _TAIL.match(text[end:]) if tail else None
    if after:
        end += after.end()
    return text[:start] + " " + text[end:]


_WORDS_SAID = re.compile(r"(?:with\s+)?(?:the\s+)?words", re.I)
_SUNG = re.compile(r"(?<![a-z])(?:songs?|music|tracks?|tunes?|jingle|melody|soundtrack|beats?|ballad|anthem|"
                   r"rap|lullaby|hymn|sing|sung|singing|vocals?|chorus|verse|lyrics?)(?![a-z])|歌|曲|唱",
                   re.I)


_NEW_PART_AFTER = re.compile(r"\s+(?!(?:about|for|of|with|in|on|to|by|and|but|or|from)(?![a-z]))[a-z]", re.I)


def take_lyrics(text: str) -> tuple[str | None, str]:
    """Lyrics are the user's own words: a quoted part ends at its closing quote, "lyrics: …" runs to the
    end."""
    if "\n" in text and (verses := _SECTION_LINE.search(text)) and _SUNG.search(text, 0, verses.start()):
        # "…, male vocals\n[Verse 1]\n…\n[Chorus]\n…": the verses run from their first section line to the end
        before = text[:verses.start()]
        label = _LYRICS_LABEL_TAIL.search(before)
        return text[verses.start():].strip(), before[:label.start()] if label else before
    m = ORDERED_QUOTE.search(text) if _QUOTE_MARK.search(text) else None  # a quote opens with one of these
    if m and _WORDS_SAID.match(m.group(0)) and not _SUNG.search(text):
        m = None  # "a logo with the words 'Moon Bakery'": what a picture says; words are sung only in a song
    if m:
        end = _closing(text, QUOTES[m.group(1)], m.end())
        if end > m.end():
            # 'a song with the lyrics "…" pop punk, fast': the words after the quote start a part of their own
            gap = " , " if _NEW_PART_AFTER.match(text, end + 1) else " "
            return text[m.end(): end].strip(), text[: m.start()] + gap + text[end + 1:]
    tagged = _LYRICS_TAGGED.search(text) if "[" in text or "【" in text else None  # a tag opens with one
    if tagged:  # "w/ these lyrics pls [verse] …": the verses run from their first section tag to the end
        return text[tagged.end():].strip(), text[: tagged.end()]
    # a label ends at its colon: most messages have none, and the pattern would be tried at every place
    label = ((_LYRICS_LABEL.search(text) if ":" in text or "：" in text else None)
             or (_LYRICS_BELOW.search(text) if "\n" in text else None))
    if label:
        # "a song with these lyrics, indie pop, female voice:\n…": the words before the colon are the ask
        before = text[: label.start()] + (" " + label.group(1) if label.re is _LYRICS_BELOW else "")
        made = _ASK_TO_SING.sub("", label.group("ask")).strip() if label.re is _LYRICS_LABEL and label.group(
            "ask") else ""
        if made and not _BARE_SONG_WORD.fullmatch(made):
            before += " , " + made  # "用这段词做一首儿歌：…": the thing made ("儿歌") is named in the ask
        if (own := _OWN_LYRICS_BEFORE.search(before)) is not None:
            before = before[:own.start()]  # "用我自己写的歌词：…": whose lyrics they are, not the style
        rest = text[label.end():]
        if rest[:1] in QUOTES:
            end = _closing(rest, QUOTES[rest[0]], 1)
            if end > 0:
                return rest[1:end].strip(), before + " " + rest[end + 1:]
        lines = rest.rstrip().split("\n")
        after = ""
        if len(lines) == 1 and (ask := _ASK_AFTER_VERSES.search(lines[0])) and ask.start() > 0 and (
                _instruction_only(ask.group(1)) or _ZH_ASK.match(ask.group(1))):
            # "歌词：月亮代表我的心，做一首歌": the ask said after the verses on the same line, not a verse
            lines[0], after = lines[0][:ask.start()], ask.group(1)
        elif len(lines) == 1 and (style := _STYLE_AFTER_VERSES.search(lines[0])):
            # "…低头思故乡。古风，女声": how it should sound, said after the last verse on the same line
            lines[0], after = lines[0][:style.start()], style.group(1)
        # "…\n帮我生成一下": the ask, not a verse; "…\n风格：城市民谣": the style, which is the prompt
        while len(lines) > 1 and (_instruction_only(lines[-1]) or _STYLE_LINE.match(lines[-1])):
            after = lines.pop() + "\n" + after
        if (named := _model_at_the_end(lines[-1])) is not None:  # "…滑滑梯，用suno": the model, not a verse
            lines[-1], after = lines[-1][:named], lines[-1][named:] + " " + after
        return "\n".join(lines).strip().strip("\"“”「」'"), before + " " + after
    return None, text


_STYLE_AFTER_VERSES = re.compile(r"[。.!！]\s*([^。.!！\n]{1,24}?"
                                 r"(?:风|声|唱|style|vocals?|voice|beat|节奏|感|调)[^。.!！\n]{0,12})$", re.I)
# "用我自己写的(歌词)", "按我写的(歌词)": said right before the label, it only points at the lyrics
_OWN_LYRICS_BEFORE = re.compile(r"(?:用|按|照|拿)\s*(?:我|我们)?(?:自己)?(?:写|填|编|作)?的?\s*$"
                                r"|(?<![a-z])(?:with|using|use|w/)\s+(?:my|our)\s+own\s*$", re.I)
# "做成一首", "into a": how the words are to be sung, before the thing made ("做一首儿歌" names it: 儿歌)
_ASK_TO_SING = re.compile(r"^\s*(?:帮我|请)?(?:做成|写成|变成|改成|编成|谱成|唱成|做|写|来|生成"
                          r"|turn\s+(?:it|this)\s+)?(?:into|as|to)?\s*(?:一?[首段个支]|an?\s)?\s*", re.I)
_BARE_SONG_WORD = re.compile(r"歌曲?|曲子?|songs?|tracks?|tunes?", re.I)
# the last part of a one-line lyric: "…，做一首歌", "…, make it a song"
_ASK_AFTER_VERSES = re.compile(r"[，,。.!！;；]\s*([^，,。.!！;；\n]{1,30})$")
# "做一首民谣", "帮我写成一首歌": a making verb and its measure word open the ask, whatever style follows
_ZH_ASK = re.compile(r"^(?:帮我|请|麻烦|再|就)?(?:做|写|生成|来|整|搞|创作|谱|唱)(?:成)?\s*一?[首段支]")
# a line after the verses that labels how the song sounds: "风格：城市民谣", "style: synthwave"
_STYLE_LINE = re.compile(r"^\s*(?:风格|曲风|曲调|编曲|乐器|情绪|节奏|氛围|感觉|唱法|"
                         r"style|genre|vibe|mood|tempo|bpm|instruments?|arrangement)\s*[:：]", re.I)


_PART_GAP = re.compile(r"[，,;；。\s]+")
_USE_WORD = re.compile(r"^(?:用|使用|模型用|(?<![a-z])(?:use|using|with|via)(?![a-z]))?\s*", re.I)


def _model_at_the_end(line: str) -> int | None:
    """Where a last part that only names a model starts ("…，用suno", "… 豆包歌曲", "… nano banana 2"), or
    None. The last few gaps are tried, the longest tail first, so a name with spaces is read whole."""
    from .models import find_models

    for gap in list(_PART_GAP.finditer(line))[-4:]:
        tail = line[gap.end():]
        said = tail[_USE_WORD.match(tail).end():]  # type: ignore[union-attr]
        refs = find_models(said, None) if said else []
        if len(refs) == 1 and refs[0].start == 0 and refs[0].end == len(said.rstrip()):
            return gap.start()
    return None


def _closing(text: str, close: str, start: int) -> int:
    """Where the quote opened before ``start`` closes: a "'" between two letters is an apostrophe ("you'd",
    "summer's"), not the end of the lyrics."""
    end = text.find(close, start)
    while close == "'" and 0 < end < len(text) - 1 and text[end - 1].isalpha() and text[end + 1].isalpha():
        end = text.find(close, end + 1)
    return end


# "…，歌词如下：", "…, lyrics:" right before the verses
_LYRICS_LABEL_TAIL = re.compile(r"(?:歌词[^\n:：，,。]{0,8}?|(?<![a-z])lyrics?(?:\s+(?:below|are|is|go))?)"
                                r"\s*[:：]?\s*$", re.I)
# a line that is only a section tag: "[Verse 1]", "(chorus)", "【副歌】"
_SECTION_LINE = re.compile(r"^[ \t]*[\[【(（]\s*(?:verse|chorus|intro|bridge|hook|outro|pre-?chorus|refrain|"
                           r"主歌|副歌|前奏|桥段|间奏|尾奏|rap)[^\]】)）\n]{0,10}[\]】)）][ \t]*$",
                           re.I | re.M)
# "with these lyrics [verse] …", "歌词 【主歌】…": a section tag opens the verses, without a colon
_LYRICS_TAGGED = re.compile(r"(?:(?<![a-z])lyrics?(?![a-z])|歌词)[^\n:：\[【\"“「]{0,40}?"
                            r"(?=[\[【]\s*(?:verse|chorus|intro|bridge|hook|outro|pre-?chorus|主歌|副歌|前奏|桥段|"
                            r"间奏|尾奏|rap)[^\]】\n]{0,10}[\]】])", re.I)
# "lyrics: …", "歌词是：…", "歌词我写好了：…", "歌词如下：…"
_LYRICS_LABEL = re.compile(
    r"(?:歌词[^\n:：，,。；;]{0,8}?|(?<![a-z])lyrics?(?:\s*(?:are|is|go|say|should be))?"
    # "把这段话做成一首歌：…", "这几句写成歌吧：…": the words to sing, said as "this text"
    r"|(?:这段话|这段文字|这几句话?|下面这段话?|这首诗|这首词|这几句诗|这段诗|这首小诗|这段词|这些词|这几句词|下面的词"
    r"|(?:(?:turn|make)\s+)?(?:this|my)\s+poem)"
    r"(?P<ask>[^\n:：，,。]{0,10}?(?:歌|曲|song|track))[吗吧呀啊]?)\s*[:：]\s*", re.I)


# "with these lyrics, indie pop, female voice:" and the verses on the lines below
_LYRICS_BELOW = re.compile(r"(?:(?<![a-z])lyrics?(?![a-z])|歌词)([^\n:：\"“「]{0,60}?)[:：][ \t]*(?=\n)",
                           re.I)


def _instruction_only(line: str) -> bool:
    from .gate import residue

    return bool(line.strip()) and not residue(line, "create_verbs", "request_verbs", "leading_fillers",
                                              "prompt_filler", "instruction_words", "thanks")


@cache
def _word_options() -> list[tuple[str, Any, re.Pattern[str]]]:
    w = words()
    out: list[tuple[str, Any, re.Pattern[str]]] = []
    for ratio in w["aspect_words"]:
        out.append(("aspect_ratio", ratio, pattern("aspect_words", ratio)))
    out.append(("generate_audio", False, pattern("audio_off")))
    out.append(("generate_audio", True, pattern("audio_on")))
    out.append(("mode", "pro", pattern("mode_pro")))
    out.append(("mode", "std", pattern("mode_std")))
    return out


@cache
def _any_word_option() -> PhraseScan:
    """Every phrase of :func:`_word_options` as one trie: most messages hold none, and one scan says so
    where seven did."""
    lists: list[tuple[str, ...]] = [("aspect_words", ratio) for ratio in words()["aspect_words"]]
    lists += [("audio_off",), ("audio_on",), ("mode_pro",), ("mode_std",)]
    return PhraseScan(p for path in lists for p in phrases(*path))


# "2 short videos", "3 cute pixel-art images": a word or two may stand between a count and its noun
_ADJECTIVE = r"(?!(?:and|or|of|with|in|on|at|to|for|from|by|the|a|an|but)(?![a-z]))[a-z][a-z\-']*"


@cache
def _count() -> re.Pattern[str]:
    nouns = alternation(p for p in words()["count_nouns"]["en"])
    zh = "|".join(sorted(map(re.escape, words()["count_nouns"]["zh"]), key=len, reverse=True))
    return re.compile(
        rf"((?<![\d.:])\d+(?![\d.:])|{ZH_NUMERAL}|{_W}(?:{EN_COUNT}))"
        rf"(?:(?<=couple)\s+of|(?<=pair)\s+of)?"  # "a couple of pics"
        rf"(?:\s*(?:(?:more|different|separate|distinct|unique|other)\s+)*|\s+((?:{_ADJECTIVE}\s+){{1,2}}))"
        rf"(?:({zh})|({nouns})|(个)(?=不同|不一样|logo|头像|海报|壁纸|设计|版本|视频|方案|\s*[:：]))", re.I)


def take_options(text: str, media: str | None, images: int, *,
                 lyrics: str | None = None) -> tuple[Found, str]:
    """Read every option; returns them and the text with them cut out (durations first, so "15 seconds" is
    not a count)."""
    found = Found()
    for step in (_duration, _resolution, _size, _aspect, _words):
        text = step(text, found.options, media)
    if media == "music" or lyrics:
        text = _vocals(text, found.options, lyrics)
    return found, _count_of(text, found, images)


_DECADE_BEFORE = re.compile(r"(?:(?<![a-z])(?:the|early|late|mid|from|of)\s*-?\s*|['’])$", re.I)
_DURATION_AFTER = re.compile(r"^(?:\s*$|\s*[^\sa-z]|\s+(?:long|of|in|and|with|max|total|each|or|at|for|"
                             r"clip|video|vid|film|movie|animation|gif|song|track|jingle|tune|music|loop|intro|"
                             r"outro|ad|reel|short|timelapse)(?![a-z]))", re.I)


_LENGTH_SAID = re.compile(r"\s+(?:long|in\s+length|of\s+(?:video|footage))(?![a-z])", re.I)


def _decade(text: str, m: re.Match[str]) -> bool:
    """"70s retro", "the 80s", "1990s anime": an era, not a length; "heavy 808s" (the drum machine) is a
    number in the plural too: nobody asks for over ten minutes in seconds."""
    if not m.group(1) or m.group(4) != m.group(4).lower() or m.group(4).lower() != "s" or \
            text[m.start(): m.end()].count(" "):
        return False
    value = float(m.group(1))
    if value > 600:  # (not "a video 800s long": a length said as one, too long or not)
        return not _LENGTH_SAID.match(text, m.end())
    if value < 20 or value % 10:
        return False
    return bool(_DECADE_BEFORE.search(text[: m.start()])) or not _DURATION_AFTER.match(text[m.end():])


def _ordinal(text: str, m: re.Match[str]) -> bool:
    """"add a second moon", "a second pair of wings": "second" as an ordinal before its noun, not a length."""
    return (m.group(3) or "").lower() in ("a", "an", "one") and m.group(4).lower() == "second" \
        and not _DURATION_AFTER.match(text[m.end():])


# "wait a second", "give me a minute", "in a minute", "hold on a sec": a moment, not a length
_A_MOMENT_BEFORE = re.compile(r"(?<![a-z])(?:wait|give\s+me|gimme|give\s+it|in|just|hold\s+on|hang\s+on|"
                              r"for|takes?|took|get|got|need|only)\s+$", re.I)
# "暂停五分钟", "等我五分钟", "back in 10 minutes", "5 min break": a wait or a break, not a length (a thing
# made after it, "给我五秒的视频", is a length)
_WAIT_BEFORE = re.compile(r"(?:暂停|休息|等我?|等等|给我|推迟|延迟|延时|迟到|歇|缓|再等)\s*$"
                          r"|(?<![a-z])(?:wait|back\s+in|give\s+me|gimme|pause|brb|after)\s+(?:like\s+|about\s+)?$",
                          re.I)
_WAIT_AFTER = re.compile(r"\s*(?:break|rest|pause|nap|ago|later|late)(?![a-z])", re.I)
# ... or a mention of the bot (a line break once it is cut), after which the request begins
# ("会议先暂停五分钟 @IMA助手 做两个…")
_PART_ENDS = re.compile(r"\s*(?:$|\n|[，,。.!！?？~～;；@＠]|[了吧哈啊呀]|(?:lol|pls|ok)(?![a-z]))", re.I)


def _a_wait(text: str, m: re.Match[str]) -> bool:
    if _WAIT_AFTER.match(text, m.end()):
        return True
    waited = _WAIT_BEFORE.search(text, max(0, m.start() - 12), m.start())
    return bool(waited) and bool(_PART_ENDS.match(text, m.end()))


# "一秒换装", "一秒入冬": "in a second", not a length
_ZH_IDIOM_AFTER = re.compile(r"^(?!钟)[\u4e00-\u9fff]")


def _idiom(text: str, m: re.Match[str]) -> bool:
    if (m.group(3) or "").lower() in ("a", "an", "one") and m.group(4).lower() in ("sec", "secs"):
        return True  # "when you get a sec", "give me a sec": a moment, never a one-second video
    if (m.group(3) or "").lower() in ("a", "one") and m.group(4).lower() in ("second", "minute", "min") and (
            _ORDINAL_AFTER.match(text, m.end()) or _A_MOMENT_BEFORE.search(text, 0, m.start())):
        return True  # "add a second moon": the ordinal, not a length; "wait a second": a moment
    return m.group(2) == "一" and m.group(4) == "秒" and bool(_ZH_IDIOM_AFTER.match(text[m.end():]))


_ORDINAL_AFTER = re.compile(r"\s+(?!(?:long|clip|video|shot|loop|gif|animation|of|and|or|for|to|at|in|"
                            r"with|please|pls)(?![a-z]))[a-z]", re.I)


def _duration(text: str, opts: dict[str, Any], media: str | None) -> str:
    if media == "image":
        return text  # "bday is in like 10 min. birthday card with …": a picture has no length
    m = next((found for found in DURATION.finditer(text)
              if not _decade(text, found) and not _idiom(text, found) and not _ordinal(text, found)
              and not _a_wait(text, found)), None)
    if m:
        value = parse_number((m.group(1) or m.group(2) or m.group(3) or "").replace(" ", ""))
        if value is None and m.group(1):
            value = round(float(m.group(1)))
        if value is None:
            return text
        opts["duration"] = value * 60 if m.group(4).lower().startswith(("min", "分")) else value
        return _cut(text, m, tail=True)
    # each pattern below is tried only when the text holds a word it needs ("nute" has no letter that a
    # case-blind pattern folds further, as "i" and "s" are)
    m = MINUTES_AND_A_HALF.search(text) if "分半" in text else None
    if m and (minutes := parse_number(m.group(1))) is not None and m.group(0) not in ("一分半", "一分半钟"):
        opts["duration"] = minutes * 60 + 30
        return _cut(text, m)
    m = HALF_MINUTE.search(text) if "半" in text or "nute" in text.lower() else None
    if m and media != "image" and not (m.group(1) and _A_MOMENT_BEFORE.search(text, 0, m.start())):
        phrase = (m.group(1) or m.group(2)).lower()
        opts["duration"] = {"half a minute": 30, "半分钟": 30, "a minute and a half": 90,
                            "一分半": 90}.get(phrase, 60)
        return _cut(text, m)
    return text


def _resolution(text: str, opts: dict[str, Any], media: str | None) -> str:
    # every resolution has a "0" but 768, or is "full hd"/"fhd"
    m = RESOLUTION.search(text) if "0" in text or "768" in text or "hd" in text.lower() else None
    if m is None and media != "image" and (zh := RESOLUTION_ZH.search(text)):
        opts["resolution"] = f"{zh.group(1)}P"
        return _cut(text, zh)
    if m is None:
        return text
    opts["resolution"] = f"{m.group(1)}P" if m.group(1) else "1080P"
    return _cut(text, m)


def _size(text: str, opts: dict[str, Any], media: str | None) -> str:
    m = SIZE.search(text)
    if m is None:
        return text
    opts["size"] = re.sub(r"\s+", "", m.group(1)).upper().replace("PX", "px")
    return _cut(text, m)


# "32x32 look", "16x16 sprite", "64x64像素": a pixel grid, not the picture's shape
_PIXEL_GRID = re.compile(r"^\s*(?:px|pixels?|像素|grid|sprites?|tiles?|icons?|look|style|风)", re.I)


# "a clock showing 3:30", "10:05 pm", "下午3:30": minutes (two digits from 22, or a leading 0) or am/pm make a
# time of day; a ratio's second number is small ("16:9", "9:16", "21:9")
_TIME_AFTER = re.compile(r"\s*(?:[ap]\.?m\.?|o['’]?clock)(?![a-z])", re.I)


def _time_of_day(text: str, m: re.Match[str]) -> bool:
    minutes = m.group(2)
    if ":" not in m.group(0) and "：" not in m.group(0):
        return False
    minute_shaped = len(minutes) == 2 and (minutes[0] == "0" or int(minutes) >= 22)
    return minute_shaped or bool(_TIME_AFTER.match(text, m.end()))


# "1080x1920", "1920 × 1080": a size in pixels, whose shape is a ratio the models know
PIXELS = re.compile(r"(?<![\d.])(\d{3,4})\s*[x×*]\s*(\d{3,4})(?:\s*(?:px|pixels?|像素))?(?![\d.])", re.I)
KNOWN_RATIOS = frozenset({"1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3", "21:9", "9:21", "5:4", "4:5",
                          "2:1", "1:2", "3:1", "1:3"})


def _pixel_ratio(text: str, opts: dict[str, Any]) -> str:
    m = PIXELS.search(text) if ("x" in text or "X" in text or "×" in text or "*" in text) else None
    if m is None:
        return text
    width, height = int(m.group(1)), int(m.group(2))
    divisor = math.gcd(width, height)
    ratio = f"{width // divisor}:{height // divisor}"
    if ratio not in KNOWN_RATIOS:
        return text
    opts["aspect_ratio"] = ratio
    return _cut(text, m)


def _aspect(text: str, opts: dict[str, Any], media: str | None) -> str:
    if (shaped := _pixel_ratio(text, opts)) is not text:
        return shaped
    m = next((found for found in ASPECT.finditer(text) if not _pixel_grid(text, found)
              and not _time_of_day(text, found)), None)
    if m is None or not (0 < int(m.group(1)) <= 32 and 0 < int(m.group(2)) <= 32):
        return text
    opts["aspect_ratio"] = f"{int(m.group(1))}:{int(m.group(2))}"
    return _cut(text, m)


def _pixel_grid(text: str, m: re.Match[str]) -> bool:
    """"32x32", "16 x 16 px": a square grid of pixels said with "x" (a ratio is said "16:9" or "1x1")."""
    said = m.group(0).lower()
    if ":" in said or "：" in said or "比" in said:
        return False
    return (m.group(1) == m.group(2) and int(m.group(1)) >= 8) or bool(_PIXEL_GRID.match(text[m.end():]))


def _words(text: str, opts: dict[str, Any], media: str | None) -> str:
    """Options said in words: "vertical", "竖屏", "with sound", "no audio", "pro mode"."""
    for key, value, pat in _word_options() if _any_word_option().search(text) else ():
        if key in opts or (m := pat.search(text)) is None:
            continue
        opts[key] = value
        while m is not None:  # "a silent film …, no sound": every mention goes
            noun = _trailing_noun().search(m.group(0))  # "a square image of a cat" keeps its "image"
            text = _cut(text, m)
            if noun:
                text = text[: m.start()] + " " + noun.group(0).strip() + text[m.start():]
            m = pat.search(text)
    # "a video of a forest, silent", "…, square": a word alone in its clause is the option, not the subject
    for key, value, bare, media_ok in _BARE_CLAUSES:
        m = bare.search(text)
        if key not in opts and m and media in media_ok:
            opts[key] = value
            text = text[: m.start()] + " " + text[m.end():]
    return text


def _bare(words: str) -> re.Pattern[str]:
    # ("…, high detail — square, 2K": a dash sets a part off too)
    return re.compile(rf"(?:^|(?<=[,，;；—–])|(?<=\s-))\s*(?:{words})\s*(?=[,，.。;；!！]|\s+[—–-]\s|$)",
                      re.I)


_BARE_CLAUSES = (("generate_audio", False, _bare("silent|muted|mute"), ("video", None)),
                 ("aspect_ratio", "1:1", _bare("square"), ("video", "image", None)))


@cache
def _trailing_noun() -> re.Pattern[str]:
    nouns = words()["media_nouns"]
    return re.compile(rf"\s(?:{alternation(nouns['image']['en'] + nouns['video']['en'])})$", re.I)


# "vocals: male", "voice - female", "人声：女": the voice said as a labelled field of a power user's prompt
VOCAL_LABEL = re.compile(r"(?:(?<![a-z])(?:lead\s+)?(?:vocals?|voice|singer|vox|vocalist)\s*[:：=\-]\s*"
                         r"(?:an?\s+)?"
                         r"(?:(?P<m>male|man|guy|boy|men)|(?P<f>female|woman|girl|women)|(?P<x>mixed|duet|both))"
                         r"(?![a-z])(?:\s+(?:vocals?|voice|singer))?"
                         r"|(?:人声|演唱|声音|歌手|唱)\s*[:：]\s*(?:(?P<zm>男)|(?P<zf>女)|(?P<zx>男女))(?:声|生)?)",
                         re.I)


def _vocals(text: str, opts: dict[str, Any], lyrics: str | None) -> str:
    labelled = VOCAL_LABEL.search(text)
    if labelled:
        opts["custom_mode"] = True
        opts["vocal_gender"] = ("male" if labelled.group("m") or labelled.group("zm") else
                                "female" if labelled.group("f") or labelled.group("zf") else "mixed")
        text = _cut(text, labelled)
    for gender in () if labelled else words()["vocal"]:
        m = pattern("vocal", gender).search(text)
        if m:
            opts["vocal_gender"], opts["custom_mode"] = gender, True
            if not pattern("media_nouns", "music").fullmatch(m.group(0)):  # "a duet about love" stays a duet
                text = _cut(text, m)
            break
    if lyrics:
        opts["lyrics"], opts["custom_mode"] = lyrics, True
    return text


_ATTACHED_BEFORE = re.compile(r"(这|那|these|those|the|my|both|all)\s*$", re.I)
# "playing the same three songs", "the last two videos": which ones already exist, not how many to make
_SAME_BEFORE = re.compile(r"(?<![a-z])(?:the\s+)?(?:same|last|previous|other)\s+$", re.I)
# "两张图做首尾帧", "两张照片合成一张" with two pictures sent: what is done with the pictures sent
_ATTACHED_AFTER = re.compile(r"^\s*(?:图片?|照片|相片|截图)?\s*"
                             r"(?:做|当|作为|是|分别|合成|拼|里|中|的|用|首尾|参考)"
                             r"|^\s*(?:图片?|照片|相片|截图)\s*[，,:：]")  # "两张图，第一张是…": those sent


def _count_of(text: str, found: Found, images: int) -> str:
    """How many results: "3 images", "两张", "x4"; "these two images" are the attached pictures, not a
    count."""
    # "一张", "one picture": one is the default, not a count, and stays in the words; the count may
    # come later ("需要一张民宿的宣传图，…，帮我出4张"). "第二张图" is an ordinal, "these two images"
    # the pictures sent
    m = next((c for c in _count().finditer(text)
              if 1 < (parse_number(c.group(1)) or 0) <= 20 and not text[:c.start()].endswith("第")
              and not (images and _ATTACHED_BEFORE.search(text[: c.start()]))
              and not _SAME_BEFORE.search(text, 0, c.start())
              and not (images == parse_number(c.group(1)) and _ATTACHED_AFTER.match(text[c.end():]))
              and not (c.group(3) and _inside_the_subject(text, c))), None)
    made = _MADE_COUNT_ZH.search(text) if m is None else None
    if made and compiled(r"(?:{m})\s*$", m=("media_nouns",)).search(
            _ZH_PART_END.split(text[made.end():], maxsplit=1)[0].split("：", 1)[0].split(":", 1)[0]):
        # "做两个开场动画": the making verb counts the thing made
        found.n = parse_number(made.group(1)) if made.group(1) else _TWO_THREE[made.group(2)]
        return text[:made.start(1 if made.group(1) else 2)] + text[made.end():]
    if m is None:
        # "x4", "×4", "n=4": without one of these marks there is nothing to find
        x = COUNT_X.search(text) if ("x" in text or "X" in text or "×" in text or "=" in text) else None
        if x is None:
            bare = _BARE_COUNT.search(text) if _DIGIT.search(text) or _COUNT_WORD.search(text) else None
            said = (bare.group("n") or bare.group("n2") or "").lower() if bare else ""
            if bare is None or not 1 < (parse_number(said) or 0) <= 20:
                return text
            found.n = parse_number(said)
            return text[:bare.start("all")] + " " + text[bare.end():]
        found.n = int(x.group(1) or x.group(2))
        return _cut(text, x)
    n = parse_number(m.group(1))
    assert n is not None
    found.n = n
    # keep an English noun so "3 images of a cat" still names what is made; "…style 出两张": the verb that
    # asked for the count goes with it
    start = m.start()
    if m.group(3) and (verb := _VERB_BEFORE_COUNT.search(text, 0, start)):
        start = verb.start()
    elif m.group(1).lower() in ("couple", "pair") and (article := _ARTICLE_BEFORE.search(text, 0, start)):
        start = article.start()  # "a pair of posters": the article goes with the count
    # "做两个logo": the head noun after 个 stays, like an English one ("个版本" only counts)
    measure = m.group(3) or ""
    head = measure[1:] if measure.startswith("个") and measure[1:] not in ("版本", "方案") else ""
    rest = text[m.end():]  # ("4 frog emotes: happy, sad": no space is left before the colon)
    return (text[:start] + " " + (m.group(2) or "") + (m.group(4) or "") + head
            + ("" if rest[:1] in _TIGHT_AFTER else " ") + rest)


_ARTICLE_BEFORE = re.compile(r"(?<![a-z])an?\s+$", re.I)
_TIGHT_AFTER = frozenset(",.:;!?，。：；！？")
# "画一只八条腿的猫", "一个三张嘴的怪物": a count after the thing's own measure word is part of the subject
_MEASURED_BEFORE = re.compile(r"(?:一|[两三四五六七八九十]|\d)\s*[只个位头匹条张座棵朵艘辆件把]"
                              r"[^，,。；;！!？?:：\s]{0,12}$")
# "三条腿", "两条狗": 条 counts videos only when one is named ("来三条短视频", "来三条")
_VIDEO_AFTER_TIAO = re.compile(r"\s*(?:$|[，,。；;！!？?:：]|(?:短视频|视频|vlog|片子|动画|广告|口播))", re.I)


def _inside_the_subject(text: str, m: re.Match[str]) -> bool:
    """A Chinese measure-word count that describes the subject ("一只八条腿的猫", "三条腿的凳子"), not how
    many results."""
    if _MEASURED_BEFORE.search(text, 0, m.start()):
        return True
    return m.group(3) == "条" and not _VIDEO_AFTER_TIAO.match(text, m.end())


# "…, no vocals, make 2", "…, no logos, 4 of them", "give me 3 pls": a count said as a part of its own, with a
# making verb or "of them" (a bare "2" between commas says nothing)
_BARE_COUNT = re.compile(rf"(?:^|[,，.;；!]\s*)(?P<all>(?:(?:make|give\s+me|gimme|do|generate|gen|render|"
                         rf"need|want|i\s+want|i\s+need|i'd\s+like)\s+(?P<n>\d{{1,2}}|{EN_COUNT})"
                         rf"(?:\s+(?:of\s+(?:them|those|these|each|it)|versions?|variations?|options?|takes?|"
                         rf"please|pls|plz))?"
                         rf"|(?P<n2>\d{{1,2}}|{EN_COUNT})\s+(?:of\s+(?:them|those|these|each|it)|versions?|"
                         rf"variations?|takes?|options?)(?:\s+(?:please|pls|plz))?))"
                         rf"\s*(?=[,，.!;；]|$)", re.I)
# a digit or a count word, as two scans: a pattern that opens with a digit set alone is skipped through at C
# speed, where one alternation with the word entered the engine at every place of the text
_DIGIT = re.compile(r"\d")
_COUNT_WORD = re.compile(rf"{_W}(?:{EN_COUNT}){_E}", re.I)
_ZH_PART_END = re.compile(r"[，,。；;！!？?\s]")
# ("画两个苹果" is two apples in one picture: only a thing made, "做两个开场动画", is counted)
_MADE_COUNT_ZH = re.compile(r"(?:做|画|出|来|整|搞|弄|生成|设计)\s*(?:([两三四五六七八九十]|[2-9])\s*个"
                            # "来俩…表情包", "画俩版本的…封面": 俩/仨 are two/three with their measure word
                            r"|([俩仨])(?:个?版本的?|种)?)"
                            r"(?=[^，,。\s的个])")
_TWO_THREE = {"俩": 2, "仨": 3}
_VERB_BEFORE_COUNT = re.compile(r"(?:^|(?<=[\s,，。；;:：]))(?:再|帮我|给我)?"
                                r"(?:出|来|画|做|生成|整|搞|弄|要)\s*$")


def settle(opts: dict[str, Any], media: str) -> None:
    """A size said for a video ("4K video") is its resolution."""
    if media == "video" and "size" in opts:
        opts.setdefault("resolution", opts.pop("size"))
