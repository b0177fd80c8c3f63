"""The clean prompt (issue 14, item 5), through the public parse entry: what reaches the generator is the
subject, style and head noun the user wrote, without instructions, counts, options, model names, bot
mentions or politeness, and without the grammatical scraps those cuts leave behind."""

from __future__ import annotations

import pytest

from core.intent import parse

from .test_intent_corpus import catalogues


@pytest.mark.parametrize("text, expected", [
    # politeness and thanks anywhere, not only at the ends
    ("make a pop song please, upbeat", "a pop song, upbeat"),
    ("draw a cat, thanks in advance!", "a cat"),
    ("hey could you draw a lighthouse at dusk, would be awesome, ty", "a lighthouse at dusk"),
    ("请帮我画一只可爱的小猫，谢谢！", "一只可爱的小猫"),
    # an option's label stays behind once its value was read
    ("generate 4 pics of a cyberpunk samurai, aspect ratio 9:16", "a cyberpunk samurai"),
    ("画一座雪山，比例 16:9，分辨率 4K", "一座雪山"),
    # a bot name typed as text
    ("@ImaBot draw a cat astronaut floating in space pls 🙏", "a cat astronaut floating in space"),
    # ways of asking, and labels before the description
    ("can I get a short video of a cat chasing a laser pointer?", "a cat chasing a laser pointer"),
    ("i want a video: a balloon floating over the city", "a balloon floating over the city"),
    ("生成一张图片，内容是一只在雪地里的熊猫", "一只在雪地里的熊猫"),
    ("用 Sora 2 做一个 10 秒视频，内容：宇航员在月球上打高尔夫", "宇航员在月球上打高尔夫"),
    ("make an image, prompt: a koi pond in autumn", "a koi pond in autumn"),
])
def test_the_prompt_is_what_to_make_and_nothing_else(text: str, expected: str) -> None:
    intent = parse(text, 0, catalogues())
    assert intent.request and intent.prompt == expected, intent
