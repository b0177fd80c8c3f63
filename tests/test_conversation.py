"""The conversation entry point against the sandbox: priority rules, offers, confirmations (issue 5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.contracts import Attachment, ChatEvent
from core.service import CoreService
from core.views import View
from sandbox.app import SandboxConfig

from .conftest import until
from .images import BLUE_PNG, PDF, RED_PNG
from .never_say import offending
from .recording import RecordingPlatform

SCALE = 0.02


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    return SandboxConfig(time_scale=SCALE, seed=5)


CATALOGUE = json.loads(
    (Path(__file__).resolve().parent.parent / "sandbox" / "catalogue.json").read_text("utf-8")
)


def platform_of(core: CoreService) -> RecordingPlatform:
    return core.manager.platforms["test"]  # type: ignore[return-value]


def plain(views: list[View]) -> list[View]:
    """Every reply a test sees is checked for words users must never see, in the test that saw it."""
    bad = {v.all_text(): offending(v.all_text()) for v in views if offending(v.all_text())}
    assert not bad
    return views


async def say(core: CoreService, text: str, user: str = "u1", attachments=(), **kw) -> list[View]:
    platform = platform_of(core)
    before = len(platform.ops)
    files = tuple(Attachment(f"file{i}.png", data) for i, data in enumerate(attachments))
    await core.conversation.handle(ChatEvent("test", user, "chat1", text, {"chat": "chat1"}, files, **kw))
    return plain([op.view for op in platform.ops[before:]])


async def press(core: CoreService, view: View, index: int = 0, user: str = "u1") -> View | None:
    action = view.actions[index]
    reply = await core.conversation.handle_action(ChatEvent("test", user, "chat1", "", {"chat": "chat1"}),
                                                  action.kind, action.ref)
    if reply is not None:
        plain([reply])
    return reply


async def finals(core: CoreService, count: int = 1, limit_s: float = 20) -> list[View]:
    platform = platform_of(core)
    await until(lambda: len(platform.finals()) >= count, limit_s, f"{count} final message(s)")
    return plain([op.view for op in platform.finals()])


def points(category: str, model_id: str, **attributes: str) -> int:
    """The credits of one named rule, read from the sandbox's catalogue file, not computed by the bot's
    code."""
    def models(nodes):
        for node in nodes:
            if node.get("model_id") == model_id:
                yield node
            yield from models(node.get("children") or [])

    for model in models(CATALOGUE[category]):
        for rule in model["credit_rules"]:
            if rule["attributes"] == attributes:
                return rule["points"]
    raise AssertionError(f"no rule {attributes} for {model_id}")


# ── priority ──────────────────────────────────────────────────────────────────────────────────
async def test_default_then_saved_preference_then_explicit_mention_then_reset(core, sandbox):
    first = await say(core, "draw a red fox in the snow")
    assert "SeeDream 4.5" in first[0].text and first[0].kind == "status"
    saved = await say(core, "always use nano banana pro for images")
    assert saved[0].kind == "notice" and "Nano Banana Pro" in saved[0].text and "From now on" in saved[0].text
    usual = await say(core, "draw a lighthouse at night")
    assert "Nano Banana Pro" in usual[0].text and "your usual" in usual[0].text
    explicit = await say(core, "use nano banana2 to draw a lighthouse")
    assert "Nano Banana2" in explicit[0].text and "your usual" not in explicit[0].text
    assert any("You usually use Nano Banana Pro" in v.text and "Make Nano Banana2 my default" in v.all_text()
               for v in explicit)  # the spec's change prompt; unanswered, the saved default stays
    await finals(core, 3)
    still = await say(core, "draw a boat")
    assert "Nano Banana Pro" in still[0].text  # the change prompt was not answered: the old default stays
    reset = await say(core, "reset")
    assert "recommended" in reset[0].text
    back = await say(core, "draw a tree")
    assert "SeeDream 4.5" in back[0].text
    await finals(core, 5)


async def test_chinese_preference_is_confirmed_in_chinese_and_applies_to_video(core):
    saved = await say(core, "以后都用可灵 O1")
    assert "已记住" in saved[0].text and "可灵 O1" in saved[0].text
    started = await say(core, "生成一段猫咪跳舞的视频")
    assert "可灵 O1" in started[0].text and "根据你的使用习惯" in started[0].title


async def test_a_preference_for_a_model_that_disappeared_falls_back_and_says_so(core):
    await core.store.set_preference("test", "u1", "text_to_image", "retired-model", "retired-1",
                                    "Old Painter")
    views = await say(core, "draw a cat")
    assert any("Old Painter" in v.text and "isn't available" in v.text for v in views)
    assert any(v.kind == "status" and "SeeDream 4.5" in v.text for v in views)
    assert await core.store.preference("test", "u1", "text_to_image") is None


async def test_cheapest_and_best_come_from_the_live_catalogue(core):
    # In sandbox/catalogue.json no video rule costs less than 5 credits, and two models cost 5 at their
    # default settings: Hailuo 2.0 (768P, 6 s) and Vidu Q2 (540P, 5 s). Either is the cheapest.
    least = min(rule["points"] for group in CATALOGUE["text_to_video"] for model in group["children"]
                for rule in model["credit_rules"])
    assert least == 5 == points("text_to_video", "MiniMax-Hailuo-02", resolution="768P", duration="6") \
        == points("text_to_video", "viduq2", resolution="540P", duration="5")
    views = await say(core, "use the cheapest model to make a video of a dog running")
    assert ("Hailuo 2.0" in views[0].text or "Vidu Q2" in views[0].text) and "Credits: 5" in views[0].text
    best = await say(core, "best quality image of a cathedral")
    assert "Nano Banana Pro" in best[0].text


# ── what the catalogue cannot do ─────────────────────────────────────────────────────────────
async def test_8k_offers_the_largest_size_with_its_live_price_and_the_offer_works(core, sandbox):
    views = await say(core, "8K wallpaper of snowy mountains")
    offer = views[0]
    assert offer.kind == "offer" and "8K" in offer.title and "4K" in offer.text
    price = points("text_to_image", "doubao-seedream-4.5", default="enabled")  # SeeDream's one rule: any size
    assert f"{price} credits" in offer.text
    assert sandbox.state.creates() == []
    await press(core, offer)
    await finals(core)
    sent = sandbox.state.creates()[0]["json"]["parameters"][0]
    assert sent["parameters"]["size"] == "4k" and sent["credit"] == price


async def test_custom_image_ratio_offers_a_video_model_or_the_standard_shape(core):
    offer = (await say(core, "draw a 16:9 picture of a desert road"))[0]
    wan = points("text_to_video", "wan2.6-t2v", resolution="720P", duration="5")  # Wan's defaults: 720P, 5 s
    assert offer.kind == "offer" and "Wan 2.6" in offer.text and f"({wan} credits)" in offer.text
    assert [a.kind for a in offer.actions] == ["accept", "accept"]


async def test_video_with_sound_on_a_silent_model_lists_models_with_sound_and_prices(core):
    offer = (await say(core, "use wan to make a video of rain on a window with sound"))[0]
    assert offer.kind == "offer" and "sound" in offer.title
    # The video models whose form has a generate_audio field, at their default resolution and length
    # (Kling O1's rules do not depend on sound: its std 5 s rule applies).
    with_sound = {
        "Hailuo 2.3": points("text_to_video", "MiniMax-Hailuo-2.3", resolution="768P", duration="6",
                             generate_audio="true"),
        "Kling O1": points("text_to_video", "kling-video-o1", mode="std", duration="5"),
        "Google Veo 3.1": points("text_to_video", "veo-3.1-generate-preview", resolution="720p", duration="4",
                                 generate_audio="true"),
    }
    for name, price in with_sound.items():
        assert f"{name} ({price} credits)" in offer.text


async def test_30_second_video_offers_the_longest_possible_with_prices(core):
    offer = (await say(core, "make a 30s video of a city timelapse"))[0]
    assert "15 s" in offer.title
    # Wan's default 720P, 15 s
    price = points("text_to_video", "wan2.6-t2v", resolution="720P", duration="15")
    assert f"Wan 2.6 ({price} credits)" in offer.text


async def test_music_of_a_chosen_length_explains_fixed_lengths(core):
    offer = (await say(core, "写一首5分钟的钢琴曲"))[0]
    assert "无法自定义" in offer.title and "Suno" in offer.text and "约 120 秒" in offer.text


async def test_too_many_results_are_clamped_and_said(core):
    views = await say(core, "draw 6 images of a cat")
    assert any("at most 4" in v.text for v in views)
    status = next(v for v in views if v.kind == "status")
    assert "4 results" in status.text


async def test_missing_pictures_are_asked_for(core):
    assert "attach the picture" in (await say(core, "edit this photo to look like an oil painting"))[0].text
    assert "两张图片" in (await say(core, "用这张图做首尾帧视频", attachments=[RED_PNG]))[0].text


async def test_bad_input_gets_a_clear_answer_and_nothing_is_charged(core, sandbox):
    assert "What should the image show" in (await say(core, "draw"))[0].text
    assert "too long" in (await say(core, "draw " + "cat " * 800))[0].text
    assert "JPG, PNG" in (await say(core, "make it a video", attachments=[PDF]))[0].text
    assert "请加几句描述" in (await say(core, "画"))[0].text
    assert "can't make" in (await say(core, "use suno to draw a cat"))[0].text
    assert sandbox.state.creates() == []


async def test_image_attachments_pick_the_task_type(core, sandbox):
    await say(core, "make it a video of the wind blowing", attachments=[RED_PNG])
    await say(core, "first and last frame: a flower blooming", attachments=[RED_PNG, BLUE_PNG])
    await finals(core, 2, limit_s=40)
    types = sorted(r["json"]["task_type"] for r in sandbox.state.creates())
    assert types == ["first_last_frame_to_video", "image_to_video"]


# ── cost ──────────────────────────────────────────────────────────────────────────────────────
async def test_expensive_requests_ask_first_and_only_the_requester_may_confirm(core, sandbox):
    confirm = (await say(core, "use sora to make an 8s 1080p video of a spaceship"))[0]
    assert confirm.kind == "confirm" and "400 credits" in confirm.title
    assert sandbox.state.creates() == []
    denied = await press(core, confirm, 0, user="someone-else")
    assert denied.kind == "denied"
    assert sandbox.state.creates() == []
    await press(core, confirm, 0)
    await until(lambda: len(sandbox.state.creates()) == 1, what="the confirmed task")
    again = await press(core, confirm, 0)  # a second press must not charge twice
    await core.wait_idle(30)  # whatever the presses started has finished
    assert again is not None and "already answered" in again.text and len(sandbox.state.creates()) == 1


async def test_yes_reply_accepts_the_latest_offer(core, sandbox):
    await say(core, "8K poster of a jazz festival")
    await say(core, "yes")
    await finals(core)
    assert len(sandbox.state.creates()) == 1


async def test_over_50_credits_a_cheaper_model_is_offered_unless_the_user_chose(core):
    status = (await say(core, "a 10s 1080p video of ocean waves"))[0]
    assert status.kind == "status" and "80" in status.text and "Want to spend less?" in status.text
    chosen = (await say(core, "use kling o1 pro mode to make a 5s video of waves", user="u2"))[0]
    assert "Want to spend less?" not in chosen.text


# ── after a task ──────────────────────────────────────────────────────────────────────────────
async def test_failure_offers_two_alternatives_and_the_buttons_work(core, sandbox):
    sandbox.config.faults.update({"outcomes": ["fail"]})
    await say(core, "draw a red bicycle")
    failure = (await finals(core))[0]
    assert failure.kind == "failure" and "Nano Banana2 (6 credits)" in failure.text
    await press(core, failure, 1)  # "Use Nano Banana2"
    await finals(core, 2)
    assert sandbox.state.creates()[-1]["json"]["parameters"][0]["model_id"] == "gemini-3.1-flash-image"
    await press(core, failure, 0)  # retry with the same model
    await finals(core, 3)
    assert sandbox.state.creates()[-1]["json"]["parameters"][0]["model_id"] == "doubao-seedream-4.5"


async def test_try_another_offers_the_other_image_models(core):
    await say(core, "draw a castle")
    await finals(core)
    offer = (await say(core, "换一个"))[0]
    assert offer.kind == "offer" and len(offer.actions) == 2  # only two other image models exist
    assert "SeeDream" not in offer.text


async def test_models_list_shows_live_prices_and_times(core):
    view = (await say(core, "models"))[0]
    assert "Wan 2.6: 25–120 credits" in view.text and "Suno sonic: 25 credits" in view.text


async def test_one_more_repeats_the_last_request_and_video_preferences_cover_every_video_kind(core, sandbox):
    await say(core, "use nano banana2 to draw a paper crane")
    await finals(core)
    again = await say(core, "再来一个")
    assert any(v.kind == "status" and "Nano Banana2" in v.text for v in again)
    await finals(core, 2)
    prompts = [r["json"]["parameters"][0]["parameters"]["prompt"] for r in sandbox.state.creates()]
    assert prompts[0] == prompts[1]
    saved = (await say(core, "以后视频都用海螺"))[0]
    assert "海螺 2.3" in saved.text or "Hailuo 2.3" in saved.text
    prefs = await core.store.preferences("test", "u1")
    assert prefs["text_to_video"]["model_id"] == prefs["image_to_video"]["model_id"] == "MiniMax-Hailuo-2.3"
    prices = (await say(core, "how much does a video cost"))[0]
    assert "Wan 2.6" in prices.text and "Nano Banana" not in prices.text


async def test_again_with_another_model_and_animating_a_picture_without_words(core, sandbox):
    await say(core, "a 5s video of a paper boat")
    await finals(core, limit_s=40)
    again = await say(core, "换成海螺再试一次")
    assert any(v.kind == "status" and ("Hailuo 2.3" in v.text or "海螺 2.3" in v.text) for v in again)
    animated = await say(core, "animate this", attachments=[RED_PNG])
    assert any(v.kind == "status" for v in animated)  # no description needed to animate a picture
    await finals(core, 3, limit_s=60)
    last = sandbox.state.creates()[-1]["json"]
    assert last["task_type"] == "image_to_video" and last["parameters"][0]["parameters"]["prompt"]


async def test_one_more_and_another_model_only_redo_a_task_of_this_conversation(core, sandbox):
    """A request made in a direct message is not re-run, and its words not shown, when the same user says "one
    more" or "try another model" in a group; in the direct message it still works."""
    dm = ChatEvent("test", "u1", "dm-u1", "draw a secret birthday card for my wife", {"chat": "dm-u1"})
    await core.conversation.handle(dm)
    await finals(core)
    made = len(sandbox.state.creates())
    for text in ("one more", "try another model"):
        answer = await say(core, text)  # in chat1, a group
        assert "secret birthday card" not in " ".join(v.text for v in answer), text
        assert any("haven't made anything yet" in v.text for v in answer), (text, answer)
    assert len(sandbox.state.creates()) == made
    platform = platform_of(core)
    before = len(platform.ops)
    await core.conversation.handle(ChatEvent("test", "u1", "dm-u1", "one more", {"chat": "dm-u1"}))
    assert any(op.view.kind == "status" for op in platform.ops[before:])
    await finals(core, 2)
    assert len(sandbox.state.creates()) == made + 1


async def test_a_named_model_is_saved_with_its_task_and_said_on_its_one_status_message(core):
    """One message, not two: the status says the model is now the default, and keeps saying it as it
    changes; the saved model is what the next request uses."""
    started = await say(core, "use nano banana pro to draw a lighthouse")
    assert len(started) == 1 and started[0].kind == "status"
    assert "Remembered: Nano Banana Pro is now your default" in started[0].text
    assert all("Remembered: Nano Banana Pro" in v.text for v in await finals(core, 1))
    again = await say(core, "draw a boat")
    assert "Nano Banana Pro" in again[0].text and "Remembered" not in again[0].text


async def test_the_saved_default_is_said_in_chinese_on_a_chinese_request(core):
    started = await say(core, "用可灵 O1 生成一段猫咪跳舞的视频")
    assert len(started) == 1 and "已记住" in started[0].text and "可灵 O1" in started[0].text


async def test_a_reaction_with_an_option_offers_the_redo_with_its_price_and_charges_nothing(core, sandbox):
    """"haha nice one, 4k" (REVIEW9 4.4): maybe "make it again in 4K", maybe a remark on the result. The redo
    is offered with a button and its price; only the press makes it, with the new option."""
    await say(core, "draw a paper crane")
    await finals(core)
    answer = await say(core, "haha nice one, 4k")
    assert len(sandbox.state.creates()) == 1
    offer = answer[-1]
    assert offer.kind == "offer" and len(offer.actions) == 1 and "paper crane" in offer.actions[0].label
    await press(core, offer)
    await finals(core, 2)
    first, second = (c["json"] for c in sandbox.state.creates())
    assert second["parameters"][0]["parameters"]["prompt"] == first["parameters"][0]["parameters"]["prompt"]
    assert second["parameters"][0]["parameters"]["size"].upper() == "4K"
    assert first["parameters"][0]["parameters"].get("size", "").upper() != "4K"
