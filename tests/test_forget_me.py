""""Forget me" through the web chat: deleting a user's data is irreversible, so it is asked first with a
button, and only that press by the same user deletes; any other answer leaves everything."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.config import Settings
from core.service import CoreService

from .conftest import Sandbox
from .web_driver import WebChat, close_web_core, open_web_core


@pytest.fixture
async def web_core(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[tuple[CoreService, str]]:
    settings = Settings.model_validate({"bot": {"data_dir": str(tmp_path), "time_scale": 0.02}})
    core, runner, url = await open_web_core(settings, sandbox.url)
    yield core, url
    await close_web_core(core, runner)


async def _stored(core: CoreService, uid: str) -> tuple[int, int]:
    """What the bot keeps about this browser: its requests and its saved models."""
    return len(await core.store.user_tasks("web", uid)), len(await core.store.preferences("web", uid))


async def _ask(web: WebChat, text: str = "forget me", lang: str | None = None) -> dict:
    mark = web.seen()
    await web.say(text, lang=lang)
    return await web.wait(lambda v: v["kind"] == "confirm", after=mark, what="the forget-me question")


async def _answer(web: WebChat, *, say: str | None = None, press: tuple[dict, str] | None = None) -> dict:
    mark = web.seen()
    if say is not None:
        await web.say(say)
    if press is not None:
        await web.press(*press)
    return await web.wait(lambda v: v["kind"] == "notice", after=mark, what="the answer")


async def test_forget_me_asks_first_and_only_the_delete_button_deletes(web_core: tuple[CoreService, str]):
    core, url = web_core
    uid = "forgetful-browser-01"
    web = await WebChat.open(url, uid=uid)
    try:
        await web.say("always use nano banana pro")
        await web.say("draw a kite over the sea")
        await web.wait(lambda v: v["kind"] == "result", what="the picture")
        kept = await _stored(core, uid)
        assert kept[0] >= 1 and kept[1] >= 1

        question = await _ask(web)
        assert "Delete everything" in question["title"] and "cannot be undone" in question["text"]
        assert [a["label"] for a in question["actions"]] == ["Delete my data", "Keep"]
        assert await _stored(core, uid) == kept  # asking deletes nothing

        typed = await _answer(web, say="yes")  # a typed yes is not the button
        assert "Nothing was deleted" in typed["title"] and "Delete my data" in typed["title"]
        assert await _stored(core, uid) == kept
        mark = web.seen()
        await web.say("draw a small boat")  # nor is anything else the user says next
        await web.wait(lambda v: v["kind"] == "result", after=mark, what="the second picture")
        assert await _stored(core, uid) == (kept[0] + 1, kept[1])
        kept = await _stored(core, uid)

        keep = await _answer(web, press=(question, "Keep"))
        assert "nothing was deleted" in keep["title"]
        assert await _stored(core, uid) == kept
        late = await _answer(web, press=(question, "Delete my data"))  # that question was answered: Keep
        assert "Keep" in late["title"] and await _stored(core, uid) == kept

        question = await _ask(web)
        done = await _answer(web, press=(question, "Delete my data"))
        assert "deleted your preferences and history" in done["title"]
        assert await _stored(core, uid) == (0, 0)
    finally:
        await web.close()


async def test_forget_me_in_chinese_asks_in_chinese_and_no_keeps_the_data(web_core: tuple[CoreService, str]):
    core, url = web_core
    uid = "forgetful-browser-02"
    web = await WebChat.open(url, uid=uid)
    try:
        await web.say("以后都用 nano banana pro")
        await web.wait(lambda v: v["kind"] == "notice", what="the saved default")
        saved = await _stored(core, uid)
        question = await _ask(web, "删掉我的所有数据，忘了我吧")
        assert "删除" in question["title"]
        assert [a["label"] for a in question["actions"]] == ["删除我的数据", "保留"]
        kept = await _answer(web, say="不用了")
        assert "没有删除" in kept["title"]
        assert await _stored(core, uid) == saved != (0, 0)
        gone = await _answer(web, press=(question, "删除我的数据"))  # answered already: nothing happens
        assert await _stored(core, uid) == saved, gone
    finally:
        await web.close()
