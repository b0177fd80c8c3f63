"""Drive the terminal chat line by line, as a person at a terminal would: type, read, then press a button.

The terminal chat prints every message and every edit as it happens; this driver waits for the
words a user would wait for before typing the next line (a button number refers to the latest
message with buttons, so pressing one must wait for that message).

It runs what `ima-bot chat` runs (the command line's own options parser, ``running_core`` with the
built-in sandbox, ``run_terminal_chat`` reading a pipe and printing to a stream) inside the test's
process, so a flow test does not pay a fresh interpreter, its imports and the parser's warm-up (about
2 s of CPU each). The command itself, as a process on a real pipe, is tested by test_terminal_chat.py.
"""

from __future__ import annotations

import asyncio
import io
import os
import re
import threading
import time
from pathlib import Path

from bot.cli import build_parser
from bot.runtime import running_core
from bot.terminal import run_terminal_chat
from core.config import load_settings


class _Printed(io.TextIOBase):
    """The chat's stdout: each complete line goes to the session, and wakes whoever waits for one."""

    def __init__(self, session: ChatSession) -> None:
        self.session = session
        self.loop = asyncio.get_running_loop()
        self.loop_thread = threading.get_ident()
        self.partial = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        *complete, self.partial = (self.partial + text).split("\n")
        if complete:
            if threading.get_ident() == self.loop_thread:
                self.session._printed(complete)
            else:
                self.loop.call_soon_threadsafe(self.session._printed, complete)
        return len(text)


class ChatSession:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self._seen = 0
        self._more = asyncio.Event()
        read_fd, write_fd = os.pipe()  # a pipe, as `echo … | ima-bot chat` gives it: lines wait for a slot
        self._stdin_r = open(read_fd, encoding="utf-8")  # closed by close() or abort()
        self._stdin_w = open(write_fd, "w", encoding="utf-8")  # closed by close() or abort()
        self.task: asyncio.Task[int] | None = None

    @classmethod
    async def open(cls, data_dir: Path, *args: str) -> ChatSession:
        """Start the chat as ``ima-bot chat --time-scale 0.02 --data-dir DATA_DIR ARGS`` would, with no IMA
        key in the environment (so on the built-in sandbox)."""
        options = build_parser().parse_args(["chat", "--time-scale", "0.02", "--data-dir", str(data_dir),
                                             *args])
        env = dict(os.environ)
        env.pop("IMA_API_KEY", None)
        settings = load_settings(options.config, env)
        settings.bot.data_dir = Path(options.data_dir)
        assert settings.use_sandbox, "the chat flows run on the built-in sandbox"
        settings.bot.time_scale = options.time_scale
        session = cls()
        out = _Printed(session)

        async def main() -> int:
            try:
                async with running_core(settings) as core:
                    return await run_terminal_chat(core, stdin=session._stdin_r, out=out,
                                                   language=options.lang, save_dir=options.save)
            finally:
                session._more.set()

        session.task = asyncio.create_task(main())
        return session

    def _printed(self, lines: list[str]) -> None:
        self.lines.extend(lines)
        self._more.set()

    async def type(self, text: str) -> None:
        self.mark()
        self._stdin_w.write(text + "\n")
        self._stdin_w.flush()

    def mark(self) -> None:
        """Later expectations look only at what is printed from now on."""
        self._seen = len(self.lines)

    async def expect(self, pattern: str, limit_s: float = 60.0) -> str:
        """Wait until a printed line (since the last mark) matches ``pattern``; return the whole message
        block."""
        assert self.task is not None
        regex = re.compile(pattern)
        deadline = time.monotonic() + limit_s
        index = self._seen
        while True:
            while index < len(self.lines):
                if regex.search(self.lines[index]):
                    return self.block(index)
                index += 1
            if self.task.done():
                raise AssertionError(f"chat ended ({self._outcome()}) before {pattern!r}:\n"
                                     + "\n".join(self.lines[self._seen:]))
            remaining = deadline - time.monotonic()
            assert remaining > 0, (f"never saw {pattern!r}; output so "
                                   f"far:\n") + "\n".join(self.lines[self._seen:])
            self._more.clear()
            try:
                await asyncio.wait_for(self._more.wait(), remaining)
            except TimeoutError:
                continue

    def _outcome(self) -> str:
        assert self.task is not None and self.task.done()
        if self.task.cancelled():
            return "cancelled"
        error = self.task.exception()
        return f"raised {error!r}" if error else f"returned {self.task.result()}"

    def block(self, index: int) -> str:
        """The message containing line ``index``: from its "[ref]" header to the next header."""
        start = index
        while start > 0 and not self.lines[start].startswith("["):
            start -= 1
        end = index + 1
        while end < len(self.lines) and not self.lines[end].startswith("["):
            end += 1
        return "\n".join(self.lines[start:end])

    def since_mark(self) -> str:
        return "\n".join(self.lines[self._seen:])

    async def close(self) -> str:
        """End input, wait for the chat to finish its tasks, return everything printed."""
        assert self.task is not None
        self._stdin_w.close()
        done, _ = await asyncio.wait({self.task}, timeout=120)
        assert done, "the chat did not finish its tasks after the end of input"
        assert not self.task.cancelled() and self.task.exception() is None and self.task.result() == 0, \
            self._outcome()
        self._stdin_r.close()
        return "\n".join(self.lines)

    async def abort(self) -> None:
        """After a test: end input and stop the chat if it still runs (as killing the process did)."""
        if not self._stdin_w.closed:
            self._stdin_w.close()  # the reader thread sees the end of input and returns
        if self.task is not None and not self.task.done():
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
        self._stdin_r.close()  # waits for a read under way, which the end of input has just ended
