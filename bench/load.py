"""Responsiveness under load: simulated users on the web chat, a thousand tasks in flight.

The bot runs as its own process (`ima-bot run`, web chat on), IMA is the sandbox in another
process; this process plays the users over WebSockets. Reports time from a user's message to the
status message it gets back (p50, p99) while up to --tasks tasks are in flight, and the bot
process's peak RSS and CPU time. Targets: p99 under 100 ms with 1,000 tasks in flight, RSS under
200 MiB. Usage: python -m bench.load [--users 200] [--tasks 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

from .harness import machine, percentile

ROOT = Path(__file__).resolve().parent.parent
KEY = "ima_load_bench_key"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _proc_stats(pid: int) -> tuple[float, float]:
    """(peak RSS MiB, CPU seconds) of a process, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return peak, (int(fields[11]) + int(fields[12])) / ticks


async def _wait_http(url: str, limit_s: float = 30) -> None:
    deadline = time.monotonic() + limit_s
    async with aiohttp.ClientSession() as http:
        while True:
            try:
                async with http.get(url) as resp:
                    if resp.status < 500:
                        return
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(url)
            await asyncio.sleep(0.2)


async def discord_phase(users: int, tasks: int, scale: float, window_s: float, sandbox_port: int) -> dict[str, Any]:
    """The same load through the fake Discord: slash commands in, the deferred response edited into the status."""
    from fakes.discord_server import FakeDiscord

    fake = FakeDiscord()
    await fake.start()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "IMA_API_KEY": KEY, "IMA_BASE_URL": f"http://127.0.0.1:{sandbox_port}",
               "IMA_UPLOAD_URL": f"http://127.0.0.1:{sandbox_port}", "IMA_BOT_WEB_ENABLED": "false", "IMA_BOT_OPS_PORT": str(_port()),
               "IMA_BOT_BOT_DATA_DIR": tmp, "IMA_BOT_BOT_TIME_SCALE": str(scale), "IMA_BOT_BOT_MAX_ACTIVE_PER_USER": str(tasks),
               "IMA_BOT_BOT_MAX_ACTIVE_TOTAL": str(tasks * 2), "IMA_BOT_BOT_LOG_LEVEL": "WARNING", "IMA_BOT_BOT_CONFIRM_ABOVE": "100000",
               "IMA_BOT_DISCORD_ENABLED": "true", "DISCORD_TOKEN": "fake-load-token", "IMA_BOT_DISCORD_API_BASE": fake.rest_base,
               "IMA_BOT_DISCORD_GATEWAY_URL": fake.gateway_url}
        bot = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "run", cwd=ROOT, env=env,
                                                   stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        await asyncio.wait_for(fake.identified.wait(), 30)
        await asyncio.sleep(1.0)  # READY handled, commands synced
        rng = random.Random(2)

        def status_time(token: str) -> float | None:
            for r in fake.requests:
                if r["path"].endswith(f"/{token}/messages/@original") and r["method"] == "PATCH" and r["status"] == 200:
                    return r["at"]
            return None

        async def run(interactions: list[Any]) -> list[float]:
            deadline = time.monotonic() + 60
            while any(status_time(i.token) is None for i in interactions) and time.monotonic() < deadline:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
            return [t - i.created for i in interactions if (t := status_time(i.token)) is not None]

        started = time.monotonic()
        fill = [await fake.slash("video", {"prompt": f"waves number {k}", "model": "Kling O1"}, user_id=1000 + k % users)
                for k in range(tasks)]
        burst = await run(fill)
        submit_s = time.monotonic() - started

        async def probe(k: int) -> Any:
            await asyncio.sleep(rng.uniform(0, window_s))
            return await fake.slash("image", {"prompt": f"a lighthouse number {k}"}, user_id=1000 + k)

        steady = await run(list(await asyncio.gather(*(probe(k) for k in range(users)))))
        peak, _cpu = _proc_stats(bot.pid)
        bot.terminate()
        await bot.wait()
    await fake.close()
    return {"tasks": len(burst), "submit_s": submit_s, "p50_ms": percentile(steady, 50) * 1000, "p99_ms": percentile(steady, 99) * 1000,
            "burst_p50_ms": percentile(burst, 50) * 1000, "burst_p99_ms": percentile(burst, 99) * 1000, "peak_rss_mib": peak,
            "late_answers": fake.late_callbacks, "rate_limited": fake.rate_limited, "probes": len(steady)}


async def main(users: int, tasks: int, scale: float = 0.5, window_s: float = 10.0, with_discord: bool = True) -> dict[str, Any]:
    sandbox_port, web_port, ops_port = _port(), _port(), _port()
    sandbox = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "sandbox", "--port", str(sandbox_port),
                                                   "--time-scale", str(scale), "--points", str(10**9), "--key", KEY, cwd=ROOT,
                                                   stdout=asyncio.subprocess.DEVNULL)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "IMA_API_KEY": KEY, "IMA_BASE_URL": f"http://127.0.0.1:{sandbox_port}",
               "IMA_UPLOAD_URL": f"http://127.0.0.1:{sandbox_port}", "IMA_BOT_WEB_PORT": str(web_port),
               "IMA_BOT_OPS_PORT": str(ops_port), "IMA_BOT_BOT_DATA_DIR": tmp, "IMA_BOT_BOT_TIME_SCALE": str(scale),
               "IMA_BOT_BOT_MAX_ACTIVE_PER_USER": str(tasks), "IMA_BOT_BOT_MAX_ACTIVE_TOTAL": str(tasks * 2),
               "IMA_BOT_BOT_LOG_LEVEL": "WARNING", "IMA_BOT_BOT_CONFIRM_ABOVE": "100000"}
        bot = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "run", cwd=ROOT, env=env,
                                                   stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        await _wait_http(f"http://127.0.0.1:{sandbox_port}/_sandbox/health")
        await _wait_http(f"http://127.0.0.1:{web_port}/")
        _, cpu_before = _proc_stats(bot.pid)
        rng = random.Random(1)
        burst: list[float] = []
        steady: list[float] = []
        seen: set[str] = set()

        async def ask(ws: aiohttp.ClientWebSocketResponse, text: str, into: list[float]) -> None:
            sent = time.monotonic()
            await ws.send_json({"type": "message", "text": text})
            while True:
                payload = await asyncio.wait_for(ws.receive_json(), 60)
                if payload["view"]["kind"] == "status" and payload["id"] not in seen:
                    seen.add(payload["id"])
                    into.append(time.monotonic() - sent)
                    return

        per_user = max(1, tasks // users)
        started = time.monotonic()
        sockets: list[tuple[aiohttp.ClientSession, aiohttp.ClientWebSocketResponse]] = []
        for index in range(users):
            http = aiohttp.ClientSession()
            sockets.append((http, await http.ws_connect(f"http://127.0.0.1:{web_port}/ws?uid=loaduser{index:05d}")))

        async def fill(index: int) -> None:  # phase 1: everyone at once until `tasks` are in flight
            for j in range(per_user):
                await ask(sockets[index][1], f"use kling o1 to make a 5s video of waves number {index}-{j}", burst)

        await asyncio.gather(*(fill(i) for i in range(users)))
        submit_s = time.monotonic() - started

        async def probe(index: int) -> None:  # phase 2: each user once more, at a random moment of a 10 s window
            await asyncio.sleep(rng.uniform(0, window_s))
            await ask(sockets[index][1], f"draw a lighthouse number {index}", steady)

        await asyncio.gather(*(probe(i) for i in range(users)))
        for http, ws in sockets:
            await ws.close()
            await http.close()
        async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{ops_port}/metrics") as resp:
            metrics = await resp.text()
        watching = float(re.search(r"^ima_bot_tasks_watching (\S+)", metrics, re.M).group(1))
        peak, cpu_after = _proc_stats(bot.pid)
        bot.terminate()
        await bot.wait()
    discord_report = await discord_phase(users, tasks, scale, window_s, sandbox_port) if with_discord else None
    sandbox.terminate()
    await sandbox.wait()
    report = {"discord": discord_report, "users": users, "tasks": len(burst), "in_flight": watching, "p50_ms": percentile(steady, 50) * 1000,
              "p99_ms": percentile(steady, 99) * 1000, "burst_p50_ms": percentile(burst, 50) * 1000,
              "burst_p99_ms": percentile(burst, 99) * 1000, "peak_rss_mib": peak, "cpu_s": cpu_after - cpu_before,
              "wall_s": time.monotonic() - started, "submit_s": submit_s}
    report["targets_met"] = report["p99_ms"] < 100 and peak < 200 and (
        discord_report is None or (discord_report["p99_ms"] < 100 and discord_report["peak_rss_mib"] < 200))
    print(f"load · {machine()}")
    print(f"  fill: {users} web chat users sent {len(burst)} requests in {submit_s:.1f} s "
          f"(message → status p50 {report['burst_p50_ms']:.0f} ms, p99 {report['burst_p99_ms']:.0f} ms during that burst)")
    print(f"  then, with {watching:.0f} tasks in flight, {len(steady)} more messages over {window_s:.0f} s: message → status message "
          f"p50 {report['p50_ms']:.1f} ms, p99 {report['p99_ms']:.1f} ms (target p99 < 100 ms)")
    print(f"  bot process: peak RSS {peak:.0f} MiB (target < 200), CPU {report['cpu_s']:.1f} s over {report['wall_s']:.1f} s wall")
    if discord_report:
        d = discord_report
        print(f"  fake Discord: {d['tasks']} slash commands in {d['submit_s']:.1f} s (command → status p50 {d['burst_p50_ms']:.0f} ms, "
              f"p99 {d['burst_p99_ms']:.0f} ms during that burst)")
        print(f"  then {d['probes']} more commands over {window_s:.0f} s with them in flight: p50 {d['p50_ms']:.1f} ms, "
              f"p99 {d['p99_ms']:.1f} ms (target < 100 ms) · peak RSS {d['peak_rss_mib']:.0f} MiB · answered after 3 s: "
              f"{d['late_answers']} · Discord 429s: {d['rate_limited']}")
    return report


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--tasks", type=int, default=1000)
    args = parser.parse_args()
    asyncio.run(main(args.users, args.tasks))
