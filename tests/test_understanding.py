"""Understanding v2 (issue 14): the request gate and follow-up commands through the conversation, against
the sandbox.

The sandbox records every create call IMA would have charged, so "never charged" is checked where
the credits would be spent, not inferred from a reply.
"""

from __future__ import annotations

import pytest

from sandbox.app import SandboxConfig

from .test_conversation import RED_PNG, SCALE, finals, press, say


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    return SandboxConfig(time_scale=SCALE, seed=5)


NON_REQUESTS = [
    "thanks!", "nice, that track slaps", "wow the second one looks so good", "这首歌太好听了", "哈哈哈 绝了",
    "good morning everyone",
    "hey bot", "在吗", "asdfghjkl", "🔥🔥🔥", "i think the first one was better honestly", "what can you do?",
    "can you make videos?",
    "你能做视频吗", "what's my balance?", "我还剩多少积分", "which is better, Veo or Sora?",
    "可灵和海螺哪个好", "how much is a 10 second video?",
    "模型", "too dark", "write me a poem about cats", "给我讲个笑话", "I want to make a video later",
    "lol the bot can't draw hands",
    "can I use these for commercial purposes?", "the sunset one was my favorite", "颜色好看",
    "my buddy generated a video of his dog with this bot", "我昨天用可灵做了个视频",
    "thx bro 这个 poster 太绝了", "昨天用你做了个 MV，朋友都说 amazing", "等等 别生成了 我打错字了 取消取消",
    "is nano banana pro actually worth it over seedream?", "nah leave it", "I'll draw it myself lol",
    "the video never came", "背景音乐好有感觉",
    # plans, chatter about the bot, complaints, capability asked without "?", price questions (issue 14)
    "next week we'll need a banner for the launch, remind me", "明天我再让它画海报",
    "下周要做一个发布会的海报，先记一下", "bro @ima is cracked at posters", "老板说以后海报都让机器人做",
    "大家看看这个机器人画的图", "谁把机器人拉进群的", "你画的图手指总是不对", "做出来的视频太短了",
    "can you draw", "can u do music", "会画画不", "画一张图要多少点数",
    "真希望我也会画画", "wish i could draw like that",
    # signs of talk without a request shape (negation, comparison, the past, remarks about "you")
    "no need for a video of that", "a poster is way cheaper than hiring a designer", "你画的猫有五条腿哈哈",
    "the cat picture from earlier is my new wallpaper", "墙上那张猫的海报是我女儿画的",
    # someone else's request told, the bot named in the third person, an opinion asked of the group, the
    # user doing it, the bot's own lists asked for (session 6)
    "he typed 'make a video of a dog' and it worked", "我同事天天让机器人画猫",
    "你们觉得海报用蓝色好还是红色好",
    "i need to make a poster for school but i'll do it myself", "list models for video",
]


async def test_a_wish_for_something_made_is_asked_with_a_button_never_charged(core, sandbox):
    for text, prompt in (("I wish I had a picture of a lighthouse in a storm", "a lighthouse in a storm"),
                         ("要是有张猫的图就好了", "猫")):
        asked = (await say(core, text))[0]
        assert asked.kind == "offer" and len(asked.actions) == 1, text
        assert asked.actions[0].label in (f"Make it: «{prompt}»", f"生成：«{prompt}»"), asked.actions[0]
    assert sandbox.state.creates() == []


async def test_a_hypothetical_about_something_made_is_asked_with_a_button_never_charged(core, sandbox):
    asked = (await say(core, "would be cool if someone made a logo for our clan someday"))[0]
    assert asked.kind == "offer" and len(asked.actions) == 1
    assert asked.actions[0].label.startswith("Make it: «"), asked.actions[0]
    assert sandbox.state.creates() == []


async def test_courtesy_around_a_request_is_not_part_of_what_is_made(core, sandbox):
    await say(core, "if you can, a video of a cat surfing")
    await say(core, "可以的话帮我画一只在雪地里的狐狸")
    await finals(core, 2)
    prompts = [r["json"]["parameters"][0]["parameters"]["prompt"] for r in sandbox.state.creates()]
    assert sorted(prompts) == sorted(["a cat surfing", "一只在雪地里的狐狸"])



async def test_messages_that_are_not_requests_are_answered_and_never_create_a_task(core, sandbox):
    for text in NON_REQUESTS:
        views = await say(core, text)
        assert views and all(v.kind == "notice" for v in views), (text, views)
        assert all(not v.actions for v in views), text
    await core.wait_idle(30)  # nothing the messages started is still on its way to IMA
    assert sandbox.state.creates() == []


async def test_small_talk_gets_a_friendly_what_should_i_make(core):
    reply = (await say(core, "nice, that track slaps"))[0]
    assert "What should I make next?" in reply.text
    zh = (await say(core, "谢谢！"))[0]
    assert "接下来想让我做点什么" in zh.text


async def test_a_comparison_names_both_models_with_live_prices(core):
    veo = (await core.client.catalogue("text_to_video", "en")).by_model_id("veo-3.1-generate-preview")
    reply = (await say(core, "which is better, Veo or Sora?"))[0]
    assert "Google Veo 3.1" in reply.title and "Sora 2 Pro" in reply.title
    low, high = veo.min_points, veo.max_points
    assert (f"{low}–{high} credits" if low != high else f"{low} credits") in reply.text


async def test_usage_says_what_is_left_of_todays_allowance(core, sandbox):
    core.conversation.settings.daily_budget_user = 100
    await say(core, "draw a red fox in the snow")
    await finals(core)
    spent = await core.store.usage_since(0, "test", "u1")
    assert spent > 0
    reply = (await say(core, "what's my balance?"))[0]
    assert f"{spent} credits used" in reply.text and (f"You have {100 - spent} of your 100 daily credits "
                                                      f"left") in reply.text
    core.conversation.settings.daily_budget_user = 0
    assert "没有每日额度限制" in (await say(core, "余额"))[0].text


async def test_an_unclear_message_asks_with_one_button_and_charges_only_when_pressed(core, sandbox):
    asked = (await say(core, "cats"))[0]
    assert asked.kind == "offer" and len(asked.actions) == 1
    action = asked.actions[0]
    # shown as "Make it: «cats» · 5 credits"
    assert action.label == "Make it: «cats»" and action.detail.endswith(" credits")
    assert sandbox.state.creates() == []
    await press(core, asked)
    await finals(core)
    assert len(sandbox.state.creates()) == 1


async def test_reset_and_then_a_request_does_both_in_order(core, sandbox):
    await say(core, "always use nano banana pro for images")
    views = await say(core, "reset and then draw a fox")
    assert views[0].kind == "notice" and views[0].text == "✅ Back to the recommended models."
    assert any(v.kind == "status" and "SeeDream 4.5" in v.text for v in views)
    assert await core.store.preference("test", "u1", "text_to_image") is None


async def test_switch_model_inside_a_sentence_and_before_a_restated_prompt(core, sandbox):
    await say(core, "draw a paper crane")
    await finals(core)
    offered = (await say(core, "meh, not great, switch model"))[0]
    assert offered.kind == "offer" and "SeeDream 4.5" not in " ".join(a.label for a in offered.actions)
    assert len(sandbox.state.creates()) == 1
    views = await say(core, "switch model and redo it: a paper crane on a lake")
    status = next(v for v in views if v.kind == "status")
    assert "SeeDream 4.5" not in status.text
    await finals(core, 2)
    prompts = [r["json"]["parameters"][0]["parameters"]["prompt"] for r in sandbox.state.creates()]
    assert prompts[-1] == "a paper crane on a lake"


@pytest.mark.parametrize("text, model", [
    ("use Kling O1 a cat surfing", "Kling O1"),
    ("kling 2.6 a samurai walking in the rain", "Kling 2.6"),
    ("用可灵2.6生成一个小狗跳舞的视频", "可灵 2.6"),  # the Chinese catalogue names it so
])
async def test_a_versioned_model_name_is_that_model_and_sets_the_media(core, sandbox, text, model):
    views = await say(core, text)
    status = next(v for v in views if v.kind in ("status", "confirm"))
    assert model in status.text


def test_the_terminal_chat_answers_small_talk_and_questions_without_starting_anything(tmp_path):
    """Through the real `ima-bot chat` command: nothing but answers, no generation started."""
    from .test_terminal_chat import run_chat

    done = run_chat("thanks!\nwhat's my balance?\nwhich is better, Veo or Sora?\n谢谢\nasdfghjkl\n", tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "What should I make next?" in out and "接下来想让我做点什么" in out
    assert "credits used" in out and "Google Veo 3.1 vs Sora 2 Pro" in out
    assert "Creating your" not in out and "开始用" not in out and "Generating" not in out


@pytest.mark.parametrize("text, task_type", [
    ("always use kling for my videos from now on", "text_to_video"),
    ("以后图片默认用nano banana pro", "text_to_image"),
])
async def test_a_setting_said_with_words_around_it_saves_the_default_and_charges_nothing(core, sandbox, text,
                                                                                        task_type):
    views = await say(core, text)
    assert views and all(v.kind == "notice" for v in views), views
    assert (await core.store.preference("test", "u1", task_type)) is not None
    await core.wait_idle(30)
    assert sandbox.state.creates() == []


async def test_again_with_a_count_makes_that_many(core, sandbox):
    await say(core, "draw a paper crane")
    await finals(core)
    await say(core, "不错不错 再来两张")
    await finals(core, 2)
    assert sandbox.state.creates()[-1]["json"]["parameters"][0]["parameters"].get("n") == 2


async def test_again_with_an_option_said_beside_it_makes_it_again_with_that_option(core, sandbox):
    await say(core, "a 5s video of a paper boat")
    await finals(core, limit_s=40)
    await say(core, "one more pls but make it 10 seconds this time")
    await finals(core, 2, limit_s=40)
    first, again = (r["json"]["parameters"][0]["parameters"] for r in sandbox.state.creates())
    assert again["prompt"] == first["prompt"] and (first.get("duration"), again.get("duration")) == (5, 10)


async def test_a_question_about_the_attached_picture_that_names_a_change_is_a_request(core, sandbox):
    views = await say(core, "can u animate this?? 🥺", attachments=[RED_PNG])
    assert any(v.kind in ("status", "confirm") for v in views), views
    await finals(core, limit_s=60)
    assert sandbox.state.creates()[-1]["json"]["task_type"] == "image_to_video"


async def test_again_with_more_than_the_model_makes_makes_its_most_and_says_so(core, sandbox):
    """"再来二十张" after a picture: the model makes at most max_n at once, so that many, priced so,
    with a note; not a 20-result task IMA refuses after the user was told its price."""
    await say(core, "draw a paper crane")
    await finals(core)
    record = (await core.store.user_tasks("test", "u1"))[0]
    most = (await core.client.catalogue(record.task_type)).by_model_id(record.model_id).max_n
    assert most < 20
    views = await say(core, "再来二十张")
    done = await finals(core, 2)
    status = "\n".join(v.text for v in views)
    assert str(most) in status, status
    assert sandbox.state.creates()[-1]["json"]["parameters"][0]["parameters"].get("n") == most
    assert done[-1].kind == "result"


async def test_switch_model_and_redo_it_uses_another_model_but_never_saves_the_bots_pick(core, sandbox):
    """"switch model and redo it: <prompt>": the bot picks the other model, so it is not the user's
    default afterwards (a model the user names is; a pick of ours is not)."""
    await say(core, "draw a red fox")
    await finals(core)
    first = sandbox.state.creates()[-1]["json"]["parameters"][0]["model_id"]
    views = await say(core, "switch model and redo it: a fox in the snow")
    await finals(core, 2)
    second = sandbox.state.creates()[-1]["json"]["parameters"][0]["model_id"]
    assert second != first
    assert await core.store.preference("test", "u1", "text_to_image") is None
    assert not any("default" in v.text.lower() for v in views), [v.text for v in views]
