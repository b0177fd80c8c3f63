"""The real lark-oapi client (REST and long connection) against a fake Feishu, end to end (issue 8)."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.feishu import FeishuAdapter
from core.config import Settings
from core.service import CoreService
from fakes import free_ports
from fakes.feishu_server import APP_ID, APP_SECRET, FakeFeishu, FeishuMessage
from sandbox.app import SandboxConfig

from .conftest import TEST_KEY, Sandbox, until
from .images import RED_PNG

SCALE = 0.05
ENCRYPT_KEY = "test-encrypt-key"
ROOT = Path(__file__).resolve().parent.parent
VERIFY_TOKEN = "vtoken"


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    return SandboxConfig(time_scale=SCALE, seed=31)


@dataclass
class Env:
    fake: FakeFeishu
    sandbox: Sandbox
    data_dir: Path
    core: CoreService | None = None
    adapter: FeishuAdapter | None = None
    webhook_url: str = ""
    runner: web.AppRunner | None = None

    async def start(self) -> None:
        settings = Settings.model_validate({"bot": {"data_dir": str(self.data_dir), "time_scale": SCALE}})
        self.core = await CoreService.open(settings, api_key=TEST_KEY, base_url=self.sandbox.url,
                                           upload_url=self.sandbox.url)
        self.adapter = FeishuAdapter(self.core, app_id=APP_ID, app_secret=APP_SECRET, domain=self.fake.url,
                                     encrypt_key=ENCRYPT_KEY, verification_token=VERIFY_TOKEN)
        await self.core.start()
        connections = self.fake.connections
        await self.adapter.start(long_connection=True)
        await until(lambda: self.fake.connections > connections, what="the long connection")

        self.runner = web.AppRunner(self.adapter.webhook_app())
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        host, port = self.runner.addresses[0][:2]
        self.webhook_url = f"http://{host}:{port}/feishu/events"

    async def stop(self) -> None:
        await self.runner.cleanup()
        await self.adapter.close()
        await self.core.close()


@pytest.fixture
async def env(sandbox: Sandbox, tmp_path) -> AsyncIterator[Env]:
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
    fake = FakeFeishu()
    fake.start_in_thread()
    e = Env(fake, sandbox, tmp_path)
    await e.start()
    yield e
    await e.stop()
    fake.stop_thread()
    assert fake.rate_limited == 0, "the bot exceeded Feishu's card update rate"


def final(message: FeishuMessage | None) -> bool:
    return message is not None and any(k in message.text() for k in ("is ready", "could not be made",
                                                                     "生成成功", "生成失败"))


def reply_card(fake: FakeFeishu, user_message_id: str) -> FeishuMessage | None:
    replies = fake.replies_to(user_message_id)
    return replies[0] if replies else None


async def test_a_mention_in_a_group_gets_a_card_that_updates_and_ends_with_the_image(env: Env):
    fake = env.fake
    event = fake.message_event("画一只赛博朋克猫")
    frame = await fake.call(fake.push(event))
    await until(lambda: frame in fake.acks, what="the ack")
    assert fake.acks[frame]["payload"]["code"] == 200
    user_message = event["event"]["message"]["message_id"]
    await until(lambda: final(reply_card(fake, user_message)), 30, "the final card")
    card = reply_card(fake, user_message)
    texts = [json.dumps(h["content"], ensure_ascii=False) for h in card.history]
    assert "开始用" in texts[0] and any("正在生成中" in t for t in texts)
    assert "图片生成成功" in card.text() and "SeeDream 4.5" in card.text()
    assert card.image_keys() and card.image_keys()[0] in fake.images
    assert fake.images[card.image_keys()[0]].startswith(b"\x89PNG")
    assert len(fake.bot_messages()) == 1


async def test_a_picture_with_make_it_a_video_uploads_it_and_returns_a_video(env: Env):
    fake, sandbox = env.fake, env.sandbox
    event = fake.message_event("make it a video", post_images=[RED_PNG])
    await fake.call(fake.push(event))
    user_message = event["event"]["message"]["message_id"]
    await until(lambda: final(reply_card(fake, user_message)), 40, "the video card")
    card = reply_card(fake, user_message)
    assert "Your video is ready" in card.text() and ".mp4" in json.dumps(card.content)
    assert sandbox.state.creates()[0]["json"]["task_type"] == "image_to_video"
    assert any(r["path"].endswith("/resources/" + event["event"]["message"]["content"].split('"image_key": '
                                                                                             '"')[1].split('"')[0])
               for r in fake.requests)


async def test_failure_card_buttons_work_for_the_requester_and_refuse_others(env: Env):
    fake, sandbox = env.fake, env.sandbox
    sandbox.config.faults.update({"outcomes": ["fail"]})
    event = fake.message_event("draw a red bicycle")
    await fake.call(fake.push(event))
    user_message = event["event"]["message"]["message_id"]
    await until(lambda: final(reply_card(fake, user_message)), 30, "the failure card")
    card = reply_card(fake, user_message)
    assert "could not be made" in card.text() and "Nano Banana2" in card.text() and ("Nano Banana "
                                                                                     "Pro") in card.text()
    button = next(b for b in card.buttons() if "Nano Banana2" in b["text"]["content"])
    assert button["text"]["content"] == "Use Nano Banana2 · 6 credits"  # the live price, on the button itself
    intruder = await fake.call(fake.push(fake.card_action(card, button, user="ou_mallory")))
    await until(lambda: intruder in fake.acks, what="the refusal")
    toast = json.loads(base64.b64decode(fake.acks[intruder]["payload"]["data"]))["toast"]
    assert toast["type"] == "error" and "someone else" in toast["content"]
    assert len(sandbox.state.creates()) == 1
    await fake.call(fake.push(fake.card_action(card, button)))
    await until(lambda: final(reply_card(fake, card.message_id)), 30, "the retried result")
    assert "Nano Banana2" in reply_card(fake, card.message_id).text()
    assert sandbox.state.creates()[-1]["json"]["parameters"][0]["model_id"] == "gemini-3.1-flash-image"


async def test_the_same_event_delivered_twice_makes_one_task(env: Env):
    fake, sandbox = env.fake, env.sandbox
    event = fake.message_event("draw a lighthouse")
    await fake.call(fake.push(event))
    await fake.call(fake.push(event))  # Feishu redelivers when it thinks the first was not handled
    again = json.loads(json.dumps(event))
    again["header"]["event_id"] = "ev_other"  # same message, new event id
    await fake.call(fake.push(again))
    user_message = event["event"]["message"]["message_id"]
    await until(lambda: final(reply_card(fake, user_message)), 30)
    # Feishu has nothing left to deliver (every push acknowledged, a lost ack's event pushed again and
    # acknowledged)
    # and the adapter has finished working on each delivery in the background
    await until(lambda: not fake._sent and not fake._queued and not env.adapter.inflight,
                what="all deliveries handled")
    await env.core.wait_idle(30)
    assert len(sandbox.state.creates()) == 1 and len(fake.bot_messages()) == 1


async def test_webhooks_are_verified_forged_and_replayed_ones_rejected(env: Env):
    fake, sandbox = env.fake, env.sandbox
    event = fake.message_event("draw a forged cat")
    body, headers = fake.sign_and_encrypt(event, "wrong-key")
    async with aiohttp.ClientSession() as http:
        async with http.post(env.webhook_url, data=body, headers=headers) as resp:
            assert resp.status != 200
        good_event = fake.message_event("draw a webhook cat")
        body, headers = fake.sign_and_encrypt(good_event, ENCRYPT_KEY)
        async with http.post(env.webhook_url, data=body, headers=headers) as resp:
            assert resp.status == 200
        async with http.post(env.webhook_url, data=body, headers=headers) as resp:
            assert resp.status == 401  # the same nonce again: a replay
        stale_body, stale_headers = fake.sign_and_encrypt(fake.message_event("draw an old cat"), ENCRYPT_KEY,
                                                          timestamp=int(time.time()) - 3600)
        async with http.post(env.webhook_url, data=stale_body, headers=stale_headers) as resp:
            assert resp.status == 401
        challenge = {"challenge": "abc123", "token": VERIFY_TOKEN, "type": "url_verification"}
        async with http.post(env.webhook_url, json=challenge) as resp:
            assert (await resp.json())["challenge"] == "abc123"
    await until(lambda: final(reply_card(fake, good_event["event"]["message"]["message_id"])), 30)
    assert len(sandbox.state.creates()) == 1
    assert reply_card(fake, event["event"]["message"]["message_id"]) is None


async def test_group_messages_need_a_mention_direct_messages_do_not(env: Env):
    fake = env.fake
    ignored = fake.message_event("draw a dog", mention_bot=False)
    direct = fake.message_event("draw a dog", mention_bot=False, chat_type="p2p", chat_id="oc_dm")
    await fake.call(fake.push(ignored))
    await fake.call(fake.push(direct))
    await until(lambda: final(reply_card(fake, direct["event"]["message"]["message_id"])), 30)
    assert reply_card(fake, ignored["event"]["message"]["message_id"]) is None


async def test_a_typed_at_name_first_is_a_colleague_in_a_group_but_the_bot_in_a_direct_chat(env: Env):
    """"@小画家 画一只猫": in a group the mention calls the bot and "@小画家" a colleague, so nothing is
    made; in a direct chat nobody but the bot reads it, so "小画家" is the name the user gave the bot."""
    fake, sandbox = env.fake, env.sandbox
    group = fake.message_event("@小画家 画一只猫")
    direct = fake.message_event("@小画家 画一只猫", mention_bot=False, chat_type="p2p", chat_id="oc_dm")
    await fake.call(fake.push(group))
    await until(lambda: reply_card(fake, group["event"]["message"]["message_id"]) is not None, 30)
    assert sandbox.state.creates() == []
    await fake.call(fake.push(direct))
    await until(lambda: final(reply_card(fake, direct["event"]["message"]["message_id"])), 30)
    assert len(sandbox.state.creates()) == 1


async def test_restart_mid_task_keeps_updating_the_same_card(env: Env):
    fake, sandbox = env.fake, env.sandbox
    event = fake.message_event("a 5s video of waves")
    await fake.call(fake.push(event))
    user_message = event["event"]["message"]["message_id"]
    await until(
        lambda: (
            (c := reply_card(fake, user_message))
            and any("Generating" in json.dumps(h["content"]) for h in c.history)
        )
    )
    await env.stop()
    await env.start()
    await until(lambda: final(reply_card(fake, user_message)), 40, "the resumed card")
    assert "Your video is ready" in reply_card(fake, user_message).text()
    # one card (the finished video also comes as its own video message, sent after the card: not counted)
    cards = [m for m in fake.bot_messages() if m.msg_type == "interactive"]
    assert len(cards) == 1 and len(sandbox.state.creates()) == 1


async def test_when_the_card_cannot_be_patched_the_outcome_still_arrives(env: Env):
    fake = env.fake
    event = fake.message_event("draw a windmill")
    await fake.call(fake.push(event))
    user_message = event["event"]["message"]["message_id"]
    await until(lambda: reply_card(fake, user_message))
    fake.fail_patches = True
    await until(lambda: len(fake.replies_to(user_message)) == 2, 30, "the outcome as a new message")
    assert "is ready" in fake.replies_to(user_message)[1].text()


async def test_ima_bot_run_starts_the_feishu_adapter_when_configured(sandbox: Sandbox, tmp_path):
    """The real command, configured only by environment variables, against the fake Feishu."""
    import signal
    import sys

    fake = FakeFeishu()
    fake.start_in_thread()
    ports = free_ports(1)  # not a port 0 picked and closed: a client could be given it before the bot binds
    root = ROOT
    env = {**os.environ, "PYTHONPATH": str(root), "IMA_API_KEY": TEST_KEY, "IMA_BASE_URL": sandbox.url,
           "IMA_UPLOAD_URL": sandbox.url,
           "IMA_BOT_FEISHU_ENABLED": "true", "FEISHU_APP_ID": APP_ID, "FEISHU_APP_SECRET": APP_SECRET,
           "IMA_BOT_FEISHU_DOMAIN": fake.url, "IMA_BOT_WEB_ENABLED": "false",
           "IMA_BOT_OPS_PORT": str(ports[0]),
           "IMA_BOT_BOT_DATA_DIR": str(tmp_path), "IMA_BOT_BOT_TIME_SCALE": str(SCALE),
           "NO_PROXY": "127.0.0.1,localhost"}
    bot = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "run", env=env, cwd=root,
                                               stdout=asyncio.subprocess.DEVNULL,
                                               stderr=(tmp_path / "bot.log").open("wb"))
    try:
        await until(lambda: fake.connections > 0 or bot.returncode is not None, 90,  # lark-oapi: slow import
                    "the long connection")
        assert bot.returncode is None, (tmp_path / "bot.log").read_text(errors="replace")
        event = fake.message_event("画一只雪地里的狐狸")
        await fake.call(fake.push(event))
        await until(lambda: final(reply_card(fake, event["event"]["message"]["message_id"])), 90, "the card")
        async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{ports[0]}/healthz") as resp:
            health = await resp.json()
        assert health["checks"]["adapter:feishu"] is True
    finally:
        bot.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(bot.wait(), 15)
        fake.stop_thread()
    assert code == 0


async def test_music_for_it_on_a_video_card_prices_then_makes_a_track(env: Env):
    fake, sandbox = env.fake, env.sandbox
    event = fake.message_event("make a video of waves at sunset")
    await fake.call(fake.push(event))
    user_message = event["event"]["message"]["message_id"]
    await until(lambda: final(reply_card(fake, user_message)), 40, "the video card")
    card = reply_card(fake, user_message)
    button = next(b for b in card.buttons() if b["text"]["content"] == "Music for it")
    await fake.call(fake.push(fake.card_action(card, button)))
    await until(lambda: any("Music for this video" in m.text() for m in fake.replies_to(card.message_id)), 15,
                "the priced offer")
    offer = next(m for m in fake.replies_to(card.message_id) if "Music for this video" in m.text())
    assert "25" in offer.text() and len(sandbox.state.creates()) == 1  # priced, nothing charged yet
    go = next(b for b in offer.buttons() if b["text"]["content"].startswith("Go ahead"))
    await fake.call(fake.push(fake.card_action(offer, go)))
    await until(lambda: final(reply_card(fake, offer.message_id)), 30, "the track")
    assert "Your music is ready" in reply_card(fake, offer.message_id).text()
    assert sandbox.state.creates()[-1]["json"]["task_type"] == "text_to_music"
