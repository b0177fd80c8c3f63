"""Discord adapter (discord.py 2.x): slash commands, mentions, buttons."""

from .adapter import DiscordAdapter, DiscordPlatform

__all__ = ["DiscordAdapter", "DiscordPlatform"]
