"""What adapters give the core and what the core asks of them.

An adapter turns a platform event into a :class:`ChatEvent` and implements :class:`Channel` (send
a view, edit it) for a ``route`` it defines itself: a plain JSON dict (channel id, message to
reply to, interaction token…) that the core stores with each task, so after a restart the same
adapter can rebuild the channel and keep editing the same message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from .views import View


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    content_type: str | None = None


@dataclass(frozen=True)
class ChatEvent:
    platform: str
    user_id: str
    chat_id: str
    text: str
    route: Mapping[str, Any]
    attachments: tuple[Attachment, ...] = ()
    guild_id: str | None = None
    event_id: str | None = None
    # the chat's language (a UI switch, a locale): used only when the text has none
    language: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)  # typed options from slash commands
    media: str | None = None  # forced by a command (/image, /video, /music)
    is_admin: bool = False
    # the platform message this event is (e.g. its id), when it is one a platform may hand over again after
    # a restart (core/inbox.py): the task it starts records it, and a second task for it is never reserved
    source: str | None = None
    # answered long after it was sent (kept while the bot was down, see core/inbox.py): the user may have
    # asked again meanwhile, so whatever it would charge is asked with a button first, never just run
    late: bool = False
    # a chat between the user and the bot alone (a DM, Feishu p2p, the web or terminal chat): nobody else
    # reads the message, so a typed "@name" opening it is the bot's own (custom) name, never a colleague's
    direct: bool = False


class ChannelError(Exception):
    """An edit or send failed (message gone, rate limited, platform error)."""

    def __init__(self, message: str = "", *, retry_after_s: float | None = None, gone: bool = False) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
        self.gone = gone


@runtime_checkable
class Channel(Protocol):
    """Where one conversation's messages go."""

    #: The platform's limit on edits of one message; the core never edits faster.
    min_edit_interval_s: float

    async def send(self, view: View) -> str:
        """Post a new message; returns a reference the adapter can edit later (JSON-able string)."""
        ...

    async def edit(self, ref: str, view: View) -> None:
        """Replace the message ``ref`` with ``view``; raise :class:`ChannelError` if impossible."""
        ...


class Platform(Protocol):
    """One chat platform as the core sees it: where a route's messages go, and whether it is up."""

    name: str

    def channel(self, route: Mapping[str, Any]) -> Channel: ...

    def connected(self) -> bool:
        """Whether the platform can deliver right now (its connection is up); shown in /healthz."""
        ...


@runtime_checkable
class KeepsHistory(Protocol):
    """A platform that keeps users' messages itself (the web chat replays them to a reloaded page)."""

    def forget(self, user_id: str) -> None:
        """Drop everything kept about this user: "forget me" covers the adapter's memory too."""
        ...
