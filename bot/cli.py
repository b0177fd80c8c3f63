"""`ima-bot`: sandbox, demo (sandbox + web chat), chat (terminal), run (every enabled adapter)."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from collections.abc import Sequence


def _sandbox_cmd(args: argparse.Namespace) -> int:
    from sandbox.app import SandboxConfig, bound_url, run_sandbox

    scale = args.time_scale or float(os.environ.get("IMA_SANDBOX_TIME_SCALE", "1") or 1)
    config = SandboxConfig(time_scale=scale, starting_points=args.points, keys=args.key or None)

    async def main() -> None:
        runner = await run_sandbox(args.host, args.port, config)
        print(f"IMA sandbox listening on {bound_url(runner)} (time scale {scale})", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        await runner.cleanup()

    asyncio.run(main())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ima-bot",
                                     description="AI image, video and music generation for chat")
    sub = parser.add_subparsers(dest="command", required=True)
    sb = sub.add_parser("sandbox", help="run the local IMA stand-in")
    sb.add_argument("--host", default="127.0.0.1", help="address to listen on (default: this computer only)")
    sb.add_argument("--port", type=int, default=8765, help="port to listen on (0 = any free port)")
    sb.add_argument("--time-scale", type=float, default=None,
                    help="0.25 = four times faster than the real service")
    sb.add_argument("--points", type=int, default=100_000, help="starting balance of each key")
    sb.add_argument("--key", action="append", help="accept only this key (repeatable)")
    sb.set_defaults(func=_sandbox_cmd)
    from . import commands

    commands.register(sub)
    commands.register_migrate(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from .pattern_cache import install

    install()  # only with IMA_BOT_PATTERN_CACHE set (the test suite); before any pattern is built
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
