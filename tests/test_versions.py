"""The platform libraries' version floors (issue 17): what pyproject.toml pins is what the code relies on."""

from __future__ import annotations

import inspect
import tomllib
from importlib.metadata import version
from pathlib import Path

import discord
import lark_oapi
import lark_oapi.ws.client as lark_ws
from discord import app_commands
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def requirement(name: str) -> Requirement:
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    return next(r for r in map(Requirement, dependencies) if r.name.lower() == name)


def floor(req: Requirement) -> Version:
    return min(Version(s.version) for s in req.specifier if s.operator in (">=", "~=", "=="))


def test_discord_py_floor_is_the_first_version_with_what_the_adapter_uses():
    req = requirement("discord.py")
    assert floor(req) == Version("2.6")
    assert req.specifier.contains(version("discord.py")), "the installed discord.py is inside the pin"
    # used by bot/discord: the interaction's own upload limit, server-only installs and contexts
    assert "filesize_limit" in discord.Interaction.__slots__
    assert {"guild", "user"} <= set(inspect.signature(app_commands.AppInstallationType).parameters)
    assert {"allowed_installs",
            "allowed_contexts"} <= set(inspect.signature(app_commands.CommandTree).parameters)


def test_lark_oapi_is_pinned_to_the_minor_version_whose_internals_the_shim_uses():
    req = requirement("lark-oapi")
    assert str(req.specifier) == "~=1.7.5", ("bot/feishu/sdk.py relies on 1.7.x internals: no minor upgrade "
                                             "unchecked")
    assert req.specifier.contains(version("lark-oapi"))
    # the private details bot/feishu/sdk.py names, present in the installed version
    assert hasattr(lark_ws, "loop") and hasattr(lark_ws, "_select")
    assert all(hasattr(lark_ws.Client, name) for name in ("_disconnect", "_connect", "start"))
    client = lark_ws.Client("cli_x", "secret")
    assert hasattr(client, "_conn") and hasattr(client, "_auto_reconnect")
    assert hasattr(lark_oapi.Client.builder(), "enable_set_token")
