"""Discord adapter (discord.py 2.x): slash commands, mentions, buttons."""

from .adapter import DiscordAdapter, DiscordPlatform, ShardedDiscordAdapter, adapter_for

__all__ = ["DiscordAdapter", "DiscordPlatform", "ShardedDiscordAdapter", "adapter_for"]
