"""One error taxonomy for everything that can go wrong talking to IMA.

Every failure the client sees becomes an :class:`IMAError` with an :class:`ErrorKind`, so the
layers above (task manager, conversation, views) decide on retries and wording by kind only and
never look at HTTP statuses or IMA codes.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorKind(StrEnum):
    AUTH = "auth"
    RATE_LIMITED = "rate_limited"
    BAD_REQUEST = "bad_request"
    UNAVAILABLE = "unavailable"
    CREDIT_MISMATCH = "credit_mismatch"
    ATTRIBUTE_MISMATCH = "attribute_mismatch"
    INVALID_ATTRIBUTE = "invalid_attribute"
    INSUFFICIENT_POINTS = "insufficient_points"
    MODERATION = "moderation"
    TIMEOUT = "timeout"
    NETWORK = "network"
    UNREACHABLE = "unreachable"  # no connection could be made: the request provably never reached IMA
    GENERATION_FAILED = "generation_failed"
    TASK_FAILED = "task_failed"
    DELETED = "deleted"
    TIMED_OUT = "timed_out"
    INTERRUPTED = "interrupted"
    TASK_LOST = "task_lost"  # IMA no longer knows a task it accepted (e.g. after a restart on its side)
    UNCONFIRMED = "unconfirmed"  # a create whose answer never came: it may or may not have started
    UNKNOWN = "unknown"


#: Kinds worth trying again on the same request (the call may not have reached IMA, or IMA asked us to wait).
TRANSIENT = frozenset({ErrorKind.RATE_LIMITED, ErrorKind.UNAVAILABLE, ErrorKind.TIMEOUT, ErrorKind.NETWORK,
                       ErrorKind.UNREACHABLE})


class IMAError(Exception):
    """A failure from IMA or on the way to it. ``retry_after_s`` is set for rate limits."""

    def __init__(self, kind: ErrorKind, message: str = "", *, retry_after_s: float | None = None,
                 code: int | None = None, status: int | None = None) -> None:
        super().__init__(f"{kind}: {message}" if message else str(kind))
        self.kind = kind
        self.message = message
        self.retry_after_s = retry_after_s
        self.code = code
        self.status = status

    @property
    def transient(self) -> bool:
        return self.kind in TRANSIENT


class UploadRejected(Exception):
    """A file we refuse to send to IMA (wrong type, too large) — raised before any network call."""

    def __init__(self, reason: str, *, limit_bytes: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason  # "type" | "size"
        self.limit_bytes = limit_bytes


class NoMatchingRule(Exception):
    """The requested options fit none of a model's credit rules.

    ``supported`` maps each option the model prices on to the values it does accept, so the
    conversation layer can turn the refusal into an offer.
    """

    def __init__(self, model_id: str, requested: dict[str, str], supported: dict[str, list[str]]) -> None:
        super().__init__(f"no credit rule of {model_id} fits {requested}")
        self.model_id = model_id
        self.requested = requested
        self.supported = supported


def classify(status: int, code: int | None, message: str) -> ErrorKind:
    """Map an HTTP status plus IMA's body code and message to a kind."""
    text = (message or "").lower()
    if code == 6006:
        return ErrorKind.CREDIT_MISMATCH
    if code == 6010 or "does not match" in text:
        return ErrorKind.ATTRIBUTE_MISMATCH
    if "insufficient points" in text:
        return ErrorKind.INSUFFICIENT_POINTS
    if "invalid product attribute" in text:
        return ErrorKind.INVALID_ATTRIBUTE
    if "moderation" in text or "sensitive" in text:
        return ErrorKind.MODERATION
    if status == 401 or code == 401:
        return ErrorKind.AUTH
    if status == 429 or code == 429:
        return ErrorKind.RATE_LIMITED
    if status in (502, 503, 504) or code == 503:
        return ErrorKind.UNAVAILABLE
    if status >= 500:
        return ErrorKind.UNAVAILABLE
    if status == 400 or code == 400:
        return ErrorKind.BAD_REQUEST
    return ErrorKind.UNKNOWN
