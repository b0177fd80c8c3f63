"""`ima-bot demo`, the README's first command, brings up the web chat with no keys (issue 6)."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent


async def test_demo_serves_the_page_and_stops_cleanly_on_sigterm(tmp_path):
    env = {k: v for k,
           v in os.environ.items() if k not in ("IMA_API_KEY", "DISCORD_TOKEN", "FEISHU_APP_SECRET")}
    env["PYTHONPATH"] = str(ROOT)
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "demo", "--port", "0",
                                                "--data-dir", str(tmp_path), "--time-scale", "0.5",
                                                stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.STDOUT, env=env, cwd=ROOT)
    url = None
    output = ""
    while url is None:
        line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
        assert line, output
        output += line
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        url = found.group(0) if found else None
    assert "sandbox" in output and "2x faster" in output  # the start-up line states the scale really used
    async with aiohttp.ClientSession() as http:
        async with http.get(url) as resp:
            assert resp.status == 200 and "IMA Studio bot" in await resp.text()
        async with http.ws_connect(url + "ws?uid=demo-browser-1") as ws:
            await ws.send_json({"type": "message", "text": "help"})
            reply = await asyncio.wait_for(ws.receive_json(), 10)
            assert "images, videos and music" in reply["view"]["title"]
    proc.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(proc.wait(), 10) == 0
    assert (tmp_path / "ima-bot.sqlite3").exists()


async def test_chat_time_scale_leaves_real_generations_alone(sandbox, tmp_path):
    """With an IMA key the sandbox is not used, so --time-scale must not shrink real waiting times."""
    from .conftest import TEST_KEY

    env = {**os.environ, "IMA_API_KEY": TEST_KEY, "IMA_BASE_URL": sandbox.url, "IMA_UPLOAD_URL": sandbox.url,
           "PYTHONPATH": str(ROOT)}
    env.pop("IMA_BOT_BOT_TIME_SCALE", None)

    async def models(*extra: str) -> tuple[str, str]:
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "chat", "--data-dir",
                                                    str(tmp_path), *extra,
                                                    stdin=asyncio.subprocess.PIPE,
                                                    stdout=asyncio.subprocess.PIPE,
                                                    stderr=asyncio.subprocess.PIPE, env=env, cwd=ROOT)
        out, err = await asyncio.wait_for(proc.communicate(b"list models\n"), 60)
        assert proc.returncode == 0, err.decode()
        return re.sub(r"\[\w+\]", "", out.decode()), err.decode()

    real, _ = await models()
    scaled, note = await models("--time-scale", "0.02")
    assert "Kling" in real and scaled == real  # the same estimated times, not fifty times shorter
    assert "sandbox" in note
