"""Running it for real: config, Docker, spending limits, admin, health, metrics, logs (issue 9)."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import aiohttp
import pytest
from pydantic import BaseModel

from core.config import ConfigError, Settings, load_settings
from fakes import free_port
from sandbox.app import SandboxConfig

from .conftest import TEST_KEY, until
from .test_conversation import SCALE, finals, press, say

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    return SandboxConfig(time_scale=SCALE, seed=41)


# ── config ────────────────────────────────────────────────────────────────────────────────────
def _fields(model: type[BaseModel], prefix: str = "") -> set[str]:
    out = set()
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            out |= _fields(annotation, f"{name}.")
        elif not info.exclude:
            out.add(prefix + name)
    return out


def test_the_example_config_documents_every_setting_and_loads():
    text = (ROOT / "config.example.toml").read_text()
    documented = set()
    section = ""
    for line in text.splitlines():
        if m := re.match(r"^\[(\w+)\]", line):
            section = m.group(1)
        elif m := re.match(r"^#?\s*(\w+)\s*=", line):
            documented.add(f"{section}.{m.group(1)}")
    assert _fields(Settings) <= documented, _fields(Settings) - documented
    settings = load_settings(ROOT / "config.example.toml", env={})
    assert settings.web.port == 8080 and settings.use_sandbox


def test_invalid_config_names_the_key_and_the_expected_value(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[bot]\nmax_active_per_user = 0\n")
    with pytest.raises(ConfigError, match=r"bot\.max_active_per_user.*greater than or equal to 1"):
        load_settings(bad, env={})
    secret = tmp_path / "secret.toml"
    secret.write_text('[ima]\napi_key = "ima_oops"\n')
    with pytest.raises(ConfigError, match="IMA_API_KEY"):
        load_settings(secret, env={})
    env = {"IMA_API_KEY": "ima_from_env", "IMA_BOT_BOT_TIME_SCALE": "0.5",
           "IMA_BOT_DISCORD_GUILD_ALLOWLIST": "[1, 2]"}
    settings = load_settings(None, env=env)
    assert settings.ima.api_key.get_secret_value() == "ima_from_env" and not settings.use_sandbox
    assert settings.bot.time_scale == 0.5 and settings.discord.guild_allowlist == [1, 2]
    assert "ima_from_env" not in repr(settings) and "ima_from_env" not in settings.model_dump_json()
    done = subprocess.run([sys.executable, "-m", "bot.cli", "run", "--config", str(bad)], capture_output=True,
                          text=True, cwd=ROOT, timeout=30)
    assert done.returncode == 2 and "bot.max_active_per_user" in done.stderr


def test_the_dockerfile_runs_what_the_package_provides():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r'^CMD \["ima-bot", "run"\]', dockerfile, re.M)
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.M) and 'VOLUME ["/data"]' in dockerfile
    assert "HEALTHCHECK" in dockerfile and "/healthz" in dockerfile
    for source in re.findall(r"^COPY (\S+)", dockerfile, re.M):
        assert (ROOT / source).exists(), source
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["ima-bot"] == "bot.cli:main"
    settings = load_settings(None, env={"IMA_BOT_BOT_DATA_DIR": "/data", "IMA_BOT_OPS_HOST": "0.0.0.0"})
    assert (
        str(settings.bot.data_dir) == "/data" and settings.ops.port == 9108 and settings.ops.host == "0.0.0.0"
    )


# ── spending and admin ────────────────────────────────────────────────────────────────────────
async def test_user_budget_stops_requests_that_would_go_over_and_says_what_is_left(core, sandbox):
    core.conversation.settings.daily_budget_user = 12
    await say(core, "draw a red fox")  # 5 credits
    await finals(core)
    over = (await say(core, "use nano banana pro to draw a dragon"))[0]  # 10 more would make 15 > 12
    assert over.kind == "notice" and "you have 7 left today" in over.text and "resets in" in over.text
    assert len(sandbox.state.creates()) == 1
    zh = (await say(core, "用 nano banana pro 画一条龙"))[0]
    assert "只剩 7 积分" in zh.text and "重置" in zh.text


async def test_admin_commands_need_admin_rights_and_set_server_defaults_budgets_and_switches(core, sandbox):
    denied = (await say(core, "admin budget server 100", guild_id="g1"))[0]
    assert denied.kind == "denied"
    set_default = (await say(core, "admin default video Kling O1", guild_id="g1", is_admin=True))[0]
    assert "Kling O1" in set_default.text
    started = (await say(core, "a video of a sunrise", user="member", guild_id="g1"))[0]
    # server default beats the recommended Wan 2.6
    assert started.kind == "status" and "Kling O1" in started.text
    elsewhere = (await say(core, "a video of a sunrise", user="member", guild_id="g2"))[0]
    assert "Wan 2.6" in elsewhere.text
    await say(core, "always use vidu q2 for videos", user="member2", guild_id="g1")
    own = (await say(core, "a video of a sunset", user="member2", guild_id="g1"))[0]
    assert "Vidu Q2" in own.text  # a member's own preference comes before the server default
    off = (await say(core, "admin disable video", guild_id="g1", is_admin=True))[0]
    assert "switched off" in off.text
    refused = (await say(core, "a video of rain", user="member3", guild_id="g1"))[0]
    assert "switched off" in refused.text
    await say(core, "admin budget server 60", guild_id="g1", is_admin=True)
    await finals(core, 3, limit_s=40)
    over = (await say(core, "use nano banana pro to draw a cat", user="member4", guild_id="g1"))[0]
    assert "this server has" in over.text
    usage = (await say(core, "admin usage", guild_id="g1", is_admin=True))[0]
    assert "member" in usage.text and "kling-video-o1" in usage.text and "viduq2" in usage.text


async def test_forget_me_deletes_what_is_stored_about_the_user_once_they_press_delete(core):
    await say(core, "always use nano banana pro")
    await say(core, "draw a kite")
    await finals(core)
    question = (await say(core, "forget me"))[0]
    refused = await press(core, question, 0, user="u2")  # someone else's button
    assert refused is not None and refused.kind == "denied"
    assert await core.store.preferences("test", "u1") != {}
    done = await press(core, question, 0)
    assert done is not None and "deleted" in done.text
    assert await core.store.preferences("test", "u1") == {}
    assert await core.store.user_tasks("test", "u1") == []


async def test_health_and_metrics_after_a_task(core):
    from aiohttp import web

    from bot.ops import create_ops_app

    runner = web.AppRunner(create_ops_app(core))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    await say(core, "draw a red fox")
    await finals(core)
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://{host}:{port}/healthz") as resp:
            body = await resp.json()
            assert resp.status == 200 and body["checks"] == {"ima": True, "database": True,
                                                             "adapter:test": True}
            assert body["store"]["backend"] == "sqlite" and body["store"]["shared"] is False
        async with http.get(f"http://{host}:{port}/metrics") as resp:
            text = await resp.text()
    await runner.cleanup()
    assert 'ima_bot_tasks_total{model="doubao-seedream-4.5",state="done",type="text_to_image"} 1.0' in text
    assert 'ima_bot_ima_calls_total{op="create"} 1.0' in text
    assert "ima_bot_time_to_result_seconds_count" in text and "ima_bot_tasks_watching 0.0" in text


async def test_healthz_says_replicas_share_one_postgresql_and_which_replica_answered(sandbox, tmp_path,
                                                                                       pg_url):
    """What an operator checks after `docker compose up`: both replicas healthy, on one shared database."""
    from aiohttp import web

    from bot.ops import create_ops_app
    from core.config import Settings
    from core.service import CoreService

    bodies = []
    for name in ("bot-1", "bot-2"):
        settings = Settings.model_validate({"bot": {"data_dir": str(tmp_path / name), "instance_id": name,
                                                    "time_scale": sandbox.config.time_scale},
                                            "database": {"url": pg_url}})
        service = await CoreService.open(settings, api_key=TEST_KEY, base_url=sandbox.url,
                                         upload_url=sandbox.url)
        await service.start()
        runner = web.AppRunner(create_ops_app(service))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        try:
            async with aiohttp.ClientSession() as http, http.get(f"http://{host}:{port}/healthz") as resp:
                bodies.append((resp.status, await resp.json()))
        finally:
            await runner.cleanup()
            await service.close()
    for (status, body), name in zip(bodies, ("bot-1", "bot-2"), strict=True):
        assert status == 200 and body["ok"] and body["checks"]["database"], body
        assert body["store"] == {"backend": "postgresql", "shared": True, "instance": name}
    assert pg_url.split("@")[-1] not in json.dumps(bodies)  # where the database is stays private


async def test_logs_are_json_and_never_contain_the_key_or_the_prompt(tmp_path):
    key, prompt = "ima_supersecretkey_0042", "a purple giraffe named Zorblax"
    port = free_port()
    sandbox = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "sandbox", "--port",
                                                   str(port), "--time-scale", "0.02",
                                                   "--key", key, cwd=ROOT, stdout=asyncio.subprocess.PIPE)
    await asyncio.wait_for(sandbox.stdout.readline(), 20)
    env = {**os.environ, "IMA_API_KEY": key, "IMA_BASE_URL": f"http://127.0.0.1:{port}", "IMA_UPLOAD_URL": f"http://127.0.0.1:{port}",
           "IMA_BOT_BOT_LOG_LEVEL": "DEBUG", "IMA_BOT_BOT_TIME_SCALE": "0.02", "PYTHONPATH": str(ROOT)}
    chat = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "chat", "--data-dir",
                                                str(tmp_path),
                                                cwd=ROOT, env=env, stdin=asyncio.subprocess.PIPE,
                                                stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(chat.communicate(f"draw {prompt}\n".encode()), 60)
    sandbox.terminate()
    await sandbox.wait()
    assert chat.returncode == 0 and "Your image is ready" in out.decode()
    logs = err.decode()
    lines = [json.loads(line) for line in logs.splitlines() if line.strip()]
    assert lines, "DEBUG logging produced records"
    assert all("event" in entry and "level" in entry for entry in lines)
    assert key not in logs and "Zorblax" not in logs and "giraffe" not in logs


async def test_old_usage_and_finished_tasks_are_purged_running_ones_kept(core):
    await say(core, "draw a red fox")
    await finals(core)
    await say(core, "use kling o1 to make a video of a storm")
    await until(lambda: core.manager.watching == 1, what="the video created, its usage recorded and watched")
    store = core.store
    old = 9 * 86400
    await store._db.execute("UPDATE tasks SET created_at = created_at - ?", (old,))
    await store._db.execute("UPDATE usage_events SET at = at - ?", (old,))
    removed = await core.purge()
    assert removed >= 2
    remaining = await store.user_tasks("test", "u1")
    assert [t.model_id for t in remaining] == ["kling-video-o1"]  # still running: kept
    assert await store.usage_since(0) == 0


def test_log_scrubber_hides_keys_but_keeps_module_paths_readable():
    """An operator reading a traceback must see where it happened; only the key itself is hidden."""
    import io
    import logging

    from core.logs import setup_logging

    stream = io.StringIO()
    key = "ima_operator_key_7781"
    setup_logging("INFO", [key], stream=stream)
    try:
        raise RuntimeError(f"core/ima_client.py: upload refused for appUid={key} and ima_otherkey123 with "
                           f"content-disposition set")
    except RuntimeError:
        logging.getLogger("core.ima_client").exception("request failed")
    logging.getLogger().handlers.clear()
    record = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert key not in stream.getvalue() and "ima_otherkey123" not in stream.getvalue()
    assert record["logger"] == "core.ima_client"
    assert (
        "core/ima_client.py: upload" in record["exception"] and "content-disposition" in record["exception"]
    )
