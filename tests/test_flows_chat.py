"""Conversation flows around a request, through `ima-bot chat` as a user types them (issue 15).

Confirmations answered by typing, repeats of picture-based requests, answered offers, offers that
say what *would* work, preferences as the spec describes them, and one-click chains on results.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web as web_server

from core.config import Settings
from core.contracts import ChatEvent
from core.service import CoreService
from core.views import View
from sandbox.app import SandboxConfig

from .chat_driver import ChatSession
from .conftest import Sandbox, until
from .images import RED_PNG
from .test_conversation import finals, plain, platform_of, press, say
from .web_driver import WebChat, close_web_core, open_web_core

EXPENSIVE_EN = "use sora to make an 8s 1080p video of a spaceship"
EXPENSIVE_ZH = "用sora做一个8秒1080p的宇宙飞船视频"


@pytest.fixture
async def chat(tmp_path: Path):
    session = await ChatSession.open(tmp_path / "data")
    yield session
    await session.abort()


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    return SandboxConfig(time_scale=0.02, seed=15)


@pytest.fixture
async def web_core(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[tuple[CoreService, str]]:
    """The web chat adapter on a free port, with the core against the sandbox."""
    settings = Settings.model_validate({"bot": {"data_dir": str(tmp_path / "web"), "time_scale": 0.02}})
    core, runner, url = await open_web_core(settings, sandbox.url)
    yield core, url
    await close_web_core(core, runner)


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


async def test_an_answered_confirmation_loses_its_buttons_and_the_other_button_says_what_was_chosen(
    web: WebChat,
):
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


async def test_make_another_and_another_model_work_on_a_picture_made_from_an_attachment(chat: ChatSession,
                                                                                        picture: Path):
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
    # no re-upload
    assert sum(1 for r in sandbox.state.requests if r["path"].endswith("getuploadtoken")) == uploads
    mark = web.seen()
    await web.press(video, "Music for it")
    offer = await web.wait(lambda v: v["kind"] == "offer", after=mark, what="the priced music offer")
    assert "Credits: 25" in offer["text"]
    await web.press(offer, "Go ahead")
    await web.wait(lambda v: v["kind"] == "result" and v["media"][0]["kind"] == "audio", after=mark,
                   what="the music")
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
    await chat.type("use hailuo 2.3 to make a video of rain with sound")
    status = await chat.expect(r"\[1\] Cancel")
    # the model's own length, and the sound asked for
    assert "Settings: 6 s · 768P · 16:9 · with sound" in status


async def test_the_cost_confirmation_shows_the_estimated_time_beside_the_credits(chat: ChatSession):
    await chat.type(EXPENSIVE_EN)
    confirm = await chat.expect(r"\[1\] Go ahead")
    assert (
        "Estimated time:" in confirm
        and "Credits: 400" in confirm
        and "Settings" not in confirm.split("Credits")[0]
    )


# ── preferences as the spec says ─────────────────────────────────────────────────────────────────
async def test_a_named_model_is_used_and_saved_and_then_said_to_be_the_usual_choice(chat: ChatSession):
    await chat.type("use nano banana 2 to draw a cat")
    await chat.expect("Creating your image with Nano Banana2")
    await chat.expect(r"\[1\] Make another")
    await chat.type("draw a dog")
    await chat.expect("Based on your usual choice, making your image with Nano Banana2")
    await chat.expect(r"\[1\] Make another")
    await chat.type("my preferences")
    prefs = await chat.expect(r"Image from text: Nano Banana2 \(last used \d{4}-\d\d-\d\d \d\d:\d\d UTC\)")
    assert "Your models" in prefs


@pytest.mark.parametrize(("answer", "then"), [("是", "Nano Banana Pro"), ("yes", "Nano Banana Pro"),
                                              ("否", "Nano Banana2"), ("no", "Nano Banana2")])
async def test_naming_another_model_asks_whether_it_becomes_the_default_and_a_typed_answer_decides(
        chat: ChatSession, answer: str, then: str):
    await chat.type("use nano banana 2 to draw a cat")
    await chat.expect(r"\[1\] Make another")
    await chat.type("use nano banana pro to draw a tree")
    prompt = await chat.expect(r"\[1\] Make Nano Banana Pro my default\s+\[2\] Just this time")
    assert "You usually use Nano Banana2; this time it's Nano Banana Pro" in prompt
    await chat.type(answer)
    await chat.expect("Remembered: Nano Banana Pro" if then == "Nano Banana Pro" else "Nano Banana2 stays "
                                                                                      "your default")
    await chat.expect(r"\[1\] Make another")  # the tree, made with Nano Banana Pro either way
    await chat.type("draw a boat")
    await chat.expect(f"Based on your usual choice, making your image with {then}")


async def test_best_is_saved_cheapest_only_with_always_and_the_recommended_default_never(chat: ChatSession):
    await chat.type("draw a fox")
    await chat.expect(r"\[1\] Make another")
    await chat.type("cheapest video of waves")
    await chat.expect("Creating your video")
    await chat.type("my preferences")
    await chat.expect("You have no saved models")  # neither the recommended default nor a plain "cheapest"
    await chat.type("best quality picture of a cat")
    await chat.expect("Creating your image with Nano Banana Pro")
    await chat.type("以后都用最便宜的 做一个海浪视频")
    await chat.expect("开始")
    await chat.type("my preferences")
    prefs = await chat.expect(r"Video from text: ")
    assert "Image from text: Nano Banana Pro" in prefs


# ── offers that say what would work ──────────────────────────────────────────────────────────────
async def test_options_a_model_cannot_combine_get_the_nearest_combination_with_its_price(chat: ChatSession):
    await chat.type("use veo 3.1 to make a 10s 4k video of a waterfall")
    offer = await chat.expect(r"\[1\] 8 s instead of 10 s")
    assert "Closest it can do: 8 s instead of 10 s for 330 credits" in offer
    assert "supports" not in offer and "False" not in offer and "true" not in offer  # no raw option lists
    assert "usual settings" in offer
    await chat.type("1")
    await chat.expect("This will use 330 credits")
    await chat.type("yes")
    result = await chat.expect(r"\[1\] Make another", limit_s=90)
    assert "8 s · 4K" in result


async def test_a_7_3_picture_offers_a_video_in_the_closest_shape_and_no_dangling_or(chat: ChatSession):
    await chat.type("draw a 7:3 picture of a mountain range")
    offer = await chat.expect(r"\[1\] Video with Wan 2.6")
    assert "16:9 video" in offer and "closest shape to 7:3" in offer
    lines = [line.strip() for line in offer.splitlines()]
    for i, line in enumerate(lines):
        if line.startswith("Or "):
            assert "video" in lines[i - 1], "an “Or …” line needs something before it to be the other choice"
    await chat.type("1")
    await chat.expect("Creating your video with Wan 2.6")


async def test_a_failure_in_a_category_with_one_model_says_so_instead_of_suggesting_another(
        web: WebChat, sandbox: Sandbox):
    from .test_ima_faults import bundled_tree, leaf

    only = leaf(bundled_tree("text_to_music"), "sonic")
    sandbox.state.set_catalogue("text_to_music", [only])
    sandbox.config.faults.update({"outcomes": ["fail"]})
    await web.say("write a song about summer")
    failure = await web.wait(lambda v: v["kind"] == "failure", what="the failure")
    text = failure["text"].lower()
    assert "only model" in text and "another model" not in text and "different model" not in text
    assert [a["kind"] for a in failure["actions"]] == ["retry"]


async def test_a_chain_button_still_works_after_the_bot_restarts(sandbox: Sandbox, tmp_path: Path):
    """The result's "Animate" is pressed after a restart: the task, its stored link and the offer live in
    the store."""
    async def open_web() -> tuple[CoreService, web_server.AppRunner, WebChat]:
        settings = Settings.model_validate({"bot": {"data_dir": str(tmp_path / "kept"), "time_scale": 0.02}})
        core, runner, url = await open_web_core(settings, sandbox.url)
        return core, runner, await WebChat.open(url, uid="same-browser-0001")

    async def close(core: CoreService, runner: web_server.AppRunner, chat: WebChat) -> None:
        await chat.close()
        await close_web_core(core, runner)

    first = await open_web()
    await first[2].say("draw a red fox in the snow")
    picture = await first[2].wait(lambda v: v["kind"] == "result", what="the picture")
    await close(*first)
    second = await open_web()  # a new process would see the same database
    try:
        chat = second[2]
        mark = chat.seen()
        await chat.press(picture, "Animate")
        offer = await chat.wait(lambda v: v["kind"] == "offer", after=mark,
                                what="the priced offer after restart")
        await chat.press(offer, "Go ahead")
        await chat.wait(lambda v: v["kind"] == "result" and v["media"][0]["kind"] == "video", after=mark,
                        what="the video after restart")
        assert sandbox.state.creates()[-1]["json"]["src_img_url"] == [picture["media"][0]["url"]]
    finally:
        await close(*second)


async def test_make_another_shows_its_price_on_the_button_before_anything_is_charged(chat: ChatSession):
    """"Make another" starts at once (same model, same inputs), so its price is on the button itself."""
    await chat.type("draw a red fox in the snow")
    result = await chat.expect(r"\[\d\] Make another · 5 credits")  # SeeDream 4.5: 5 credits (spec's table)
    assert "Your image is ready" in result


async def test_a_named_model_behind_a_cost_confirmation_is_saved_once_the_user_goes_ahead(chat: ChatSession):
    """"use sora …" costs more than the confirmation threshold: nothing is saved while it is only asked;
    going ahead starts it AND saves Sora as the usual video model, as a direct request would."""
    await chat.type(EXPENSIVE_EN)
    await chat.expect("This will use 400 credits")
    await chat.type("my preferences")
    await chat.expect("You have no saved models")  # asked, not made: nothing saved yet
    await chat.type("yes")
    await chat.expect("Remembered: Sora 2 Pro")
    await chat.expect(r"✅")
    await chat.type("my preferences")
    await chat.expect(r"Video from text: Sora 2 Pro")


# ── a user with a task running: risky cancels are asked, questions about it answered ─────────────
# The stand-in holds each task these tests start ("hang") until the test lets IMA finish it, so every question
# is surely asked while the task runs, whatever the machine's load (no race against the scaled clock).
VIDEO_EN = "make a video of a cat surfing a wave"
VIDEO_ZH = "做一个猫在冲浪的视频"


async def running(core: CoreService, sandbox: Sandbox, text: str, user: str = "u1") -> View:
    """Start a task that stays running; returns its status message."""
    sandbox.config.faults.update({"outcomes": ["hang"]})
    creates = len(sandbox.state.creates())
    shown = await say(core, text, user)
    status = next(v for v in shown if v.kind == "status")
    await until(lambda: len(sandbox.state.creates()) == creates + 1, what="the task sent to IMA")
    return status


async def answers(core: CoreService, text: str, user: str = "u1") -> list[View]:
    """The messages the bot sends back to ``text`` (not the edits of status messages landing meanwhile)."""
    before = len(platform_of(core).ops)
    await say(core, text, user)
    return [op.view for op in platform_of(core).ops[before:] if op.op == "send"]


def let_ima_finish(sandbox: Sandbox) -> None:
    """IMA finishes every held task now (the next status check sees it done)."""
    for task in sandbox.state.tasks.values():
        if task.outcome == "hang":
            task.outcome, task.durations = "ok", [0.0] * task.n


async def states(core: CoreService, user: str = "u1") -> list[str]:
    return [r.state for r in await core.store.user_tasks("test", user)]


@pytest.mark.parametrize("text", ["no more videos for today lol, I'm out of credits", "不想画画了，好累"])
async def test_a_cancel_read_from_a_sentence_asks_and_keep_going_delivers_the_task(
        core: CoreService, sandbox: Sandbox, text: str):
    await running(core, sandbox, VIDEO_EN)
    (ask,) = await answers(core, text)
    assert ask.kind == "confirm" and [a.label for a in ask.actions] in (["Stop it", "Keep it going"],
                                                                       ["停止生成", "继续生成"])
    assert "cat surfing a wave" in ask.title and ("Stop your video" in ask.title or "要停掉" in ask.title)
    assert await states(core) == ["running"]  # asking stops nothing
    kept = await press(core, ask, 1)
    assert kept is not None and ("keep going" in kept.text or "继续生成" in kept.text)
    let_ima_finish(sandbox)
    (result,) = await finals(core)
    assert result.kind == "result" and result.media  # delivered, not cancelled

    async def done() -> bool:
        return await states(core) == ["done"]
    await until(done, what="the task recorded as delivered")


async def test_a_typed_no_to_the_stop_question_keeps_it_and_a_typed_yes_stops_it(core: CoreService,
                                                                                  sandbox: Sandbox):
    await running(core, sandbox, VIDEO_ZH)
    await say(core, "不想画画了，好累")
    before = len(platform_of(core).ops)
    (kept,) = await answers(core, "不要")
    assert "继续生成" in kept.text and await states(core) == ["running"]
    (answered,) = [op.view for op in platform_of(core).ops[before:] if op.view.kind == "confirm"]
    assert answered.actions == () and "你选择了：继续生成" in answered.text  # the question loses its buttons
    await say(core, "不想画画了，好累")
    (stopped,) = await answers(core, "是")
    assert "已取消 1" in stopped.text
    (final,) = await finals(core)
    assert final.kind == "cancelled" and await states(core) == ["cancelled"]


async def test_stop_stops_exactly_the_tasks_running_when_asked_and_is_harmless_once_they_ended(
        core: CoreService, sandbox: Sandbox):
    await running(core, sandbox, VIDEO_EN)
    (ask,) = await answers(core, "no more videos for today lol, I'm out of credits")
    await running(core, sandbox, "draw a red fox in the snow")  # started after the question
    stopped = await press(core, ask, 0)
    assert stopped is not None and "Cancelled 1" in stopped.text
    assert await states(core) == ["cancelled", "running"]
    (ask,) = await answers(core, "不想画画了，好累")
    (plain_cancel,) = await answers(core, "cancel")  # said plainly meanwhile: the fox stops at once
    assert "Cancelled 1" in plain_cancel.text
    again = await press(core, ask, 0)
    assert again is not None and "不用停了" in again.text
    assert await states(core) == ["cancelled", "cancelled"]
    let_ima_finish(sandbox)
    later = await running(core, sandbox, "draw a blue boat")  # nothing an old answer could still stop
    assert later.kind == "status" and await press(core, ask, 1) is not None
    assert (await states(core))[-1] == "running"


@pytest.mark.parametrize("text", ["cancel", "stop", "取消", "别画了", "算了不要了", "cancel it pls", "停",
                                  # an order with the thing or the reason said: still an order
                                  "cancel the video", "stop the video pls", "取消视频", "停掉那个视频",
                                  "太慢了，取消吧", "oops wrong model, cancel", "提示词写错了，取消",
                                  "wait stop, wrong prompt", "stop the cat one"])
async def test_a_plain_cancel_still_cancels_at_once(core: CoreService, sandbox: Sandbox, text: str):
    await running(core, sandbox, VIDEO_EN)
    (said,) = await answers(core, text)
    assert said.kind == "notice" and ("Cancelled 1" in said.text or "已取消 1" in said.text)
    (final,) = await finals(core)
    assert final.kind == "cancelled" and await states(core) == ["cancelled"]


async def test_a_sentence_cancel_with_nothing_running_says_there_is_nothing_to_stop(core: CoreService):
    (said,) = await answers(core, "no more videos for today lol, I'm out of credits")
    assert said.kind == "notice" and not said.actions and "nothing to stop" in said.text
    (said,) = await answers(core, "不想画画了，好累")
    assert "不用停" in said.text


@pytest.mark.parametrize(("question", "lang"), [
    ("is it done yet?", "en"), ("how much longer?", "en"), ("still working on it?", "en"),
    ("where's my video", "en"), ("为什么不画了", "zh"), ("还没好吗", "zh"), ("好了没", "zh"),
    ("进度怎么样", "zh"),
])
async def test_a_question_about_a_running_task_gets_its_progress(core: CoreService, sandbox: Sandbox,
                                                                  question: str, lang: str):
    await running(core, sandbox, VIDEO_EN if lang == "en" else VIDEO_ZH)
    record = (await core.store.user_tasks("test", "u1"))[0]
    (answer,) = await answers(core, question)
    assert answer.kind == "notice" and answer.progress is not None and 0 <= answer.progress <= 95
    text = answer.text
    assert record.model_name in text and f"{answer.progress}%" in text
    assert str(record.credits) in text  # the status message's facts: credits and settings too
    if lang == "en":
        assert "Your video with" in text and "cat surfing a wave" in text and "usually done within" in text
        assert "Settings: 5 s" in text
    else:
        assert "你的视频「猫在冲浪」正在用" in text and "预计最长" in text and "已等待" in text
        assert "参数：5 秒" in text
    assert "What should I make next" not in text and "接下来想让我做点什么" not in text
    assert await states(core) == ["running"]


async def test_a_question_about_progress_with_nothing_running_says_so_and_what_the_last_one_was(
        core: CoreService, sandbox: Sandbox):
    (none,) = await answers(core, "is it done yet?")
    assert "haven't made anything yet" in none.text
    (none,) = await answers(core, "好了没")
    assert "还没有生成过" in none.text
    await say(core, "draw a red fox in the snow")
    await finals(core)
    (answer,) = await answers(core, "where's my picture?")
    assert "Nothing of yours is being made right now" in answer.text
    assert "your image with" in answer.text and "red fox in the snow" in answer.text
    assert "is ready" in answer.text
    (answer,) = await answers(core, "为什么不画了")
    assert "你现在没有正在生成的内容" in answer.text and "已经做好并发给你了" in answer.text


def test_a_cancel_is_plain_only_when_nothing_but_the_cancel_words_and_filler_is_said():
    from core.intent import parse
    from core.parsing.task_talk import plain_cancel

    for text in ("cancel", "stop", "取消", "别画了", "算了不要了", "cancel it pls", "停", "<@123> cancel",
                 "ok stop it now", "算了取消吧", "cancel the video", "cancel the dog video",
                 "stop the video pls", "取消视频", "停掉那个视频", "太慢了，取消吧",
                 "oops wrong model, cancel", "提示词写错了，取消",
                 "wait stop, wrong prompt", "cancel that, wrong prompt lol", "never mind the poster",
                 "视频别做了", "那个视频不要了", "不画了", "把视频取消了", "先别画了，我改一下提示词",
                 "wrong prompt lol cancel", "cancel it, I typed the wrong thing", "不要做视频了",
                 "stop the dog video", "stop the cat one"):
        intent = parse(text)
        assert intent.kind == "cancel" and intent.plain and not intent.request, text
    for text in ("no more videos for today lol, I'm out of credits", "不想画画了，好累"):
        intent = parse(text)  # a feeling or a plan: asked first
        assert intent.kind == "cancel" and not intent.plain, text
    for text, media, named in (("cancel the dog video", "video", ("dog",)),
                               ("stop the cat one", None, ("cat",)), ("取消那个视频", "video", ()),
                               ("别画了", None, ()),
                               ("那个猫咪的视频不要了", "video", ("猫咪",))):
        intent = parse(text)
        assert (intent.named_media, intent.named) == (media, named), text
    assert not plain_cancel("") and not parse("cancel culture").plain
    # said before a new request: the cancel's own words decide
    assert parse("please stop the current one and draw a horse instead").plain
    assert not parse("no more videos, draw a cat instead").plain
    assert not parse("how much is a song? ok never mind, just make one: upbeat polka").plain  # not a task


def test_questions_about_a_running_task_stay_chat_and_are_marked():
    from core.intent import parse

    for text in ("为什么不画了", "还没好吗", "好了没", "进度怎么样", "is it done yet?", "how much longer?",
                 "still working on it?", "where's my video"):
        intent = parse(text)
        assert intent.kind == "chat" and intent.about_task and not intent.request, text
    for text in ("进度？", "这个 video 还在 loading 吗", "现在进度多少了",
                 "my video's been sitting at 95% for 10 min"):
        assert parse(text).about_task, text
    for text in ("thanks!", "how long does a video take?", "画一个进度条", "draw a cat", "where is my data?",
                 "今日进度：主视觉海报三张已定稿，两条短视频在剪辑中",
                 # about something else: the phrase alone is not enough
                 "我的电脑卡住了", "比赛结果呢", "what's the eta on the pizza lol",
                 "still waiting for my burger",
                 "项目进度怎么样了大家", "how much longer until christmas", "网卡住了哈哈", "这网怎么这么慢",
                 "the build is taking forever lol",
                 "> is it done yet?\nlol nice"):  # a quoted reply line is someone else's words
        assert not parse(text).about_task, text
    for text in ("is my video ready", "where's my cat video", "is the cat video finished", "为什么视频不动了",
                 "where's my 4k video", "where's the video I asked for", "<@123> 好了没"):
        assert parse(text).about_task, text
    # read as requests before, charged: nothing but a question about the task on its way
    for text in ("视频好了没", "歌好了没有", "视频进度", "图好了吗"):
        intent = parse(text)
        assert intent.about_task and not intent.request and intent.gate == "none", text
    assert parse("视频好了没，做一个猫的视频").request  # a request said with it is still made


async def test_in_the_web_chat_a_risky_cancel_asks_keep_going_delivers_and_a_question_gets_the_progress(
        web: WebChat, sandbox: Sandbox):
    """The same through the web chat's own socket: the question's buttons work there, and lose their
    buttons once answered."""
    sandbox.config.faults.update({"outcomes": ["hang"]})
    await web.say("做一个猫在冲浪的视频")
    status = await web.wait(lambda v: v["kind"] == "status", what="the task starting")
    await until(lambda: len(sandbox.state.creates()) == 1, what="the task sent to IMA")
    mark = web.seen()
    await web.say("进度怎么样")
    progress = await web.wait(lambda v: v["kind"] == "notice", after=mark, what="the progress answer")
    assert "你的视频「猫在冲浪」正在用" in progress["title"] and "%" in progress["title"]
    mark = web.seen()
    await web.say("不想画画了，好累")
    ask = await web.wait(lambda v: v["kind"] == "confirm", after=mark, what="the stop question")
    assert [a["label"] for a in ask["actions"]] == ["停止生成", "继续生成"]
    mark = web.seen()
    await web.press(ask, "继续生成")
    await web.wait(lambda v: "继续生成" in v["title"] and v["kind"] == "notice", after=mark, what="kept")
    assert web.latest(web.id_of(ask))["actions"] == []
    let_ima_finish(sandbox)
    result = await web.wait(lambda v: v["kind"] == "result", after=mark, what="the video")
    assert result["media"] and web.latest(web.id_of(status))["kind"] == "result"


async def test_why_did_it_stop_after_a_failure_says_the_last_one_failed_and_why(core: CoreService,
                                                                               sandbox: Sandbox):
    sandbox.config.faults.update({"outcomes": ["fail"]})
    await say(core, "画一只在雪地里的红狐狸")
    (failure,) = await finals(core)
    assert failure.kind == "failure"
    (answer,) = await answers(core, "为什么不画了")
    assert "你现在没有正在生成的内容" in answer.text and "没能生成成功" in answer.text
    reason = next(line for line in failure.lines if line.startswith("• 原因"))
    assert reason in answer.lines  # the same reason its failure message gave


async def test_a_cancel_said_before_a_new_request_stops_at_once_only_when_said_plainly(core: CoreService,
                                                                                      sandbox: Sandbox):
    await running(core, sandbox, VIDEO_EN)
    sandbox.config.faults.update({"outcomes": ["hang"]})
    said = await answers(core, "no more videos, draw a cat in a hat instead")
    assert [v.kind for v in said] == ["confirm", "status"]  # asked about the video; the cat is made
    assert "cat surfing a wave" in said[0].title and "cat in a hat" not in said[0].title
    await until(lambda: len(sandbox.state.creates()) == 2, what="the cat sent to IMA")
    assert await states(core) == ["running", "running"]
    sandbox.config.faults.update({"outcomes": ["hang"]})
    said = await answers(core, "please stop the current one and draw a horse instead")
    assert "Cancelled 2" in said[0].text and said[1].kind == "status"
    await until(lambda: len(sandbox.state.creates()) == 3, what="the horse sent to IMA")
    assert await states(core) == ["cancelled", "cancelled", "running"]


# ── what is said about a task stays in the conversation it was asked in ─────────────────────────────
async def said_in(core: CoreService, text: str, chat: str, user: str = "u1",
                  guild: str | None = None) -> list[View]:
    """What the bot sends back to ``text`` typed in the conversation ``chat`` (a DM, or a group)."""
    before = len(platform_of(core).ops)
    await core.conversation.handle(ChatEvent("test", user, chat, text, {"chat": chat}, guild_id=guild))
    return plain([op.view for op in platform_of(core).ops[before:] if op.op == "send"])


async def test_a_task_made_in_a_dm_is_never_quoted_nor_stopped_from_a_group(core: CoreService,
                                                                            sandbox: Sandbox):
    sandbox.config.faults.update({"outcomes": ["hang"]})
    (status,) = await said_in(core, "make a video of my secret surprise party for anna", "dm-u1")
    assert status.kind == "status"
    await until(lambda: len(sandbox.state.creates()) == 1, what="the task sent to IMA")
    for question in ("is it done yet?", "where's my video", "好了没"):
        (answer,) = await said_in(core, question, "team-room", guild="g1")
        assert "surprise party" not in answer.text and "anna" not in answer.text and "惊喜" not in answer.text
        assert answer.progress is None and ("haven't made anything" in answer.text or "还没有生成过" in
                                            answer.text)
    (said,) = await said_in(core, "no more videos for today lol, I'm out of credits", "team-room", guild="g1")
    assert said.kind == "notice" and not said.actions and "surprise party" not in said.text
    (said,) = await said_in(core, "cancel", "team-room", guild="g1")  # stops nothing of another conversation
    assert "nothing running" in said.text and await states(core) == ["running"]
    (answer,) = await said_in(core, "is it done yet?", "dm-u1")  # asked where it was made: answered
    assert "surprise party for anna" in answer.text and answer.progress is not None
    (ask,) = await said_in(core, "no more videos for today lol, I'm out of credits", "dm-u1")
    assert ask.kind == "confirm" and "surprise party" in ask.title


async def test_another_user_pressing_the_stop_question_in_a_group_is_refused_and_stops_nothing(
        core: CoreService, sandbox: Sandbox):
    await running(core, sandbox, VIDEO_EN)
    (ask,) = await answers(core, "no more videos for today lol, I'm out of credits")
    refused = await press(core, ask, 0, user="u2")
    assert refused is not None and refused.kind == "denied" and "someone else" in refused.text
    (typed,) = await answers(core, "yes", user="u2")  # a typed yes of another user answers nothing of u1's
    assert "nothing waiting" in typed.text
    assert await states(core) == ["running"]
    stopped = await press(core, ask, 0)  # the one who asked still can
    assert stopped is not None and "Cancelled 1" in stopped.text and await states(core) == ["cancelled"]


async def test_the_answer_to_the_stop_question_says_how_a_task_that_ended_meanwhile_ended(core: CoreService,
                                                                                          sandbox: Sandbox):
    await running(core, sandbox, VIDEO_EN)
    (ask,) = await answers(core, "no more videos for today lol, I'm out of credits")
    let_ima_finish(sandbox)
    await finals(core)

    async def done() -> bool:
        return await states(core) == ["done"]
    await until(done, what="the video recorded as delivered")
    kept = await press(core, ask, 1)
    assert kept is not None and "already ended" in kept.text and "keep going" not in kept.text
    await running(core, sandbox, VIDEO_EN)
    (ask,) = await answers(core, "no more videos for today lol, I'm out of credits")
    await answers(core, "cancel")  # said plainly meanwhile
    again = await press(core, ask, 0)
    assert again is not None and "already cancelled" in again.text and "finished" not in again.text


@pytest.mark.parametrize("text", ["视频好了没", "歌好了没有", "视频进度", "stop the dog video",
                                  "stop the cat one", "is the cat video finished"])
async def test_with_a_task_running_a_progress_question_or_a_stop_is_never_charged(
        core: CoreService, sandbox: Sandbox, text: str):
    await running(core, sandbox, VIDEO_ZH)
    creates = len(sandbox.state.creates())
    said = await answers(core, text)
    assert [v.kind for v in said] in (["notice"], ["confirm"]) and not any(v.kind == "status" for v in said)
    assert len(sandbox.state.creates()) == creates and await states(core) in (["running"], ["cancelled"])
    assert "Make it" not in said[0].text and "就做这个" not in said[0].text


async def test_a_cancel_naming_one_of_two_tasks_stops_that_one_and_asks_when_it_cannot_tell(
        core: CoreService, sandbox: Sandbox):
    await running(core, sandbox, "make a video of a dog surfing a wave")
    await running(core, sandbox, "make a video of a cat skating in the park")
    (ask,) = await answers(core, "cancel the video")  # both are videos: which one?
    assert ask.kind == "confirm" and "2" in ask.title and await states(core) == ["running", "running"]
    await press(core, ask, 1)
    (both,) = await answers(core, "好了没")  # naming none: each of them, in the question's language
    assert "我正在为你生成 2 个内容" in both.title
    assert "dog surfing" in both.text and "cat skating" in both.text and both.text.count("%") == 2
    (answer,) = await answers(core, "is the cat video finished?")  # the one named, not both
    assert "cat skating" in answer.text and "dog surfing" not in answer.text
    (said,) = await answers(core, "cancel the dog video")
    assert "Cancelled 1" in said.text and await states(core) == ["cancelled", "running"]
    (ask,) = await answers(core, "stop the dog one")  # no dog running any more: asked about what is
    assert ask.kind == "confirm" and "cat skating" in ask.title
    assert await states(core) == ["cancelled", "running"]
    (said,) = await answers(core, "cancel the cat video")
    assert "Cancelled 1" in said.text and await states(core) == ["cancelled", "cancelled"]
