"""Localized strings from ``locales/<lang>.json``; every user-facing word goes through here."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES = ("en", "zh")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]+")


class MissingString(KeyError):
    """A key the locale files do not have: a bug, caught by the locale tests."""


@cache
def strings(language: str) -> dict[str, str]:
    table: dict[str, str] = json.loads(
        resources.files("locales").joinpath(f"{language}.json").read_text("utf-8")
    )
    return table


def t(language: str, key: str, /, **values: Any) -> str:
    table = strings(language if language in LANGUAGES else "en")
    try:
        template = table[key]
    except KeyError:
        raise MissingString(key) from None
    return template.format(**values) if values else template


def detect_language(text: str, default: str = "en") -> str:
    """zh when the message is mainly Chinese (CJK characters outnumber Latin words)."""
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    if cjk == 0 and latin == 0:
        return default
    return "zh" if cjk >= max(1, latin) else "en"
