"""Settings: a TOML file, overridden by environment variables, validated by pydantic.

Secrets (IMA key, bot tokens, app secrets) are read from the environment only, so a config file
can be shared or committed without leaking anything.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

PRODUCTION_BASE_URL = "https://api.imastudio.com"
PRODUCTION_UPLOAD_URL = "https://imapi.liveme.com"
ENV_PREFIX = "IMA_BOT_"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IMASettings(_Section):
    api_key: SecretStr | None = Field(default=None, exclude=True)
    base_url: str = PRODUCTION_BASE_URL
    upload_url: str = PRODUCTION_UPLOAD_URL
    language: str = Field(default="en", pattern="^(en|zh)$")
    timeout_s: float = Field(default=15.0, gt=0)
    catalogue_ttl_s: float = Field(default=600.0, ge=0)
    upload_max_bytes: int = Field(default=20 * 1024 * 1024, gt=0)


class BotSettings(_Section):
    data_dir: Path = Path("./ima-bot-data")
    time_scale: float = Field(default=1.0, gt=0,
                              description="multiplies every estimated time; tests use a small one")
    max_active_per_user: int = Field(default=3, ge=1)
    max_active_total: int = Field(default=1000, ge=1)
    cheaper_hint_above: int = Field(default=50, ge=0)
    confirm_above: int = Field(default=100, ge=0)
    retention_days: int = Field(default=7, ge=1)
    max_prompt_chars: int = Field(default=2000, ge=1)
    log_level: str = "INFO"
    check_concurrency: int = Field(default=32, ge=1)
    daily_budget_user: int = Field(default=0, ge=0,
                                   description="credits per user per day (UTC); 0 = no limit")
    daily_budget_server: int = Field(default=0, ge=0,
                                     description="credits per server / tenant per day (UTC); 0 = no limit")
    disabled_types: list[str] = Field(default_factory=list,
                                      description="media an admin switched off: image, video, music")
    admin_ids: list[str] = Field(default_factory=list,
                                 description="platform user ids allowed to use admin commands (Feishu)")
    instance_id: str = Field(default="",
                             description="this instance's name in task leases; default: host name and pid")
    lease_s: float = Field(default=30.0, gt=0,
                           description="with a shared database: takeover time after an instance dies")
    reply_order_wait_s: float = Field(default=2.0, ge=0,
                                      description="how long a message's first reply waits for the first "
                                                  "reply to the same person's previous message in that chat")


class SandboxSettings(_Section):
    enabled: bool | None = None  # None: on when no IMA key is configured
    host: str = "127.0.0.1"
    port: int = Field(default=0, ge=0, le=65535)
    time_scale: float | None = Field(default=None, gt=0)
    starting_points: int = Field(default=100_000, ge=0)


class WebSettings(_Section):
    enabled: bool = True
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    allowed_hosts: list[str] = Field(default_factory=list,
                                     description="names the page may be opened under besides this machine's")
    # required off loopback: every chat must present it
    access_token: SecretStr | None = Field(default=None, exclude=True)
    admin_token: SecretStr | None = Field(default=None, exclude=True)  # default: a fresh one printed at start


class ListenSettings(_Section):
    """Applies to every listener (web chat, health, Feishu webhook): slow or idle clients are cut off."""

    idle_timeout_s: float = Field(default=15.0, gt=0,
                                  description="a connection that sends no complete request in this long is "
                                              "closed")
    max_connections: int = Field(default=256, ge=1, description="per listener; more are refused at once")


class OpsSettings(_Section):
    enabled: bool = True
    host: str = "127.0.0.1"
    port: int = Field(default=9108, ge=0, le=65535)


class DiscordSettings(_Section):
    enabled: bool = False
    token: SecretStr | None = Field(default=None, exclude=True)
    guild_allowlist: list[int] = Field(default_factory=list)
    dev_guild: int | None = None
    api_base: str | None = None  # another Discord REST base (a proxy or a stand-in); default: discord.com
    gateway_url: str | None = None  # another gateway; default: Discord's
    # privileged intent: read messages that do not mention the bot (portal switch too)
    message_content: bool = False
    shard_count: int | None = Field(default=None, ge=1,
                                    description="shards of the whole bot; unset: Discord's recommendation")
    shard_ids: list[int] | None = Field(default=None,
                                        description="the shards this instance runs; unset: all of them")

    @model_validator(mode="after")
    def _shards_fit(self) -> DiscordSettings:
        """The gateway refuses a shard id outside 0..count-1 (close 4010): say so at start-up instead."""
        if self.shard_ids is None:
            return self
        if self.shard_count is None:
            raise ValueError("shard_ids needs shard_count (the total number of shards across every instance)")
        if not self.shard_ids or len(set(self.shard_ids)) != len(self.shard_ids):
            raise ValueError("shard_ids must list each shard of this instance once")
        if any(not 0 <= i < self.shard_count for i in self.shard_ids):
            raise ValueError(f"shard_ids must be between 0 and shard_count - 1 ({self.shard_count - 1})")
        return self


class FeishuSettings(_Section):
    enabled: bool = False
    app_id: str = ""
    app_secret: SecretStr | None = Field(default=None, exclude=True)
    encrypt_key: SecretStr | None = Field(default=None, exclude=True)
    verification_token: SecretStr | None = Field(default=None, exclude=True)
    domain: str = "https://open.feishu.cn"
    receive: str = Field(default="long_connection", pattern="^(long_connection|webhook)$")
    webhook_host: str = "127.0.0.1"  # put a TLS reverse proxy in front, or set 0.0.0.0 deliberately
    webhook_port: int = Field(default=8090, ge=0, le=65535)
    group_needs_mention: bool = True


class DatabaseSettings(_Section):
    """Unset: one SQLite file in ``bot.data_dir`` (one instance). A ``postgresql://`` URL: shared by
    instances."""

    url: SecretStr | None = Field(default=None, exclude=True)

    @field_validator("url")
    @classmethod
    def _postgres_only(cls, value: SecretStr | None) -> SecretStr | None:
        text = value.get_secret_value().strip() if value is not None else ""
        if text and not text.startswith(("postgresql://", "postgres://")):
            raise ValueError("must be a postgresql:// URL (leave it unset for the SQLite file)")
        return value

    @property
    def postgres_url(self) -> str | None:
        text = self.url.get_secret_value().strip() if self.url is not None else ""
        return text or None


class Settings(_Section):
    ima: IMASettings = IMASettings()
    database: DatabaseSettings = DatabaseSettings()
    bot: BotSettings = BotSettings()
    sandbox: SandboxSettings = SandboxSettings()
    web: WebSettings = WebSettings()
    ops: OpsSettings = OpsSettings()
    listen: ListenSettings = ListenSettings()
    discord: DiscordSettings = DiscordSettings()
    feishu: FeishuSettings = FeishuSettings()

    def secrets(self) -> list[str]:
        """Every secret value, so logs can be scrubbed of them."""
        values = [self.ima.api_key, self.database.url, self.discord.token, self.feishu.app_secret,
                  self.feishu.encrypt_key,
                  self.feishu.verification_token, self.web.access_token, self.web.admin_token]
        return [v.get_secret_value() for v in values if v is not None]

    @property
    def use_sandbox(self) -> bool:
        if self.sandbox.enabled is not None:
            return self.sandbox.enabled
        return self.ima.api_key is None


_SECRET_ENV = {
    ("ima", "api_key"): "IMA_API_KEY",
    ("database", "url"): "IMA_BOT_DATABASE_URL",  # may carry a password
    ("discord", "token"): "DISCORD_TOKEN",
    ("feishu", "app_secret"): "FEISHU_APP_SECRET",
    ("feishu", "encrypt_key"): "FEISHU_ENCRYPT_KEY",
    ("feishu", "verification_token"): "FEISHU_VERIFICATION_TOKEN",
    ("web", "access_token"): "IMA_BOT_WEB_ACCESS_TOKEN",
    ("web", "admin_token"): "IMA_BOT_WEB_ADMIN_TOKEN",
}
_PLAIN_ENV = {
    ("ima", "base_url"): "IMA_BASE_URL",
    ("ima", "upload_url"): "IMA_UPLOAD_URL",
    ("feishu", "app_id"): "FEISHU_APP_ID",
}
_SECRETS = set(_SECRET_ENV)


class ConfigError(Exception):
    """Start-up stops with this; the message names the key and what it expects."""


def load_settings(path: str | Path | None = None, env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    data: dict[str, Any] = {}
    if path is not None:
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except FileNotFoundError as exc:
            raise ConfigError(f"config file not found: {path}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
    for section, values in data.items():
        if isinstance(values, dict):
            for key in values:
                if (section, key) in _SECRETS:
                    raise ConfigError(f"{section}.{key} is a secret: set it in the environment "
                                      f"({_SECRET_ENV[(section, key)]}), not in the file")
    for (section, key), var in {**_SECRET_ENV, **_PLAIN_ENV}.items():
        if env.get(var):
            data.setdefault(section, {})[key] = env[var]
    for var, value in env.items():
        if not var.startswith(ENV_PREFIX):
            continue
        rest = var[len(ENV_PREFIX):].lower()
        section, _, key = rest.partition("_")
        if section in Settings.model_fields and key:
            data.setdefault(section, {})[key] = _env_value(value)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        secret = tuple(str(p) for p in first["loc"][:2]) in _SECRETS  # never echo a secret, even a wrong one
        got = "" if secret else f" (got {first.get('input')!r})"
        raise ConfigError(f"invalid setting {where}: {first['msg']}{got}") from exc


def _env_value(value: str) -> Any:
    lowered = value.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if value.startswith("["):
        try:
            import json

            return json.loads(value)
        except ValueError:
            return value
    return value
