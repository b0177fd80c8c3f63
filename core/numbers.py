"""Numbers as people write them: "3", "three", "三", "两", "十五"."""

from __future__ import annotations

_ZH_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_EN = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
       "eight": 8,
       "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
       "sixty": 60, "couple": 2, "pair": 2}

ZH_NUMERAL = "[零一二两三四五六七八九十百]+"
EN_NUMERAL = "|".join(sorted(_EN, key=len, reverse=True))
#: Counts of results: no "a"/"an" ("a video" is one video, not a request for a count).
EN_COUNT = "|".join(sorted((w for w in _EN if w not in ("a", "an")), key=len, reverse=True))


def parse_number(text: str) -> int | None:
    text = text.strip().lower()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if text in _EN:
        return _EN[text]
    if all(c in _ZH_DIGITS or c in "十百" for c in text):
        total, current = 0, 0
        for char in text:
            if char == "百":
                total += (current or 1) * 100
                current = 0
            elif char == "十":
                total += (current or 1) * 10
                current = 0
            else:
                current = _ZH_DIGITS[char]
        return total + current
    return None
