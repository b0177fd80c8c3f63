"""Subcommands that run the bot: chat (terminal), demo (sandbox + web chat), run (every enabled adapter)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile

from core.config import ConfigError, Settings, load_settings


def _settings(args: argparse.Namespace) -> Settings:
    try:
        return load_settings(getattr(args, "config", None))
    except ConfigError as exc:
        print(f"ima-bot: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc


def _chat(args: argparse.Namespace) -> int:
    from .runtime import running_core
    from .terminal import run_terminal_chat

    settings = _settings(args)
    if args.data_dir:
        settings.bot.data_dir = args.data_dir
    elif "IMA_BOT_BOT_DATA_DIR" not in os.environ and args.config is None:
        settings.bot.data_dir = tempfile.mkdtemp(prefix="ima-bot-chat-")
    if args.time_scale:
        settings.bot.time_scale = args.time_scale
    logging.basicConfig(level=logging.WARNING)

    async def main() -> int:
        async with running_core(settings) as core:
            return await run_terminal_chat(core, language=args.lang)

    return asyncio.run(main())


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    chat = sub.add_parser("chat", help="chat in the terminal (lines from a pipe work too)")
    chat.add_argument("--config", default=None)
    chat.add_argument("--data-dir", default=None)
    chat.add_argument("--time-scale", type=float, default=None, help="sandbox only: speed up generation")
    chat.add_argument("--lang", choices=["en", "zh"], default=None)
    chat.set_defaults(func=_chat)
