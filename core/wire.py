"""IMA wire shapes, written down once (the JSON the Open API sends and accepts)."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict


class CreditRuleWire(TypedDict):
    attribute_id: int
    points: int
    attributes: dict[str, Any]


class FormOptionWire(TypedDict):
    label: str
    value: Any


class FormFieldWire(TypedDict):
    field: str
    type: NotRequired[str]
    value: Any
    options: NotRequired[list[FormOptionWire]]


class ProductNodeWire(TypedDict):
    id: str
    type: str  # "2" group, "3" version leaf
    name: str
    model_id: str
    children: NotRequired[list[ProductNodeWire]]
    credit_rules: NotRequired[list[CreditRuleWire]]
    form_config: NotRequired[list[FormFieldWire]]


class MediaWire(TypedDict, total=False):
    resource_status: int | None
    status: str
    url: str
    cover: str
    format: str
    width: int
    height: int


class TaskWire(TypedDict, total=False):
    id: str
    biz_id: str
    task_type: str
    medias: list[MediaWire]
    generate_count: int
    created_at: int
    timeout_at: int


class UploadTokenWire(TypedDict, total=False):
    ful: str
    fdl: str
    ful_expire: str
    fdl_expire: str
    fdl_key: str
