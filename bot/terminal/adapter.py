"""Terminal chat: each input line is a message, each status update prints as a line.

`file:PATH` in a line attaches that file; a line that is just a number presses that button of
the latest message that has buttons. Lines from a pipe wait for a free generation slot instead of
being refused by the per-user limit (nobody is there to retry them). With ``save_dir`` every result
is downloaded there, because links die with the built-in sandbox and real ones expire. At end of
input it waits for running tasks and downloads, then exits.
"""

from __future__ import annotations

import asyncio
import stat
import sys
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlparse

import aiohttp

from core.contracts import Attachment, ChatEvent
from core.service import CoreService
from core.views import View, t

PLATFORM = "terminal"
USER = "local"


class TerminalPlatform:
    name = PLATFORM

    def __init__(self, out: TextIO = sys.stdout, save_dir: str | Path | None = None) -> None:
        self.out = out
        self.last_actions: list[tuple[str, str]] = []
        self.save_dir = Path(save_dir).expanduser() if save_dir else None
        self.downloads: set[asyncio.Task[None]] = set()

    def channel(self, route: Mapping[str, Any]) -> TerminalChannel:
        return TerminalChannel(self)

    def connected(self) -> bool:
        return True

    def show(self, tag: str, view: View) -> None:
        lines = [f"{tag} {view.title}", *(f"    {line}" for line in view.lines)]
        for item in view.media:
            lines.append(f"    {item.kind}: {item.url}")
        if view.actions:
            self.last_actions = [(a.kind, a.ref) for a in view.actions]
            lines.append("    " + "  ".join(f"[{i}] {a.label}" + (f" ({a.detail})" if a.detail else "") for i,
                                            a in enumerate(view.actions, 1)))
        self.out.write("\n".join(lines) + "\n")
        self.out.flush()
        if self.save_dir is not None and view.kind == "result" and view.media:
            task = asyncio.ensure_future(self._save(tag.strip("[]~"), view))
            self.downloads.add(task)
            task.add_done_callback(self.downloads.discard)

    async def _save(self, ref: str, view: View) -> None:
        assert self.save_dir is not None
        await asyncio.to_thread(self.save_dir.mkdir, parents=True, exist_ok=True)
        async with aiohttp.ClientSession() as http:
            for i, item in enumerate(view.media, 1):
                name = Path(urlparse(item.url).path).name or f"{item.kind}"
                target = self.save_dir / f"{ref}-{i}-{name}"
                try:
                    async with http.get(item.url, timeout=aiohttp.ClientTimeout(total=300)) as resp:
                        resp.raise_for_status()
                        await asyncio.to_thread(target.write_bytes, await resp.read())
                except (TimeoutError, aiohttp.ClientError, OSError):
                    self.out.write(f"    {t(view.language, 'terminal.save_failed', url=item.url)}\n")
                else:
                    self.out.write(f"    {t(view.language, 'terminal.saved', path=target)}\n")
                self.out.flush()

    async def wait_saved(self) -> None:
        while self.downloads:
            await asyncio.gather(*list(self.downloads), return_exceptions=True)


class TerminalChannel:
    min_edit_interval_s = 0.0

    def __init__(self, platform: TerminalPlatform) -> None:
        self.platform = platform

    async def send(self, view: View) -> str:
        ref = uuid.uuid4().hex[:6]
        self.platform.show(f"[{ref}]", view)
        return ref

    async def edit(self, ref: str, view: View) -> None:
        self.platform.show(f"[{ref}~]", view)


def _event(text: str, language: str | None, attachments: tuple[Attachment, ...] = ()) -> ChatEvent:
    return ChatEvent(platform=PLATFORM, user_id=USER, chat_id="terminal", text=text, route={},
                     attachments=attachments, language=language, is_admin=True, direct=True)


def _read_file(path: Path, limit: int) -> bytes | str:
    """The file's bytes, or which refusal to show: only a regular file, its size checked before reading.

    A device (/dev/zero) or a FIFO would be read forever or block the bot; stat() answers at once.
    """
    try:
        path = path.expanduser()
        info = path.stat()
    except (OSError, RuntimeError):
        return "attach.not_a_file"
    if not stat.S_ISREG(info.st_mode):
        return "attach.not_a_file"
    if info.st_size > limit:
        return "attach.too_large"
    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError:
        return "attach.not_a_file"
    return data if len(data) <= limit else "attach.too_large"


async def _attachments_of(text: str, language: str | None, limit: int,
                          out: TextIO) -> tuple[str, tuple[Attachment, ...]]:
    """Split ``file:PATH`` words off a line and read those files off the event loop."""
    attachments, words = [], []
    for word in text.split():
        if not word.startswith("file:"):
            words.append(word)
            continue
        path = Path(word[5:])
        data = await asyncio.to_thread(_read_file, path, limit)
        if isinstance(data, bytes):
            attachments.append(Attachment(path.name, data))
        else:
            lang = language or ("zh" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "en")
            out.write(t(lang, data, name=path.name, mb=limit // (1024 * 1024)) + "\n")
            out.flush()
    return " ".join(words), tuple(attachments)


async def run_terminal_chat(core: CoreService, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout,
                            language: str | None = None, save_dir: str | Path | None = None) -> int:
    platform = TerminalPlatform(out, save_dir)
    piped = not stdin.isatty()
    core.add_platform(platform)
    await core.start()  # no parser warm-up: one person typing has no burst, and starts 2 s sooner
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, stdin.readline)
        if not line:
            break
        text = line.strip()
        if not text:
            continue
        if text.isdigit() and platform.last_actions:
            index = int(text) - 1
            if 0 <= index < len(platform.last_actions):
                kind, ref = platform.last_actions[index]
                await core.press(_event("", language), kind, ref)
                continue
        if piped:
            await core.wait_for_slot(PLATFORM, USER)
        words, files = await _attachments_of(text, language, core.settings.ima.upload_max_bytes, out)
        if words or files:
            await core.handle(_event(words, language, files))
    await core.wait_idle()
    await platform.wait_saved()
    return 0
