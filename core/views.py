"""Platform-neutral messages. Adapters turn a :class:`View` into an embed, a card or HTML.

A view carries rendered, localized text plus structure (media, buttons, progress) so each
platform can present it natively without knowing anything about tasks or models.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from .i18n import LANGUAGES, strings, t
from .kinds import ActionKind, ViewKind
from .media import EMOJI, ResultKind
from .refs import TaskRef, pack_action, unpack_action


@dataclass(frozen=True)
class Action:
    """A button. ``kind`` tells the core what to do; ``ref`` names the task or pending offer it acts on."""

    kind: ActionKind
    label: str
    ref: str
    style: Literal["primary", "secondary", "danger"] = "secondary"
    detail: str = ""  # e.g. the price of the model this choice uses, for menus that show one


@dataclass(frozen=True)
class MediaItem:
    kind: ResultKind
    url: str
    cover: str | None = None


@dataclass(frozen=True)
class View:
    kind: ViewKind
    title: str
    lines: tuple[str, ...] = ()
    media: tuple[MediaItem, ...] = ()
    actions: tuple[Action, ...] = ()
    progress: int | None = None
    final: bool = False
    owner: str | None = None  # only this user may press the buttons
    language: str = "en"

    @property
    def text(self) -> str:
        return "\n".join((self.title, *self.lines)) if self.lines else self.title

    def all_text(self) -> str:
        """Every word a user can see, buttons included (for the never-say tests)."""
        return "\n".join((self.text, *(a.label for a in self.actions)))


def seconds(value: float) -> str:
    return str(max(0, round(value)))


@dataclass(frozen=True)
class Alternative:
    name: str
    credits: int
    key: str


@dataclass(frozen=True)
class ModelChoice:
    """A model offered in a menu: its display name and lowest price."""

    name: str
    min_credits: int


@dataclass(frozen=True)
class TaskFacts:
    """What a status view needs to know about a task."""

    media: str  # image | video | music
    model_name: str
    credits: int
    est_min_s: float
    est_max_s: float
    language: str
    owner: str
    task_ref: str = ""
    from_preference: bool = False
    cheaper: Alternative | None = None
    n: int = 1
    est_learned: bool = False  # the range comes from tasks this bot watched, not from the published table
    # the options applied, as (option, value): duration, resolution…
    settings: tuple[tuple[str, str], ...] = ()
    # the model was saved as the user's default with this request: said on the status message itself, on
    # every edit of it (one message instead of a second one after it)
    saved_default: bool = False


def _saved_line(f: TaskFacts) -> list[str]:
    return [t(f.language, "pref.saved_inline", model=f.model_name)] if f.saved_default else []


#: The options a user can notice in a result, in the order they are shown.
SHOWN_SETTINGS = ("duration", "resolution", "size", "aspect_ratio", "generate_audio")


def applied_settings(params: Mapping[str, object]) -> tuple[tuple[str, str], ...]:
    """The noticeable options among the parameters sent to IMA (model defaults included)."""
    return tuple((k, str(params[k])) for k in SHOWN_SETTINGS if params.get(k) not in (None, ""))


def settings_line(f: TaskFacts) -> str | None:
    """One line such as "• Settings: 5 s · 720P · 16:9 · no sound · 2 results" (None when there is nothing
    to say)."""
    lang = f.language
    parts: list[str] = []
    for key, value in f.settings:
        if key == "duration":
            parts.append(t(lang, "settings.seconds", n=value.rstrip("s")))
        elif key == "generate_audio":
            parts.append(t(lang, "settings.sound" if value.lower() == "true" else "settings.silent"))
        elif key in ("resolution", "size"):
            parts.append(value.upper().replace("PX", "px"))
        else:
            parts.append(value)
    if f.n > 1:
        parts.append(t(lang, "settings.results", n=f.n))
    return t(lang, "settings.line", settings=" · ".join(parts)) if parts else None


def _media_word(f: TaskFacts) -> str:
    return t(f.language, f"media.{f.media}")


def starting(f: TaskFacts) -> View:
    lang = f.language
    lines = [t(lang, "status.model_pref" if f.from_preference else "status.model", model=f.model_name),
             t(lang, "status.estimate_learned" if f.est_learned else "status.estimate",
               min=seconds(f.est_min_s), max=seconds(f.est_max_s)),
             t(lang, "status.credits", credits=f.credits)]
    applied = settings_line(f)
    if applied:
        lines.append(applied)
    if f.media == "video":
        lines.append(t(lang, "status.video_note"))
    if f.cheaper is not None:
        lines.append(t(lang, "status.cheaper", model=f.cheaper.name, credits=f.cheaper.credits))
    lines += _saved_line(f)
    title = t(lang, "status.pref_title" if f.from_preference else "status.title", emoji=EMOJI[f.media],
              media=_media_word(f), model=f.model_name)
    return View(ViewKind.STATUS, title, tuple(lines), progress=0, owner=f.owner, language=lang,
                actions=(Action(ActionKind.CANCEL_TASK, t(lang, "action.cancel_task"), f.task_ref, "danger"),
                         ) if f.task_ref else ())


def progress(f: TaskFacts, elapsed_s: float, percent: int) -> View:
    lang = f.language
    lines = [t(lang, "status.model", model=f.model_name), t(lang, "status.credits", credits=f.credits),
             *filter(None, [settings_line(f)]),
             t(lang, "progress.waited", elapsed=seconds(elapsed_s), max=seconds(f.est_max_s))]
    if elapsed_s > f.est_max_s:
        lines.append(t(lang, "progress.almost"))
    lines += _saved_line(f)
    return View(ViewKind.PROGRESS, t(lang, "progress.title", p=percent), tuple(lines), progress=percent,
                owner=f.owner,
                language=lang,
                actions=(Action(ActionKind.CANCEL_TASK, t(lang, "action.cancel_task"), f.task_ref, "danger"),
                         ))


def success(f: TaskFacts, actual_s: float, media: tuple[MediaItem, ...]) -> View:
    lang = f.language
    lines = (t(lang, "status.model", model=f.model_name),
             t(lang, "result.time", min=seconds(f.est_min_s), max=seconds(f.est_max_s),
               actual=seconds(actual_s)),
             t(lang, "status.credits", credits=f.credits), *filter(None, [settings_line(f)]), *_saved_line(f))
    return View(ViewKind.RESULT, t(lang, "result.title", media=_media_word(f)), lines, media=media,
                progress=100, final=True, owner=f.owner, language=lang,
                actions=chain_actions(lang, f.task_ref, f.media, f.credits))


def chain_actions(lang: str, task_ref: str, media: str, credits: int | None = None) -> tuple[Action, ...]:
    """What a result can become next, one press away (each is priced before anything is charged: "Make
    another" starts at once, so its price is on the button; the others ask with the price first).

    The same buttons sit under a result message and under its card in a gallery.
    """
    again = t(lang, "action.again_priced", credits=credits) if credits else t(lang, "action.again")
    actions = (Action(ActionKind.RETRY, again, task_ref),
               Action(ActionKind.ALTERNATIVES, t(lang, "action.another"), task_ref))
    if media == "image":
        return (*actions, Action(ActionKind.ANIMATE, t(lang, "action.animate"), task_ref),
                Action(ActionKind.EDIT, t(lang, "action.edit"), task_ref))
    if media == "video":
        return (*actions, Action(ActionKind.SOUNDTRACK, t(lang, "action.soundtrack"), task_ref))
    return actions


def failure_reason(lang: str, error_kind: str, *, alone: bool = False) -> str:
    """The "• Reason: …" line of a failure, said the same on its failure message and when asked later why
    it stopped; with no other model to offer (``alone``), the reason must not end in "try another model?"."""
    keys = (f"error_alone.{error_kind}", f"error.{error_kind}", "error_alone.unknown") if alone else \
        (f"error.{error_kind}", "error.unknown")
    reason = t(lang, next((k for k in keys if _has(lang, k)), "error.unknown"))
    return t(lang, "failure.reason", reason=reason)


def failure(f: TaskFacts, error_kind: str, alternatives: list[Alternative]) -> View:
    lang = f.language
    lines = [failure_reason(lang, error_kind, alone=not alternatives)]
    actions = [Action(ActionKind.RETRY, t(lang, "action.retry"), f.task_ref, "primary")]
    if not alternatives:
        lines.append(t(lang, "failure.only_model", model=f.model_name))
    else:
        lines.append(t(lang, "failure.suggest"))
        for alt in alternatives:
            lines.append(t(lang, "failure.alt", model=alt.name, credits=alt.credits))
            actions.append(Action(ActionKind.PICK_MODEL, t(lang, "action.use_model", model=alt.name),
                                  TaskRef(f.task_ref, alt.key).encode(),
                                  detail=t(lang, "action.credits", credits=alt.credits)))
        lines.append(t(lang, "failure.retry_q"))
    lines += _saved_line(f)
    return View(ViewKind.FAILURE, t(lang, "failure.title", media=_media_word(f)), tuple(lines), final=True,
                owner=f.owner, language=lang, actions=tuple(actions))


def cancelled(f: TaskFacts) -> View:
    return View(ViewKind.CANCELLED, t(f.language, "cancelled.title"),
                (t(f.language, "cancelled.note"), *_saved_line(f)), final=True, owner=f.owner,
                language=f.language)


def interrupted(f: TaskFacts) -> View:
    return View(ViewKind.INTERRUPTED, t(f.language, "interrupted.title"),
                (t(f.language, "interrupted.note"), *_saved_line(f)), final=True,
                owner=f.owner, language=f.language,
                actions=(Action(ActionKind.RETRY, t(f.language, "action.retry"), f.task_ref, "primary"),))


def notice(language: str, key: str, /, **values: object) -> View:
    return View(ViewKind.NOTICE, t(language, key, **values), language=language)


def _has(language: str, key: str) -> bool:
    from .i18n import strings

    return key in strings(language)


__all__ = [
    "LANGUAGES",
    "Action",
    "ActionKind",
    "Alternative",
    "MediaItem",
    "ModelChoice",
    "TaskFacts",
    "View",
    "ViewKind",
    "cancelled",
    "failure",
    "failure_reason",
    "interrupted",
    "notice",
    "pack_action",
    "progress",
    "seconds",
    "starting",
    "strings",
    "success",
    "t",
    "unpack_action",
]
