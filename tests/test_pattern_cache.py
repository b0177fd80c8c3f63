"""The compiled-pattern cache the suite runs with (bot/pattern_cache.py) gives the patterns ``re`` gives."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_PROBE = r"""
import json, re, sys
from bot.pattern_cache import install
if sys.argv[1] != "-":  # "-": plain re, to compare with
    assert install(sys.argv[1])
patterns = [(r"(?P<n>\d+)\s*(秒|s(?:ec)?)\b", re.I), (r"画|draw|(?P<w>sketch)(?=\W)", 0), (rb"\x00+(ab)", 0)]
found = []
for text, flags in patterns:
    p = re.compile(text, flags)
    subject = b"\x00\x00ab" if isinstance(text, bytes) else "Draw 10 SEC sketch! 画"
    found.append([p.flags, p.groups, sorted(p.groupindex.items()), [m.span() for m in p.finditer(subject)]])
print(json.dumps(found))
"""


def _run(folder: Path | str) -> list:
    out = subprocess.run([sys.executable, "-c", _PROBE, str(folder)], cwd=ROOT, capture_output=True,
                         text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, check=True,
                         timeout=60)
    assert out.stderr == ""  # the cache never speaks
    return json.loads(out.stdout)


def test_a_process_reading_the_cache_gets_the_patterns_re_builds(tmp_path: Path):
    plain = _run("-")
    assert plain[0][3] == [[5, 11]] and plain[1][3] == [[12, 18], [20, 21]] and plain[2][3] == [[0, 4]]
    assert _run(tmp_path) == plain  # compiled, and stored at exit
    assert list(tmp_path.glob("patterns-*.marshal"))
    assert _run(tmp_path) == plain  # rebuilt from the stored code


def test_a_damaged_cache_file_is_ignored_and_replaced(tmp_path: Path):
    expected = _run("-")
    _run(tmp_path / "clean")
    (tmp_path / "damaged").mkdir()
    for stored in (tmp_path / "clean").glob("patterns-*.marshal"):
        (tmp_path / "damaged" / stored.name).write_bytes(stored.read_bytes()[:100])
    assert _run(tmp_path / "damaged") == expected
    assert all(p.stat().st_size > 100 for p in (tmp_path / "damaged").glob("patterns-*.marshal"))  # replaced


def test_a_folder_others_may_write_to_is_not_used(tmp_path: Path):
    """The default folder is a guessable name in the shared temp dir: one another user could write to is left
    alone (patterns compile as plain re does, nothing is stored there)."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    probe = "import sys; from bot.pattern_cache import install; print(install(sys.argv[1]))"
    out = subprocess.run([sys.executable, "-c", probe, str(shared)], cwd=ROOT, capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, check=True, timeout=60)
    assert out.stdout.strip() == "False" and out.stderr == ""
    assert not list(shared.iterdir())
    assert _run(tmp_path / "own") == _run("-")  # a folder of one's own is used, and made private
    assert (tmp_path / "own").stat().st_mode & 0o077 == 0
