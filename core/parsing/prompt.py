"""The clean prompt: what is left once instructions, counts, options, model names and politeness are cut.

"Can you draw me 3 pictures of a cat, 4k please" → "a cat". Grammatical scraps the cuts leave
behind ("of a paper boat", "it a video", "in" before a removed "4k") go too. Bounded passes and
no nested quantifiers keep it linear on a wall of "please please please …".
"""

from __future__ import annotations

import itertools
import re
from functools import cache

from .gate import chatty, residue, starts_like_a_description
from .vocab import alt, alternation, pattern, phrases

TRAILING_PUNCTUATION = " \t,，。.!！?？~"
# the separators around a part, as two strips ("\\s" is what str.isspace says, every such character below
# U+3001): a regex's end-anchored alternative was tried at every place of the text, ~8,700 times over
# 2,916 parses
_WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
_LEADING_SEPARATORS = _WHITESPACE + ",，。.;；:：!！、-—~"
_TRAILING_SEPARATORS = _WHITESPACE + ",，。;；:：、-—~"


def _trim_separators(text: str) -> str:
    """The text without the spaces and punctuation that open it (",，。.;；:：!！、-—~") or close it (the same
    but a full stop or "!": they may end the description)."""
    return text.lstrip(_LEADING_SEPARATORS).rstrip(_TRAILING_SEPARATORS)
_MEDIA_GENERIC = (r"(?:image|picture|pic|photo|video|vid|clip|song|track|music|piece of "
                  r"music|illustration|painting|drawing|render|"
                  r"animation|gif|tune|variation|version|one|film|movie|footage|timelapse)s?")
_MEDIA_ADJECTIVES = (r"(?:an?\s+|some\s+|the\s+|one\s+|a single\s+)?(?:(?:short|quick|little|new|nice|cool|"
                     r"simple|single|different|separate|small|tiny|brief|hd|uhd|ultra[- ]?hd|high[- ]?res|"
                     r"hi[- ]?res|high[- ]quality|high[- ]definition)\s+)*")
# "a video of …", "3 pics of …": the media word only repeats the instruction; "a song about …", "a painting
# of …", "a timelapse of …" name the thing made (its head noun) and stay
_MEDIA_PLAIN = r"(?:image|picture|pic|photo|video|vid|clip|footage|variation|version|one|shot|scene)s?"
# "timelapse video of a city skyline", "a video loop of rain": the form of the video is its head noun; the
# plain media word beside it only repeats the media
FORM_MEDIA = re.compile(r"(?<![\w-])(time-?lapse)\s+(?:video|clip)(?=\s+of\s)"
                        r"|(?<![\w-])(?:video|clip)\s+(loop)(?![\w-])", re.I)
# "kling 2.5: a tiger …": a version the catalogue does not list, left once the family's name was read
VERSION_LEFT = re.compile(r"^[vV]?\d+\.\d+(?:\.\d+)?\s*(?:pro|turbo|fast|lite)?\s*[:：,，]\s*(?=\S)", re.I)
# "a picture for my church newsletter: a dove …": a plain media word, what it is for, then the description
MEDIA_FOR = re.compile(rf"^{_MEDIA_ADJECTIVES}{_MEDIA_PLAIN}\s+for\s+[^:：,，]{{1,60}}[:：]\s*(?=\S)", re.I)
MEDIA_OF = re.compile(rf"^{_MEDIA_ADJECTIVES}(?:{_MEDIA_PLAIN}|视频|图片|照片|图)\s*"
                      rf"(?:of|about|showing|featuring|with|where|that shows|depicting|in which)\s+"
                      # "make photo my dog in space suit": the "of" left out before a possessive
                      rf"|^(?:image|picture|pic|photo|video|vid|clip)\s+(?=(?:my|our|his|her|their)\s)",
                      re.I)
# once a count was taken, a plural that only counted: "a couple options for a logo …" (its noun says only
# "more than one"), "2 tracks of synthwave" (the genre counted); not "versions for the kids: a cat", "songs of
# innocence and experience, folk album cover", where nothing was counted
COUNTED_OF = re.compile(r"^(?:option|version|variation|variant|take)s?\s+for\s+(?=(?:an?|the|my|our)\s)"
                        r"|^(?:tracks|songs|tunes|beats)\s+of\s+(?!(?:an?|the|my|our|his|her|their)\s)", re.I)
MEDIA_LABEL = re.compile(
    rf"^(?:的)?(?:(?:视频|短片|动画|动图|图片|图|照片|音乐|歌曲|歌)(?:\s*[:：,，]\s*|\s+(?=\S))"
    rf"|demo\s+(?=[\u3400-\u9fff])|"
    # "做个 video 一只狐狸…", "一个 picture 一只猫…": a plain English media word before a Chinese description
    rf"(?:video|vid|clip|picture|pic|image|img|photo|song|music|track)s?\s+(?=[\u3400-\u9fff])|"
    # "再画个新的：…", "再来两张干净点的：…": "a new one", "cleaner ones", then what they show
    rf"(?:新的|别的|另一个|另外一个|不一样的|[\u3400-\u9fff]{{1,3}}一?点的)\s*[:：]\s*|"
    rf"{_MEDIA_ADJECTIVES}{_MEDIA_GENERIC}(?:\s+please)?\s*[:：,，]\s*)",
    re.I,
)
# "内容是一只熊猫", "prompt: a fox", "subject - a lighthouse": a label before the description
CONTENT_LABEL = re.compile(
    # ("主题是…" stays: the theme is what the blind sets keep, "做一首歌，主题是给十年后的自己")
    r"^(?:(?:图片|图|照片|视频|歌曲|歌|音乐|画面)?\s*(?:画面|内容|描述|场景|题材|提示词|关键词)\s*(?:是|为|就是|[:：])|(?:the\s+)?(?:prompt|subject|description|"
    r"theme|scene|topic|idea|concept)\s*(?:is\s*|[:：\-—])|(?:my|our)\s+(?:idea|concept|prompt|vision)\s*[:：\-—]"
    r"|(?:风格|曲风|style|genre)\s*[:：]|(?:风格|曲风)\s*(?:要|是|偏|就要|想要)(?=\S))\s*",
    re.I,
)
# "下周三产品发布会…", "明天的…" stays: when it is for, not what it shows
# "讲一只流浪狗找到家的故事": "telling" before the story told
ZH_TELLS = re.compile(r"^(?:讲述?|讲的是|说的是)\s*(?=一|[个只位])")
ZH_TIME_LEAD = re.compile(r"^(?:(?:下|这|本)(?:周|星期|礼拜)[一二三四五六日天末]?"
                          r"|下个?月|明天|后天|今晚|周末)(?![的\s，,])")
# "some lofi beats": "some" is a count, like "3"
SOME = re.compile(r"^some\s+(?=\S+\s+\S)", re.I)
# "what you can do with …", "your take on …": the bot's own version of the thing asked for
YOUR_TAKE = re.compile(r"^(?:what\s+(?:you|u)\s+(?:can|could|would)\s+(?:do|make|come\s+up)\s+with"
                       r"|(?:your|ur)\s+(?:own\s+)?(?:take|spin|twist)\s+on"
                       r"|(?:your|ur)\s+(?:own\s+)?(?:version|interpretation)\s+of)\s+(?=\S)", re.I)
# "what a cyberpunk tokyo street looks like", "how a mcdonalds would look in ancient rome": the thing shown
LOOKS_LIKE = re.compile(r"^(?:what|how)\s+(?:(?:would|will|might|could|does|do)\s+)?"
                        r"(?P<x>(?:an?|the|my|our|some)\s+[^,，.?!]{1,60}?)\s+"
                        r"(?:(?:would|will|might|could)\s+)?(?:looks?)(?:\s+like)?"
                        r"(?P<y>\s+(?:in|as|at|on|during|if)\s+[^,，.?!]{1,60})?\s*(?=$|[,，.?!？])", re.I)
# "something cute: a hamster eating a strawberry": the vague part before the real description
VAGUE_LEAD = re.compile(r"^(?:(?:something|anything|smth|sth)(?:\s+[\w'-]+){0,2}"
                        # "a placeholder: gray cartoon cloud …": what it stands in for, not what it shows
                        r"|(?:just\s+)?(?:need\s+)?(?:an?\s+)?(?:quick\s+)?(?:placeholder|stand-?in|filler)"
                        r"(?:\s+(?:image|pic|picture|art|graphic))?)\s*(?:[:：]|\s[-—–]+)\s*(?=\S)"
                        # "画个东西，就是一个在雨中等公交的女孩": "a thing", then what it is
                        r"|^(?:东西|什么东西)\s*[，,：:]\s*(?:就是|是)?\s*(?=\S)", re.I)
# "@ImaBot" typed as plain text (platform mention tokens are removed before parsing)
TYPED_MENTION = re.compile(r"(?<![\w@.])@[\w\-.]*[\w]\s*")
# politeness anywhere: "a pop song please, upbeat"
PLEASE = re.compile(r"\s*(?<![a-z'])(?:please|pls|plz|kindly)(?![a-z])", re.I)
# a part ends at a comma, a sentence end, a colon that is not in a time, or a dash between spaces
# (a space between two Chinese phrases, "桌面壁纸 极简风", is a pause too; it is kept as typed)
# (not before a closing quote: 'a sign that says "Open!"' keeps its words to the quote's end)
CLAUSE_SPLIT = re.compile(r"((?:[,，;；。!！?？]|(?<!\d)[:：](?!\d)|\.(?=\s)|\s[—–\-/]+(?=\s)|—)+"
                          r"(?![\"”」』》’])\s*"
                          r"|(?<=[\u3400-\u9fff”」』》）])\s+(?=[\u3400-\u9fff“「『《（]))")
# "中间是 …", "中间做个 …": between two frames
MID_QUESTION = re.compile(r"\s*([?？!！])[?？!！]*\s*(?=[^\s\"”'’」』)）])")  # not before a closing quote
ZH_MEDIA_LEAD = re.compile(
    r"^(?:一?[张幅个首段条])?(?:图片|图|照片|[小短]视频|视频|[小短]片子?|音乐|歌曲|歌|画)\s*(?:[:：，,]|[吧啊呀嘛哈]?\s*就是|(?<=\s)(?:about|of|showing)\s)\s*"
)
# "改成一段BGM吧", "换成一张海报": the media switched to, said before what it shows (the request after a first
# thing taken back)
ZH_SWITCH = re.compile(r"^(?:那就|就|那)?(?:改成|换成|改为)(?=\s*(?:一?[张幅个首段条份支款]|[A-Za-z]))")
# "换个模型再做一遍：老虎…": how many times, before the restated prompt
ONCE_MORE = re.compile(r"^(?:一遍|一次|一回|一下|一版)\s*(?:[:：，,]\s*(?=\S)|$)")
# "做个小狗追泡泡的", "来首古风的": a last "的" that stands for the thing made, left unsaid (a later part's
# "…，可爱一点的" describes, and stays)
UNSAID_HEAD = re.compile(r"^(?P<x>[^，,。;；:：\s]{2,}(?<!点)(?<!些))的$")
# "OST 的 main theme 来一版，…", "海边日落出一张": the ask said after what is asked for, at a part's end
ZH_MAKE_AT_END = re.compile(r"(?<=\S)\s*(?:再|先|给我|帮我)?(?:来|出)\s*一?[张幅首段版份条](?:吧|呗|呀)?"
                            r"(?=\s*[，,。；;！!]|\s*$)")
# "一首关于妈妈的歌": the measure word belongs to the media
ZH_MEASURE_LEAD = re.compile(r"^(?:一?[张幅首段]|个(?![性人体子])|一个(?=[^，,。的\s]{1,8}风格?的))\s*"
                             r"(?=[\u3400-\u9fffA-Za-z0-9])")
# "画三张不同的奶茶店logo", "3 different logos": "different" goes with the count that was cut
DIFFERENT = re.compile(r"^(?:不同(?:的|款式的)|(?:different|separate|various|distinct)\s+(?=\S))", re.I)
# "头像吧，要可爱点的", "我家的猫吗？": a sentence particle inside the prompt
# (not the 吧 of 酒吧, nor the 么 of 什么)
ZH_PARTICLE = re.compile(r"(?<=[\u3400-\u9fffA-Za-z])(?<![酒网贴吧呀啊哦嘛啦吗呢什怎那这多])"
                         r"[吧呀啊哦嘛啦吗呢么哈呗嘞]+(?=\s*[，,。！!？?~～:：]|\s*$|\s+(?=[\u3400-\u9fffA-Za-z]))")
# "占位图就行，灰色背景": "that will do" at the end of a part, not its last (the end is strip_trailing's)
ZH_ENOUGH = re.compile(r"(?<=[\u3400-\u9fffA-Za-z])(?:就行了?|就好了?|即可|就可以了?|就够了?)"
                       r"(?=\s*[，,。；;]|\s+[\u3400-\u9fff])")
# "猫咪跳舞的视频" → "猫咪跳舞" (also before the first comma); "关于猫的歌" keeps its head noun, like
# "a song about"
ZH_MEDIA_TAIL = re.compile(r"(?<=[\u3400-\u9fff\w])(?<!风格)(?<!风)(?<!质感)(?<!style)\s*的\s*"
                           r"(?:图片|照片|视频|短视频|短片|图)"
                           r"(?=$|\s*[，,。；;])")
# "写实风格图片", "油画风的图": a plain media word after a style is the picture asked for
ZH_STYLE_MEDIA_TAIL = re.compile(r"(?<=风格|画风)(?:的)?(?:图片|图|照片|视频)$"
                                 # "程序员对着 bug 哭的 meme 图": the picture asked for, after an English noun
                                 r"|(?<=[a-z])\s*(?:的)?(?:图片|图)$"
                                 r"|(?<=[\u3400-\u9fff]风)(?:的)?(?:图片|照片|视频)$")
# "… video" at the end, and "a logo as a square image" once "square" was read
EN_MEDIA_TAIL = re.compile(r"(?<!music)(?<!a)(?<!the)\s+(?:video|clip|image|picture|photo|pic|vid)$"
                           r"|\s+as\s+an?\s+(?:video|clip|image|picture|photo|pic|vid)$", re.I)
EDGE_SYMBOLS = re.compile(r"^[^\w\"“'「『‘(《【\u3400-\u9fff]+|[^\w\"”'」』’)》】\u3400-\u9fff.!?。！？]+$")
# "a owl" → "an owl"; not "a eucalyptus", "a one-eyed"
# ("a upbeat jingle" once "30 second" was cut → "an upbeat"; "a unicorn", "a user", "a ukulele" keep theirs)
AN = re.compile(r"\b([Aa]) (?=[aeioAEIO]\w|[uU](?!ni|s[aeiu]|r[aeiou]|t[aeio]|k[ua]|bi|fo|l[ua]|gan|ro)[a-z])"
                r"(?![Ee][uw]|[Oo]n(?:e|ce)(?![a-z]))")
EMPTY = re.compile(
    rf"^(?:an?\s+|some\s+|the\s+|me\s+|一[张个段首幅]\s*|的\s*)*(?:{_MEDIA_GENERIC}|视频|图片|图|照片|音乐|歌|歌曲|画|model|模型)?\s*"
    r"(?:吧|呀|啊|please|模型|生成|from now on|以后|for me|now|it|this|that)?$",
    re.I,
)
# "but" once "9:16" and "pls" went ("love it! but 9:16 pls"), "same but": only joins what is not there
ONLY_JOINERS = re.compile(r"^(?:(?:but|and|so|same|also|too|then|just|ok|okay)\s*)+$", re.I)
PRONOUN_ONLY = re.compile(r"^(?:this|it|that|these|them|this "
                          r"(?:image|picture|photo|pic|one)|这张图?|这个|这张照片|它|this one|that "
                          r"one)$", re.I)
DANGLING_WORDS = frozenset("at with for of and using via by to as but or also then the a an model "
                           # "…, it's" once "for tiktok" was read as the format
                           "please these following it's it’s its".split())
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


#: "写实", "写意", "画面", "画风", "画质": a making verb's character starting a word of the description
_NOT_A_VERB_AFTER = r"[实意面风质]"


#: lead fillers that say "by the way": a filler only before a making verb or a break
_BY_THE_WAY = ("顺便", "顺手")


@cache
def _lead_zh() -> re.Pattern[str]:
    verbs = "|".join(sorted(map(re.escape, phrases("create_verbs", "zh")), key=len, reverse=True))
    # "顺便画…", "顺手，…": "by the way" only before a making verb or a break (not "顺手牵羊漫画")
    plain = (re.escape(f) for f in phrases("leading_fillers", "zh") if f not in _BY_THE_WAY)
    fillers = "|".join([*sorted(plain, key=len, reverse=True),
                        rf"(?:{'|'.join(_BY_THE_WAY)})(?=\s*(?:[，,、]|{verbs}|帮|给|再|来))"])
    # "画家在海边写生", "出租车…", "搞笑视频": the verb's character starts a word of the description
    not_verbs = alternation(phrases("not_verbs", "zh"))
    # "帮我generate一个poster": an English verb inside a Chinese sentence
    latin = alt("create_verbs", "en")
    media = r"(?=\s*(?:的|视频|短片|图|照片|海报|logo|头像|壁纸|音乐|歌|动画|封面|[，,：:]))"
    return re.compile(
        # a filler that is also a verb ("来", "搞") is the verb when its measure word follows ("来点音乐")
        rf"^(?:(?!{not_verbs})(?!(?:{verbs})\s*一?[张幅首段条份点])(?:{fillers}|你"
        # "（取消刚才那个，）改成画…": what to make instead, said with its verb
        rf"|(?:改成|换成|改为)(?=(?:画|做|生成|来)(?!{_NOT_A_VERB_AFTER})))\s*)*"
        rf"(?:(?!{not_verbs})(?:(?:{verbs})(?!{_NOT_A_VERB_AFTER})|(?!{_SAYING})(?:{latin})|gen(?![a-z])"
        # "生个视频", "生张图": "生成" said short, only before its measure word
        rf"|[要求](?=\s*一?[张幅个首段条份支款])|配(?=\s*一?[张幅首段])"
        # (not "生个孩子的漫画": having a child)
        rf"|生(?=\s*[个张段首幅]\s*(?:视频|短片|图|照片|海报|歌|音乐|动画|头像|壁纸|封面|logo|video|pic)))\s*"
        rf"(?:一?[张幅首段条版份]|一下|一个{media}|一个(?=[^，,。\s的]{{1,10}}的)|一个(?=\s*[A-Za-z])"
        rf"|[个只位辆座棵朵艘](?=\S)|些|一?点(?=[^\s，,。点])"
        rf"|几[张个首段版])?\s*)?",
        re.I,
    )


@cache
def _media_end() -> re.Pattern[str]:
    every = alternation(p for media in ("image", "video", "music") for p in phrases("media_nouns", media))
    return re.compile(rf"(?:{every})\s*$", re.I)


# "给我的新歌做个专辑封面" → "新歌的专辑封面": what it is for, then the thing made ("帮我的歌配一段MV":
# "帮" with "我的" is "for my …" too)
ZH_FOR = re.compile(
    r"^(?:(?:能不能|可不可以|能否|可以|能|请|麻烦|帮忙)\s*)?"
    r"(?:(?:给|为)\s*(?:(?:我们|咱们|我)\s*(?:自己)?(?:做|写|拍|画|开发)?\s*的\s*|(?:我们|咱们)\s*"
    # "给我女儿的生日派对…": whose occasion it is
    r"|(?:我们|咱们|我)(?=[^的，,：:。\s]{1,3}的))?"
    r"|帮\s*(?:我们|咱们|我)\s*的\s*)"
    r"(?P<x>(?![我你做画配生设写搞出弄来整帮])[^，,：:。]{1,24}?)(?P<gap>\s*)(?P<verb>做|画|配|生成|设计|写|搞|出|弄)\s*"
    r"(?:一?[个首张段幅份款支])?(?P<gap2>\s*)(?P<y>[^，,：:。\s](?:[^，,：:。\s]|\s(?![\u3400-\u9fff]))*)"
)
# "给我的歌配个MV", "给这段短视频配首歌": what is accompanied is only the user's own song or clip, which says
# nothing about the thing made ("为婚礼视频配一首纯音乐" says what it is for, and keeps it; "给我的歌做个封面"
# keeps "歌的封面", a kind of cover)
ZH_FOR_BARE = re.compile(r"^(?:这|那)[首段个张条支]$|^(?:这|那)?(?:一?[首段个张条支])?(?:新|小)?"
                         r"(?:歌|歌曲|视频|短视频|片子|照片|图|图片|作品|曲子|音乐|动画)$", re.I)


#: a plain media word made for a thing that is itself a head noun: "给我的小红书封面做张图" (a cover is made)
_GENERIC_MADE_ZH = re.compile(r"图|图片|照片|视频|一张图|张图")


def for_the_media(text: str) -> str:
    m = ZH_FOR.match(text)
    if m is None:
        return text
    y, end = m.group("y"), m.end()
    if not _media_end().search(y):
        # "给我的 vlog 配个 bgm japan trip 轻快一点": the thing made is the words up to its media noun
        spaces = [i for i, c in enumerate(y) if c == " "]
        cut = next((i for i in reversed(spaces) if _media_end().search(y[:i])), None)
        if cut is None:
            return text
        y, end = y[:cut], m.start("y") + cut
    rest = text[end:]
    if _GENERIC_MADE_ZH.fullmatch(y.strip()) and _media_end().search(m.group("x").strip()):
        return f"{m.group('x').strip()}{rest}"  # "给我的小红书封面做张图：…" → "小红书封面：…"
    if m.group("verb") == "配" and ZH_FOR_BARE.match(m.group("x").strip()):
        return f"{y.strip()}{rest}"
    x, y = m.group("x").strip(), y.strip()
    if "的" in y:  # one "的" in the phrase: "公司年会邀请函的底图", "乐队新专辑的封面"
        return f"{x}{m.group('gap2')}{y}{rest}"
    x = x.replace("的", "")
    # "给我的 vlog 配个 bgm" → "vlog 的 bgm": a Latin word keeps the space it was typed with
    before = " " if m.group("gap") and x[-1:].isascii() else ""
    after = " " if m.group("gap2") and y[:1].isascii() else ""
    return f"{x}{before}的{after}{y}{rest}"


ZH_ONE = re.compile(r"^一\s*个\s*(?=\S)")


def drop_media_measure(text: str) -> str:
    """"一个奶茶店的 logo" → "奶茶店的 logo": the count word belongs to the thing made, not the subject;
    "一个古风美女" keeps it."""
    m = ZH_ONE.match(text)
    if m is None:
        return text
    head = CLAUSE_SPLIT.split(text, maxsplit=1)[0]
    # "一个产品 demo video 智能手表…": the head noun may end any word of the first part
    ends = [len(head), *(i for i, c in enumerate(head) if c == " ")]
    return text[m.end():] if any(_media_end().search(head[:i]) for i in ends) else text


@cache
def _scraps() -> re.Pattern[str]:
    """What cutting a model or "cheapest" out can leave at the start: "you can do of …", "for this one -
    …"."""
    return re.compile(rf"^(?:(?:that|which)\s+)?(?:{alt('prompt_scraps')})\s*[,，:：\-—]?\s*", re.I)


@cache
def _polite_lead() -> re.Pattern[str]:
    """The fillers that may go before an edit instruction: "can you", "please" — not "make me" or "give me",
    whose verb is the instruction ("make me look like a superhero")."""
    verbs = {v.lower() for v in phrases("create_verbs", "en") + phrases("request_verbs", "en")}
    polite = [p for p in phrases("leading_fillers", "en") if not verbs & set(p.lower().split())]
    return re.compile(rf"^(?:(?:{alternation(polite)})[\s,]+)*", re.I)


@cache
def _lead_en() -> re.Pattern[str]:
    fillers = alt("leading_fillers", "en")
    verbs = alt("create_verbs", "en")
    # ("make it count, motivational poster": a saying is the words asked for, verb and all)
    return re.compile(rf"^(?:(?:{fillers})[\s,]+)*(?:(?!{_SAYING})(?:{verbs})(?:\s+|$)(?:me\s+|us\s+)?)?",
                      re.I)


#: "make it count", "make it rain": sayings, never "make" + a style
_SAYINGS = "count|rain|happen|last|right|real|snow|work"
_SAYING = rf"make\s+it\s+(?:{_SAYINGS})(?![a-z])"


@cache
def _trailing() -> dict[str, tuple[str, ...]]:
    """The trailing words by their last character, longest first: only those can end the text."""
    by_last: dict[str, list[str]] = {}
    for word in sorted((p.lower() for p in phrases("trailing")), key=len, reverse=True):
        by_last.setdefault(word[-1:], []).append(word)
    return {last: tuple(words) for last, words in by_last.items()}


def _latin_alnum(char: str) -> bool:
    """A Latin letter or digit: "复古一点ok" ends in "ok" (after a Chinese character), "book" does not."""
    return char.isascii() and char.isalnum()


_SAID_ON_IT = re.compile(r"(?<![a-z])(?:says|say|saying|reads|reading|written|text|caption|words?)"
                         r"\s*[:：]?\s*$")


def strip_trailing(text: str) -> str:
    """Drop "please", "吧", "thanks" at the end, in linear time; a final "的" stays ("四格的", "欢快的"
    describe the thing made)."""
    for _ in range(8):
        stripped = text.rstrip(TRAILING_PUNCTUATION)
        lowered = stripped.lower()
        for word in _trailing().get(lowered[-1:], ()):
            if lowered.endswith(word) and (
                not word.isascii() or len(lowered) == len(word) or not _latin_alnum(lowered[-len(word) - 1])
            ):
                if _SAID_ON_IT.search(lowered, 0, len(lowered) - len(word)):
                    return stripped  # "a sign that says thank you": the words written on it
                stripped = stripped[: -len(word)]
                break
        else:
            return stripped
        text = stripped
    return text.rstrip(TRAILING_PUNCTUATION)


# "a cat … and make it" once "1080p" was cut from "and make it 1080p"
TRAILING_MAKE_IT = re.compile(r"(?:\s*(?:,|，|and|&)?\s*(?:make|render|do)\s+(?:it|them|this|that))+\s*$",
                              re.I)
# "…, I want it dark and moody", "…, i'd like them to look hand-drawn": how the thing made should be, said as
# the user's wish; what follows is its style
WANT_IT = re.compile(r"(?:and\s+|but\s+|so\s+)?(?:i|we)\s*(?:['’]d|\s+would)?\s+(?:really\s+)?"
                     r"(?:want|like|need|prefer)\s+(?:it|them|this|that|the\s+(?:colou?rs?|vibe|mood|style|background|lighting))\s+"
                     r"(?:to\s+(?:be|look|feel|sound|have)\s+)?(?=[a-z])", re.I)
_WANT_VERB = re.compile(r"want|like|need|prefer", re.I)
_MAKE_WORD = re.compile(r"make", re.I)
WANT_IT_PART = re.compile(r"(?<=[,，.;；!！])(\s*)" + WANT_IT.pattern, re.I)
# "a cat astronaut, but make it pixel art", "a song about rain and make it sad": after the description, what
# "make it" says is its style ("make it pop" or "make it look like …" says how, and is left to the words)
# ("don't make it too cartoony" is a wish against, said as typed; "…" - make it upbeat pop" after lyrics cut)
# (at the start too, once the ask before it went: "write a song with these lyrics - make it country")
MAKE_IT_STYLE = re.compile(r"(?:(?<=[\w\"')])(?<!n't)(?<!n’t)(?<!dont)(?<!\bnot)(?<!never)|^)"
                           r"\s*[,，.]?\s*(?:[-—–]+\s*)?(?:(?:but|and|just|pls|please)\s+){0,3}"
                           r"make\s+(?:it|them|this|that)\s+(?!(?:an?|the|pop|look|looks|feel|sound|move|into|and|or"
                           rf"|because|so|since|for|in|at|with|to|{_SAYINGS})(?![a-z]))"
                           # ("make it count", "make it rain": sayings, which a slogan or a scene may be)
                           r"(?=[a-z])", re.I)
# with lyrics, a bare "song" only repeats the ask: "a song and make it a slow piano ballad" → "a slow piano
# ballad"
BARE_SONG = re.compile(r"^(?:(?:an?|the)\s+)?(?:song|track|tune)(?:\s*[,，]\s*|\s+(?:and|with)\s+|\s*$"
                       r"|\s+in\s+(?:an?\s+|the\s+)?(?=[\w-]+(?:\s+[\w-]+)?\s+style))"
                       r"(?:(?:make|making)\s+it\s+(?:sound\s+)?(?:like\s+)?)?", re.I)


# "a song with these lyrics", "用下面的歌词": the pointer to the lyrics, which went to their option
LYRICS_POINTER = re.compile(r"\s*(?:(?:with|w/|using|from|to|for)\s*(?:these|this|my|the(?:\s+following)?|"
                            r"the\s+below|below)\s+(?:lyrics|words|text)(?:\s+below)?"
                            r"|(?<![a-z])lyrics?\s+(?:below|as\s+follows|attached|underneath)(?![a-z])"
                            r"|歌词(?:如下|在下面|我?(?:已经)?写好了)"
                            r"|(?:用|按|照)\s*(?:这|下面|以下)?(?:段|些|的)?\s*歌词"
                            # "用这段歌词做一首歌：…" once the lyrics and their word went
                            r"|^(?:用|按|照)\s*(?:这|下面|以下)(?:段|些|首)?(?=\s|$))", re.I)


# "with the text Moonlight Bakery" on a logo is what it says, not a pointer to lyrics
_LYRICS_WORD = re.compile(r"(?<![a-z])lyrics?(?![a-z])|歌词", re.I)


def style_of_song(text: str) -> str:
    """Lyrics went to their option: the prompt keeps the style, not "a song" (a "rock song" keeps its
    style)."""
    text = _trim_separators(LYRICS_POINTER.sub("", text)).strip()
    return _trim_separators(BARE_SONG.sub("", text, count=1)).strip()


# "something people can sway to", "a lofi beat to study to": the preposition of a verb ends the phrase
STRANDED = re.compile(r"(?<![a-z'])(?:can|could|to|will|would|gonna)\s+[a-z]+"
                      r"(?:\s+(?:along|asleep|out|off|around))?\s+(?:to|with|on|at|in|by|for)$", re.I)


def drop_dangling_end(text: str) -> str:
    """"a cat in" (after "4k" was cut) → "a cat"; a word at a time, so linear on any input. A preposition
    stranded after its verb ("music to study to") stays."""
    for _ in range(6):
        parts = text.rsplit(None, 1)
        if len(parts) < 2 or parts[1].lower() not in DANGLING_WORDS or STRANDED.search(text[-60:]):
            return text
        text = parts[0]
    return text


#: option words too: "竖屏" or "female vocal" alone say how, once the option was read, not what
FILLER_LISTS = ("prompt_filler", "thanks", "aspect_words", "audio_on", "audio_off", "vocal")
#: a part made only of these is an instruction ("make a video", "生成一段视频", "2 versions"), not content
INSTRUCTION_LISTS = (*FILLER_LISTS, "instruction_words", "create_verbs", "leading_fillers", "prompt_scraps")
#: "Use a 16:9 ratio.", "The video should be 10 seconds long.": a sentence that only set an option, once its
#: value was read
OPTION_SENTENCE_LISTS = (*INSTRUCTION_LISTS, "option_talk")
#: what is left of a preference said beside the request once the model's name was cut ("set … as my
#: default video model, then …", "from now on use … for videos. first one: …"): a part made only of these
#: sets something, it describes nothing
PREFERENCE_LISTS = (*INSTRUCTION_LISTS, "preference_filler", "always", "use_words", "strategy", "model_ok")


# "抖音短视频", "小红书封面": a kind of thing made, named by where it goes, is a head noun (blind sets
# 4, 6 and 7 keep it), unlike "发抖音用" or "for tiktok" (set 2 drops "TikTok 视频" too)
PLATFORM_MEDIA = re.compile(r"(?:抖音|快手|小红书|b站|视频号)\s*(?:的\s*)?"
                            r"(?:短视频|视频|封面|vlog|头像|配图|笔记)", re.I)


#: a word that says a preference is being set ("music video clip for my song" has none: it is content)
_PREFERENCE_CUE = re.compile(r"(?<![a-z'])(?:set|default|remember|always|prefer|like|all|every|each|models?|"
                             r"future|going forward|from now on|whenever|anything|everything)(?![a-z'])",
                             re.I)


def drop_preference_clauses(text: str) -> str:
    """Drop the English parts that only set a preference, once the model's name was cut ("set … as my default
    video model, then …", "… for all my videos pls. …")."""
    if not _PREFERENCE_CUE.search(text):
        return text
    parts = CLAUSE_SPLIT.split(text)
    kept: list[str] = []
    for i in range(0, len(parts), 2):
        clause, separator = parts[i], parts[i + 1] if i + 1 < len(parts) else ""
        if _PREFERENCE_CUE.search(clause) and not residue(clause, *PREFERENCE_LISTS):
            continue
        kept.append(clause + separator)
    return "".join(kept)


# "头像，女生，短发": a girl drawn, not a voice (a song's "女生" went to its option before the prompt)
PEOPLE_NOT_VOICES = frozenset({"女生", "男生"})


# "a fox in a field (use the cheapest model)", "a castle [best quality]": a bracketed aside to the bot
_BRACKETED = re.compile(r"\s*[(\[（【]([^()\[\]（）【】]{0,60})[)\]）】]")


def drop_bracketed_instructions(text: str) -> str:
    """Brackets holding only instructions, options or a preference (or nothing, once those were cut) go; "a
    poster (retro style)" keeps its style."""
    if not _BRACKETED.search(text):
        return text
    return _BRACKETED.sub(lambda m: "" if not residue(m.group(1), *PREFERENCE_LISTS) else m.group(0), text)


# "a 🐱 in a 🎩 on the 🌙": an emoji after an article or a preposition stands for a thing, and is content
EMOJI_NOUN = re.compile(r"(?<![a-z])(?:a|an|the|in|on|with|of|and|my|some|under|over)\s*"
                        r"[\U0001F300-\U0001FAFF\u2600-\u27BF]", re.I)
EMOJI_NOUN_END = re.compile(EMOJI_NOUN.pattern + r"+\s*$", re.I)
MARKDOWN = re.compile(r"\*\*|__|~~|`+")


def _emoji_noun_end(text: str) -> bool:
    """EMOJI_NOUN_END, tried only when the text ends with an emoji: a pattern anchored at the end is otherwise
    tried at every place of the text."""
    last = text.rstrip()[-1:]
    return bool(last) and ("\U0001F300" <= last <= "\U0001FAFF" or "\u2600" <= last <= "\u27BF") \
        and bool(EMOJI_NOUN_END.search(text))


# the last letters TRAILING_MAKE_IT and EN_MEDIA_TAIL can end with ('ſ' is an 's' to a case-blind pattern),
# checked before those end-anchored patterns are tried at every place of the text
_MAKE_IT_LAST = frozenset("tTmMsSſ")
_MEDIA_LAST = frozenset("oOpPeEcCdD")


def drop_filler_clauses(text: str, lists: tuple[str, ...] = FILLER_LISTS) -> str:
    """Drop every part (between commas, colons, sentence ends, dashes) that says nothing about what to make:
    "thanks", "aspect ratio" once its value was read, "would be awesome"; with ``INSTRUCTION_LISTS`` also
    "make a video", "来个", "2 versions". The words are data (``core/data/intent_words.json``)."""
    parts = CLAUSE_SPLIT.split(text)
    kept: list[str] = []
    for i in range(0, len(parts), 2):
        clause, separator = parts[i], parts[i + 1] if i + 1 < len(parts) else ""
        if clause.strip() and not residue(clause, *lists) and not PLATFORM_MEDIA.search(clause) \
                and clause.strip() not in PEOPLE_NOT_VOICES and not EMOJI_NOUN.search(clause):
            continue
        kept.append(clause + separator)
    return "".join(kept)


# ── the request inside a story: "for my stream, we're doing a halloween event, so can you draw a knight" ──
#: "i need", "we'd really like": a need for something made, said by the user (a request, said as a need)
_WE_EN = r"(?:i|we)(?:['’]d)?\s+(?:really\s+|just\s+)?"
_WANT_EN = r"(?:need|want|would\s+like|like)"
#: how many places a request may start at are tried (bounded, so a wall of "please" stays linear)
ANCHOR_TRIES = 8
#: where a request may start inside a message: a clause start, or after a joining word
#: the words that join a request on ("…, but today draw me a dog")
_JOIN_EN = (r"(?:so|and|but|anyway|anyways|then|now|today|tonight|this\s+time|lol|lmao|lmfao|haha|hahaha|ok"
            r"|okay)")
_ANCHOR_AT_EN = re.compile(rf"(?:^|[,，;；:：!！?？。]+\s*(?:{_JOIN_EN}\s+)*|\.\s+(?:{_JOIN_EN}\s+)*"
                           r"|\s[—–\-]+\s*"
                           rf"|\s(?:{_JOIN_EN}\s+)+"
                           r"|\s(?=(?:please|pls|plz|kindly)\s)"
                           rf"|(?<=\s){_WE_EN}(?={_WANT_EN}\s))",
                           re.I)
_ANCHOR_AT_ZH = re.compile(r"(?:[,，;；:：!！?？。]+\s*|(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])"
                           r"|(?<=[我你])|(?<=所以|然后|反正|这边|那边)|(?=需要|想要|急需))")
#: what is said about oneself or an occasion before the request: a pronoun, or "for …"/"给…用"
_SCAFFOLD_EN = re.compile(r"(?<![a-z'])(?:i|i'm|im|i've|ive|i'll|we|we're|we've|we'll|my|our|me|us|you|your|"
                          r"it's|its|there's|theres|that's|thats|for|because|since|cuz|cause)(?![a-z'])",
                          re.I)
# ("想做个vlog片头，帮我写段背景音乐": a plan said before the ask is its story too)
_SCAFFOLD_ZH = re.compile(r"我|咱|你|了|[的用]$|要用|为了|因为|所以|有个|^(?:想|打算|准备|计划)"
                          # "最近在学吉他，…", "这几天在搬家，…": what the user is busy with lately
                          r"|^(?:最近|这几天|这阵子|这段时间|这周|今天|今晚|周末)(?:一直|都)?在")
_PRONOUN_OBJECT = re.compile(r"^\s*(?:it|this|that|them|these|those|her|him|one(?!\s+of)|它|这|那)(?![a-z])",
                             re.I)


@cache
def _anchor_en() -> re.Pattern[str]:
    """A request verb at a clause start, after any polite lead: "can you draw", "I need", "make me"."""
    fillers = alt("leading_fillers", "en")
    verbs = alternation([*phrases("create_verbs", "en"), *phrases("request_verbs", "en")])
    return re.compile(rf"(?:(?:{fillers})[\s,]+)*(?:{verbs})(?:\s+|$)(?:me\s+|us\s+)?", re.I)


@cache
def _anchor_zh() -> re.Pattern[str]:
    """"帮我画一只", "做个", "来一段": a Chinese make-verb with its measure word ("出来", "做梦" are not
    one)."""
    fillers = alternation(phrases("leading_fillers", "zh"))
    wants = ["我要", "我想要", "我需要", "想要", "需要", "急需", "要"]
    verbs = alternation([*phrases("create_verbs", "zh"), *wants])
    return re.compile(rf"(?:(?:{fillers})\s*)*(?:{verbs})\s*(?:一?[张幅个首段条份支款只套组]|一下|成)\s*")


@cache
def _anchor_edit() -> re.Pattern[str]:
    """An edit asked for at a clause start, after any polite lead: "can you make this photo look …",
    "麻烦帮忙修复一下"."""
    verbs = alternation([*phrases("edit_words", "en"), *phrases("create_verbs", "en"), "修复", "上色", "改成",
                         "换成", "变成", "去掉", "加上", "p成", "抠图"])
    fillers = alternation([*phrases("leading_fillers", "en"), *phrases("leading_fillers", "zh")])
    return re.compile(rf"(?:(?:{fillers})[\s,]*)*(?={verbs})", re.I)


def _is_scaffolding(prefix: str) -> bool:
    """The part before the request says who it is for or what is going on, not what to draw."""
    said = _trim_separators(prefix).strip()
    if not said:
        return False
    if re.search(r"[\u3400-\u9fff]", said):
        context = _SCAFFOLD_ZH.search(said) or pattern("request_context", "zh").search(said)
        return bool(context) or said.startswith(("给", "为"))
    if starts_like_a_description(said) and not _SCAFFOLD_EN.search(said):
        return False
    first = CLAUSE_SPLIT.split(said, maxsplit=1)[0]
    opening = first.split()[:3]
    if any(_media_end().search(" ".join(opening[:k])) for k in range(1, len(opening) + 1)) \
            and not _TALK_VERB_EN.search(first):
        return False  # "banner for our film club discord, …, film reel border": it opens with what is made
    return bool(_SCAFFOLD_EN.search(said)) or chatty(said)


def from_the_edit(text: str) -> str:
    """"for my linkedin, can you make this photo look more professional" → "can you make this photo look more
    professional": the story before an edit goes, the edit keeps its verb."""
    lead = _anchor_edit().match(text)
    if lead is not None and lead.end() > 0:
        return text
    for at in (_ANCHOR_AT_EN, _ANCHOR_AT_ZH):
        for gap in itertools.islice(at.finditer(text), ANCHOR_TRIES):
            start = gap.end()
            if 0 < start < len(text) and (found := _anchor_edit().match(text, start)) and found.end() > start:
                return text[start:] if _is_scaffolding(text[:gap.start()]) else text
    return text


_WANT_WORD = re.compile(r"(?<![a-z'])(?:want|need|like|gimme|give\s+me|get\s+me|show\s+me)"
                        r"\s*(?:me\s+|us\s+)?$", re.I)


def _wants_a_thing(asked: str, rest: str) -> bool:
    """"i want a poster", "i need 3 pics": a want asks for a thing made when a determiner, a number or a media
    word follows it; "i want revenge" does not. A making verb ("draw", "make") always asks."""
    if not _WANT_WORD.search(asked):
        return True
    first = _LEAD_WORD.match(rest.lstrip())
    if first is None:
        return False
    word = first.group(0).lower()
    return word.isdigit() or word in _lead_classes()[2] or bool(_LEAD_MEDIA.match(word)
                                                                or _media_end().match(word))


_CHAT_GAP = re.compile(r"(?<![a-z])(?:lol+|lmao+|lmfao|haha+)(?![a-z])", re.I)


def from_the_request(text: str) -> str:
    """Drop the story before the request ("me and my friends are doing a D&D night, can you draw our party" →
    "can you draw our party"); when the request verb ends the message ("主题是智能家居，帮我做张海报"),
    only the verb goes. A message that starts with its request, or whose later verb is about "it", is left
    as is."""
    if _anchor_en().match(text) or _anchor_zh().match(text):
        return text
    for at in (_ANCHOR_AT_EN, _ANCHOR_AT_ZH):
        # the first few places only: a request starts early, and "please please …" stays linear
        for gap in itertools.islice(at.finditer(text), ANCHOR_TRIES):
            start = gap.end()
            if start == 0 or start >= len(text):
                continue
            rest = text[start:]
            found = (_anchor_zh() if at is _ANCHOR_AT_ZH else _anchor_en()).match(rest)
            if found is None or _PRONOUN_OBJECT.match(rest[found.end():]):
                continue
            if at is _ANCHOR_AT_EN and not _wants_a_thing(found.group(0), rest[found.end():]):
                continue  # "… and i want revenge lol make a wanted poster": a want that is no request
            if not _is_scaffolding(text[:gap.start()]) and not _CHAT_GAP.search(gap.group(0)):
                return text  # ("real question lol can you draw …": a laugh ends the talk before the ask)
            if residue(rest[found.end():], *INSTRUCTION_LISTS, "media_nouns"):
                return _with_named_parts(text[:gap.start()], rest)
            return text[:start] + rest[found.end():]
    return text


#: a part of the story before the request that names what is made: its theme, title, name or words
NAMED_CONTENT = re.compile(r"主题|标题|题目|名字叫|名叫|叫做|店名|写着|文案|口号|"
                           r"(?<![a-z])(?:called|named|titled|theme|title|tagline|slogan)(?![a-z])", re.I)


_NAMED_EN = re.compile(r"(?:(?:my|our|his|her|their|the)\s+)?(?:[\w'’-]+\s+){0,2}?(?:is|are|was)\s+"
                       r"(?:called|named|titled)\s+.+?(?=\s+(?:and|but|so|lol|haha)\s|\s*$)", re.I)


def _with_named_parts(story: str, request: str) -> str:
    """The story before the request goes, but a part of it that names the theme, title or name of what is
    made stays, after the request's first part ("年会主题是“乘风破浪”，帮我做一张海报，红金配色" →
    "帮我做一张海报，主题是…，红金配色")."""
    if not NAMED_CONTENT.search(story):
        return request
    story_parts = CLAUSE_SPLIT.split(story)
    named = []
    for part in story_parts[::2]:
        if not NAMED_CONTENT.search(part) or len(part) > 80:
            continue
        if re.search(r"[\u3400-\u9fff]", part):
            named.append(part.strip())
        elif said := _NAMED_EN.search(part):  # "ok so our clan is called Frostbyte and" → its name only
            named.append(said.group(0))
    if not named:
        return request
    zh = re.search(r"[\u3400-\u9fff]", request) is not None
    comma = "，" if zh else ", "
    head = CLAUSE_SPLIT.split(request, maxsplit=1)
    if len(head) < 3:
        return request + comma + comma.join(named)
    return head[0] + comma + comma.join(named) + head[1] + head[2]


# ── the description after an ask that ends in a colon: "…。帮我生成一段：一艘纸船…", "real request: a …" ──
#: a colon that is not in a time ("10:30") nor a ratio ("16:9")
_ASK_COLON = re.compile(r"(?<!\d)[:：](?!\d)")
#: where the part before a colon starts: a sentence or clause end, an emoji, "…"
_HEAD_BREAK = re.compile(r"[。.!?！？,，;；\n…~～]\s*|[\U0001F300-\U0001FAFF\u2600-\u27BF]\s*"
                         r"|(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
#: what an ask before a colon may hold beside its making words: "帮我生成一段", "画张图就行", "here we go"
ASK_LISTS = (*INSTRUCTION_LISTS, "ask_heads", "request_verbs", "trailing", "thanks", "greetings")


def after_the_ask(text: str) -> str:
    """The description after an ask that ends in a colon: the story before it goes ("我们年会要搞个开场视频，
    主题是…。帮我生成一段：一艘纸船…" → "一艘纸船…", "jk about the goblin thing. real request: a portrait …"
    → "a portrait …"); an ask that names the thing made keeps it ("…。能帮我画一张生日贺卡吗：一只…" →
    "能帮我画一张生日贺卡吗：一只…", whose lead the later cuts take). A colon after a plain head noun ("a
    poster for my shop: a cat") is no ask, and nothing changes."""
    if ":" not in text and "：" not in text:
        return text
    for colon in itertools.islice(_ASK_COLON.finditer(text), 3):
        before, rest = text[:colon.start()], text[colon.end():]
        if not rest.strip() or _inside_quotes(before):
            continue
        start = max((m.end() for m in _HEAD_BREAK.finditer(before)), default=0)
        head = before[start:]
        if not head.strip():
            continue
        if _ONE_OF_THEM.search(head):
            return text  # "a theme song for my campaign, make one: epic celtic folk": "one" is the song named
        if not residue(head, *ASK_LISTS):
            if start and _LABEL_HEAD.match(head.strip()) and before[:start].rstrip()[-1:] in ",，" \
                    and residue(before[:start], *ASK_LISTS):
                # "画一只猫，要求：橘色，…": a label in the sentence that says what to make, which stays
                return before[:start] + rest.strip()
            return rest.strip()  # "帮我生成一段", "先来一张", "内容", "here we go", "a pic"
        if start and _asks(head) and _is_scaffolding(before[:start]):
            return text[start:].strip()  # "…。能帮我画一张生日贺卡吗：…": the story goes, the ask stays
        return text
    return text


#: a label before the description, not an ask ("要求：…", "details: …")
_LABEL_HEAD = re.compile(r"^(?:具体)?(?:内容|画面|描述|要求|需求|细节|如下|要求如下)$"
                         r"|^(?:details?|requirements?|specs?)$", re.I)
_ONE_OF_THEM = re.compile(r"(?<![a-z'])(?:one|it|them|that)(?![a-z'])|[它]", re.I)


def from_the_last_line(text: str) -> str:
    """A new line (or the bot named mid-message, which parsing turns into one: "老板说今天要定稿 😭 @ima
    快画一张…") after talk: the talk before it goes when the last line asks or names the thing made; a last
    line of only "go", "pls" ends the request before it ("…neon reflections.\ngo")."""
    if "\n" not in text:
        return text
    before, _, after = text.rpartition("\n")
    if not before.strip() or not after.strip():
        return text
    if not residue(after, *ASK_LISTS, "interjections", "courtesy_tails"):
        return before.rstrip()  # "… @ima-bot go"
    said = after.strip()
    verb = _anchor_en().match(said) or _anchor_zh().match(said)
    asks = _names_the_media(said) or _LEAD_ZH.match(said) is not None or _zh_lead_end(said) > 0 \
        or bool(_media_end().search(CLAUSE_SPLIT.split(said, maxsplit=1)[0])) \
        or bool(verb and not _PRONOUN_OBJECT.match(said[verb.end():])) or after_the_ask(said) != said
    if asks and (_is_scaffolding(before) or not residue(before, *ASK_LISTS, "interjections")):
        return said
    return text


def _zh_lead_end(said: str) -> int:
    """How far a Chinese ask ("帮我画一张", "做个") runs at the start; 0 without one."""
    lead = _lead_zh().match(said)
    return lead.end() if lead else 0


# ── a media taken back before the one asked for: "不要歌，要纯音乐", "not a picture, i want a VIDEO of …" ──
_MEDIA_WORDS_EN = (r"(?:video|vid|clip|picture|pic|image|photo|song|track|music|gif|animation|poster|edit|"
                   r"mv)s?")
_MEDIA_WORDS_ZH = r"(?:视频|短视频|图片|图|歌曲|歌|MV|mv|海报|动画|音乐|改图|照片|画)"
NEGATED_MEDIA = re.compile(
    rf"^\s*(?:(?:ok|okay|so|actually|nah|and|but|just|wait)\s+)*(?:not|no|no\s+more|scrap|skip|forget|cancel|"
    rf"never\s*mind|instead\s+of)\s+(?:the\s+|a\s+|an\s+|any\s+)?{_MEDIA_WORDS_EN}"
    r"(?:\s+(?:idea|thing|version|one))?(?:\s+(?:this\s+time|today|anymore|now|pls|please|lol|then))*\s*$"
    rf"|^\s*(?:算了|那|那就)?\s*(?:不要|别|不用|不想|不)再?(?:做|画|生成|出|改|要)?{_MEDIA_WORDS_ZH}了?\s*$"
    rf"|^\s*(?:算了)?\s*{_MEDIA_WORDS_ZH}(?:就|也)?(?:不要|不用|不做|别做)了?\s*$", re.I)
#: how the media wanted instead is said after the one taken back: "要纯音乐", "改成一段BGM", "i want a …"
SWITCH_LEAD = re.compile(r"^\s*(?:(?:但是|而是|改成|换成|我要的是|要的是|就要|我要|要|直接|就"
                         r"|(?:just|instead|but|rather)(?=\s)|i\s+(?:want|need)(?=\s)|make\s+it(?=\s))\s*)+",
                         re.I)


_TAKEN_BACK = re.compile(r"(?<![a-z])(?:not|no|scrap|skip|forget|cancel|never|instead)(?![a-z])|不|别", re.I)


def drop_negated_media(text: str) -> str:
    """"不要歌，要纯音乐，钢琴" → "纯音乐，钢琴", "算了海报不要了，改成一段BGM吧" → "一段BGM吧": a first
    part that takes a media back says what not to make; what to make follows it."""
    if not _TAKEN_BACK.search(text, 0, 40):  # most messages take nothing back: one scan of their start
        return text
    parts = CLAUSE_SPLIT.split(text, maxsplit=1)
    if len(parts) < 3 or not NEGATED_MEDIA.match(parts[0]):
        return text
    rest = parts[2]
    return rest[SWITCH_LEAD.match(rest).end():] if SWITCH_LEAD.match(rest) else rest  # type: ignore[union-attr]


def _inside_quotes(before: str) -> bool:
    """A colon inside a quote ('a sign that says "SALE: 50% off"') is part of the words quoted."""
    return (before.count('"') % 2 == 1 or before.count("“") > before.count("”")
            or before.count("「") > before.count("」"))


def _asks(head: str) -> bool:
    """The part holds a making or asking verb at its start, after any polite lead."""
    said = head.strip()
    return bool(_anchor_en().match(said) or _anchor_zh().match(said) or _zh_lead_end(said)
                or _LEAD_ZH.match(said))


# "…, watercolor style would be lovely": how the user would like it, said of the style
WOULD_BE_NICE = re.compile(r"\s+(?:would|will|'d|’d)\s+be\s+(?:really\s+|so\s+|very\s+)?(?:lovely|nice|great|"
                           r"awesome|cool|perfect|amazing|ideal|good|best|fun|sick|dope|fantastic|wonderful|"
                           r"appreciated|preferred)(?=\s*(?:[.!,;，。！]|$))", re.I)
# "… by friday", "… by tomorrow": when it is needed, not what it shows
DEADLINE_EN = re.compile(r"(?<=\S)\s+by\s+(?:(?:this|next)\s+)?(?:today|tonight|tomorrow|monday|tuesday|"
                         r"wednesday|thursday|friday|saturday|sunday|eod|noon|(?:the\s+)?weekend"
                         r"|end\s+of\s+(?:the\s+)?(?:day|week))"
                         r"(?=\s*(?:[,，.!;]|$))", re.I)
# "… and make it vertical because it is for my phone": the reason is not the picture
REASON_END = re.compile(r"\s+(?:because|since|cuz|cause)\s+[^,，.]*$", re.I)
# "… Thank you very much. Margaret": a name signed under the message
SIGNATURE = re.compile(r"(?<=[.!。！])\s*(?:[-—~,]\s*)?[A-Z][a-z]+\.?\s*$")
# "… Kind regards, Margaret", "… Best wishes, Tom", "… Thanks, Ann": a sign-off, with or without the name
SIGN_OFF = re.compile(r"(?<=[.!?。！？,，])\s*(?i:(?:kind|best|warm|warmest)\s+(?:regards|wishes)|regards|"
                      r"sincerely|yours\s+truly|many\s+thanks|thanks(?:\s+again)?|thank\s+you(?:\s+again)?)"
                      r"[\s,.!]*(?:[-—~]\s*)?(?:[A-Z][a-z]+\.?)?\s*$")
# "… gothic horror style. go!", "…. do it": the word to start, said after the description
GO_AFTER = re.compile(r"(?<=[.!。！])\s*(?:(?:ok|okay|now|so)\s+)?"
                      r"(?:go(?:\s+go)*|let['’]?s\s+go|do\s+it|hit\s+it)\s*[.!]*\s*$", re.I)
# "upscale this to 4k and fix the hands" once "4k" is cut: the rest of the first edit is an option
OPTION_ONLY_EDIT = re.compile(r"^[a-z]+\s+(?:this|it|them)\s+to\s*(?:and|,)\s+"
                              # "这张 upscale 到 4k 然后 …" once "4k" is cut
                              r"|^(?:这张|把这张图?|这个)?\s*(?:(?:分辨率|清晰度|画质)\s*)?(?:upscale|放大|超分|提升|提高)\s*到"
                              r"\s*(?:然后|再|并且|，|,)\s*"
                              # "make this old photo 4k and fix …" once "4k" is cut
                              r"|^(?:make|get|upscale|turn)\s+(?:this|it|the)(?:\s+[\w'-]+){0,2}?\s+"
                              r"(?:photo|pic|picture|image|one|shot)\s*(?:and|,)\s+(?=\S)", re.I)
# "欢迎海报贴在教室门口": where the picture will hang
ZH_PLACE_TAIL = re.compile(r"(?<=[\u3400-\u9fff])(?:贴|挂)在[^，,。\s]{1,10}(?=$|[，,。\s])")
def _rejoined(m: re.Match[str]) -> str:
    """"make me a wallpaper, , of a lake" → "make me a wallpaper of a lake": the head noun the cut option
    stood after goes on; "古筝 and 808 bass, , about …" keeps its comma."""
    return m.group(1) + " " if _media_end().search(m.group(1)) else m.group(0)


# "a wallpaper, 16:9, of a lake" once "16:9" is cut: "of" continues the phrase before the comma
# (only after a bare head noun: "80s power ballad with a sax solo, female vocals, about …" keeps its comma)
OF_AFTER_CUT = re.compile(r"(?:^|(?<=[,，.:：]))(\s*(?:[\w'’-]+\s+){0,4}[\w'’-]+)\s*,(?:\s*,)+\s*"
                          r"(?=(?:of|about|showing|featuring|depicting)\s)", re.I)


# ── talk around the request: "colors are way too washed out ngl. new pic: …", "…, ping me when it's done" ──
#: a sentence ends at . ! ? (not "..." inside a description), an emoji or a new line
SENTENCE_END = re.compile(r"(?<!\.)[.!?。！？]+(?!\.)\s+|[!?！？。]+|[\U0001F300-\U0001FAFF\u2600-\u27BF]+\s*"
                          r"|\n\s*")
_TALK_VERB_EN = re.compile(r"(?<![a-z'])(?:is|are|am|was|were|i'm|im|we're|it's|its|who's|that's|thats"
                           r"|\w+'s\s+(?:\w+\s+)?(?:in|on|next|coming|getting|tomorrow|today|tonight)"
                           r"|have|has|had|set up|asked|told|"
                           r"hope|hoping|getting|launching|doing|having|planning|running|hosting|throwing|"
                           r"working on|ngl|lol|lmao|tbh|first time|new here|new to this|using this|"
                           r"trying this|just found|just joined|just discovered|just installed)(?![a-z'])",
                           re.I)
# a Discord quote ("> someone make a banner") is someone else's words
QUOTE_LINE = re.compile(r"^\s*>[^\n]*(?:\n|$)", re.M)


#: a whole sentence that only judges the last result: "too dark", "meh, not great", "still way too busy"
_VERDICT_EN = re.compile(r"^(?:(?:meh|hmm+|ugh|nah|eh|ok|okay|well|hm+)[\s,]+)*"
                         r"(?:(?:it['’]?s|that['’]?s|this\s+is|still|way|much|a\s+bit|a\s+little|kinda|so|really|just|bit)\s+)*(?:too|not)\s+"
                         r"(?:that\s+|very\s+|so\s+)?[a-z]+(?:\s+enough)?$", re.I)


def _talk(sentence: str) -> bool:
    """A sentence about the user or the last result, not a description: "colors are way too washed out ngl",
    "my raid leader's bday is in like 10 min", "Hello"."""
    said = _trim_separators(sentence).strip()
    if len(said.split()) <= 1 and not re.search(r"[\u3400-\u9fff]", said):
        # "", "emergency 😭", "Hello." (a media word alone, "EDM。drop 要炸", names what is made)
        return not pattern("media_nouns").fullmatch(said)
    if not residue(said, "greetings", "thanks", "prompt_filler"):
        return True
    if re.search(r"[\u3400-\u9fff]", said):
        return False
    if _VERDICT_EN.match(said):
        return True  # "meh, too dark. anyway, a video of …": what the last one was, not what to make
    if starts_like_a_description(said) or _anchor_en().match(said):
        return False
    return bool(_TALK_VERB_EN.search(said))


def drop_leading_talk(text: str) -> str:
    """Sentences of talk before the request go ("hey, hope ur having a good day lol. could u make me a
    picture of …"); a first sentence that describes something stays."""
    text = QUOTE_LINE.sub("", text)
    start = 0
    for end in itertools.islice(SENTENCE_END.finditer(text), ANCHOR_TRIES):
        if end.end() >= len(text):
            break
        if not _talk(text[start:end.start()]):
            break
        start = end.end()
    rest = text[start:]
    return rest if start and residue(rest, *INSTRUCTION_LISTS) else text


@cache
def _aside() -> re.Pattern[str]:
    """A clause that only says where the result goes or how to deliver it ("挂在客厅", "发抖音用", "its for my
    tiktok", "ping me when it's done", "今天下班前要")."""
    starts = alternation([*phrases("purpose_starts", "zh_start"), *phrases("purpose_starts", "en_start")])
    ends = alternation(phrases("purpose_starts", "zh_end"))
    return re.compile(rf"^\s*(?:and\s+|just\s+|then\s+)*(?:{starts})"
                      # ("打boss的时候用": when it plays, which describes the music, stays)
                      rf"|(?<=[\u3400-\u9fff\w])(?<!时候)(?<!时)(?:{ends})[\s～~!！。.…\U0001F300-\U0001FAFF\u2600-\u27BF]*$"
                      rf"|{alt('bot_logistics')}", re.I)


# ", he photobombed our cosplay pic lol": what happened, told after the request
PAST_REMARK = re.compile(r"^\s*(?:he|she|they|i|we)(?:'d|'ll|\s+would|\s+will)?\s+"
                         r"(?:just\s+|totally\s+|really\s+)?"
                         r"(?:(?!need|feed|seed|speed|breed)[a-z]+ed|was|were|did|got|took|loves?|likes?|hates?|"
                         r"adores?)(?![a-z])", re.I)


# ", for my daughter", ", for my boss": who it is for, a person, said as a part of its own
_FOR_SOMEONE = re.compile(
    r"^\s*(?:(?:it['’]?s|its|this\s+is|and)\s+)?for\s+(?:my|our|his|her|their)\s+(?:little\s+|baby\s+|best\s+|"
    r"older\s+|younger\s+|big\s+)?(?:daughter|son|kid|child|mom|mum|mother|dad|father|parent|wife|husband|gf|bf|"
    r"girlfriend|boyfriend|partner|friend|bestie|sister|brother|sis|bro|grandma|grandpa|granny|nan|aunt|uncle|"
    r"niece|nephew|cousin|boss|teacher|students?|class|team|coworker|colleague|client)s?\s*[.!~]*$", re.I)


# "…，其他老师看到后可以提提意见哈", "大家看看怎么样": said to the others in the group, not the bot
_TO_THE_OTHERS_ZH = re.compile(r"^\s*(?:大家|其他(?:老师|同事|同学|人|小伙伴)|各位|你们|小伙伴们)"
                               r"[^，,。]{0,12}?(?:看看|看到|看下|提|意见|觉得|参考|帮忙看|评评|投票)")


# ", hope that's not too hard haha", ". need it by friday!", ", due tomorrow": a wish about the work or
# when it is needed, said after the request
_WISH_OR_DEADLINE = re.compile(r"^\s*(?:(?:i|we)\s+)?(?:hope|hopefully|fingers\s+crossed)(?![a-z])"
                               r"|^\s*(?:(?:i|we)\s+)?need\s+(?:it|this|them|these)\s+(?:by|before|asap|today|tonight|"
                               r"tomorrow|soon|for\s+(?:tomorrow|tonight|today|friday|monday|the\s+weekend))"
                               r"|^\s*(?:it['’]?s\s+)?due\s+(?:by\s+|on\s+)?(?:today|tonight|tomorrow|monday|tuesday|"
                               r"wednesday|thursday|friday|saturday|sunday|next)", re.I)


# ", can you do that for her?", ", could u make it for me": the ask again, about what was just described
_DO_THAT = re.compile(r"^\s*(?:(?:so|and|pls|please)\s+)?(?:can|could|would|will)\s+(?:you|u|ya)\s+"
                      r"(?:please\s+)?(?:do|make|draw|create)\s+(?:that|this|it|one)(?:\s+for\s+(?:her|him|them|me|us|my\s+\w+))?"
                      r"(?:\s+(?:please|pls))?\s*[?？!.]*\s*$", re.I)


def _greeting_only(clause: str) -> bool:
    """"merry christmas everyone", "thanks all": a part that only greets or thanks."""
    return bool(clause.strip()) and not residue(clause, "greetings", "season_greetings", "thanks",
                                                "interjections")


def drop_asides(text: str) -> str:
    """Drop every part after the first that is an aside (where it will be used, when to deliver it). The
    first part is the request itself, and "…要用的主视觉" inside a part is the thing made, not an aside."""
    parts = CLAUSE_SPLIT.split(text)
    if len(parts) < 3:
        return text
    kept = [parts[0], parts[1]]
    for i in range(2, len(parts), 2):
        clause, separator = parts[i], parts[i + 1] if i + 1 < len(parts) else ""
        if (len(clause) <= 40 and _aside().search(clause)) \
                or (PAST_REMARK.match(clause) and not _THEIR_TASTE.match(clause.strip())) \
                or _FOR_SOMEONE.match(clause) or _TO_THE_OTHERS_ZH.search(clause) \
                or _WISH_OR_DEADLINE.match(clause) or _greeting_only(clause) or _DO_THAT.match(clause):
            continue
        kept.append(clause + separator)
    return "".join(kept)


# ── cuts by grammatical role, not by exact phrase (they hold for wordings nobody listed) ──
_LEAD_WORD = re.compile(r"[a-z]+(?:['’][a-z]+)?|[^\sa-z]", re.I)


@cache
def _lead_classes() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The closed classes of ``lead_grammar``: words a lead-in may hold, the wanting/making words one must
    hold, and the words that open the thing asked for."""
    fillers = {w for part in ("subjects", "auxiliaries", "adverbs") for w in phrases("lead_grammar", part)}
    wants = frozenset(phrases("lead_grammar", "wants"))
    return frozenset(fillers | wants), wants, frozenset(phrases("lead_grammar", "determiners"))


_LEAD_MEDIA = re.compile(rf"^{_MEDIA_PLAIN}$|^(?:image|picture|pic|photo|video|vid|clip|song|track|"
                         rf"tune|wallpaper|poster|logo|drawing|painting|gif|animation)s?$", re.I)
# "hiii", "heyyy", "pleaseee": a letter held for emphasis
_ELONGATED = re.compile(r"([a-z])\1{2,}")
# "lol", "lmaooo", "hahaha", "omg", "ok": a sound or chat word said before the thing asked for
_CHAT_SOUND = re.compile(r"lo+l|lm+a+o+|lmfao|rofl|(?:ha)+h?|(?:he)+h?|xd|omg|bruh|ok|okay|yo|ayo|oi|welp|"
                         r"so|anyways?|um+|uh+|hm+|oh|ah|yeah|yea|yep|yup|alright|aight|ight|wow|dang|damn",
                         re.I)
#: the punctuation a lead-in may hold between its words: "um, a clip of …", "so um. a clip of …"
_LEAD_STOPS = frozenset(",.…")
#: "someone drawing a cat", "somebody playing guitar": a subject and what it does, not a lead-in
_THIRD_PERSON = frozenset({"someone", "somebody", "anyone", "anybody", "one", "it", "there"})
#: how many words a lead-in may have: "would you be so kind as to please make me" is 10
LEAD_MAX_WORDS = 14


def drop_lead_in(text: str) -> str:
    """The words before the thing asked for, when they only ask: pronouns, auxiliaries, adverbs and one or
    more wanting or making words, up to a determiner or a media word ("I'd love it if you could draw a koala"
    → "a koala", "lemme get a video of …", "Is possible make picture of …"). A lead that holds any other
    word ("love birds on a branch", "imagine dragons poster") is content and stays."""
    allowed, wants, opens = _lead_classes()
    wanted = False
    sounds = True  # only chat sounds so far: "lmaooo a poster of …", "ok so a cat …"
    previous = ""
    for i, m in enumerate(itertools.islice(_LEAD_WORD.finditer(text), LEAD_MAX_WORDS)):
        word = _ELONGATED.sub(r"\1", m.group(0).lower().replace("’", "'"))
        if (wanted or sounds) and i > 0 and (word in opens or _LEAD_MEDIA.match(word)):
            rest = text[m.start():]
            return rest if len(rest.split()) >= 2 else text
        if previous in _THIRD_PERSON and word.endswith("ing"):
            return text  # "someone drawing a cat": who does what, a description
        sounds = sounds and bool(_CHAT_SOUND.fullmatch(word) or word in _LEAD_STOPS)  # "so um. a clip of …"
        if word in wants:
            wanted = True
        elif word not in allowed and word not in _LEAD_STOPS and word != "/" and not sounds:  # "w/ a …"
            return text
        previous = word
    return text


# "if it's no bother, …", "when you get a chance, …", "no rush but …", "有空的话，…", "方便的时候，…": a
# condition or courtesy about the user or the bot, before the request
_CONDITION_EN = re.compile(r"^(?:(?:if|when|whenever|once|as soon as)\s+[^,，:：.!?]{0,40}?"
                           r"(?<![a-z'])(?:you|u|ya|it|it's|its|that|that's|possible|i|we)(?![a-z'])"
                           r"[^,，:：.!?]{0,30}|no\s+(?:rush|pressure|hurry|stress)(?:\s+(?:at\s+all|tho|though))?)"
                           r"\s*(?:[,，:：]|\s+but(?=\s)|\s*[-—]+)\s*(?:but\s+)?(?=\S)", re.I)
_CONDITION_ZH = re.compile(r"^[^，,：:。！!？?\s]{0,10}(?:的话|的时候|时候|有空|方便)[吧呀啊哈]?"
                           r"\s*[，,：:]\s*(?=\S)")


# "宝 帮我画个…", "老铁，来张…", "急！帮我出一张…": who is spoken to, or a cry, before the asking word
_VOCATIVE_ZH = re.compile(r"^[\u3400-\u9fff]{1,3}(?:\s+|\s*[，,！!～~]+\s*)"
                          r"(?=(?:帮|请|麻烦|求|能不能|能否|可以|可不可以|给我|来[张个首段幅份]|整[个张段首]|画[个张幅一]|做[个张一段首]|出[个张一])\S)"
                          # "大佬 …", "老师们，…": who is spoken to, whatever follows
                          r"|^(?:大佬|大神|老师|老铁|兄弟|哥们|姐妹|家人|宝子?|亲|朋友|各位|小伙伴|助手|小助手|机器人)们?"
                          r"(?:\s+|\s*[，,！!～~]+\s*)(?=\S)")


# "quick q - can u do a logo …", "real quick: make me …": words set off by a dash or colon before the ask
_SET_OFF_ASK = re.compile(r"^(?:(?:quick|real|ok|okay|so|hey|yo|hi|hello|um+|uh+|alright|also|btw|one|small|"
                          r"random|another|last|serious|new)\s+){0,3}"
                          r"(?:q|qq|question|one|thing|request|favou?r|talk|ask|quick|idea)\s*[-—–:]+\s+"
                          r"(?=(?:can|could|would|will|pls|please|plz|make|draw|generate|create|give|gimme|i\s+need|"
                          r"i\s+want|i['’]d\s+like|need|want)(?![a-z]))", re.I)


# "make sure the cat has a hat", "take a minute to make …", "please take a moment and draw …": a lead that
# only asks, before the description or the request
_ONLY_ASKS_EN = re.compile(r"^(?:(?:please|pls|plz|can\s+you|could\s+you)\s+)?(?:make\s+sure(?:\s+that)?"
                           r"|(?:take|spend)\s+(?:a|your|one)\s+(?:minute|moment|sec|second)\s+(?:to|and))\s+(?=\S)",
                           re.I)


def drop_condition(text: str) -> str:
    """A first clause that says when or whether, about the user or the bot ("if it's no bother,", "when you
    get a chance,", "有空的话，"), not the picture: "when the sun sets, a wolf howls" has no "you" or "it"
    and stays."""
    m = _CONDITION_EN.match(text) or _CONDITION_ZH.match(text) or _VOCATIVE_ZH.match(text) \
        or _SET_OFF_ASK.match(text) or _ONLY_ASKS_EN.match(text) \
        or (_PURPOSE_LABEL_EN.match(text) if text[:4].lower() == "for " else None)
    return text[m.end():] if m else text


#: "for the school newsletter: a poster about …": what it is for, set off by a colon before what to make (like
#: "for my mom's birthday, can you make …", whose ask the request finder already starts from)
_PURPOSE_LABEL_EN = re.compile(r"^for\s+(?:my|our|the|a|an|his|her|their|this|next)\s+"
                               r"[^:：,，.!?]{1,40}?[:：]\s*(?=\S)", re.I)


# ", my son loves dragons", ", i'm gonna print it", ", you're the best": a last clause about the user
_TALK_TAIL_EN = re.compile(
    r"[,，.!;；]\s*(?:(?:and|but|also|btw|ps)\s+)?(?:(?:i|we|you|u)(?:['’](?:m|re|ll|d|ve))?|im|ur|"
    r"(?:my|our)\s+[a-z'’]+(?:\s+[a-z'’]+)?)\s+(?!(?:\w+\s+)?\w+ing(?![a-z]))"
    r"(?:(?:really|just|totally|so|absolutely|also|always|will|would|can|gonna|going)\s+)*"
    r"(?:loves?|likes?|adores?|needs?|wants?|has|have|had|is|are|am|was|were|will|gonna|going|hope|think|"
    r"plan|print|use|post|frame|show|give|send|share|put|be|owe|appreciate|thank|the\s+best|awesome|amazing)"
    r"(?![a-z])[^,，.!;；]*[.!?…~\s]*$",
    re.I,
)


# "a song about pizza lol, upbeat pop", "a thumbnail asap!!": chat words said in passing, where a part ends
_INTERJECTION = re.compile(r"\s+(?:lol+|lmao+|lmfao|rofl|haha+|(?:ha){3,}|hehe+|xd+|ngl|tbh|idk|imo|fr|omg|"
                           r"asap|pls|plz|please|thx|ty|tysm|bruh|bro|fam)(?![\w'])"
                           r"(?=\s*(?:[,，.!！?？;；:：…~]|$))", re.I)


# "…, happy acoustic 🐶 he deserves it": an emoji ends the description; a pronoun after it starts talk
_EMOJI_TALK_TAIL = re.compile(r"(?<=[\U0001F300-\U0001FAFF\u2600-\u27BF])\s*(?:he|she|they|i|we|you|u|it|"
                              r"this|that|my|our|his|her)(?:['’][a-z]+)?\s+[^,，.!?;；]{0,60}$", re.I)


# "… pls hes my ex", ", she's my best friend": who someone in the picture is to the user, said after it (a
# chat word or a comma before it); "he's a golden retriever" describes, and stays
_RELATION_TAIL = re.compile(r"(?:[,，.!;；]|\s(?:pls|please|plz|lol|lmao|haha|tbh|ngl|fr|btw))\s*"
                            r"(?:(?:he|she|they|it)(?:['’]?s|['’]?re|\s+is|\s+are|\s+was|\s+were)|hes|shes|theyre)\s+"
                            r"(?:[a-z'’]+\s+){0,2}?(?:my|our|mine|ours)\s+[^,，.!;；]{1,30}[.!?…~\s]*$", re.I)


def drop_talk_tail(text: str) -> str:
    """A last clause that talks about the user rather than describing the thing ("my son loves dragons",
    "i'll print it for her", "you're the best"); "we are dancing at our wedding" describes, and stays."""
    text = _EMOJI_TALK_TAIL.sub("", text)
    if len(text) > 80:  # the relation ends the message: look at its end only
        text = text[:-80] + _RELATION_TAIL.sub("", text[-80:])
    else:
        text = _RELATION_TAIL.sub("", text)
    text = _INTERJECTION.sub("", text)
    m = _TALK_TAIL_EN.search(text[-120:])
    if m is None or _WANTS_MEDIA_OF.search(m.group(0)):
        return text  # ", i want a VIDEO of a whale …" asks for the thing, it is no talk about the user
    start = len(text) - len(text[-120:]) + m.start()
    return text[:start] if len(text[:start].split()) >= 2 else text


_WANTS_MEDIA_OF = re.compile(rf"(?<![a-z])(?:want|need|like)\s+(?:an?\s+|some\s+|the\s+)?"
                             rf"(?:[\w'-]+\s+){{0,2}}?{_MEDIA_WORDS_EN}\s+(?:of|about|with|where|showing)\s",
                             re.I)


# "麻烦大佬出一张…", "求一张…", "想整一段…", "能给我来首…": who is asked and how, up to a making word and its
# measure word; the prefix holds a word of asking (我/你/帮/请/麻烦/能/想/求…), so "小猫抓一只蝴蝶" stays
_LEAD_ZH = re.compile(r"^(?P<pre>[^，,：:。的\s]{0,8}?)"
                      r"(?P<verb>画|做|来|整|搞|弄|出|生成|写|求|要|配|拍|设计|绘制|制作|创作|搞到|整上)\s*(?=(?:一\s*)?[张幅个首段条份支款套组版]|几\s*[张个首段版])")
_ASKING_ZH = re.compile(r"^$|[我你您咱帮请麻烦能可想求给再先就也还劳驾拜托整快]|赶紧")


# "老板要一张…", "我妈想要个…": someone else's need for the thing made, up to its measure word
# "老板要一张…", "我们公司要做一个招聘海报": someone's need, up to its making word or measure word
_THIRD_PARTY_NEED = re.compile(r"^[^，,：:。的\s]{1,12}?(?P<ask>(?:想|需)?要(?:做|画|出|搞|弄|生成|设计|拍)?)"
                               r"(?=\s*一?[张幅个首段条份支款套])")
# "my daughter wants a picture of …", "my boss needs 3 logos": someone of the user's own wants it, before what
# is wanted (the count may be cut already: "my boss needs  logos"); "her boyfriend wants a song" is talk about
# others, and stays
_THEIR_WANT_EN = re.compile(r"^(?:my|our)\s+(?:[\w'’-]+\s+){0,2}?"
                            r"(?:wants|needs|would\s+(?:like|love)|asked\s+(?:me\s+)?for|is\s+asking\s+for|requested)\s+"
                            r"(?=(?:an?|some|one|two|three|\d+)\s|\s*[a-z]+s(?![a-z]))", re.I)
# "就是那种城市延时摄影": "that is" before the description
_THAT_IS_ZH = re.compile(r"^就是(?:那种|这种)?(?=\S)")


# "做瑜伽的女孩", "写作业的小孩", "拍照的游客": what the subject is doing, not the ask, when a later part asks
# or names the media ("做瑜伽的女孩，视频，10秒", "做实验的科学家 画一张")
_DOING_ZH = re.compile(r"^(?:做|写|拍|唱|弹|玩|打|搞)(?![个张首段幅条份支款只一几两三成])"
                       r"[^，,。的\s]{1,4}的[^，,。的\s]")
_ASKED_LATER_ZH = re.compile(r"[，,。\s](?:[^，,。\s]{0,6}(?:图片|照片|视频|动画|短片|图|画|生成|来|出)"
                             r"\s*一?[张幅个段首条]|[^，,。]{0,8}?(?:图片|照片|视频|短片|动画)\s*(?:[，,。]|$)"
                             r"|(?:画|做|生成|来|出)\s*一?[张幅个段首条])")


def _doing_subject(text: str) -> bool:
    return bool(_DOING_ZH.match(text)) and bool(_ASKED_LATER_ZH.search(text))


def drop_lead_in_zh(text: str) -> str:
    """"麻烦大佬出一张赛博朋克夜景" → "出一张赛博朋克夜景": who is asked goes; the making word and its
    measure word are the next cut's (``_lead_zh``), which knows which measure words belong to the media.
    "老板要一张双十一的促销海报" → "要一张…" too, when what is wanted ends in a media noun."""
    if text[:2].lower() in ("my", "ou"):
        text = _THEIR_WANT_EN.sub("", text, count=1)
    text = _THAT_IS_ZH.sub("", text) if text[:2] == "就是" else text
    need = _THIRD_PARTY_NEED.match(text)
    if need and _media_end().search(CLAUSE_SPLIT.split(text, maxsplit=1)[0]):
        verb = need.group("ask").lstrip("想需要")  # "要做一个…" from its verb, "要一张…" from its "要"
        return text[need.end("ask") - (len(verb) or 1):]
    m = _LEAD_ZH.match(text)
    if m is None or not _ASKING_ZH.search(m.group("pre")):
        return text
    return text[m.start("verb"):]


def _tidy_separators(text: str) -> str:
    """A question mark inside a prompt ("a banner for our club? moody noir alley") joins two parts: a comma.
    A space between two Chinese phrases ("桌面壁纸 极简风") stays as the user typed it."""
    if not MID_QUESTION.search(text):
        return text
    # words quoted are kept as typed: 'a banner that says "WE ARE OPEN! COME IN!"'
    parts = _QUOTED.split(text)
    return "".join(part if i % 2 else MID_QUESTION.sub(lambda m: "，" if m.group(1) == "？" else ", ", part)
                   for i, part in enumerate(parts))


_QUOTED = re.compile(r'("[^"\n]{1,200}"|“[^”\n]{1,200}”|「[^」\n]{1,200}」|『[^』\n]{1,200}』)')


@cache
def _mid_make_zh() -> re.Pattern[str]:
    """A make-verb with its measure word starting a later part: "新员工入职欢迎卡 画一只小鲸鱼在喷水"."""
    not_verbs = alternation(phrases("not_verbs", "zh"))
    return re.compile(rf"(?:(?<=[，,；;])|(?<=[\u3400-\u9fff])\s+)\s*(?!{not_verbs})"
                      r"(?=(?:画|生成|做|来|整|弄|搞|出|设计|制作)\s*(?:一\s*)?[张幅个只首段条份])")


def drop_later_make_zh(text: str) -> str:
    """"…，画一只小鲸鱼在喷水" → "…，一只小鲸鱼在喷水": a later part asks again; its verb goes, and the
    measure word as the first part's would ("一只" stays, "一张" goes)."""
    for _ in range(3):
        m = _mid_make_zh().search(text)
        if m is None:
            return text
        rest = _lead_zh().sub("", text[m.end():], count=1)
        if rest == text[m.end():]:
            return text
        text = text[:m.end()] + rest
    return text


# "a video of a cat... jk a video of a penguin …", "a red car, no wait, a blue truck": what the user takes
# back goes, the prompt is what follows
SELF_CORRECTION = re.compile(r"(?<![\w'’/])(?:jk|j/k|just kidding|no wait|wait no|scratch that|nvm|"
                             r"never ?mind|actually no|no actually|on second thought)(?![\w'’])"
                             r"[\s.,!…~:]*?(?:[,.…!:]|\s(?=(?:an?|the|make|draw|do|some|one)\s))\s*(?=\S)",
                             re.I)


def after_correction(text: str) -> str:
    """The words after the last "jk"/"no wait"/"scratch that", when a description follows it."""
    found = list(itertools.islice(SELF_CORRECTION.finditer(text), ANCHOR_TRIES))
    if not found or found[-1].start() == 0 or len(text[found[-1].end():].split()) < 2:
        return text
    return text[found[-1].end():]


# "uhh can u make me bald", "lol ok remove the guy": a sound or a chat word before the edit asked for
INTERJECTION_LEAD = re.compile(r"^(?:(?:u+h+|u+m+|hm+|erm|lol|lmao|haha+|ok|okay|k|so+|well|oh+|ah+|yo+|hey+|"
                               r"hi+|alright|welp|bruh|omg)(?![\w'’])[\s,.!~]*)+(?=\S)", re.I)


#: how an edit is asked, before its verb: "帮我p掉水印" → "p掉水印"
ZH_POLITE_LEAD = re.compile(r"^(?:请|麻烦|帮我|给我|替我|帮忙|能不能|可不可以|可以|你能|能)\s*")


# ":(", ";)", ":D", "<3", "xD", "T_T": a face typed with punctuation says how the user feels, and its ":" or
# "(" would split or open a part
EMOTICON = re.compile(r"(?<!\S)(?:[:;=8]['\-^]?[()\[\]DPpOo3/\\|*]+|x[Dd]+|T_T|;_;|>_<|\^_*\^)(?!\S)")
HEART = re.compile(r"(?<!\S)<3+(?!\S)")
_FACE_CHARS = re.compile(r"[:;=<_^]|x[Dd]")


# clean_prompt's fixed patterns, compiled once (a str pattern costs a cache look-up on every call)
_SPACES = re.compile(r"\s+")
_SLASH_LEAD = re.compile(r"^/\w+\s*")
_SPACE_BEFORE_MARK = re.compile(r"\s+([,，.!?])")
_COMMA_RUN = re.compile(r"([,，])(?:\s*[,，])+")
_SPACE_AFTER_ZH_MARK = re.compile(r"(?<=[，。；：！？、])\s+")
_DE_LEAD = re.compile(r"^的\s*")


# "--ar 16:9 --v 6.1 --style raw": parameters power users type for other image generators (the ratio was read
# as an option); "--no text" says what to leave out, and stays as words
PARAMETER_FLAG = re.compile(r"(?<!\S)--(?:ar|aspect|v|version|style|q|quality|s|stylize|chaos|c|seed|weird|w|"
                            r"iw|niji|tile|hd|raw|stop|repeat|r|sref|cref|cw|sw|p|personalize|fast|relax|turbo)"
                            r"(?![\w-])(?:[ \t]+(?!--)[\w.:]+)?", re.I)
NO_FLAG = re.compile(r"\s*(?<!\S)--no(?=\s)\s*", re.I)


def clean_prompt(text: str, *, keep_instruction: bool = False, counted: bool = True) -> str:
    """The prompt sent to IMA. ``keep_instruction``: an edit of an attached picture keeps its verb ("make
    it darker"); ``counted``: a count of results was taken from the text (:data:`COUNTED_OF`)."""
    if "--" in text:  # "… --ar 16:9 --v 6 --no text": flags typed for another generator
        text = PARAMETER_FLAG.sub(" ", NO_FLAG.sub(", no ", text))
    if "*" in text or "_" in text or "~" in text or "`" in text:
        text = MARKDOWN.sub("", text)  # "**a cyberpunk samurai** in the rain": emphasis typed in chat
    if _FACE_CHARS.search(text):  # a face ends what was said, like an emoji
        text = HEART.sub(" ", EMOTICON.sub(". ", text))
    text = drop_negated_media(from_the_last_line(text))
    if not keep_instruction:
        text = drop_leading_talk(text)
    doing = not keep_instruction and _doing_subject(text.lstrip())
    text = _trim_separators(_SPACES.sub(" ", text).strip())  # ", we need a card": a clause blanked
    text = _SLASH_LEAD.sub("", text)
    text = TYPED_MENTION.sub("", text)
    text = _tidy_separators(text)
    text = ZH_ENOUGH.sub("", ZH_PARTICLE.sub("", text))
    text = drop_condition(text)
    text = after_the_ask(text if keep_instruction else after_correction(text))
    # the request is found before instruction-only parts go ("下个月公司年会，帮我写一首歌，关于…")
    text = from_the_edit(text) if keep_instruction else from_the_request(text)
    # "a song, 3 minutes long, about …": the phrase cut by an option joins again before parts are weighed
    text = drop_bracketed_instructions(text)
    if text.count(",") > 1:  # the cut leaves two commas in a row
        text = OF_AFTER_CUT.sub(_rejoined, text)
    text = drop_filler_clauses(text, FILLER_LISTS if keep_instruction else OPTION_SENTENCE_LISTS)
    if not keep_instruction and ("来" in text or "出" in text):
        text = ZH_MAKE_AT_END.sub("", text)
    text = text if keep_instruction else drop_preference_clauses(text)
    if not keep_instruction and _WANT_VERB.search(text):
        text = WANT_IT_PART.sub(r"\1", text)
    text = drop_talk_tail(drop_asides(text))
    if not keep_instruction and _MAKE_WORD.search(text):
        text = MAKE_IT_STYLE.sub(", ", text)
    text = SIGNATURE.sub("", SIGN_OFF.sub("", WOULD_BE_NICE.sub("", text)))
    if text.rstrip(" !.").lower().endswith(("go", "it")):
        text = GO_AFTER.sub("", text)
    text = ZH_PLACE_TAIL.sub("", REASON_END.sub("", text))
    if " by " in text or " By " in text:
        text = DEADLINE_EN.sub("", text)
    text = _SPACE_BEFORE_MARK.sub(r"\1", text)
    text = _COMMA_RUN.sub(r"\1", text)
    text = _SPACE_AFTER_ZH_MARK.sub("", text)  # "环保主题， 森林…": a blanked part's space
    text = PLEASE.sub("", text)
    previous = None
    for _ in range(5):  # bounded passes: "please draw me a picture of …" in a few, "画画画…" stays linear
        if previous == text:
            break
        previous = text
        text = _trim_separators(text).strip()
        text = EDGE_SYMBOLS.sub("", text).strip() if not _emoji_noun_end(text) else text
        if keep_instruction:
            text = _polite_lead().sub("", INTERJECTION_LEAD.sub("", text, count=1), count=1)
            text = ZH_POLITE_LEAD.sub("", text)
        else:
            text = for_the_media(text)
            text = drop_lead_in_zh(text)
            if not (doing and _DOING_ZH.match(text)):
                text = _lead_zh().sub("", text, count=1)
            text = drop_lead_in(_lead_en().sub("", text, count=1))
            text = _DE_LEAD.sub("", text)
            text = ZH_MEDIA_LEAD.sub("", ONCE_MORE.sub("", ZH_SWITCH.sub("", text)))
            text = ZH_MEASURE_LEAD.sub("", text)
            text = drop_media_measure(text)
            text = _scraps().sub("", text)
            text = MEDIA_LABEL.sub("", text) if not MEDIA_OF.match(text) else MEDIA_OF.sub("", text)
            text = COUNTED_OF.sub("", text) if counted else text
            text = MEDIA_FOR.sub("", text)
            text = VERSION_LEFT.sub("", text, count=1) if text[:1].isdigit() or text[:1] in "vV" else text
            if "video" in text or "clip" in text:
                text = FORM_MEDIA.sub(lambda m: m.group(1) or m.group(2), text, count=1)
            text = IT_INTO.sub("", text)
            text = FRAME_LABEL.sub("", text)
            text = CONTENT_LABEL.sub("", text)
            text = VAGUE_LEAD.sub("", YOUR_TAKE.sub("", text))
            text = LOOKS_LIKE.sub(lambda m: m.group("x") + (m.group("y") or ""), text, count=1)
            text = SOME.sub("", text, count=1)
            text = DIFFERENT.sub("", text, count=1)
            text = ZH_TIME_LEAD.sub("", text, count=1)
            text = ZH_TELLS.sub("", text, count=1) if text[:1] in "讲说" else text
            text = DANGLING_START.sub("", text)
        if text.rstrip()[-1:] in _MAKE_IT_LAST:  # the end only: linear on any input
            text = text[:-60] + TRAILING_MAKE_IT.sub("", text[-60:])
        text = drop_dangling_end(text)
        if not keep_instruction:
            text = ZH_MEDIA_TAIL.sub("", text, count=1) if "的" in text else text
            text = ZH_STYLE_MEDIA_TAIL.sub("", text, count=1) if "风" in text or text[-1:] in "图片" else text
            if (text[-1:] in _MEDIA_LAST or text[-2:-1] in _MEDIA_LAST) and len(text.split()) > 2:
                text = EN_MEDIA_TAIL.sub("", text)
        text = strip_trailing(text).strip()
        text = _trim_separators(text).strip()
    if not keep_instruction:
        text = drop_later_make_zh(text)
    if not keep_instruction and (unsaid := UNSAID_HEAD.match(text)):
        text = unsaid.group("x")
    if not keep_instruction and _LYRICS_WORD.search(text) and LYRICS_POINTER.search(text):
        text = style_of_song(text)  # "a song with these lyrics, indie pop": the lyrics are elsewhere
    if EMPTY.match(text) or PRONOUN_ONLY.match(text) or IT_MEDIA.match(text) or ONLY_JOINERS.match(text):
        return ""
    return AN.sub(r"\1n ", text) if "a " in text or "A " in text else text


# ("油画里的河水": a kind of painting is the picture too, not "油" before one)
_PICTURE_ZH = (r"(?:图片|照片|相片|图|海报|合照|证件照|截图|头像|自拍|画面|"
               r"油画|水彩画|水墨画|国画|古画|壁画|插画|漫画|画)")
ATTACHMENT_TALK = re.compile(r"^(?:here(?:'s| is| are)|these are|this is|attached|i(?:'ve)? attached|"
                             r"i(?:'ve)? uploaded)(?![a-z])"
                             # "这两张是我们的IP形象", "这张产品图": what the pictures sent are, or only which
                             rf"|^(?:这|那)(?:[两俩三几]?[张个幅只])?(?:{_PICTURE_ZH}|产品图|素材)?(?:是|就是|分别是)"
                             rf"|^(?:这|那)(?:[两俩三几]?[张个幅])[^\s，,的]{{0,4}}?{_PICTURE_ZH}$", re.I)
#: a part made only of these only says "animate the picture(s) I sent"
ANIMATION_LISTS = (*FILLER_LISTS, "animation_filler", "instruction_words")
ANIMATION_LEAD = re.compile(
    r"^(?:"
    r"(?:use|using)\s+(?:this|these|the|my)(?:\s+[\w-]+){0,5}?\s+as\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+)?(?:reference|ref)s?"
    r"(?:\s+(?:character|image)s?)?(?:\s+(?:for|of)\s+(?:the\s+|my\s+|our\s+)?[\w-]+)?(?:\s+and)?"
    r"|keep\s+(?:him|her|them|it|the\s+[\w-]+)\s+on[- ]?model(?:\s+and)?"
    r"|make\s+(?=an?\s)"
    r"|(?:an?\s+)?(?:short\s+)?(?:video|clip)\s+(?:of|where|with|showing)(?=\s)"
    # "make a smooth video of …", "a short cinematic clip where …": how the video is, before what it shows
    r"|(?:(?:make|create|generate|do)\s+)?an?\s+(?:[\w-]+\s+){1,2}?(?:video|clip|animation)\s+"
    r"(?:of|where|with|showing|in\s+which)(?=\s)"
    # "make this portrait blink", "have the photo wave": the picture sent, made to move
    r"|(?:make|have|let|get)\s+(?:this|the|my|that)\s+(?:[\w'’-]+\s+)?(?:photo|picture|pic|image|portrait|"
    r"drawing|painting|selfie|sketch|one)\s+(?!(?:into|an?|the|look|looks|move|moving|come)(?![a-z]))(?=[a-z])"
    r"|以\s*(?:这|那)?[个张位只幅]?[^，,：:]{0,10}?为\s*(?:参考|参照)"
    r"|(?:当|作为|用作)\s*(?:reference|refs?|参考图?)"
    # "做成三百六十度旋转展示的视频", "做成一个慢慢推进的镜头"
    r"|(?:做成|变成|弄成|转成)\s*(?:一个|一段|一条|个|段)?"
    r"(?=[^，,]+?(?:的\s*)?(?:短视频|视频|动画|动图|镜头|延时摄影|延时)\s*$)"
    # "把这张图 animate 成 5s 的视频": an English verb inside a Chinese sentence
    r"|(?:(?:把|将)\s*(?:这|那)?[张个幅]?[^，,]{0,6}?\s*)?animate\s*成\s*(?:的\s*)?(?:短视频|视频|动画)?"
    r"|(?:把|将)\s*(?:这|那)?[张个幅]?[^，,\s]{0,6}?(?:做成|变成|转成|生成)\s*(?:一个|一段|一条)?"
    r"(?:\s*(?:动图|动画)?\s*(?:短视频|视频|动画|动图)(?=\s*[，,：:。]|\s+\S))?"
    r"|animate\s+(?:[\w'’-]+\s+){0,4}?(?:so\s+that|so|and\s+make|where)(?=\s)"
    r"|animate(?:\s+(?:this|it|them|these|the\s+(?:photo|picture|image|pic)))?(?:\s+(?:so(?:\s+that)?|and|to))?"
    r"|(?:and\s+)?(?:make|create|generate|do|turn\s+(?:this|it|these|my|the)(?:\s+(?:photo|picture|image|pic|one|drawing|"
    r"painting|selfie)s?)?\s+into)\s+(?:an?\s+)?(?:short\s+)?(?:video|clip|animation)"
    r"(?:\s+(?:of|where|with|showing|in which))?"
    r"|(?:能|可以|请)?让\s*(?:这|那)?[只个位张幅条]?(?:(?:图片|照片|图|画面)(?:里|中|上)?的?)?"
    r"|中间(?:是|做个|加个|做一个|加一个|加|来个)?"
    r"|(?:like|e\.g\.|say|just)(?=\s)"
    # "make him blink and wave", "could u make her smile": the picture's subject said as a pronoun; what it
    # does is the motion ("make my grandpa wave" names who, and stays)
    r"|(?:make|have|let|get)\s+(?:him|her|them|it)\s+(?!(?:into|an?|the|look|looks|move|moving)(?![a-z]))(?=[a-z])"
    r"|(?:生成|做|来)\s*(?:一段|一个|一条|段|个)|生成(?=\S)"
    r"|(?:做成|变成|转成)\s*(?:一个|一段|一条|个|段)?\s*(?:短视频|视频|动画|动图)"
    r"|make\s+(?:it|this|them)\s+(?:into\s+)?(?:an?\s+)?(?:short\s+)?(?:video|clip|animation)"
    r"(?:\s+(?:of|where|with|showing|in\s+which))?"
    r")\s*[,，:：]?\s*",
    re.I,
)
# "爷爷这张照片", "狗狗那张图": whose picture it is, pointing at the one sent ("让爷爷这张照片动起来")
OWNED_PICTURE_ZH = re.compile(r"[^，,\s]{0,6}?(?:这|那)[张个幅]\s*(?:照片|图片|相片|图|画|合照|全家福|自拍)")
# "这个杯子让它转起来": the thing named, then a pronoun for it
THING_THEN_PRONOUN_ZH = re.compile(r"^(?:这个|那个|这只|那只|这位|那位)?(?P<x>[^，,\s让]{1,8})"
                                   r"让\s*(?:它们|他们|她们|它|他|她)")
ANIMATION_TAIL = re.compile(
    r"(?:\s*的?\s*(?:短视频|视频|动画)|\s+in\s+(?:this|the)\s+(?:pic|photo|picture|image))$", re.I
)
FRAME_NUMBER = re.compile(r"图\s*[1-9一二]\s*的?")
# "first frame is pic 1 (kid)", "last frame pic 2", "尾帧用第二张": which picture is which frame, not motion
FRAME_ASSIGNMENT = re.compile(
    r"(?:(?:first|last|start|starting|end|ending|final|opening|closing)\s+(?:frame|shot|image|pic)s?|首帧|尾帧|"
    r"开头|结尾)(?:\s+(?:is|=|will be|should be|from|being))?\s*[:：=]?\s*"
    r"(?:(?:the\s+)?(?:pic|picture|image|photo|img)\s*#?\s*\d|(?:the\s+)?(?:first|second|1st|2nd|other|left|right)\s+(?:one|pic|picture|image|photo)|"
    r"(?:用|是|为|当)?\s*(?:第[一二两1-2]张|图\s*[1-2一二]))(?:\s*[(（][^)）]{0,30}[)）])?",
    re.I,
)


# "bring my dad's old drawing to life", "make grandma's portrait move", "please animate this photo of my late
# father": what is animated, said as a whole part
ANIMATE_WHAT = re.compile(r"^(?:(?:please|pls|plz|can\s+you|could\s+you|can\s+u|could\s+u)\s+)*animate\s+"
                          r"(?:this|the|my|these|that|our)\s+(?:[\w'’-]+\s+){0,2}?"
                          r"(?:drawing|painting|photo|picture|pic|image|portrait|sketch|art|artwork|selfie|poster|"
                          r"illustration|doodle|oc)s?(?:\s+(?:of|from)\s+(?:[\w'’-]+\s*){1,5})?$"
                          # (the words before the picture word only say which: "make the clouds in this photo
                          # move" names what moves, and stays)
                          r"|^(?:bring|make|get|let)\s+(?:(?!(?:in|on|at|inside)\s)[\w'’-]+\s+){0,4}?"
                          r"(?:drawing|painting|photo|picture|pic|image|portrait|sketch|art|artwork|selfie|poster|illustration|doodle|oc)s?\s+"
                          r"(?:(?:of|from)\s+(?:[\w'’-]+\s+){1,3}?)?"  # "this old photo of my great-grandpa"
                          r"(?:to\s+life|alive|move|moving|come\s+(?:alive|to\s+life))$"
                          # "could this old photo of the harbor move a little?": asked of the picture
                          r"|^(?:(?:hey|so|ok|okay)[\s,]+)?(?:could|can|would|will)\s+(?:this|the|my|that)\s+"
                          r"(?:[\w'’-]+\s+){0,2}?(?:photo|picture|pic|image|portrait|painting|drawing|selfie|poster)s?"
                          r"\s+(?:(?:of|from)\s+(?:[\w'’-]+\s+){1,3}?)?(?:move|come\s+(?:alive|to\s+life))"
                          r"(?:\s+(?:a\s+(?:little|bit)|slightly|somehow))?[?？]?$", re.I)


_MOTION_ONCE = re.compile(r"(?<=[\u3400-\u9fff])(一下)[吗吧呀啊哦嘛呢哈\s?？!！~～。.]*"
                          r"[，,、\s]*(?:(?:谢谢|谢啦|感谢|辛苦|麻烦了|拜托)[^，,。]*)?"
                          r"[\s\U0001F300-\U0001FAFF\u2600-\u27BF]*$")


#: "first pic is the seed", "second is the tree", "第二张是现在": what each picture sent shows
_PICTURE_IS = re.compile(r"^(?:(?:the\s+)?(?:first|second|1st|2nd|last|other)"
                         r"(?:\s+(?:one|pic|picture|image|photo|img|frame))?\s+(?:is|=)(?![a-z])"
                         r"|第\s*[一二两三1-3]\s*张(?:图|照片|图片)?\s*(?:是|为))", re.I)
#: a part that asks for something made from them
_MAKES = re.compile(r"(?<![a-z])(?:make|create|generate|render|animate)(?![a-z])|做|生成|来个|来一段", re.I)


def animation_prompt(text: str) -> str:
    """Pictures to animate: the prompt is the motion asked for ("the car drives off into the desert"), without
    what only says "animate what I sent" ("turn this into a video", "用这两张做首尾帧", "参考这个角色");
    "make this photo move" alone has no prompt. A causative stays: "make my grandma wave at the camera"."""
    asked = text
    text = from_the_change(clean_prompt(text, keep_instruction=True), motion=True)
    parts = CLAUSE_SPLIT.split(text)
    kept = []
    for i in range(0, len(parts), 2):
        clause, separator = parts[i], parts[i + 1] if i + 1 < len(parts) else ""
        said = clause.strip()
        if said and (not residue(FRAME_ASSIGNMENT.sub(" ", clause), *ANIMATION_LISTS)
                     or ANIMATE_WHAT.match(said)):
            continue  # "first frame is pic 1 (kid)", "首帧第一张 尾帧第二张"
        if _PICTURE_IS.match(said) and any(_MAKES.search(parts[j]) for j in range(i + 2, len(parts), 2)):
            continue  # "第一张是小宝一岁，第二张是现在，做个…视频": what was sent, then what to make
        owned = OWNED_PICTURE_ZH.sub("", clause)  # (the clause itself when no picture of one's own is named)
        if said and (not residue(clause, *ANIMATION_LISTS) or ATTACHMENT_TALK.match(said)
                     or (owned != clause and not residue(owned, *ANIMATION_LISTS))):
            continue  # "bring this painting to life", "这两张做首尾帧", "here are 3 refs of our mascot"
        kept.append(clause + separator)
    text = FRAME_NUMBER.sub("", "".join(kept))
    text = without_picture_pointer(text)
    for _ in range(3):
        previous = text
        text = ANIMATION_LEAD.sub("", _trim_separators(text).strip(), count=1)
        text = THING_THEN_PRONOUN_ZH.sub(r"\g<x>", ANIMATION_TAIL.sub("", text), count=1)
        if text == previous:
            break
    text = strip_trailing(_trim_separators(text)).strip()
    if (once := _MOTION_ONCE.search(asked)) and text and not text.endswith(once.group(1)):
        text += once.group(1)  # "让爷爷笑一下": "一下" is how long the motion lasts, not politeness
    return text if residue(text, "animation_filler") else ""


EDIT_LABEL = re.compile(
    r"^(?:edit|修改|编辑)(?:\s+(?:this|the|my)\s+(?:pic|photo|picture|image|one))?\s*[:：]\s*", re.I
)
# "这张KV的背景换成雪景", "这张合照给每个人加上圣诞帽": "this picture", whatever it is called, before
# the change
EDIT_THIS_PICTURE_ZH = re.compile(r"^(?:这|那)[张幅]\s*(?:[^\s，,的给把让将]{1,4}?)?"
                                  r"(?:的\s*(?=\S)|\s*(?=[给把让将])|\s+(?=[\u3400-\u9fff]))")
# "把这张图改成…" → "改成…", "把这个产品图的背景…" → "产品图的背景…", "把图里的天空…" → "图里的天空…"
EDIT_SOURCE_ZH = re.compile(
    r"^(?:(?:(?:把|将)\s*)?(?:这张|这幅|这个|这)\s*(?:[^\s，,的改变换转]{0,4}?(?:图片|照片|相片|图|画|合照|证件照|截图|"
    r"海报|头像|自拍))?(?:的风格)?\s*(?:帮我|给我|请|麻烦)?\s*(?=改|变|换|转|处理|p成|做成|弄成|修|去掉|加上|抠|扩)"
    r"|(?:把|将)\s*(?:这[两俩三几]?[张幅个]|这)\s*(?:图片|照片|图|画)?\s*的?\s*|(?:把|将)(?=\s*(?:图|照片|图片)(?:里|中|上))"
    r"|给\s*(?:这|这张|这幅|这个)\s*(?:图片|照片|图|画)?\s*(?:出|做|生成|来)\s*(?:一?[个张版份款])?"
    r"|(?:把|将)(?=\S))",
    re.I,
)

# the attached picture pointed at: "这张证件照的背景…" → "背景…", "去掉图里那个路人" → "去掉那个路人",
# "the crowd in this photo starts cheering" → "the crowd starts cheering"; "第二张图的衣服" says which of
# two pictures, and stays
PICTURE_POINTER_LEAD = re.compile(rf"^(?!第)(?:这张|这个|这幅|这)?[^\s，,的第张0-9一二三四]{{0,4}}?"
                                  rf"{_PICTURE_ZH}(?:里|中|上)?的\s*(?=\S)")
PICTURE_POINTER_IN = re.compile(rf"(?<![第张0-9一二三四两])(?:这张|这个|这幅)?{_PICTURE_ZH}"
                                rf"(?:里|中|上)(?:的)?(?=\S)")
#: "the sky in this for a purple aurora", "the waves in this move", "the background of this to a beach",
#: "add snow to this": a bare "this" is the attached picture when a function word, a verb of motion or the
#: end follows it; "in this style" names something else, and stays
_AFTER_BARE_THIS = (r"(?:an?|the|into|look|looks|more|less|so|for|to|with|and|but|as|then|too|"
                    r"move|moves|moving|fly|flies|flying|flow|flows|walk|walks|dance|dances|turn|turns|"
                    r"wave|waves|smile|smiles|blink|blinks|spin|spins|drift|drifts|sway|sways|"
                    r"float|floats|run|runs|swim|swims|come|comes|start|starts|be|become|wear|wears)")
PICTURE_POINTER_EN = re.compile(r"(?<!style)\s+(?:in|on|from|of)\s+(?:(?:this|the)\s+"
                                r"(?:photo|pic|picture|image|drawing|painting|shot|selfie)(?![a-z])"
                                rf"|this(?:\s+one)?(?=\s+{_AFTER_BARE_THIS}\s|\s*[,，.!?]|\s*$))"
                                r"|\s+to\s+(?:this|the\s+(?:photo|pic|picture|image))(?:\s+one)?(?=\s*[,，.!?]|\s*$)"
                                # "both guys from these 2 pics": the pictures sent, more than one
                                r"|\s+(?:in|on|from|of)\s+(?:these|those|both|the)\s+(?:(?:\d|two|three|both)\s+)?"
                                r"(?:photos|pics|pictures|images|shots)(?![a-z])",
                                re.I)
GIVE_POINTER = re.compile(rf"^给(?=\s*(?:这张|这个|这幅|这)?\s*{_PICTURE_ZH}(?:里|中|上)的)")
# "这张证件照背景换成蓝色": the picture named right before the part of it that changes
PICTURE_BEFORE_PART = re.compile(rf"^(?:这张|这个|这幅)\s*[^\s，,的]{{0,3}}?{_PICTURE_ZH}\s*"
                                 rf"(?=[^\s，,的]{{1,4}}?(?:换成|改成|变成|换|改|变|去掉|调))")
EDIT_PURPOSE_EN = re.compile(r"\s+for\s+(?:my|our|the)\s+[\w' -]{1,40}$", re.I)


# "顺便去掉水印", "然后调亮一点": a joining word left at the start once the part before it went
ZH_ALSO_LEAD = re.compile(r"^(?:顺便|然后|另外|并且|同时|还有)\s*(?=[\u3400-\u9fff])")
# "分辨率提高到" once "4K" was cut: the "to" of the option read
ZH_RAISED_TO = re.compile(r"(?<=提高|提升|放大|升级|增加|缩小|降低)到(?=$|\s*[，,。])|(?<=调)到$"
                          # "扩展成16:9，两边补上风景" once "16:9" was read: the "into" of the option
                          r"|(?:(?<=扩展)|(?<=扩充)|(?<=扩)|(?<=裁剪)|(?<=裁)|(?<=剪裁))成(?=$|\s*[，,。])")


def without_edit_purpose(text: str) -> str:
    """"make the sky more dramatic for my portfolio" → "make the sky more dramatic"; "create a poster for our
    bake sale" keeps what the poster is for (a thing made names what it is for)."""
    m = EDIT_PURPOSE_EN.search(text)
    if m is None or _media_end().search(text[:m.start()]):
        return text
    return text[:m.start()]


def without_picture_pointer(text: str) -> str:
    """The change asked for, not where the picture is: "in this photo", "这张…的", "图里"; "给图里的小哥换…"
    keeps its "给" ("给小哥换…")."""
    give = "给" if GIVE_POINTER.match(text) else ""
    text = give + PICTURE_POINTER_LEAD.sub("", text[len(give):], count=1)
    text = PICTURE_BEFORE_PART.sub("", PICTURE_POINTER_IN.sub("", text), count=1)
    return PICTURE_POINTER_EN.sub("", text)


# ── the change asked for starts at its verb: what is said before it only points at the attached picture ──
#: a verb that starts a change to a picture
_CHANGE_EN = re.compile(r"(?<![a-z'])(?:make|turn|change|convert|restyle|transform|remove|replace|add|put|"
                        r"swap|recolou?r|colou?ri[sz]e|colou?r|upscale|enhance|fix|give|combine|merge|blend|"
                        r"erase|delete|get\s+rid\s+of|paint|dress|place|insert|crop|brighten|darken|sharpen|"
                        r"restore|clean\s+up|redraw)(?![a-z'])", re.I)
_CHANGE_ZH = re.compile(r"改成|改为|改|变成|变|换成|换|加|添加|去掉|去除|删|移除|抹掉|[pP]成|[pP]掉|修复|修成"
                        r"|上色|调成|调|穿上|戴上|合成|融合|放到|放在|贴到|抠")
_PICTURE_WORD_EN = (r"(?:photo|pic|picture|image|selfie|sketch|drawing|painting|shot|headshot|portrait|"
                    r"screenshot|render|art|artwork|doodle|one)s?")
#: a clause that only points at the attached picture or says what it is for: "the attached sketch",
#: "this photo of my dog", "for my portfolio", "my cat photo ->"
_POINTER_CLAUSE_EN = re.compile(
    rf"^(?:(?:here(?:'s| is)|so|ok|okay|and)\s+)?(?:(?:for|in|on|with|from|using|based\s+on|going\s+off)\s+)?"
    rf"(?:this|the|that|my|our|these|attached|uploaded)\b[^,，:：]*?{_PICTURE_WORD_EN}\b[^,，:：]*$"
    # "attached is my dog.", "this is my living room": what the picture shows, said before the change
    rf"|^(?:attached|uploaded|here)\s+(?:is|are)\s+[^,，:：]{{1,40}}$"
    rf"|^(?:this|these)\s+(?:is|are)\s+(?:my|our)\s+[^,，:：]{{1,30}}$"
    rf"|^for\s+(?:my|our|the)\s+[\w' -]{{1,30}}$"
    # "old photo of my parents wedding, 1968.": the picture said as a noun phrase, and when it was taken
    rf"|^(?:an?\s+)?(?:[\w'-]+\s+){{0,2}}?{_PICTURE_WORD_EN}\s+(?:of|from)\s+[^,，:：]*$"
    r"|^(?:in\s+)?[\d\s/.-]+$", re.I)
#: the same said before the verb, inside the clause: "in this pic please remove …"
_POINTER_LEAD_EN = re.compile(rf"^(?:(?:in|on|for)\s+(?:this|the|my)\s+{_PICTURE_WORD_EN}\s*[,，]?\s*"
                              # "take this logo and make it gold", "use this as a reference and draw …"
                              r"|(?:take|grab)\s+(?:this|that|these|my|the)(?:\s+[\w'-]+){0,2}\s+and\s+"
                              r"|use\s+(?:this|these|it|them|my\s+[\w'-]+)\s+as\s+(?:an?\s+|the\s+)?"
                              r"(?:reference|ref|base|inspiration|template|starting\s+point)\s*(?:and\s+|,\s*)?)"
                              rf"(?:(?:please|pls|plz|can you|could you|could u|can u)\s+)*(?=\S)", re.I)
#: "这张自拍帮我", "我家猫这张照片能不能", "把这个产品图": the picture pointed at and how it is asked, before
#: the verb ("这张证件照背景换成…" keeps the part that changes)
_POINTER_LEAD_ZH = re.compile(
    rf"^(?:[^，,。\s]{{0,6}}?(?:这|那)[张个幅]|(?:把|将)\s*(?:这|那)[张个幅]?)\s*"
    rf"[^\s，,的]{{0,4}}?(?:{_PICTURE_ZH}|照)\s*"
    r"(?:帮我|给我|帮忙|能不能|能否|可不可以|可以|请|麻烦你?|你|能|把|将|一下)*\s*$")
#: "这张截图", "照片发你了": a part that only points at the picture sent, or says it was sent
_POINTER_CLAUSE_ZH = re.compile(rf"^(?:(?:这|那)[两俩三]?[张个幅]?[^\s，,的]{{0,4}}?{_PICTURE_ZH}"
                                rf"|(?:{_PICTURE_ZH}|图)?(?:我)?(?:已经|刚)?(?:发你了|发给你了|发了|给你了|上传了|传了)"
                                # "小宝的照片", "爸爸钓鱼的照片", "这是我们的全家福": whose picture was sent
                                rf"|[^\s，,。]{{1,8}}的(?:照片|图片|相片|图|合照|全家福|自拍|证件照)"
                                r"|(?:这|那)(?:是|就是)[^，,。]{1,12}"
                                # "帮我p一下这张图", "处理一下这张照片": "edit the picture", before the change
                                rf"|(?:帮我|给我|请|麻烦)?(?:[pP]|修|处理|弄|改|编辑)一下(?:这|那)?[张个幅]?(?:{_PICTURE_ZH})?)$")
#: what is wrong with the picture now, said before the change asked for: "太暗了看不清脸", "这张图不错",
#: "就是天空有点灰", "too dark", "the sky looks fake lol" (a clause with a change verb, or none of these
#: words, is no complaint)
_COMPLAINT_LEAD_ZH = re.compile(r"太|有点|有些|不错|难看|好丑|嫌|看不清|不清楚|不够|模糊|糊了")
_COMPLAINT_LEAD_EN = re.compile(r"(?<![a-z'])(?:too|looks?|is|are|was|kinda|so|way)(?![a-z'])", re.I)
_PICTURE_ARROW = re.compile(r"\s*(?:->|→|=>)\s*")


#: what starts the motion asked of a picture: "make the river flow", "animate him", "让它摇尾巴"
_MOTION_EN = re.compile(r"(?<![a-z'])(?:make|animate|turn|bring|let|have|get)(?![a-z'])", re.I)
_MOTION_ZH = re.compile(r"让|做成|变成|转成|生成|动起来")


def from_the_change(text: str, motion: bool = False) -> str:
    """"this photo of my dog, make him wear a party hat" → "make him wear a party hat", "这张自拍帮我加个墨镜"
    → "加个墨镜": the parts before the change that only point at the picture (or say what it is for) go.
    ``motion``: the change is a motion ("my cat photo -> make it a video where he yawns", "这张照片让…")."""
    verb_en, verb_zh = (_MOTION_EN, _MOTION_ZH) if motion else (_CHANGE_EN, _CHANGE_ZH)
    if (lead := _POINTER_LEAD_EN.match(text)) and lead.end() < len(text):
        return text[lead.end():]  # "in this pic please remove …", "take this logo and make it gold"
    parts = CLAUSE_SPLIT.split(_PICTURE_ARROW.sub(", ", text))
    start = 0
    complaint = ""
    for i in range(0, min(len(parts), 8), 2):  # bounded: the first few parts only
        clause = parts[i].strip()
        if verb_en.search(clause) or verb_zh.search(clause):
            break
        if not clause or not (_POINTER_CLAUSE_EN.match(clause) or _POINTER_CLAUSE_ZH.match(clause)):
            if motion or not _complaint_lead(clause):
                return text
            complaint = clause
        start = i + 2
    else:
        return text
    if start >= len(parts):
        return text
    rest = "".join(parts[start:])
    lead = _POINTER_LEAD_EN.match(rest)
    if lead:
        return rest[lead.end():]
    verb = verb_zh.search(rest)
    if verb and _POINTER_LEAD_ZH.match(rest[:verb.start()]) and not (motion and re.match(r"\s*[把将]", rest)):
        return rest[verb.start():]
    if complaint and (named := _COMPLAINED_OF_ZH.match(complaint)) and _BARE_CHANGE_ZH.match(rest):
        # "背景太乱，换成湖边日落" → "背景换成湖边日落": what is changed
        return named.group("x") + ZH_POLITE_LEAD.sub("", rest.lstrip())
    return rest if start else text


# "背景太乱", "这张海报上的二维码太小了": the part of the picture complained of (not the picture itself)
_COMPLAINED_OF_ZH = re.compile(rf"^(?:(?:这|那)[张个幅]?[^，,的]{{0,6}}的"
                               rf"|(?:这|那)[张个幅]?{_PICTURE_ZH}(?:里|上|中)?)?(?!{_PICTURE_ZH}|这|那)"
                               r"(?P<x>[\u3400-\u9fffA-Za-z]{1,6}?)\s*(?:太|有点|有些|不够)")
# "换成湖边日落", "调亮一点", "都P掉": a change said without what it changes
_BARE_CHANGE_ZH = re.compile(r"(?:帮我|给我|请|麻烦)?(?:都|也|再|全)?"
                             r"(?:换成|换|改成|改|调|放大|缩小|挪|移|去掉|删|[pP]掉|变|虚化|模糊|提亮|修|美化|抠)")


def _complaint_lead(clause: str) -> bool:
    """A clause before the change that says what is wrong with the picture, or what is fine with it."""
    if re.search(r"[\u3400-\u9fff]", clause):
        return bool(_COMPLAINT_LEAD_ZH.search(clause))
    return bool(_COMPLAINT_LEAD_EN.search(clause)) and len(clause.split()) <= 8


# "…, its too dark", "…，太模糊了": what is wrong with the picture now, said after the change asked for
_COMPLAINT = re.compile(
    r"^(?:(?:it|this|that|the\s+(?:photo|pic|picture|image))(?:['’]s|\s+is|\s+looks|\s+was|s)?\s+)?"
    r"(?:way\s+|just\s+)?(?:too|so|kinda|kind\s+of|a\s+bit|really|super|very)\s+[a-z-]+$"
    r"|^(?:现在|目前|原来|本来|原图)?(?:这张|照片|图片|图)?(?:有点|太|好|真|特别|实在)(?:太)?"
    r"[\u3400-\u9fff]{1,4}了?$", re.I)


def _drop_complaints(text: str) -> str:
    parts = CLAUSE_SPLIT.split(text)
    if len(parts) < 3:
        return text
    kept = [parts[0], parts[1]]
    for i in range(2, min(len(parts), 16), 2):
        clause, separator = parts[i], parts[i + 1] if i + 1 < len(parts) else ""
        if not _COMPLAINT.match(clause.strip()):
            kept.append(clause + separator)
    return "".join(kept) + "".join(parts[16:])


#: "这张图的logo位置太靠下了，", "这张照片里的路人太多了，": the part of the picture the user points at and
#: complains about, just before the change
_PART_COMPLAINED_ZH = re.compile(rf"(?:^|[，,。！!？?\s])(?:这|那)[张幅个]\s*{_PICTURE_ZH}?\s*"
                                 r"(?:里|上|中)?的\s*"
                                 r"(?P<part>[^，,。\s的]{1,6}?)(?:的)?(?:位置|颜色|大小|尺寸)?"
                                 r"(?:有点|太|好|真|特别|实在|过于)[^，,。！!？?\s]{1,4}?了?[\s，,。！!]*"
                                 r"(?:帮我|给我|请|麻烦)?\s*$")


def part_complained_of(whole: str, change: str) -> str:
    """"这张照片里的路人太多了，帮我都P掉" → "路人都P掉": a change that names no part is made to the part of
    the picture pointed at in the complaint said just before it (the gate set that clause aside as talk;
    "人物表情太僵硬了，改成自然微笑" points at no picture, and stays as it is)."""
    if not _BARE_CHANGE_ZH.match(change) or (at := whole.find(change[:4])) <= 0:
        return change
    m = _PART_COMPLAINED_ZH.search(whole, 0, at)
    return m.group("part") + ZH_POLITE_LEAD.sub("", change) if m else change


# "give this headshot a grey studio background": what the picture is given is the change
GIVE_PICTURE = re.compile(rf"^give\s+(?:(?:this|the|my|that)\s+(?:[\w'-]+\s+){{0,2}}?{_PICTURE_WORD_EN}"
                          r"|it|this)\s+(?=(?:an?|some|more)\s)", re.I)


def edit_prompt(text: str) -> str:
    """An edit of the attached picture: the change asked for, as said ("make this look like a studio ghibli
    scene", "改成吉卜力画风"), without "edit:", counts or "把这张图"."""
    text = OPTION_ONLY_EDIT.sub("", EDIT_LABEL.sub("", text.strip()))
    text = drop_filler_clauses(text, (*FILLER_LISTS, "instruction_words"))
    text = from_the_change(_trim_separators(text).strip())
    text = GIVE_PICTURE.sub("", ZH_POLITE_LEAD.sub("", _polite_lead().sub("", text, count=1)), count=1)
    text = _drop_complaints(text)
    text = EDIT_SOURCE_ZH.sub("", _trim_separators(text).strip(), count=1)
    text = EDIT_THIS_PICTURE_ZH.sub("", text, count=1)
    text = without_edit_purpose(without_picture_pointer(text))
    text = ZH_RAISED_TO.sub("", strip_trailing(_trim_separators(text)).strip())
    text = ZH_ALSO_LEAD.sub("", text, count=1)  # "…放大到4k，顺便去掉水印" once the first part went
    return text if residue(text, *FILLER_LISTS, "instruction_words") else ""


# ── clauses the gate set aside that still describe ("…，一个女孩在雨中撑伞回头") ──
#: a statement about the user, the bot or the occasion: a pronoun or possessive subject with a finite verb
_OWN_STATEMENT_EN = re.compile(
    r"(?<![a-z'’])(?:is|are|am|was|were|i['’]m|im|we['’]re|it['’]s|its|that['’]s|thats|there['’]s|"
    r"you['’]re|ur|have|has|had|will|gonna|wanna|need|needs|want|wants|hope|think|love|loves|like|likes|"
    r"asked|told|said|getting|doing|going|planning|trying|testing|later)(?![a-z'’])"
    r"|^(?:and\s+|but\s+|so\s+)?(?:i|we|you|u)(?:['’](?:ll|d|ve|m|re))?\s", re.I)
#: what a Chinese statement about the user ends or turns on: done (了/过), not (没/不是/别), its own verb
_OWN_STATEMENT_ZH = re.compile(r"[了过啦咯]$|没|不是|别"
                               r"|我[^的在]{0,3}(?:是|觉得|想|要|会|刚|今年|已经|打算|准备)")
_ASIDE_KINDS = ("social", "talk", "question")
#: not asked now: the past, a plan, a hypothesis ("i was gonna make a video", "we'd make one someday")
_NOT_ASKED_NOW = re.compile(r"(?<![a-z'’])(?:was|were|did|had|been|gonna|going|will|would|should|could|might|"
                            r"later|tomorrow|next|someday|maybe|if|when|never|not|don't|dont|didn't|"
                            r"[a-z]+['’](?:ll|d))(?![a-z'’])", re.I)
#: "we need a poster", "i want a short clip": a need for something made, up to its head noun
_WANTS_MADE = re.compile(rf"^(?:so\s+|and\s+)?{_WE_EN}{_WANT_EN}\s+(?:an?|some|one|two|three|\d+)\s+"
                         r"(?:[\w'’-]+\s+){0,4}?[\w'’-]+(?=\s|,|$)", re.I)
#: a polite question asks now ("could you make …?"); the past, a plan or a condition does not
_NOT_ASKED_YET = re.compile(r"(?<![a-z'’])(?:was|were|did|had|been|gonna|going|should|might|later|tomorrow|"
                            r"next|someday|maybe|if|when|never|not|don't|dont|didn't|ever)(?![a-z'’])", re.I)


def _names_the_media(rest: str) -> bool:
    """"a birthday song for my sister": the thing asked for names its media within its first words."""
    words = rest.rstrip(" ?？!！.").split()[:5]
    return any(_media_end().search(" ".join(words[:k])) for k in range(2, len(words) + 1))


_TAG_ASKED = re.compile(r"\s*(?:ok|okay|好吗|可以吗|行吗|行不行|ok吗|可以不)\s*[?？]*$", re.I)


#: a wish against something in the thing made, said after the description ("…, don't add any text")
NEGATIVE_WISH = re.compile(r"^(?:(?:but|and|also|just|please|pls)\s+)*(?:don['’]?t|do\s+not|never)\s+"
                           r"(?:make|add|put|include|use|show|draw|give|let|have|want)(?![a-z])", re.I)


# "quick q - can u do a logo …", "ok so: could you …": a few words set off before the polite ask
_SHORT_LEAD = re.compile(r"^[^,:;.!?\-—–]{1,20}?\s+[-—–:]+\s+(?=\S)")


#: what the person it is for loves, said after the request: "…, she loves kpop", "…, he's really into jazz"
_THEIR_TASTE = re.compile(r"^(?:and\s+|but\s+)?(?:she|he|they)(?:['’]s|['’]re|\s+is|\s+are)?\s+"
                          r"(?:really\s+|totally\s+|super\s+|so\s+)?(?:loves?|likes?|adores?|into|obsessed\s+with|(?:a\s+)?(?:huge\s+|big\s+)?"
                          r"fans?\s+of)\s+"
                          # (not "she likes the last one", "he likes it simple": what was made, judged)
                          r"(?!(?:it|that|this|them|these|those|you|u|ur|your"
                          r"|the\s+(?:last|first|other|old|new|previous))(?![a-z]))(?=\S)", re.I)
#: "I was wondering if …", "just wondering whether …": a polite way to open a question that asks now
_WONDER_EN = re.compile(r"^(?:(?:i|we)\s+)?(?:(?:was|were|am|['’]m)\s+)?(?:just\s+)?wonder(?:ing)?\s+"
                        r"(?:if|whether)\s+(?=\S)", re.I)
#: an ask that ends in a making verb ("can you make", "could you paint me"): what follows it is what is made
_MAKING_ASK_EN = re.compile(r"(?<![a-z])(?:make|draw|paint|sketch|create|generate|design|render|illustrate|"
                            r"animate|film|compose|gen)\s+(?:me\s+|us\s+)?$", re.I)
_SOMETHING = re.compile(r"(?:an?|some)\s+\S", re.I)


def describes(clause: str, why: str, begun: bool = True) -> bool:
    """A clause the gate set aside as talk, a reaction or a question, said once the request has begun,
    that goes on describing what to make: "…, cute", "…, epic" (a reaction word as a style),
    "…，一个女孩在雨中撑伞回头", "…：我在厨房炸锅的瞬间", "…，我们的新歌叫《晚风》",
    "…，要有“买一送一”几个大字", "…，复古一点ok吗". Thanks, greetings, "just testing", "lol",
    delivery ("ping me when it's done"), what it is for ("it's for my instagram", "我女儿学校要用的")
    and statements about the user ("我今年六十八了", "we're doing a halloween event") do not. Before the
    request has ``begun``, only a need for something made is read back ("my mom is retiring, we need a
    card, …")."""
    if why not in _ASIDE_KINDS:
        return False
    said = _TAG_ASKED.sub("", _trim_separators(clause).strip())
    if why == "talk" and (want := _WANTS_MADE.match(said)) and _media_end().search(said[:want.end()]):
        return True  # "for the school fair, we need a poster": the request, said as a need
    zh = re.search(r"[\u3400-\u9fff]", said) is not None
    if why == "talk" and not zh and not _NOT_ASKED_NOW.search(said) and (
            (rest := drop_lead_in(said)) != said and _media_end().search(" ".join(rest.split()[:4]))):
        return True  # "honestly just make a chill beat": the request, after an adverb the gate took for talk
    asked = _WONDER_EN.sub("", said, count=1) if not zh else said  # "I was wondering if you could …"
    if (why in ("question", "social") or asked != said) and not zh and not _NOT_ASKED_YET.search(asked) and (
            (rest := drop_lead_in(short := _SHORT_LEAD.sub("", asked, count=1))) != asked
            and (_names_the_media(rest) or (_MAKING_ASK_EN.search(short[:len(short) - len(rest)])
                                            and _SOMETHING.match(rest)))):
        # "hey bot could you do a logo for my brother's band?", "any chance you could whip up a birthday song
        # for my sister?", "can you make a menu background for our shop, …": the request asked politely,
        # before what else is said about it
        return True
    if why == "question" and not zh and LOOKS_LIKE.match(said.rstrip("?？ ")):
        return True  # "what would a mcdonalds look like in ancient rome? show me a pic": what to show
    if not begun:  # before the request, only the request itself: the rest is the story around it
        return False
    if not said or said.endswith(("?", "？", "吗", "呢")):
        return False
    if not residue(said, "thanks", "greetings", "bot_words", "interjections", "prompt_filler",
                   "command_filler", "trailing"):
        return False
    if not zh and NEGATIVE_WISH.match(said):
        return True  # "…, do not make it too cartoony", "…, don't add any text": what it must not have
    if not zh and _THEIR_TASTE.match(said):
        return True  # "a song for my dad's 60th, he loves fishing and country music": the taste it is made to
    if (why == "question" and not zh) or _aside().search(said):
        return False
    if not zh and why == "talk" and WANT_IT.match(said) and len(said.split()) <= 12:
        return True  # "…, I want it dark and moody": the style, said as a wish
    if zh:  # "测试一下", "太好看了" react; they describe nothing
        return not _OWN_STATEMENT_ZH.search(said) and (why != "social" or residue(said, "reactions"))
    if why == "social":  # an English reaction word said after the description is its style: "…, epic"
        return len(said.split()) <= 2
    return not _OWN_STATEMENT_EN.search(said) and not _TALK_VERB_EN.search(said)
