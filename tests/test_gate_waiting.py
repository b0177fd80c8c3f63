"""The gate on a few everyday phrases that look like requests (issue 14, REVIEW8 section 7): asking for a
moment, status talk among colleagues, idioms with a making verb. None of them may start a paid task or re-run
the last one. Through the public parse entry (core.intent.parse)."""

from __future__ import annotations

import pytest

from core.intent import parse

from .test_intent_corpus import catalogues


def _parse(text: str, images: int = 0):
    return parse(text, images, catalogues())


@pytest.mark.parametrize("text", [
    "give me a sec", "gimme a sec", "one sec", "give me 5 min", "给我一分钟", "hold on a sec", "等我5分钟",
    "give me a minute to think", "imma go to bed",
])
def test_asking_for_a_moment_is_never_the_last_request_again(text):
    intent = _parse(text)
    assert (intent.kind, intent.request) == ("chat", False), text
    assert _parse("one more").kind == "again"


@pytest.mark.parametrize("text", [
    "视频剪完了", "海报做好了 大家看看", "刚做完一个视频 累死", "海报改了八遍了", "give me a break",
    "create an account first",
])
def test_status_talk_and_idioms_are_never_charged(text):
    assert _parse(text).request is False, text
    assert _parse("show me your take on a haunted lighthouse").request is True
