"""What a chat message asks for, in Chinese or English: one deterministic parser for every adapter.

Public entry point: :func:`parse` (text, attachments, catalogues → :class:`Intent`). Slash
commands pass their typed options and task type through the same function, so both paths share
every rule below.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .catalogue import Catalogue
from .i18n import detect_language
from .kinds import IntentKind
from .media import MEDIA_OF_CATEGORY
from .numbers import EN_COUNT, EN_NUMERAL, ZH_NUMERAL, parse_number
from .selection import find_mention, mentions_any_model


@dataclass
class Intent:
    kind: IntentKind
    language: str
    task_type: str | None = None
    prompt: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    n: int | None = None
    model_key: str | None = None  # a model this message names, resolved against the live catalogue
    model_hint: str | None = None  # a model named that the category's catalogue does not have (model_id)
    model_mode: str | None = None  # "this_time" | "always"
    strategy: str | None = None  # "cheapest" | "best"
    media: str | None = None  # image | video | music, when the message says so
    images: int = 0
    problem: str | None = None  # need_image | need_two_images


# ── vocabulary ───────────────────────────────────────────────────────────────────────────────
_W = r"(?<![a-z0-9])"
_E = r"(?![a-z0-9])"

MUSIC_WORDS = re.compile(
    rf"音乐|歌曲|歌词|一首|首歌|写歌|唱|配乐|伴奏|背景乐|曲子|旋律|纯音乐|{_W}(bgm|song|songs|music|track|tune|jingle|melody|"
    rf"soundtrack|lyrics|beat|instrumental|lo-?fi|ballad|anthem|rap|hip-?hop|edm){_E}", re.I)
VIDEO_WORDS = re.compile(
    rf"视频|动画|短片|影片|片段|镜头|动起来|动态|运镜|航拍|首尾帧|首帧|尾帧|{_W}(video|videos|animate|animated|animation|clip|film|"
    rf"movie|footage|timelapse|time-lapse|cinematic|drone shot|make it move|fpv|vid){_E}", re.I)
IMAGE_WORDS = re.compile(
    rf"画|图|照片|相片|壁纸|头像|海报|插画|插图|素描|油画|水彩|表情包|logo|{_W}(draw|drawing|image|images|picture|pictures|pic|"
    rf"photo|photos|illustration|painting|paint|wallpaper|avatar|poster|sketch|render|artwork|portrait|icon|sticker){_E}", re.I)
EDIT_WORDS = re.compile(
    rf"改成|变成|换成|改为|修改|编辑|p成|处理成|把这|这张|把图|{_W}(edit|make it|turn (it|this|her|him|them) into|turn into|change|"
    rf"convert|restyle|transform|remove|replace|add){_E}", re.I)
FIRST_LAST_WORDS = re.compile(rf"首尾帧|首帧|尾帧|第一帧|最后一帧|{_W}(first (and|&) last|first frame|last frame|from (this|the first) .* to){_E}", re.I)
REFERENCE_WORDS = re.compile(rf"参考|参照|{_W}(reference|ref image|in the style of this|based on this character){_E}", re.I)

SIZE = re.compile(rf"{_W}(512\s*px|1\s*k|2\s*k|4\s*k|8\s*k|16\s*k){_E}", re.I)
RESOLUTION = re.compile(rf"{_W}(360|480|540|720|768|1080|1440|2160)\s*p{_E}", re.I)
ASPECT = re.compile(r"(?<![\d:])(\d{1,2})\s*[:：比]\s*(\d{1,2})(?![\d:])")
ASPECT_WORDS = [
    (re.compile(rf"竖屏|竖版|竖图|{_W}(vertical|portrait mode|for tiktok|for reels|phone wallpaper){_E}", re.I), "9:16"),
    (re.compile(rf"横屏|横版|宽屏|{_W}(widescreen|horizontal|landscape mode){_E}", re.I), "16:9"),
    (re.compile(rf"方形|正方形|方图|{_W}(square){_E}", re.I), "1:1"),
]
DURATION = re.compile(
    rf"(?:(\d+(?:\.\d+)?)\s*-?\s*|({ZH_NUMERAL})\s*|{_W}({EN_NUMERAL})[\s-]+)"
    rf"((?:s|sec|secs|second|seconds|min|mins|minute|minutes){_E}|秒钟|秒|分钟)",
    re.I)
COUNT = re.compile(
    rf"((?<![\d.])\d+|{ZH_NUMERAL}|{_W}(?:{EN_COUNT}))\s*(张|幅|首|段|条|份|个版本|个视频|个图|个方案|款|个(?=不同|不一样|logo|头像|海报|壁纸)|"
    rf"(?:different\s+|separate\s+)?(?:images|pictures|pics|photos|versions|variations|options|videos|clips|songs|tracks|"
    rf"image|picture|photo|version|variation|video|clip|song|track)){_E}", re.I)
COUNT_X = re.compile(rf"(?:[x×]\s*(\d)|n\s*=\s*(\d)){_E}", re.I)
AUDIO_ON = re.compile(
    rf"带声音|有声音|带音效|有音效|配音|带音频|有音频|加声音|加音效|声音开|同步音频|{_W}(with (sound|audio|sound effects|sfx|voice ?over)|"
    rf"sound on|audio on|generate audio|and sound|with native audio){_E}", re.I)
AUDIO_OFF = re.compile(rf"无声|静音|不要声音|没有声音|{_W}(no sound|no audio|silent|without (sound|audio)|muted?){_E}", re.I)
MODE_PRO = re.compile(rf"专业模式|高品质模式|{_W}(pro mode|professional mode){_E}", re.I)
MODE_STD = re.compile(rf"标准模式|{_W}(std mode|standard mode){_E}", re.I)
VOCAL = [
    (re.compile(rf"男女合唱|对唱|{_W}(duet|mixed vocals?){_E}", re.I), "mixed"),
    (re.compile(rf"女声|女生唱|女歌手|{_W}(female (vocals?|voice|singer))", re.I), "female"),
    (re.compile(rf"男声|男生唱|男歌手|{_W}(male (vocals?|voice|singer))", re.I), "male"),
]
LYRICS = re.compile(r"(?:歌词|lyrics)\s*[:：]\s*(.+)$", re.I | re.S)
QUOTED_LYRICS = re.compile(r"(?:歌词|lyrics)[^\"“「]{0,12}[\"“「]([^\"”」]+)[\"”」]", re.I)

ALWAYS = re.compile(rf"以后[^，。,\s用]{{1,8}}?都用|以后都用|以后都|以后用|默认用|默认使用|一直用|总是用|设为默认|作为默认|{_W}(always use|always go with|from now on(,)?( use)?|"
                    rf"default to|set (my )?default( model)?( to)?|by default|as (my )?default( model)?|make (it|that) my default){_E}", re.I)
USE = re.compile(rf"(?:用|使用|换成|改用|换用|试试){{1}}|{_W}(use|using|with|via|try)\s+", re.I)
_MODEL_TAIL = r"(?:的)?(?:视频|图片|图|音乐)?(?:模型)?"
CHEAPEST = re.compile(rf"(?:用|使用)?(?:最便宜|便宜点|便宜的|省钱|最省){_MODEL_TAIL}|{_W}((use|using|with) )?(the )?(cheapest|cheaper|cheap|budget|lowest cost|least expensive)"
                      rf"( (video|image|music))?( model| option)?( to)?{_E}", re.I)
BEST = re.compile(rf"(?:用|使用)?(?:最好的|最好|最高质量|最强|质量最高|高质量|最贵){_MODEL_TAIL}|{_W}((use|using|with) )?(the )?(best|best quality|"
                  rf"highest quality|top quality|premium)( (video|image|music))?( model)?( to)?{_E}", re.I)
BEST_STRONG = re.compile(rf"(?:用|使用)?(?:最高质量|质量最高|最好的模型|最强的模型|最高画质){_MODEL_TAIL}|{_W}((use|using|with) )?(the )?"
                         rf"(best|highest|top)[- ](quality|model)( (video|image|music))?( model)?( to)?{_E}", re.I)
RESET = re.compile(rf"恢复默认|清除(我的)?偏好|重置(偏好|模型)?|取消默认|{_W}(reset( my)?( preferences?| model| defaults?)?|"
                   rf"clear (my )?preferences?|forget my (preferences?|model)){_E}", re.I)
TRY_ANOTHER = re.compile(rf"^(换一个|换个模型|换一个模型|换个|再换一个|换别的)\W*$|{_W}(try another( model)?|another model|"
                         rf"different model|try a different model|switch models?){_E}", re.I)
SHOW_PREFS = re.compile(r"^(我的偏好|查看偏好|我的设置|我的默认模型)\W*$|^(my (preferences|prefs|settings|defaults?)|"
                        r"show (my )?(preferences|prefs))\W*$", re.I)
HELP = re.compile(r"^(help|\?|帮助|怎么用|使用说明|你能做什么|what can you do\??|commands|hi|hello|你好|嗨)\W*$", re.I)
CANCEL = re.compile(r"^(cancel|stop|取消|停止|别做了|不要了)( it| that| all| generation| 生成| 任务)?\W*$", re.I)
MODELS = re.compile(r"^(models|list models|有哪些模型|模型列表|price list|价格|prices|所有模型)\W*$", re.I)
MODELS_QUESTION = re.compile(r"(what|which) models|list (of )?models|有(哪些|什么)模型|都有什么模型|how much (does|do|is|are)|"
                             r"多少积分|要多少钱|价格表|价目表|怎么收费|price of", re.I)
AGAIN_WITH = re.compile(r"再试一次|再试试|重新生成|重做|try (it )?again|retry|redo|do it again", re.I)
AGAIN = re.compile(r"^(再来一个|再来一张|再画一张|再来一次|再来一首|再生成一次|再做一个|again|one more|another one|do it again|"
                   r"once more|same again|more like this)\W*$", re.I)
CHEAPER_AGAIN = re.compile(r"^((make it|something|a) cheaper|cheaper (one|option|model|please)|便宜点的?|便宜一点的?|有没有便宜的)\W*$", re.I)
USAGE = re.compile(r"^(usage|my usage|用量|我的用量|花了多少|credits used)\W*$", re.I)
FORGET = re.compile(r"^(删除我的数据|忘记我|forget me|delete my data)\W*$", re.I)
YES = re.compile(r"^(yes|y|yeah|yep|ok|okay|sure|go|go ahead|do it|confirm|是|是的|好|好的|确认|可以|行|要|嗯|用吧|确定)\W*$", re.I)
NO = re.compile(r"^(no|n|nope|nah|cancel it|don't|否|不|不要|不用|算了|取消吧)\W*$", re.I)

MENTION_TOKENS = re.compile(r"<@!?&?\d+>|@_user_\d+|@_all|<at[^>]*>.*?</at>|@here|@everyone")
ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
LEADING_FILLER_ZH = re.compile(
    r"^(?:(?:请|麻烦|帮我|给我|替我|帮忙|我想要?|我要|能不能|可以|来|再)\s*)*"
    r"(?:(?:画|生成|做|制作|创作|写|来)\s*(?:一?[张幅个首段条]|一下|个)?\s*)?")
LEADING_FILLER_EN = re.compile(
    r"^(?:(?:please|pls|plz|can you|could you|would you|can u|could u|i want|i'd like|i need|hey|ok|now|bot)[\s,]+)*"
    r"(?:(?:draw|generate|create|make|render|paint|produce|compose|write|animate|film|show me|give me)\s+(?:me\s+)?"
    r"(?:(?:(?:an?|the|some)\s+)?(?:image|picture|photo|video|clip|song|track|music|piece of music|illustration|painting|"
    r"variation|version)s?\s+"
    r"(?:of|about|with|for|showing)?\s*)?)?",
    re.I)
SEPARATORS = re.compile(r"^[\s,，。.;；:：!！、\-—]+|[\s,，。;；:：、\-—]+$")


def clean(text: str) -> str:
    text = ZERO_WIDTH.sub("", MENTION_TOKENS.sub(" ", text or ""))
    return re.sub(r"[ \t]+", " ", text).strip()


def _cut(text: str, span: tuple[int, int]) -> str:
    return text[: span[0]] + " " + text[span[1]:]


STRONG_MUSIC = re.compile(rf"配乐|背景音乐|背景乐|伴奏|{_W}(bgm|soundtrack|jingle|background music){_E}", re.I)
STRONG_VIDEO = re.compile(rf"视频|动画|短片|动起来|首尾帧|{_W}(video|videos|animate|animated|animation|clip|vid|make it move){_E}", re.I)
IMAGE_VERB_FIRST = re.compile(rf"^\W*+(?:(?:please|pls|can you|could you|帮我|请|给我)\W*+)*+(?:画|{_W}(draw|paint|sketch|illustrate){_E})",
                              re.I)  # possessive: no backtracking on "please please please …"


def detect_media(text: str, images: int = 0) -> str | None:
    """image | video | music from the words used; strong words first, styles ("cinematic") last."""
    if STRONG_MUSIC.search(text) and not re.search(r"music video|音乐视频|mv", text, re.I):
        return "music"
    if STRONG_VIDEO.search(text):
        return "video"
    if IMAGE_VERB_FIRST.search(text):
        return "image"
    if MUSIC_WORDS.search(text):
        return "music"
    if images and EDIT_WORDS.search(text):
        return "image"
    if VIDEO_WORDS.search(text) and not IMAGE_WORDS.search(text):
        return "video"
    if IMAGE_WORDS.search(text):
        return "image"
    if VIDEO_WORDS.search(text):
        return "video"
    return None


def task_type_for(media: str | None, text: str, images: int) -> tuple[str, str | None]:
    """(task type, problem) from the media asked for, the words used and how many pictures came with it."""
    if media == "music":
        return "text_to_music", None
    if media == "video":
        first_last = bool(FIRST_LAST_WORDS.search(text))
        if REFERENCE_WORDS.search(text) and images >= 1 and not first_last:
            return "reference_image_to_video", None
        if images >= 2:
            return "first_last_frame_to_video", None
        if first_last:
            return "first_last_frame_to_video", "need_two_images"
        if images == 1:
            return "image_to_video", None
        if REFERENCE_WORDS.search(text) and re.search(r"这张|this (image|picture|photo)|参考图", text, re.I):
            return "reference_image_to_video", "need_image"
        return "text_to_video", None
    if images >= 1:
        return "image_to_image", None
    if EDIT_WORDS.search(text) and re.search(r"这张|这个图|这幅|图片里|照片里|this (image|picture|photo|pic)|my (photo|picture)", text, re.I):
        return "image_to_image", "need_image"
    return "text_to_image", None


def parse(text: str, images: int = 0, catalogues: Mapping[str, Catalogue] | None = None, *,
          task_type: str | None = None, options: Mapping[str, Any] | None = None, language: str | None = None) -> Intent:
    """Turn a message into an :class:`Intent`.

    ``images`` is how many pictures came with the message; ``catalogues`` (category → live
    catalogue) lets model names be recognised; ``task_type`` and ``options`` come from slash
    commands and win over what the text says.
    """
    raw = clean(text)
    lang = language or detect_language(raw)
    intent = Intent(IntentKind.GENERATE, lang, images=images)
    K = IntentKind
    for pattern, kind in ((HELP, K.HELP), (CANCEL, K.CANCEL), (MODELS, K.LIST_MODELS), (USAGE, K.USAGE),
                          (FORGET, K.FORGET_ME), (SHOW_PREFS, K.SHOW_PREFERENCES), (YES, K.YES), (NO, K.NO),
                          (AGAIN, K.AGAIN), (CHEAPER_AGAIN, K.TRY_ANOTHER)):
        if pattern.match(raw) and not (task_type or images):
            intent.kind = kind
            return intent
    if MODELS_QUESTION.search(raw) and not (task_type or images) and len(raw) < 80:
        intent.kind = IntentKind.LIST_MODELS
        intent.media = detect_media(raw) if STRONG_VIDEO.search(raw) or STRONG_MUSIC.search(raw) or IMAGE_WORDS.search(raw) else None
        return intent
    if not raw and not images and not task_type:
        intent.kind = IntentKind.HELP
        return intent

    work = raw
    # lyrics first: they are the user's words and must not be mined for options
    lyrics = None
    m = LYRICS.search(work) or QUOTED_LYRICS.search(work)
    if m:
        lyrics = m.group(1).strip().strip("\"“”「」'")
        work = work[: m.start()] + work[m.end():]

    media = MEDIA_OF_CATEGORY.get(task_type or "")
    media = media or detect_media(work, images) or ("music" if lyrics else None)
    media_stated = media is not None

    always = ALWAYS.search(work)
    if always:
        intent.model_mode = "always"
        work = _cut(work, always.span())
    work, mention_text = _take_mention(work, catalogues)

    if RESET.search(work) and not _looks_like_prompt(work, RESET):
        intent.kind = IntentKind.RESET_PREFERENCE
        return intent
    if TRY_ANOTHER.search(work) and not _looks_like_prompt(work, TRY_ANOTHER):
        intent.kind = IntentKind.TRY_ANOTHER
        return intent

    opts: dict[str, Any] = {}
    # durations before sizes/counts so "15 seconds" is not read as anything else
    m = DURATION.search(work)
    if m:
        value = parse_number((m.group(1) or m.group(2) or m.group(3)).replace(" ", ""))
        if value is not None:
            unit = m.group(4).lower()
            opts["duration"] = value * 60 if unit.startswith(("min", "分")) else value
            work = _cut(work, m.span())
    m = RESOLUTION.search(work)
    if m:
        opts["resolution"] = f"{m.group(1)}P"
        work = _cut(work, m.span())
    m = SIZE.search(work)
    if m:
        size = re.sub(r"\s+", "", m.group(1)).upper().replace("PX", "px")
        if media == "video":
            opts.setdefault("resolution", size)
        else:
            opts["size"] = size
        work = _cut(work, m.span())
    m = ASPECT.search(work)
    if m and 0 < int(m.group(1)) <= 32 and 0 < int(m.group(2)) <= 32:
        opts["aspect_ratio"] = f"{int(m.group(1))}:{int(m.group(2))}"
        work = _cut(work, m.span())
    else:
        for pattern, ratio in ASPECT_WORDS:
            m = pattern.search(work)
            if m:
                opts["aspect_ratio"] = ratio
                work = _cut(work, m.span())
                break
    m = AUDIO_OFF.search(work)
    if m:
        opts["generate_audio"] = False
        work = _cut(work, m.span())
    else:
        m = AUDIO_ON.search(work)
        if m:
            opts["generate_audio"] = True
            work = _cut(work, m.span())
    for pattern, mode in ((MODE_PRO, "pro"), (MODE_STD, "std")):
        m = pattern.search(work)
        if m:
            opts["mode"] = mode
            work = _cut(work, m.span())
    if media == "music" or lyrics:
        for pattern, gender in VOCAL:
            m = pattern.search(work)
            if m:
                opts["vocal_gender"] = gender
                opts["custom_mode"] = True
                work = _cut(work, m.span())
                break
        if lyrics:
            opts["lyrics"] = lyrics
            opts["custom_mode"] = True
    m = COUNT.search(work)
    if m and images and re.search(r"(这|那|these|those|the|my|both)\s*$", work[: m.start()], re.I):
        m = None  # "these two images", "这两张图": the pictures that came with the message
    if m:
        n = parse_number(m.group(1))
        if n:
            intent.n = n
            noun = m.group(2)
            # drop the count, keep an English noun so "draw 3 images of a cat" still reads as a request
            kept = noun if re.match(r"[a-z]", noun, re.I) else ""
            work = work[: m.start()] + " " + kept + work[m.end():]
    else:
        m = COUNT_X.search(work)
        if m:
            intent.n = int(m.group(1) or m.group(2))
            work = _cut(work, m.span())

    if media is None and (images or opts.get("duration") or opts.get("generate_audio") is not None):
        media = "video" if (opts.get("duration") or opts.get("generate_audio") is not None or images >= 2) else "image"
    if task_type is None:
        task_type, intent.problem = task_type_for(media or "image", raw, images)
    intent.task_type = task_type
    intent.media = media or MEDIA_OF_CATEGORY.get(task_type, "image")

    # strategy and model words
    m = CHEAPEST.search(work)
    if m:
        intent.strategy = "cheapest"
        work = _cut(work, m.span())
    else:
        m = BEST_STRONG.search(work) or BEST.search(work)
        if m and (m.re is BEST_STRONG or always or re.search(r"用|use|with|model|模型", work, re.I)
                  or len(_prompt_of(_cut(work, m.span()))) == 0):
            intent.strategy = "best"
            work = _cut(work, m.span())
    catalogue = (catalogues or {}).get(task_type)
    if mention_text:
        mention = find_mention(mention_text, catalogue) if catalogue is not None else None
        if mention is not None:
            intent.model_key = mention.model.key
        else:
            hint = mentions_any_model(mention_text)
            intent.model_hint = hint[0] if hint else mention_text
        intent.model_mode = intent.model_mode or "this_time"
    for key, value in (options or {}).items():
        if value not in (None, ""):
            if key == "n":
                intent.n = int(value)
            elif key in ("model", "video_kind"):
                continue
            else:
                opts[key] = value
    intent.options = opts
    intent.prompt = _prompt_of(work)
    if mention_text and not images and AGAIN_WITH.search(raw) and len(_prompt_of(AGAIN_WITH.sub(" ", work))) <= 2:
        intent.kind, intent.prompt = IntentKind.AGAIN, ""  # "换成海螺再试一次": the last request again, with that model
        return intent
    if intent.model_mode == "always" and not intent.prompt:
        intent.kind = IntentKind.SET_PREFERENCE
        if not media_stated and not images:
            intent.task_type, intent.media = None, None
    return intent


_USE_BEFORE = re.compile(r"(?:用|使用|换成|改用|换用|试试|(?<![a-z])(?:use|using|with|via|try|on))\s*$", re.I)
_MODEL_AFTER = re.compile(r"\s*(?:模型|model)?", re.I)


def _take_mention(work: str, catalogues: Mapping[str, Catalogue] | None) -> tuple[str, str | None]:
    """Cut a model name (and its "use"/"用") out of the text, before numbers in it are read as options."""
    best: tuple[int, int, int] | None = None
    for catalogue in (catalogues or {}).values():
        mention = find_mention(work, catalogue)
        if mention is not None and (best is None or mention.end - mention.start > best[0]):
            best = (mention.end - mention.start, mention.start, mention.end)
    if best is None:
        hint = mentions_any_model(work)
        if hint is None:
            return work, None
        best = (hint[2] - hint[1], hint[1], hint[2])
    start, end = best[1], best[2]
    text = work[start:end]
    use = _USE_BEFORE.search(work[:start])
    if use:
        start = use.start()
    after = _MODEL_AFTER.match(work[end:])
    end += after.end() if after else 0
    return work[:start] + " " + work[end:], text


def _looks_like_prompt(text: str, command: re.Pattern[str]) -> bool:
    """A command word inside a longer description ("reset the scene to night") is not a command."""
    rest = _prompt_of(command.sub(" ", text))
    rest = re.sub(r"(?i)\b(model|models|video|videos|image|images|music|my|the|for|preference|preferences|please|to|default)\b|模型|视频|图片|音乐|的|偏好|吧|一下|请", " ", rest)
    return len(rest.strip(" ,.!?，。！？")) > 3


EMPTY_PROMPT = re.compile(r"^(?:draw|generate|create|make|render|paint|compose|write|animate|画|生成|做|写)?\s*+(?:me\s++)?(?:an?\s++)?(?:的|一个|一段|一张|一首|个|张|段|首|for|all|my|生成|做)*\s*+(?:视频|图片|图|照片|音乐|歌|歌曲|video|image|picture|"
                          r"photo|song|music|track|clip|model)?s?\s*+(?:吧|呀|啊|please|模型|生成|from now on|以后)?\s*+$", re.I)


MEDIA_LABEL = re.compile(r"^(?:的)?(?:视频|短片|图片|图|照片|音乐|歌曲|歌|video|clip|image|picture|photo|music|song|track)"
                         r"(?:\s+please)?(?:\s*[:：,，]\s*|\s+(?=\S))", re.I)


PRONOUN_ONLY = re.compile(r"^(?:this|it|that|these|them|this (?:image|picture|photo|pic|one)|这张图?|这个|这张照片|它)$", re.I)
TRAILING_WORDS = ("thank you", "please", "thanks", "pls", "plz", "谢谢", "谢啦", "要的", "吧", "呀", "啊", "哦", "要")
TRAILING_PUNCTUATION = " \t,，。.!！?？"


def _strip_trailing(text: str) -> str:
    """Drop "please", "吧", "要4K的"-leftovers at the end, in linear time (no regex backtracking on long input)."""
    for _ in range(8):
        stripped = text.rstrip(TRAILING_PUNCTUATION)
        lowered = stripped.lower()
        for word in TRAILING_WORDS:
            if lowered.endswith(word) and (not word.isascii() or len(lowered) == len(word) or not lowered[-len(word) - 1].isalnum()):
                stripped = stripped[: -len(word)]
                break
        else:
            if not stripped.endswith(" 的"):
                return stripped
            stripped = stripped[:-2]
        text = stripped
    return text.rstrip(TRAILING_PUNCTUATION)


MEDIA_OF = re.compile(r"^(?:an?\s+|some\s+)?(?:image|picture|photo|pic|video|clip|song|track|illustration|painting|drawing|render)s?\s+"
                      r"(?:of|about|showing)\s+", re.I)


def _prompt_of(text: str) -> str:
    text = re.sub(r"^/\w+\s*", "", re.sub(r"\s+", " ", text).strip())
    text = re.sub(r"^@\S+\s*", "", text)
    text = re.sub(r"^to\s+(?=animate|make|draw|create|generate)", "", text, flags=re.I)
    previous = None
    for _ in range(4):  # a few passes strip "please draw me …"; a bounded number keeps "画画画…" linear
        if previous == text:
            break
        previous = text
        text = LEADING_FILLER_EN.sub("", LEADING_FILLER_ZH.sub("", text, count=1), count=1)
        text = SEPARATORS.sub("", text).strip()
        text = re.sub(r"^的\s*", "", text)
        text = MEDIA_LABEL.sub("", text)
        text = MEDIA_OF.sub("", text)
        text = _strip_trailing(text).strip()
    return "" if EMPTY_PROMPT.match(text) or PRONOUN_ONLY.match(text) else text


def slash_intent(task_type: str, prompt: str, options: Mapping[str, Any], images: int,
                 catalogues: Mapping[str, Catalogue] | None, language: str | None = None) -> Intent:
    """A slash command (/image, /video, /music) as an intent: the same parser, with the command's choices winning."""
    media = task_type
    text = prompt
    forced = None
    if media == "music":
        forced = "text_to_music"
    elif media == "image":
        forced = "image_to_image" if images else "text_to_image"
    elif media == "video":
        kind = options.get("video_kind")
        forced = {"first_last": "first_last_frame_to_video", "reference": "reference_image_to_video"}.get(str(kind)) \
            or task_type_for("video", text, images)[0]
    intent = parse(text, images, catalogues, task_type=forced, options=options, language=language)
    model = options.get("model")
    if model and forced and catalogues and forced in catalogues:
        found = catalogues[forced].find(str(model)) or (m.model if (m := find_mention(str(model), catalogues[forced])) else None)
        if found:
            intent.model_key, intent.model_mode = found.key, "this_time"
        else:
            intent.model_hint = str(model)
    return intent


def images_needed(task_type: str) -> int:
    return {"image_to_image": 1, "image_to_video": 1, "first_last_frame_to_video": 2, "reference_image_to_video": 1}.get(task_type, 0)
