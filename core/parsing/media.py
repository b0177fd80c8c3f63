"""What is being made: image, video or music, from the head noun of the request.

"an album cover for my song" is a picture and "a flyer for a rap battle" is a picture: the noun that
names the thing asked for decides, nouns describing its subject ("for my song", "of an
animated-film hero") don't. Motion verbs ("animate", "make this photo move", "动起来") always mean
video; a drawing verb at the start ("draw …", "画…") means a picture.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .vocab import PhraseScan, Tagged, alternation, compiled, pattern, per_message, phrases, scan

MEDIA = ("image", "video", "music")
_WORD = re.compile(r"[a-z0-9'’\-]+", re.I)
_CJK = re.compile(r"[\u3400-\u9fff]")
_DETERMINERS = {"a", "an", "the", "my", "our", "your", "his", "her", "their", "this", "that", "some", "one",
                "new", "quick", "short",
                "little", "nice", "cool", "simple", "another", "it", "them", "me", "us", "into", "as", "use",
                "using", "with", "via",
                "cheapest", "cheap", "cheaper", "best", "highest", "quality", "premium", "budget", "always",
                "high", "top", "just", "only", "simply", "instead", "maybe", "now", "then", "also", "pls",
                "please"}
# ("a 30 second jingle": a length, not the second picture)
_SOURCE_EN = re.compile(r"(?<![a-z])(?:this|these|those|that|the attached|the uploaded|my|both|the two|these "
                        r"two|those two|first|(?<!\d )(?<!\d)(?<!\d-)second|third|last|other|1st|2nd|3rd)"
                        r"\s+(?:\w+\s+)?$", re.I)
_RESULT_EN = re.compile(r"(?<![a-z])(?:into|as|to be|become|becomes)\s+(?:an?\s+|the\s+)?"
                        r"(?:[\w\-]+\s+){0,2}$", re.I)
_MADE_INTO = re.compile(r"(?<![a-z])(?:make|turn|made|remake)\s+(?:this|it|that|them|these|those)\s+"
                        r"(?:into\s+)?(?:an?|some)\s+$", re.I)
_REFERENCE_FOR = re.compile(r"(?<![a-z])(?:reference|ref|inspiration|template|base)\s+(?:for|to make)\s+"
                            r"(?:an?\s+|the\s+|my\s+)?(?:[\w\-]+\s+){0,2}$", re.I)
_VIDEO_RESULT = re.compile(r"(?:video|clip|animation|short video)$", re.I)
_SOURCE_ZH = re.compile(r"(?:把|将|用|拿|这|那|上传的|我的)[一二两三几这那张幅个些]*\s*$"
                        # "这两张角色图", "这张 photo"
                        r"|(?:这|那)[一二两三几]?[张幅个些][\u4e00-\u9fff]{0,3}\s*$")
# "图1", "图二", "pic 2", "image #1": one of the attached pictures, named by its number
_NUMBERED = re.compile(r"^\s*(?:#|no\.?\s*)?"
                       r"(?:\d(?!\d*[a-z])|[一二三四五六七八九](?![\u4e00-\u9fff]*[张幅个只]))",
                       re.I)  # not "背景音乐 8bit", "视频 4k"
# after a Chinese noun, what ends its noun phrase: punctuation, particles, verbs and numbers ("做个视频展示…",
# "视频一只猫在跳舞"); anything else continues it, so the noun was a modifier ("电影男主角的剧照")
_ZH_PHRASE_END = re.compile(r"^(?:\s|[^\u4e00-\u9fff]|[的里中上内吧呢啊吗呀哦嘛了和跟与或及给为配来去让把被"
                            r"是要有带在用讲说拍做画写生成展示宣传介绍关于主题内容风格效果一二两三四五六七八九十几]|$)")
_RESULT_ZH = re.compile(r"(?:做成|变成|改成|转成|换成|生成|弄成|成)[一个张段首幅部条]*\s*$")
_ARTICLES = {"a", "an", "the", "some", "my", "your", "his", "her", "their", "our", "its"}
_CONNECTORS = re.compile(r"^\s*(?:of|about|showing|featuring|with|where|that|in which|for|:|：|,)", re.I)
# "给我的新歌做个封面": what it is for; "给我整首歌" is not (整 makes the song)
_ZH_MOD_BEFORE = re.compile(r"(?:给|为|用于|配合|替)[^画做生成写来配整搞弄出唱编求要]{0,5}$")
_CLAUSE_BREAK = re.compile(r"[,，。.;；!！?？\n]")
_DRAWN_BY = re.compile(r"(?:我|你|他|她|它|们|谁|自己|女儿|儿子|孩子|朋友)(?:新|刚|刚刚|自己|昨天|今天|亲手)?"
                       r"\s*$")
_DONE = re.compile(r"(?:出来|好|完)?[的了过得]")
_STYLE_AFTER = re.compile(r"\s*(?:风格|风|感|质感|色调|画风|式|范儿?|味儿?|那种|一样|似的|般)")


@dataclass(frozen=True)
class Noun:
    media: str
    start: int
    end: int
    head: bool


@cache
def _nouns() -> Tagged:
    """not_media, then image, video and music nouns, tried in that order at each position."""
    return Tagged([("not", phrases("not_media")), *((m, phrases("media_nouns", m)) for m in MEDIA)])


def _clause_start(text: str, at: int) -> int:
    """Where the clause holding position ``at`` begins (looking back a bounded distance keeps long input
    linear)."""
    floor = max(0, at - 120)
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, floor, at)]
    return breaks[-1] if breaks else floor


_UNITS = frozenset({"second", "seconds", "sec", "secs", "s", "minute", "minutes", "min", "mins"})


def _english_head(text: str, start: int, end: int, verbs: PhraseScan) -> bool:
    """A noun names what is made when it opens its clause (after verbs, counts, adjectives) or introduces
    the description."""
    before = text[_clause_start(text, start): start]
    compound = _noun_next().match(text[end:]) or _compound_head_after(text[end:])
    if _MADE_INTO.search(before) and not compound:
        return True  # "can u make this a video", "make them a sticker": what the picture becomes
    last_verb = max(verbs.finditer(before), key=lambda m: m.end(), default=None) or _WANTED.search(before)
    if last_verb is not None:
        # "use the cheapest model to make a video": what is made follows the verb
        before = before[last_verb.end():]
    elif lead := _asking_for().match(before):
        before = before[lead.end():]  # "any chance of a song …", "is it possible to get a song …": asked for
    if (_RESULT_EN.search(before) or _REFERENCE_FOR.search(before) or (
            re.search(r"(?:in|into|as)\s+an?\s+$", before, re.I) and _VIDEO_RESULT.match(text[start:end]))) \
            and not compound:
        # "turn these two images into a video", "put this character in a video", "use this as reference for a
        # fantasy portrait" (but "into a movie poster" is a poster)
        return True
    if _SOURCE_EN.search(before):
        return False  # "this photo", "these two images": what came with the message
    before = verbs.sub(" ", before)
    words = [w.lower() for w in _WORD.findall(before)]
    if _QUANTITY_OF.search(before):
        return True  # "2 versions of a lullaby", "a set of stickers": how many of the thing made
    if any(w in _PREPOSITIONS() for w in words[-3:]):
        return False
    after = text[end:]
    option = _OPTION_AFTER.match(after)  # "a vertical video 9:16 of …": the option is no noun
    after = after[option.end():] if option else after
    if re.match(r"^(?:'s|’s)", after) or _NUMBERED.match(after):
        return False  # "the cat's …", "the dog in pic 2"
    if _other_head_after()[1].match(after):
        return False  # "video script", "music video editor": the phrase names something we don't make
    if _noun_next().match(after) or _compound_head_after(after):
        return False  # "song cover", "video thumbnail", "synthwave city wallpaper": the last noun is the head
    if _PARTICIPLE.search(text[start:end]) and _OBJECT_AFTER.match(after):
        return False  # "a samurai drawing his sword": a verb, not a drawing
    if _CONNECTORS.match(after):
        return True
    # (a length before the noun is an option, not a word of the subject: "a 30 second jingle")
    content = [i for i, w in enumerate(words) if w not in _DETERMINERS and not w.isdigit()
               and not (w in _UNITS and i and words[i - 1].isdigit())]
    if (
        content
        and any(w in _ARTICLES for w in words[content[0] :])
        and not re.search(r"(?:use|using|with)\s+the\s+\w+\s*$", before, re.I)
    ):
        return False  # "a cat watching a movie": a second noun phrase began
    return len(content) <= 3


# "my boss wants a video by friday": what someone wants is what is made, like the object of "make"
_WANTED = re.compile(r"(?<![a-z'])(?:wants?|wanted|needs?|needed|would like|'d like|asked for|asks for|"
                     r"requested|is asking for|are asking for)(?![a-z'])"
                     r"(?!.*(?<![a-z'])(?:wants?|needs?)(?![a-z']))",
                     re.I)


_OPTION_AFTER = re.compile(r"(?:\s*,?\s*(?:\d{1,2}\s*[:：x×]\s*\d{1,2}|\d+\s*(?:s|secs?|seconds?|p|k)|4k|8k|"
                           r"hd|vertical|horizontal|portrait|landscape|widescreen)(?![\w:]))*", re.I)
_QUANTITY_OF = re.compile(r"(?<![a-z])(?:versions?|variations?|variants?|takes|copies|options|kinds|sorts|"
                          r"types|couple|pair|set|series|bunch|handful|few)\s+of\s+(?:an?\s+|the\s+|some\s+)?$",
                          re.I)
#: nouns that are also verbs: followed by their object they ask for something made ("帮我render一个 video",
#: "sketch me a fox"), and the noun after them says what
_VERB_NOUNS = frozenset({"render", "sketch", "film", "photograph", "doodle", "storyboard"})
_OBJECT_NEXT = re.compile(r"\s*(?:一[个张段幅首部]|[个张段幅首部](?![\u3400-\u9fff]*的)"
                          r"|(?:me|us|a|an|the|this|that|these|those|it|my|our|some)(?![a-z]))", re.I)
# "drawing his sword", "painting the fence": an -ing noun followed by its object is a verb
_PARTICIPLE = re.compile(r"ing$", re.I)
_OBJECT_AFTER = re.compile(r"^\s+(?:his|her|their|its|my|your|our|a|an|the|this|that|these|those|him|them|it)"
                           r"(?![a-z])", re.I)
# words that end a noun phrase: between them and a later media noun, the earlier noun is not a modifier
_PHRASE_BREAKERS = frozenset("a an the and or but of with w for in on at to from by about into onto over "
                             "under that which who where while when is are was were be as than like".split())


def _compound_head_after(after: str) -> bool:
    """"synthwave mountain wallpaper", "lofi study girl poster": one or two plain words, then another media
    noun, all one noun phrase, so the noun before them describes the later one."""
    at = 0
    for _ in range(2):
        word = _PLAIN_WORD.match(after, at)
        if word is None or word.group(1).lower() in _PHRASE_BREAKERS or word.group(1).lower().endswith("ing"):
            return False
        at = word.end()
        if _noun_after().match(after, at):
            return True
    return False


_PLAIN_WORD = re.compile(r"\s+([a-z][a-z'\-]*)(?=\s)", re.I)


@cache
def _other_head_after() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The nouns that make a media noun before them a modifier of something we don't make (zh, en)."""
    return (re.compile(rf"(?:{alternation(phrases('not_media_heads', 'zh'))})"),
            re.compile(rf"^[\s-]*(?:{alternation(phrases('not_media_heads', 'en'))})", re.I))


@cache
def _noun_after() -> re.Pattern[str]:
    return re.compile(r"\s+(?:" + _noun_alternation() + ")", re.I)


@cache
def _noun_next() -> re.Pattern[str]:
    return re.compile(r"^\s*[\-\s]?(?:" + _noun_alternation() + ")", re.I)


@cache
def _noun_start() -> re.Pattern[str]:
    # "美食vlog BGM": a Latin noun after a space goes on the same noun phrase
    return re.compile(r"^(?:\s(?=[a-z]))?(?:" + _noun_alternation() + ")", re.I)


@cache
def _noun_alternation() -> str:
    return alternation(p for media in MEDIA for p in phrases("media_nouns", media))


@cache
def _PREPOSITIONS() -> frozenset[str]:
    return frozenset(phrases("modifier_prepositions", "en"))


def _chinese_head(text: str, start: int, end: int) -> bool:
    if text[start:end] == "画" and re.match(r"^\s*[一个张幅段只些下两三几了过完着]", text[end:]):
        return False  # "画一段动画", "不画了": 画 is the verb here
    if text[start:end] == "画" and _DRAWN_BY.search(text, max(0, start - 4), start) and _DONE.match(text,
                                                                                                    end):
        return False  # "我画的，怎么样": who drew it, the verb
    if _NUMBERED.match(text[end:]):
        return False  # "从图1的花苞变成图2": the pictures that came with the message
    if _noun_start().match(text[end:]) and not (text[end:end + 1].isspace() and _CJK.match(text[end - 1])):
        # "视频封面", "歌曲封面图": the last noun of a compound is the head (not "做首歌 city pop风": a
        # Chinese noun, then a pause)
        return False
    if _STYLE_AFTER.match(text, end) or _other_head_after()[0].match(text, end):
        return False  # "延时摄影风格的星空", "电影感的海报": a style; "视频标题": words we don't make
    near = text[max(0, start - 12): start]
    if _RESULT_ZH.search(near):
        return True  # "做成视频"
    if _SOURCE_ZH.search(near):
        return False  # "把这张照片", "用这两张图": the pictures that came with the message
    if text[max(0, start - 1): start] == "的":
        return True
    if re.match(r"^(?:里|中|上|内|里面)", text[end:]):
        return False  # "图里的人": a place in the picture that came with the message
    if re.match(r"^\s*(?:《[^》]{0,30}》)?\s*的(?!\s*$)", text[end:]):
        return False  # "视频的封面", "新歌《夏夜》的专辑封面": 视频 and 歌 describe 封面
    return not _ZH_MOD_BEFORE.search(text[_clause_start(text, start): start])


@per_message
def nouns(text: str, limit: int = 40) -> list[Noun]:
    """The media nouns in the text (the first ``limit``), marked head or modifier."""
    out: list[Noun] = []
    verbs = scan("create_verbs")
    for media, m in _nouns().finditer(text):
        if len(out) >= limit:
            break
        if media == "not" or (m.group(0).lower() in _VERB_NOUNS and _OBJECT_NEXT.match(text, m.end())):
            continue
        # "给我的 vlog 配个 bgm": a Latin noun inside Chinese words is read the Chinese way
        if _CJK.match(m.group(0)) or _CJK.match(text[max(0, m.start() - 2): m.start()].strip()[-1:] or "x"):
            head = _chinese_head(text, m.start(), m.end())
        else:
            head = _english_head(text, m.start(), m.end(), verbs)
        if head and _NEGATED_BEFORE.search(text, max(0, m.start() - 16), m.start()):
            head = False  # "别做视频 画张图就好", "not a picture, i want a VIDEO": what is not wanted
        out.append(Noun(media, m.start(), m.end(), head))
    return _chinese_compounds(text, out)


# "不要做视频，就改图", "别做视频", "不是图片", "not a picture", "no video": the media said not to make
_NEGATED_BEFORE = re.compile(r"(?:不要|不用|别|不是|不想要|不需要|不做|甭)(?:再|先)?"
                             r"(?:做|画|生成|出|弄|改|要|搞)?(?:个|一个|张|一张|段|一段|首|一首)?\s*$"
                             r"|(?<![a-z'])(?:not|no|don't want|dont want|don't make|dont make|no more|"
                             r"not another)"
                             r"\s+(?:(?:a|an|the|any|another)\s+)?$", re.I)
# "做个小动画…不对 画张图就行", "a video… no wait, a picture": what is said after the correction counts
_CORRECTED = re.compile(r"(?:不对|不是不是|算了|还是|改成|(?<![a-z'])(?:no wait|wait no|scratch that|i mean|"
                        r"actually no|no actually|on second thought))[\s,，.。…!！:：]*(?=\S)", re.I)


def _chinese_compounds(text: str, found: list[Noun]) -> list[Noun]:
    """In Chinese the head comes last: a media noun that runs on into more of its noun phrase before another
    media noun ("武侠电影男主角的剧照", "视频剪辑软件的app图标") describes that later noun."""
    out = list(found)
    for i, noun in enumerate(found):
        chinese = _CJK.match(text[noun.start:noun.end])
        if not noun.head or not chinese or _ZH_PHRASE_END.match(text[noun.end:]):
            continue
        later = next((n for n in found[i + 1:] if n.head), None)
        if later is not None and not _CLAUSE_BREAK.search(text, noun.end, later.start) \
                and not re.search(r"\s", text[noun.end:later.start]):
            out[i] = Noun(noun.media, noun.start, noun.end, False)
    return out


@cache
def _asking_for() -> re.Pattern[str]:
    return compiled(r"^\W*(?:{lead})\s*(?:(?:to\s+)?(?:get|have|see)\s+(?:me\s+|us\s+)?)?",
                    lead=("request_leads", "en"))


_START = re.compile(r"^\W*(?:(?:please|can you|could you|would you|hey|ok|now|帮我|请|给我|麻烦|你)\W*)*",
                    re.I)


_IMPERATIVE_BEFORE = re.compile(r"(?:^|[,，.:：;!?]|(?<![a-z])(?:and|then|to|please|pls|plz|can you|could "
                                r"you|would you|can u|could u|would u|u|me|just|now|also|pls just))\W*$",
                                re.I)


_DOING_ZH = re.compile(r"(?:在|正在|着|都在)\s*$")


def _imperative(m: re.Match[str], text: str) -> bool:
    """"animate a paper boat" / "film a …" are verbs; "an animated-film hero" is not."""
    if not m.group(0).isascii():  # "大家在唱歌", "正在画画": what someone in the scene is doing
        # "我画的，怎么样": who made it, not a verb asking
        return not _DOING_ZH.search(text[: m.start()]) and not (
            _DRAWN_BY.search(text, max(0, m.start() - 4), m.start()) and _DONE.match(text, m.end()))
    if " " in m.group(0):
        return True
    if m.group(0).lower() in _VERB_NOUNS and not _OBJECT_NEXT.match(text, m.end()):
        return False  # "…, film grain", "sketch of a fox": the noun, not the verb
    return bool(_IMPERATIVE_BEFORE.search(text[: m.start()]))


# with pictures attached, "两张图，第一张是…", "3 photos: …": the pictures that came with it, counted as a
# label
_COUNTED_SOURCE = re.compile(r"\W*(?:[一二两三四五六七八九十]|\d+)\s*(?:张|幅|个)?\s*$")
_LABEL_AFTER = re.compile(r"\s*[，,:：;；]")


_DESIGN_LEAD = re.compile(r"^\W*(?:design)", re.I)
_DRAW_ANIMATION = re.compile(r"^画\s*(?:一|个|段|部)*\s*(?:动画|视频)")


@cache
def _video_label_last() -> re.Pattern[str]:
    """A last part that only names a video, perhaps with its length: "，10秒视频", ", 10s video",
    "，做成视频"."""
    return compiled(r"[,，;；]\s*(?:做成|变成|弄成|转成|出|要|then|and|as|make it|make it a)?\s*(?:an?\s+)?"
                    r"(?:\d+\s*(?:秒钟?|s|secs?|seconds?)(?:-|\s*的)?\s*)?(?:{v})\s*(?:吧|pls|please)?[\s.!！。~]*$",
                    v=("media_nouns", "video"))


@per_message
def detect(text: str, images: int = 0) -> str | None:
    """image | video | music, or None when the words don't say. Remembered per message: the media step and
    the model step ask it of the same words (about one call in five repeats one)."""
    corrected = [m.end() for m in _CORRECTED.finditer(text) if m.start()]
    if corrected and (after := detect(text[corrected[-1]:])):
        # "做个加载中的小动画…不对 画张图就行：…": the media after the correction, said by a verb or a noun
        # (movement read from the words after it alone is not: "…，改成自然微笑" is the look changed to)
        return after
    if any(_imperative(m, text) for m in scan("media_verbs", "video").finditer(text)):
        return "video"
    start = _START.match(text)
    opening = text[start.end() if start else 0:]
    said = pattern("media_verbs", "image").match(opening)
    if said and not pattern("not_media").match(opening):  # "画面要有海": 画面 is no "draw"
        if _video_label_last().search(opening):
            return "video"  # "画一只猫，10秒视频", "draw a cat, 10s video": the last part names the result
        if not _DESIGN_LEAD.match(opening) and not _DRAW_ANIMATION.match(opening):
            return "image"  # "draw …", "画…" (but "画一段动画" is an animation)
    found = nouns(text)
    for noun in found:
        if noun.head and not (images and _COUNTED_SOURCE.match(text, 0, noun.start)
                              and _LABEL_AFTER.match(text, noun.end)):
            return noun.media
    other = [m.span() for m in pattern("not_media").finditer(text)]  # "画面", "歌词": not "draw", "sing"
    firsts = [
        (m.start(), medium)
        for medium in ("image", "music")
        for m in scan("media_verbs", medium).finditer(text)
        if _imperative(m, text) and not any(s <= m.start() < e for s, e in other)
    ]
    if firsts:
        return min(firsts)[1]
    if images and motion(text):
        return "video"
    return None


def verb_said(text: str) -> bool:
    """A verb that says which media to make ("draw", "animate", "sing", "画"), not a noun."""
    other = [m.span() for m in pattern("not_media").finditer(text)]
    return any(_imperative(m, text) and not any(s <= m.start() < e for s, e in other)
               for medium in MEDIA for m in scan("media_verbs", medium).finditer(text))


def edit(text: str) -> bool:
    """"change the background", "换成动漫风格": words that change a picture rather than move it."""
    return bool(pattern("edit_words").search(text))


def mentioned(text: str) -> str | None:
    """The media a question is about ("how much does a video cost"), head noun or not."""
    found = nouns(text)
    return detect(text) or (found[0].media if found else None)


def motion(text: str) -> bool:
    """"make her wave", "让水流动起来": movement asked of an attached picture ("动漫" is a style, not
    movement)."""
    text = _EDITED_TO.sub(" ", text) if "成" in text or "为" in text else text
    return bool(scan("motion_words").search(scan("not_motion").sub(" ", text)) or _TO_LIFE.search(text))


# "改成自然微笑", "表情换成大笑": the look a picture is changed to, not movement
_EDITED_TO = re.compile(r"(?:改成|换成|改为|调成)[^，。,.!！?？\s]{0,6}")


# "bring my OC to life", "bring the old photo of grandpa to life"
_TO_LIFE = re.compile(r"(?<![a-z])bring\s+(?:[^\s,，.。]+\s+){1,8}to\s+life(?![a-z])", re.I)
