"""The core's typed protocol seen from outside: button references, replies through the channel (issue 13)."""

from __future__ import annotations

import pytest

from core.contracts import ChatEvent
from core.refs import TaskRef
from core.service import CoreService
from core.views import ActionKind, View, ViewKind
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


async def test_a_button_reply_arrives_through_the_channel_and_a_stranger_is_refused_privately(core: CoreService,
                                                                                           sandbox: Sandbox):
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
