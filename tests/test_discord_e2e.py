"""The real discord.py client against a fake Discord on loopback, end to end (issue 7)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import discord
import pytest
import yarl

from bot.discord import DiscordAdapter
from core.config import Settings
from core.service import CoreService
from fakes.discord_server import BOT_ID, FakeDiscord, FakeInteraction, FakeMessage
from sandbox.app import SandboxConfig

from .conftest import TEST_KEY, Sandbox, until
from .images import RED_PNG

SCALE = 0.05
#: discord.py fires READY only once no GUILD_CREATE has come for ``guild_ready_timeout`` (2 s by default):
#: from the real gateway, servers keep streaming in after READY. The fake sends them all at once right after
#: READY, on the same socket as every later event (so the bot has them before any command), and every start
#: of the bot here waited 2 s for nothing.
GUILD_STREAM_S = 0.2


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    return SandboxConfig(time_scale=SCALE, seed=21)


@dataclass
class Env:
    fake: FakeDiscord
    sandbox: Sandbox
    data_dir: Path
    core: CoreService | None = None
    bot: DiscordAdapter | None = None
    task: asyncio.Task | None = None

    async def start_bot(self, token_ttl_s: float = 14 * 60, **options: float) -> None:
        settings = Settings.model_validate({"bot": {"data_dir": str(self.data_dir), "time_scale": SCALE}})
        self.core = await CoreService.open(settings, api_key=TEST_KEY, base_url=self.sandbox.url,
                                           upload_url=self.sandbox.url)
        self.bot = DiscordAdapter(self.core, token_ttl_s=token_ttl_s, guild_ready_timeout=GUILD_STREAM_S,
                                  **options)
        await self.core.start()
        self.fake.identified.clear()
        self.task = asyncio.create_task(self.bot.start("fake-bot-token"))
        await asyncio.wait_for(self.bot.wait_until_ready(), 15)

    async def stop_bot(self) -> None:
        await self.bot.close()
        await asyncio.gather(self.task, return_exceptions=True)
        await self.core.close()


@pytest.fixture
async def env(sandbox: Sandbox, tmp_path) -> AsyncIterator[Env]:
    fake = FakeDiscord()
    await fake.start()
    old_base, old_gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = fake.rest_base  # the documented way to point discord.py at another server
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    e = Env(fake, sandbox, tmp_path)
    await e.start_bot()
    yield e
    await e.stop_bot()
    await fake.close()
    assert fake.rate_limited == 0, "the bot ran into Discord's rate limits"
    assert fake.late_callbacks == 0, "an interaction was answered after Discord's 3 s"
    assert fake.repeated_callbacks == 0, "an interaction was answered twice (Discord: 40060)"
    discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway


def final(message: FakeMessage | None) -> bool:
    return message is not None and any(k in message.text() for k in ("is ready", "could not be made",
                                                                     "生成成功", "生成失败"))


def reference_of(message: FakeMessage) -> int | None:
    """The id of the user message a bot message replies to."""
    reference = message.message_reference or {}
    return int(reference["message_id"]) if reference.get("message_id") else None


def assert_no_pings(fake: FakeDiscord) -> None:
    bodies = [
        r["json"]
        for r in fake.requests
        if r["method"] in ("POST", "PATCH") and r["json"] and "embeds" in r["json"]
    ]
    assert bodies
    assert all(b.get("allowed_mentions") == {"parse": []} for b in bodies), [
        b.get("allowed_mentions") for b in bodies
    ]


async def test_slash_image_defers_edits_progress_and_ends_with_the_image_attached(env: Env):
    fake = env.fake
    interaction = await fake.slash("image", {"prompt": "a red fox in the snow"})
    await until(lambda: interaction.responded_at is not None, what="the deferral")
    assert fake.late_callbacks == 0  # deferred within Discord's 3 s
    await until(lambda: final(fake.original(interaction)), 30, "the result")
    message = fake.original(interaction)
    texts = [h["text"] for h in message.history]
    assert any("Creating your image" in t for t in texts)
    assert any("Generating" in t for t in texts)
    assert "Your image is ready" in message.text() and "SeeDream 4.5" in message.text()
    assert [a["filename"] for a in message.attachments] == ["result-1.png"]
    assert message.embeds[0]["image"]["url"] == "attachment://result-1.png"
    # "Make another" starts at once, so it carries its price (SeeDream 4.5: 5 credits in the spec's table)
    assert {b["label"] for b in message.buttons()} == {"Make another · 5 credits", "Try another model",
                                                       "Animate", "Edit…"}
    assert len(fake.bot_messages()) == 1 and fake.rate_limited == 0
    assert_no_pings(fake)


def callbacks(fake: FakeDiscord, interaction: FakeInteraction) -> list[dict]:
    return [r["json"] for r in fake.requests if r["path"].endswith(f"/{interaction.token}/callback")]


async def test_a_quick_first_message_is_the_answer_itself_without_a_thinking_placeholder(env: Env):
    fake = env.fake
    fake.defer_deadline_s = 60.0  # Discord's 3 s stretched, and the bot's deferral with it: no race with a
    await env.stop_bot()  # loaded test machine decides which way this goes
    await env.start_bot(defer_after_s=30.0)
    interaction = await fake.slash("image", {"prompt": "a red fox in the snow"})
    await until(lambda: final(fake.original(interaction)), 30, "the result")
    answers = callbacks(fake, interaction)
    assert [a["type"] for a in answers] == [4]  # one answer, the status itself: no "thinking…" first
    assert "Creating your image" in json.dumps(answers[0]["data"])
    assert not any(r["path"].endswith("/messages/@original") for r in fake.requests if r["method"] == "PATCH")
    assert len(fake.bot_messages()) == 1 and "is ready" in fake.original(interaction).text()


async def test_a_slow_first_message_is_deferred_in_time_then_shown_in_the_deferred_response(env: Env):
    fake = env.fake
    await env.stop_bot()
    await env.start_bot(defer_after_s=0.0)  # the core's first message always comes after the deferral is due
    interaction = await fake.slash("image", {"prompt": "a red fox in the snow"})
    await until(lambda: final(fake.original(interaction)), 30, "the result")
    assert [a["type"] for a in callbacks(fake, interaction)] == [5]  # "thinking…", once
    first = next(r for r in fake.requests if r["method"] == "PATCH" and interaction.token in r["path"])
    assert first["path"].endswith("/messages/@original")
    assert "Creating your image" in json.dumps(first["json"])
    assert fake.late_callbacks == 0 and len(fake.bot_messages()) == 1
    assert "is ready" in fake.original(interaction).text()
    # a command that says nothing (a server outside the allowlist) is still acknowledged, then cleared
    env.bot.guild_allowlist = {12345}
    ignored = await fake.slash("image", {"prompt": "a cat"})
    await until(lambda: ignored.original_id is not None and fake.original(ignored) is None,
                what="the placeholder removed")
    assert [a["type"] for a in callbacks(fake, ignored)] == [5]


async def test_a_command_that_arrives_late_is_acknowledged_at_once_and_a_dead_one_costs_nothing(env: Env):
    fake, sandbox = env.fake, env.sandbox
    # Discord made it 1.5 s ago (a slow gateway, a backlog): no time left to wait for a quick answer
    late = await fake.slash("image", {"prompt": "a red fox in the snow"}, delivered_after_s=1.5)
    await until(lambda: final(fake.original(late)), 30, "the result")
    assert [a["type"] for a in callbacks(fake, late)] == [5]  # "thinking…" first, in time
    assert fake.late_callbacks == 0 and "is ready" in fake.original(late).text()
    # past Discord's 3 s: Discord refuses the answer, so the command is not carried out (nothing charged)
    dead = await fake.slash("image", {"prompt": "a grey wolf"}, delivered_after_s=3.5)
    await until(lambda: fake.late_callbacks == 1, what="the refused answer")
    usage = await fake.slash("usage")
    await until(lambda: fake.original(usage) and "credits used" in fake.original(usage).text())
    assert len(sandbox.state.creates()) == 1 and fake.original(dead) is None
    assert len(callbacks(fake, dead)) == 1  # tried once, not again with the status
    fake.late_callbacks = 0  # counted as it should be; the fixture checks nothing else was late


async def test_slash_video_with_an_attachment_uploads_it_and_returns_a_video(env: Env):
    fake, sandbox = env.fake, env.sandbox
    picture = fake.upload("cat.png", RED_PNG)
    interaction = await fake.slash("video", {"prompt": "the cat starts walking"},
                                   attachments={"image": picture})
    await until(lambda: final(fake.original(interaction)), 40, "the video")
    message = fake.original(interaction)
    assert "Your video is ready" in message.text()
    assert [a["filename"] for a in message.attachments] == ["result-1.mp4"]
    create = sandbox.state.creates()[0]["json"]
    assert create["task_type"] == "image_to_video" and create["src_img_url"][0].startswith(sandbox.url)
    assert sandbox.count("/api/rest/oss/getuploadtoken") == 1


async def test_a_failure_offers_alternatives_whose_buttons_work_only_for_the_requester(env: Env):
    fake, sandbox = env.fake, env.sandbox
    sandbox.config.faults.update({"outcomes": ["fail"]})
    interaction = await fake.slash("image", {"prompt": "a red bicycle"})
    await until(lambda: final(fake.original(interaction)), 30, "the failure")
    message = fake.original(interaction)
    assert (
        "could not be made" in message.text()
        and "Nano Banana2" in message.text()
        and ("Nano Banana Pro") in message.text()
    )
    menu = next(c for c in message.buttons() if c["type"] == 3)
    assert [(o["label"], o["description"]) for o in menu["options"]] == [("Use Nano Banana2", "6 credits"),
                                                                         ("Use Nano Banana Pro",
                                                                          "10 credits")]
    use_nb2 = next(o for o in menu["options"] if o["label"] == "Use Nano Banana2")
    intruder = await fake.choose(message, menu, use_nb2["value"], user_id=222, user_name="mallory")
    await until(lambda: intruder.responded_at is not None)
    refusal = next(r for r in fake.requests if r["path"].endswith(f"/{intruder.token}/callback"))["json"]
    assert (
        refusal["type"] == 4
        and refusal["data"]["flags"] & 64
        and "someone else" in refusal["data"]["content"]
    )
    assert len(sandbox.state.creates()) == 1
    press = await fake.choose(message, menu, use_nb2["value"])
    await until(lambda: final(fake.original(press)), 30, "the retried result")
    assert "Nano Banana2" in fake.original(press).text() and "is ready" in fake.original(press).text()
    assert sandbox.state.creates()[-1]["json"]["parameters"][0]["model_id"] == "gemini-3.1-flash-image"


async def test_mentioning_the_bot_in_a_channel_works_and_replies_to_the_message(env: Env):
    fake = env.fake
    said = await fake.say("画一只赛博朋克猫")
    await until(lambda: any(final(m) for m in fake.bot_messages()), 30, "the reply")
    message = fake.bot_messages()[0]
    assert "图片生成成功" in message.text()
    assert message.message_reference and int(message.message_reference["message_id"]) == said
    ignored = await fake.say("draw a dog", mention_bot=False)
    # The bot reads messages in order: once it has answered a later mention, it has passed over the one
    # before.
    later = await fake.say("models")
    await until(lambda: any(reference_of(m) == later for m in fake.bot_messages()),
                what="the answer to the later mention")
    assert not [m for m in fake.bot_messages() if reference_of(m) == ignored]
    assert len(fake.bot_messages()) == 2 and len(env.sandbox.state.creates()) == 1


async def test_an_expired_interaction_token_mid_task_still_delivers_on_the_same_message(env: Env):
    fake = env.fake
    fake.token_ttl_s = 1.0  # Discord's 15 minutes, scaled down
    interaction = await fake.slash("image", {"prompt": "a lighthouse", "model": "Nano Banana Pro"})
    await until(lambda: final(fake.original(interaction)), 40, "the result after expiry")
    message = fake.original(interaction)
    assert "is ready" in message.text() and "Nano Banana Pro" in message.text()
    channel_edits = [
        r
        for r in fake.requests
        if r["method"] == "PATCH" and r["path"].startswith("/api/v10/channels/") and r["status"] == 200
    ]
    assert channel_edits, "edits continued with the bot token"
    # one status message; naming a model also saves it as the user's choice, which that message says
    assert len(fake.bot_messages()) == 1 and "Remembered: Nano Banana Pro" in fake.bot_messages()[0].text()


async def test_restart_mid_task_resumes_editing_the_same_message(env: Env):
    fake = env.fake
    interaction = await fake.slash("video", {"prompt": "waves crashing on rocks"})
    await until(
        lambda: any(
            "Generating" in h["text"] for h in (fake.original(interaction) or FakeMessage(0, 0, 0)).history
        )
    )
    await env.stop_bot()
    await env.start_bot()
    await until(lambda: final(fake.original(interaction)), 40, "the resumed result")
    assert "Your video is ready" in fake.original(interaction).text()
    assert len(fake.bot_messages()) == 1 and len(env.sandbox.state.creates()) == 1


async def test_commands_are_synced_with_chinese_names(env: Env):
    synced = env.fake.commands_synced[-1]["commands"]
    image = next(c for c in synced if c["name"] == "image")
    assert image["name_localizations"]["zh-CN"] == "图片"
    assert {c["name"] for c in synced} >= {"image", "video", "music", "models", "prefs", "usage", "cancel"}


async def test_models_command_lists_live_prices(env: Env):
    interaction = await env.fake.slash("models", {"kind": "video"})
    await until(lambda: env.fake.original(interaction) and "Wan 2.6" in env.fake.original(interaction).text())
    assert "25–120" in env.fake.original(interaction).text()


async def test_results_over_the_upload_limit_arrive_as_links(env: Env):
    env.fake.upload_limit = 1000  # a tiny server limit: the sample video does not fit
    interaction = await env.fake.slash("video", {"prompt": "a paper boat on a river"})
    await until(lambda: final(env.fake.original(interaction)), 40, "the video")
    message = env.fake.original(interaction)
    assert message.attachments == []
    links = next(f["value"] for f in message.embeds[0]["fields"] if f["name"] == "🔗")
    assert "/cdn/out/" in links and ".mp4" in links


async def test_prefs_command_saves_a_default_that_the_next_request_uses(env: Env):
    fake = env.fake
    saved = await fake.slash("prefs", {"action": "set", "model": "Nano Banana Pro"})
    await until(lambda: fake.original(saved) and "From now on" in fake.original(saved).text(),
                what="the confirmation")
    used = await fake.slash("image", {"prompt": "a quiet harbour"})
    await until(lambda: final(fake.original(used)), 40, "the result")
    assert "Nano Banana Pro" in fake.original(used).text()
    usage = await fake.slash("usage")
    await until(lambda: fake.original(usage) and "credits used" in fake.original(usage).text())
    assert "1 request(s), 10 credits" in fake.original(usage).text()


async def test_a_mention_with_a_picture_animates_it(env: Env):
    fake = env.fake
    picture = fake.upload("dog.png", RED_PNG)
    await fake.say("make it a video of the dog running", attachments=[picture])
    await until(lambda: any(final(m) for m in fake.bot_messages()), 40, "the video")
    assert "Your video is ready" in fake.bot_messages()[0].text()
    assert env.sandbox.state.creates()[0]["json"]["task_type"] == "image_to_video"


async def test_servers_outside_the_allowlist_are_ignored(env: Env):
    fake = env.fake
    env.bot.guild_allowlist = {12345}  # not the fake's server
    await fake.say("draw a cat")
    interaction = await fake.slash("image", {"prompt": "a cat"})
    # still acknowledged in time, then the "thinking…" placeholder is removed and nothing is said
    await until(lambda: interaction.original_id is not None and fake.original(interaction) is None,
                what="the placeholder removed")
    assert fake.late_callbacks == 0
    # Direct messages are outside any server: answered, and by then the channel mention was passed over too.
    later = await fake.say("models", dm=True)
    await until(lambda: any(reference_of(m) == later for m in fake.bot_messages()),
                what="the answer in the direct message")
    assert [m for m in fake.bot_messages() if m.text() and reference_of(m) != later] == []
    assert env.sandbox.state.creates() == []


def test_fake_message_json_roundtrip():
    message = FakeMessage(1, 2, BOT_ID, content="x")
    assert json.loads(json.dumps(message.obj()))["author"]["bot"] is True


async def test_animate_button_on_a_picture_prices_then_makes_a_video_from_that_picture(env: Env):
    fake, sandbox = env.fake, env.sandbox
    interaction = await fake.slash("image", {"prompt": "a red fox in the snow"})
    await until(lambda: final(fake.original(interaction)), 30, "the picture")
    picture = fake.original(interaction)
    picture_task = next(iter(sandbox.state.tasks))  # the sandbox's id of the picture's task
    animate = next(b for b in picture.buttons() if b.get("label") == "Animate")
    press = await fake.press(picture, animate["custom_id"])
    await until(lambda: fake.original(press) is not None and "Bring this picture to "
                                                             "life" in fake.original(press).text(),
                15, "the priced offer")
    offer = fake.original(press)
    assert "25" in offer.text() and len(sandbox.state.creates()) == 1  # priced, nothing charged yet
    go = next(b for b in offer.buttons() if b.get("label") == "Go ahead")
    start = await fake.press(offer, go["custom_id"])
    await until(lambda: final(fake.original(start)), 40, "the video")
    assert "Your video is ready" in fake.original(start).text()
    sent = sandbox.state.creates()[-1]["json"]
    assert sent["task_type"] == "image_to_video" and sent["src_img_url"][0].endswith(
        f"/out/{picture_task}/0.png"
    )
    assert sandbox.count("/api/rest/oss/getuploadtoken") == 0  # the result's own link, never uploaded again
