""""Draw / animate / compose …": check the request, pick the model, price it, then confirm or start.

Anything missing (an image to animate, a prompt) is asked for; anything the catalogue cannot do
becomes an offer (:mod:`.offers`); nothing is charged here.
"""

from __future__ import annotations

from .. import views
from ..errors import NoMatchingRule
from ..i18n import t
from ..media import ANIMATING, MEDIA_OF_CATEGORY, images_needed
from ..parsing.gate import AMBIGUOUS
from ..views import View
from .budgets import disabled_media
from .chat import Chat, Choice, Turn
from .offers import offer
from .start import choose, start
from .unsupported import music_length_offer, offer_for

MUSIC_ONLY = ("lyrics", "custom_mode", "vocal_gender")
DEFAULT_MOTION_PROMPT = "natural, smooth motion; cinematic camera movement"  # sent to IMA only, never shown


async def on_generate(chat: Chat, turn: Turn) -> View | None:
    event, intent, lang, images = turn.event, turn.intent, turn.language, turn.images
    task_type = intent.task_type or "text_to_image"
    media = MEDIA_OF_CATEGORY[task_type]
    media_word = t(lang, f"media.{media}")
    if media in await disabled_media(chat, event):
        return views.notice(lang, "admin.type_off", media=media_word)
    if intent.problem == "need_two_images" or (images_needed(task_type) == 2 and len(images) < 2):
        return views.notice(lang, "ask.two_images")
    if intent.problem == "need_image" or len(images) < images_needed(task_type):
        return views.notice(lang, "ask.image", media=media_word)
    if not intent.prompt.strip():
        if task_type not in ANIMATING:
            return views.notice(lang, "ask.prompt", media=media_word)
        intent.prompt = DEFAULT_MOTION_PROMPT  # "animate this" needs no more words
    if len(intent.prompt) > chat.settings.max_prompt_chars:
        return views.notice(lang, "ask.shorter", limit=chat.settings.max_prompt_chars)
    catalogue = (await turn.catalogues(chat))[task_type]
    if not len(catalogue):
        return views.notice(lang, "reply.type_unavailable", media=media_word)
    if intent.model_hint and not intent.model_key:
        names = ", ".join(m.name for m in list(catalogue)[:6])
        return views.notice(lang, "model.not_for_type", media=media_word, models=names)
    options = {k: v for k, v in intent.options.items() if media == "music" or k not in MUSIC_ONLY}
    if media == "music" and "duration" in options:
        return await music_length_offer(chat, turn, catalogue, options)
    choice = await choose(chat, turn, catalogue, options)
    if isinstance(choice, View):
        return choice
    n = intent.n or 1
    if n > choice.model.max_n:
        choice.notes.append(t(lang, "note.n_clamped", n=choice.model.max_n, model=choice.model.name))
        n = choice.model.max_n
    try:
        quote = choice.model.quote(options, n)
    except NoMatchingRule as err:
        return await offer_for(chat, turn, catalogue, choice.model, options, n, err)
    if intent.gate == AMBIGUOUS:  # maybe a request, maybe not: one tap makes it, nothing is charged before
        label = t(lang, "action.make_it", prompt=_short(intent.prompt))  # the price goes next to it, as on every offer
        return await offer(chat, event, lang, t(lang, "ask.make_it"), [], intent.prompt, images, [(quote, label)])
    await _remember_or_hint(chat, turn, choice, quote.model.model_id, quote.model.model_version, quote.model.name)
    return await start(chat, event, lang, quote, intent.prompt, images, options, choice)


async def _remember_or_hint(chat: Chat, turn: Turn, choice: Choice, model_id: str, version: str, name: str) -> None:
    """"Always use X …" saves X; naming another model than the saved one says how to switch for good."""
    event, lang, task_type = turn.event, turn.language, turn.intent.task_type or "text_to_image"
    if turn.intent.model_mode == "always":
        await chat.store.set_preference(event.platform, event.user_id, task_type, model_id, version, name)
        choice.notes.append(t(lang, "pref.saved_inline", model=name))
    elif choice.source == "explicit":
        usual = await chat.store.preference(event.platform, event.user_id, task_type)
        if usual and usual["model_id"] != model_id:
            choice.notes.append(t(lang, "pref.switch_hint", old=usual["model_name"], new=name))


def _short(prompt: str, limit: int = 40) -> str:
    return prompt if len(prompt) <= limit else prompt[: limit - 1].rstrip() + "…"
