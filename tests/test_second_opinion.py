"""The learned second opinion (core/parsing/second_opinion.py): a charge the rules are sure of, on a message
that does not read like a request to a model learned from every labelled message we keep, is asked with the
"Make it" button instead. It never charges and never refuses; a slash command is never second-guessed.

Through the public parse entry, and once through the conversation against the sandbox, which records every
create call IMA would have charged.
"""

from __future__ import annotations

import pytest

from core.intent import parse
from core.parsing import second_opinion
from sandbox.app import SandboxConfig

from .test_conversation import SCALE, finals, press, say
from .test_intent_corpus import catalogues

#: talk the rules alone read as a paid generation (a price asked in passing, a result wanted bigger or
#: longer with no picture to change): the user is asked, and nothing is charged unless they press the button
DOUBTED_TALK = ["顺便问一下，视频多少钱", "want the video longer", "I want it bigger"]

#: requests in both languages, short and long, with options, models and pictures: charged as before
REQUESTS = [
    ("画一只赛博朋克猫", 0), ("a drone shot over Shanghai, 10s 1080p", 0),
    ("make me a poster for our bake sale", 0), ("生成一首关于夏天的歌", 0), ("i want a dragon", 0),
    ("我要一只柯基", 0), ("用可灵做一个猫在跳舞的视频", 0),
    ("make this photo move, slow zoom", 1), ("把背景换成星空", 1), ("lofi beat for studying, no vocals", 0),
    ("a watercolor painting of a fox reading a book under a tree in autumn, warm light, 16:9, 4 images", 0),
    ("帮我做一张海报：周末读书会，主题是科幻小说，风格要复古一点，竖版", 0),
]


def _parse(text: str, images: int = 0, task_type: str | None = None):
    return parse(text, images, catalogues(), task_type=task_type)


@pytest.mark.parametrize("text", DOUBTED_TALK)
def test_talk_the_rules_would_charge_is_asked_with_the_button(text):
    intent = _parse(text)
    assert not intent.request, (text, intent)
    assert intent.doubted and intent.gate == "ambiguous" and intent.kind.value == "generate", intent
    assert second_opinion.doubts(text)


@pytest.mark.parametrize(("text", "images"), REQUESTS)
def test_plain_requests_are_not_second_guessed(text, images):
    intent = _parse(text, images)
    assert intent.request and not intent.doubted, (text, intent)


def test_a_slash_command_is_never_second_guessed():
    intent = _parse("顺便问一下，视频多少钱", task_type="text_to_video")
    assert intent.request and not intent.doubted, intent


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    return SandboxConfig(time_scale=SCALE, seed=5)


async def test_a_doubted_message_costs_nothing_until_the_button_is_pressed(core, sandbox):
    asked = (await say(core, "want the video longer"))[0]
    assert asked.kind == "offer" and len(asked.actions) == 1, asked
    assert asked.actions[0].label.startswith("Make it: «"), asked.actions[0]
    assert sandbox.state.creates() == []
    await press(core, asked)
    await finals(core)
    assert len(sandbox.state.creates()) == 1  # the user's tap, and only it, spends the credits
