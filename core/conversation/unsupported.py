"""What the catalogue cannot do exactly, answered with the closest offers instead of a refusal.

Too big a size, an image aspect ratio, sound on a silent model, too long a video, a song length,
an option no credit rule matches: each says why and offers priced alternatives (:mod:`.offers`).
"""

from __future__ import annotations

from typing import Any

from ..catalogue import Catalogue, Model, Quote, normalize
from ..errors import NoMatchingRule
from ..i18n import t
from ..media import MEDIA_OF_CATEGORY
from ..selection import knowledge
from ..views import View
from .chat import Chat, Choice, Turn
from .offers import offer, option_lines, use_each
from .start import choose


async def offer_for(chat: Chat, turn: Turn, catalogue: Catalogue, model: Model, options: dict[str, Any],
                    n: int, err: NoMatchingRule) -> View:
    """The request does not fit ``model``'s credit rules: say why and offer what comes closest."""
    lang, prompt, images = turn.language, turn.intent.prompt, turn.images
    media = MEDIA_OF_CATEGORY[catalogue.category]
    if options.get("size") is not None and media == "image":
        found = await _max_size_offer(chat, turn, catalogue, model, options, n)
        if found is not None:
            return found
    if "aspect_ratio" in options and media == "image":
        return await _ratio_offer(chat, turn, model, options, n)
    if options.get("generate_audio") is True and model.try_quote(options, n) is None:
        with_audio = [q for m in catalogue if (q := m.try_quote(options, n))][:3]
        if with_audio:
            lines = [t(lang, "offer.audio", model=model.name), *option_lines(lang, with_audio)]
            return await offer(chat, turn.event, lang, t(lang, "offer.audio_title"), lines, prompt, images,
                               use_each(lang, with_audio))
    if "duration" in options and media == "video":
        found = await _too_long_offer(chat, turn, catalogue, options, n)
        if found is not None:
            return found
    # anything else: the closest combination this model can do, with its price; models that can do exactly
    # this; and this model with its usual settings
    lines = [t(lang, "offer.unsupported_plain", model=model.name)]
    choices: list[tuple[Quote, str]] = []
    near = _nearest_combination(model, options, n)
    if near is not None:
        quote, changes = near
        said = t(lang, "offer.changes_sep").join(_change_words(lang, key, old, new) for key, old,
                                                 new in changes)
        lines.append(t(lang, "offer.nearest", model=model.name, changes=said, credits=quote.total))
        choices.append((quote, t(lang, "action.use_nearest", changes=said)))
    able = sorted((q for m in catalogue if m.key != model.key and (q := m.try_quote(options, n))),
                  key=lambda q: q.total)[:2]
    lines += option_lines(lang, able)
    choices += use_each(lang, able)
    fallback = model.try_quote({}, n)
    if fallback is not None and (near is None or fallback.params != near[0].params):
        choices.append((fallback, t(lang, "action.use_defaults", model=model.name)))
        lines.append(t(lang, "offer.usual", model=model.name, credits=fallback.total))
    return await offer(chat, turn.event, lang, t(lang, "offer.unsupported_title"), lines, prompt, images,
                       choices)


async def _max_size_offer(chat: Chat, turn: Turn, catalogue: Catalogue, model: Model, options: dict[str, Any],
                          n: int) -> View | None:
    lang, size = turn.language, options["size"]
    sizes = {s for m in catalogue for s in m.values_of("size")}
    biggest = max(sizes, key=_size_rank) if sizes else None
    if not biggest or _size_rank(str(size)) <= _size_rank(biggest):
        return None
    shown = str(biggest).upper().replace("PX", "px")
    opts = {**options, "size": biggest}
    quote = model.try_quote(opts, n) or chat.selector.cheapest(catalogue, opts, n)
    if quote is None:
        return None
    line = t(lang, "offer.max_size", size=shown, model=quote.model.name, credits=quote.total)
    label = t(lang, "action.use_model_size", model=quote.model.name, size=shown)
    return await offer(chat, turn.event, lang, t(lang, "offer.max_size_title", size=str(size).upper()),
                       [line], turn.intent.prompt, turn.images, [(quote, label)])


async def _ratio_offer(chat: Chat, turn: Turn, model: Model, options: dict[str, Any], n: int) -> View:
    """Image models take no aspect ratio: offer a video in that shape, or a standard-shaped image."""
    lang, ratio = turn.language, options["aspect_ratio"]
    plain = model.try_quote({k: v for k, v in options.items() if k != "aspect_ratio"}, n)
    videos = await chat.selector.catalogue("text_to_video", lang)
    video_model = chat.selector.default_model(videos)
    shape = _nearest_ratio(str(ratio), video_model.values_of("aspect_ratio")) if video_model else None
    video_quote = video_model.try_quote({"aspect_ratio": shape}) if video_model and shape else None
    choices: list[tuple[Quote, str]] = []
    lines = [t(lang, "offer.image_ratio", ratio=ratio)]
    if video_quote is not None:
        name, key = (
            video_quote.model.name,
            "offer.image_ratio_video" if shape == ratio else "offer.image_ratio_video_near",
        )
        lines.append(t(lang, key, model=name, ratio=ratio, shape=shape, credits=video_quote.total))
        choices.append((video_quote, t(lang, "action.make_video", model=name)))
    if plain is not None:
        key = "offer.image_ratio_plain" if video_quote is not None else "offer.image_ratio_plain_only"
        lines.append(t(lang, key, model=plain.model.name, credits=plain.total))
        choices.append((plain, t(lang, "action.standard_shape")))
    return await offer(chat, turn.event, lang, t(lang, "offer.image_ratio_title"), lines, turn.intent.prompt,
                       turn.images, choices)


async def _too_long_offer(chat: Chat, turn: Turn, catalogue: Catalogue, options: dict[str, Any],
                          n: int) -> View | None:
    lang = turn.language
    wanted = float(normalize(options["duration"]))
    durations = sorted({float(d) for m in catalogue for d in m.values_of("duration")
                        if normalize(d).replace(".", "").isdigit()})
    longest = max(durations) if durations else None
    if longest is None or wanted <= longest:
        return None
    opts = {**options, "duration": int(longest)}
    quotes = sorted((q for m in catalogue if (q := m.try_quote(opts, n))), key=lambda q: q.total)[:3]
    lines = [t(lang, "offer.too_long", wanted=int(wanted), longest=int(longest)), *option_lines(lang, quotes)]
    return await offer(chat, turn.event, lang, t(lang, "offer.too_long_title", longest=int(longest)), lines,
                       turn.intent.prompt, turn.images, use_each(lang, quotes))


async def music_length_offer(chat: Chat, turn: Turn, catalogue: Catalogue, options: dict[str, Any]) -> View:
    """Music models choose the length themselves: say how long each one's songs are, offer to go anyway."""
    lang = turn.language
    lengths = knowledge()["music_length_s"]
    lines = [t(lang, "offer.music_length")]
    for model in catalogue:
        if model.model_id in lengths:
            lines.append(t(lang, "offer.music_length_line", model=model.name,
                           seconds=lengths[model.model_id]))
    rest = {k: v for k, v in options.items() if k != "duration"}
    choice = await choose(chat, turn, catalogue, rest)
    choices = []
    if isinstance(choice, Choice) and (quote := choice.model.try_quote(rest, turn.intent.n or 1)):
        choices.append((quote, t(lang, "action.make_anyway", model=quote.model.name)))
        lines.append(t(lang, "offer.option", model=quote.model.name, credits=quote.total))
    return await offer(chat, turn.event, lang, t(lang, "offer.music_length_title"), lines, turn.intent.prompt,
                       [], choices)


def _size_rank(size: str) -> int:
    order = [normalize(s) for s in knowledge()["size_order"]]
    value = normalize(size)
    return order.index(value) if value in order else -1


def _ratio_value(text: str) -> float | None:
    width, _, height = text.partition(":")
    try:
        return float(width) / float(height)
    except (ValueError, ZeroDivisionError):
        return None


def _nearest_ratio(wanted: str, offered: list[str]) -> str | None:
    """The offered shape closest to ``wanted`` (7:3 → 16:9), or ``wanted`` itself when offered."""
    if normalize(wanted) in {normalize(o) for o in offered}:
        return wanted
    target = _ratio_value(wanted)
    shapes = [(abs(v - target), o) for o in offered if (v := _ratio_value(o)) is not None] if target else []
    return min(shapes)[1] if shapes else None


_RANKED = ("512px", "540p", "720p", "768p", "1k", "1080p", "2k", "4k")


def _distance(key: str, wanted: object, got: object) -> float:
    """How far ``got`` is from what the user asked (0: the same)."""
    a, b = normalize(wanted), normalize(got)
    if a == b:
        return 0.0
    try:
        x, y = float(a), float(b)
        return abs(x - y) / max(abs(x), abs(y), 1.0)
    except ValueError:
        pass
    if a in _RANKED and b in _RANKED:
        return abs(_RANKED.index(a) - _RANKED.index(b)) / len(_RANKED)
    return 1.0


def _nearest_combination(model: Model, options: dict[str, Any],
                         n: int) -> tuple[Quote, list[tuple[str, Any, Any]]] | None:
    """The combination ``model`` can price that changes the request least (e.g. 8 s instead of 10 s at 4K),
    with what changed as (option, asked, offered)."""
    best: tuple[float, int, Quote, list[tuple[str, Any, Any]]] | None = None
    for rule in model.rules:
        candidate = {k: v for k, v in options.items() if model.supports(k)}
        candidate.update({k: v for k, v in rule.attributes.items() if k != "default"})
        for key, value in list(candidate.items()):
            field = model.form.get(key)
            if field is not None and field.options and field.option_for(value) is None:
                near = _nearest_ratio(str(value),
                                      [str(o) for o in field.options]) if key == "aspect_ratio" else None
                candidate[key] = near or field.default
        quote = model.try_quote(candidate, n)
        if quote is None:
            continue
        changes = [(k, v, quote.params.get(k)) for k, v in options.items()
                   if _distance(k, v, quote.params.get(k, "")) > 0]
        score = sum(_distance(k, v, got) for k, v, got in changes)
        if best is None or (score, quote.total) < (best[0], best[1]):
            best = (score, quote.total, quote, changes)
    return (best[2], best[3]) if best is not None and best[3] else None


def _change_words(lang: str, key: str, asked: Any, got: Any) -> str:
    def shown(value: Any) -> str:
        if key == "duration":
            return t(lang, "settings.seconds", n=normalize(value))
        if key == "generate_audio":
            return t(lang, "settings.sound" if normalize(value) == "true" else "settings.silent")
        return str(value).upper().replace("PX", "px") if key in ("resolution", "size") else str(value)

    if got in (None, ""):
        return t(lang, "offer.change_without", old=shown(asked))
    return t(lang, "offer.change", new=shown(got), old=shown(asked))
