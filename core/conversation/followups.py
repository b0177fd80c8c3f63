"""Replies to what came before: "yes" / "no" to an offer, cancel, "one more", "try another model"."""

from __future__ import annotations

from .. import views
from ..i18n import t
from ..intent import Intent
from ..kinds import ActionKind, IntentKind
from ..media import MEDIA_OF_CATEGORY
from ..parsing.gate import AMBIGUOUS
from ..refs import TaskRef
from ..views import View
from .buttons import accept, again_quote, press
from .chat import Chat, Turn
from .generate import on_generate, short
from .offers import alternatives_offer, offer, option_lines
from .pending import PendingOffer, choice_id
from .preferences import on_reset_preference
from .running import cancel_or_ask


async def on_yes(chat: Chat, turn: Turn) -> View | None:
    """"Yes" takes the newest offer, as if its first button was pressed (except "Delete my data")."""
    latest = await chat.store.latest_pending(turn.event.platform, turn.event.user_id)
    if latest is None:
        return views.notice(turn.language, "reply.nothing_pending")
    return await accept(chat, turn.event, latest[0], typed=True)


async def on_no(chat: Chat, turn: Turn) -> View | None:
    """"No" presses the newest offer's stop choice if it has one ("never mind", "just this time")."""
    latest = await chat.store.latest_pending(turn.event.platform, turn.event.user_id)
    group = PendingOffer.from_json(latest[1]).group if latest is not None else ""
    stop = await chat.store.get_pending(choice_id(group, 1)) if group else None
    if stop is not None and stop[2].get("drop"):
        return await accept(chat, turn.event, choice_id(group, 1))
    if latest is not None:
        await chat.store.clear_pending_group(PendingOffer.from_json(latest[1]).group)
        await chat.store.take_pending(latest[0])
    return views.notice(turn.language, "reply.dropped")


async def on_cancel(chat: Chat, turn: Turn) -> View:
    """"cancel", "别画了": the running tasks stop; "no more videos for today lol, I'm out of credits": asked
    first (:mod:`.running`), and with nothing running, said gently that there is nothing to stop."""
    return await cancel_or_ask(chat, turn, none_key="cancel.soft_none")


async def on_again(chat: Chat, turn: Turn) -> View | None:
    """"One more" / "再来一个": the user's last request again; "换成海螺再试一次": again, with that model."""
    event, intent, lang = turn.event, turn.intent, turn.language
    # (this conversation's tasks only: "one more" in a group must not re-run, or show, a DM's request)
    last = await chat.store.user_tasks(event.platform, event.user_id, chat_id=event.chat_id, latest=1)
    if not last:
        return views.notice(lang, "reply.nothing_to_redo")
    record = last[-1]
    wanted = intent.model_hint or intent.model_key
    if intent.gate == AMBIGUOUS and not wanted:
        # "haha nice one, 4k": maybe "make it again in 4K", maybe a remark: offered with its price, never run
        again = await again_quote(chat, record, lang, n=intent.n, changes=intent.options or None)
        if again is None:
            return await alternatives_offer(chat, event, record, lang)
        quote, _, choice = again
        prompt = record.request["prompt"]
        return await offer(chat, event, lang, t(lang, "ask.make_it"), option_lines(lang, [quote]), prompt,
                           record.request.get("images", []),
                           [(quote, t(lang, "action.make_it", prompt=short(prompt)))], choice.source)
    if not wanted:
        return await press(chat, event, ActionKind.RETRY, record.id, n=intent.n,
                           changes=intent.options or None)
    catalogue = await chat.selector.catalogue(record.task_type, record.language)
    model = catalogue.find(wanted)
    if model is None:
        names = ", ".join(m.name for m in list(catalogue)[:6])
        media = t(lang, f"media.{MEDIA_OF_CATEGORY[record.task_type]}")
        return views.notice(lang, "model.not_for_type", media=media, models=names)
    return await press(chat, event, ActionKind.PICK_MODEL, TaskRef(record.id, model.key).encode(), n=intent.n)


async def on_try_another(chat: Chat, turn: Turn) -> View | None:
    """"Try another model": the alternatives to the last task's model as buttons; with the request restated
    ("switch model and redo it: a fox …"), that request made with the first alternative."""
    if turn.intent.prompt:
        await _another_model(chat, turn)
        return await on_generate(chat, turn)
    last = await chat.store.user_tasks(turn.event.platform, turn.event.user_id, chat_id=turn.event.chat_id,
                                       latest=1)
    if not last:
        return views.notice(turn.language, "reply.nothing_to_redo")
    return await alternatives_offer(chat, turn.event, last[-1], turn.language, count=3)


async def run_first(chat: Chat, turn: Turn) -> list[View]:
    """"reset and then draw a fox", "cancel that and make a video instead", "switch model and redo it: …":
    the commands said before the request, done in order; returns what each of them answers."""
    said: list[View] = []
    for kind in turn.intent.commands:
        if kind is IntentKind.TRY_ANOTHER:
            await _another_model(chat, turn)
            continue
        first = Turn(turn.event, Intent(kind, turn.language, plain=turn.intent.plain,
                                        named_media=turn.intent.named_media, named=turn.intent.named),
                     loaded=turn.loaded)
        if kind is IntentKind.RESET_PREFERENCE:
            said.append(await on_reset_preference(chat, first))
        elif kind is IntentKind.CANCEL:
            # "stop the current one and draw a horse" stops it; "no more videos, draw a cat" asks first
            said.append(await cancel_or_ask(chat, first))
    return said


async def _another_model(chat: Chat, turn: Turn) -> None:
    """The restated request goes to the first alternative to the model used last time (unless it names
    one)."""
    intent = turn.intent
    last = await chat.store.user_tasks(turn.event.platform, turn.event.user_id, chat_id=turn.event.chat_id,
                                       latest=1)
    if intent.model_key or intent.model_hint or not last or not intent.task_type:
        return
    catalogue = (await turn.catalogues(chat))[intent.task_type]
    current = catalogue.by_key(last[-1].model_version) or catalogue.by_model_id(last[-1].model_id)
    if current is None:
        return
    picks = chat.selector.alternatives(catalogue, current, intent.options, intent.n or 1, count=1)
    if picks:
        intent.model_key, intent.model_mode, intent.picked = picks[0].key, "this_time", True
