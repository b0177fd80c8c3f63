"""Feishu / Lark adapter (lark-oapi): mentions and direct messages, interactive cards updated in place."""

from .adapter import FeishuAdapter, FeishuPlatform

__all__ = ["FeishuAdapter", "FeishuPlatform"]
