"""The clean prompt: what is left once instructions, counts, options, model names and politeness are cut.

"Can you draw me 3 pictures of a cat, 4k please" → "a cat". Grammatical scraps the cuts leave
behind ("of a paper boat", "it a video", "in" before a removed "4k") go too. Bounded passes and
no nested quantifiers keep it linear on a wall of "please please please …".
"""

from __future__ import annotations

import re
from functools import cache

from .vocab import alt, phrases

SEPARATORS = re.compile(r"^[\s,，。.;；:：!！、\-—~]+|[\s,，。;；:：、\-—~]+$")
TRAILING_PUNCTUATION = " \t,，。.!！?？~"
_MEDIA_GENERIC = (r"(?:image|picture|pic|photo|video|vid|clip|song|track|music|piece of "
                  r"music|illustration|painting|drawing|render|"
                  r"animation|gif|tune|variation|version|one|film|movie|footage|timelapse)s?")
_MEDIA_ADJECTIVES = (r"(?:an?\s+|some\s+|the\s+|one\s+|a single\s+)?(?:(?:short|quick|little|new|nice|cool|"
                     r"simple|single|different|separate|small|tiny|brief)\s+)*")
MEDIA_OF = re.compile(rf"^{_MEDIA_ADJECTIVES}{_MEDIA_GENERIC}\s*(?:of|about|showing|featuring|with|where|"
                      rf"that shows|depicting|in which)\s+", re.I)
MEDIA_LABEL = re.compile(
    rf"^(?:的)?(?:(?:视频|短片|图片|图|照片|音乐|歌曲|歌)(?:\s*[:：,，]\s*|\s+(?=\S))|"
    rf"{_MEDIA_ADJECTIVES}{_MEDIA_GENERIC}(?:\s+please)?\s*[:：,，]\s*)",
    re.I,
)
# "内容是一只熊猫", "prompt: a fox", "subject - a lighthouse": a label before the description
CONTENT_LABEL = re.compile(
    r"^(?:(?:画面|内容|主题|描述|场景|题材|提示词|关键词)\s*(?:是|为|就是|[:：])|(?:the\s+)?(?:prompt|subject|description|"
    r"theme|scene|topic|idea|concept)\s*(?:is\s*|[:：\-—]))\s*",
    re.I,
)
# "@ImaBot" typed as plain text (platform mention tokens are removed before parsing)
TYPED_MENTION = re.compile(r"(?<![\w@.])@[\w\-.]*[\w]\s*")
# politeness anywhere: "a pop song please, upbeat"
PLEASE = re.compile(r"\s*(?<![a-z'])(?:please|pls|plz|kindly)(?![a-z])", re.I)
CLAUSE_SPLIT = re.compile(r"([,，;；。!！?？]+)")
ZH_MEDIA_LEAD = re.compile(
    r"^(?:一?[张幅个首段条])?(?:图片|图|照片|短视频|视频|短片|音乐|歌曲|歌|画)\s*[:：，,]\s*"
)
# "一首关于妈妈的歌": the measure word belongs to the media
ZH_MEASURE_LEAD = re.compile(r"^一?[张幅首段](?=[\u3400-\u9fff])")
ZH_MEDIA_TAIL = re.compile(r"(?<=[\u3400-\u9fff\w])\s*的\s*(?:图片|照片|视频|短视频|短片|音乐|歌曲|歌|图)$")
EN_MEDIA_TAIL = re.compile(r"(?<!music)(?<!a)(?<!the)\s+(?:video|clip|image|picture|photo|pic|vid)$", re.I)
EDGE_SYMBOLS = re.compile(r"^[^\w\"“'「(《\u3400-\u9fff]+|[^\w\"”'」)》\u3400-\u9fff.!?。！？]+$")
AN = re.compile(r"\b([Aa]) (?=[aeioAEIO]\w)")
EMPTY = re.compile(
    rf"^(?:an?\s+|some\s+|the\s+|me\s+|一[张个段首幅]\s*|的\s*)*(?:{_MEDIA_GENERIC}|视频|图片|图|照片|音乐|歌|歌曲|画|model|模型)?\s*"
    r"(?:吧|呀|啊|please|模型|生成|from now on|以后|for me|now|it|this|that)?$",
    re.I,
)
PRONOUN_ONLY = re.compile(r"^(?:this|it|that|these|them|this "
                          r"(?:image|picture|photo|pic|one)|这张图?|这个|这张照片|它|this one|that "
                          r"one)$", re.I)
DANGLING_WORDS = frozenset("at with for of and using via by to as but or also then the a an model "
                           "please".split())
DANGLING_START = re.compile(r"^(?:(?:of|about|showing|featuring|with|and|then|to|for|that|where)\s+)+", re.I)
IT_INTO = re.compile(rf"^(?:it|this|them|that|these|this (?:photo|picture|image|pic|one)|these "
                     rf"(?:photos|pictures|images|pics))\s+(?:into\s+)?"
                     rf"(?:an?\s+)?{_MEDIA_GENERIC}(?:\s+(?:of|about|showing|with|where)\s+|\s*[:：,，]\s*)",
                     re.I)
FRAME_LABEL = re.compile(
    r"^(?:(?:from\s+)?(?:the\s+)?first\s+(?:and|&|to)\s+last\s+frames?|首尾帧(?:视频)?|start and end "
    r"frames?)\s*[:：,，]\s*",
    re.I,
)
IT_MEDIA = re.compile(
    rf"^(?:make\s+|turn\s+)?(?:it|this|them|that)\s+(?:into\s+)?(?:an?\s+)?{_MEDIA_GENERIC}$", re.I
)


@cache
def _lead_zh() -> re.Pattern[str]:
    fillers = "|".join(sorted(map(re.escape, phrases("leading_fillers", "zh")), key=len, reverse=True))
    verbs = "|".join(sorted(map(re.escape, phrases("create_verbs", "zh")), key=len, reverse=True))
    media = r"(?=\s*(?:的|视频|短片|图|照片|海报|logo|头像|壁纸|音乐|歌|动画|封面|[，,：:]))"
    return re.compile(
        rf"^(?:(?:{fillers}|你)\s*)*(?:(?:{verbs})\s*(?:一?[张幅首段条]|一下|一?个{media}|些|几[张个首段])?\s*)?"
    )


@cache
def _lead_en() -> re.Pattern[str]:
    fillers = alt("leading_fillers", "en")
    verbs = alt("create_verbs", "en")
    return re.compile(rf"^(?:(?:{fillers})[\s,]+)*(?:(?:{verbs})(?:\s+|$)(?:me\s+|us\s+)?)?", re.I)


@cache
def _trailing() -> tuple[str, ...]:
    return tuple(sorted((p.lower() for p in phrases("trailing")), key=len, reverse=True))


def strip_trailing(text: str) -> str:
    """Drop "please", "吧", "thanks" at the end, in linear time."""
    for _ in range(8):
        stripped = text.rstrip(TRAILING_PUNCTUATION)
        lowered = stripped.lower()
        for word in _trailing():
            if lowered.endswith(word) and (
                not word.isascii() or len(lowered) == len(word) or not lowered[-len(word) - 1].isalnum()
            ):
                stripped = stripped[: -len(word)]
                break
        else:
            if (not stripped.endswith(" 的") and not stripped.endswith("的")) or len(stripped) < 2:
                return stripped
            stripped = stripped[:-1].rstrip()
        text = stripped
    return text.rstrip(TRAILING_PUNCTUATION)


def drop_dangling_end(text: str) -> str:
    """"a cat in" (after "4k" was cut) → "a cat"; a word at a time, so linear on any input."""
    for _ in range(6):
        parts = text.rsplit(None, 1)
        if len(parts) < 2 or parts[1].lower() not in DANGLING_WORDS:
            return text
        text = parts[0]
    return text


def drop_filler_clauses(text: str) -> str:
    """Drop every comma-separated part that says nothing about what to make ("thanks", "aspect ratio" once
    its value was read, "would be awesome"): the words are data (``prompt_filler``)."""
    from .gate import residue

    parts = CLAUSE_SPLIT.split(text)
    kept: list[str] = []
    for i in range(0, len(parts), 2):
        clause, separator = parts[i], parts[i + 1] if i + 1 < len(parts) else ""
        if clause.strip() and not residue(clause, "prompt_filler", "thanks"):
            continue
        kept.append(clause + separator)
    return "".join(kept)


def clean_prompt(text: str, *, keep_instruction: bool = False) -> str:
    """The prompt sent to IMA. ``keep_instruction``: an edit of an attached picture keeps its verb ("make
    it darker")."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"^/\w+\s*", "", text)
    text = TYPED_MENTION.sub("", text)
    text = PLEASE.sub("", text)
    text = drop_filler_clauses(text)
    text = re.sub(r"\s+([,，.!?])", r"\1", text)
    text = re.sub(r"([,，])(?:\s*[,，])+", r"\1", text)
    previous = None
    for _ in range(5):  # bounded passes: "please draw me a picture of …" in a few, "画画画…" stays linear
        if previous == text:
            break
        previous = text
        text = SEPARATORS.sub("", text).strip()
        text = EDGE_SYMBOLS.sub("", text).strip()
        if keep_instruction:
            text = re.sub(rf"^(?:(?:{alt('leading_fillers', 'en')})[\s,]+)*", "", text, count=1, flags=re.I)
            text = re.sub(r"^(?:请|麻烦|帮我|给我|替我|帮忙)\s*", "", text)
        else:
            text = _lead_zh().sub("", text, count=1)
            text = _lead_en().sub("", text, count=1)
            text = re.sub(r"^的\s*", "", text)
            text = ZH_MEDIA_LEAD.sub("", text)
            text = ZH_MEASURE_LEAD.sub("", text)
            text = MEDIA_LABEL.sub("", text) if not MEDIA_OF.match(text) else MEDIA_OF.sub("", text)
            text = IT_INTO.sub("", text)
            text = FRAME_LABEL.sub("", text)
            text = CONTENT_LABEL.sub("", text)
            text = DANGLING_START.sub("", text)
        text = drop_dangling_end(text)
        if not keep_instruction:
            text = ZH_MEDIA_TAIL.sub("", text)
            text = EN_MEDIA_TAIL.sub("", text) if len(text.split()) > 2 else text
        text = strip_trailing(text).strip()
        text = SEPARATORS.sub("", text).strip()
    if EMPTY.match(text) or PRONOUN_ONLY.match(text) or IT_MEDIA.match(text):
        return ""
    return AN.sub(r"\1n ", text)


SOURCE_LEAD = re.compile(
    r"^(?:(?:this|it|these|them|that)(?:\s+(?:two\s+)?(?:photo|picture|image|pic|one|frame)s?)?|(?:把|让|用|将)?这(?:两)?[张幅个]?(?:图片|照片|图))"
    r"\s*[,，:：]?\s*",
    re.I,
)


def animation_prompt(text: str) -> str:
    """With pictures to animate, "make this photo move" / "让这张图动起来" says nothing to draw: no prompt
    (the conversation sends a neutral motion prompt); "animate this, camera slowly zooms in" keeps the
    motion."""
    from .gate import residue

    if not residue(text, "animation_filler"):
        return ""
    return SOURCE_LEAD.sub("", text).strip()


_PICTURE = (
    r"(?:(?:this|the|my|that)\s+(?:photo|picture|image|pic|selfie|drawing)|this|it|him|her|them|me|these)"
)
EDIT_TARGET_EN = re.compile(rf"^(?:(?:please|can you|could "
                            rf"you)\s+)*(?:edit\s+{_PICTURE}\s+to\s+)?(?:turn|convert|change|transform|make|restyle|redo|render|edit)\s+"
                            rf"{_PICTURE}\s+(?:into|to|as|look like|like|in the style of)\s+(?P<target>.+)$|"
                            rf"^(?:{_PICTURE}\s+)?(?:but\s+)?(?:in the style of|as "
                            rf"an?|as)\s+(?P<target2>.+)$", re.I)
EDIT_LOOK = re.compile(rf"^(?:(?:edit|make|turn)\s+{_PICTURE}\s+)?(?:to\s+)?looks?\s+like\s+(?P<target>.+)$|"
                       rf"^make\s+{_PICTURE}\s+(?P<target2>(?:an?|the)\s+.+|.+\s+style)$", re.I)
EDIT_TARGET_ZH = re.compile(
    r"^(?:请|帮我|麻烦)?(?:把|将)?(?:这|这张|这幅|这个)?(?:图片|照片|图|画)?(?:的风格)?(?:改成|变成|换成|转成|处理成|p成|做成|弄成|改为)(?P<target>.+)$"
)
ATTACHMENT_ZH = re.compile(
    r"^(?:请|帮我|麻烦)?(?:把|将)?(?:这张|这幅|这个|这)(?:图片|照片|图|画)(?:里的|中的|上的|里|的)?\s*"
)
EDIT_LABEL = re.compile(r"^(?:edit|修改|编辑)\s*[:：]\s*", re.I)


def edit_prompt(text: str) -> str:
    """An edit of the attached picture: "turn this photo into a pencil sketch" → "a pencil sketch",
    "把这张图改成油画风格" → "油画风格"; other instructions stay as said, without "edit:" or "这张图"."""
    text = EDIT_LABEL.sub("", text.strip())
    m = EDIT_TARGET_ZH.match(text)
    stripped = ATTACHMENT_ZH.sub("", text).strip() or text
    m = m or EDIT_LOOK.match(stripped) or EDIT_TARGET_EN.match(stripped)
    if m:
        target = m.groupdict().get("target") or m.groupdict().get("target2") or ""
        return target.strip(" ,，。.!")
    return stripped
