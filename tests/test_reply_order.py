"""Two messages from one person in one chat are answered in the order sent, through the web chat.

The earlier message is made slower to answer by the sandbox: the first catalogue read it makes
(its language's, so the later message in another language reads its own, at once) is held back.
Without ordering the later message's answer arrives first; with it, the later one waits for the
earlier one's first answer, but only up to ``bot.reply_order_wait_s``, so a stuck earlier message
never holds the next one for long.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.config import Settings

from .conftest import Sandbox, until
from .web_driver import WebChat, close_web_core, open_web_core


@pytest.fixture
def wait_s() -> float:
    return 60.0


@pytest.fixture
async def web(sandbox: Sandbox, tmp_path: Path, wait_s: float) -> AsyncIterator[WebChat]:
    settings = Settings.model_validate({"bot": {"data_dir": str(tmp_path), "time_scale": 0.02,
                                                "reply_order_wait_s": wait_s}})
    core, runner, url = await open_web_core(settings, sandbox.url)
    chat = await WebChat.open(url)
    yield chat
    await chat.close()
    await close_web_core(core, runner)


async def _slow_first_catalogue_read(sandbox: Sandbox, chat: WebChat, seconds: float) -> None:
    """Send the earlier (Chinese) message and return once its first catalogue read is being held."""
    sandbox.config.faults.update({"slow_s": seconds, "queue": {"product_list": ["slow"]}})
    await chat.say("画一只猫")
    await until(lambda: any(r.get("fault") == "slow" for r in sandbox.state.requests),
                what="the earlier message's catalogue read to be held back")


async def test_a_slower_earlier_message_is_still_answered_first(web: WebChat, sandbox: Sandbox):
    await _slow_first_catalogue_read(sandbox, web, seconds=1.0)
    await web.say("draw a dog")
    await until(lambda: len(web.messages) >= 2, what="both answers")
    answered = [view["language"] for view in web.messages.values()]
    assert answered == ["zh", "en"], [view["title"] for view in web.messages.values()]


@pytest.mark.parametrize("wait_s", [0.2])
async def test_a_stuck_earlier_message_holds_the_next_answer_only_briefly(web: WebChat, sandbox: Sandbox):
    await _slow_first_catalogue_read(sandbox, web, seconds=4.0)
    await web.say("draw a dog")
    await until(lambda: len(web.messages) >= 1, what="the later message's answer")
    # it went on its own while the earlier message was still held back
    assert [view["language"] for view in web.messages.values()] == ["en"]
    await until(lambda: len(web.messages) >= 2, what="the earlier message's answer, after all")
    assert [view["language"] for view in web.messages.values()] == ["en", "zh"]
