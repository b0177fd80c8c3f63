"""The conversation: from a chat message (or a button) to a reply, an offer, or a running task.

Adapters call :meth:`Conversation.handle` for messages and :meth:`Conversation.handle_action` for
button presses. The parsed intent's kind picks one handler from :data:`.table.HANDLERS`; the
handlers live by concern: :mod:`.generate`, :mod:`.offers`, :mod:`.start` (confirm or run),
:mod:`.buttons`, :mod:`.followups`, :mod:`.preferences`, :mod:`.info`, :mod:`.budgets`, :mod:`.admin`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

from .. import views
from ..contracts import ChannelError, ChatEvent
from ..errors import IMAError, UploadRejected
from ..i18n import detect_language, t
from ..intent import Intent, parse, slash_intent
from ..kinds import IntentKind
from ..manager import TaskManager
from ..reply_order import send_in_order
from ..selection import Selector
from ..store import STORE_ERRORS, Store
from ..views import View
from . import buttons
from .admin import admin, admin_words
from .chains import edit_with, waiting_edit
from .chat import Chat, ConversationSettings, Turn
from .followups import run_first
from .pending import remember_shown
from .preferences import named_model
from .table import HANDLERS

log = logging.getLogger(__name__)


class Conversation:
    def __init__(self, store: Store, selector: Selector, manager: TaskManager,
                 settings: ConversationSettings | None = None) -> None:
        self.chat = Chat(store, selector, manager, settings or ConversationSettings())

    @property
    def settings(self) -> ConversationSettings:
        return self.chat.settings

    async def handle(self, event: ChatEvent) -> View | None:
        """Answer one chat message. The reply (if any) is sent to the event's channel and also returned."""
        # the message's own language wins
        language = detect_language(event.text, default=event.language or "en")
        try:
            if event.event_id and not await self.chat.store.claim_event(event.platform, event.event_id):
                return None  # a redelivery of something already handled
        except STORE_ERRORS:
            return await self._reply(event, language, _cannot_save(language))
        return await self._reply(event, language, self._answer(event, language))

    async def handle_action(self, event: ChatEvent, kind: str, ref: str) -> View | None:
        """A button press; the reply (if any) is sent to the event's channel and also returned."""
        return await self._reply(event, event.language or "en", buttons.press(self.chat, event, kind, ref))

    async def command(self, event: ChatEvent, name: str, media: str | None = None,
                      model: str | None = None) -> View | None:
        """Menu commands that are not a generation (/models, /prefs, /usage, /cancel, forget me), answered
        likewise."""
        language = event.language or "en"
        try:
            kind = IntentKind(name)
        except ValueError:
            kind = IntentKind.HELP
        # a command from the menu is said plainly: /cancel stops at once
        intent = Intent(kind, language, media=media, model_hint=model, model_mode="always" if model else None,
                        plain=True)
        return await self._reply(event, language, self._command(Turn(event, intent), model))

    async def refusal(self, event: ChatEvent, kind: str, ref: str) -> View | None:
        """The refusal shown (only to them) when someone presses a button on another user's request."""
        return await buttons.refusal(self.chat, event, kind, ref)

    async def _reply(self, event: ChatEvent, language: str, answer: Awaitable[View | None]) -> View | None:
        """The one way a reply leaves the core: through the channel of the event it answers."""
        try:
            view = await answer
        except IMAError as exc:
            log.warning("could not answer", extra={"kind": exc.kind})
            view = views.notice(language, "reply.trouble", reason=t(language, f"error.{exc.kind.value}"))
        except ChannelError:
            log.warning("could not post in the chat", extra={"platform": event.platform})
            return None
        except STORE_ERRORS as exc:  # locked, full or read-only: said, never silence
            log.error("could not answer: the database is failing", extra={"error": type(exc).__name__})
            view = await _cannot_save(language)
        if view is not None:
            await self._post(event, view)
        return view

    async def _post(self, event: ChatEvent, view: View) -> None:
        try:
            ref = await send_in_order(self.chat.manager.platforms[event.platform].channel(event.route), view)
        except ChannelError:
            log.warning("could not post a reply in the chat", extra={"platform": event.platform})
        else:
            try:
                await remember_shown(self.chat.store, event.platform, event.user_id, event.route, ref, view)
            except STORE_ERRORS:
                log.warning("could not remember a shown message: the database is failing")

    async def _command(self, turn: Turn, model: str | None) -> View | None:
        kind = turn.intent.kind
        if kind is IntentKind.SET_PREFERENCE:
            found = named_model(await turn.catalogues(self.chat), model or "")
            turn.intent.model_hint = found or turn.intent.model_hint
        return await HANDLERS[kind](self.chat, turn)

    async def _answer(self, event: ChatEvent, language: str) -> View | None:
        images: list[bytes] = []
        for attachment in event.attachments:
            try:
                self.chat.client.check_upload(attachment.data)
            except UploadRejected as exc:
                if exc.reason == "size":
                    mb = round((exc.limit_bytes or 0) / 1024 / 1024)
                    return views.notice(language, "attach.too_large", mb=mb)
                return views.notice(language, "attach.wrong_type", name=_safe_name(attachment.filename))
            images.append(attachment.data)
        limit = self.chat.settings.max_prompt_chars
        if len(event.text or "") > limit * 4:  # don't even parse a wall of text
            return views.notice(language, "ask.shorter", limit=limit)
        words = admin_words(event.text or "") if not event.media else None
        if words is not None:
            return await admin(self.chat, event, language, words)
        catalogues = await self.chat.catalogues(language)
        if event.media:
            intent = slash_intent(event.media, event.text, event.options, len(images), catalogues, language)
        else:
            intent = parse(event.text, len(images), catalogues, language=language, direct=event.direct)
        # the user's row is saved alongside the answer, not before it: nothing in the answer reads it
        touched = self.chat.store.touch_user(event.platform, event.user_id, language)
        try:
            view = await self._answer_turn(Turn(event, intent, images, catalogues), language)
        except BaseException:
            await asyncio.gather(touched, return_exceptions=True)  # the answer's own failure is the one said
            raise
        try:
            await touched
        except Exception:  # the answer is given (a task may be running): the row is saved at the next message
            log.exception("could not save the user's row")
        return view

    async def _answer_turn(self, turn: Turn, language: str) -> View | None:
        event, intent, images = turn.event, turn.intent, turn.images
        if not images and intent.kind not in (IntentKind.CANCEL, IntentKind.NO, IntentKind.HELP):
            asked = await waiting_edit(self.chat, event)  # the answer to "what should I change?"
            if asked is not None and (event.text or "").strip():
                return await edit_with(self.chat, event, language, asked, event.text.strip())
        # "reset and then draw a fox": the reset first, in order
        for said in await run_first(self.chat, turn):
            await self._post(event, said)
        return await HANDLERS[intent.kind](self.chat, turn)


def _safe_name(name: str) -> str:
    return "".join(c for c in name if c.isprintable())[:60] or "file"


__all__ = ["Conversation", "ConversationSettings"]


async def _cannot_save(language: str) -> View:
    return views.notice(language, "reply.cannot_save")
