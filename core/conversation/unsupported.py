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

OPTION_WORDS = frozenset({"size", "resolution", "duration", "aspect_ratio", "generate_audio", "mode", "vocal_gender"})


async def offer_for(chat: Chat, turn: Turn, catalogue: Catalogue, model: Model, options: dict[str, Any], n: int,
                    err: NoMatchingRule) -> View:
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
    # anything else: models that can do exactly this, else this model with what it supports
    able = sorted((q for m in catalogue if m.key != model.key and (q := m.try_quote(options, n))),
                  key=lambda q: q.total)[:3]
    supported = "; ".join(f"{_option_word(lang, k)} {', '.join(v)}" for k, v in err.supported.items() if v)
    lines = [t(lang, "offer.unsupported", model=model.name, supported=supported or "—"), *option_lines(lang, able)]
    choices = use_each(lang, able)
    if not able:
        kept = {k: v for k, v in options.items() if k not in err.requested or k not in err.supported}
        fallback = model.try_quote(kept, n) or model.try_quote({}, n)
        if fallback is not None:
            choices.append((fallback, t(lang, "action.use_defaults", model=model.name)))
            lines.append(t(lang, "offer.option", model=model.name, credits=fallback.total))
    return await offer(chat, turn.event, lang, t(lang, "offer.unsupported_title"), lines, prompt, images, choices)


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
    return await offer(chat, turn.event, lang, t(lang, "offer.max_size_title", size=str(size).upper()), [line],
                       turn.intent.prompt, turn.images, [(quote, label)])


async def _ratio_offer(chat: Chat, turn: Turn, model: Model, options: dict[str, Any], n: int) -> View:
    """Image models take no aspect ratio: offer a video in that shape, or a standard-shaped image."""
    lang, ratio = turn.language, options["aspect_ratio"]
    plain = model.try_quote({k: v for k, v in options.items() if k != "aspect_ratio"}, n)
    videos = await chat.selector.catalogue("text_to_video", lang)
    video_model = chat.selector.default_model(videos)
    video_quote = video_model.try_quote({"aspect_ratio": ratio}) if video_model else None
    choices: list[tuple[Quote, str]] = []
    lines = [t(lang, "offer.image_ratio", ratio=ratio)]
    if video_quote is not None:
        name = video_quote.model.name
        lines.append(t(lang, "offer.image_ratio_video", model=name, ratio=ratio, credits=video_quote.total))
        choices.append((video_quote, t(lang, "action.make_video", model=name)))
    if plain is not None:
        lines.append(t(lang, "offer.image_ratio_plain", model=plain.model.name, credits=plain.total))
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
            lines.append(t(lang, "offer.music_length_line", model=model.name, seconds=lengths[model.model_id]))
    rest = {k: v for k, v in options.items() if k != "duration"}
    choice = await choose(chat, turn, catalogue, rest)
    choices = []
    if isinstance(choice, Choice) and (quote := choice.model.try_quote(rest, turn.intent.n or 1)):
        choices.append((quote, t(lang, "action.make_anyway", model=quote.model.name)))
        lines.append(t(lang, "offer.option", model=quote.model.name, credits=quote.total))
    return await offer(chat, turn.event, lang, t(lang, "offer.music_length_title"), lines, turn.intent.prompt, [],
                       choices)


def _option_word(lang: str, key: str) -> str:
    return t(lang, f"option.{key}") if key in OPTION_WORDS else t(lang, "option.other")


def _size_rank(size: str) -> int:
    order = [normalize(s) for s in knowledge()["size_order"]]
    value = normalize(size)
    return order.index(value) if value in order else -1
