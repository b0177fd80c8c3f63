"""Subcommands that run the bot: chat (terminal), demo (sandbox + web chat), run (every enabled adapter)."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
from collections.abc import Coroutine
from contextlib import AsyncExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from core.config import ConfigError, Settings, load_settings
from core.logs import setup_logging

if TYPE_CHECKING:
    from aiohttp import web

    from core.service import CoreService


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
        settings.bot.data_dir = Path(args.data_dir)
    elif "IMA_BOT_BOT_DATA_DIR" not in os.environ and args.config is None:
        settings.bot.data_dir = Path(tempfile.mkdtemp(prefix="ima-bot-chat-"))
    if args.time_scale and settings.use_sandbox:
        settings.bot.time_scale = args.time_scale
    elif args.time_scale:
        print("ima-bot: --time-scale only speeds up the built-in sandbox; real generations are watched in "
              "real time.",
              file=sys.stderr, flush=True)
    setup_logging(os.environ.get("IMA_BOT_BOT_LOG_LEVEL", "WARNING"), settings.secrets())

    async def main() -> int:
        async with running_core(settings) as core:
            return await run_terminal_chat(core, language=args.lang, save_dir=args.save)

    return _run_saying_why(main())


async def serve(settings: Settings, ready: asyncio.Event | None = None,
                stop: asyncio.Event | None = None) -> int:
    """Run the core and every enabled adapter until SIGINT/SIGTERM (or ``stop``), then shut down cleanly.

    Everything started is registered on one exit stack as it starts, so a part that fails to start
    (a port in use, a missing token) closes every part already running, in reverse order.
    """
    from core.intent import warm_up

    from .listen import quiet_accept_errors
    from .runtime import running_core

    stop = stop or asyncio.Event()
    quiet_accept_errors()
    async with AsyncExitStack() as stack:
        _stop_on_signals(stack, stop)
        core = await stack.enter_async_context(running_core(settings))
        # the parser's patterns first, rather than on the first messages of a burst, and before anything can
        # reach us: seconds of CPU that hold the event loop, and a chat event that came in meanwhile, over a
        # connection already open, would wait past its platform's ack deadline
        warm_up()
        if settings.web.enabled:
            from .web import WebPlatform, create_web_app
            from .web.guard import WebGuard

            platform = WebPlatform()
            core.add_platform(platform)
            ws = settings.web
            guard = WebGuard.for_listener(ws.host, ws.allowed_hosts, _secret(ws.access_token) or None,
                                          _secret(ws.admin_token) or None)
            host, port = await _listen(stack, create_web_app(core, platform, guard), ws.host, ws.port,
                                       settings)
            key = f"#key={guard.access_token}" if guard.access_token else ""
            print(f"Web chat ready: http://{host}:{port}/{key}", flush=True)
            # a fresh token each start: only whoever reads this console is the admin
            if ws.admin_token is None:
                print(f"Web chat admin (budgets, defaults; keep it private): http://{host}:{port}/#admin={guard.admin_token}",
                      flush=True)
        if settings.ops.enabled:
            from .ops import create_ops_app

            host, port = await _listen(stack, create_ops_app(core), settings.ops.host, settings.ops.port,
                                       settings)
            print(f"Health and metrics: http://{host}:{port}/healthz /metrics", flush=True)
        if settings.discord.enabled:
            await _start_discord(stack, core, settings)
        if settings.feishu.enabled:
            await _start_feishu(stack, core, settings)
        await core.start()
        if ready is not None:
            ready.set()
        await stop.wait()
    return 0


def _stop_on_signals(stack: AsyncExitStack, stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):
            continue
        stack.callback(loop.remove_signal_handler, sig)


async def _listen(stack: AsyncExitStack, app: web.Application, host: str, port: int,
                  settings: Settings) -> tuple[str, int]:
    """Serve ``app`` on host:port until the stack closes; returns the bound address (port 0 = any free one).

    Behind the idle timeout and connection cap of ``settings.listen`` (see bot/listen.py).
    """
    from .listen import serve_app

    runner = await serve_app(app, host, port, settings.listen, stack)
    bound = runner.addresses
    return (str(bound[0][0]), int(bound[0][1])) if bound else (host, port)


async def _start_discord(stack: AsyncExitStack, core: CoreService, settings: Settings) -> None:
    import discord as discord_lib
    import yarl

    from .discord import adapter_for

    ds = settings.discord
    if ds.token is None:
        raise ConfigError("discord is enabled but DISCORD_TOKEN is not set")
    # discord.py reads its endpoints from class attributes (the documented way to point it elsewhere):
    # set them for this run and put the old values back when it ends.
    route, gateway = discord_lib.http.Route, discord_lib.gateway.DiscordWebSocket
    old_base, old_gateway = route.BASE, gateway.DEFAULT_GATEWAY
    stack.callback(setattr, route, "BASE", old_base)
    stack.callback(setattr, gateway, "DEFAULT_GATEWAY", old_gateway)
    if ds.api_base:
        route.BASE = ds.api_base
    if ds.gateway_url:
        gateway.DEFAULT_GATEWAY = yarl.URL(ds.gateway_url)
    options = {"guild_allowlist": ds.guild_allowlist, "message_content": ds.message_content}
    bot = adapter_for(core, ds.shard_count, ds.shard_ids, dev_guild=ds.dev_guild, **options)
    keeper = None
    if ds.shard_count and ds.shard_ids is not None:
        # Several instances split the shards: each takes over those of an instance that dies (the core
        # takes this instance's shard leases once it has started).
        from .discord.takeover import ShardTakeover

        extra = ShardTakeover(bot, ds.token.get_secret_value(), ds.shard_count, **options)
        keeper = await core.keep_shards("discord", ds.shard_count, ds.shard_ids, extra.connect,
                                        extra.disconnect)
    task = asyncio.create_task(bot.start(ds.token.get_secret_value()))

    async def close() -> None:
        if keeper is not None:
            await keeper.close()
        await bot.close()
        await asyncio.gather(task, return_exceptions=True)

    stack.push_async_callback(close)


async def _start_feishu(stack: AsyncExitStack, core: CoreService, settings: Settings) -> None:
    from core.logs import adopt_logger

    from .feishu import FeishuAdapter

    # the SDK prints "[Lark]" lines straight to stdout: through our JSON logs and scrubbing instead
    adopt_logger("Lark")
    fs = settings.feishu
    if not fs.app_id or fs.app_secret is None:
        raise ConfigError("feishu is enabled but FEISHU_APP_ID / FEISHU_APP_SECRET are not set")

    feishu = FeishuAdapter(core, app_id=fs.app_id, app_secret=_secret(fs.app_secret), domain=fs.domain,
                           group_needs_mention=fs.group_needs_mention, encrypt_key=_secret(fs.encrypt_key),
                           verification_token=_secret(fs.verification_token),
                           admin_ids=settings.bot.admin_ids)
    stack.push_async_callback(feishu.close)
    await feishu.start(long_connection=fs.receive == "long_connection")
    if fs.receive == "webhook":
        host, port = await _listen(stack, feishu.webhook_app(), fs.webhook_host, fs.webhook_port, settings)
        print(f"Feishu webhook: http://{host}:{port}/feishu/events", flush=True)


def _secret(value: SecretStr | None) -> str:
    return value.get_secret_value() if value is not None else ""


async def _serve_settled(settings: Settings) -> int:
    """:func:`serve`, with the heap settled once everything has started (this process only: tests that
    call serve() share their process with everything else)."""
    from .heap import settle_heap

    ready = asyncio.Event()

    async def settle() -> None:
        await ready.wait()
        settle_heap()

    settling = asyncio.create_task(settle())
    try:
        return await serve(settings, ready)
    finally:
        settling.cancel()


def _serve_or_refuse(settings: Settings) -> int:
    """Serve; but first refuse settings that would let outsiders in, and end a failed start with one
    readable line."""
    from .exposure import refusals

    problems = refusals(settings)
    for problem in problems:
        print(f"ima-bot: {problem}", file=sys.stderr)
    if problems:
        return 2
    return _run_saying_why(_serve_settled(settings))


def _run_saying_why(main: Coroutine[Any, Any, int]) -> int:
    """Run a command's loop; a start that fails on its settings or its store ends with one readable line
    and an exit code (2, 3), so a restart policy (or the operator) acts on it."""
    from core.store import StoreUnavailable

    try:
        return asyncio.run(main)
    except ConfigError as exc:
        print(f"ima-bot: {exc}", file=sys.stderr)
        return 2
    except StoreUnavailable as exc:  # its data folder is in use, locked, read-only or damaged
        print(f"ima-bot: {exc}", file=sys.stderr)
        return 3


def _demo(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if args.data_dir:
        settings.bot.data_dir = Path(args.data_dir)
    settings.web.enabled = True
    settings.web.port = args.port if args.port is not None else settings.web.port
    if "IMA_BOT_OPS_PORT" not in os.environ and args.config is None:
        settings.ops.port = 0  # a demo should never collide with a running bot's health port
    if settings.use_sandbox:
        settings.bot.time_scale = args.time_scale or 0.25
        print(f"No IMA key configured: using the built-in IMA sandbox (generation is simulated, "
              f"{speed(settings.bot.time_scale)}).",
              flush=True)
    elif args.time_scale:
        print("An IMA key is configured: --time-scale (sandbox only) is ignored.", flush=True)
    setup_logging(settings.bot.log_level, settings.secrets())
    return _serve_or_refuse(settings)


def speed(scale: float) -> str:
    """How a time scale feels, in words: 0.25 is "4x faster", 1 is "at real speed"."""
    if abs(scale - 1) < 1e-9:
        return "at real speed"
    if scale < 1:
        return f"{1 / scale:.3g}x faster"
    return f"{scale:.3g}x slower"


def _run(args: argparse.Namespace) -> int:
    settings = _settings(args)
    setup_logging(settings.bot.log_level, settings.secrets())
    return _serve_or_refuse(settings)


def register(sub: argparse._SubParsersAction) -> None:
    config_help = "TOML settings file (default: environment variables only; see config.example.toml)"
    data_help = "where the SQLite database is kept"
    demo = sub.add_parser("demo", help="try it locally: IMA sandbox (unless a key is set) + web chat")
    demo.add_argument("--config", default=None, help=config_help)
    demo.add_argument("--port", type=int, default=None,
                      help="web chat port (default 8080; 0 = any free port)")
    demo.add_argument("--data-dir", default=None, help=f"{data_help} (default ./ima-bot-data)")
    demo.add_argument("--time-scale", type=float, default=None,
                      help="sandbox only: 0.25 (the default) = four times faster than real, 1 = real speed")
    demo.set_defaults(func=_demo)
    run = sub.add_parser("run", help="run every enabled adapter on one shared core")
    run.add_argument("--config", default=None, help=config_help)
    run.set_defaults(func=_run)
    chat = sub.add_parser("chat", help="chat in the terminal (lines from a pipe work too)")
    chat.add_argument("--config", default=None, help=config_help)
    chat.add_argument("--data-dir", default=None, help=f"{data_help} (default: a new temporary folder)")
    chat.add_argument("--time-scale", type=float, default=None,
                      help="sandbox only (ignored with a real IMA key): 0.1 = ten times faster than real")
    chat.add_argument("--lang", choices=["en", "zh"], default=None,
                      help="language for replies to messages without words (a message's own language always "
                           "wins)")
    chat.add_argument("--save", default=None, metavar="DIR",
                      help="download every result into DIR (the sandbox's links end with the command; real "
                           "links expire)")
    chat.set_defaults(func=_chat)


def _migrate_store(args: argparse.Namespace) -> int:
    """Copy the SQLite file's rows into a PostgreSQL database, for the move to several instances."""
    from core.store import Store

    settings = _settings(args)
    data_dir = Path(args.data_dir) if args.data_dir else settings.bot.data_dir
    target_url = args.to or os.environ.get("IMA_BOT_DATABASE_URL", "")
    if not target_url.startswith(("postgresql://", "postgres://")):
        print("ima-bot: give the PostgreSQL database with --to postgresql://USER@HOST/DB", file=sys.stderr)
        return 2
    if not (data_dir / "ima-bot.sqlite3").is_file():
        print(f"ima-bot: no database to move in {data_dir} (ima-bot.sqlite3 not found)", file=sys.stderr)
        return 2

    async def main() -> int:
        source = await Store.open(data_dir)
        try:
            target = await Store.open(data_dir, target_url)
        except Exception as exc:  # the message names what is wrong (host, auth); never the URL's password
            await source.close()
            print(f"ima-bot: cannot open the PostgreSQL database: {type(exc).__name__}: {exc}",
                  file=sys.stderr)
            return 1
        try:
            copied = await source.copy_to(target)
        except ValueError as exc:
            print(f"ima-bot: {exc}", file=sys.stderr)
            return 1
        finally:
            await source.close()
            await target.close()
        for table, count in copied.items():
            print(f"{table}: {count} rows copied")
        print("done: set IMA_BOT_DATABASE_URL to this database and start the instances")
        return 0

    return asyncio.run(main())


def register_migrate(sub: argparse._SubParsersAction) -> None:
    move = sub.add_parser("migrate-store",
                          help="copy the SQLite database into PostgreSQL (to run several instances)")
    move.add_argument("--to", default=None, metavar="URL",
                      help="postgresql://USER@HOST/DB (default: IMA_BOT_DATABASE_URL)")
    move.add_argument("--config", default=None, help="TOML settings file (for bot.data_dir)")
    move.add_argument("--data-dir", default=None,
                      help="folder of the SQLite database to move (default: bot.data_dir)")
    move.set_defaults(func=_migrate_store)
