"""The one place that talks to IMA: builds URLs and headers, maps every failure to an IMAError.

One aiohttp session, a timeout on every call, the catalogue cached per (category, language) with
single-flight refreshes, and uploads validated before any byte leaves the machine.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp

from .catalogue import Catalogue, Quote, parse_tree
from .errors import ErrorKind, IMAError, UploadRejected, classify
from .task_status import TaskOutcome, parse_detail

log = logging.getLogger(__name__)

APP_SOURCE = "ima_skills"
UPLOAD_APP_ID = "webAgent"
# public client id of IMA's upload service, not a secret (the spec says so)
UPLOAD_APP_KEY = "32jdskjdk320eew"

#: What users may attach, by content type → (fType, fSuffix).
UPLOAD_TYPES: dict[str, tuple[str, str]] = {
    "image/jpeg": ("picture", "jpeg"),
    "image/png": ("picture", "png"),
    "image/webp": ("picture", "webp"),
    "image/gif": ("picture", "gif"),
    "video/mp4": ("video", "mp4"),
    "audio/mpeg": ("audio", "mp3"),
}


def sniff_content_type(data: bytes) -> str | None:
    """Trust the bytes, not the file name: chat users rename PDFs to .png."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[4:8] == b"ftyp":
        return "video/mp4"
    if data.startswith(b"ID3") or data[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"
    return None


def upload_sign(timestamp: str, nonce: str) -> str:
    raw = f"{UPLOAD_APP_ID}|{UPLOAD_APP_KEY}|{timestamp}|{nonce}"
    return hashlib.sha1(raw.encode()).hexdigest().upper()


#: Create refusals that mean our copy of the catalogue no longer matches IMA's.
PRICE_CHANGED = frozenset({ErrorKind.CREDIT_MISMATCH, ErrorKind.ATTRIBUTE_MISMATCH,
                           ErrorKind.INVALID_ATTRIBUTE})


@dataclass(frozen=True)
class CreatedTask:
    task_id: str
    created_at_ms: int | None
    timeout_at_ms: int | None


class _CatalogueCache:
    """TTL cache with single-flight loads and stale-on-error."""

    def __init__(self, ttl_s: float) -> None:
        self.ttl_s = ttl_s
        self._entries: dict[tuple[str, str], tuple[float, Catalogue]] = {}
        self._inflight: dict[tuple[str, str], asyncio.Future[Catalogue]] = {}

    def fresh(self, key: tuple[str, str]) -> Catalogue | None:
        """The cached catalogue if it is still fresh, without waiting for anything."""
        entry = self._entries.get(key)
        return entry[1] if entry and time.monotonic() - entry[0] < self.ttl_s else None

    async def get(self, key: tuple[str, str], load: Callable[[], Awaitable[Catalogue]]) -> Catalogue:
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry and now - entry[0] < self.ttl_s:
            return entry[1]
        pending = self._inflight.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Catalogue] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            value = await load()
        except IMAError as exc:
            if entry is not None:
                log.warning("catalogue refresh failed, serving the last good one", extra={"kind": exc.kind})
                future.set_result(entry[1])
                return entry[1]
            future.set_exception(exc)
            future.exception()  # mark retrieved: waiters re-raise it themselves
            raise
        else:
            self._entries[key] = (time.monotonic(), value)
            future.set_result(value)
            return value
        finally:
            self._inflight.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()

    def drop(self, category: str) -> None:
        """Forget one category in every language (IMA said its prices or rules changed)."""
        for key in [k for k in self._entries if k[0] == category]:
            del self._entries[key]


class RateGate:
    """One gate for every call to one IMA service: a 429's Retry-After holds back every task, not only the
    caller.

    IMA limits per key, so a task that keeps calling while another was told to wait only earns more 429s.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._open_at = 0.0

    def close_for(self, seconds: float) -> None:
        self._open_at = max(self._open_at, self._clock() + max(0.0, seconds))

    @property
    def wait_s(self) -> float:
        return max(0.0, self._open_at - self._clock())

    async def passage(self) -> None:
        """Wait until the gate is open (it may be closed again meanwhile by another 429)."""
        while (delay := self.wait_s) > 0:  # noqa: ASYNC110 - sleeps exactly until the gate opens
            await asyncio.sleep(delay)


class IMAClient:
    """Async client of the IMA Open API and its upload service."""

    def __init__(self, api_key: str, *, base_url: str, upload_url: str, timeout_s: float = 15.0,
                 catalogue_ttl_s: float = 600.0, upload_max_bytes: int = 20 * 1024 * 1024,
                 language: str = "en", session: aiohttp.ClientSession | None = None) -> None:
        self._key = api_key
        self.base_url = base_url.rstrip("/")
        self.upload_url = upload_url.rstrip("/")
        self.timeout = aiohttp.ClientTimeout(total=timeout_s)
        self.language = language
        self.upload_max_bytes = upload_max_bytes
        self._session = session
        self._own_session = session is None
        self._cache = _CatalogueCache(catalogue_ttl_s)
        self._gates: dict[str, RateGate] = {}
        self.calls: dict[str, int] = {}
        # (operation, error kind or None), for metrics
        self.observer: Callable[[str, str | None], None] | None = None

    def __repr__(self) -> str:  # never show the key
        return f"IMAClient(base_url={self.base_url!r})"

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
            self._own_session = True
        return self._session

    async def close(self) -> None:
        if self._own_session and self._session is not None and not self._session.closed:
            await self._session.close()

    async def __aenter__(self) -> IMAClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _headers(self, language: str | None) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self._key}",
            "x-app-source": APP_SOURCE,
            "x_app_language": language or self.language,
        }

    def gate(self, url: str) -> RateGate:
        """The shared gate of the service ``url`` belongs to (the Open API or the upload service)."""
        service = (
            self.upload_url
            if url.startswith(self.upload_url) and self.upload_url != self.base_url
            else self.base_url
        )
        return self._gates.setdefault(service, RateGate())

    async def _call(self, op: str, method: str, url: str, *, language: str | None = None,
                    params: Mapping[str, str] | None = None, json: Any = None) -> Any:
        gate = self.gate(url)
        await gate.passage()
        self.calls[op] = self.calls.get(op, 0) + 1
        try:
            result = await self._request(op, method, url, language=language, params=params, json=json)
        except IMAError as exc:
            if exc.kind is ErrorKind.RATE_LIMITED:
                gate.close_for(exc.retry_after_s or 1.0)
            if self.observer:
                self.observer(op, exc.kind.value)
            raise
        if self.observer:
            self.observer(op, None)
        return result

    async def _request(self, op: str, method: str, url: str, *, language: str | None,
                       params: Mapping[str, str] | None, json: Any) -> Any:
        try:
            async with self.session.request(method, url, params=params, json=json,
                                            headers=self._headers(language), timeout=self.timeout) as resp:
                try:
                    body = await resp.json(content_type=None)
                except ValueError:
                    body = None
                return self._unwrap(resp, body)
        except TimeoutError as exc:
            raise IMAError(ErrorKind.TIMEOUT, f"{op} timed out") from exc
        except aiohttp.ClientConnectorError as exc:  # refused, no route, no name: nothing was sent
            raise IMAError(ErrorKind.UNREACHABLE, f"{op}: {type(exc).__name__}") from exc
        except aiohttp.ClientError as exc:
            raise IMAError(ErrorKind.NETWORK, f"{op}: {type(exc).__name__}") from exc

    @staticmethod
    def _unwrap(resp: aiohttp.ClientResponse, body: Any) -> Any:
        code = body.get("code") if isinstance(body, dict) else None
        message = str(body.get("message") or body.get("msg") or "") if isinstance(body, dict) else ""
        if resp.status >= 400 or (code not in (None, 0, 200)):
            retry_after = None
            if resp.status == 429 or code == 429:
                try:
                    retry_after = float(resp.headers.get("Retry-After", "1"))
                except ValueError:
                    retry_after = 1.0
            raise IMAError(classify(resp.status, code if isinstance(code, int) else None, message), message,
                           retry_after_s=retry_after, code=code if isinstance(code, int) else None,
                           status=resp.status)
        if isinstance(body, dict) and "data" in body:
            return body["data"]
        return body

    # ── catalogue ────────────────────────────────────────────────────────────────────────────
    def cached_catalogue(self, category: str, language: str | None = None) -> Catalogue | None:
        """The catalogue if a fresh copy is cached (None: ask :meth:`catalogue`); every message reads all six,
        and this skips the coroutines for them."""
        return self._cache.fresh((category, language or self.language))

    async def catalogue(self, category: str, language: str | None = None) -> Catalogue:
        lang = language or self.language

        async def load() -> Catalogue:
            data = await self._call("product_list", "GET", f"{self.base_url}/open/v1/product/list",
                                    language=lang,
                                    params={"app": "ima", "platform": "web", "category": category})
            return Catalogue(category, tuple(parse_tree(category, data or [])))

        return await self._cache.get((category, lang), load)

    async def reachable(self, timeout_s: float = 3.0) -> bool:
        """Whether IMA answers a real (uncached) request now, within ``timeout_s``: for /healthz."""
        try:
            await asyncio.wait_for(self._call("product_list", "GET", f"{self.base_url}/open/v1/product/list",
                                              language=self.language,
                                              params={"app": "ima", "platform": "web",
                                                      "category": "text_to_music"}), timeout_s)
            return True
        except Exception:
            return False

    def invalidate_catalogue(self, category: str | None = None) -> None:
        if category is None:
            self._cache.clear()
        else:
            self._cache.drop(category)

    # ── tasks ────────────────────────────────────────────────────────────────────────────────
    @staticmethod
    def build_create_payload(quote: Quote, prompt: str, input_images: Sequence[str] = ()) -> dict[str, Any]:
        model = quote.model
        inner: dict[str, Any] = dict(quote.params)
        inner.update({
            "prompt": prompt,
            "n": quote.n,
            "input_images": list(input_images),
            "cast": {"points": quote.points, "attribute_id": quote.rule.attribute_id},
        })
        src = list(input_images) if model.category != "text_to_image" and input_images else []
        return {
            "task_type": model.category,
            "enable_multi_model": False,
            "src_img_url": src,
            "upload_img_src": "",
            "parameters": [{
                "attribute_id": quote.rule.attribute_id,
                "model_id": model.model_id,
                "model_name": model.name,
                "model_version": model.model_version,
                "app": "ima",
                "platform": "web",
                "category": model.category,
                "credit": quote.points,
                "parameters": inner,
            }],
        }

    async def create_task(self, quote: Quote, prompt: str, input_images: Sequence[str] = (),
                          language: str | None = None) -> CreatedTask:
        payload = self.build_create_payload(quote, prompt, input_images)
        try:
            data = await self._call("create", "POST", f"{self.base_url}/open/v1/tasks/create", json=payload,
                                    language=language)
        except IMAError as exc:
            if exc.kind in PRICE_CHANGED:
                # the spec: rule ids and prices change often; whatever is asked next must be priced afresh
                self.invalidate_catalogue(quote.model.category)
            raise
        if not isinstance(data, dict) or not data.get("id"):
            raise IMAError(ErrorKind.UNKNOWN, "create answered without a task id")
        return CreatedTask(str(data["id"]), data.get("created_at"), data.get("timeout_at"))

    async def task_detail(self, task_id: str, expected: int = 1) -> TaskOutcome:
        """The task's state; ``expected`` is how many results were ordered (fewer listed means not done
        yet)."""
        data = await self._call("detail", "POST", f"{self.base_url}/open/v1/tasks/detail",
                                json={"task_id": task_id})
        return parse_detail(data if isinstance(data, dict) else {}, expected)

    # ── uploads ──────────────────────────────────────────────────────────────────────────────
    def check_upload(self, data: bytes, allowed: Sequence[str] = ("picture",)) -> str:
        """Validate a file before any network call; returns its content type."""
        content_type = sniff_content_type(data)
        if content_type is None or UPLOAD_TYPES[content_type][0] not in allowed:
            raise UploadRejected("type")
        if len(data) > self.upload_max_bytes:
            raise UploadRejected("size", limit_bytes=self.upload_max_bytes)
        return content_type

    async def upload(self, data: bytes | str, allowed: Sequence[str] = ("picture",)) -> str:
        """Upload bytes to IMA's storage and return the download URL; an https URL passes through."""
        if isinstance(data, str):
            if data.startswith("https://"):
                return data
            raise UploadRejected("type")
        content_type = self.check_upload(data, allowed)
        f_type, suffix = UPLOAD_TYPES[content_type]
        timestamp = str(int(time.time()))
        nonce = uuid.uuid4().hex[:21]
        params = {
            "appUid": self._key, "appId": UPLOAD_APP_ID, "appKey": UPLOAD_APP_KEY, "cmimToken": self._key,
            "sign": upload_sign(timestamp, nonce), "timestamp": timestamp, "nonce": nonce,
            "fService": "privite", "fType": f_type, "fSuffix": suffix, "fContentType": content_type,
        }
        token = await self._call("upload_token", "GET", f"{self.upload_url}/api/rest/oss/getuploadtoken",
                                 params=params)
        if not isinstance(token, dict) or not token.get("ful") or not token.get("fdl"):
            raise IMAError(ErrorKind.UNKNOWN, "upload token without urls")
        self.calls["upload_put"] = self.calls.get("upload_put", 0) + 1
        try:
            async with self.session.put(token["ful"], data=data, headers={"Content-Type": content_type},
                                        timeout=self.timeout) as resp:
                if resp.status >= 400:
                    raise IMAError(classify(resp.status, None, ""), "upload rejected", status=resp.status)
        except TimeoutError as exc:
            raise IMAError(ErrorKind.TIMEOUT, "upload timed out") from exc
        except aiohttp.ClientError as exc:
            raise IMAError(ErrorKind.NETWORK, f"upload: {type(exc).__name__}") from exc
        return str(token["fdl"])

    async def fetch_bytes(self, url: str, max_bytes: int = 50 * 1024 * 1024) -> bytes:
        """Download a result (adapters attach it inline)."""
        try:
            async with self.session.get(url, timeout=self.timeout) as resp:
                if resp.status >= 400:
                    raise IMAError(classify(resp.status, None, ""), "download failed", status=resp.status)
                body = await resp.content.read(max_bytes + 1)
                if len(body) > max_bytes:
                    raise IMAError(ErrorKind.UNKNOWN, "download too large")
                return body
        except TimeoutError as exc:
            raise IMAError(ErrorKind.TIMEOUT, "download timed out") from exc
        except aiohttp.ClientError as exc:
            raise IMAError(ErrorKind.NETWORK, f"download: {type(exc).__name__}") from exc
