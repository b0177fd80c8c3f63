"""Who may import whom (issue 13): the fakes stand apart from the code they stand in for."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imports_of(path: Path) -> set[str]:
    """Top-level names of every module ``path`` imports (relative imports resolved to their package)."""
    package = path.relative_to(ROOT).parts[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            found.add(package if node.level else (node.module or "").split(".")[0])
    return found


def test_the_fakes_import_nothing_of_ours_and_nothing_of_the_tests():
    for path in (ROOT / "fakes").glob("*.py"):
        assert not imports_of(path) & {"bot", "core", "sandbox", "tests", "bench", "locales"}, path.name


def test_bench_uses_the_fakes_without_importing_the_tests():
    for path in (ROOT / "bench").glob("*.py"):
        assert "tests" not in imports_of(path), path.name
    assert any("fakes" in imports_of(path) for path in (ROOT / "bench").glob("*.py"))


def test_discord_commands_do_not_import_the_adapter():
    source = (ROOT / "bot" / "discord" / "commands.py").read_text()
    modules = {node.module for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ImportFrom)}
    assert "adapter" not in modules and "bot.discord.adapter" not in modules
