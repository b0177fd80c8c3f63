"""The local web chat: a third adapter of the same core, served by aiohttp (no build step)."""

from .adapter import WebPlatform, create_web_app

__all__ = ["WebPlatform", "create_web_app"]
