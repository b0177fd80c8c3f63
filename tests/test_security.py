"""Outsiders cannot spend the operator's credits, and a sick part is said, not hidden (issue 16).

Everything here goes through the real entry points: ``ima-bot run`` / ``ima-bot demo`` as
processes, the web chat's WebSocket with a foreign Origin or Host, the Feishu webhook.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from fakes import free_port

from .conftest import TEST_KEY, Sandbox, until
from .images import RED_PNG

ROOT = Path(__file__).resolve().parent.parent
SCALE = 0.05


@pytest.fixture
def sandbox_config():
    """Generations that take a few seconds, so requests sent together overlap for real."""
    from sandbox.app import SandboxConfig

    return SandboxConfig(time_scale=0.2, seed=16)


def bot_env(sandbox: Sandbox, data_dir: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "IMA_API_KEY": TEST_KEY, "IMA_BASE_URL": sandbox.url,
            "IMA_UPLOAD_URL": sandbox.url, "IMA_BOT_BOT_DATA_DIR": str(data_dir),
            "IMA_BOT_BOT_TIME_SCALE": str(SCALE),
            "IMA_BOT_OPS_PORT": str(free_port()), "NO_PROXY": "127.0.0.1,localhost", **extra}


@dataclass
class Bot:
    proc: asyncio.subprocess.Process
    lines: list[str]
    stderr: list[str]

    def printed(self, pattern: str) -> re.Match[str] | None:
        return next((m for line in self.lines if (m := re.search(pattern, line))), None)


@asynccontextmanager
async def running_bot(env: dict[str, str], *args: str,
                      ready: str = "Health and metrics") -> AsyncIterator[Bot]:
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", *args, env=env, cwd=ROOT,
                                                stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    bot = Bot(proc, [], [])

    async def pump(stream: asyncio.StreamReader, into: list[str]) -> None:
        async for line in stream:
            into.append(line.decode(errors="replace"))

    pumps = [asyncio.create_task(pump(proc.stdout, bot.lines)),
             asyncio.create_task(pump(proc.stderr, bot.stderr))]
    try:
        await until(lambda: bot.printed(ready) or proc.returncode is not None, 30, "the bot to start")
        assert proc.returncode is None, "".join(bot.stderr)
        yield bot
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            await asyncio.wait_for(proc.wait(), 20)
        await asyncio.gather(*pumps)


async def until_listening(port: int, limit_s: float = 60) -> None:
    """The limit only catches a hang: the webhook listens once lark-oapi is imported (10,600 modules),
    which took over 20 s on the shared machine under load."""
    deadline = asyncio.get_running_loop().time() + limit_s
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            assert asyncio.get_running_loop().time() < deadline, f"nothing listens on {port}"
            await asyncio.sleep(0.05)


async def run_to_exit(env: dict[str, str], *args: str) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", *args, env=env, cwd=ROOT,
                                                stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(proc.communicate(), 30)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        pytest.fail("the bot kept running instead of refusing to start")
    return proc.returncode or 0, (out + err).decode()


# ── refusing to start open ────────────────────────────────────────────────────────────────────
async def test_feishu_webhook_mode_without_a_secret_refuses_to_start(sandbox: Sandbox, tmp_path):
    env = bot_env(sandbox, tmp_path, IMA_BOT_FEISHU_ENABLED="true", IMA_BOT_FEISHU_RECEIVE="webhook",
                  FEISHU_APP_ID="cli_x",
                  FEISHU_APP_SECRET="s3cret", IMA_BOT_FEISHU_DOMAIN="http://127.0.0.1:9",
                  IMA_BOT_WEB_ENABLED="false", IMA_BOT_FEISHU_WEBHOOK_PORT=str(free_port()))
    env.pop("FEISHU_ENCRYPT_KEY", None)
    env.pop("FEISHU_VERIFICATION_TOKEN", None)
    code, output = await run_to_exit(env, "run")
    assert code == 2 and "FEISHU_ENCRYPT_KEY" in output and "FEISHU_VERIFICATION_TOKEN" in output
    assert "Traceback" not in output and len(output.strip().splitlines()) == 1


async def test_a_web_chat_reachable_from_other_machines_needs_an_access_token(sandbox: Sandbox, tmp_path):
    env = bot_env(sandbox, tmp_path, IMA_BOT_WEB_HOST="0.0.0.0", IMA_BOT_WEB_PORT=str(free_port()))
    code, output = await run_to_exit(env, "run")
    assert code == 2 and "IMA_BOT_WEB_ACCESS_TOKEN" in output and "Traceback" not in output


def test_the_docker_image_keeps_the_web_chat_on_loopback():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "IMA_BOT_WEB_HOST=0.0.0.0" not in dockerfile
    assert not re.search(r"^EXPOSE .*\b8080\b", dockerfile, re.M)


# ── the web chat ──────────────────────────────────────────────────────────────────────────────
@pytest.fixture
async def demo(sandbox: Sandbox, tmp_path) -> AsyncIterator[tuple[Bot, str]]:
    port = free_port()
    async with running_bot(bot_env(sandbox, tmp_path), "demo", "--port", str(port)) as bot:
        yield bot, f"127.0.0.1:{port}"


async def _next_view(ws: aiohttp.ClientWebSocketResponse, limit_s: float = 20) -> dict:
    while True:
        msg = await asyncio.wait_for(ws.receive(), limit_s)
        assert msg.type == aiohttp.WSMsgType.TEXT, f"socket ended: {msg.type} {msg.data}"
        payload = json.loads(msg.data)
        if payload.get("type") == "message":
            return payload["view"]


async def test_web_chat_refuses_sockets_from_other_sites_and_rebound_names(demo):
    _bot, address = demo
    async with aiohttp.ClientSession() as http:
        for headers in ({"Origin": "http://evil.example"}, {"Origin": f"http://{address}.evil.example"},
                        {"Host": f"evil.example:{address.split(':')[1]}", "Origin": f"http://evil.example:{address.split(':')[1]}"},
                        {"Host": "attacker.test"}):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(f"http://{address}/ws?uid=victim-browser-1", headers=headers)
            assert refused.value.status in (403, 421), headers
        async with http.get(f"http://{address}/", headers={"Host": "rebound.example"}) as resp:
            assert resp.status == 421
        # the page itself, opened the normal way, still works
        async with http.ws_connect(f"http://{address}/ws?uid=local-browser-1",
                                   headers={"Origin": f"http://{address}"}) as ws:
            await ws.send_json({"type": "message", "text": "help"})
            assert (await _next_view(ws))["kind"] == "notice"


async def test_web_chat_admin_only_with_the_token_printed_at_start(demo):
    bot, address = demo
    match = bot.printed(r"#admin=([A-Za-z0-9_-]+)")
    assert match is not None, "the admin link is printed at start"
    token = match.group(1)
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(f"http://{address}/ws?uid=visitor-0001") as ws:
            await ws.send_json({"type": "message", "text": "admin budget user 5"})
            assert (await _next_view(ws))["kind"] == "denied"
        async with http.ws_connect(f"http://{address}/ws?uid=visitor-0002&admin=wrong-token") as ws:
            await ws.send_json({"type": "message", "text": "admin budget user 5"})
            assert (await _next_view(ws))["kind"] == "denied"
        async with http.ws_connect(f"http://{address}/ws?uid=operator-001&admin={token}") as ws:
            await ws.send_json({"type": "message", "text": "admin budget user 5"})
            view = await _next_view(ws)
            assert view["kind"] != "denied" and "5" in view["title"] + " ".join(view["lines"])
    assert token not in "".join(bot.stderr), "the admin token never reaches the logs"


async def test_web_chat_closes_a_socket_that_sends_more_than_a_picture_needs(demo):
    _bot, address = demo
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(f"http://{address}/ws?uid=bulk-sender-1", max_msg_size=0) as ws:
            try:
                await ws.send_str(json.dumps({"type": "message", "text": "x" * (30 * 1024 * 1024)}))
            except ConnectionError:
                pass  # refused from the frame's header on, before the rest was even sent
            msg = await asyncio.wait_for(ws.receive(), 20)
            assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING)
            assert msg.type != aiohttp.WSMsgType.CLOSE or msg.data == aiohttp.WSCloseCode.MESSAGE_TOO_BIG
        async with http.get(f"http://{address}/") as resp:
            assert resp.status == 200  # the chat is still there


async def test_web_chat_caps_uploads_in_flight_per_tab_and_says_so(demo):
    _bot, address = demo
    async with aiohttp.ClientSession() as http:
        picture = base64.b64encode(RED_PNG + b"\x00" * (3 * 1024 * 1024)).decode()
        async with http.ws_connect(f"http://{address}/ws?uid=bulk-sender-2") as ws:
            for i in range(4):
                await ws.send_json({"type": "message", "text": f"make it a video {i}",
                                    "attachments": [{"name": "p.png", "type": "image/png", "data": picture}]})
            views = [await _next_view(ws, 30) for _ in range(4)]
            busy = [v for v in views if "still being sent" in v["title"]]
            assert len(busy) >= 1, [v["title"] for v in views]  # said, not dropped
        async with http.get(f"http://{address}/") as resp:
            assert resp.status == 200  # the chat is still there


# ── the Feishu webhook ────────────────────────────────────────────────────────────────────────
async def test_feishu_webhook_answers_garbage_with_400_or_401_and_nothing_internal(sandbox: Sandbox,
                                                                                   tmp_path):
    from fakes.feishu_server import APP_ID, APP_SECRET, FakeFeishu

    fake = FakeFeishu()
    fake.start_in_thread()
    hook = free_port()
    env = bot_env(sandbox, tmp_path, IMA_BOT_FEISHU_ENABLED="true", IMA_BOT_FEISHU_RECEIVE="webhook",
                  FEISHU_APP_ID=APP_ID,
                  FEISHU_APP_SECRET=APP_SECRET, FEISHU_ENCRYPT_KEY="hook-encrypt-key",
                  FEISHU_VERIFICATION_TOKEN="vtoken",
                  IMA_BOT_FEISHU_DOMAIN=fake.url, IMA_BOT_WEB_ENABLED="false",
                  IMA_BOT_FEISHU_WEBHOOK_PORT=str(hook))
    garbage = [b"", b"not json", b"[1, 2]", b'{"encrypt": "AAAA"}', b'{"encrypt": 5}',
               b'{"encrypt": "' + b"A" * 64 + b'"}',
               json.dumps({"type": "url_verification", "token": "wrong", "challenge": "c"}).encode(),
               b"\xff\xfe\x00"]
    try:
        async with running_bot(env, "run") as bot, aiohttp.ClientSession() as http:
            await until_listening(hook)
            for body in garbage:
                async with http.post(f"http://127.0.0.1:{hook}/feishu/events", data=body) as resp:
                    text = await resp.text()
                    assert resp.status in (400, 401), (body, resp.status)
                    assert not re.search(r"Expecting|ciphertext|Error|Exception|line \d|char \d|token",
                                         text), text
            async with http.post(f"http://127.0.0.1:{hook}/feishu/events",
                                 json={"type": "url_verification", "token": "vtoken",
                                       "challenge": "c42"}) as resp:
                assert (await resp.json())["challenge"] == "c42"  # Feishu itself still gets through
    finally:
        fake.stop_thread()
    assert not any("[Lark]" in line for line in bot.lines + bot.stderr), ("the SDK's own lines bypass the "
                                                                          "JSON logs")
    assert not any("Traceback" in line for line in bot.stderr)
    for line in bot.stderr:
        json.loads(line)  # every log line is one JSON object


# ── listeners under a flood ───────────────────────────────────────────────────────────────────
async def _half_sent(port: int, count: int) -> list[tuple[asyncio.StreamReader, asyncio.StreamWriter]]:
    conns = []
    for _ in range(count):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")  # and never the rest
        conns.append((reader, writer))
    return conns


async def test_slow_clients_are_cut_off_and_a_flood_cannot_starve_health_or_chat(sandbox: Sandbox, tmp_path):
    web_port = free_port()
    env = bot_env(sandbox, tmp_path, IMA_BOT_WEB_PORT=str(web_port), IMA_BOT_LISTEN_IDLE_TIMEOUT_S="1",
                  IMA_BOT_LISTEN_MAX_CONNECTIONS="20")
    ops_port = env["IMA_BOT_OPS_PORT"]
    async with running_bot(env, "run"), aiohttp.ClientSession() as http:
        flood = await _half_sent(web_port, 60)
        async with http.get(f"http://127.0.0.1:{ops_port}/healthz") as resp:
            assert resp.status == 200  # another listener: untouched
        # each half-sent request is ended by the bot (503 at once beyond the cap, closed after the idle
        # timeout)
        # (a refused socket may see a reset instead: its unread request is thrown away)
        ends = await asyncio.wait_for(asyncio.gather(*(reader.read() for reader, _ in flood),
                                                     return_exceptions=True), 20)
        assert all(isinstance(e, (bytes, ConnectionResetError)) for e in ends), ends
        assert sum(1 for e in ends if e == b"") >= 20 and sum(1 for e in ends if e != b"") >= 30
        for _, writer in flood:
            writer.close()
        async with http.get(f"http://127.0.0.1:{web_port}/") as resp:
            assert resp.status == 200  # and the chat answers again


async def test_running_out_of_descriptors_is_logged_once_not_every_second(sandbox: Sandbox, tmp_path):
    """A bot with few file descriptors, flooded: the accept error is logged once, not once a second with a
    traceback."""
    import resource

    web_port = free_port()
    env = bot_env(sandbox, tmp_path, IMA_BOT_WEB_PORT=str(web_port), IMA_BOT_LISTEN_MAX_CONNECTIONS="1000")

    def few_descriptors() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (90, 90))

    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "run", env=env, cwd=ROOT,
                                                preexec_fn=few_descriptors,
                                                stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    errors: list[str] = []

    async def pump() -> None:
        async for line in proc.stderr:
            errors.append(line.decode(errors="replace"))

    pumping = asyncio.create_task(pump())
    while b"Health and metrics" not in (line := await asyncio.wait_for(proc.stdout.readline(), 30)):
        assert line, "".join(errors)
    flood = []
    try:
        try:
            flood = await _half_sent(web_port, 150)
        except OSError as exc:
            raise AssertionError(f"{exc}: {''.join(errors)[-3000:]}") from exc
        await until(lambda: any("out of system resource" in e for e in errors), 20, "the accept error")
        # asyncio retries the accept once a second; give it three tries to repeat itself (a count, not a
        # timing)
        await asyncio.sleep(3.5)
        assert sum("out of system resource" in e for e in errors) == 1, errors
    finally:
        for _, writer in flood:
            writer.close()
        proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(proc.wait(), 20)
        await pumping


# ── limits hold when requests arrive together ─────────────────────────────────────────────────
async def test_requests_sent_together_cannot_pass_the_running_limit_together(core, sandbox: Sandbox):
    from .test_conversation import platform_of, say

    await asyncio.gather(*(say(core, f"draw a red fox number {i}") for i in range(6)))
    shown = [op.view for op in platform_of(core).ops]
    assert sum("already have 3" in v.text for v in shown) == 3, [v.text for v in shown]
    await core.manager.wait_idle(30)
    assert len(sandbox.state.creates()) == 3


async def test_requests_sent_together_cannot_spend_past_the_daily_budget(core, sandbox: Sandbox):
    from .test_conversation import platform_of, say

    core.manager.settings.max_active_per_user = 100
    core.conversation.settings.daily_budget_user = 50
    await asyncio.gather(*(say(core, f"draw a blue kite number {i}") for i in range(15)))  # 5 credits each
    await core.manager.wait_idle(60)
    charged = sum(task.credits for task in await core.store.user_tasks("test", "u1") if task.ima_task_id)
    assert charged <= 50 and len(sandbox.state.creates()) == 10, charged
    assert sum("left today" in op.view.text for op in platform_of(core).ops) == 5


# ── a database that cannot be used ────────────────────────────────────────────────────────────
async def test_a_damaged_database_stops_start_up_with_one_readable_line(sandbox: Sandbox, tmp_path):
    (tmp_path / "ima-bot.sqlite3").write_bytes(b"this is not a database, it was overwritten by "
                                               b"accident" * 200)
    code, output = await run_to_exit(bot_env(sandbox, tmp_path, IMA_BOT_WEB_PORT=str(free_port())), "run")
    assert code != 0 and "Traceback" not in output, output
    line = output.strip().splitlines()[-1]
    assert "ima-bot.sqlite3" in line and "damaged" in line and "backup" in line, output


async def test_a_database_locked_by_another_program_stops_start_up_with_one_readable_line(sandbox: Sandbox,
                                                                                          tmp_path):
    import sqlite3

    holder = sqlite3.connect(tmp_path / "ima-bot.sqlite3", isolation_level=None)
    holder.execute("CREATE TABLE other_program (x)")
    holder.execute("BEGIN EXCLUSIVE")  # another program holds the file
    try:
        code, output = await run_to_exit(bot_env(sandbox, tmp_path, IMA_BOT_WEB_PORT=str(free_port())), "run")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code != 0 and "Traceback" not in output, output
    assert "locked by another program" in output.strip().splitlines()[-1], output


# ── /healthz says which part is down ──────────────────────────────────────────────────────────
async def _health(http: aiohttp.ClientSession, url: str) -> tuple[int, dict]:
    async with http.get(url) as resp:
        return resp.status, await resp.json()


async def test_healthz_says_ima_is_down_when_it_stops_answering(tmp_path):
    port = free_port()
    ima = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "sandbox", "--port",
                                               str(port), "--key", TEST_KEY,
                                               cwd=ROOT, stdout=asyncio.subprocess.PIPE)
    await asyncio.wait_for(ima.stdout.readline(), 20)
    env = bot_env(Sandbox(f"http://127.0.0.1:{port}", None), tmp_path, IMA_BOT_WEB_ENABLED="false")  # type: ignore[arg-type]
    health = f"http://127.0.0.1:{env['IMA_BOT_OPS_PORT']}/healthz"
    try:
        async with running_bot(env, "run"), aiohttp.ClientSession() as http:
            status, body = await _health(http, health)
            assert status == 200 and body["checks"]["ima"] is True  # the catalogue is now cached
            ima.terminate()
            await ima.wait()
            seen: list[tuple[int, dict]] = []

            async def probe() -> bool:
                seen.append(await _health(http, health))
                return seen[-1][0] == 503

            deadline = asyncio.get_running_loop().time() + 15
            while not await probe():  # the answer is kept a few seconds; then IMA is asked for real
                assert asyncio.get_running_loop().time() < deadline, seen[-1]
                await asyncio.sleep(0.2)
            assert seen[-1][1]["down"] == ["ima"] and seen[-1][1]["checks"]["database"] is True
    finally:
        if ima.returncode is None:
            ima.terminate()
            await ima.wait()


async def test_healthz_says_the_database_is_down_when_the_disk_is_full(core):
    """A full disk, made real with SQLite's own page limit on the bot's connection (no tiny filesystem
    here)."""
    from aiohttp import web

    from bot.ops import create_ops_app

    runner = web.AppRunner(create_ops_app(core))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    try:
        async with aiohttp.ClientSession() as http:
            status, body = await _health(http, f"http://{host}:{port}/healthz")
            assert status == 200, body
            async with core.store._db.execute("PRAGMA page_count") as cur:
                pages = (await cur.fetchone())[0]
            await core.store._db.execute(f"PRAGMA max_page_count = {pages}")
            core._health = None  # not waiting out the few seconds an answer is kept
            status, body = await _health(http, f"http://{host}:{port}/healthz")
            assert status == 503 and body["down"] == ["database"], body
    finally:
        await runner.cleanup()


# ── the terminal's file: ──────────────────────────────────────────────────────────────────────
async def test_terminal_file_attachment_refuses_devices_fifos_and_huge_files_without_reading_them(
    sandbox: Sandbox, tmp_path
):
    import resource

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    huge = tmp_path / "huge.png"
    with huge.open("wb") as fh:
        fh.truncate(300 * 1024 * 1024)  # sparse: says 300 MB without taking the space
    env = bot_env(sandbox, tmp_path / "data")

    # the old code read /dev/zero until memory ran out: keep that from hurting the machine
    def bounded_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    chat = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "chat", "--data-dir",
                                                str(tmp_path / "data"),
                                                cwd=ROOT, env=env, preexec_fn=bounded_memory,
                                                stdin=asyncio.subprocess.PIPE,
                                                stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    lines = (f"make it a video file:/dev/zero\nmake it a video file:{fifo}\nmake it a video "
             f"file:{huge}\nhelp\n")
    try:
        out, err = await asyncio.wait_for(chat.communicate(lines.encode()), 60)
    except TimeoutError:
        chat.kill()
        await chat.wait()
        pytest.fail("the chat froze on a file")
    text = out.decode()
    assert chat.returncode == 0, err.decode()[-2000:]
    assert text.count("only an ordinary file can be attached") == 2 and "limit is 20 MB" in text, text
    assert "MemoryError" not in err.decode() and "Traceback" not in err.decode()


# ── failure texts that say what happened ──────────────────────────────────────────────────────
async def test_an_unreachable_ima_is_said_plainly_with_not_charged(tmp_path):
    closed = free_port()  # nothing listens here: every connection is refused
    env = {**os.environ, "PYTHONPATH": str(ROOT), "IMA_API_KEY": TEST_KEY, "IMA_BASE_URL": f"http://127.0.0.1:{closed}",
           "IMA_UPLOAD_URL": f"http://127.0.0.1:{closed}"}
    chat = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "chat", "--data-dir",
                                                str(tmp_path), cwd=ROOT,
                                                env=env, stdin=asyncio.subprocess.PIPE,
                                                stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    out, _err = await asyncio.wait_for(chat.communicate("draw a red fox\n画一只狐狸\n".encode()), 60)
    text = out.decode()
    assert "can't be reached" in text and "not charged" in text, text
    assert "连不上" in text and "没有扣积分" in text, text
    assert "couldn't confirm" not in text


# ── a database that fails while running ───────────────────────────────────────────────────────
async def test_a_locked_database_delays_the_outcome_but_never_orphans_the_task_and_new_messages_are_answered(
    core, caplog
):
    """Another program holds the SQLite file locked while a task ends: the outcome waits, then arrives."""
    import logging
    import sqlite3

    from .test_conversation import finals, platform_of, say

    caplog.set_level(logging.ERROR, logger="core")
    started = (await say(core, "draw a red fox in the snow"))[0]
    assert started.kind == "status"
    await until(lambda: core.manager.watching == 1, 30, "the task created at IMA and watched")
    holder = sqlite3.connect(core.store.path, isolation_level=None, timeout=30)
    holder.execute("BEGIN EXCLUSIVE")  # a backup tool, a second bot, an admin's sqlite3 shell...
    try:
        meanwhile = await say(core, "draw a blue whale")
        assert any("can't save anything right now" in v.text for v in meanwhile), [v.text for v in meanwhile]
        await until(lambda: any("outcome; retrying" in r.getMessage() for r in caplog.records), 60,
                    "the outcome to be held back")
        # finished at IMA, not saved yet: still on the watch list, not dropped
        assert core.manager.watching == 1
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    final = (await finals(core, 1, limit_s=60))[0]
    assert "ready" in final.text
    tasks = await core.store.user_tasks("test", "u1")
    assert [t.state for t in tasks] == ["done"] and core.manager.watching == 0
    assert sum(op.view.final for op in platform_of(core).ops) == 1


async def test_a_user_row_the_database_refuses_is_logged_and_saved_at_the_next_message_while_the_task_runs(
    core, caplog
):
    """The user's row is written beside the answer, not before it. When the database refuses that one write
    (here a real SQLite trigger, as a damaged table or a constraint added by an admin would), the user still
    gets their status and their result, the refusal is logged, not swallowed, and the row is written at the
    next message."""
    import logging
    import sqlite3

    from .test_conversation import finals, say

    caplog.set_level(logging.ERROR, logger="core")
    admin = sqlite3.connect(core.store.path, isolation_level=None, timeout=30)
    try:
        admin.execute("CREATE TRIGGER refuse_users BEFORE INSERT ON users "
                      "BEGIN SELECT RAISE(ABORT, 'users refused'); END")
        started = (await say(core, "draw a red fox in the snow"))[0]
        assert started.kind == "status", started.text
        await until(lambda: any("could not save the user's row" in r.getMessage() for r in caplog.records),
                    30, "the refused write to be logged")
        assert admin.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 0
        assert "ready" in (await finals(core, 1, limit_s=60))[0].text
        admin.execute("DROP TRIGGER refuse_users")
        await say(core, "help")
        row = admin.execute("SELECT platform, user_id FROM users").fetchall()
    finally:
        admin.close()
    assert row == [("test", "u1")], "the row refused once was not written at the next message"


# ── forget me ─────────────────────────────────────────────────────────────────────────────────
async def test_forget_me_leaves_no_prompt_in_the_web_history_or_on_disk_even_while_a_task_runs(
    sandbox: Sandbox, tmp_path
):
    port = free_port()
    data = tmp_path / "data"
    async with running_bot(bot_env(sandbox, data), "demo", "--port", str(port), "--data-dir", str(data)), \
            aiohttp.ClientSession() as http:
        async with http.ws_connect(f"http://127.0.0.1:{port}/ws?uid=forgetful-user-1") as ws:
            await ws.send_json({"type": "message", "id": "msg-000000001",
                                "text": "a video of a purple giraffe named Zorblax dancing"})
            assert (await _next_view(ws))["kind"] == "status"  # running: IMA has it, the bot watches it
            await ws.send_json({"type": "message", "id": "msg-000000002", "text": "forget me"})
            while (question := await _next_view(ws))["kind"] != "confirm":
                pass
            delete = next(a for a in question["actions"] if a["label"] == "Delete my data")
            await ws.send_json({"type": "action", "kind": delete["kind"], "ref": delete["ref"]})
            while "deleted" not in (await _next_view(ws))["title"]:
                pass
        async with http.ws_connect(f"http://127.0.0.1:{port}/ws?uid=forgetful-user-1") as ws:
            await ws.send_json({"type": "message", "text": "help"})
            replayed = []
            while (msg := json.loads((await asyncio.wait_for(ws.receive(), 20)).data)).get("view", {}).get(
                "kind"
            ) != "notice" or "deleted" in msg["view"]["title"]:
                replayed.append(msg)
            assert not any("Zorblax" in json.dumps(m) for m in replayed), replayed
        on_disk = b"".join(p.read_bytes() for p in data.glob("ima-bot.sqlite3*"))
        assert b"Zorblax" not in on_disk, "the prompt is still in the database files"


async def test_a_task_ima_no_longer_knows_is_said_as_lost_not_as_a_refused_request(core, sandbox: Sandbox):
    from .test_conversation import finals, say

    core.manager.settings.give_up_after_errors = 2
    await say(core, "draw a lighthouse at night")
    await until(lambda: core.manager.watching == 1, 30, "the task created at IMA and watched")
    sandbox.state.tasks.clear()  # IMA restarted and forgot it
    final = (await finals(core, 1, limit_s=60))[0]
    assert "lost track" in final.text and "wasn't accepted" not in final.text, final.text


async def test_a_database_on_a_read_only_filesystem_stops_start_up_with_one_readable_line(sandbox: Sandbox,
                                                                                         tmp_path):
    """The data folder is mounted read-only (a private mount namespace, so only this bot sees it): root
    ignores file permissions, not a read-only mount."""
    import shutil

    from core.store import Store

    store = await Store.open(tmp_path)  # a good database, written while the folder was writable
    await store.close()
    unshare = shutil.which("unshare")
    assert unshare, "util-linux's unshare is needed to mount the data folder read-only"
    env = bot_env(sandbox, tmp_path, IMA_BOT_WEB_PORT=str(free_port()))
    script = (f'mount --bind "{tmp_path}" "{tmp_path}" && mount -o remount,bind,ro "{tmp_path}" && '
              f'exec "{sys.executable}" -m bot.cli run')
    proc = await asyncio.create_subprocess_exec(unshare, "-m", "--propagation", "private", "sh", "-c", script,
                                                env=env, cwd=ROOT, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    output = (out + err).decode()
    assert proc.returncode not in (0, None) and "Traceback" not in output, output
    line = output.strip().splitlines()[-1]
    assert "ima-bot.sqlite3" in line and "cannot be written" in line, output
