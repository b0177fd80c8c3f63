"""Conversation flows around a request, through `ima-bot chat` as a user types them (issue 15).

Confirmations answered by typing, repeats of picture-based requests, answered offers, offers that
say what *would* work, preferences as the spec describes them, and one-click chains on results.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web as web_server

from bot.web import WebPlatform, create_web_app
from core.config import Settings
from core.service import CoreService
from sandbox.app import SandboxConfig

from .chat_driver import ChatSession
from .conftest import TEST_KEY, Sandbox
from .images import RED_PNG
from .web_driver import WebChat

EXPENSIVE_EN = "use sora to make an 8s 1080p video of a spaceship"
EXPENSIVE_ZH = "用sora做一个8秒1080p的宇宙飞船视频"


@pytest.fixture
async def chat(tmp_path: Path):
    session = await ChatSession.open(tmp_path / "data")
    yield session
    if session.proc.returncode is None:
        session.proc.kill()
        await session.proc.wait()


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    return SandboxConfig(time_scale=0.02, seed=15)


@pytest.fixture
async def web_core(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[tuple[CoreService, str]]:
    """The web chat adapter on a free port, with the core against the sandbox."""
    settings = Settings.model_validate({"bot": {"data_dir": str(tmp_path / "web"), "time_scale": 0.02}})
    core = await CoreService.open(settings, api_key=TEST_KEY, base_url=sandbox.url, upload_url=sandbox.url)
    platform = WebPlatform()
    core.add_platform(platform)
    await core.start()
    runner = web_server.AppRunner(create_web_app(core, platform))
    await runner.setup()
    await web_server.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    yield core, f"http://{host}:{port}/"
    await runner.cleanup()
    await core.close()


@pytest.fixture
async def web(web_core: tuple[CoreService, str]) -> AsyncIterator[WebChat]:
    session = await WebChat.open(web_core[1])
    yield session
    await session.close()


@pytest.fixture
def picture(tmp_path: Path) -> Path:
    path = tmp_path / "red.png"
    path.write_bytes(RED_PNG)
    return path


@pytest.mark.parametrize("word", ["yes", "ok", "是"])
async def test_typing_yes_to_a_cost_confirmation_goes_ahead(chat: ChatSession, word: str):
    await chat.type(EXPENSIVE_EN)
    await chat.expect("This will use 400 credits")
    await chat.type(word)
    status = await chat.expect(r"Creating your video with Sora 2 Pro|正在用 Sora 2 Pro|Sora 2 Pro")
    assert "won't make it" not in chat.since_mark() and "不生成" not in chat.since_mark(), status
    await chat.expect(r"✅")


@pytest.mark.parametrize("answer", ["不要", "2"])  # typed, or the confirmation's second button
async def test_a_chinese_no_to_a_confirmation_is_answered_in_chinese(chat: ChatSession, answer: str):
    await chat.type(EXPENSIVE_ZH)
    await chat.expect(r"\[2\] ")
    await chat.type(answer)
    await chat.expect("不生成", limit_s=20)
    assert "won't" not in chat.since_mark()
    out = await chat.close()
    assert "Creating your video" not in out and "✅" not in out


async def test_an_answered_confirmation_loses_its_buttons_and_the_other_button_says_what_was_chosen(web: WebChat):
    await web.say(EXPENSIVE_EN)
    confirm = await web.wait(lambda v: v["kind"] == "confirm", what="the cost confirmation")
    message_id = web.id_of(confirm)
    await web.press(confirm, "Go ahead")
    await web.wait(lambda v: v["kind"] == "status", what="the task starting")
    answered = web.latest(message_id)
    assert answered["actions"] == [] and "You chose: Go ahead" in answered["text"]
    mark = web.seen()
    await web.press(confirm, "Never mind")  # the old button, pressed anyway (a stale page, a slow finger)
    reply = await web.wait(lambda v: v["kind"] == "notice", after=mark, what="the answer to the second press")
    assert "expired" not in reply["text"].lower() and "Go ahead" in reply["text"]


async def test_make_another_and_another_model_work_on_a_picture_made_from_an_attachment(chat: ChatSession, picture: Path):
    await chat.type(f"make this picture look like a watercolor file:{picture}")
    result = await chat.expect(r"\[\d\] Make another")  # the buttons line ends the result message
    assert "✅ Your image is ready" in result
    await chat.type(button_number(result, "Make another"))  # same picture, same words
    await chat.expect(r"✅ Your image is ready")
    await chat.type("try another model")
    offer = await chat.expect(r"\[1\] Use ")
    assert "Pick another model" in offer
    await chat.type("1")
    await chat.expect(r"✅ Your image is ready")
    out = await chat.close()
    assert "could not be made" not in out


def button_number(block: str, label: str) -> str:
    """The number to type for the button ``label`` of a printed message."""
    import re

    found = re.search(r"\[(\d+)\] " + re.escape(label), block)
    assert found, f"no {label!r} button in:\n{block}"
    return found.group(1)


# ── one-click chains ─────────────────────────────────────────────────────────────────────────────
async def test_picture_animate_then_music_for_the_video_each_priced_first_using_the_stored_links(
        web: WebChat, sandbox: Sandbox):
    await web.say("draw a red fox in the snow")
    picture = await web.wait(lambda v: v["kind"] == "result", what="the picture")
    picture_url = picture["media"][0]["url"]
    uploads = sum(1 for r in sandbox.state.requests if r["path"].endswith("getuploadtoken"))
    mark = web.seen()
    await web.press(picture, "Animate")
    offer = await web.wait(lambda v: v["kind"] == "offer", after=mark, what="the priced animate offer")
    assert "Credits: 25" in offer["text"] and "Wan 2.6" in offer["text"] and "Estimated time" in offer["text"]
    creates = len(sandbox.state.creates())  # nothing charged before "Go ahead"
    await web.press(offer, "Go ahead")
    video = await web.wait(lambda v: v["kind"] == "result" and v["media"][0]["kind"] == "video", after=mark,
                           what="the video")
    assert len(sandbox.state.creates()) == creates + 1
    sent = sandbox.state.creates()[-1]["json"]
    assert sent["task_type"] == "image_to_video" and sent["src_img_url"] == [picture_url]
    assert sum(1 for r in sandbox.state.requests if r["path"].endswith("getuploadtoken")) == uploads  # no re-upload
    mark = web.seen()
    await web.press(video, "Music for it")
    offer = await web.wait(lambda v: v["kind"] == "offer", after=mark, what="the priced music offer")
    assert "Credits: 25" in offer["text"]
    await web.press(offer, "Go ahead")
    await web.wait(lambda v: v["kind"] == "result" and v["media"][0]["kind"] == "audio", after=mark, what="the music")
    assert sandbox.state.creates()[-1]["json"]["task_type"] == "text_to_music"


async def test_edit_asks_for_the_change_then_edits_that_picture(web: WebChat, sandbox: Sandbox):
    await web.say("draw a lighthouse at dusk")
    picture = await web.wait(lambda v: v["kind"] == "result", what="the picture")
    mark = web.seen()
    await web.press(picture, "Edit")
    ask = await web.wait(lambda v: v["kind"] == "notice", after=mark, what="the question")
    assert "What should I change" in ask["title"]
    mark = web.seen()
    await web.say("make the sky pink")
    offer = await web.wait(lambda v: v["kind"] == "offer", after=mark, what="the priced edit")
    assert "Edit this picture" in offer["title"] and "Credits: 5" in offer["text"]
    await web.press(offer, "Go ahead")
    await web.wait(lambda v: v["kind"] == "result", after=mark, what="the edited picture")
    sent = sandbox.state.creates()[-1]["json"]
    assert sent["task_type"] == "image_to_image" and sent["src_img_url"] == [picture["media"][0]["url"]]
    assert sent["parameters"][0]["parameters"]["prompt"] == "make the sky pink"


# ── visible choices ──────────────────────────────────────────────────────────────────────────────
async def test_status_and_result_show_the_options_applied(chat: ChatSession):
    await chat.type("make a 10s 1080p video of ocean waves")
    status = await chat.expect(r"\[1\] Cancel")
    assert "Settings: 10 s · 1080P · 16:9" in status
    result = await chat.expect(r"\[1\] Make another")
    assert "Settings: 10 s · 1080P · 16:9" in result


async def test_the_cost_confirmation_shows_the_estimated_time_beside_the_credits(chat: ChatSession):
    await chat.type(EXPENSIVE_EN)
    confirm = await chat.expect(r"\[1\] Go ahead")
    assert "Estimated time:" in confirm and "Credits: 400" in confirm and "Settings" not in confirm.split("Credits")[0]
