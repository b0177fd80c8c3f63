"""The IMA client against the sandbox over real loopback sockets (issue 3)."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from core.catalogue import normalize
from core.errors import ErrorKind, IMAError, NoMatchingRule, UploadRejected
from core.ima_client import IMAClient
from core.media import CATEGORIES
from core.task_status import TaskOutcome, parse_detail

from .conftest import TEST_KEY, Sandbox, until
from .images import BLUE_PNG, PDF, RED_PNG

IMAGE_INPUTS = {"image_to_image": 1, "image_to_video": 1, "first_last_frame_to_video": 2,
                "reference_image_to_video": 1}


async def wait_done(client: IMAClient, task_id: str, limit_s: float = 60.0) -> TaskOutcome:
    outcome: TaskOutcome | None = None

    async def finished() -> bool:
        nonlocal outcome
        outcome = await client.task_detail(task_id)
        return outcome.state != "running"

    await until(finished, limit_s, f"task {task_id} to finish")
    assert outcome is not None
    return outcome


@pytest.mark.parametrize("category", CATEGORIES)
async def test_every_task_type_is_created_and_completes_with_real_files(client: IMAClient, sandbox: Sandbox,
                                                                        category: str):
    catalogue = await client.catalogue(category)
    assert len(catalogue) >= 3
    model = min(catalogue, key=lambda m: m.min_points)  # cheapest: finishes fastest on a small time scale too
    quote = model.quote({}, n=1)
    images = [await client.upload(data) for data in (RED_PNG, BLUE_PNG)[: IMAGE_INPUTS.get(category, 0)]]
    created = await client.create_task(quote, "a red fox in the snow", images)
    outcome = await wait_done(client, created.task_id)
    assert outcome.state == "succeeded"
    body = await client.fetch_bytes(outcome.medias[0].url)
    expected_magic = {"image": b"\x89PNG", "video": b"ftyp", "music": b"ID3"}[model.media]
    assert expected_magic in body[:12]
    sent = sandbox.state.creates()[-1]["json"]
    inner = sent["parameters"][0]["parameters"]
    assert sent["task_type"] == category == sent["parameters"][0]["category"]
    assert inner["prompt"] == "a red fox in the snow" and "prompt" not in sent["parameters"][0]
    assert inner["cast"] == {"points": quote.points, "attribute_id": quote.rule.attribute_id}
    if category in IMAGE_INPUTS:
        assert sent["src_img_url"] == images == inner["input_images"]


async def test_every_credit_rule_of_every_multi_rule_model_is_matched_and_accepted(client: IMAClient,
                                                                                   sandbox: Sandbox):
    checked = 0
    for category in CATEGORIES:
        for model in await client.catalogue(category):
            if len(model.rules) < 2:
                continue
            for rule in model.rules:
                quote = model.quote(dict(rule.attributes))
                assert quote.rule.attribute_id == rule.attribute_id, (model.name, rule.attributes)
                payload = IMAClient.build_create_payload(quote, "test", ["https://example.com/a.png"] * 2)
                async with aiohttp.ClientSession() as http:
                    async with http.post(f"{sandbox.url}/open/v1/tasks/create", json=payload,
                                         headers={"Authorization": f"Bearer {TEST_KEY}"}) as resp:
                        answer = await resp.json()
                assert answer["code"] == 0, (model.name, rule.attributes, answer)
                checked += 1
    assert checked > 60


async def test_user_spellings_are_normalised_to_the_catalogue_values(client: IMAClient):
    wan = (await client.catalogue("text_to_video")).by_model_id("wan2.6-t2v")
    quote = wan.quote({"resolution": "1080p", "duration": "10秒"})
    assert (quote.rule.attribute_id, quote.points, quote.params["resolution"],
            quote.params["duration"]) == (2060, 80, "1080P", 10)
    assert wan.quote({"duration": "15s"}).points == 75  # 720P comes from the form default
    kling = (await client.catalogue("text_to_video")).by_model_id("kling-video-o1")
    assert kling.quote({"mode": "PRO", "duration": 10}).points == 120
    nb2 = (await client.catalogue("text_to_image")).by_model_id("gemini-3.1-flash-image")
    assert nb2.quote({"size": "4k"}, n=3).total == 39
    assert normalize("10 seconds") == normalize(10) == "10"


async def test_options_a_model_cannot_do_raise_a_typed_error_listing_what_it_can(client: IMAClient):
    wan = (await client.catalogue("text_to_video")).by_model_id("wan2.6-t2v")
    with pytest.raises(NoMatchingRule) as err:
        wan.quote({"duration": 30})
    assert set(err.value.supported["duration"]) == {"5", "10", "15"}
    seedream = (await client.catalogue("text_to_image")).by_model_id("doubao-seedream-4.5")
    with pytest.raises(NoMatchingRule) as err:
        seedream.quote({"aspect_ratio": "7:3"})
    assert "aspect_ratio" not in err.value.supported


async def test_catalogue_names_follow_the_language(client: IMAClient):
    zh = await client.catalogue("text_to_video", language="zh")
    en = await client.catalogue("text_to_video", language="en")
    assert zh.by_model_id("kling-video-o1").name == "可灵 O1"
    assert en.by_model_id("kling-video-o1").name == "Kling O1"


async def test_hundred_concurrent_catalogue_reads_make_one_call(client: IMAClient, sandbox: Sandbox):
    results = await asyncio.gather(*(client.catalogue("text_to_video") for _ in range(100)))
    assert all(r is results[0] for r in results)
    assert sandbox.count("/open/v1/product/list") == 1


async def test_failed_refresh_keeps_serving_the_last_good_catalogue(sandbox: Sandbox):
    async with IMAClient(TEST_KEY, base_url=sandbox.url, upload_url=sandbox.url, catalogue_ttl_s=0) as c:
        first = await c.catalogue("text_to_music")
        sandbox.config.faults.update({"queue": {"product_list": ["503"]}})
        again = await c.catalogue("text_to_music")
        assert again is first and sandbox.count("/open/v1/product/list") == 2


async def test_headers_sent_on_every_call(client: IMAClient, sandbox: Sandbox):
    await client.catalogue("text_to_image", language="zh")
    headers = sandbox.state.requests[-1]["headers"]
    assert headers["Authorization"] == f"Bearer {TEST_KEY}"
    assert headers["x-app-source"] == "ima_skills" and headers["x_app_language"] == "zh"


async def test_upload_round_trip_returns_the_same_bytes(client: IMAClient, sandbox: Sandbox):
    url = await client.upload(RED_PNG)
    assert await client.fetch_bytes(url) == RED_PNG
    token_call = next(r for r in sandbox.state.requests if r["path"] == "/api/rest/oss/getuploadtoken")
    assert len(token_call["query"]) == 11 and token_call["query"]["fContentType"] == "image/png"
    assert await client.upload("https://cdn.example.com/x.png") == "https://cdn.example.com/x.png"


async def test_wrong_type_or_oversized_upload_fails_before_any_network_call(sandbox: Sandbox):
    async with IMAClient(TEST_KEY, base_url=sandbox.url, upload_url=sandbox.url, upload_max_bytes=100) as c:
        with pytest.raises(UploadRejected) as err:
            await c.upload(PDF)
        assert err.value.reason == "type"
        with pytest.raises(UploadRejected) as err:
            await c.upload(RED_PNG)
        assert err.value.reason == "size"
    assert sandbox.state.requests == []


async def _raw_create(sandbox: Sandbox, payload: dict, key: str = TEST_KEY) -> dict:
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{sandbox.url}/open/v1/tasks/create", json=payload,
                             headers={"Authorization": f"Bearer {key}"}) as r:
            return await r.json()


async def test_sandbox_validates_creates_like_production(client: IMAClient, sandbox: Sandbox):
    model = (await client.catalogue("text_to_image")).by_model_id("gemini-3-pro-image")
    good = IMAClient.build_create_payload(model.quote({"size": "4K"}), "a cat")
    assert (await _raw_create(sandbox, good))["code"] == 0
    wrong_credit = IMAClient.build_create_payload(model.quote({"size": "4K"}), "a cat")
    wrong_credit["parameters"][0]["credit"] = 10
    assert (await _raw_create(sandbox, wrong_credit))["code"] == 6006
    mismatch = IMAClient.build_create_payload(model.quote({"size": "4K"}), "a cat")
    mismatch["parameters"][0]["parameters"]["size"] = "1K"
    assert (await _raw_create(sandbox, mismatch))["code"] == 6010
    no_attr = IMAClient.build_create_payload(model.quote({}), "a cat")
    no_attr["parameters"][0]["attribute_id"] = 0
    assert "Invalid product attribute" in (await _raw_create(sandbox, no_attr))["message"]
    outer_prompt = IMAClient.build_create_payload(model.quote({}), "a cat")
    outer_prompt["parameters"][0]["prompt"] = outer_prompt["parameters"][0]["parameters"].pop("prompt")
    assert (await _raw_create(sandbox, outer_prompt))["code"] == 400
    wrong_type = IMAClient.build_create_payload(model.quote({}), "a cat")
    wrong_type["task_type"] = "image_to_image"
    assert (await _raw_create(sandbox, wrong_type))["code"] == 400
    assert len(sandbox.state.creates()) == 1


async def test_n_gives_n_medias_and_charges_n_times(client: IMAClient, sandbox: Sandbox):
    quote = (
        (await client.catalogue("text_to_image"))
        .by_model_id("gemini-3.1-flash-image")
        .quote({"size": "512px"}, n=3)
    )
    before = sandbox.state.balances.get(TEST_KEY, sandbox.config.starting_points)
    created = await client.create_task(quote, "three blue birds")
    assert sandbox.state.balances[TEST_KEY] == before - 12
    outcome = await wait_done(client, created.task_id)
    assert outcome.state == "succeeded" and len(outcome.medias) == 3


async def _kind_of(coro) -> IMAError:
    with pytest.raises(IMAError) as err:
        await coro
    return err.value


async def test_every_error_kind_is_produced_and_mapped(sandbox: Sandbox):
    async with IMAClient(TEST_KEY, base_url=sandbox.url, upload_url=sandbox.url, timeout_s=0.5) as c:
        catalogue = await c.catalogue("text_to_image")
        model = catalogue.by_model_id("doubao-seedream-4.5")
        quote = model.quote()
        faults = sandbox.config.faults
        faults.update({"queue": {"create": ["429"]}, "retry_after_s": 3})
        err = await _kind_of(c.create_task(quote, "x"))
        assert err.kind is ErrorKind.RATE_LIMITED and err.retry_after_s == 3
        faults.update({"queue": {"create": ["503"]}})
        assert (await _kind_of(c.create_task(quote, "x"))).kind is ErrorKind.UNAVAILABLE
        faults.update({"queue": {"detail": ["500"]}})
        assert (await _kind_of(c.task_detail("task_x"))).kind is ErrorKind.UNAVAILABLE
        faults.update({"queue": {"create": ["slow"]}, "slow_s": 2})
        assert (await _kind_of(c.create_task(quote, "x"))).kind is ErrorKind.TIMEOUT
        assert (await _kind_of(c.create_task(quote, "something forbidden"))).kind is ErrorKind.MODERATION
        assert (await _kind_of(c.task_detail("no-such-task"))).kind is ErrorKind.BAD_REQUEST
        sandbox.state.balances[TEST_KEY] = 3
        assert (await _kind_of(c.create_task(quote, "x"))).kind is ErrorKind.INSUFFICIENT_POINTS
    async with IMAClient("ima_wrong", base_url=sandbox.url, upload_url=sandbox.url) as bad:
        sandbox.config.keys = [TEST_KEY]
        assert (await _kind_of(bad.catalogue("text_to_image"))).kind is ErrorKind.AUTH
    async with IMAClient(TEST_KEY, base_url="http://127.0.0.1:9",
                         upload_url="http://127.0.0.1:9") as unreachable:
        # refused: provably never reached IMA
        assert (await _kind_of(unreachable.catalogue("text_to_image"))).kind is ErrorKind.UNREACHABLE
    from core.errors import classify

    assert classify(200, 6006, "") is ErrorKind.CREDIT_MISMATCH
    assert classify(200, 6010, "Attribute ID does not match the calculated "
                               "rule") is ErrorKind.ATTRIBUTE_MISMATCH
    assert classify(200, 6001, "Invalid product attribute") is ErrorKind.INVALID_ATTRIBUTE


@pytest.mark.parametrize(
    ("medias", "state", "error"),
    [
        ([], "running", None),
        ([{"resource_status": None, "status": "pending"}], "running", None),
        ([{"status": "processing"}], "running", None),
        ([{"resource_status": 0, "status": "processing"}], "running", None),
        ([{"resource_status": 1, "status": "success", "url": "u"}], "succeeded", None),
        ([{"resource_status": 1, "status": "completed", "url": "u"}], "succeeded", None),
        ([{"resource_status": 1, "status": "success", "url": "u"}, {"resource_status": 0}], "running", None),
        ([{"resource_status": 1, "status": "success", "url": "u"}, {"resource_status": None}], "running",
         None),
        ([{"resource_status": 1, "status": "failed"}], "failed", ErrorKind.TASK_FAILED),
        ([{"resource_status": 2, "status": "processing"}], "failed", ErrorKind.GENERATION_FAILED),
        ([{"resource_status": 1, "status": "success", "url": "u"}, {"resource_status": 2}], "failed",
         ErrorKind.GENERATION_FAILED),
        ([{"resource_status": 3, "status": "success"}], "failed", ErrorKind.DELETED),
        ([{"resource_status": 0, "status": "failed"}], "failed", ErrorKind.TASK_FAILED),
    ],
)
def test_status_table(medias, state, error):
    outcome = parse_detail({"id": "t", "medias": medias})
    assert outcome.state == state and outcome.error == error


@pytest.mark.parametrize("outcome", ["fail", "status_failed", "deleted", "partial_fail"])
async def test_sandbox_failure_outcomes_are_seen_as_failures(client: IMAClient, sandbox: Sandbox,
                                                             outcome: str):
    sandbox.config.faults.update({"outcomes": [outcome]})
    quote = (await client.catalogue("text_to_image")).by_model_id("gemini-3.1-flash-image").quote({}, n=2)
    created = await client.create_task(quote, "x")
    assert (await wait_done(client, created.task_id)).state == "failed"


@pytest.mark.parametrize("outcome", ["null_status", "empty_medias"])
async def test_sandbox_slow_start_outcomes_still_succeed(client: IMAClient, sandbox: Sandbox, outcome: str):
    sandbox.config.faults.update({"outcomes": [outcome]})
    quote = (await client.catalogue("text_to_image")).by_model_id("gemini-3.1-flash-image").quote({})
    created = await client.create_task(quote, "x")
    first = await client.task_detail(created.task_id)
    assert first.state == "running"
    assert (await wait_done(client, created.task_id)).state == "succeeded"
