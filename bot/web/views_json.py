"""A core View as the JSON the page renders."""

from __future__ import annotations

import dataclasses
from typing import Any

from core.views import View


def view_json(view: View) -> dict[str, Any]:
    data = dataclasses.asdict(view)
    data["text"] = view.text
    return data
