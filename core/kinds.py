"""The words the core's parts use to talk to each other, as enums instead of bare strings.

Each is a :class:`StrEnum`, so a value still compares equal to (and serialises as) its string:
adapters, stored rows and locale keys keep working, while the code gets one spelled-out list.
"""

from __future__ import annotations

from enum import StrEnum


class IntentKind(StrEnum):
    """What a message asks for (set by :mod:`core.intent`; each has one handler in the conversation)."""

    GENERATE = "generate"
    SET_PREFERENCE = "set_preference"
    RESET_PREFERENCE = "reset_preference"
    SHOW_PREFERENCES = "show_preferences"
    TRY_ANOTHER = "try_another"
    AGAIN = "again"
    HELP = "help"
    CANCEL = "cancel"
    LIST_MODELS = "list_models"
    USAGE = "usage"
    FORGET_ME = "forget_me"
    YES = "yes"
    NO = "no"
    COMPARE = "compare"  # "which is better, Veo or Sora?": two models side by side, never charged
    CHAT = "chat"  # thanks, reactions, greetings, small talk: a friendly "what should I make?"


class ViewKind(StrEnum):
    """What a message shows; adapters style it (a refusal is shown only to the one who pressed)."""

    NOTICE = "notice"
    STATUS = "status"
    PROGRESS = "progress"
    RESULT = "result"
    FAILURE = "failure"
    OFFER = "offer"
    CONFIRM = "confirm"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"
    DENIED = "denied"


class ActionKind(StrEnum):
    """What a button does. ``accept`` acts on a pending offer, the others on a task (:class:`TaskRef`)."""

    ACCEPT = "accept"
    RETRY = "retry"
    PICK_MODEL = "pick_model"
    ALTERNATIVES = "alternatives"
    CANCEL_TASK = "cancel_task"
    ANIMATE = "animate"  # a picture result → a video of it
    EDIT = "edit"  # a picture result → "what should I change?" → the edited picture
    SOUNDTRACK = "soundtrack"  # a video result → music for it


class TaskState(StrEnum):
    """A task's row in the store moves creating → running → delivering → done | failed | cancelled."""

    CREATING = "creating"
    RUNNING = "running"
    DELIVERING = "delivering"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"  # the bot stopped while creating: never created twice, the user may retry
