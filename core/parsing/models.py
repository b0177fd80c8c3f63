"""Model names in a message: exact versions, model ids, nicknames and family names (zh/en).

A name with a version ("Kling 2.6", "pixverse v4", "海螺02") means exactly that model; a family name
alone ("kling", "可灵", "nano banana") means the catalogue's first model of that family for the kind of
request, so it follows the live catalogue. The longest match wins, and a specific name beats a family
name of the same length. Resolution against a catalogue happens later, once the media is known.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

from ..catalogue import CATALOGUE_KEYS, Catalogue, Model
from ..media import MEDIA_OF_CATEGORY
from ..selection import knowledge
from .media import detect
from .vocab import alternation, model_names, pattern


@dataclass(frozen=True)
class ModelRef:
    """A model named in the text (not yet tied to one kind of request)."""

    start: int
    end: int
    text: str
    name: str | None = None  # normalized catalogue display name ("kling 2.6")
    model_ids: tuple[str, ...] = ()
    family: str | None = None

    def resolve(self, catalogue: Catalogue | None) -> Model | None:
        """The model this name means in one catalogue (None when that catalogue has no such model)."""
        if catalogue is None:
            return None
        if self.name:
            for model in catalogue:
                if _name_key(model.name) == self.name:
                    return model
        for model_id in self.model_ids:
            found = catalogue.by_model_id(model_id)
            if found is not None:
                return found
        if self.family and not self.name and not self.model_ids:
            for model in catalogue:
                if family_of(model.model_id) == self.family:
                    return model
        return None

    def hint(self) -> str:
        """What to tell the user was asked for, when no catalogue of the request has it."""
        return self.model_ids[0] if self.model_ids else self.family or self.text


def _name_key(name: str) -> str:
    return re.sub(r"\s+", " ", name.lower()).strip()


@lru_cache(maxsize=256)  # asked of every model of a catalogue each time a family name is resolved
def family_of(model_id: str) -> str | None:
    for family, spec in model_names()["families"].items():
        if any(model_id.startswith(prefix) for prefix in spec["prefixes"]):
            return str(family)
    return None


def _tokens(name: str) -> list[str]:
    """"Pixverse V5.5" → pixverse, v, 5.5; "Nano Banana2" → nano, banana, 2; "Kling O1" → kling, o, 1."""
    return re.findall(r"\d+(?:\.\d+)*|[a-z]+|[^\sa-z\d.\-_]+", name.lower())


def _flexible(name: str) -> str:
    """A display name or id as a pattern: any separators, an optional "v" before a version, dots optional."""
    parts = []
    tokens = _tokens(name)
    for i, token in enumerate(tokens):
        if token == "v" and not (i and tokens[i - 1][0].isdigit()):
            continue  # "v5.5" is a version; the v of "i2v" is part of the name
        if token[0].isdigit():
            version = r"[.\-_ ]?".join(re.escape(p) for p in token.split("."))
            parts.append(r"v?\s*" + version)
        else:
            parts.append(re.escape(token))
    body = r"[\s\-_.]*".join(parts)
    left = r"(?<![a-z0-9])" if re.match(r"[a-z0-9]", name.lower()) else ""
    right = r"(?![a-z0-9])" if re.search(r"[a-z0-9]$", name.lower()) else ""
    return left + body + right


def _plain(alias: str) -> str:
    lowered = alias.lower()
    body = r"[\s\-_]*".join(re.escape(p) for p in re.findall(r"[a-z0-9.]+|[^\sa-z0-9.]+", lowered))
    left = r"(?<![a-z0-9])" if re.match(r"[a-z0-9]", lowered) else ""
    right = r"(?![a-z0-9])" if re.search(r"[a-z0-9]$", lowered) else ""
    return left + body + right


@dataclass(frozen=True)
class _Name:
    pattern: re.Pattern[str]
    specific: int  # 2: catalogue name or id, 1: known alias, 0: family nickname
    name: str | None
    model_ids: tuple[str, ...]
    family: str | None
    needle: str = ""  # a piece every match contains, so a name that cannot be there costs no regex scan


def _needle(name: str, flexible: bool) -> str:
    """The first piece of ``name`` that its pattern (``_flexible`` or ``_plain``) matches literally."""
    lowered = name.lower()
    if flexible:
        tokens = [t for t in _tokens(lowered) if t != "v"]
        return (tokens[0].split(".")[0] if tokens[0][0].isdigit() else tokens[0]) if tokens else ""
    pieces = re.findall(r"[a-z0-9.]+|[^\sa-z0-9.]+", lowered)
    return pieces[0] if pieces else ""


def _named(name: str, flexible: bool, specific: int, display: str | None, model_ids: tuple[str, ...],
           family: str | None) -> _Name:
    pattern = _flexible(name) if flexible else _plain(name)
    return _Name(re.compile(pattern), specific, display, model_ids, family, _needle(name, flexible))


@cache
def _static_names() -> tuple[_Name, ...]:
    """models.json aliases (one model, or a family when it is a family nickname) and every family nickname."""
    nicknames = {n.lower() for spec in model_names()["families"].values() for n in spec["names"]}
    owners: dict[str, list[str]] = {}
    for model_id, aliases in knowledge()["aliases"].items():
        for alias in aliases:
            owners.setdefault(alias.lower(), []).append(model_id)
    out = []
    for alias, model_ids in owners.items():
        family = family_of(model_ids[0])
        if alias in nicknames:
            out.append(_named(alias, bool(re.search(r"\d", alias)), 0, None, (), family))
        else:
            out.append(_named(alias, bool(re.search(r"\d", alias)), 1, None, tuple(model_ids), family))
    for model_id in knowledge()["aliases"]:
        out.append(_named(model_id, True, 2, None, (model_id,), family_of(model_id)))
    for family, spec in model_names()["families"].items():
        for nickname in spec["names"]:
            out.append(_named(nickname, False, 0, None, (), family))
    for brand, families in _brands().items():  # its family is chosen once the message is read (_branded)
        out.append(_named(brand, False, 0, None, (), next(iter(families.values()))))
    return tuple(out)


@lru_cache(maxsize=CATALOGUE_KEYS)  # keyed by a catalogue's model names: bounded, as IMA changes them
def _catalogue_names(names: tuple[tuple[str, str], ...]) -> tuple[_Name, ...]:
    out = []
    for display, model_id in names:
        out.append(_named(display, True, 2, _name_key(display), (model_id,), family_of(model_id)))
        # "Google Veo 3.1" is also just "Veo 3.1"
        short = re.sub(r"^(google|openai)\s+", "", display, flags=re.I)
        if short != display:
            out.append(_named(short, True, 2, _name_key(display), (model_id,), family_of(model_id)))
    return tuple(out)


_CUE_BEFORE = re.compile(r"(?:用|使用|换成|改用|试试|(?<![a-z])(?:use|using|with|via|on|in|try|switch to|go "
                         r"with))\s*$", re.I)
# "with"/"on"/"in" also join a description ("a poster with banana leaves", "a cake on banana slices"): after
# one of them the name is the model only where nothing it could describe follows it ("draw a cat with banana",
# "in banana, please", "with banana for the cover")
_WEAK_CUE = re.compile(r"(?<![a-z])(?:with|on|in)\s*$", re.I)
_NOTHING_DESCRIBED = re.compile(r"\s*(?:$|[^\w\s]|(?:for|to|please|pls|plz|and|or|instead|this|that|"
                                r"then|again|now|today|only|but|so|if|because|rather|thanks|thx|ty)"
                                r"(?![a-z]))", re.I)
_CUE_AFTER = re.compile(r"^\s*(?:模型|model)", re.I)
# "difference between wan and pixverse?", "kling or wan": paired with another model's name, a name too
# ("sonic and tails racing" pairs it with no model)
_PAIRED_BEFORE = re.compile(r"(?:(?<![a-z])(?:vs\.?|versus|or|and)|和|还是|跟|与|或)\s*$", re.I)
_PAIRED_AFTER = re.compile(r"\s*(?:(?:vs\.?|versus|or|and)(?![a-z])|和|还是|跟|与|或|比)\s*", re.I)


@cache
def _plain_names() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The family nicknames that need no cue (one of them beside a name that does makes it a model too): at a
    place, and ending a text."""
    names = alternation([*(n for spec in model_names()["families"].values() for n in spec["names"]
                           if n.lower() not in _needs_cue()), *model_names().get("brands", {})])
    return re.compile(names, re.I), re.compile(rf"(?:{names})\s*$", re.I)


def _paired(lowered: str, start: int, end: int) -> bool:
    at, ending = _plain_names()
    before = _PAIRED_BEFORE.search(lowered, max(0, start - 8), start)
    if before and ending.search(lowered, max(0, before.start() - 24), before.start()):
        return True
    after = _PAIRED_AFTER.match(lowered, end)
    return bool(after and at.match(lowered, after.end()))
# "wan, 1080p, 10s — …", "suno: a lofi beat": a name opening the message on its own is addressed as a model
_OPENS = re.compile(r"^[\W_]*$")
_ALONE_AFTER = re.compile(r"^\s*(?:[:：\-—–]|[,，]\s*(?=\d))")  # not "Sonic, running through a loop"
# "…, 9:16, 5s, wan": a name alone in the message's last part, after an option said the same way
_LAST_PART_BEFORE = re.compile(r"(?:\d\s*(?:s|sec|secs|seconds|p|k)|\d:\d+|秒)\s*[,，]\s*$", re.I)
_ENDS_AFTER = re.compile(r"^[\s.!。！~]*$")


@cache
def _needs_cue() -> frozenset[str]:
    return frozenset(n.lower() for n in model_names().get("needs_cue", []))


_DISPLAY: dict[tuple[int, ...], tuple[tuple[Catalogue, ...], tuple[tuple[str, str], ...]]] = {}


def _display_names(catalogues: Mapping[str, Catalogue] | None) -> tuple[tuple[str, str], ...]:
    """(display name, model_id) of every live model; remembered per set of catalogue objects (they are
    immutable)."""
    cats = tuple((catalogues or {}).values())
    key = tuple(id(c) for c in cats)
    cached = _DISPLAY.get(key)
    if cached is not None and all(a is b for a, b in zip(cached[0], cats, strict=True)):
        return cached[1]
    names = tuple(sorted({(m.name, m.model_id) for c in cats for m in c}))
    if len(_DISPLAY) > 32:
        _DISPLAY.clear()
    _DISPLAY[key] = (cats, names)
    return names


@lru_cache(maxsize=CATALOGUE_KEYS)  # keyed by a catalogue's model names: bounded, as IMA changes them
def _entries(display: tuple[tuple[str, str], ...]) -> tuple[tuple[str, tuple[tuple[int, _Name], ...]], ...]:
    """Every name to look for (with its place in the list, which breaks ties), grouped by the piece every
    match of it contains: most messages name no model, and a few substring checks say so, where one
    pattern of all ~180 names cost a regex step per name at every position of the text."""
    groups: dict[str, list[tuple[int, _Name]]] = {}
    for index, entry in enumerate((*_catalogue_names(display), *_static_names())):
        groups.setdefault(entry.needle, []).append((index, entry))
    return tuple((needle, tuple(named)) for needle, named in groups.items())


def _cued(lowered: str, start: int, end: int) -> bool:
    """A name that is also a common word ("banana", "香蕉", "sonic") counts as a model only where it is
    used as one: a use-word before it ("use banana", "用香蕉画"; after "with"/"on"/"in" only with nothing
    it could describe after it), "model" or a version after it, beside another model's name, or alone at
    the start of the message ("香蕉 画个表情包"). Inside a description ("a poster with banana leaves",
    "画一根香蕉") it is the everyday word."""
    cue = _CUE_BEFORE.search(lowered[:start])
    if cue and _WEAK_CUE.search(lowered[:start]) and not _NOTHING_DESCRIBED.match(lowered, end):
        cue = None
    version = _VERSION.match(lowered, end)
    return bool(cue or _CUE_AFTER.match(lowered[end:])
                or (version and not _COUNTED.match(lowered, version.end()))
                or _paired(lowered, start, end)
                or (_OPENS.match(lowered[:start]) and (_ALONE_AFTER.match(lowered[end:])
                                                       or _ENDS_AFTER.match(lowered[end:])
                                                       or (not lowered[start].isascii()
                                                           and _SET_APART.match(lowered[end:]))))
                or (_ENDS_AFTER.match(lowered[end:])
                    and _LAST_PART_BEFORE.search(lowered[max(0, start - 16):start])))


def find_models(text: str, catalogues: Mapping[str, Catalogue] | None) -> list[ModelRef]:
    """Every model named in the text, longest first, without overlaps, in reading order."""
    lowered = text.lower()
    hits: list[tuple[int, int, int, int, int, _Name]] = []
    for needle, named in _entries(_display_names(catalogues)):
        if needle not in lowered:
            continue
        for index, entry in named:
            for match in entry.pattern.finditer(lowered):
                if match.end() <= match.start():
                    continue
                if match.group(0) in _needs_cue() and not _cued(lowered, match.start(), match.end()):
                    continue  # "Sonic the Hedgehog" is a subject, "use sonic" is the model
                hits.append((match.end() - match.start(), entry.specific, -index, -match.start(), match.end(),
                             entry))
    # longest first, then the most specific, then the earlier name in the list, then the earlier place
    hits.sort(key=lambda h: (h[0], h[1], h[2], h[3]), reverse=True)
    taken: list[ModelRef] = []
    for _length, _, _, neg_start, end, entry in hits:
        start = -neg_start
        if any(start < ref.end and ref.start < end for ref in taken):
            continue
        family_only = not entry.name and not entry.model_ids and entry.family
        version = _VERSION.match(lowered, end) if family_only else None
        if version and not _COUNTED.match(lowered, version.end()) \
                and not any(version.start() <= ref.start < version.end() for ref in taken):
            end = version.end()  # "kling 2.1", "suno v5": a version the catalogue has not is still the name
        taken.append(ModelRef(start, end, text[start:end], entry.name, entry.model_ids, entry.family))
    found = sorted(taken, key=lambda ref: ref.start)
    return [_branded(ref, text) for ref in found if not _app_talk(ref, text, found)]


_APP_AFTER = re.compile(r"^\s*(?:说|上|里|那边|这边|app|APP|App|又|也|居然|竟然|最近|今天|好像|是不是|都)"
                        r"|^\s*(?:is|was|keeps|said|says|app|told|can't|cannot|won't)(?![a-z])", re.I)
_SHAPE_AFTER = re.compile(r"\s*(?:风格|风|形状|样子|造型|味|馅|一样|似的|状|那样|这样)")
_APP_VERB_AFTER = re.compile(r"^\s*(?:查|问|搜|聊|看|玩|说|算|翻译|回答|写作业|帮我查)")
_BREAK = re.compile(r"[,，。.;；!！?？\n]")
_SET_APART = re.compile(r"^\s*[:：\-—–,，]|^\s+\S")


def _app_talk(ref: ModelRef, text: str, found: list[ModelRef]) -> bool:
    """"豆包今天又抽风了", "你和豆包谁聪明", "用豆包查了一下天气": a brand that is also a chat app (豆包,
    即梦), talked about as the app. It names a model only said with a use-word (not "用豆包查…"), "模型"
    after it, what to make in its clause ("豆包 bgm", "即梦画一张"), or another model beside it
    ("即梦和可灵哪个好")."""
    if ref.text.strip().lower() not in _brands():
        return False
    lowered = text.lower()
    if _APP_AFTER.match(text[ref.end:]) or _SHAPE_AFTER.match(text, ref.end):
        # "豆包说画不了", "即梦上做的不满意", "即梦app最近…": the app, or what it did; "豆包形状的猫": the bun
        return True
    if _CUE_AFTER.match(lowered[ref.end:]) or (_OPENS.match(lowered[:ref.start])
                                               and _SET_APART.match(lowered[ref.end:])):
        return False  # "即梦 水墨山水", "即梦，画一张…": named first, set apart, as the one to use
    if _CUE_BEFORE.search(lowered[:ref.start]) and not _APP_VERB_AFTER.match(text[ref.end:]):
        return False
    starts = [m.end() for m in _BREAK.finditer(text, 0, ref.start)]
    start = starts[-1] if starts else 0
    stop = _BREAK.search(text, ref.end)
    end = stop.start() if stop else len(text)
    clause = text[start:ref.start] + " " + text[ref.end:end]
    if any(other is not ref and start <= other.start < end and other.text.strip().lower() not in _brands()
           for other in found):
        return False
    return not (detect(clause) or pattern("create_verbs").search(clause))


#: a version said after a family's name: "v5", "2.1", "3" (not "5s", "9:16", "4k", "1080p", "2只", "3张")
_VERSION = re.compile(r"[\s\-_]?(?:v\s?\d+(?:\.\d+)*|\d+\.\d+|\d{1,2})"
                      r"(?![\d.:：x×]|\s*(?:秒|分|s(?![a-z])|sec|min|k(?![a-z])|p(?![a-z])|"
                      r"[张幅首段条份款版个只位部]|倍))", re.I)
#: what makes the number a count ("suno 2 songs about rain", "kling 3 videos"): a plural after it
_COUNTED = re.compile(r"\s*(?:more\s+|different\s+)?(?:images|pictures|pics|photos|versions|variations|"
                      r"videos|clips|songs|tracks|takes|ones|of\s+them)(?![a-z])", re.I)


def _branded(ref: ModelRef, text: str) -> ModelRef:
    """"即梦 做个视频": a name the catalogue gives to a family per media means the family of the media asked
    for ("即梦 画一张" SeeDream, "即梦 做个视频" SeeDance), else the first one listed."""
    families = _brands().get(ref.text.strip().lower())
    if families is None:
        return ref
    asked = detect(text[:ref.start] + " " + text[ref.end:])
    family = families.get(asked or "") or next(iter(families.values()))
    return ModelRef(ref.start, ref.end, ref.text, None, (), family)


@cache
def _brands() -> dict[str, dict[str, str]]:
    return {name.lower(): dict(families) for name, families in model_names().get("brands", {}).items()
            if isinstance(families, dict)}


def media_of(ref: ModelRef, catalogues: Mapping[str, Catalogue] | None) -> set[str]:
    """Which media the named model can make, from the live catalogue."""
    return {MEDIA_OF_CATEGORY[category] for category,
            catalogue in (catalogues or {}).items() if ref.resolve(catalogue)}



# "… over the normal one", "vs the regular version", "和普通版比": the family's plain model, beside a named
# version
_PLAIN_ONE = re.compile(r"(?<![a-z])(?:the\s+)?(?:normal|regular|base|basic|standard|plain|non-pro|cheaper|"
                        r"original|old|older)\s+(?:one|version|model|tier)(?![a-z])"
                        r"|普通版|标准版|基础版|普通的|便宜的那个|原版", re.I)


def plain_of_family(text: str, refs: list[ModelRef]) -> ModelRef | None:
    """The family's plain model as a second name, when the text names one versioned model of a family and
    weighs it against "the normal one" ("is nano banana pro worth it over the normal one?")."""
    named = [r for r in refs if r.family and (r.name or r.model_ids)]
    if len(named) != 1 or len(refs) != 1:
        return None
    found = _PLAIN_ONE.search(text)
    if found is None:
        return None
    return ModelRef(found.start(), found.end(), found.group(0), family=named[0].family)
