"""The web chat in a real headless Chromium, driven by Playwright (issue 6).

Chromium comes from Debian's `chromium` package (`.ci/run` installs it). If it cannot start, these
tests fail and say why: they never pass silently.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.web import WebPlatform, create_web_app
from core.config import Settings
from core.service import CoreService
from sandbox.app import SandboxConfig
from sandbox.media import png

from .conftest import TEST_KEY, Sandbox

SCALE = 0.1
ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required"]
WATCH_TITLES = """
window.__titles = [];
new MutationObserver(() => {
  document.querySelectorAll('.msg.bot .title').forEach(t => {
    if (window.__titles[window.__titles.length - 1] !== t.textContent) window.__titles.push(t.textContent);
  });
}).observe(document.getElementById('log'), {subtree: true, childList: true, characterData: true});
"""


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    return SandboxConfig(time_scale=SCALE, seed=9)


@pytest.fixture
async def web_url(sandbox: Sandbox, tmp_path) -> AsyncIterator[str]:
    settings = Settings.model_validate({"bot": {"data_dir": str(tmp_path), "time_scale": SCALE}})
    core = await CoreService.open(settings, api_key=TEST_KEY, base_url=sandbox.url, upload_url=sandbox.url)
    platform = WebPlatform()
    core.add_platform(platform)
    await core.start()
    runner = web.AppRunner(create_web_app(core, platform))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}/"
    await runner.cleanup()
    await core.close()


@pytest.fixture
async def page(web_url: str) -> AsyncIterator:
    from playwright.async_api import async_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Chromium is not installed (apt-get install chromium); the browser tests cannot run")
    async with async_playwright() as p:
        try:
            browser = await p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        except Exception as exc:  # say why instead of passing silently
            pytest.fail(f"Chromium could not start: {exc}")
        context = await browser.new_context(viewport={"width": 900, "height": 900})
        pg = await context.new_page()
        await pg.goto(web_url)
        await pg.wait_for_function("document.querySelector('#text').placeholder.length > 0")
        await pg.evaluate(WATCH_TITLES)
        yield pg
        await browser.close()


async def send(page, text: str) -> None:
    await page.fill("#text", text)
    await page.press("#text", "Enter")


async def test_typing_a_prompt_shows_progress_then_an_inline_image(page):
    await send(page, "draw a red fox in the snow")
    await page.wait_for_selector(".msg.bot.progress", timeout=15000)
    image = await page.wait_for_selector(".msg.result .media img", timeout=30000)
    await page.wait_for_function("document.querySelector('.msg.result .media img').naturalWidth > 0", timeout=10000)
    titles = await page.evaluate("window.__titles")
    progress = [t for t in titles if "%" in t]
    assert titles[0].startswith("🎨") and progress, titles
    assert len(set(titles)) >= 3  # start → progress → ready: the text changed in place
    assert len(await page.query_selector_all(".msg.bot")) == 1  # ONE status message, edited
    assert await image.evaluate("img => img.naturalWidth") > 0
    (ROOT / "docs").mkdir(exist_ok=True)
    await page.screenshot(path=str(ROOT / "docs" / "web-chat.png"))


async def test_attaching_a_picture_and_asking_for_a_video_gives_a_playable_video(page, tmp_path):
    picture = tmp_path / "cat.png"
    picture.write_bytes(png("orange cat", size=64))
    await page.set_input_files("#file", str(picture))
    await page.wait_for_selector("#files .chip")
    await send(page, "make it a video of the cat walking")
    await page.wait_for_selector(".msg.result .media video", timeout=40000)
    await page.wait_for_function(
        "(() => { const v = document.querySelector('.msg.result video'); return v && v.readyState >= 1 && v.duration > 0; })()",
        timeout=15000)
    text = await page.inner_text(".msg.result")
    assert "Wan 2.6" in text


async def test_an_8k_request_gets_an_offer_with_a_button_that_works(page):
    await send(page, "8K wallpaper of snowy mountains")
    offer = await page.wait_for_selector(".msg.offer", timeout=10000)
    text = await offer.inner_text()
    assert "8K" in text and "4K" in text
    await (await offer.query_selector(".actions button")).click()
    await page.wait_for_selector(".msg.result .media img", timeout=30000)


async def test_a_message_is_answered_in_its_own_language_the_switch_only_sets_the_default(page, tmp_path):
    await send(page, "画一只猫")  # Chinese typed on the English page
    await page.wait_for_selector(".msg.bot.status, .msg.bot.progress", timeout=15000)
    assert "图片" in await page.inner_text(".msg.bot")
    await page.click("button[data-lang=zh]")
    await page.wait_for_function("document.querySelector('#send').textContent === '发送'")
    await send(page, "help")  # English typed on the Chinese page
    reply = await page.wait_for_selector(".msg.bot.notice")
    assert "I make images, videos and music" in await reply.inner_text()
    picture = tmp_path / "cat.png"
    picture.write_bytes(png("orange cat", size=64))
    await page.set_input_files("#file", str(picture))
    await page.wait_for_selector("#files .chip")
    await page.press("#text", "Enter")  # a picture without words: the page's language decides
    await page.wait_for_function("document.querySelectorAll('.msg.bot.notice').length === 2")
    assert "图片" in await page.locator(".msg.bot.notice").nth(1).inner_text()
