"""Compiled regular expressions kept on disk between processes, when IMA_BOT_PATTERN_CACHE names a folder.

Why: the parser's vocabulary is a few hundred large patterns, and Python's ``re`` parses and compiles
them in pure Python: about 2.5 s of CPU in every process that warms the parser up. The test suite starts
dozens of such processes (each xdist worker, each ``ima-bot run`` / ``demo`` a test starts), so it sets
the variable (tests/__init__.py). A process then rebuilds each pattern from the compiled code an earlier
process stored, keyed by the pattern, its flags and this interpreter's regex engine: the same code ``re``
builds, without the parse. Off unless the variable is set; nothing here is ever printed or raised.
"""

from __future__ import annotations

import atexit
import hashlib
import marshal
import os
import stat
import sys
from array import array
from typing import Any

ENV = "IMA_BOT_PATTERN_CACHE"
_MAX_BYTES = 64 * 1024 * 1024  # past this, a save keeps only what this process used (old vocabularies go)

_installed = False


def install(directory: str | None = None) -> bool:
    """Route ``re``'s compiling through the cache in ``directory`` (default: $IMA_BOT_PATTERN_CACHE).

    Returns whether it is on. Any Python whose ``re`` internals differ from what this expects runs
    without it.
    """
    global _installed
    directory = directory or os.environ.get(ENV)
    if _installed or not directory or not _private(directory):
        return _installed
    try:
        import _sre  # type: ignore[import-not-found]
        from re import _compiler, _parser  # type: ignore[attr-defined]

        plain, code_of, parse = _compiler.compile, _compiler._code, _parser.parse
        debug = _compiler.SRE_FLAG_DEBUG
        if array("I").itemsize != _sre.CODESIZE:
            return False
    except (ImportError, AttributeError):
        return False
    engine = f"{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}"
    path = os.path.join(directory, f"patterns-{hashlib.sha256(engine.encode()).hexdigest()[:16]}.marshal")
    stored = _load(path)
    used: dict[tuple[Any, int], tuple[Any, ...]] = {}
    fresh: dict[tuple[Any, int], tuple[Any, ...]] = {}

    def compile(pattern: Any, flags: int = 0) -> Any:
        if not isinstance(pattern, (str, bytes)) or flags & debug:
            return plain(pattern, flags)
        key = (pattern, int(flags))
        entry = stored.get(key) or fresh.get(key)
        if entry is not None:
            try:
                built = _built(pattern, entry)
            except Exception:  # (a damaged entry: compiled again below, and stored again)
                pass
            else:
                used[key] = entry
                return built
        parsed = parse(pattern, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        entry = (int(flags | parsed.state.flags), array("I", code_of(parsed, flags)).tobytes(),
                 parsed.state.groups - 1, groupindex, tuple(indexgroup))
        fresh[key] = used[key] = entry
        return _built(pattern, entry)

    def _built(pattern: Any, entry: tuple[Any, ...]) -> Any:
        """What ``re._compiler.compile`` returns for the same parse: _sre.compile on its code."""
        all_flags, code_bytes, groups, groupindex, indexgroup = entry
        code = array("I")
        code.frombytes(code_bytes)
        return _sre.compile(pattern, all_flags, code.tolist(), groups, dict(groupindex), tuple(indexgroup))

    def save() -> None:
        if not fresh:
            return
        try:
            merged = {**_load(path), **fresh}
            if sum(len(entry[1]) for entry in merged.values()) > _MAX_BYTES:
                merged = dict(used)
            os.makedirs(directory, exist_ok=True)
            partial = f"{path}.{os.getpid()}"
            with open(partial, "wb") as fh:
                marshal.dump(merged, fh)
            os.replace(partial, path)  # whole or not at all, whoever else writes at the same time
        except Exception:  # (a cache: a failed save costs the next process time, nothing else)
            pass

    _compiler.compile = compile
    atexit.register(save)
    _installed = True
    return True


def _private(directory: str) -> bool:
    """Whether ``directory`` (made if missing) is ours alone: a real folder owned by this user that nobody
    else may write to. The cache's files are read back as compiled code, and its default folder sits in the
    shared temp dir under a name anyone can guess: a folder planted there by another user is not used."""
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        info = os.lstat(directory)
        return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o022
    except (OSError, AttributeError):  # (no getuid on this system: no cache)
        return False


def _load(path: str) -> dict[tuple[Any, int], tuple[Any, ...]]:
    try:
        with open(path, "rb") as fh:
            loaded = marshal.load(fh)
    except Exception:  # (missing, half-written by an older version, unreadable: start empty)
        return {}
    return loaded if isinstance(loaded, dict) else {}
