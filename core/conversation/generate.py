""""Draw / animate / compose …": check the request, pick the model, price it, then confirm or start.

Anything missing (an image to animate, a prompt) is asked for; anything the catalogue cannot do
becomes an offer (:mod:`.offers`); nothing is charged here.
"""

from __future__ import annotations

from .. import views
from ..catalogue import Model
from ..errors import NoMatchingRule
from ..i18n import t
from ..media import ANIMATING, MEDIA_OF_CATEGORY, images_needed
from ..parsing.gate import AMBIGUOUS
from ..views import View
from .budgets import disabled_media
from .chat import Chat, Choice, Turn
from .offers import offer
from .preferences import apply_default_rule
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
        # the price goes next to it, as on every offer
        label = t(lang, "action.make_it", prompt=short(intent.prompt))
        return await offer(chat, event, lang, t(lang, "ask.make_it"), [], intent.prompt, images,
                           [(quote, label)])
    decision, old_name = await _preference_rule(chat, turn, choice, quote.model)
    # a cost confirmation carries the rule and applies it once the user goes ahead
    started = await start(chat, event, lang, quote, intent.prompt, images, options, choice,
                          default_rule=(decision, old_name))
    submitted = started is None or (bool(choice.notes) and started.title == choice.notes[0])
    if decision != "ask" or not submitted:
        # nothing to ask; a model to save was saved with the task and is said on its status message; a cost
        # confirmation / refusal: nothing is saved before a task runs
        return started
    return await apply_default_rule(chat, event, lang, task_type, decision, old_name, quote.model, started,
                                    choice.notes)


async def _preference_rule(chat: Chat, turn: Turn, choice: Choice, model: Model) -> tuple[str | None,
                                                                                          str | None]:
    """The spec's preference rules: ("save", None), ("ask", old default's name) or (None, None).

    A named model ("use X", "用X") is used and saved, unless another one is saved (then the change
    prompt asks); "best" is saved; "cheapest" only with "always"; the recommended or server default
    is never saved, so an admin's default keeps reaching members who never chose. Saving happens
    once the task is under way, never for a request that was not made.
    """
    event, task_type = turn.event, turn.intent.task_type or "text_to_image"
    always = turn.intent.model_mode == "always"
    if not always and choice.source not in ("explicit", "best"):
        return None, None
    usual = await chat.store.preference(event.platform, event.user_id, task_type)
    if usual and usual["model_id"] == model.model_id:
        return None, None
    if usual and choice.source == "explicit" and not always:
        return "ask", usual["model_name"]
    return "save", None


def short(prompt: str, limit: int = 40) -> str:
    return prompt if len(prompt) <= limit else prompt[: limit - 1].rstrip() + "…"
