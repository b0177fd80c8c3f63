"""IMA sandbox: the Open API endpoints, the upload service and a CDN, on one aiohttp app.

It validates requests the way production does (auth, attribute ids, credit, category, prompt
placement, points balance, upload signatures), lets tasks progress in real time (scaled by
``time_scale``) with durations of its own (:mod:`sandbox.durations`), serves real files, records
every request, and injects faults on demand — by config, by a queue of faults for the next
calls, or through the ``/_sandbox/*`` control endpoints.

It shares no code with ``core/``: it is what the bot is tested against, so every rule it checks
is its own implementation of the spec (:mod:`sandbox.products`, :func:`expected_upload_sign`).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import logging
import random
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from . import durations
from .media import output_for
from .products import MEDIA, Version, canonical, localized_tree, versions, versions_of

log = logging.getLogger(__name__)

KEY_PATTERN = re.compile(r"^ima_[A-Za-z0-9_\-]{4,}$")
#: "trickle": results are listed only once each one is finished (as IMA does for n > 1), so for a while
#: fewer results than ordered are listed, all of them finished.
TASK_OUTCOMES = ("ok", "fail", "status_failed", "deleted", "null_status", "empty_medias", "partial_fail",
                 "hang", "trickle")


# The upload service's fixed app identity (public, from the IMA web frontend, per the spec).
UPLOAD_APP_ID = "webAgent"
UPLOAD_APP_KEY = "32jdskjdk320eew"


def expected_upload_sign(timestamp: str, nonce: str) -> str:
    """SHA1 of "appId|appKey|timestamp|nonce", upper-case hex: what the upload service accepts."""
    return hashlib.sha1("|".join((UPLOAD_APP_ID, UPLOAD_APP_KEY, timestamp,
                                  nonce)).encode()).hexdigest().upper()


@dataclass
class Faults:
    """What to break. Probabilities apply to every matching call; queues apply to the next calls first."""

    rate_429: float = 0.0
    rate_5xx: float = 0.0
    rate_slow: float = 0.0
    rate_task_fail: float = 0.0
    slow_s: float = 20.0
    retry_after_s: float = 1.0
    # endpoint → ["429", "500", "503", "slow", "drop"]
    queue: dict[str, list[str]] = field(default_factory=dict)
    outcomes: list[str] = field(default_factory=list)  # next creates' task outcomes
    flagged_words: list[str] = field(default_factory=lambda: ["forbidden", "违禁"])

    def update(self, data: dict[str, Any]) -> None:
        for key, value in data.items():
            if key == "queue":
                for endpoint, items in value.items():
                    self.queue.setdefault(endpoint, []).extend(items)
            elif key == "outcomes":
                bad = [o for o in value if o not in TASK_OUTCOMES]
                if bad:
                    raise ValueError(f"unknown outcomes {bad}")
                self.outcomes.extend(value)
            elif hasattr(self, key):
                setattr(self, key, value)
            else:
                raise ValueError(f"unknown fault setting {key}")


@dataclass
class SandboxConfig:
    time_scale: float = 1.0
    starting_points: int = 100_000
    keys: list[str] | None = None  # None: any ima_… key
    faults: Faults = field(default_factory=Faults)
    seed: int | None = None
    quirk_phase_fraction: float = 0.3  # share of a task's time spent with empty or null medias when asked


@dataclass
class SandboxTask:
    id: str
    key: str
    category: str
    model: Version
    prompt: str
    n: int
    created: float
    durations: list[float]
    outcome: str
    points: int


@dataclass
class SandboxState:
    config: SandboxConfig
    balances: dict[str, int] = field(default_factory=dict)
    tasks: dict[str, SandboxTask] = field(default_factory=dict)
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    secret: bytes = field(default_factory=lambda: uuid.uuid4().bytes)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.config.seed)
        self._ids = itertools.count(1)
        self._asked: dict[tuple[str, str], int] = {}
        self.catalogue: dict[str, list[dict[str, Any]]] = {}  # category → tree replacing the bundled one

    def set_catalogue(self, category: str, tree: list[dict[str, Any]]) -> None:
        """Change what IMA sells from now on (prices and rules change often in production)."""
        self.catalogue[category] = tree

    def versions(self, category: str) -> dict[int, Version]:
        replaced = self.catalogue.get(category)
        return versions(category) if replaced is None else versions_of(category, replaced)

    def duration_rng(self, model_id: str, prompt: str) -> random.Random:
        """With a seed, the same request (model, prompt, how many times asked) takes the same time in every
        run, whatever order concurrent creates arrive in: benchmarks compare watchers on the same tasks."""
        if self.config.seed is None:
            return self.rng
        asked = self._asked[(model_id, prompt)] = self._asked.get((model_id, prompt), 0) + 1
        return random.Random(f"{self.config.seed}|{model_id}|{prompt}|{asked}")

    def creates(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["path"] == "/open/v1/tasks/create" and r.get("accepted")]


STATE: web.AppKey[SandboxState] = web.AppKey("state", SandboxState)
ENTRY: web.RequestKey[dict[str, Any]] = web.RequestKey("entry", dict)


def _ok(data: Any) -> web.Response:
    return web.json_response({"code": 0, "message": "success", "data": data})


def _err(status: int, code: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"code": code, "message": message, "data": None}, status=status, headers=headers)


def create_app(config: SandboxConfig | None = None) -> web.Application:
    config = config or SandboxConfig()
    state = SandboxState(config)
    app = web.Application(middlewares=[_record, _inject_faults], client_max_size=64 * 1024 * 1024)
    app[STATE] = state
    app.router.add_get("/open/v1/product/list", product_list)
    app.router.add_post("/open/v1/tasks/create", create_task)
    app.router.add_post("/open/v1/tasks/detail", task_detail)
    app.router.add_get("/api/rest/oss/getuploadtoken", upload_token)
    app.router.add_put("/oss/{key:.+}", upload_put)
    app.router.add_get("/cdn/{key:.+}", cdn)
    app.router.add_get("/_sandbox/requests", control_requests)
    app.router.add_post("/_sandbox/faults", control_faults)
    app.router.add_post("/_sandbox/catalogue", control_catalogue)
    app.router.add_get("/_sandbox/balance/{key}", control_balance)
    app.router.add_get("/_sandbox/health", control_health)
    return app


def state_of(app: web.Application) -> SandboxState:
    return app[STATE]


_ENDPOINTS = {
    "/open/v1/product/list": "product_list",
    "/open/v1/tasks/create": "create",
    "/open/v1/tasks/detail": "detail",
    "/api/rest/oss/getuploadtoken": "upload_token",
}


@web.middleware
async def _record(request: web.Request, handler: Any) -> web.StreamResponse:
    state = state_of(request.app)
    entry: dict[str, Any] = {"method": request.method, "path": request.path, "query": dict(request.query),
                             "headers": {k: v for k, v in request.headers.items() if k.lower() in
                                         ("authorization", "x-app-source", "x_app_language", "content-type")},
                             "at": time.time()}
    if request.can_read_body and request.content_type == "application/json":
        try:
            entry["json"] = await request.json()
        except ValueError:
            entry["json"] = None
    if not request.path.startswith("/_sandbox"):
        state.requests.append(entry)
    request[ENTRY] = entry
    response = await handler(request)
    entry["status"] = response.status
    return response


@web.middleware
async def _inject_faults(request: web.Request, handler: Any) -> web.StreamResponse:
    state = state_of(request.app)
    faults = state.config.faults
    endpoint = _ENDPOINTS.get(request.path)
    if endpoint is None:
        return await handler(request)
    fault = None
    queued = faults.queue.get(endpoint)
    if queued:
        fault = queued.pop(0)
    else:
        roll = state.rng.random()
        if roll < faults.rate_429:
            fault = "429"
        elif roll < faults.rate_429 + faults.rate_5xx:
            fault = state.rng.choice(["500", "502", "503"])
        elif roll < faults.rate_429 + faults.rate_5xx + faults.rate_slow:
            fault = "slow"
    if fault is None or fault == "none":
        return await handler(request)
    request[ENTRY]["fault"] = fault
    if fault == "429":
        return _err(429, 429, "Too Many Requests", {"Retry-After": str(faults.retry_after_s)})
    if fault in ("500", "502", "503"):
        return _err(int(fault), int(fault),
                    "Service Unavailable" if fault == "503" else "Internal Server Error")
    if fault == "slow":
        await asyncio.sleep(faults.slow_s)
        return await handler(request)
    if fault == "drop":
        raise web.HTTPServiceUnavailable()
    return await handler(request)


def _auth(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    key = header[len("Bearer "):].strip()
    return key if _key_ok(state_of(request.app), key) else None


def _key_ok(state: SandboxState, key: str) -> bool:
    allowed = state.config.keys
    if allowed is not None:
        return key in allowed
    return bool(KEY_PATTERN.match(key))


def _balance(state: SandboxState, key: str) -> int:
    return state.balances.setdefault(key, state.config.starting_points)


async def product_list(request: web.Request) -> web.Response:
    if _auth(request) is None:
        return _err(401, 401, "Unauthorized: invalid API key")
    category = request.query.get("category", "")
    if category not in MEDIA:
        return _err(400, 400, f"unknown category {category!r}")
    language = request.headers.get("x_app_language", "en")
    return _ok(localized_tree(category, "zh" if language.startswith("zh") else "en",
                              state_of(request.app).catalogue.get(category)))


async def create_task(request: web.Request) -> web.Response:
    state = state_of(request.app)
    key = _auth(request)
    if key is None:
        return _err(401, 401, "Unauthorized: invalid API key")
    body = request[ENTRY].get("json")
    if not isinstance(body, dict) or not isinstance(body.get("parameters"),
                                                    list) or len(body["parameters"]) != 1:
        return _err(400, 400, "Bad request: parameters must be a list with one item")
    task_type = body.get("task_type")
    outer = body["parameters"][0]
    if not isinstance(outer, dict) or task_type not in MEDIA or outer.get("category") != task_type:
        return _err(400, 400, "Bad request: task_type must match parameters[].category")
    if "prompt" in outer:
        return _err(400, 400, "Bad request: prompt belongs in parameters[].parameters")
    for required in ("model_id", "model_name", "model_version", "app", "platform"):
        if not outer.get(required):
            return _err(400, 400, f"Bad request: missing {required}")
    inner = outer.get("parameters")
    if not isinstance(inner, dict) or not str(inner.get("prompt") or "").strip():
        return _err(400, 400, "Bad request: missing prompt")
    attribute_id = outer.get("attribute_id") or 0
    if not isinstance(attribute_id, int) or attribute_id <= 0:
        return _err(200, 6001, "Invalid product attribute; Insufficient points")
    model = state.versions(task_type).get(attribute_id)
    if model is None or model.model_id != outer["model_id"] or model.version_id != outer["model_version"]:
        return _err(200, 6010, "Attribute ID does not match the calculated rule")
    rule = model.rule(attribute_id)
    assert rule is not None
    if outer.get("credit") != rule.points:
        return _err(200, 6006, "Credit does not match the rule points")
    cast = inner.get("cast")
    if (
        not isinstance(cast, dict)
        or cast.get("points") != rule.points
        or cast.get("attribute_id") != attribute_id
    ):
        return _err(200, 6006, "Billing validation failed: cast does not mirror credit")
    effective = {**model.defaults, **inner}
    if model.calculated_rule(effective) is not rule:
        return _err(200, 6010, "Attribute ID does not match the calculated rule")
    for name, allowed in model.options.items():
        if name in inner and allowed and canonical(inner[name]) not in {canonical(v) for v in allowed}:
            return _err(400, 400, f"Bad request: {name} not supported")
    images = inner.get("input_images") or []
    needs = {"image_to_image": 1, "image_to_video": 1, "first_last_frame_to_video": 2,
             "reference_image_to_video": 1}
    if task_type in needs:
        sources = body.get("src_img_url") or images
        if len(sources) < needs[task_type]:
            return _err(400, 400, "Bad request: input image required")
    n = inner.get("n", 1)
    if not isinstance(n, int) or not 1 <= n <= model.max_n:
        return _err(400, 400, "Bad request: n out of range")
    prompt = str(inner["prompt"])
    if any(word in prompt.lower() for word in state.config.faults.flagged_words):
        return _err(200, 6011, "Prompt failed content moderation: sensitive content")
    cost = rule.points * n
    if _balance(state, key) < cost:
        return _err(200, 6002, "Insufficient points")
    state.balances[key] -= cost
    faults = state.config.faults
    outcome = (
        faults.outcomes.pop(0)
        if faults.outcomes
        else ("fail" if state.rng.random() < faults.rate_task_fail else "ok")
    )
    scale = state.config.time_scale
    media = MEDIA[task_type]
    drawn = durations.draw(state.duration_rng(model.model_id, prompt), task_type, model.model_id, media,
                           effective, n)
    if outcome == "trickle":  # the first result at half time, the others spread to the end
        drawn = [drawn[-1] * (0.5 + 0.5 * (i + 1) / n) for i in range(n)]
    times = [d * scale if outcome != "hang" else float("inf") for d in drawn]
    now = time.time()
    task_id = f"task_{next(state._ids)}_{uuid.uuid4().hex[:8]}"
    state.tasks[task_id] = SandboxTask(task_id, key, task_type, model, prompt, n, now, times, outcome, cost)
    request[ENTRY]["accepted"] = True
    timeout_ms = int((now + max(durations.typical_max(task_type, model.model_id, media,
                                                      effective) * 2 * scale, 1.0)) * 1000)
    return _ok({"id": task_id, "biz_id": f"biz_{task_id}", "task_type": task_type, "medias": [],
                "generate_count": n, "created_at": int(now * 1000), "timeout_at": timeout_ms})


async def task_detail(request: web.Request) -> web.Response:
    state = state_of(request.app)
    key = _auth(request)
    if key is None:
        return _err(401, 401, "Unauthorized: invalid API key")
    body = request[ENTRY].get("json") or {}
    task = state.tasks.get(str(body.get("task_id", "")))
    if task is None or task.key != key:
        return _err(400, 400, "Bad request: unknown task_id")
    elapsed = time.time() - task.created
    return _ok({"id": task.id, "task_type": task.category, "medias": _medias(request, task, elapsed)})


def _medias(request: web.Request, task: SandboxTask, elapsed: float) -> list[dict[str, Any]]:
    quirk = state_of(request.app).config.quirk_phase_fraction
    end = max(task.durations) if task.outcome != "hang" else 1.0
    if (task.outcome == "empty_medias" and elapsed < end * quirk) or elapsed < end * 0.05:
        return []
    out = []
    media = MEDIA[task.category]
    for i, done_at in enumerate(task.durations):
        if task.outcome == "trickle" and elapsed < done_at:
            continue
        item: dict[str, Any] = {"resource_status": 0, "status": "processing"}
        if elapsed < done_at * 0.3 or (task.outcome == "null_status" and elapsed < done_at * max(quirk, 0.5)):
            item = {"resource_status": None, "status": "pending"}
        if elapsed >= done_at:
            failing = task.outcome in ("fail", "status_failed",
                                       "deleted") or (task.outcome == "partial_fail" and i == task.n - 1)
            if failing and task.outcome == "deleted":
                item = {"resource_status": 3, "status": "failed"}
            elif failing and task.outcome == "status_failed":
                item = {"resource_status": 1, "status": "failed"}
            elif failing:
                item = {"resource_status": 2, "status": "failed"}
            else:
                item = _finished_media(request, task, i, media)
        out.append(item)
    return out


def _finished_media(request: web.Request, task: SandboxTask, index: int, media: str) -> dict[str, Any]:
    state = state_of(request.app)
    data, content_type, fmt = output_for(media, f"{task.prompt}#{index}" if media != "image" else task.prompt)
    name = f"out/{task.id}/{index}.{fmt}"
    state.files.setdefault(name, (data, content_type))
    base = f"{request.scheme}://{request.host}"
    item: dict[str, Any] = {"resource_status": 1, "status": "success", "url": f"{base}/cdn/{name}",
                            "format": fmt}
    if media == "image":
        item.update(width=256, height=256)
    if media == "video":
        item["cover"] = f"{base}/cdn/{name}.cover.png"
        state.files.setdefault(f"{name}.cover.png", output_for("image", task.prompt)[:2])
        item.update(width=160, height=90)
    return item


def _sign_put(state: SandboxState, key: str, expires: str) -> str:
    return hmac.new(state.secret, f"{key}|{expires}".encode(), hashlib.sha256).hexdigest()


async def upload_token(request: web.Request) -> web.Response:
    state = state_of(request.app)
    q = request.query
    required = ("appUid", "appId", "appKey", "cmimToken", "sign", "timestamp", "nonce", "fService", "fType",
                "fSuffix", "fContentType")
    missing = [p for p in required if not q.get(p)]
    if missing:
        return _err(400, 400, f"missing parameters: {','.join(missing)}")
    if not _key_ok(state, q["appUid"]) or q["cmimToken"] != q["appUid"]:
        return _err(401, 401, "Unauthorized: invalid API key")
    if q["appId"] != UPLOAD_APP_ID or q["appKey"] != UPLOAD_APP_KEY or \
            not hmac.compare_digest(q["sign"], expected_upload_sign(q["timestamp"], q["nonce"])):
        return _err(401, 401, "Unauthorized: bad signature")
    if q["fType"] not in ("picture", "video", "audio") or not re.fullmatch(r"[a-z0-9]{2,5}", q["fSuffix"]):
        return _err(400, 400, "unsupported file type")
    day = time.strftime("%Y/%m/%d")
    key = f"webAgent/privite/{day}/{int(time.time())}_{uuid.uuid4().hex}.{q['fSuffix']}"
    expires = str(int(time.time()) + 7 * 86400)
    base = f"{request.scheme}://{request.host}"
    return _ok({"ful": f"{base}/oss/{key}?Expires={expires}&Signature={_sign_put(state, key, expires)}",
                "fdl": f"{base}/cdn/{key}", "ful_expire": expires, "fdl_expire": expires, "fdl_key": key})


async def upload_put(request: web.Request) -> web.Response:
    state = state_of(request.app)
    key = request.match_info["key"]
    expires = request.query.get("Expires", "")
    if not hmac.compare_digest(request.query.get("Signature", ""), _sign_put(state, key, expires)):
        return web.Response(status=403, text="SignatureDoesNotMatch")
    if not expires.isdigit() or int(expires) < time.time():
        return web.Response(status=403, text="Request has expired")
    state.files[key] = (await request.read(), request.content_type or "application/octet-stream")
    return web.Response(status=200)


async def cdn(request: web.Request) -> web.StreamResponse:
    stored = state_of(request.app).files.get(request.match_info["key"])
    if stored is None:
        return web.Response(status=404, text="NoSuchKey")
    data, content_type = stored
    return web.Response(body=data, content_type=content_type)


async def control_health(_request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


async def control_requests(request: web.Request) -> web.Response:
    state = state_of(request.app)
    return web.json_response({"requests": state.requests, "creates": len(state.creates())})


async def control_faults(request: web.Request) -> web.Response:
    try:
        state_of(request.app).config.faults.update(await request.json())
    except (ValueError, TypeError) as exc:
        return web.json_response({"ok": False, "error": str(exc)}, status=400)
    return web.json_response({"ok": True})


async def control_catalogue(request: web.Request) -> web.Response:
    """Replace what one or more categories sell: ``{category: product tree}``."""
    state = state_of(request.app)
    try:
        data = await request.json()
        if not isinstance(data, dict) or not all(c in MEDIA and isinstance(t, list) for c, t in data.items()):
            raise ValueError("expected {category: [nodes]}")
    except ValueError as exc:
        return web.json_response({"ok": False, "error": str(exc)}, status=400)
    for category, tree in data.items():
        state.set_catalogue(category, tree)
    return web.json_response({"ok": True})


async def control_balance(request: web.Request) -> web.Response:
    return web.json_response({"points": _balance(state_of(request.app), request.match_info["key"])})



async def run_sandbox(host: str, port: int, config: SandboxConfig) -> web.AppRunner:
    """Start the sandbox on host:port (0 picks a free port); the runner's address is where it listens."""
    # Stopping does not wait out requests held by a "slow" fault (up to slow_s, 20 s by default): after a
    # second they are cut, as a real service's would be by a restart. aiohttp waits 60 s by default.
    runner = web.AppRunner(create_app(config), access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    return runner


def bound_url(runner: web.AppRunner) -> str:
    sockets = [s for site in runner.sites for s in (site._server.sockets if site._server else [])]  # type: ignore[attr-defined]
    host, port = sockets[0].getsockname()[:2]
    return f"http://{host}:{port}"
