"""Every string exists in both languages, and no view says anything technical (issue 4)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from core import views
from core.errors import ErrorKind
from core.i18n import LANGUAGES, detect_language, strings, t
from core.views import Alternative, TaskFacts

from .never_say import offending

LOCALES = Path(__file__).resolve().parent.parent / "locales"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def test_every_language_has_the_same_keys_and_placeholders():
    tables = {lang: json.loads((LOCALES / f"{lang}.json").read_text("utf-8")) for lang in LANGUAGES}
    en = tables["en"]
    for lang, table in tables.items():
        assert set(table) == set(en), (lang, set(table) ^ set(en))
        for key, text in table.items():
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(en[key])), (lang, key)
            assert text.strip(), (lang, key)


def test_every_key_used_in_code_exists():
    used = set()
    root = LOCALES.parent
    for path in [*root.glob("core/*.py"), *root.glob("bot/**/*.py")]:
        used |= set(re.findall(r"""\bt\(\s*[\w.]+,\s*["']([a-z_]+\.[a-z_.]+)["']""", path.read_text("utf-8")))
        used |= set(re.findall(r"""notice\(\s*[\w.]+,\s*["']([a-z_]+\.[a-z_.]+)["']""",
                               path.read_text("utf-8")))
    missing = {k for k in used if k not in strings("en")}
    assert not missing


def _facts(lang: str, media: str, **kw) -> TaskFacts:
    return TaskFacts(media=media, model_name="Kling O1", credits=96, est_min_s=180, est_max_s=360,
                     language=lang, owner="u", task_ref="t1", **kw)


def all_views(lang: str) -> list[views.View]:
    out = []
    for media in ("image", "video", "music"):
        f = _facts(lang, media, cheaper=Alternative("Wan 2.6", 25, "wan"), n=2)
        out += [views.starting(f), views.starting(_facts(lang, media, from_preference=True)),
                views.progress(f, 120, 33), views.progress(f, 400, 95),
                views.success(f, 200, (views.MediaItem("image", "https://cdn.example/x.png"),)),
                views.cancelled(f), views.interrupted(f)]
        out += [views.failure(f, kind.value,
                              [Alternative("Wan 2.6", 25, "w"),
                               Alternative("Vidu Q2", 5, "v")]) for kind in ErrorKind]
    return out


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_view_and_no_string_contains_a_forbidden_word(lang):
    texts = [v.all_text() for v in all_views(lang)] + list(strings(lang).values())
    bad = {text: offending(text) for text in texts if offending(text)}
    assert not bad


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_error_kind_has_a_plain_reason(lang):
    for kind in ErrorKind:
        assert t(lang, f"error.{kind.value}")


def test_status_messages_follow_the_protocol_in_both_languages():
    zh = views.starting(_facts("zh", "video"))
    assert zh.title.startswith("🎬") and "预计耗时：180 ~ 360 秒" in zh.text and "消耗积分：96" in zh.text
    assert "视频生成需要较长时间" in zh.text
    en = views.progress(_facts("en", "video"), 400, 95)
    assert "95%" in en.title and "Almost there" in en.text


def test_language_detection():
    assert detect_language("画一只赛博朋克猫") == "zh"
    assert detect_language("/video a drone shot over Shanghai, 10s 1080p") == "en"
    assert detect_language("用 nano banana pro 画一只猫") == "zh"
    assert detect_language("🐱🐱") == "en"
