"""Drive `ima-bot chat` line by line, as a person at a terminal would: type, read, then press a button.

The terminal chat prints every message and every edit as it happens; this driver waits for the
words a user would wait for before typing the next line (a button number refers to the latest
message with buttons, so pressing one must wait for that message).
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class ChatSession:
    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.lines: list[str] = []
        self._seen = 0

    @classmethod
    async def open(cls, data_dir: Path, *args: str) -> ChatSession:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("IMA_API_KEY", None)
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "chat", "--time-scale", "0.02", "--data-dir", str(data_dir),
            *args,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env=env, cwd=ROOT)
        return cls(proc)

    async def type(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.mark()
        self.proc.stdin.write((text + "\n").encode())
        await self.proc.stdin.drain()

    def mark(self) -> None:
        """Later expectations look only at what is printed from now on."""
        self._seen = len(self.lines)

    async def expect(self, pattern: str, limit_s: float = 60.0) -> str:
        """Wait until a printed line (since the last mark) matches ``pattern``; return the whole message
        block."""
        assert self.proc.stdout is not None
        regex = re.compile(pattern)
        deadline = time.monotonic() + limit_s
        index = self._seen
        while True:
            while index < len(self.lines):
                if regex.search(self.lines[index]):
                    return self.block(index)
                index += 1
            remaining = deadline - time.monotonic()
            assert remaining > 0, (f"never saw {pattern!r}; output so "
                                   f"far:\n") + "\n".join(self.lines[self._seen:])
            try:
                raw = await asyncio.wait_for(self.proc.stdout.readline(), remaining)
            except TimeoutError:
                continue
            if not raw:
                raise AssertionError(f"chat ended before {pattern!r}:\n" + "\n".join(self.lines[self._seen:]))
            self.lines.append(raw.decode().rstrip("\n"))

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
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.close()
        rest = await asyncio.wait_for(self.proc.stdout.read(), 120)
        self.lines.extend(rest.decode().splitlines())
        await asyncio.wait_for(self.proc.wait(), 30)
        assert self.proc.returncode == 0, (await self.proc.stderr.read()).decode() if self.proc.stderr else ""
        return "\n".join(self.lines)
