"""Chat adapters (Discord, Feishu, web chat, terminal) and the `ima-bot` command."""
