"""The conversation: from a chat message (or a button) to a reply, an offer, or a running task.

Adapters call :meth:`Conversation.handle` for messages and :meth:`Conversation.handle_action` for
button presses. Everything a user can ask — generate, choose or remember a model, cheapest, best,
try another, reset, cancel, list models, usage — is decided here, from the live catalogue.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import views
from .catalogue import CATEGORIES, MEDIA_OF_CATEGORY, Catalogue, Model, Quote, normalize
from .contracts import ChannelError, ChatEvent
from .errors import ErrorKind, IMAError, NoMatchingRule, UploadRejected
from .i18n import detect_language, t
from .intent import IMAGE_TYPES, VIDEO_TYPES, Intent, images_needed, parse, slash_intent
from .manager import LimitReached, TaskManager, TaskRequest
from .selection import Selector, find_mention, knowledge
from .store import Store, TaskRecord
from .timetable import estimate
from .views import Action, View

log = logging.getLogger(__name__)

MEDIA_CATEGORIES = {"image": IMAGE_TYPES, "video": VIDEO_TYPES, "music": ("text_to_music",)}
MUSIC_ONLY = ("lyrics", "custom_mode", "vocal_gender")
DEFAULT_MOTION_PROMPT = "natural, smooth motion; cinematic camera movement"  # sent to IMA only, never shown


@dataclass
class ConversationSettings:
    cheaper_hint_above: int = 50
    confirm_above: int = 100
    max_prompt_chars: int = 2000
    time_scale: float = 1.0
    daily_budget_user: int = 0  # 0: no limit
    daily_budget_server: int = 0
    disabled_types: tuple[str, ...] = ()


ADMIN = re.compile(r"^\s*/?(admin|管理)\b\s*(.*)$", re.I | re.S)
DAY_S = 86400


def day_start(now: float | None = None) -> float:
    now = time.time() if now is None else now
    return now - now % DAY_S


def scope_of(event: ChatEvent) -> str:
    """Admin settings and server budgets apply per Discord server / Feishu tenant (or per direct chat)."""
    return f"{event.platform}:{event.guild_id or 'direct'}"


@dataclass
class Choice:
    model: Model
    source: str  # explicit | preference | default | cheapest | best | server
    notes: list[str]


def _size_rank(size: str) -> int:
    order = [normalize(s) for s in knowledge()["size_order"]]
    value = normalize(size)
    return order.index(value) if value in order else -1


class Conversation:
    def __init__(self, store: Store, selector: Selector, manager: TaskManager,
                 settings: ConversationSettings | None = None) -> None:
        self.store = store
        self.selector = selector
        self.client = selector.client
        self.manager = manager
        self.settings = settings or ConversationSettings()

    # ── entry points ─────────────────────────────────────────────────────────────────────────
    async def handle(self, event: ChatEvent) -> View | None:
        """Answer one chat message. The reply (if any) is sent to the chat and also returned."""
        if event.event_id and not await self.store.claim_event(event.platform, event.event_id):
            return None  # a redelivery of something already handled
        language = event.language or detect_language(event.text)
        try:
            view = await self._handle(event, language)
        except IMAError as exc:
            log.warning("could not answer a message", extra={"kind": exc.kind})
            view = views.notice(language, "reply.trouble", reason=t(language, f"error.{exc.kind.value}"))
        except ChannelError:
            log.warning("could not post in the chat", extra={"platform": event.platform})
            return None
        if view is not None:
            try:
                await self.manager.platforms[event.platform].channel(event.route).send(view)
            except ChannelError:
                log.warning("could not post a reply in the chat", extra={"platform": event.platform})
        return view

    async def handle_action(self, event: ChatEvent, kind: str, ref: str) -> View | None:
        """A button press. Returns a reply for the presser (kind "denied" is meant to be shown only to them)."""
        try:
            return await self._action(event, kind, ref)
        except IMAError as exc:
            language = event.language or "en"
            return views.notice(language, "reply.trouble", reason=t(language, f"error.{exc.kind.value}"))

    async def command(self, event: ChatEvent, name: str, media: str | None = None, model: str | None = None) -> View:
        """Commands that are not a generation (/models, /prefs, /usage, /cancel, forget me), for adapters with menus."""
        language = event.language or "en"
        intent = Intent(name, language, media=media, model_hint=model, model_mode="always" if model else None)
        if name == "set_preference":
            catalogues = await self._catalogues(language)
            for catalogue in catalogues.values():
                found = catalogue.find(model or "") or next((m for m in catalogue if m.name.lower() == (model or "").lower()), None)
                if found is not None:
                    intent.model_hint = found.model_id
                    break
            return await self._on_set_preference(event, intent, [], catalogues)
        if name == "list_models":
            return self.models_view(language, await self._catalogues(language), media)
        handler = getattr(self, f"_on_{name}", None)
        if handler is None:
            return await self._on_help(event, intent)
        return await handler(event, intent)

    def check_owner(self, event: ChatEvent, owner: str | None) -> View | None:
        """The refusal shown (only to them) when someone presses a button on another user's request."""
        if owner is not None and owner != event.user_id:
            return View("denied", t(event.language or "en", "action.not_yours"), language=event.language or "en")
        return None

    async def owner_of(self, kind: str, ref: str) -> str | None:
        """Who may press a button (a fast lookup, so adapters can refuse before acknowledging)."""
        if kind == "accept":
            found = await self.store.get_pending(ref)
            return found[1] if found else None
        record = await self.store.task(ref.partition("|")[0])
        return record.user_id if record else None

    # ── messages ─────────────────────────────────────────────────────────────────────────────
    async def _handle(self, event: ChatEvent, language: str) -> View | None:
        images: list[bytes] = []
        for attachment in event.attachments:
            try:
                self.client.check_upload(attachment.data)
            except UploadRejected as exc:
                if exc.reason == "size":
                    return views.notice(language, "attach.too_large", mb=round((exc.limit_bytes or 0) / 1024 / 1024))
                return views.notice(language, "attach.wrong_type", name=_safe_name(attachment.filename))
            images.append(attachment.data)
        if len(event.text or "") > self.settings.max_prompt_chars * 4:  # don't even parse a wall of text
            return views.notice(language, "ask.shorter", limit=self.settings.max_prompt_chars)
        admin = ADMIN.match(event.text or "") if not event.task_type else None
        if admin:
            return await self._admin(event, language, admin.group(2).split())
        catalogues = await self._catalogues(language)
        if event.task_type:
            intent = slash_intent(event.task_type, event.text, event.options, len(images), catalogues, language)
        else:
            intent = parse(event.text, len(images), catalogues, language=language)
        await self.store.touch_user(event.platform, event.user_id, language)
        handler = getattr(self, f"_on_{intent.kind}")
        return await handler(event, intent, images, catalogues)

    async def _catalogues(self, language: str) -> dict[str, Catalogue]:
        out = {}
        for category in CATEGORIES:
            out[category] = await self.selector.catalogue(category, language)
        return out

    async def _on_help(self, event: ChatEvent, intent: Intent, *_: Any) -> View:
        lang = intent.language
        return View("notice", t(lang, "help.title"), tuple(t(lang, f"help.{k}") for k in ("image", "video", "music", "models", "prefs")),
                    language=lang)

    async def _on_yes(self, event: ChatEvent, intent: Intent, *_: Any) -> View | None:
        latest = await self.store.latest_pending(event.platform, event.user_id)
        if latest is None:
            return views.notice(intent.language, "reply.nothing_pending")
        return await self._accept(event, latest[0])

    async def _on_no(self, event: ChatEvent, intent: Intent, *_: Any) -> View:
        latest = await self.store.latest_pending(event.platform, event.user_id)
        if latest is not None:
            await self.store.clear_pending_group(latest[1].get("group", ""))
            await self.store.take_pending(latest[0])
        return views.notice(intent.language, "reply.dropped")

    async def _on_cancel(self, event: ChatEvent, intent: Intent, *_: Any) -> View:
        n = await self.manager.cancel(event.platform, event.user_id)
        return views.notice(intent.language, "cancel.done" if n else "cancel.none", n=n)

    async def _on_forget_me(self, event: ChatEvent, intent: Intent, *_: Any) -> View:
        await self.store.forget_user(event.platform, event.user_id)
        return views.notice(intent.language, "reply.forgotten")

    async def _on_usage(self, event: ChatEvent, intent: Intent, *_: Any) -> View:
        lang = intent.language
        since = time.time() - time.time() % 86400
        tasks = await self.store.user_tasks(event.platform, event.user_id, since=since)
        credits = await self.store.usage_since(since, event.platform, event.user_id)
        return views.notice(lang, "usage.today", n=len(tasks), credits=credits)

    async def _on_show_preferences(self, event: ChatEvent, intent: Intent, *_: Any) -> View:
        lang = intent.language
        prefs = await self.store.preferences(event.platform, event.user_id)
        if not prefs:
            return views.notice(lang, "pref.none")
        lines = tuple(t(lang, "pref.line", type=t(lang, f"type.{k}"), model=v["model_name"]) for k, v in sorted(prefs.items()))
        return View("notice", t(lang, "pref.title"), lines, language=lang)

    async def _on_list_models(self, event: ChatEvent, intent: Intent, images: list[bytes],
                              catalogues: Mapping[str, Catalogue]) -> View:
        return self.models_view(intent.language, catalogues, intent.media if intent.media else None)

    def models_view(self, lang: str, catalogues: Mapping[str, Catalogue], media: str | None = None) -> View:
        lines: list[str] = []
        for category in CATEGORIES:
            if media and MEDIA_OF_CATEGORY[category] != media:
                continue
            lines.append(t(lang, "models.header", type=t(lang, f"type.{category}")))
            for model in catalogues[category]:
                est = estimate(category, model.model_id, self.settings.time_scale)
                price = str(model.min_points) if model.min_points == model.max_points else f"{model.min_points}–{model.max_points}"
                lines.append(t(lang, "models.line", model=model.name, credits=price,
                               min=views.seconds(est.min_s), max=views.seconds(est.max_s)))
        return View("notice", t(lang, "models.title"), tuple(lines), language=lang)

    async def _on_reset_preference(self, event: ChatEvent, intent: Intent, *_: Any) -> View:
        types = MEDIA_CATEGORIES.get(intent.media or "") if intent.media else None
        await self.store.clear_preferences(event.platform, event.user_id, types)
        return views.notice(intent.language, "pref.reset")

    async def _on_set_preference(self, event: ChatEvent, intent: Intent, images: list[bytes],
                                 catalogues: Mapping[str, Catalogue]) -> View:
        """"Always use X": remember X for every kind of request it can serve (within the media named, if any)."""
        lang = intent.language
        model_id = intent.model_hint
        if intent.model_key and intent.task_type:
            named = catalogues[intent.task_type].by_key(intent.model_key)
            model_id = named.model_id if named else model_id
        categories = list(MEDIA_CATEGORIES[intent.media]) if intent.media else list(CATEGORIES)
        saved: list[tuple[str, Model]] = []
        for category in categories:
            model = catalogues[category].find(model_id or "") if model_id else None
            if model is not None:
                await self.store.set_preference(event.platform, event.user_id, category, model.model_id,
                                                model.model_version, model.name)
                saved.append((category, model))
        if not saved:
            return views.notice(lang, "model.unknown")
        separator = "、" if lang == "zh" else ", "
        kinds = separator.join(dict.fromkeys(t(lang, f"media.{MEDIA_OF_CATEGORY[c]}") for c, _ in saved))
        return views.notice(lang, "pref.saved", model=saved[0][1].name, types=kinds)

    async def _on_again(self, event: ChatEvent, intent: Intent, *_: Any) -> View | None:
        """"One more" / "再来一个": the user's last request again; "换成海螺再试一次": again, with that model."""
        last = await self.store.user_tasks(event.platform, event.user_id)
        if not last:
            return views.notice(intent.language, "reply.nothing_to_redo")
        record = last[-1]
        wanted = intent.model_hint or intent.model_key
        if wanted:
            catalogue = await self.selector.catalogue(record.task_type, record.language)
            model = catalogue.find(wanted)
            if model is None:
                names = ", ".join(m.name for m in list(catalogue)[:6])
                return views.notice(intent.language, "model.not_for_type", media=t(intent.language, f"media.{MEDIA_OF_CATEGORY[record.task_type]}"),
                                    models=names)
            return await self._action(event, "pick_model", f"{record.id}|{model.key}")
        return await self._action(event, "retry", record.id)

    async def _on_try_another(self, event: ChatEvent, intent: Intent, *_: Any) -> View:
        last = await self.store.user_tasks(event.platform, event.user_id)
        if not last:
            return views.notice(intent.language, "reply.nothing_to_redo")
        return await self._alternatives_offer(event, last[-1], intent.language, count=3)

    async def _on_generate(self, event: ChatEvent, intent: Intent, images: list[bytes],
                           catalogues: Mapping[str, Catalogue]) -> View | None:
        lang = intent.language
        task_type = intent.task_type or "text_to_image"
        media = MEDIA_OF_CATEGORY[task_type]
        if media in await self._disabled(event):
            return views.notice(lang, "admin.type_off", media=t(lang, f"media.{media}"))
        if intent.problem == "need_two_images" or (images_needed(task_type) == 2 and len(images) < 2):
            return views.notice(lang, "ask.two_images")
        if intent.problem == "need_image" or len(images) < images_needed(task_type):
            return views.notice(lang, "ask.image", media=t(lang, f"media.{media}"))
        if not intent.prompt.strip():
            if task_type not in ("image_to_video", "first_last_frame_to_video", "reference_image_to_video"):
                return views.notice(lang, "ask.prompt", media=t(lang, f"media.{media}"))
            intent.prompt = DEFAULT_MOTION_PROMPT  # "animate this" needs no more words
        if len(intent.prompt) > self.settings.max_prompt_chars:
            return views.notice(lang, "ask.shorter", limit=self.settings.max_prompt_chars)
        catalogue = catalogues[task_type]
        if not len(catalogue):
            return views.notice(lang, "reply.type_unavailable", media=t(lang, f"media.{media}"))
        if intent.model_hint and not intent.model_key:
            names = ", ".join(m.name for m in list(catalogue)[:6])
            return views.notice(lang, "model.not_for_type", media=t(lang, f"media.{media}"), models=names)
        options = {k: v for k, v in intent.options.items() if media == "music" or k not in MUSIC_ONLY}
        if media == "music" and "duration" in options:
            return await self._music_length_offer(event, intent, catalogue, options)
        choice = await self._choose(event, intent, catalogue, options)
        if isinstance(choice, View):
            return choice
        n = intent.n or 1
        if n > choice.model.max_n:
            choice.notes.append(t(lang, "note.n_clamped", n=choice.model.max_n, model=choice.model.name))
            n = choice.model.max_n
        try:
            quote = choice.model.quote(options, n)
        except NoMatchingRule as err:
            return await self._offer_for(event, intent, catalogue, choice.model, options, n, images, err)
        if intent.model_mode == "always":
            await self.store.set_preference(event.platform, event.user_id, task_type, quote.model.model_id,
                                            quote.model.model_version, quote.model.name)
            choice.notes.append(t(lang, "pref.saved_inline", model=quote.model.name))
        elif choice.source == "explicit":
            usual = await self.store.preference(event.platform, event.user_id, task_type)
            if usual and usual["model_id"] != quote.model.model_id:
                choice.notes.append(t(lang, "pref.switch_hint", old=usual["model_name"], new=quote.model.name))
        return await self._start(event, lang, quote, intent.prompt, images, options, choice)

    async def _choose(self, event: ChatEvent, intent: Intent, catalogue: Catalogue,
                      options: Mapping[str, Any]) -> Choice | View:
        """Strict priority: named in this message > cheapest/best asked > saved preference > default."""
        lang = intent.language
        n = intent.n or 1
        if intent.model_key:
            model = catalogue.by_key(intent.model_key)
            if model is not None:
                return Choice(model, "explicit", [])
        if intent.strategy:
            quote = (self.selector.cheapest if intent.strategy == "cheapest" else self.selector.best)(catalogue, options, n)
            if quote is None:
                quote = (self.selector.cheapest if intent.strategy == "cheapest" else self.selector.best)(catalogue, {}, n)
            if quote is not None:
                return Choice(quote.model, intent.strategy, [])
        notes: list[str] = []
        pref = await self.store.preference(event.platform, event.user_id, catalogue.category)
        if pref:
            model = catalogue.by_key(pref["model_version"]) or catalogue.by_model_id(pref["model_id"])
            if model is not None:
                return Choice(model, "preference", notes)
            notes.append(t(lang, "pref.gone", model=pref["model_name"]))
            await self.store.clear_preferences(event.platform, event.user_id, [catalogue.category])
        server_default = await self.store.server_setting(scope_of(event), f"default.{catalogue.category}")
        if server_default and (model := catalogue.find(server_default)) is not None:
            return Choice(model, "server", notes)
        model = self.selector.default_model(catalogue)
        if model is None:
            return views.notice(lang, "reply.type_unavailable", media=t(lang, f"media.{MEDIA_OF_CATEGORY[catalogue.category]}"))
        return Choice(model, "default", notes)

    async def _start(self, event: ChatEvent, lang: str, quote: Quote, prompt: str, images: list[bytes] | list[str],
                     options: Mapping[str, Any], choice: Choice, confirmed: bool = False) -> View | None:
        """Confirm when expensive, otherwise hand the task to the manager (which posts the status message)."""
        over = await self._over_budget(event, lang, quote.total)
        if over is not None:
            return over
        if quote.total > self.settings.confirm_above and not confirmed:
            urls = [await self.client.upload(i) for i in images]
            payload = self._payload(quote, prompt, urls, options, lang, choice, confirmed=True)
            group = payload["group"]
            go = await self.store.put_pending(event.platform, event.user_id, payload)
            stop = await self.store.put_pending(event.platform, event.user_id, {"group": group, "drop": True})
            lines = [t(lang, "status.model", model=quote.model.name), t(lang, "status.credits", credits=quote.total)]
            cheaper = await self._cheaper(quote, options, choice, lang)
            if cheaper:
                lines.append(t(lang, "status.cheaper", model=cheaper.name, credits=cheaper.credits))
            return View("confirm", t(lang, "confirm.title", credits=quote.total), tuple([*choice.notes, *lines]),
                        actions=(Action("accept", t(lang, "action.confirm"), go, "primary"),
                                 Action("accept", t(lang, "action.cancel"), stop, "secondary")),
                        owner=event.user_id, language=lang)
        request = TaskRequest(event, lang, quote, prompt, images=images, from_preference=choice.source == "preference",
                              cheaper=await self._cheaper(quote, options, choice, lang), options=options)
        try:
            await self.manager.submit(request)
        except LimitReached as exc:
            return views.notice(lang, f"limit.{exc.scope}", n=exc.limit)
        if choice.notes:
            return View("notice", choice.notes[0], tuple(choice.notes[1:]), language=lang)
        return None

    async def _cheaper(self, quote: Quote, options: Mapping[str, Any], choice: Choice, lang: str) -> views.Alternative | None:
        """Over the threshold, point at a cheaper model, unless the user picked this one on purpose."""
        if quote.total <= self.settings.cheaper_hint_above or choice.source in ("explicit", "best"):
            return None
        catalogue = await self.selector.catalogue(quote.model.category, lang)
        return self.selector.cheaper_than(catalogue, quote, options)

    @staticmethod
    def _payload(quote: Quote, prompt: str, urls: list[str], options: Mapping[str, Any], lang: str, choice: Choice,
                 confirmed: bool, group: str | None = None) -> dict[str, Any]:
        return {"group": group or uuid.uuid4().hex[:8], "task_type": quote.model.category, "model_key": quote.model.key,
                "options": dict(options), "n": quote.n, "prompt": prompt, "images": urls, "language": lang,
                "source": choice.source, "confirmed": confirmed}

    # ── spending and admin ───────────────────────────────────────────────────────────────────
    async def _budgets(self, event: ChatEvent) -> tuple[int, int]:
        scope = scope_of(event)
        user = await self.store.server_setting(scope, "budget.user")
        server = await self.store.server_setting(scope, "budget.server")
        return (int(user) if user is not None else self.settings.daily_budget_user,
                int(server) if server is not None else self.settings.daily_budget_server)

    async def _over_budget(self, event: ChatEvent, lang: str, cost: int) -> View | None:
        """Refuse before anything is charged when today's budget (UTC day) cannot cover this request."""
        user_limit, server_limit = await self._budgets(event)
        since = day_start()
        hours, rest = divmod(int(since + DAY_S - time.time()), 3600)
        reset = t(lang, "budget.reset", h=hours, m=rest // 60)
        if user_limit:
            spent = await self.store.usage_since(since, event.platform, event.user_id)
            if spent + cost > user_limit:
                return View("notice", t(lang, "budget.user", cost=cost, left=max(0, user_limit - spent)), (reset,), language=lang)
        if server_limit and event.guild_id:
            spent = await self.store.usage_since(since, event.platform, guild_id=event.guild_id)
            if spent + cost > server_limit:
                return View("notice", t(lang, "budget.server", cost=cost, left=max(0, server_limit - spent)), (reset,), language=lang)
        return None

    async def _disabled(self, event: ChatEvent) -> set[str]:
        stored = await self.store.server_setting(scope_of(event), "disabled")
        return set(self.settings.disabled_types) | set(filter(None, (stored or "").split(",")))

    async def _admin(self, event: ChatEvent, lang: str, args: list[str]) -> View:
        if not event.is_admin:
            return View("denied", t(lang, "admin.not_allowed"), language=lang)
        scope = scope_of(event)
        word = args[0].lower() if args else ""
        media_words = {"image": "image", "images": "image", "图片": "image", "video": "video", "videos": "video",
                       "视频": "video", "music": "music", "音乐": "music"}
        if word in ("budget", "预算") and len(args) == 3 and args[1].lower() in ("user", "server", "用户", "服务器") and args[2].isdigit():
            key = "budget.user" if args[1].lower() in ("user", "用户") else "budget.server"
            await self.store.set_server_setting(scope, key, args[2])
            return views.notice(lang, "admin.budget_set", who=t(lang, f"admin.{key}"), n=int(args[2]))
        if word in ("disable", "enable", "关闭", "开启") and len(args) == 2 and args[1].lower() in media_words:
            media = media_words[args[1].lower()]
            current = set(filter(None, ((await self.store.server_setting(scope, "disabled")) or "").split(",")))
            current = current | {media} if word in ("disable", "关闭") else current - {media}
            await self.store.set_server_setting(scope, "disabled", ",".join(sorted(current)) or None)
            return views.notice(lang, "admin.type_off_set" if media in current else "admin.type_on_set", media=t(lang, f"media.{media}"))
        if word in ("default", "默认") and len(args) >= 3 and args[1].lower() in media_words:
            media = media_words[args[1].lower()]
            name = " ".join(args[2:])
            saved = None
            for category in MEDIA_CATEGORIES[media]:
                catalogue = await self.selector.catalogue(category, lang)
                found = catalogue.find(name) or next((m for m in catalogue if m.name.lower() == name.lower()), None)
                if found is None:
                    mention = find_mention(name, catalogue)
                    found = mention.model if mention else None
                if found is not None:
                    await self.store.set_server_setting(scope, f"default.{category}", found.model_id)
                    saved = found
            if saved is None:
                return views.notice(lang, "model.unknown")
            return views.notice(lang, "admin.default_set", media=t(lang, f"media.{media}"), model=saved.name)
        if word in ("usage", "用量"):
            rows = await self.store.usage_breakdown(day_start(), event.platform, event.guild_id)
            lines = tuple(t(lang, "admin.usage_line", user=r["user_id"], model=r["model_id"], n=r["n"], credits=r["credits"]) for r in rows)
            return View("notice", t(lang, "admin.usage_title", total=sum(r["credits"] for r in rows)), lines or (t(lang, "admin.usage_none"),),
                        language=lang)
        return View("notice", t(lang, "admin.help"), tuple(t(lang, f"admin.help_{k}") for k in ("default", "budget", "switch", "usage")),
                    language=lang)

    # ── offers (what the catalogue cannot do) ────────────────────────────────────────────────
    async def _offer(self, event: ChatEvent, lang: str, title: str, lines: list[str], prompt: str,
                     images: list[bytes] | list[str], choices: list[tuple[Quote, str]]) -> View:
        """An answer ending in concrete choices, each one press (or a "yes") away."""
        urls = [await self.client.upload(i) for i in images]
        group = uuid.uuid4().hex[:8]
        actions = []
        for quote, label in choices:
            payload = self._payload(quote, prompt, urls, _requested_options(quote), lang, Choice(quote.model, "explicit", []),
                                    confirmed=False, group=group)
            ref = await self.store.put_pending(event.platform, event.user_id, payload)
            actions.append(Action("accept", label, ref, "primary" if not actions else "secondary",
                                  detail=t(lang, "action.credits", credits=quote.total)))
        return View("offer", title, tuple(lines), actions=tuple(actions), owner=event.user_id, language=lang)

    async def _offer_for(self, event: ChatEvent, intent: Intent, catalogue: Catalogue, model: Model,
                         options: dict[str, Any], n: int, images: list[bytes], err: NoMatchingRule) -> View:
        lang = intent.language
        media = MEDIA_OF_CATEGORY[catalogue.category]
        size = options.get("size")
        if size is not None and media == "image":
            sizes = {s for m in catalogue for s in m.values_of("size")}
            biggest = max(sizes, key=_size_rank) if sizes else None
            shown = str(biggest).upper().replace("PX", "px")
            if biggest and _size_rank(str(size)) > _size_rank(biggest):
                opts = {**options, "size": biggest}
                quote = model.try_quote(opts, n) or self.selector.cheapest(catalogue, opts, n)
                if quote is not None:
                    line = t(lang, "offer.max_size", size=shown, model=quote.model.name, credits=quote.total)
                    return await self._offer(event, lang, t(lang, "offer.max_size_title", size=str(size).upper()), [line],
                                             intent.prompt, images, [(quote, t(lang, "action.use_model_size", model=quote.model.name, size=shown))])
        if "aspect_ratio" in options and media == "image":
            ratio = options["aspect_ratio"]
            plain = model.try_quote({k: v for k, v in options.items() if k != "aspect_ratio"}, n)
            videos = await self.selector.catalogue("text_to_video", lang)
            video_model = self.selector.default_model(videos)
            video_quote = video_model.try_quote({"aspect_ratio": ratio}) if video_model else None
            choices: list[tuple[Quote, str]] = []
            lines = [t(lang, "offer.image_ratio", ratio=ratio)]
            if video_quote is not None:
                lines.append(t(lang, "offer.image_ratio_video", model=video_quote.model.name, ratio=ratio, credits=video_quote.total))
                choices.append((video_quote, t(lang, "action.make_video", model=video_quote.model.name)))
            if plain is not None:
                lines.append(t(lang, "offer.image_ratio_plain", model=plain.model.name, credits=plain.total))
                choices.append((plain, t(lang, "action.standard_shape")))
            return await self._offer(event, lang, t(lang, "offer.image_ratio_title"), lines, intent.prompt, images, choices)
        if options.get("generate_audio") is True and not _can(model, options, n):
            with_audio = [q for m in catalogue if (q := m.try_quote(options, n))][:3]
            if with_audio:
                lines = [t(lang, "offer.audio", model=model.name)] + [t(lang, "offer.option", model=q.model.name, credits=q.total) for q in with_audio]
                return await self._offer(event, lang, t(lang, "offer.audio_title"), lines, intent.prompt, images,
                                         [(q, t(lang, "action.use_model", model=q.model.name)) for q in with_audio])
        if "duration" in options and media == "video":
            wanted = float(normalize(options["duration"]))
            durations = sorted({float(d) for m in catalogue for d in m.values_of("duration") if normalize(d).replace(".", "").isdigit()})
            longest = max(durations) if durations else None
            if longest is not None and wanted > longest:
                opts = {**options, "duration": int(longest)}
                quotes = sorted((q for m in catalogue if (q := m.try_quote(opts, n))), key=lambda q: q.total)[:3]
                lines = [t(lang, "offer.too_long", wanted=int(wanted), longest=int(longest))]
                lines += [t(lang, "offer.option", model=q.model.name, credits=q.total) for q in quotes]
                return await self._offer(event, lang, t(lang, "offer.too_long_title", longest=int(longest)), lines, intent.prompt,
                                         images, [(q, t(lang, "action.use_model", model=q.model.name)) for q in quotes])
        # anything else: models that can do exactly this, else this model with what it supports
        able = sorted((q for m in catalogue if m.key != model.key and (q := m.try_quote(options, n))), key=lambda q: q.total)[:3]
        supported = "; ".join(f"{_option_word(lang, k)} {', '.join(v)}" for k, v in err.supported.items() if v)
        lines = [t(lang, "offer.unsupported", model=model.name, supported=supported or "—")]
        choices = [(q, t(lang, "action.use_model", model=q.model.name)) for q in able]
        lines += [t(lang, "offer.option", model=q.model.name, credits=q.total) for q in able]
        if not able:
            fallback = model.try_quote({k: v for k, v in options.items() if k not in err.requested or k not in err.supported}, n) \
                or model.try_quote({}, n)
            if fallback is not None:
                choices.append((fallback, t(lang, "action.use_defaults", model=model.name)))
                lines.append(t(lang, "offer.option", model=model.name, credits=fallback.total))
        return await self._offer(event, lang, t(lang, "offer.unsupported_title"), lines, intent.prompt, images, choices)

    async def _music_length_offer(self, event: ChatEvent, intent: Intent, catalogue: Catalogue,
                                  options: dict[str, Any]) -> View:
        lang = intent.language
        lengths = knowledge()["music_length_s"]
        lines = [t(lang, "offer.music_length")]
        for model in catalogue:
            if model.model_id in lengths:
                lines.append(t(lang, "offer.music_length_line", model=model.name, seconds=lengths[model.model_id]))
        rest = {k: v for k, v in options.items() if k != "duration"}
        choice = await self._choose(event, intent, catalogue, rest)
        choices = []
        if isinstance(choice, Choice) and (quote := choice.model.try_quote(rest, intent.n or 1)):
            choices.append((quote, t(lang, "action.make_anyway", model=quote.model.name)))
            lines.append(t(lang, "offer.option", model=quote.model.name, credits=quote.total))
        return await self._offer(event, lang, t(lang, "offer.music_length_title"), lines, intent.prompt, [], choices)

    async def _alternatives_offer(self, event: ChatEvent, record: TaskRecord, lang: str, count: int = 3) -> View:
        catalogue = await self.selector.catalogue(record.task_type, lang)
        current = catalogue.by_key(record.model_version)
        options = record.request.get("options", {})
        others = [m for m in catalogue if current is None or m.key != current.key]
        ranked = [m for m in (catalogue.by_key(a.key) for a in self.selector.alternatives(catalogue, current, options, record.n, count))
                  if m is not None]
        ranked += [m for m in others if m not in ranked]
        quotes = [q for m in ranked if (q := self.selector.price(m, options, record.n))][:count]
        lines = [t(lang, "offer.option", model=q.model.name, credits=q.total) for q in quotes]
        return await self._offer(event, lang, t(lang, "offer.another_title"), lines, record.request["prompt"],
                                 record.request.get("images", []), [(q, t(lang, "action.use_model", model=q.model.name)) for q in quotes])

    # ── buttons ──────────────────────────────────────────────────────────────────────────────
    async def _action(self, event: ChatEvent, kind: str, ref: str) -> View | None:
        if kind == "accept":
            return await self._accept(event, ref)
        task_id, _, model_key = ref.partition("|")
        record = await self.store.task(task_id)
        lang = (record.language if record else None) or event.language or "en"
        if record is None:
            return views.notice(lang, "action.expired")
        if record.user_id != event.user_id or record.platform != event.platform:
            return View("denied", t(lang, "action.not_yours"), language=lang)
        if kind == "cancel_task":
            n = await self.manager.cancel(event.platform, event.user_id, task_id)
            return None if n else views.notice(lang, "cancel.none")
        if kind == "alternatives":
            return await self._alternatives_offer(event, record, lang)
        if kind in ("retry", "pick_model"):
            catalogue = await self.selector.catalogue(record.task_type, lang)
            model = catalogue.by_key(model_key) if model_key else (catalogue.by_key(record.model_version) or catalogue.by_model_id(record.model_id))
            if model is None:
                return await self._alternatives_offer(event, record, lang)
            options = record.request.get("options", {})
            quote = self.selector.price(model, options, record.n)
            if quote is None:
                return await self._alternatives_offer(event, record, lang)
            source = "explicit" if model_key else ("preference" if record.from_preference else "default")
            return await self._start(event, lang, quote, record.request["prompt"], record.request.get("images", []),
                                     options, Choice(model, source, []))
        return views.notice(lang, "action.expired")

    async def _accept(self, event: ChatEvent, pending_id: str) -> View | None:
        found = await self.store.get_pending(pending_id)
        lang = event.language or "en"
        if found is None:
            return views.notice(lang, "action.expired")
        platform, user_id, payload = found
        lang = payload.get("language", lang)
        if user_id != event.user_id or platform != event.platform:
            return View("denied", t(lang, "action.not_yours"), language=lang)
        if not await self.store.take_pending(pending_id):
            return views.notice(lang, "action.expired")
        await self.store.clear_pending_group(payload.get("group", ""))
        if payload.get("drop"):
            return views.notice(lang, "reply.dropped")
        catalogue = await self.selector.catalogue(payload["task_type"], lang)
        model = catalogue.by_key(payload["model_key"])
        if model is None:
            return views.notice(lang, "action.expired")
        try:
            quote = model.quote(payload["options"], payload["n"])
        except NoMatchingRule:
            return views.notice(lang, "action.expired")
        return await self._start(event, lang, quote, payload["prompt"], payload["images"], payload["options"],
                                 Choice(model, payload.get("source", "explicit"), []), confirmed=payload.get("confirmed", False))


def _requested_options(quote: Quote) -> dict[str, Any]:
    """What differs from the model's defaults: enough to price the same request again, on any model."""
    defaults = quote.model.defaults()
    return {k: v for k, v in quote.params.items() if k not in defaults or normalize(defaults[k]) != normalize(v)}


def _can(model: Model, options: Mapping[str, Any], n: int) -> bool:
    return model.try_quote(options, n) is not None


def _option_word(lang: str, key: str) -> str:
    known = {"size", "resolution", "duration", "aspect_ratio", "generate_audio", "mode", "vocal_gender"}
    return t(lang, f"option.{key}") if key in known else t(lang, "option.other")


def _safe_name(name: str) -> str:
    return "".join(c for c in name if c.isprintable())[:60] or "file"


__all__ = ["Conversation", "ConversationSettings", "ErrorKind"]
