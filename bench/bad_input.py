"""Bad input: at least 200 hostile or broken inputs across the adapters; count crashes and unfit replies.

Chat messages (empty, huge, binary, zero-width and right-to-left text, mention floods, markdown and
card injection, wrong and oversized files, unknown models, impossible options) go through the
conversation entry point and the web chat's WebSocket; malformed and forged platform events go
through the Feishu webhook and event handlers; other sites' sockets, admin without the token, oversized
frames, upload floods and the terminal's file: with devices and FIFOs too. A reply is unfit when it is empty,
not in the
message's language, or says something technical. Targets: 0 crashes, 0 unfit replies.
Usage: python -m bench.bad_input
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import os
import random
import re
import tempfile
import time
from typing import Any

import aiohttp
from aiohttp import web

from bot.feishu import FeishuAdapter
from bot.web import WebPlatform, create_web_app
from core.contracts import Attachment, ChatEvent
from core.i18n import detect_language
from core.intent import warm_up

from .harness import RecordingChat, machine, open_core, start_sandbox

FORBIDDEN = re.compile(
    r"\b(api|http|polling|script|attribute_id|model_version|form_config|traceback|exception|json)\b|轮询|脚本|接口",
    re.I,
)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def messages() -> list[tuple[str, list[bytes]]]:
    rng = random.Random(3)
    texts = ["", " ", "\n\n\t", "\u200b\u200b\u200b", "\u202edraw a cat\u202c", "ارسم قطة",
             "画\u200d一只\u200b猫", "🙂" * 500,
             "<@123> " * 300, "@everyone draw", "@here 画", "<@&55>" * 50,
             "**bold** __u__ ~~s~~ `code` ```block```",
             "[click](javascript:alert(1)) draw a cat", '{"tag":"button","value":{"kind":"accept"}} draw',
             "</div><script>x()</script>",
             "draw " + "a" * 100_000, "画" * 50_000, "\x00\x01\x02 draw", "draw a cat\r\n\r\n\r\nplease",
             "use foobar-9000 to draw",
             "用 不存在的模型 画猫", "draw 999 images of a cat", "draw -3 images", "a -5s video",
             "a 0 second video", "a 100000s video",
             "16K wallpaper", "画一张 0:0 的图", "draw a 99:1 picture", "video 4320p",
             "a video with sound using seedream",
             "always use", "以后都用", "reset reset reset", "换一个" * 20, "yes" * 100,
             "admin budget user -5", "admin default video",
             "admin disable everything", "/video", "/image ", "/music", "lyrics:", "歌词：",
             "a song, lyrics: " + "la " * 3000,
             "make it a video", "首尾帧", "参考这张图", "edit this photo", "cancel cancel", "models models",
             "None", "null", "undefined",
             "NaN", "' OR 1=1 --", "'; DROP TABLE tasks; --", "${jndi:ldap://x}", "{{7*7}}", "%s%s%s%n",
             "\\x00", "\ud7ff", "\U0001f600" * 30]
    out: list[tuple[str, list[bytes]]] = [(t, []) for t in texts]
    for _ in range(100):  # binary noise decoded as text
        raw = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))
        out.append((raw.decode("utf-8", errors="replace"), []))
    files = [PDF, b"MZ\x90\x00" + b"\x00" * 100, b"PK\x03\x04" + b"\x00" * 50, b"plain text, not a picture",
             b"", b"\x89PNG\r\n\x1a\n" + b"\x00" * 10, b"\x89PNG\r\n\x1a\n" + b"0" * (25 * 1024 * 1024)]
    for data in files:
        out.append(("make it a video", [data]))
        out.append(("把这张图改成油画", [data]))
    out += [("first and last frame", [PDF, PDF]), ("draw a cat", [b"\xff\xd8\xff" + b"\x00" * 20] * 9)]
    return out


INTERNAL = re.compile(r"Error|Exception|Traceback|Expecting|ciphertext|line \d|char \d")


async def hostile_web(http: aiohttp.ClientSession, address: str) -> tuple[int, list[str]]:
    """Other sites' pages, rebound names, admin without the token, oversized frames and upload floods."""
    problems: list[str] = []
    port = address.split(":")[1]
    foreign = [{"Origin": "http://evil.example"}, {"Origin": "null"}, {"Origin": f"http://{address}.evil.example"},
               {"Host": f"evil.example:{port}", "Origin": f"http://evil.example:{port}"},
               {"Host": "attacker.test"}, {"Host": ""}]
    for headers in foreign:
        try:
            async with http.ws_connect(f"http://{address}/ws?uid=victim-of-{len(problems)}x",
                                       headers=headers):
                problems.append(f"web chat accepted a socket with {headers}")
        except aiohttp.WSServerHandshakeError as exc:
            if exc.status not in (400, 403, 421):
                problems.append(f"web chat answered {exc.status} to {headers}")
    async with http.ws_connect(f"http://{address}/ws?uid=not-the-admin-1&admin=guess") as ws:
        await ws.send_json({"type": "message", "text": "admin budget user 1"})
        reply = await asyncio.wait_for(ws.receive_json(), 10)
        if reply.get("view", {}).get("kind") != "denied":
            problems.append("a web chat visitor used an admin command")
    async with http.ws_connect(f"http://{address}/ws?uid=oversized-frame-1", max_msg_size=0) as ws:
        try:
            await ws.send_str("x" * (40 * 1024 * 1024))
        except ConnectionError:
            pass
        msg = await asyncio.wait_for(ws.receive(), 10)
        if msg.type == aiohttp.WSMsgType.TEXT:
            problems.append("web chat took a 40 MB message")
    picture = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * (3 * 1024 * 1024)).decode()
    async with http.ws_connect(f"http://{address}/ws?uid=upload-flood-1") as ws:
        for i in range(6):
            await ws.send_json({"type": "message", "text": f"make it a video {i}",
                                "attachments": [{"name": "p.png", "type": "image/png", "data": picture}]})
        answers = 0
        while answers < 6:  # every one answered: handled, or "please send it again"
            reply = await asyncio.wait_for(ws.receive_json(), 30)
            answers += reply.get("type") == "message"
    return len(foreign) + 3, problems


def _odd_files(folder: str) -> tuple[str, str]:
    """A FIFO and a sparse 500 MB file (no space taken) in ``folder``."""
    fifo, huge = os.path.join(folder, "pipe"), os.path.join(folder, "huge.png")
    os.mkfifo(fifo)
    with open(huge, "wb") as fh:
        fh.truncate(500 * 1024 * 1024)
    return fifo, huge


async def hostile_files() -> tuple[int, list[str]]:
    """The terminal's file: with a device, a FIFO, a folder, a missing path and a sparse huge file."""
    from bot.terminal.adapter import _attachments_of

    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        fifo, huge = _odd_files(tmp)
        paths = ["/dev/zero", "/dev/urandom", fifo, tmp, os.path.join(tmp, "missing.png"), huge,
                 "~nobody-here/x.png"]
        for path in paths:
            out = io.StringIO()
            _text, files = await asyncio.wait_for(_attachments_of(f"make it a video file:{path}", None,
                                                                  20 * 1024 * 1024, out), 10)
            if files or not out.getvalue().strip():
                problems.append(f"terminal file:{path} was not refused in words")
    return len(paths), problems


def feishu_events() -> list[Any]:
    good_message = {"message_id": "om_x", "chat_id": "oc_x", "chat_type": "p2p", "message_type": "text",
                    "content": "{\"text\": \"hi\"}"}
    return [{}, {"event": None}, {"event": {}}, {"event": {"message": {}}},
            {"event": {"message": good_message}},
            {"event": {"sender": {"sender_id": {}}, "message": good_message}},
            {"header": {"event_id": None},
             "event": {"sender": {"sender_id": {"open_id": 5}},
                       "message": {**good_message, "content": "not json"}}},
            {"event": {"sender": {"sender_id": {"open_id": "ou_x"}, "sender_type": "app"},
                       "message": good_message}},
            {"event": {"sender": {"sender_id": {"open_id": "ou_x"}},
                       "message": {**good_message, "message_type": "sticker"}}},
            {"event": {"sender": {"sender_id": {"open_id": "ou_x"}},
                       "message": {**good_message, "message_type": "post", "content": "[1,2]"}}}]


async def main() -> dict[str, Any]:
    runner, url, _state = await start_sandbox(0.02, 3)
    chat = RecordingChat()
    crashes = 0
    unfit: list[str] = []
    inputs = 0
    with tempfile.TemporaryDirectory() as tmp:
        core = await open_core(url, tmp, 0.02, max_active_per_user=1000, max_active_total=10000)
        core.add_platform(chat)
        warm_up()  # as a server does before it starts (bot/commands.py serve)
        await core.start()
        for i, (text, files) in enumerate(messages()):
            inputs += 1
            before = len(chat.shown)
            attachments = tuple(Attachment(f"f{j}.png", d) for j, d in enumerate(files))
            try:
                await asyncio.wait_for(core.conversation.handle(ChatEvent("bench", f"user{i}", "c", text,
                                                                          {"user": f"user{i}"},
                                                                          attachments)), 30)
            except Exception as exc:
                crashes += 1
                unfit.append(f"crash on {text[:30]!r}: {type(exc).__name__}")
                continue
            expected = detect_language(text)
            for shown in (s for s in chat.shown[before:] if s.user == f"user{i}"):
                words = shown.view.all_text()
                if not words.strip() or FORBIDDEN.search(words):
                    unfit.append(f"{text[:30]!r} → {words[:80]!r}")
                elif (expected == "zh" and shown.view.language != "zh") or (
                    expected == "en" and shown.view.language != "en"
                ):
                    unfit.append(f"language {text[:30]!r} → {shown.view.language}")
        # the web chat's socket: malformed frames must not kill the connection or the bot
        platform = WebPlatform()
        core.add_platform(platform)
        web_runner = web.AppRunner(create_web_app(core, platform))
        await web_runner.setup()
        site = web.TCPSite(web_runner, "127.0.0.1", 0)
        await site.start()
        host, port = web_runner.addresses[0][:2]
        frames = ["not json", "[]", "null", "42", '{"type": 5}', '{"type": "message", "text": 5}',
                  '{"type": "message", "attachments": "nope"}',
                  '{"type": "message", "attachments": [{"data": "!!!"}]}',
                  '{"type": "action", "kind": "accept", "ref": "no-such"}', '{"type": "action"}', "\x00" * 10,
                  '{"type": "message", "text": "help", "lang": "xx"}']
        async with aiohttp.ClientSession() as http:
            async with http.ws_connect(f"http://{host}:{port}/ws?uid=bench-hostile-1") as ws:
                for frame in frames:
                    inputs += 1
                    await ws.send_str(frame)
                await ws.send_bytes(b"\x00\xff" * 100)
                inputs += 1
                reply = await asyncio.wait_for(ws.receive_json(), 10)  # the connection still answers
                if reply.get("type") != "message":
                    unfit.append("web chat stopped answering")
            for bad_uid in ("", "x", "../../etc", "a" * 500):
                inputs += 1
                async with http.get(f"http://{host}:{port}/ws", params={"uid": bad_uid}) as resp:
                    if resp.status != 400:
                        unfit.append(f"web chat accepted uid {bad_uid[:10]!r}")
            count, problems = await hostile_web(http, f"{host}:{port}")
            inputs += count
            unfit += problems
        await web_runner.cleanup()
        # Feishu: malformed events and forged webhooks
        feishu = FeishuAdapter(core, app_id="cli_x", app_secret="s", domain="http://127.0.0.1:9",
                               bot_open_id="ou_bot", encrypt_key="k", verification_token="t")
        for raw in feishu_events():
            inputs += 1
            try:
                await feishu.handle_message(raw)
            except Exception as exc:
                crashes += 1
                unfit.append(f"feishu event crash: {type(exc).__name__}")
        webhooks = [(b"", {}), (b"{}", {}), (b"not json", {"X-Lark-Signature": "x"}),
                    (b'{"encrypt": "AAAA"}', {
            "X-Lark-Request-Timestamp": str(int(time.time())), "X-Lark-Request-Nonce": "n1",
            "X-Lark-Signature": "forged"}),
            (b'{"encrypt": "AAAA"}',
             {"X-Lark-Request-Timestamp": "yesterday", "X-Lark-Request-Nonce": "n2",
              "X-Lark-Signature": "f"}),
            (json.dumps({"type": "url_verification", "token": "wrong", "challenge": "c"}).encode(), {}),
            # garbled: the SDK used to answer these with HTTP 500 and its exception text
            (b"[1, 2]", {}), (b'{"encrypt": 5}', {}), (b"\xff\xfe\x00", {}),
                    (b'{"encrypt": "' + b"A" * 64 + b'"}', {}),
            (b'{"encrypt": "not base64 at all!"}', {}), (b"null", {}), (b'"just a string"', {}),
                    (b"{" * 5000, {})]
        for body, headers in webhooks:
            inputs += 1
            try:
                status, answer = await feishu.handle_webhook(body, headers)
                if status == 200:
                    unfit.append(f"feishu webhook accepted a forged request {body[:20]!r}")
                elif status not in (400, 401) or INTERNAL.search(answer.decode(errors="replace")):
                    unfit.append(f"feishu webhook said {status} {answer[:40]!r} to {body[:20]!r}")
            except Exception as exc:
                crashes += 1
                unfit.append(f"feishu webhook crash: {type(exc).__name__}")
        count, problems = await hostile_files()
        inputs += count
        unfit += problems
        await core.manager.wait_idle(120)
        await core.close()
    await runner.cleanup()
    report = {"inputs": inputs, "crashes": crashes, "unfit": len(unfit) - crashes, "examples": unfit[:10]}
    print(f"bad input · {machine()}")
    print(f"  {inputs} hostile or broken inputs · crashes {crashes} (target 0) · replies not plain "
          f"localized language "
          f"{report['unfit']} (target 0)")
    for example in unfit[:20]:
        print(f"    {example}")
    return report


if __name__ == "__main__":
    asyncio.run(main())
