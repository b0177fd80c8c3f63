"""The whole check is one command: the README's, run exactly by CI (issue 13)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ci_runs_exactly_the_readme_test_command_and_it_lints_and_type_checks():
    readme = (ROOT / "README.md").read_text("utf-8")
    commands = re.findall(r"^(python3 -m pip install -e '\.\[test\]' &&[^#\n]*?)\s*(?:#.*)?$", readme, re.M)
    assert len(commands) == 1, commands
    command = commands[0].strip()
    assert "ruff check ." in command and "mypy" in command and "pytest" in command
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text("utf-8").splitlines()]
    assert command in ci, "'.ci/run' must run the README's command as written"
