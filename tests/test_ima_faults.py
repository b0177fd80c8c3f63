"""What a strict IMA does that a polite one does not: shared rate limits, price changes, results that
trickle in, catch-all credit rules, running out of points (issue 15, first part).

Driven through the conversation entry point against the sandbox; each test changes the sandbox the
way production changes (its catalogue, its balance, its pace) and asserts what the user then sees.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from core.service import CoreService
from sandbox.app import SandboxConfig

from .conftest import TEST_KEY, Sandbox, until
from .test_conversation import finals, platform_of, press, say


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    return SandboxConfig(time_scale=0.02, seed=3)


def bundled_tree(category: str) -> list[dict[str, Any]]:
    from importlib import resources

    return copy.deepcopy(
        json.loads(resources.files("sandbox").joinpath("catalogue.json").read_text("utf-8"))[category]
    )


def leaf(tree: list[dict[str, Any]], model_id: str) -> dict[str, Any]:
    stack = list(tree)
    while stack:
        node = stack.pop()
        if str(node.get("type")) == "3" and node.get("model_id") == model_id:
            return node
        stack.extend(node.get("children") or [])
    raise KeyError(model_id)


def ima_calls(sandbox: Sandbox) -> list[dict[str, Any]]:
    return [r for r in sandbox.state.requests if r["path"].startswith("/open/")]


async def test_a_429_holds_back_every_task_until_retry_after(core: CoreService, sandbox: Sandbox):
    """IMA limits per key: when one status check is told to wait, the other task must wait too."""
    sandbox.config.faults.update({"outcomes": ["hang", "hang"], "retry_after_s": 1.0})
    await say(core, "draw a red lighthouse")
    await say(core, "draw a blue lighthouse")
    await until(lambda: len(sandbox.state.creates()) == 2, what="both tasks created")
    sandbox.config.faults.update({"queue": {"detail": ["429"]}})
    await until(lambda: any(r.get("fault") == "429" for r in sandbox.state.requests),
                what="a rate-limited check")
    limited = next(r for r in sandbox.state.requests if r.get("fault") == "429")
    await until(lambda: ima_calls(sandbox)[-1]["at"] >= limited["at"] + 1.0,
                what="calls to IMA after the wait")
    # Without the shared gate the other task would check several times a second. Only a check already on its
    # way
    # when the 429 came back (the two tasks check on the same cadence, so often at once) may arrive during the
    # wait.
    during = [r for r in ima_calls(sandbox) if limited["at"] < r["at"] < limited["at"] + 0.9]
    assert len(during) <= 1, "another task called IMA while it had asked everyone to wait"
    await say(core, "cancel")


async def test_after_a_price_change_the_retry_is_priced_from_a_fresh_catalogue(core: CoreService,
                                                                               sandbox: Sandbox):
    await say(core, "draw a red bicycle with nano banana 2")
    assert "Credits: 6" in (await finals(core))[0].text
    tree = bundled_tree("text_to_image")
    for rule in leaf(tree, "gemini-3.1-flash-image")["credit_rules"]:
        rule["points"] += 3  # IMA raised its prices; our cached copy still says 6
    sandbox.state.set_catalogue("text_to_image", tree)
    await say(core, "draw a blue boat with nano banana 2")
    failure = (await finals(core, 2))[1]
    assert failure.kind == "failure"
    await press(core, failure, 0)  # "Try again"
    result = (await finals(core, 3))[2]
    assert result.kind == "result" and "Credits: 9" in result.text
    accepted = sandbox.state.creates()[-1]["json"]["parameters"][0]
    assert accepted["credit"] == 9 and accepted["model_id"] == "gemini-3.1-flash-image"


async def test_two_pictures_ordered_means_two_delivered_even_when_they_arrive_one_by_one(core: CoreService,
                                                                                         sandbox: Sandbox):
    sandbox.config.faults.update({"outcomes": ["trickle"]})
    await say(core, "draw 2 pictures of a lighthouse")
    result = (await finals(core))[0]
    assert result.kind == "result" and len(result.media) == 2
    assert "Credits: 10" in result.text  # SeeDream 4.5, 5 credits each


async def test_a_catch_all_rule_listed_first_does_not_price_a_named_combination(core: CoreService,
                                                                                sandbox: Sandbox):
    tree = bundled_tree("text_to_video")
    wan = leaf(tree, "wan2.6-t2v")
    wan["credit_rules"].insert(0, {"attribute_id": 2056, "points": 25, "attributes": {"default": "enabled"}})
    sandbox.state.set_catalogue("text_to_video", tree)
    status = (await say(core, "make a 10s 1080p video of ocean waves with wan 2.6"))[0]
    assert "Credits: 80" in status.text
    result = (await finals(core))[0]
    assert result.kind == "result"
    assert sandbox.state.creates()[-1]["json"]["parameters"][0]["attribute_id"] == 2060


async def test_after_running_out_of_points_only_cheaper_models_are_offered(core: CoreService,
                                                                           sandbox: Sandbox):
    sandbox.state.balances[TEST_KEY] = 60
    await say(core, "use veo 3.1 to make a video of a comet")
    failure = (await finals(core))[0]
    assert failure.kind == "failure" and "out of credits" in failure.text
    offered = [a for a in failure.actions if a.kind == "pick_model"]
    assert offered, failure.text
    prices = [int("".join(ch for ch in a.detail if ch.isdigit())) for a in offered]
    assert all(p < 70 for p in prices), failure.text
    assert prices == sorted(prices)
    await press(core, failure, 1)  # the first offered: affordable, so it runs
    await until(lambda: len(platform_of(core).finals()) == 2, what="the cheaper model's result")
    assert platform_of(core).finals()[-1].view.kind == "result"


async def test_sandbox_refuses_a_catch_all_id_for_a_combination_another_rule_names(sandbox: Sandbox):
    """The stand-in itself: IMA calculates the rule from the parameters, so a catch-all id is a 6010 there."""
    import aiohttp

    tree = bundled_tree("text_to_video")
    leaf(tree, "wan2.6-t2v")["credit_rules"].insert(0, {"attribute_id": 2056, "points": 25,
                                                        "attributes": {"default": "enabled"}})
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{sandbox.url}/_sandbox/catalogue", json={"text_to_video": tree}) as resp:
            assert resp.status == 200
        payload = {"task_type": "text_to_video", "src_img_url": [], "parameters": [{
            "attribute_id": 2056, "model_id": "wan2.6-t2v", "model_name": "Wan 2.6",
            "model_version": "wan2.6-t2v",
            "app": "ima", "platform": "web", "category": "text_to_video", "credit": 25,
            "parameters": {"prompt": "waves", "resolution": "1080P", "duration": 10, "n": 1,
                           "cast": {"points": 25, "attribute_id": 2056}}}]}
        async with http.post(f"{sandbox.url}/open/v1/tasks/create", json=payload,
                             headers={"Authorization": f"Bearer {TEST_KEY}"}) as resp:
            body = await resp.json()
    assert body["code"] == 6010
