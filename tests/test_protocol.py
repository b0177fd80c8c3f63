"""The core's typed protocol seen from outside: button references, replies through the channel (issue 13)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core.contracts import ChatEvent
from core.refs import TaskRef
from core.service import CoreService
from core.views import ActionKind, View, ViewKind, pack_action, unpack_action
from sandbox.app import SandboxConfig

from .conftest import Sandbox, until
from .recording import RecordingPlatform


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    return SandboxConfig(time_scale=0.02, seed=13)


def test_a_task_reference_survives_encoding_even_when_the_model_key_has_the_separator():
    for ref in (TaskRef("t1"), TaskRef("t1", "model-a"), TaskRef("t1", "odd|key")):
        assert TaskRef.decode(ref.encode()) == ref
    assert TaskRef.decode("t1") == TaskRef("t1", "")


def _recording(core: CoreService) -> RecordingPlatform:
    platform = core.manager.platforms["test"]
    assert isinstance(platform, RecordingPlatform)
    return platform


def _event(user: str = "u1", text: str = "") -> ChatEvent:
    return ChatEvent("test", user, "chat1", text, {"chat": "chat1"})


async def test_pressing_use_another_model_on_a_failure_creates_the_task_with_that_model(core: CoreService,
                                                                                     sandbox: Sandbox):
    platform = _recording(core)
    sandbox.config.faults.update({"outcomes": ["fail"]})
    await core.handle(_event(text="draw a red bicycle"))
    await until(lambda: any(op.view.kind == ViewKind.FAILURE for op in platform.ops), 20, "the failure")
    failure = next(op.view for op in platform.ops if op.view.kind == ViewKind.FAILURE)
    pick = next(a for a in failure.actions if a.kind == ActionKind.PICK_MODEL)
    target = TaskRef.decode(pick.ref)
    assert target.model_key and await core.store.task(target.task_id) is not None

    await core.press(_event(), pick.kind, pick.ref)
    await until(lambda: len(sandbox.state.creates()) == 2, 20, "the second task")
    chosen = (await core.client.catalogue("text_to_image", "en")).by_key(target.model_key)
    assert chosen is not None and pick.label.endswith(chosen.name)
    assert sandbox.state.creates()[-1]["json"]["parameters"][0]["model_id"] == chosen.model_id


async def test_a_button_reply_arrives_through_the_channel_and_a_stranger_is_refused_privately(
    core: CoreService, sandbox: Sandbox
):
    platform = _recording(core)
    await core.handle(_event(text="draw a 16:9 picture of a harbour"))
    await until(lambda: any(op.view.kind == ViewKind.OFFER for op in platform.ops), 20, "the offer")
    offer = next(op.view for op in platform.ops if op.view.kind == ViewKind.OFFER)
    choice = offer.actions[0]

    refused = await core.refusal(_event("intruder"), choice.kind, choice.ref)
    assert isinstance(refused, View) and refused.kind == ViewKind.DENIED and "someone else" in refused.title
    assert await core.refusal(_event(), choice.kind, choice.ref) is None

    before = len(platform.ops)
    await core.press(_event(), choice.kind, choice.ref)
    await core.press(_event(), choice.kind, choice.ref)  # a second press finds the offer taken
    await until(lambda: any(op.view.kind == ViewKind.NOTICE for op in platform.ops[before:]), 20, "the reply")
    notice = next(op.view for op in platform.ops[before:] if op.view.kind == ViewKind.NOTICE)
    assert "already answered" in notice.title


def test_a_whole_button_packs_into_one_string_and_back():
    for kind, ref in (("retry", "t1"), ("pick_model", TaskRef("t1", "odd|key").encode()), ("menu", "")):
        assert unpack_action(pack_action(kind, ref)) == (kind, ref)
    assert unpack_action("no-separator") is None


# ── the shape of the code: what imports what ─────────────────────────────────────────────────
ROOT = Path(__file__).resolve().parent.parent
ADAPTERS = ("discord", "feishu", "web", "terminal")
CORE_DOORS = {"core.service", "core.contracts", "core.views"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, *, module_level_only: bool) -> set[str]:
    """First-party modules ``path`` imports (``from x import y`` counts x.y when that is a module)."""
    tree = ast.parse(path.read_text("utf-8"))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    nodes = tree.body if module_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] in ("core", "bot", "sandbox", "fakes", "bench")}


def _sources() -> dict[str, Path]:
    return {_module_name(p): p for d in ("core", "bot", "sandbox", "fakes",
                                         "bench") for p in (ROOT / d).rglob("*.py")}


def test_adapters_import_nothing_from_the_core_but_the_facade_contracts_and_views():
    for adapter in ADAPTERS:
        for path in (ROOT / "bot" / adapter).rglob("*.py"):
            used = {name for name in _imports(path, module_level_only=False) if name.startswith("core")}
            modules = {name for name in used if name in _sources() or name == "core"}
            assert modules <= CORE_DOORS, (f"{path.relative_to(ROOT)} reaches into "
                                           f"{sorted(modules - CORE_DOORS)}")


def test_no_import_cycle_between_our_modules():
    sources = _sources()
    # a part importing its own package is fine
    graph = {name: {m for m in _imports(path, module_level_only=True)
                    if m in sources and m != name and not name.startswith(m + ".")}
             for name, path in sources.items()}
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                cycle = [*path[path.index(target):], name, target] if target in path else [name, target]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target, [*path, name])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


def test_the_core_never_dispatches_by_building_attribute_names():
    """No ``getattr(self, f"_on_{kind}")``: a name built from data, or a looked-up attribute called at
    once."""
    for path in (ROOT / "core").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            called = node.func
            if isinstance(called, ast.Call) and isinstance(called.func,
                                                           ast.Name) and called.func.id == "getattr":
                raise AssertionError(f"{path.relative_to(ROOT)}:{node.lineno} calls what getattr found")
            if isinstance(called, ast.Name) and called.id == "getattr" and len(node.args) > 1:
                built = isinstance(node.args[1], (ast.JoinedStr, ast.BinOp))
                assert not built, (f"{path.relative_to(ROOT)}:{node.lineno} getattr with a name built from "
                                   f"data")
