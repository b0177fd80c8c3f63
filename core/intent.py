"""What a chat message asks for, in Chinese or English: one deterministic parser for every adapter.

Public entry points: :func:`parse` (text, attachments, catalogues → :class:`Intent`) and
:func:`slash_intent`. The parser is a short pipeline of small extractors in ``core/parsing``, each
cutting what it understood out of the text before the next one looks:

    gate (is it a request at all?) → commands → model → media → options → prompt

The gate runs first so that thanks, reactions, greetings, questions about the bot, balance
questions and model comparisons never reach the generation path; its ``ambiguous`` outcome makes
the conversation ask with a button instead of charging. The vocabulary is data
(``core/data/intent_words.json``, ``core/data/model_names.json``).
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from .catalogue import Catalogue
from .i18n import detect_language
from .kinds import IntentKind
from .media import CATEGORIES_OF_MEDIA, IMAGE_TYPES, MEDIA_OF_CATEGORY, VIDEO_TYPES, images_needed
from .parsing import commands as command_words
from .parsing import gate, media, prompt, task_talk
from .parsing import options as option_words
from .parsing.models import ModelRef, find_models, media_of, plain_of_family
from .parsing.vocab import alt, compiled, fix_typos, new_message, pattern, per_message, scan
from .selection import find_mention

__all__ = ["IMAGE_TYPES", "VIDEO_TYPES", "Intent", "images_needed", "parse", "slash_intent"]
MEDIA_OF_TYPE = MEDIA_OF_CATEGORY
#: kinds that ask for a new, charged generation (the team's labelling convention, tests/data/HELDOUT.md):
#: generate and again start it when the gate says "request"; try another answers with the alternative models,
#: each one tap from that generation
CHARGING_KINDS = (IntentKind.GENERATE, IntentKind.AGAIN, IntentKind.TRY_ANOTHER)


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
    picked: bool = False  # model_key is the bot's pick ("switch model and redo it: …"): used, never saved
    strategy: str | None = None  # "cheapest" | "best"
    media: str | None = None  # image | video | music, when the message says so
    images: int = 0
    problem: str | None = None  # need_image | need_two_images
    gate: str = gate.REQUEST  # request | ambiguous | none: may this message be charged without asking?
    # follow-up commands to do first, in order ("reset and then draw …")
    commands: list[IntentKind] = field(default_factory=list)
    compare: list[str] = field(default_factory=list)  # model_ids a comparison or price question names
    # a cancel said plainly ("cancel", "别画了"): done at once; one read from a sentence is asked first
    plain: bool = False
    about_task: bool = False  # a chat asking how the task on its way is doing ("好了没", "is it done yet?")
    # which task on its way a cancel or a question names: its media and words of its prompt ("cancel the dog
    # video": "video", ("dog",))
    named_media: str | None = None
    named: tuple[str, ...] = ()

    @property
    def request(self) -> bool:
        """True when the message asks for a new generation now (generate, again, try another): what must never
        be true of thanks, questions or small talk."""
        return self.kind in CHARGING_KINDS and self.gate == gate.REQUEST


MENTION_TOKENS = re.compile(r"<@!?&?\d+>|@_user_\d+|@_all|<at[^>]*>.*?</at>|@here|@everyone")
ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
HELP = re.compile(r"^(help|\?|帮助|commands|/help|使用说明|怎么用)\W*$", re.I)
FIRST_LAST_WORDS = re.compile(r"首尾帧|首帧|尾帧|第一帧|最后一帧|起始帧|结束帧|开头帧|结尾帧"
                              r"|(?<![a-z])(first (and|&) last|first frame|last frame"
                              r"|from (this|the first) .* to|start and end frames?"
                              r"|(?:start|starting|end|ending|final|opening|closing) frame)"
                              r"(?![a-z])", re.I)
REFERENCE_WORDS = re.compile(
    r"参考|参照|(?:这|那)(?:个|些|几个|两个|三个)?(?:人物|角色)"
    r"|(?<![a-z])(references?|refs?|ref images?|in the style of this|based on this character"
    r"|keep (the|this) character|same characters?"
    r"|(this|these|those|both|the two|these two|these three) (characters?|persons?|people|guys?|girls?"
    r"|man|men|woman|women|mascots?))(?![a-z])",
    re.I)
THIS_PICTURE = re.compile(r"这张|这个图|这幅|图片里|照片里"
                          r"|(?:自己|我|我们|我家)(?:拍|画|照)的(?:照片|图|相片|画)|我的(?:照片|自拍|相片)"
                          r"|(?<![a-z])(this (image|picture|photo|pic)|my (own )?(photo|picture|selfie)"
                          r"|the (attached|uploaded) |a (photo|picture|pic) i took)",
                          re.I)
VAGUE_ASK = re.compile(
    r"(?<![a-z])(?:do|make|draw|create|generate)\s+(?:something|anything|whatever)(?:\s+(?:cool|nice|fun|random|else))?"
    r"(?:\s+(?:with|from|of)\s+(?:this|it|these|them|that))?\W*$",
    re.I,
)
# "能帮我画一只猫吗"
_AGAIN_ZH = r"(?:再|也|还|又|重新|接着|先|就)"  # "谢谢，再画一只猫": then draw another
ZH_MAKE = re.compile(rf"(?:帮我|给我|请|能|可以|麻烦你?|^\W*{_AGAIN_ZH}|[，,。.!！]\s*{_AGAIN_ZH})\s*"
                     r"(?:画|生成|做|制作|创作|写|设计|绘制|拍)")
# "以后都用可灵", not "收藏了 以后做PPT用" (nothing named after 用: what the user will use it for)
# "从现在开始画图用即梦", "从今天起用可灵": from now on, said with or without words between
ALWAYS_ZH = re.compile(r"(?:(?:以后|今后|往后)[^，。,用]{1,10}?|(?:从现在开始|从现在起|从今天开始|从今天起)"
                       r"[^，。,用]{0,10}?)(?:都|一律|全部|就)?用(?![心功力])(?=\s*[^\s，。,.!！?？~])"
                       r"|默认的?(?:图片|图像|视频|音乐|生图|出图|画图)?模型(?:改成|换成|改为|设为|设成|用)")
_USE_BEFORE = re.compile(
    r"(?:用|使用|换成|改用|换用|试试|通过|(?<![a-z])(?:use|using|with|via|try|on|in|through|switch to|go "
    r"with|by))\s*$",
    re.I,
)
_MODEL_AFTER = re.compile(r"^\s*(?:的)?(?:模型|model)?", re.I)
# "… 用即梦画", "…，用海螺做一下吧": the making verb after the model, at the end of the part
_MODEL_VERB_END = re.compile(r"^\s*(?:来|去)?(?:画|做|生成|写|出|跑|弄|整)(?:一下|一版)?[吧呗呀哈]?"
                             r"(?=\s*(?:$|[，,。!！~～]))")
# "用可灵来…", "use kling for …" (not "用 veo 给我的歌配个MV": "给我的" is "for my")
_MODEL_JOIN = re.compile(r"^\s*(?:(?:to|for)(?![a-z])|来|去|给我(?![的们]))(?=\s*\S)", re.I)


# "@IMA draw …": the bot's name typed by hand, not a platform mention token
TYPED_MENTION = re.compile(r"(?:^|(?<=\s))@[\w][\w\-.]*[\w]?(?=[\s,，:：]|$)")


_ZH_PUNCTUATION = re.compile(r"[\u3000-\u303f\uff01-\uff0f\uff1a-\uff1f]")
_A_WORD = re.compile(r"[a-z\u3400-\u9fff]", re.I)
_SPACES_TABS = re.compile(r"[ \t]+")


def _language_of(text: str) -> str:
    """The language of the words; "？？？" (no words, Chinese punctuation) is Chinese."""
    if not _A_WORD.search(text) and _ZH_PUNCTUATION.search(text):
        return "zh"
    return detect_language(text)


# "> can someone make a banner\nlol no we have a bot for that": a Discord quote is someone else's message
QUOTED_LINE = re.compile(r"^>[^\n]*(?:\n|$)", re.M)


# "ima pls draw …", "yo ima bot can u …", "can ima-bot make …": the bot's name typed without "@" is who is
# spoken to, like a mention (a Chinese character after it ends the name too: "ima画一只猫"); asked of it
# ("can ima make", "tell ima to") it stands for "you". "IMA Studio" and "a logo for ima" name something else
_BOT_NAME = re.compile(r"(?<![\w@'’-])(?<!for )(?<!the )(?<!of )(?<!by )(?<!called )(?<!named )"
                       r"ima(?:[\s-]?bot)?(?![A-Za-z0-9_'’-])(?!\s+(?:studio|api|credits?)(?![a-z]))", re.I)
_ASKED_OF_BOT = re.compile(r"(?<![a-z])(?:can|could|would|will|does|do|did|chance|tell|ask|let|get)\s*$",
                           re.I)


# where a bare "ima" is the bot addressed: first (after a greeting), last, before a comma, or asked of
_ADDRESSED_BEFORE = re.compile(r"(?:^|[^\w\s'’]|(?<![a-z])(?:hey|hi|hello|yo|ok|okay|thanks|thank you|thx|"
                               r"pls|please|@))\s*$", re.I)
_ADDRESSED_AFTER = re.compile(r"\s*(?:$|[,，:：!！?？.。~]|[\u3400-\u9fff])")


# "ima go to bed", "ima make dinner": English slang for "I'm going to", not the bot's name. A bare "ima"
# that opens the message right before a verb is the slang unless the verb asks for something made: a verb
# only the bot's work takes ("ima draw …", "ima animate this"), or a general one ("make", "do") with a
# picture or a thing we make after it ("ima make this look like a ghibli frame")
_SLANG_NEXT = re.compile(r"\s+([a-z']+)", re.I)
_ADDRESSED_VERBS = frozenset(
    "draw paint sketch illustrate animate generate render design edit turn change remove add put give show "
    "write compose sing film restyle convert transform upscale pls please plz can could would will bot"
    .split())
_GENERAL_VERBS = frozenset("make do create build whip cook get".split())
_OWN_DOING = re.compile(r"(?<![a-z'])(?:myself|ourselves|later|tonight|tomorrow|afterwards|brb)(?![a-z'])",
                        re.I)
_PICTURE_AFTER = re.compile(r"(?<![a-z'])(?:this|these|it|them|that|the attached)(?![a-z'])", re.I)


def _slang(text: str, m: re.Match[str]) -> bool:
    """"ima go to bed": "I'm going to", said at the message's start before a verb (see _SLANG_NEXT)."""
    if m.start() != 0 or m.group(0).lower() != "ima":
        return False
    verb = _SLANG_NEXT.match(text, m.end())
    if verb is None:
        return False
    word = verb.group(1).lower()
    if _OWN_DOING.search(text, verb.end(), gate_clause_end(text, verb.end())):
        return True  # "ima draw this one myself actually": the user's own plan, whatever the verb
    if word in _ADDRESSED_VERBS:
        return False
    if word in _GENERAL_VERBS:
        rest = text[verb.end(): gate_clause_end(text, verb.end())]
        return not (_PICTURE_AFTER.search(rest) or any(n.head for n in media.nouns(rest)))
    return True


def _typed_bot_name(text: str) -> str:
    if "ima" not in text.lower():
        return text

    def drop(m: re.Match[str]) -> str:
        if _slang(text, m):
            return "i'm gonna"
        if _ASKED_OF_BOT.search(text, 0, m.start()):
            return " you "
        if (m.group(0).lower() == "ima" and not _ADDRESSED_BEFORE.search(text, 0, m.start())
                and not _ADDRESSED_AFTER.match(text, m.end())):
            return m.group(0)  # "draw my friend Ima smiling": someone's name inside the words
        return " "

    return _BOT_NAME.sub(drop, text)


# the bot named by its typed name in the middle of a message, words on both sides: a break between what was
# said to the channel and what is asked of the bot ("老板说要定稿 😭 @ima 快画一张…", "lol ok. @ima-bot 4
# frog emotes"); the prompt step reads the part after it as the request when it asks for something
# (not "bro @ima is cracked", "does @ima-bot make music": the bot as the subject of what is said)
_BOT_MENTION_MID = re.compile(r"(?<=\S)[ \t]+@(?:ima(?:[-_]?bot)?|ima助手|bot|机器人)"
                              r"(?=[ \t]+(?!(?:is|are|was|were|has|have|had|can|could|will|would|does|did|do|"
                              r"makes|made|knows|said|says|just|really|also)(?![a-z]))[^\s:：,，])", re.I)


def _said_before(before: str) -> bool:
    """Words enough before the bot's name for a sentence of their own ("bro @ima is …" has one)."""
    if before.rstrip().endswith((",", "，")):
        return False  # "a theme song for my campaign lol, @ima-bot make one: …": the same sentence goes on
    return len(before.split()) >= 2 or bool(_CJK_CHAR.search(before))


@per_message
def clean(text: str) -> str:
    text = QUOTED_LINE.sub("", text or "")
    if "@" in text:
        text = _BOT_MENTION_MID.sub(lambda m: "\n" if _said_before(m.string[:m.start()]) else m.group(0),
                                    text)
    text = ZERO_WIDTH.sub("", MENTION_TOKENS.sub(" ", text))
    text = _typed_bot_name(TYPED_MENTION.sub(" ", text))
    return _SPACES_TABS.sub(" ", text).strip()


def task_type_for(medium: str | None, text: str, images: int) -> tuple[str, str | None]:
    """(task type, problem) from the media asked for, the words used and how many pictures came with it."""
    if medium == "music":
        return "text_to_music", None
    if medium == "video":
        first_last = bool(FIRST_LAST_WORDS.search(text))
        if REFERENCE_WORDS.search(text) and images >= 1 and not first_last:
            return "reference_image_to_video", None
        if images >= 3:  # first and last frame take two pictures; more are references
            return "reference_image_to_video", None
        if images == 2:
            return "first_last_frame_to_video", None
        if first_last:
            return "first_last_frame_to_video", "need_two_images"
        if images == 1:
            return "image_to_video", None
        if REFERENCE_WORDS.search(text) and THIS_PICTURE.search(text):
            return "reference_image_to_video", "need_image"
        return "text_to_video", None
    if images >= 1:
        return "image_to_image", None
    if scan("edit_words").search(text) and THIS_PICTURE.search(text):
        return "image_to_image", "need_image"
    return "text_to_image", None


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


# ── strategy: "cheapest"/"best" only when they are about the model, not the subject ("a cheap toy") ──
_STRATEGY_AFTER = re.compile(r"\s*(?:possible\s+|available\s+)?(?:的)?(?:model|option|one|way|version|"
                             r"setting|quality|image|picture|photo|pic|video|clip|song|track|music|模型|的|视频|图片|图|音乐)",
                             re.I)
_STRATEGY_BEFORE = re.compile(r"(?:use|using|with|go with|pick|choose|in|at|用|使用|选)\s*(?:the\s+)?$", re.I)
_THE_BEFORE = re.compile(r"(?<![a-z])the\s+$", re.I)
_STRATEGY_TAIL = re.compile(
    r"\s*(?:possible\s+|available\s+)?(?:的)?(?:视频|图片|图|音乐|video|image|music)?\s*(?:models?|options?|ones?|way|"
    r"模型|的)?(?:\s+possible(?![a-z]))?(?:\s*(?:to|for))?", re.I)


def _strategy(text: str) -> tuple[str | None, str]:
    for name in ("cheapest", "best"):
        for m in scan("strategy", name).finditer(text):
            before, after = text[: m.start()], text[m.end():]
            clause_only = not gate.residue(
                text[gate_clause_start(text, m.start()) : gate_clause_end(text, m.end())],
                "strategy",
                "command_filler",
                "use_words",
                "prompt_scraps",  # "best quality you've got, …"
                "preference_filler",  # "以后视频都用最好的 贵点没关系": money talk beside it
            )
            # "最便宜" is about the model; "便宜的塑料玩具" and "最好的朋友" are about the subject
            strong_zh = bool(re.match(r"[\u3400-\u9fff]", m.group(0))) and m.group(0) not in (
                "最好", "便宜", "高质量", "便宜的", "最好的", "便宜一点")
            if clause_only or strong_zh or _STRATEGY_AFTER.match(after) or _STRATEGY_BEFORE.search(before):
                start = m.start()
                use = _STRATEGY_BEFORE.search(before) or _THE_BEFORE.search(before)
                if use:
                    start = use.start()
                end = m.end()
                tail = _STRATEGY_TAIL.match(after)
                end += tail.end() if tail else 0
                return name, text[:start] + " " + text[end:]
    return None, text


#: where a clause ends: punctuation, a new line, or a pause between two Chinese phrases ("最好的 贵点没关系")
_CLAUSE_GAP = re.compile(r"[,，。;；:：!！?？\n]|(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


def gate_clause_start(text: str, at: int) -> int:
    found = [m.end() for m in _CLAUSE_GAP.finditer(text, 0, at)]
    return found[-1] if found else 0


def gate_clause_end(text: str, at: int) -> int:
    m = _CLAUSE_GAP.search(text, at)
    return m.start() if m else len(text)


def _cut_model(text: str, ref: ModelRef) -> str:
    start, end = ref.start, ref.end
    use = _USE_BEFORE.search(text[:start])
    if use:
        start = use.start()
    after = _MODEL_AFTER.match(text[end:])
    end += after.end() if after else 0
    if verb := _MODEL_VERB_END.match(text[end:]):  # "…，用即梦画", "… 海螺做": the verb said with the model
        end += verb.end()
    opening = not text[gate_clause_start(text, start): start].strip(" ,.!:;-@")
    joined = _MODEL_JOIN.match(text[end:])
    if use and opening and joined:  # "use kling for a cat video": what follows is the request itself
        end += joined.end()
    return _blank(text, start, end)


def _whole_message_kind(text: str, images: int) -> str | None:
    if images:
        return None
    if not text:
        return "help"
    if HELP.match(text):
        return "help"
    return command_words.reply_kind(text)


def _model_id(ref: ModelRef, catalogues: Mapping[str, Catalogue] | None) -> str:
    for catalogue in (catalogues or {}).values():
        model = ref.resolve(catalogue)
        if model is not None:
            return model.model_id
    return ref.hint()


def _compare(text: str, refs: list[ModelRef], catalogues: Mapping[str, Catalogue] | None) -> list[str] | None:
    """"which is better, veo or sora?", "kling vs hailuo", "可灵和海螺哪个好": two models weighed against each
    other."""
    distinct: list[ModelRef] = []
    for ref in refs:
        if not any(
            (ref.family or ref.text) == (d.family or d.text)
            and ref.name == d.name
            and ref.model_ids == d.model_ids
            for d in distinct
        ):
            distinct.append(ref)
    if len(distinct) == 1 and (plain := plain_of_family(text, refs)) is not None:
        distinct.append(plain)  # "is nano banana pro worth it over the normal one?"
    if len(distinct) < 2:
        return None
    strong = re.search(
        r"(?<![a-z])(vs\.?|versus|compare|comparison|difference|differences|better|best|worse|faster|cheaper|which)(?![a-z])"
        r"|对比|比较|区别|哪个|谁更|差别|更好|更便宜|更快|还是",
        text,
        re.I,
    )
    # "is nano banana pro worth it over seedream?", "香蕉pro比即梦贵多少"
    weighed = r"(?<![a-z])(?:or|over|than|worth)(?![a-z])|还是|比"
    if not strong and not (gate.is_question(text) and re.search(weighed, text, re.I)):
        return None
    if compiled(r"^\W*(?:{v})(?![a-z])", v=("create_verbs",)).match(text) and not gate.is_question(text):
        return None
    return list(dict.fromkeys(_model_id(ref, catalogues) for ref in distinct))[:2] or None


def parse(text: str, images: int = 0, catalogues: Mapping[str, Catalogue] | None = None, *,
          task_type: str | None = None, options: Mapping[str, Any] | None = None,
          language: str | None = None, direct: bool = False) -> Intent:
    """Turn a message into an :class:`Intent`.

    ``images`` is how many pictures came with the message; ``catalogues`` (category → live
    catalogue) lets model names be recognised; ``task_type`` and ``options`` come from slash
    commands, which are always requests, and win over what the text says. ``direct``: the message
    was sent in a chat between the user and the bot alone, where no one else can be called by "@name".
    """
    intent = _parse(text, images, catalogues, task_type=task_type, options=options, language=language,
                    direct=direct)
    if task_type is None and _asks_about_task(intent, text):
        # "is it done yet?", "how much longer?", "视频好了没": talk about the task on its way, answered with
        # its progress, never charged
        intent.kind, intent.about_task, intent.gate = IntentKind.CHAT, True, gate.NONE
        intent.media = intent.task_type = intent.model_key = intent.model_hint = None
        intent.compare, intent.commands, intent.prompt, intent.options, intent.n = [], [], "", {}, None
        intent.named_media, intent.named = task_talk.named_task(clean(text))
    return intent


#: the longest message a request may be and still be only a question about the task on its way ("视频好了没")
_PROGRESS_ONLY_MAX = 30


def _asks_about_task(intent: Intent, text: str) -> bool:
    """Talk that asks about the task on its way, or a "request" that is nothing but such a question ("视频好了
    没", "歌好了没有", "视频进度"). A cheap scan of the message comes first; its cleaned words (no quoted
    reply lines, no mentions) are read only after it finds something."""
    if intent.kind in _MAY_ASK_ABOUT_TASK:
        return task_talk.may_ask_progress(text) and task_talk.asks_progress(clean(text))
    if intent.kind in CHARGING_KINDS and not intent.images and len(text) <= _PROGRESS_ONLY_MAX:
        return task_talk.progress_only(text) or (("@" in text or ">" in text)
                                                 and task_talk.progress_only(clean(text)))
    return False


#: what a question about a task on its way may have been read as (only talk: a request never pays the look)
_MAY_ASK_ABOUT_TASK = frozenset({IntentKind.CHAT, IntentKind.LIST_MODELS, IntentKind.HELP})


def _parse(text: str, images: int, catalogues: Mapping[str, Catalogue] | None, *,
           task_type: str | None, options: Mapping[str, Any] | None, language: str | None,
           direct: bool = False) -> Intent:
    new_message()
    raw = clean(text)
    intent = Intent(IntentKind.GENERATE, language or _language_of(raw), images=images)
    slash = task_type is not None
    fixed = fix_typos(raw)
    if not slash and not direct and "@" in text and gate.addressed_to_someone(text):
        # "@sam can you render the cutscene when you get a sec?": a colleague asked, not the bot (only in a
        # group: in a direct chat "@Picasso draw a cat" calls the bot by a name the user gave it)
        return _answer(intent, IntentKind.CHAT)
    if not slash and (early := _whole_message_kind(fixed, images)):
        return _about_media(_answer(intent, IntentKind(early)), fixed)
    lyrics, work = option_words.take_lyrics(fixed)
    refs = find_models(work, catalogues)
    if not slash and not images and (compared := _compare(work, refs, catalogues)):
        intent.compare = compared
        return _answer(intent, IntentKind.COMPARE)
    reading = _Reading([(0, len(work))]) if slash else _read_clauses(work, refs, images)
    if not reading.content and reading.commands:
        return _command(intent, reading.commands, work, refs, catalogues)
    if "cancel" in reading.commands and not slash and not any(
            gate.request_shape(work[s:e]) or pattern("create_verbs").search(work[s:e])
            or any(n.head for n in media.nouns(work[s:e])) for s, e in reading.content):
        # "don't make the video after all, client changed their mind", "scratch that, no video": the cancel
        # and why; nothing beside it asks for something made
        return _command(intent, reading.commands, work, refs, catalogues)
    if reading.commands and not slash and all(_options_only(_OPTIONS_LEAD.sub("", work[s:e]))
                                              for s, e in reading.content):
        # "one more time pls, vertical this time", "one more pls but make it vertical": the command, with
        # what to change this time
        said = option_words.take_options(" , ".join(work[s:e] for s, e in reading.content), None, 0)[0]
        intent = _command(intent, reading.commands, work, refs, catalogues)
        if intent.kind == IntentKind.AGAIN:
            intent.options = dict(said.options)
            intent.n = said.n or intent.n
        return intent
    if not reading.content and (not images or fixed.strip()):  # with a picture too: "is this AI generated?"
        return _no_request(intent, reading.answers, work, refs, catalogues)
    if reading.content and not slash:
        # what the gate set aside as talk but goes on describing the request comes back to the prompt
        begun = min(s for s, _ in reading.content + reading.settings)
        reading.content = sorted([*reading.content, *((s, e) for s, e, why in reading.aside
                                                     if prompt.describes(work[s:e], why, s > begun))])
        reading.content = _through_quotes(work, reading.content)
    # "redo it: <prompt>" is the prompt
    intent.commands = [IntentKind(c) for c in dict.fromkeys(reading.commands) if c != "again"]
    # "stop the current one and draw a horse": the cancel said first is plain, so it is done at once
    intent.plain = "cancel" in reading.commands and not reading.unsure_cancel
    if "cancel" in reading.commands and reading.content:
        # "stop the cat video and draw a dog": the task the cancel said before the request names
        intent.named_media, intent.named = task_talk.named_task(work[:min(s for s, _ in reading.content)])
    content = work if slash else _keep_only(work, reading.content)
    kept = [r for r in refs if any(s <= r.start < e for s, e in reading.content + reading.settings)] or [
        r for r in refs if _USE_IT.search(work) or not any(s <= r.start < e for s, e, _ in reading.aside)]
    # (a model named in a command said before the request, "你用 seedance 重新做一个：…", or asked about and
    # then taken up, "vidu q2 is the cheap one right? ok use it: …", is the one to make it with)
    draft = _Draft(content, content, lyrics, kept[0] if kept else None, task_type, reading.maybe,
                   reading.talk, detect_language=language is None,
                   commanded=any(c in ("try_another", "again") for c in reading.said_first),
                   settings=" , ".join(work[s:e] for s, e in reading.settings), chatted=reading.chatted,
                   whole="" if slash else work, kept=(*reading.content, *reading.settings))
    _request(intent, draft, catalogues, options)
    if (not slash and not images and intent.kind == IntentKind.GENERATE
            and _SAME.fullmatch(intent.prompt.strip())
            and not lyrics and draft.ref is None and intent.strategy is None and (intent.options or intent.n)
            and _options_only(_OPTIONS_LEAD.sub("", content))):
        # "16:9 pls", "same but vertical": only what to change, so the last request again with it (never a
        # generation from no words at all)
        intent.kind, intent.task_type, intent.media = IntentKind.AGAIN, None, None
        # "haha nice one, 4k", "不错，横屏": a reaction, then an option; maybe "redo it in 4k", maybe a remark
        # on what was made: the redo is offered with a button, never charged unasked
        intent.gate = gate.AMBIGUOUS if reading.talk else gate.REQUEST
        intent.prompt = ""
        return intent
    if reading.commands and not slash and (intent.kind == IntentKind.CHAT or (
            intent.gate == gate.AMBIGUOUS and not reading.maybe and (reading.talk or gate.remark(content)))):
        # "meh, not feeling it. switch model", "取消取消，点错了": a remark beside a command is the command
        fresh = Intent(IntentKind.GENERATE, intent.language, images=images)
        return _command(fresh, reading.commands, work, refs, catalogues)
    if intent.kind == IntentKind.CHAT and reading.answers and not slash:
        # "How does this work? I am new, my son installed it": the question is answered, the rest is talk
        return _no_request(Intent(IntentKind.GENERATE, intent.language, images=images), reading.answers, work,
                           refs, catalogues)
    if IntentKind.TRY_ANOTHER in intent.commands and intent.kind == IntentKind.GENERATE:
        # "switch model and redo it: <prompt>": the restated request, made with another model
        intent.kind = IntentKind.TRY_ANOTHER
        intent.commands = [c for c in intent.commands if c != IntentKind.TRY_ANOTHER]
    return intent


@dataclass
class _Reading:
    """What reading the message clause by clause found."""

    content: list[tuple[int, int]] = field(default_factory=list)  # spans that describe what to make
    commands: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)  # questions asked (usage, list_models, help …)
    maybe: bool = False  # "what about a dragon?": a suggestion, to be asked before charging
    talk: bool = False  # some clause was small talk ("昨天用你做了个 MV，朋友都说 amazing")
    chatted: bool = False  # some clause asked the channel a question of its own ("…谁点外卖")
    settings: list[tuple[int, int]] = field(default_factory=list)  # clauses naming only the model/strategy
    said_first: list[str] = field(default_factory=list)  # commands said before any content
    unsure_cancel: bool = False  # a cancel said with more than its words ("no more videos, draw a cat")
    # clauses set aside as talk, reactions or questions: the prompt step may read some back as description
    aside: list[tuple[int, int, str]] = field(default_factory=list)
    # "帮我写个短视频脚本，30秒的，卖奶茶": words asked for; what follows describes them
    words_asked: bool = False
    words: list[tuple[int, int, str]] = field(default_factory=list)  # the words asked and what describes them


def _read_clauses(work: str, refs: list[ModelRef], images: int = 0) -> _Reading:
    """Sort each clause: a command, small talk, a question, or content to generate from."""
    reading = _Reading()
    spans = [(r.start, r.end) for r in refs]
    settings: list[gate.Clause] = []
    for clause in gate.clauses(work):
        if _setting_clause(clause.text, spans, clause.start):
            settings.append(clause)
        else:
            _sort_clause(reading, clause, spans, len(refs), images, work)
    if reading.content:  # "这次用 nano banana 2 就行，画个…", "cheapest model pls, …: a red apple"
        reading.settings = [(c.start, c.end) for c in settings]
    else:  # nothing else said: "cheapest model?" asks for the list, "switch to kling" is a command
        for clause in settings:
            _sort_clause(reading, clause, spans, len(refs), images, work)
    return reading


_USE_IT = re.compile(r"(?<![a-z])(?:use|go with|try|pick)\s+(?:it|that|that one|this one|him)(?![a-z])"
                     r"|(?:就用|用)(?:它|这个|那个)(?!的)", re.I)


# "用香蕉pro 可以帮我画…吗": the model named before the asking words
_MODEL_FIRST = re.compile(r"^\s*(?:(?:用|使用|(?<![a-z])(?:use|using|with))\s*)?\s*$", re.I)


_ASKS_A_CHANGE = re.compile(r"^\W*(?:让|把|给|帮我|麻烦)")
_ASKING = re.compile(r"能不能|可不可以|可以|能否|麻烦|请|帮我|帮忙")


def _model_to_use(clause: gate.Clause, spans: list[tuple[int, int]]) -> bool:
    """The model was named in another part ("能不能用海螺 让照片里的爷爷笑一下？") or right after the asking
    words: the one to use, not what is asked about."""
    ends = [e - clause.start for s, e in spans if clause.start <= s < clause.end]
    if not ends:  # "能不能用海螺 | 让照片里的爷爷笑一下？": this part asks for the change itself
        return bool(_ASKS_A_CHANGE.match(clause.text))
    before = clause.text[:min(ends)]  # "能不能用香蕉P掉…？", not "用可灵能做这种效果吗？" (can it?)
    return bool(_ASKING.search(before)) and not gate.residue(before, "polite_prefixes", "use_words")


_POLITE_REST = re.compile(r"^\W*(?:可以|能不能|可不可以|能否|麻烦|请|帮我|帮忙|你能|能帮"
                          r"|can\s+(?:you|u)|could\s+(?:you|u))", re.I)


def _model_named_first(text: str, spans: list[tuple[int, int]], start: int) -> str:
    """The clause without a model named at its start: "用香蕉pro 可以帮我画一只海獭吗" is asked like
    "可以帮我画一只海獭吗", a polite request, not a question about that model."""
    for s, e in spans:
        rest = text[min(e, start + len(text)) - start:]
        # not "用可灵能做这种效果吗？": whether that model can is asked about it
        inside = start <= s < start + len(text)
        if inside and _MODEL_FIRST.match(text[:s - start]) and _POLITE_REST.match(rest):
            return rest
    return text


def _setting_clause(text: str, spans: list[tuple[int, int]], start: int) -> bool:
    """A clause that only names the model or the strategy for the request said around it."""
    named = False
    for s, e in spans:
        if start <= s < start + len(text):
            text, named = _blank(text, s - start, min(e, start + len(text)) - start), True
    if (not named and not scan("strategy").search(text)) or media.nouns(text):
        return False  # "用最好的模型做视频" says what to make: it is content
    return not gate.residue(text, "strategy", "use_words", "command_filler", "model_ok", "preference_filler")


def _sort_clause(reading: _Reading, clause: gate.Clause, spans: list[tuple[int, int]], named: int,
                 images: int = 0, work: str = "") -> None:
    start, end = gate.courtesy(clause.text)
    if start or end < len(clause.text):  # "if you can, …", "可以的话帮我画…", "… that'd be great"
        if not clause.text[start:end].strip(" \t,.!?~，。！？"):
            return
        clause = gate.Clause(clause.start + start, clause.start + end, clause.text[start:end])
    taken = gate.retraction(clause.text)
    if taken and taken[0] == "end" and not clause.text[:taken[1]].strip() and gate.named_before(
            work[:clause.start]):
        taken = None  # "video of a goat, title: jk": the clause is the label's value
    if taken:
        # "draw a cat in a hat? nah jk", "画个猪头 开玩笑的": what was asked is taken back; "… jk a video of a
        # penguin …" takes it back and asks for what follows
        reading.content, reading.maybe, reading.talk = [], False, True
        reading.aside.append((clause.start, clause.end, "talk"))
        if taken[0] == "end" or not clause.text[taken[1]:].strip():
            return
        clause = gate.Clause(clause.start + taken[1], clause.end, clause.text[taken[1]:])
    if reading.words_asked:
        if not (gate.request_shape(clause.text) or gate.asks_for_something_made(clause.text)
                or (images and pattern("edit_words").search(clause.text))):
            # "…脚本，30秒的，卖奶茶": about the words
            reading.aside.append((clause.start, clause.end, "talk"))
            reading.words.append(reading.aside[-1])
            return
        # "帮我写一首诗，再配一张图：…", [picture] "帮我看一下这张图，把背景换成白色": something made is asked
        # after the words or the errand; what follows describes it
        reading.words_asked = False
        if _MADE_FROM_THEM.search(clause.text) and reading.words and not gate.errand(
                work[reading.words[0][0]:reading.words[0][1]].lower()):
            # "write lyrics about summer, then make it a song": the words are what the song is made of (not
            # an errand: "帮我看看这张图，做成视频" makes the video of the picture)
            reading.aside = [a for a in reading.aside if a not in reading.words]
            reading.content += [(s, e) for s, e, _ in reading.words]
        reading.words = []
    if pure := command_words.commands_in(clause.text, spans, clause.start):
        if pure == ["cancel"] and reading.content and _WITHDRAWN.match(clause.text):
            # "draw a wizard, scratch that, draw a witch": the words before are withdrawn, no task cancelled
            reading.content, reading.talk = [], True
            return
        reading.commands += pure
        reading.said_first += [] if reading.content else pure
        reading.unsure_cancel |= "cancel" in pure and not _plain_first(clause, clause.text, work)
    elif lead := command_words.leading_command(clause.text, spans, clause.start):
        reading.commands += lead[0]
        reading.unsure_cancel |= "cancel" in lead[0] and not _plain_first(clause, clause.text[:lead[1]], work)
        reading.said_first += [] if reading.content else lead[0]
        reading.content.append((clause.start + lead[1], clause.end))
    elif (reading.content and _continues_description(clause.text)) or (
            (reading.content or reading.commands) and _options_only(_OPTIONS_LEAD.sub("", clause.text))):
        # "…, 4k", and after a command what to change this time ("再来一张 这次要竖屏")
        reading.content.append((clause.start, clause.end))
    elif (wish := gate.wished(clause.text)) is not None:  # "I wish I had a picture of …": ask first
        if wish[0] < wish[1]:
            reading.maybe = True
            reading.content.append((clause.start + wish[0], clause.start + wish[1]))
        else:
            reading.talk = True
    elif gate.social(clause.text) or gate.is_gibberish(clause.text):
        reading.talk = True
        reading.aside.append((clause.start, clause.end, "social"))
    elif gate.is_question(clause.text):
        kind = gate.question_kind(_model_named_first(clause.text, spans, clause.start), named)
        if images and (kind in ("help", "chat") or (kind == "list_models" and _model_to_use(clause, spans))) \
                and _asks_about_the_picture(clause.text):
            # "can u animate this??", "这张老照片能让爷爷奶奶笑一下吗", "能不能用海螺 让照片里的爷爷笑一下？"
            # with it: asked politely (a model named after the asking words is the one to use)
            kind = None
        elif _setting_with_a_tag(clause.text):
            kind = None  # "以后都用 veo 做视频 ok?": a default set, asked only by its tag
        if kind in (None, "maybe") and gate.reported_opening(clause.text):
            kind = "chat"  # "朋友问我能不能帮他画个头像": a question someone asked the user, retold
        if kind is None or kind == "maybe":
            reading.maybe = reading.maybe or kind == "maybe"
            reading.content.append((clause.start, clause.start + gate.untagged_end(clause.text)))
        else:
            reading.answers.append(kind)
            reading.aside.append((clause.start, clause.end, "question"))
            reading.chatted = reading.chatted or (kind == "chat" and gate.asks_the_channel(clause.text))
    elif standalone := _standalone_question(clause.text):
        reading.answers.append(standalone)
    elif reading.answers and not gate.residue(clause.text, "list_asks", "reply_filler", "thanks"):
        reading.aside.append((clause.start, clause.end, "question"))  # "都支持哪些模型 列一下": asks it again
    elif not gate.chatty(clause.text, (work, clause.start, clause.end)) or gate.joined_request(clause.text):
        # a story with a request joined on: "my dog died last week and i'd love a painting of him …"
        reading.content.append((clause.start, clause.start + gate.untagged_end(clause.text)))
    else:
        reading.talk = True
        reading.aside.append((clause.start, clause.end, "talk"))
        if not reading.words_asked and gate.text_request(clause.text.lower()):
            reading.words_asked, reading.words = True, [reading.aside[-1]]
        # "… but idk what yet", "…, later ok": asked with a button at most, never charged now
        reading.maybe = reading.maybe or gate.unsure(clause.text) or gate.later_on_its_own(clause.text)


def _plain_first(clause: gate.Clause, said: str, work: str) -> bool:
    """A cancel said plainly and first: "how much is a song? ok never mind, just make one: …" takes back the
    question, not a task."""
    return task_talk.plain_cancel(said) and not _WORDS.search(work, 0, clause.start)


_WORDS = re.compile(r"\w")


# "then make it a song", "然后做成一首歌": what was asked before is made into the thing
_MADE_FROM_THEM = re.compile(r"(?<![a-z])(?:make|turn|put|set)\s+(?:it|them|this|that|those)(?![a-z])"
                             r"|做成|变成|谱成|改成|唱成|配成", re.I)


# "scratch that", "never mind", "nvm", "forget it": what was just said is withdrawn
_WITHDRAWN = re.compile(r"^\W*(?:(?:oh|ok|okay|wait|no|nah|hmm|actually|um|uh)\W+)*"
                        r"(?:scratch|scrap|never\s*mind|nvm|forget)(?:\s+(?:that|it|this))?\W*$", re.I)


def _setting_with_a_tag(text: str) -> bool:
    """"always use kling for videos ok?", "以后都用 veo 做视频 ok?": a default said, then a tag asking for
    agreement; the words before the tag ask nothing."""
    end = gate.untagged_end(text)
    said = text[:end]
    return end < len(text.rstrip(" ?？")) and not gate.is_question(said) and bool(
        pattern("always").search(said) or ALWAYS_ZH.search(said))


def _asks_about_the_picture(text: str) -> bool:
    """A question that names a change to the attached picture: motion, an edit or a verb that makes something
    ("can u animate this?", "这张合照能不能改成吉卜力风格？"); "is this AI generated?" names none."""
    if gate.asks_what(text) or gate.chat_signal(text, 1):
        return False  # "what do you think of my drawing?"
    made = (m.group(0).lower() for m in pattern("create_verbs").finditer(text))
    return bool(media.motion(text) or pattern("edit_words").search(text) or any(v != "do" for v in made))


_PERSONAL = re.compile(r"(?<![a-z'])(?:i|i'm|im|i've|i'd|me|my|mine|we|we're|our|us|you|your|you're|u|"
                       r"was|were|did|had|yesterday|earlier|last time|hope|hopefully)(?![a-z'])|"
                       r"[我你您咱]|上次|昨天|刚才", re.I)


_OPTIONS_LEAD = re.compile(r"^\W*(?:(?:same thing|same one|same|一样的|同样的|but|and|also|then|just|pls|"
                           r"please|make it|make them|make this one|"
                           r"do it|in|this time|这次|改成|换成|要)\s*)*", re.I)


#: what is left of "16:9 pls" or "same but vertical" once the options are read: nothing new to make
_SAME = re.compile(r"(?:(?:the\s+)?same(?:\s+(?:thing|one|again))?|一样的?|同样的?)?", re.I)


def _options_only(text: str) -> bool:
    """"…, watercolor, 4k?", "…, 9:16?": options said after the request, even with a question mark."""
    found, rest = option_words.take_options(text, None, 0)
    if not (found.options or found.n):
        rest = command_words.without_count(text)  # "again but 2 more", "… but give me 3 this time"
        if rest == text:
            return False
    return not gate.residue(rest, "command_filler")


def _continues_description(text: str) -> bool:
    """After what to make, "it's called Cold Tea", "they're dancing at a street party", "epic drums vibe" and
    "适合写代码的时候听" go on describing it; remarks about oneself, the bot or the past do not."""
    # "could you make a video of rain on a bus window, lofi vibes?": the request's question mark or tag
    # ("复古一点ok吗") closes the last part of the description; that part asks nothing itself
    said = text[:gate.untagged_end(text)].rstrip(" \t?？")
    if (_PERSONAL.search(said) or gate.is_question(said) or gate.is_gibberish(said)
            or pattern("chat_signals", "to_the_group").search(said) or gate.judged(said)):
        return False  # (…, "any ideas?": asked of the channel)
    if compiled(r"^\W*(?:{v})", v=("chat_starts",)).match(said):
        return False
    return bool(gate.residue(said, "reactions", "thanks", "greetings", "markers", "intensifiers",
                             "evaluatives", "prompt_filler"))


def _asides(draft: _Draft) -> Iterator[str]:
    """The clauses around the request that ask something ("can you make videos?", "how much is a song?",
    "能不能帮我做个视频"): the media they name is the media of the request when its own words name none."""
    for c in gate.clauses(draft.whole):
        if not any(s <= c.start < e for s, e in draft.kept) and (
                gate.is_question(c.text) or pattern("create_verbs").search(c.text)):
            yield c.text


_QUOTE_PAIRS = {'"': '"', "“": "”", "「": "」", "『": "』", "《": "》"}
#: how far a quote opened in a kept clause is followed to its close
_QUOTE_REACH = 200


def _through_quotes(work: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A clause that opens a quote keeps it to its close: 'a sign that says "Welcome home!" please' was cut
    at the "!" inside the quote, and the words on the sign end at the closing quote, not at the "!"."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and start < out[-1][1]:
            start = out[-1][1]
            if start >= end:
                continue
        open_quote = ""
        for char in work[start:end]:
            if open_quote:
                if char == _QUOTE_PAIRS[open_quote]:
                    open_quote = ""
            elif char in _QUOTE_PAIRS:
                open_quote = char
        if open_quote:
            close = work.find(_QUOTE_PAIRS[open_quote], end, end + _QUOTE_REACH)
            end = close + 1 if close >= 0 else end
        if out and start == out[-1][1]:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _keep_only(work: str, spans: list[tuple[int, int]]) -> str:
    """Blank out every clause that is not content (keeping positions and the punctuation between clauses)."""
    content, position = work, 0
    for start, end in [*spans, (len(work), len(work))]:
        for clause in gate.clauses(work[position:start]):
            content = _blank(content, position + clause.start, position + clause.end)
        position = end
    return content


def _answer(intent: Intent, kind: IntentKind) -> Intent:
    intent.kind, intent.gate = kind, gate.NONE
    return intent


def _command(intent: Intent, found: list[str], work: str, refs: list[ModelRef],
             catalogues: Mapping[str, Catalogue] | None) -> Intent:
    """Only commands: the last one answers, the ones before it are done first; "switch to kling" is again,
    with kling."""
    main, before = command_words.main_kind(found)
    intent.kind, intent.commands = IntentKind(main), [IntentKind(k) for k in before]
    if intent.kind == IntentKind.CANCEL:  # (task_talk.plain_cancel: the one rule for an ordered cancel)
        intent.plain = task_talk.plain_cancel(work)
        intent.named_media, intent.named = task_talk.named_task(work)
    intent.gate = gate.REQUEST if intent.kind in CHARGING_KINDS else gate.NONE
    if intent.kind == IntentKind.AGAIN:
        intent.n = option_words.take_options(work, None, 0)[0].n or command_words.count_again(work)
    elif intent.kind in (IntentKind.RESET_PREFERENCE, IntentKind.TRY_ANOTHER):
        _about_media(intent, work)  # "reset my video model"
    if refs and not (intent.kind == IntentKind.RESET_PREFERENCE and pattern("always").search(work)):
        # (not "forget that always-veo thing": the model named is the default dropped, none to use)
        _name_model(intent, refs[0], catalogues, None)
        if intent.kind == IntentKind.TRY_ANOTHER:
            intent.kind, intent.gate = IntentKind.AGAIN, gate.REQUEST
    return intent


def _no_request(intent: Intent, answers: list[str], work: str, refs: list[ModelRef],
                catalogues: Mapping[str, Catalogue] | None) -> Intent:
    """Questions and small talk: the most specific question asked decides the answer."""
    _answer(intent, IntentKind(gate.first_answer(answers)))
    if (intent.kind in (IntentKind.LIST_MODELS, IntentKind.CHAT) and not refs
            and gate.asks_on_a_condition(work)):
        intent.kind = IntentKind.HELP  # "if I asked you to draw a dragon, how long would it take?"
    if intent.kind == IntentKind.HELP and not refs and gate.price_question(work):
        _about_media(intent, work)  # "how much is one song?": answered with that media's models and prices
    if intent.kind == IntentKind.LIST_MODELS:  # "how much does a video cost", "what does kling cost?"
        _about_media(intent, work)
        intent.compare = list(dict.fromkeys(_model_id(ref, catalogues) for ref in refs))
        if intent.media is None and len(intent.compare) == 1:
            makes = media_of(refs[0], catalogues)
            intent.media = next(iter(makes)) if len(makes) == 1 else None
            intent.task_type = CATEGORIES_OF_MEDIA[intent.media][0] if intent.media else None
    return intent


def _about_media(intent: Intent, text: str) -> Intent:
    """"which video models can I use?", "reset my video model": the media a command or question names, if
    any (its text-to-… type stands for it)."""
    intent.media = media.mentioned(text)
    intent.task_type = CATEGORIES_OF_MEDIA[intent.media][0] if intent.media else None
    return intent


def _standalone_question(text: str) -> str | None:
    """"my balance", "price list", "模型", "怎么用这个机器人", "list models for video": a question without a
    question mark (the media named says which models)."""
    # the text must be these phrases only: that check stops at the first word none covers, where a search
    # for the phrases first read the whole text
    for name, kind in (("usage_phrases", "usage"), ("models_phrases", "list_models"),
                       ("help_phrases", "help")):
        if not gate.residue(text, name, "command_filler", "bot_words", "thanks", "greetings", "list_asks",
                            "media_nouns") and pattern(name).search(text):
            return kind
    return None


def _name_model(intent: Intent, ref: ModelRef, catalogues: Mapping[str, Catalogue] | None,
                task_type: str | None) -> None:
    catalogue = (catalogues or {}).get(task_type or "") if task_type else None
    model = ref.resolve(catalogue) if catalogue is not None else None
    if model is None and task_type is None:
        model = next((m for c in (catalogues or {}).values() if (m := ref.resolve(c)) is not None), None)
    intent.model_key = model.key if model is not None else None
    intent.model_hint = None if model is not None else ref.hint()
    intent.model_mode = intent.model_mode or "this_time"


@dataclass
class _Draft:
    """The content of a request while the steps cut what they understood out of ``work``."""

    work: str
    described: str  # the content as said (before the model name was cut)
    lyrics: str | None
    ref: ModelRef | None
    task_type: str | None  # forced by a slash command
    maybe: bool
    talk: bool  # small talk around it: a bare description is then not enough to charge
    signals: bool = False  # something in it says "make this now" (a verb, a model, an option …)
    stated: str | None = None  # the media the words ask for
    detect_language: bool = True  # False when the caller said which language to answer in
    settings: str = ""  # the clauses that only name the model or strategy ("cheapest model pls, …")
    whole: str = ""  # the message, and the spans of it read as the request and its settings
    kept: tuple[tuple[int, int], ...] = ()
    always_said: str = ""  # the words of "以后生成视频都用…", which may name the media
    cue: str = ""  # the words cut with the model's name ("用", "use … for"): the user's own words
    commanded: bool = False  # a command that makes something new came first ("换个模型重新生成：…")
    chatted: bool = False  # a question beside it was asked of the channel, not the bot ("今晚加班 谁点外卖")


def _request(intent: Intent, draft: _Draft, catalogues: Mapping[str, Catalogue] | None,
             slash_options: Mapping[str, Any] | None) -> Intent:
    """The generation path: model, media, options and prompt from the content clauses, then the gate's
    decision."""
    _model_step(intent, draft)
    _media_step(intent, draft, catalogues)
    _options_step(intent, draft, slash_options)
    _task_step(intent, draft, catalogues)
    _prompt_step(intent, draft)
    _language_step(intent, draft)
    # "always use kling for videos", "always go with the cheapest one": a preference, nothing to make
    left = gate.residue(intent.prompt, "preference_filler", "media_nouns", "command_filler") \
        or _filler_describes(intent.prompt)
    nothing_set = draft.ref is None and intent.strategy is None and not intent.options
    if intent.model_mode == "always" and _STOP_USING.search(draft.always_said) and not left:
        # "以后不用可灵了", "以后别用海螺了": the saved model is dropped, nothing is made
        intent.kind, intent.gate, intent.prompt = IntentKind.RESET_PREFERENCE, gate.NONE, ""
        intent.model_key = intent.model_hint = intent.model_mode = intent.strategy = None
        if draft.stated is None and not intent.images:
            intent.task_type, intent.media = None, None
        return intent
    if intent.model_mode == "always" and (not left or _only_talk_left(intent, draft)):
        if left and nothing_set:
            # "收藏了 以后做PPT用": "以后…用" tells what it is for; no model, strategy or option is set
            intent.kind, intent.gate, intent.prompt, intent.model_mode = IntentKind.CHAT, gate.NONE, "", None
            return intent
        intent.kind, intent.gate, intent.prompt = IntentKind.SET_PREFERENCE, gate.NONE, ""
        if draft.stated is None and not intent.images:
            intent.task_type, intent.media = None, None
        return intent
    _gate_step(intent, draft)
    if intent.kind == IntentKind.CHAT:  # "小李说他用可灵做的那个视频被老板夸了": a model talked about
        intent.model_key = intent.model_hint = intent.model_mode = None
        intent.options, intent.n = {}, None  # "换1080p也卡", "暂停五分钟": talk sets no option
    return intent


def _filler_describes(said: str) -> bool:
    """"以后都用即梦 画积分海报": a word that is money talk beside a setting ("省点积分") said right onto the
    head media noun ("积分海报", a points poster) describes what to make: the default and a request."""
    heads = {n.start for n in media.nouns(said) if n.head}
    return any(m.end() in heads and not pattern("create_verbs").fullmatch(m.group(0))
               for m in pattern("preference_filler").finditer(said))


#: "以后不用", "以后别再用": "from now on" said of a model no longer wanted
_STOP_USING = re.compile(r"(?:不|别|不要|不再|别再|不想)再?用$")


def _only_talk_left(intent: Intent, draft: _Draft) -> bool:
    """"以后都给我用最便宜的，学生党没钱", "set my default to veo, money is not an issue": beside a setting,
    words that name nothing to make and do not read as a description are a remark, not a prompt."""
    said = intent.prompt
    if gate.negated(said):
        return True  # "图片默认用即梦 别老给我换来换去": what not to do is no prompt, whatever verb it has
    if intent.images or draft.lyrics or any(n.head for n in media.nouns(said)) or pattern(
            "create_verbs").search(said):
        return False
    if gate.starts_like_a_description(said):
        return gate.chatty(said)  # "the o1 ones look plasticky" tells, "a red fox in snow" describes
    return bool(gate.remark(said) or gate.chatty(said) or _NEGATED.search(said)
                or gate.chat_signal(said) in gate.TALK_SIGNALS)


# "以后视频默认veo", "default music = suno", "default video model: kling": the model said as the default
_DEFAULT_BEFORE = re.compile(r"(?:默认|(?<![a-z])default)\s*的?\s*(?:图片|图像|视频|音乐|歌曲|image|picture|"
                             r"video|music|song)?\s*(?:模型|models?)?\s*"
                             r"(?:[=:：]|用|是|为|设为|改为|改成|换成|is|to)?\s*$", re.I)
# "我做视频只用sora", "i only use kling for videos": the one model the user uses, said as a habit (a standing
# preference); said right before the model's name, so "只用黑白两色画" (only black and white) is not one
_ONLY_BEFORE = re.compile(r"(?:只用|只使用|只要用|一律用|(?<![a-z])only\s+(?:ever\s+)?(?:use|go with))\s*$",
                          re.I)
_THIRD_PERSON_BEFORE = re.compile(r"(?<![a-z'])(?:that|who|which|he|she|they|him|her|them)\s+$", re.I)
# "以后视频就海螺吧", "今后都是可灵": from now on, the model said without 用
_LATER_BEFORE = re.compile(r"(?:以后|今后|往后|从现在开始)[^，。,.!！?？]{0,8}?(?:都|一律|就|全|全部)"
                           r"(?:用|是|选|换成)?\s*$")
_NEGATED = re.compile(r"没|不是|别|(?<![a-z])(?:not|isn't|no|don't|dont)(?![a-z])", re.I)


# "我画的，怎么样" with a picture: a verb before 的/了/过 tells what was made, it asks for nothing
_DONE_AFTER = re.compile(r"(?:出来|好|完)?[的了过得]")


def _model_step(intent: Intent, draft: _Draft) -> None:
    """"always use …" and the model named (cut with its "use"/"用"), before numbers in names are read as
    options."""
    images, work = intent.images, draft.work
    draft.signals = bool(
        draft.task_type
        or draft.lyrics
        or (
            images
            and (
                not work.strip()
                or pattern("edit_words").search(work)
                or media.motion(work)
                or any(not _DONE_AFTER.match(work, m.end()) for m in pattern("create_verbs").finditer(work))
            )
        )
    )
    # "以后用的头像": what a picture is for later, not "from now on use"
    always = next((m for m in scan("always").finditer(work) if not work.startswith("的", m.end())), None) \
        or ALWAYS_ZH.search(work) or (
        (_DEFAULT_BEFORE.search(work, 0, draft.ref.start) or _ONLY_BEFORE.search(work, 0, draft.ref.start)
         or _LATER_BEFORE.search(work, 0, draft.ref.start))
        if draft.ref is not None else None)
    if always and draft.ref is None and always.group(0).lower() == "always" \
            and _THIRD_PERSON_BEFORE.search(work, 0, always.start()):
        always = None  # "a dog that always smiles", "him always being late": a word of the description
    if always:
        intent.model_mode = "always"
        draft.always_said = always.group(0)
        # "from now on always use veo": every always-phrase goes, not only the first
        for said in [always, *pattern("always").finditer(work, always.end())]:
            work = _blank(work, said.start(), said.end())
        draft.work = work
        draft.signals = True
    elif pattern("always").search(draft.settings) or ALWAYS_ZH.search(draft.settings):
        intent.model_mode, draft.signals = "always", True
    draft.described = work
    if draft.ref is not None:
        draft.work = _cut_model(work, draft.ref)
        draft.cue = "".join(c if cut == " " and not draft.ref.start <= i < draft.ref.end else " "
                            for i, (c, cut) in enumerate(zip(work, draft.work, strict=True)))
        draft.signals = True


def _media_step(intent: Intent, draft: _Draft, catalogues: Mapping[str, Catalogue] | None) -> None:
    """What is made: the slash command, else the words' head noun, else a one-media model, else lyrics →
    music."""
    images, work = intent.images, draft.work
    intent.strategy, draft.work = _strategy(work)
    intent.strategy = intent.strategy or _strategy(draft.settings)[0]
    # "use the cheapest model for a cat video": read the media once the strategy words are gone, but
    # "best image of a lake" loses its noun with them, so the words as said still count
    draft.stated = (MEDIA_OF_TYPE.get(draft.task_type or "") or media.detect(draft.work, images)
                    or media.detect(work, images))
    if images and draft.stated == "image" and draft.task_type is None and FIRST_LAST_WORDS.search(work):
        draft.stated = "video"  # "用可灵做首尾帧，从图1的花苞变成图2…": first and last frames make a video
    draft.signals = draft.signals or bool(
        images and (draft.stated or FIRST_LAST_WORDS.search(work) or REFERENCE_WORDS.search(work))
    )
    draft.signals = draft.signals or intent.strategy is not None
    if draft.ref is not None and draft.task_type is None:
        # a model that makes one media sets it: "use Kling O1 a cat surfing" is a video, and so is "海螺
        # 生成：…胡同里的清晨，鸽子飞过，自行车铃声", whose 铃声 (a bell's ring) only describes the scene
        # ("use suno to draw a cat" keeps its verb's picture, and is refused as one)
        makes = media_of(draft.ref, catalogues)
        if len(makes) == 1 and (draft.stated is None or not media.verb_said(draft.work)):
            draft.stated = next(iter(makes))
    if draft.stated is None and draft.lyrics:
        draft.stated = "music"
    if draft.stated is None and draft.ref is None:
        # "can you make videos? if yes, a koi pond", "以后生成视频都用最便宜的"
        said = (*_asides(draft), draft.always_said)
        draft.stated = next((m for words in said if (m := media.mentioned(words))), None)


def _options_step(intent: Intent, draft: _Draft, slash_options: Mapping[str, Any] | None) -> None:
    found, draft.work = option_words.take_options(draft.work, draft.stated, intent.images,
                                                  lyrics=draft.lyrics)
    opts = found.options
    intent.n = found.n or intent.n
    video_words = "duration" in opts or "generate_audio" in opts or "resolution" in opts
    # "10 seconds, with sound": only a video has those
    if draft.stated is None and (intent.images or video_words):
        # with pictures: sound/length/resolution or motion make a video, then an edit ("put the dog from
        # pic 1 into pic 2") a picture, then first/last-frame or reference words, or several pictures, a video
        if video_words or media.motion(draft.work):
            draft.stated = "video"
        elif media.edit(draft.described) and not FIRST_LAST_WORDS.search(draft.described):
            draft.stated = "image"
        elif intent.images >= 2 or FIRST_LAST_WORDS.search(draft.described) \
                or REFERENCE_WORDS.search(draft.described):
            draft.stated = "video"
        else:
            draft.stated = "image"
    draft.signals = (
        draft.signals
        or bool(opts)
        or found.n is not None
        or any(n.head for n in media.nouns(draft.described))
        or gate.wants_something_made(draft.described)
    )
    option_words.settle(opts, draft.stated or "image")
    for key, value in (slash_options or {}).items():
        if value in (None, "") or key in ("model", "video_kind"):
            continue
        if key == "n":
            intent.n = int(value)
        else:
            opts[key] = value
    intent.options = opts


def _task_step(intent: Intent, draft: _Draft, catalogues: Mapping[str, Catalogue] | None) -> None:
    task_type = draft.task_type
    if task_type is None:
        task_type, intent.problem = task_type_for(draft.stated or "image", draft.described, intent.images)
    intent.task_type, intent.media = task_type, MEDIA_OF_TYPE[task_type]
    if draft.ref is not None:
        _name_model(intent, draft.ref, catalogues, task_type)


def _prompt_step(intent: Intent, draft: _Draft) -> None:
    """The clean prompt; an edit keeps its instruction, a picture to animate needs no words."""
    edit = bool(intent.images) and intent.task_type == "image_to_image"
    if intent.images and intent.task_type in VIDEO_TYPES:
        intent.prompt = prompt.animation_prompt(draft.work)
        return
    text = prompt.clean_prompt(draft.work, keep_instruction=edit, counted=intent.n is not None)
    if draft.lyrics and not edit:
        text = prompt.style_of_song(text)
    if edit:
        text = prompt.edit_prompt(text)
        text = "" if pattern("create_verbs").fullmatch(text.strip()) else text
        text = prompt.part_complained_of(draft.whole, text) if "了" in draft.whole else text
    intent.prompt = text


_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[a-z]{2,}", re.I)
_SLASH_COMMAND = re.compile(r"^\s*/[a-z]+(?![a-z])", re.I)


def _language_step(intent: Intent, draft: _Draft) -> None:
    """A message mixing Chinese and English is answered in the language of the user's own words, i.e. the
    instructions around the prompt ("can you draw 一只穿汉服的 corgi?" is English, "用 Wan 做个视频：old man
    feeding pigeons" Chinese). Model names and options are already cut from ``draft.work``."""
    # "/image 端午节粽子海报": a command typed as text is no word of the user's; "用 kling 做 video": "用" is
    said = _SLASH_COMMAND.sub("", draft.work) + " " + draft.cue
    if not draft.detect_language or not (_CJK_CHAR.search(said) and _LATIN_WORD.search(said)):
        return
    cjk = len(_CJK_CHAR.findall(said)) - len(_CJK_CHAR.findall(intent.prompt))
    latin = len(_LATIN_WORD.findall(said)) - len(_LATIN_WORD.findall(intent.prompt))
    if cjk + latin >= 1 and min(cjk, latin) >= 0:
        intent.language = "zh" if cjk >= max(1, latin) else "en"


def _gate_step(intent: Intent, draft: _Draft) -> None:
    """request, ambiguous (ask with a button) or, for a remark, small talk."""
    said, described = intent.prompt.strip(" .!?").lower(), draft.described
    unclear = (
        draft.maybe
        or vague().fullmatch(said)
        or pattern("referential").match(described.strip().lower())
        or (re.match(r"^(?:something|anything|whatever)\b", said) and len(said.split()) <= 4)
        or VAGUE_ASK.search(described)
        or gate.unsure(described)  # "我想做个视频但是还没想好": what to make is not decided yet
        or gate.planned_for_later(described)  # "let's make a video for mom's birthday this weekend"
    )
    # read only where nothing else already says "make this now" (most requests name what they are)
    verb = not draft.signals and bool(
        compiled(r"(?:^|[\s,，:：])(?!{nv})(?:{v})", v=("request_verbs",), nv=("not_verbs",)).search(
            " " + described)
        or ZH_MAKE.search(described)
        # "…小熊 帮忙画下 感谢感谢" (the cut-out words left runs of spaces)
        or any(gate.request_shape(c.text) for c in gate.clauses(_SPACES.sub(" ", described)))
        # "熊猫吃拉面，风格你定": the details left to the bot, beside what to make
        or bool(said and gate.residue(said, "delegation", "command_filler")
                and pattern("delegation").search(draft.whole or described)))
    if (draft.ref is not None and not intent.images and not draft.task_type
            and _talks_about_the_model(described, draft.ref)):
        if _TRY_IT_ON.search(draft.whole):
            # "海螺最近更新了，试试：猫在跳舞", "sora videos look the same now, try kling: a cat dancing":
            # the news and an ask beside it; which model and what are asked with the button, never guessed
            intent.gate = gate.AMBIGUOUS
            return
        # "suno v5 dropped today", "海螺最近更新了", "sora videos all look the same now": news or a verdict
        # about the model, nothing asked of it
        intent.kind, intent.gate = IntentKind.CHAT, gate.NONE
        return
    if not said and not intent.images and not draft.task_type and not draft.lyrics and (
            gate.asks_capability(described) or gate.asks_on_a_condition(draft.whole or described)
            or gate.capability_asked(described)):
        # "can you draw", "can u do music", "可以做个视频吗？"; "if I send you a photo of my cat, make it a
        # video" with no picture: nothing to make yet, how the bot works is asked
        intent.kind, intent.gate = IntentKind.HELP, gate.NONE
        intent.task_type = intent.media = None
    elif not intent.images and not draft.task_type and (
            change := gate.ba_change(described) or gate.made_more(described)):
        # "把空调调低一点", "把价格调低一点吧，太贵了": nothing in a picture is changed; "make the videos
        # longer": what the bot makes, judged
        if change == "talk":
            intent.kind, intent.gate = IntentKind.CHAT, gate.NONE
        else:  # "把背景换成白色" with no picture: the edit asks for the picture, never makes a new one
            intent.gate, intent.media = gate.REQUEST, "image"
            intent.task_type, intent.problem = "image_to_image", "need_image"
    elif unclear and not draft.task_type:
        intent.gate = gate.AMBIGUOUS
    elif (not intent.images and not draft.task_type and not draft.signals and draft.stated is None
          and gate.asks_for_a_service(described)):
        # "I would like to request a refund", "我想申请发票": a thing the bot never makes, asked politely
        intent.kind, intent.gate = IntentKind.CHAT, gate.NONE
    elif (not intent.images and not draft.task_type and not draft.signals and not draft.commanded
          and draft.stated is None and (wanted := gate.wanted_thing(described))):
        # "need a ride to the airport", "i want a pizza": an everyday thing nobody asks a picture of is talk;
        # "i need a dog so bad" might be a picture, asked with the button ("i want a dragon" is a request)
        if wanted == "talk":
            intent.kind, intent.gate = IntentKind.CHAT, gate.NONE
        else:
            intent.gate = gate.AMBIGUOUS
    elif intent.images:  # words with a picture are about the picture: only an instruction makes it a request
        intent.gate = (
            gate.REQUEST if (draft.signals and not _shows_its_own(described, draft, intent))
            or (verb and not gate.chatty(described)) else gate.AMBIGUOUS
        )
    elif (draft.signals or verb or (draft.commanded and not gate.remark(described))
          or (gate.descriptive(described) and (not draft.talk or gate.starts_like_a_description(described)))):
        intent.gate = gate.REQUEST
    elif gate.remark(described) or draft.talk or (
            draft.chatted and not gate.starts_like_a_description(described)):
        # "too dark", "pretty cool tbh": talk, not a prompt; "今晚加班 谁点外卖": words that name nothing to
        # make beside a question to the channel are the channel's talk
        intent.kind, intent.gate = IntentKind.CHAT, gate.NONE
    else:
        intent.gate = gate.AMBIGUOUS
    if intent.gate == gate.AMBIGUOUS and not intent.images and not draft.task_type and _only_told(described):
        # "这个月用了多少额度了？财务在问", "老板说要做个宣传片，我还没想好内容": nothing asks for something
        # made and the words tell the channel something (said, done, planned): talk, not a button
        intent.kind, intent.gate = IntentKind.CHAT, gate.NONE
    if not draft.task_type and (intent.gate == gate.REQUEST or (
            intent.gate == gate.AMBIGUOUS and intent.images and not draft.maybe)):
        # "i drew this myself btw, not ai" with a picture: talk about the picture, not a button
        _shape_step(intent, described, draft.talk, draft.whole or described, draft.chatted)


_SPACES = re.compile(r"\s\s+")
# after a model's name, what tells about it: "… dropped today", "… videos all look the same", "…最近更新了"
_MODEL_TOLD = re.compile(
    r"\s*(?:[a-z0-9.\-]+\s+){0,2}?(?:all\s+|just\s+|finally\s+|really\s+|still\s+)?"
    r"(?:is|are|was|were|got|gets|dropped|released|launched|looks?|seems?|keeps?|came out|has|had|can't|"
    r"works|worked|work fine|"
    r"cannot|doesn't|don't|sucks?|rocks?|slaps|went|became|updated|improved|changed|broke|failed)(?![a-z])"
    r"|\s*(?:最近|又|也|真|已经|终于|居然|竟然|现在)?(?:出了|更新了|发布了|上线了|升级了|降价了|涨价了|挂了|崩了|变强了|"
    r"变好了|不行了|出新版|出新版本)", re.I)


def _talks_about_the_model(described: str, ref: ModelRef) -> bool:
    """The model's name opens its clause and a verb that tells about it follows, with nothing asked anywhere
    (no making verb, no request shape, no head noun after it)."""
    start = gate_clause_start(described, ref.start)
    if described[start:ref.start].strip(" ,.!:;-@~") or not _MODEL_TOLD.match(described, ref.end):
        return False
    return not (any(gate.request_shape(c.text) for c in gate.clauses(described))
                or any(not _DONE_AFTER.match(described, m.end())
                       for m in pattern("request_verbs").finditer(described)))


# "…, try kling: a cat dancing", "海螺最近更新了，试试：猫在跳舞": the model tried on what follows the colon
_TRY_IT_ON = re.compile(r"(?:(?<![a-z])(?:try|use|using|switch to|go with)(?![a-z])[^,.!?:：]{0,30}"
                        r"|试试|试一下|试一试|用)[^，。,.!！?？:：]{0,12}[:：]\s*\S", re.I)
# "new pfp 😎", "our team photo from the offsite", "新头像": what the picture is, shown; no change asked of it
_OWN_THING = re.compile(r"^\W*(?:my|our|his|her|their|new|the new|my new|our new|我的|我们的|我家|我们家|新)"
                        r"(?![a-z])", re.I)


def _shows_its_own(described: str, draft: _Draft, intent: Intent) -> bool:
    """With a picture, a noun phrase naming one's own thing and asking nothing of it (no verb, edit, motion,
    option or model) is the picture shown, not a change asked for."""
    said = described.strip()
    return bool(_OWN_THING.match(said)) and draft.ref is None and not draft.lyrics and not (
        intent.options or intent.n or intent.strategy or
        pattern("create_verbs").search(said) or pattern("request_verbs").search(said)
        or pattern("edit_words").search(said) or media.motion(said) or _STYLED.search(said))


_STYLED = re.compile(r"(?<![a-z])(?:version|style|edition|vibe|look|but|as|in|into|with|without|more|less)"
                     r"(?![a-z])|风格|版|风|画风|效果|改|换|加|变|成", re.I)


def _only_told(described: str) -> bool:
    """No clause opens like a request and one tells something (a talk signal): what was said or done, not
    what to make."""
    parts = gate.clauses(_SPACES.sub(" ", described))
    return not any(gate.request_shape(c.text) for c in parts) and any(
        gate.chat_signal(c.text) in gate.TALK_SIGNALS for c in parts)


def _shape_step(intent: Intent, described: str, talk: bool, whole: str, chatted: bool = False) -> None:
    """A request is charged without asking only when it is shaped like one. Content with a sign of talk in
    it ("the video you made yesterday…", "posters of cats are everywhere", "别再画猫了") is talk (a chat
    answer) or, for a hypothetical, asked with a button, unless one of its clauses opens like a request or
    is a plain description beside the talk ("my friend's wedding is next month and they asked me to …. slow
    acoustic love song, warm"): the backstory people tell before what they want."""
    spaced = _SPACES.sub(" ", described)  # the cut-out words left runs of spaces
    parts = gate.clauses(spaced)
    if gate.quoted_request(whole):
        # 'my boss: "make me a poster by friday" 🙄': someone else's request retold
        intent.kind, intent.gate = IntentKind.CHAT, gate.NONE
        return
    if gate.attributed(whole):
        # "Create a poster — that's what my manager said. lol": someone else's words
        intent.kind, intent.gate = IntentKind.CHAT, gate.NONE
        return
    if any(gate.request_shape(c.text) for c in parts):
        said = gate.clauses(whole)
        asked = next((i for i, c in enumerate(said) if gate.request_shape(c.text)), len(said))
        if any(gate.defers(c.text) for c in said[asked + 1:]):
            # "we need a logo for the startup, I'll ask the designer tomorrow": asked, then put off or passed
            # to someone else; asked with the button, never charged now ("…算了先不管，@ima 画一张…" puts
            # off what came before the request)
            intent.gate = gate.AMBIGUOUS
        return
    if chatted:
        # "boss wants the poster by friday, who's on it?": told to the channel with a question for it; a
        # plain description beside such a question ("a cat surfing, what do you think?") is asked first
        if gate.starts_like_a_description(described.strip()):
            intent.gate = gate.AMBIGUOUS
        else:
            intent.kind, intent.gate = IntentKind.CHAT, gate.NONE
        return
    if intent.gate == gate.AMBIGUOUS and talk:
        intent.kind, intent.gate = IntentKind.CHAT, gate.NONE  # a picture shown with small talk about it
        return
    if any(gate.status(p.text) for p in parts):
        intent.kind, intent.gate = IntentKind.CHAT, gate.NONE  # "notes: poster done, video blocked"
        return
    if any(gate.defers(c.text) for c in gate.clauses(whole)):
        # put off ("…, I'll ask her what colors she likes first") is talk, however plain the rest
        intent.kind, intent.gate = IntentKind.CHAT, gate.NONE
        return
    # the parts are read in turn, and the reading stops as soon as a plain part that names something is
    # known to stand beside a sign of talk: the parts after it need not be looked at (a sign is costly)
    found: str | None = None
    for i, part in enumerate(parts):
        signal = gate.chat_signal(part.text, intent.images, (spaced, part.start, part.end))
        if signal is None:
            if found is not None and _names_something(part.text) and not gate.quoted_at(spaced, part.start):
                return  # (not words inside a quote: "MJ prompts are like 'cinematic, 8k, …' lol")
        elif found is None:
            found = signal  # every part before the first sign is plain
            if any(_names_something(plain.text) for plain in parts[:i]):
                return
    if found is None:
        return
    if found == "reported" and _PLEASE_END.search(whole):
        # "老板让我做个…月饼礼盒包装图，醒狮元素，麻烦了🙏": the task passed on to the bot, politely, saying
        # what it is; "朋友让我给他画个头像，拜托了" names only the thing: asked with the button at most
        # (the lists of the residue read in _request, whose pattern is built already)
        if not any(gate.residue(gate.after_reported_opening(c.text), "preference_filler", "media_nouns",
                                "command_filler")
                   and not gate.remark(c.text) for c in gate.clauses(intent.prompt)):
            intent.gate = gate.AMBIGUOUS
        return
    if found in gate.TALK_SIGNALS:
        intent.kind, intent.gate = IntentKind.CHAT, gate.NONE
    else:
        intent.gate = gate.AMBIGUOUS


# a courtesy said last, to the one asked: "…，麻烦了🙏", "… thanks in advance"
_PLEASE_END = re.compile(r"(?:麻烦了|麻烦你了|麻烦啦|拜托了|拜托啦|拜托|辛苦了|辛苦啦|辛苦|谢谢|多谢|感谢"
                         r"|(?<![a-z])(?:please|pls|plz|thanks in advance|thx in advance|ty in advance"
                         r"|thank you in advance)(?![a-z]))[\W_]*$", re.I)


def _names_something(text: str) -> bool:
    """A clause that says what to make: a description, a head noun or options."""
    found, _ = option_words.take_options(text, None, 0)
    return bool(gate.descriptive(text) or any(n.head for n in media.nouns(text)) or found.options or found.n)


@cache
def vague() -> re.Pattern[str]:
    """"draw something", "随便画": no subject given, so ask before charging."""
    return re.compile(alt("vague_prompts"), re.I)


def slash_intent(medium: str, prompt_text: str, options_in: Mapping[str, Any], images: int,
                 catalogues: Mapping[str, Catalogue] | None, language: str | None = None) -> Intent:
    """A slash command (/image, /video, /music: ``medium``) as an intent: the same parser, the command's
    choices
    winning."""
    forced = None
    if medium == "music":
        forced = "text_to_music"
    elif medium == "image":
        forced = "image_to_image" if images else "text_to_image"
    elif medium == "video":
        kind = options_in.get("video_kind")
        forced = {"first_last": "first_last_frame_to_video",
                  "reference": "reference_image_to_video"}.get(str(kind)) \
            or task_type_for("video", prompt_text, images)[0]
    intent = parse(prompt_text, images, catalogues, task_type=forced, options=options_in, language=language)
    intent.gate = gate.REQUEST if intent.kind == IntentKind.GENERATE else intent.gate
    model = options_in.get("model")
    if model and forced and catalogues and forced in catalogues:
        found = catalogues[forced].find(str(model)) or (
            m.model if (m := find_mention(str(model), catalogues[forced])) else None
        )
        if found:
            intent.model_key, intent.model_mode = found.key, "this_time"
        else:
            intent.model_hint = str(model)
    return intent


#: one message of each shape the parser reads differently (languages, commands, questions, options, lyrics,
#: pictures), so every pattern it builds on first use is built by ``warm_up``
_WARM_UP = (("use kling o1 to make a 5s video of waves crashing on rocks", 0),
            ("帮我做个视频：海边日落 10秒 1080p", 0), ("画一只赛博朋克猫", 0),
            ("thanks! what's my balance?", 0), ("cheapest video of a duck", 0),
            ("can you make this look like a ghibli scene?", 0),
            ("switch model and draw a fox", 0), ("reset and then 画三张 logo, 16:9", 0),
            ("write a song about rain, lyrics: \"hello\"", 0), ("make this photo move", 1),
            ("which is better, veo or sora?", 0), ("以后都用可灵 4K 竖屏", 0), ("把背景换成星空", 1),
            ("posters of cats are everywhere lol", 0),
            # each reaches patterns the ones above do not (found by parsing the regression corpus after them)
            ("最便宜的模型画一只狗", 0),
            ("写一首关于夏天的歌，女声，歌词：阳光洒在海面上", 0),
            ("models", 0),
            ("yes", 0),
            ("ok", 0),
            ("no", 0),
            ("usage", 0),
            ("赛博朋克风格的城市", 0),
            ("epic orchestral soundtrack for a boss fight", 0),
            ("请用可灵生成一个5秒的视频，一只猫在跳舞", 0),
            ("thank you so much, this is perfect", 0),
            ("nice, that track slaps", 0),
            ("my cat is sleeping on my keyboard again", 0),
            ("我今天好累", 0),
            ("why is it so slow today?", 0),
            ("你能做视频吗", 0),
            ("is it possible to make a video of a cat dancing?", 0),
            ("I'll try later", 0),
            ("完全就是我想要的", 0),
            ("我女儿想要一张独角兽的图", 0),
            ("i need help", 0),
            ("Could you please generate a logo for my band 'Velvet Static'? retro. Thank you!!", 0),
            ("以后画图都默认用香蕉吧，先来一张：外婆家的土灶台", 0),
            ("I wish I had a picture of a lighthouse", 0),
            ("同事用它做了个宣传片，效果不错", 0),
            ("视频贵不贵啊？算了 先做一个试试：小孩在沙滩上堆沙堡", 0),
            ("歌词我写好了：\n妈妈的手 是冬天的暖阳\n帮我生成一下", 0),
            ("cancel that, wrong prompt lol", 0),
            ("画一只猫 真可爱", 0),
            ("最便宜的视频模型就行，测试一下：一片树叶飘落到水面上", 0),
            ("Hello. My grandson set this up for me. I would like a picture of a red barn. Thank you", 0))


def warm_up(catalogues: Mapping[str, Catalogue] | None = None) -> None:
    """Build the parser's patterns now (about 3 s of CPU with today's vocabulary, 1 s of it for the messages
    after the first fourteen), not while the first messages after a start wait: in a burst every message
    queued behind that work would wait with them."""
    for text, images in _WARM_UP:
        parse(text, images, catalogues)
    # the patterns no warm-up message reached (built lazily, each cached): the first message that needs one
    # would otherwise pay for building it (up to ~20 ms)
    for module in (gate, media, prompt, command_words, option_words, task_talk, sys.modules[__name__]):
        for value in list(vars(module).values()):
            wrapped = getattr(value, "__wrapped__", None)
            if callable(getattr(value, "cache_info", None)) and inspect.isfunction(wrapped) and not (
                    inspect.signature(wrapped).parameters):
                value()
    # what a take-back checks last ("forget that always-veo thing" drops a default): no warm-up message is one
    for name in ("always", "reset"):
        pattern(name)

