"""The smallest adapter: a chat in the terminal (interactive, or lines from a pipe)."""

from .adapter import TerminalPlatform, run_terminal_chat

__all__ = ["TerminalPlatform", "run_terminal_chat"]
