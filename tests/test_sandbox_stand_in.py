"""The sandbox is an independent stand-in for IMA (issue 13): it shares no code with the bot and refuses
what IMA refuses, with IMA's answers. Requests here are written by hand from the spec, never built
with the bot's client, so a bug in the client cannot make its own test pass."""

from __future__ import annotations

import ast
import hashlib
import random
import statistics
import time
from pathlib import Path

import aiohttp

from sandbox.durations import draw

from .conftest import TEST_KEY, Sandbox

SANDBOX_DIR = Path(__file__).resolve().parent.parent / "sandbox"


def test_the_sandbox_imports_nothing_from_the_bot():
    offenders = []
    for path in SANDBOX_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ("core", "bot")]
    assert offenders == []


def _sign(*parts: str) -> str:
    """The spec's upload signature, spelled out: SHA1("webAgent|32jdskjdk320eew|{timestamp}|{nonce}"),
    upper-case."""
    return hashlib.sha1("|".join(parts).encode()).hexdigest().upper()


async def _upload_token(sandbox: Sandbox, sign: str, timestamp: str, nonce: str) -> tuple[int, dict]:
    query = {"appUid": TEST_KEY, "appId": "webAgent", "appKey": "32jdskjdk320eew", "cmimToken": TEST_KEY,
             "sign": sign, "timestamp": timestamp, "nonce": nonce, "fService": "privite", "fType": "picture",
             "fSuffix": "png", "fContentType": "image/png"}
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{sandbox.url}/api/rest/oss/getuploadtoken", params=query) as resp:
            return resp.status, await resp.json()


async def test_an_upload_signed_with_two_fields_swapped_is_refused(sandbox: Sandbox):
    timestamp, nonce = str(int(time.time())), "CxI1FLI5ajLJZ1jlxZmeg"
    status, body = await _upload_token(sandbox, _sign("webAgent", "32jdskjdk320eew", timestamp, nonce),
                                       timestamp, nonce)
    assert status == 200 and body["code"] == 0 and body["data"]["ful"] and body["data"]["fdl"]

    swapped = _sign("webAgent", "32jdskjdk320eew", nonce, timestamp)
    status, body = await _upload_token(sandbox, swapped, timestamp, nonce)
    assert status == 401 and body["code"] == 401 and body["data"] is None
    lower_case = _sign("webAgent", "32jdskjdk320eew", timestamp, nonce).lower()
    assert (await _upload_token(sandbox, lower_case, timestamp, nonce))[0] == 401
    key_first = _sign("32jdskjdk320eew", "webAgent", timestamp, nonce)
    assert (await _upload_token(sandbox, key_first, timestamp, nonce))[0] == 401


def _wan_create(attribute_id: int, credit: int, resolution: str, duration: int) -> dict:
    """A text-to-video create for Wan 2.6 as the spec lays it out (ids and points from
    sandbox/catalogue.json)."""
    return {"task_type": "text_to_video", "enable_multi_model": False, "src_img_url": [],
            "upload_img_src": "",
            "parameters": [{"attribute_id": attribute_id, "model_id": "wan2.6-t2v", "model_name": "Wan 2.6",
                            "model_version": "wan2.6-t2v", "app": "ima", "platform": "web",
                            "category": "text_to_video", "credit": credit,
                            "parameters": {"prompt": "a lighthouse in a storm", "resolution": resolution,
                                           "duration": duration,
                                           "n": 1, "input_images": [],
                                           "cast": {"points": credit, "attribute_id": attribute_id}}}]}


async def _create(sandbox: Sandbox, payload: dict) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{sandbox.url}/open/v1/tasks/create", json=payload,
                             headers={"Authorization": f"Bearer {TEST_KEY}"}) as resp:
            return resp.status, await resp.json()


async def test_a_create_naming_the_wrong_credit_rule_is_refused_with_6010_and_charges_nothing(
    sandbox: Sandbox,
):
    # 1080P for 10 s is rule 2060 (80 points); 2058 prices 1080P for 5 s (40 points)
    status, body = await _create(sandbox, _wan_create(2058, 40, "1080P", 10))
    assert (status, body["code"],
            body["message"]) == (200, 6010, "Attribute ID does not match the calculated rule")
    # an id that belongs to another model altogether
    status, body = await _create(sandbox, _wan_create(2341, 5, "720P", 5))
    assert body["code"] == 6010
    # a missing attribute id
    status, body = await _create(sandbox, _wan_create(0, 80, "1080P", 10))
    assert "Invalid product attribute" in body["message"]
    assert (
        sandbox.state.creates() == []
        and sandbox.state.balances.get(TEST_KEY, sandbox.config.starting_points)
        == sandbox.config.starting_points
    )

    status, body = await _create(sandbox, _wan_create(2060, 80, "1080P", 10))
    assert status == 200 and body["code"] == 0 and body["data"]["id"]
    assert sandbox.state.balances[TEST_KEY] == sandbox.config.starting_points - 80


async def test_a_create_with_the_wrong_credit_is_refused_with_6006(sandbox: Sandbox):
    payload = _wan_create(2060, 80, "1080P", 10)
    payload["parameters"][0]["credit"] = 50
    assert (await _create(sandbox, payload))[1]["code"] == 6006
    payload = _wan_create(2060, 80, "1080P", 10)
    payload["parameters"][0]["parameters"]["cast"] = {"points": 80, "attribute_id": 2059}
    assert (await _create(sandbox, payload))[1]["code"] == 6006
    assert sandbox.state.creates() == []


def test_sandbox_durations_are_its_own_skewed_spread_around_the_published_range():
    """Kling O1's published range is 180~360 s: about one task in six beats its minimum, a few run past its
    maximum."""
    rng = random.Random(11)
    plain = [draw(rng, "text_to_video", "kling-video-o1", "video",
                  {"mode": "std", "duration": 5})[0] for _ in range(3000)]
    early = sum(d < 180 for d in plain) / len(plain)
    assert 0.10 < early < 0.25
    assert 180 < statistics.median(plain) < 360
    assert any(d > 360 for d in plain)
    longer = [draw(rng, "text_to_video", "kling-video-o1", "video",
                   {"mode": "pro", "duration": 10})[0] for _ in range(3000)]
    assert statistics.median(longer) > 1.3 * statistics.median(plain)
