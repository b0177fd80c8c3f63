"""Discord's own rules, enforced by the fake (issue 17): what Discord refuses, and the bot living with it."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import discord
import pytest

from bot.discord import DiscordAdapter
from fakes.discord_server import APP_ID, CHANNEL_ID, HIDDEN_CHANNEL_ID, INTENT_MESSAGE_CONTENT

from . import test_discord_e2e as e2e
from .conftest import until
from .test_discord_e2e import Env, final

# the same bot against the same fake as the end-to-end tests
env, sandbox_config = e2e.env, e2e.sandbox_config

BUTTON = {"type": 2, "style": 2, "label": "ok", "custom_id": "a"}


def _row(*items: dict[str, Any]) -> dict[str, Any]:
    return {"type": 1, "components": list(items)}


def _button(i: int, label: str = "ok") -> dict[str, Any]:
    return {"type": 2, "style": 2, "label": label, "custom_id": f"b{i}"}


REFUSED_BODIES: list[tuple[str, dict[str, Any]]] = [
    ("content over 2,000", {"content": "x" * 2001}),
    ("11 embeds", {"embeds": [{"title": "t"}] * 11}),
    ("title over 256", {"embeds": [{"title": "t" * 257}]}),
    ("description over 4,096", {"embeds": [{"description": "d" * 4097}]}),
    ("26 fields", {"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]}),
    ("field value over 1,024", {"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]}),
    ("footer over 2,048", {"embeds": [{"footer": {"text": "f" * 2049}}]}),
    ("embeds over 6,000 in total", {"embeds": [{"description": "d" * 4000}, {"description": "d" * 2001}]}),
    ("6 action rows", {"components": [_row(_button(i)) for i in range(6)]}),
    ("6 buttons in a row", {"components": [_row(*(_button(i) for i in range(6)))]}),
    ("a select menu sharing its row",
     {"components": [_row({"type": 3, "custom_id": "m", "options": []}, _button(1))]}),
    ("duplicate custom ids", {"components": [_row(_button(1), _button(1))]}),
    ("label over 80", {"components": [_row(_button(1, "l" * 81))]}),
    ("custom id over 100", {"components": [_row({**BUTTON, "custom_id": "c" * 101})]}),
]


async def test_the_fake_refuses_what_discord_refuses(env: Env):
    fake = env.fake
    headers = {"Authorization": "Bot fake-bot-token"}
    async with aiohttp.ClientSession() as http:
        for what, body in REFUSED_BODIES:
            async with http.post(f"{fake.rest_base}/channels/{CHANNEL_ID}/messages", json=body,
                                 headers=headers) as resp:
                answer = await resp.json()
                assert (resp.status, answer["code"]) == (400, 50035), what
        # a file over the server's limit: 413 / 40005
        fake.server_upload_limit = 10
        form = aiohttp.FormData()
        form.add_field("payload_json", json.dumps({"content": "file"}), content_type="application/json")
        form.add_field("files[0]", b"x" * 11, filename="big.png")
        async with http.post(f"{fake.rest_base}/channels/{CHANNEL_ID}/messages", data=form,
                             headers=headers) as resp:
            assert (resp.status, (await resp.json())["code"]) == (413, 40005)
        # the bot token cannot post where the bot cannot see
        async with http.post(f"{fake.rest_base}/channels/{HIDDEN_CHANNEL_ID}/messages",
                             json={"content": "hi"}, headers=headers) as resp:
            assert (resp.status, (await resp.json())["code"]) == (403, 50001)
        # command sync: invalid name, empty description
        for command in ({"name": "Image", "description": "d", "type": 1},
                        {"name": "image", "description": "", "type": 1}):
            async with http.put(f"{fake.rest_base}/applications/{APP_ID}/commands", json=[command],
                                headers=headers) as resp:
                assert (resp.status, (await resp.json())["code"]) == (400, 50035), command
        # an edit after the interaction token's 15 minutes (scaled down)
        interaction = await fake.slash("models")
        await until(lambda: fake.original(interaction) is not None, 10, "the models reply")
        fake.token_ttl_s = 0.0
        async with http.patch(f"{fake.rest_base}/webhooks/{APP_ID}/{interaction.token}/messages/@original",
                              json={"content": "late"}) as resp:
            assert (resp.status, (await resp.json())["code"]) == (401, 50027)
        async with http.patch(f"{fake.rest_base}/webhooks/{APP_ID}/never-issued/messages/@original",
                              json={"content": "who?"}) as resp:
            assert (resp.status, (await resp.json())["code"]) == (404, 10015)
        # the gateway closes with 4014 when asked for a privileged intent the portal does not allow
        async with http.ws_connect(fake.gateway_url) as ws:
            await ws.receive()  # hello
            await ws.send_str(json.dumps({"op": 2, "d": {"token": "t", "intents": INTENT_MESSAGE_CONTENT,
                                                         "properties": {}}}))
            closing = await ws.receive()
            assert closing.type == aiohttp.WSMsgType.CLOSE and closing.data == 4014
    refused = {(r["status"], r["code"]) for r in fake.rejections}
    assert {(400, 50035), (413, 40005), (403, 50001), (401, 50027), (404, 10015), (4014, 4014)} <= refused


async def test_the_bot_asks_for_no_privileged_intent_and_starts(env: Env):
    """The portal allows no privileged intent (the fake's default): the bot still connects and works."""
    assert env.bot.is_ready()
    guilds, guild_messages, direct_messages = 1 << 0, 1 << 9, 1 << 12
    assert env.fake.identified_intents == guilds | guild_messages | direct_messages  # what the README lists
    assert not env.fake.identified_intents & INTENT_MESSAGE_CONTENT
    said = await env.fake.say("draw a lighthouse at dusk")
    await until(lambda: any(final(m) for m in env.fake.bot_messages()), 40,
                "the reply to a mention without the intent")
    assert int(env.fake.bot_messages()[0].message_reference["message_id"]) == said


async def test_opting_into_message_content_without_the_portal_switch_is_refused(env: Env):
    bot = DiscordAdapter(env.core, message_content=True, sync_commands=False)
    with pytest.raises(discord.PrivilegedIntentsRequired):
        await bot.start("fake-bot-token")
    await bot.close()
    assert {"status": 4014, "code": 4014, "path": "gateway",
            "denied": ["message_content"]} in env.fake.rejections


async def test_an_everyone_mention_starts_nothing(env: Env):
    fake, sandbox = env.fake, env.sandbox
    await fake.say("draw a cat for everyone", mention_bot=False, everyone=True)
    await fake.say("draw a dog")  # a real mention afterwards, so there is an event to wait for
    await until(lambda: any(final(m) for m in fake.bot_messages()), 40, "the reply to the real mention")
    assert len(fake.bot_messages()) == 1 and len(sandbox.state.creates()) == 1
    assert "dog" in sandbox.state.creates()[0]["json"]["parameters"][0]["parameters"]["prompt"]


async def test_a_refused_upload_is_delivered_with_links_and_the_limit_remembered(env: Env):
    """The user's limit (Nitro) is bigger than the server's; after the token, Discord refuses the file."""
    fake = env.fake
    fake.upload_limit = 500 * 1024 * 1024  # what the interaction announces: the user's own limit
    fake.server_upload_limit = 1000  # what the server takes from the bot token
    fake.token_ttl_s = 1.0  # Discord's 15 minutes, scaled down
    first = await fake.slash("video", {"prompt": "a paper boat on a river"})
    await until(lambda: final(fake.original(first)), 60, "the first video")
    message = fake.original(first)
    assert "is ready" in message.text() and message.attachments == []
    links = next(f["value"] for f in message.embeds[0]["fields"] if f["name"] == "🔗")
    assert ".mp4" in links
    second = await fake.slash("video", {"prompt": "a paper plane over a city"})
    await until(lambda: final(fake.original(second)), 60, "the second video")
    assert "is ready" in fake.original(second).text()
    too_large = [r for r in fake.rejections if r["code"] == 40005]
    assert len(too_large) == 1, "the refused size is remembered: no second oversized upload"


async def test_a_channel_the_bot_cannot_see_gets_a_warning_in_the_first_status(env: Env):
    fake = env.fake
    interaction = await fake.slash("image", {"prompt": "a quiet harbour"}, channel_id=HIDDEN_CHANNEL_ID)
    await until(lambda: final(fake.original(interaction)), 40, "the result")
    history = [h["text"] for h in fake.original(interaction).history]
    first_status = next(text for text in history if "Creating your image" in text)
    assert "updates may stop" in first_status
    normal = await fake.slash("image", {"prompt": "a busy harbour"})
    await until(lambda: final(fake.original(normal)), 40, "the second result")
    assert not any("updates may stop" in h["text"] for h in fake.original(normal).history)


async def test_commands_install_to_servers_only(env: Env):
    synced = env.fake.commands_synced[-1]["commands"]
    assert all(c["integration_types"] == [0] for c in synced)
    assert all(sorted(c["contexts"]) == [0, 1] for c in synced)


async def test_no_view_objects_are_kept_per_message(env: Env):
    fake = env.fake
    interaction = await fake.slash("image", {"prompt": "a red fox"})
    await until(lambda: final(fake.original(interaction)), 40, "the result with buttons")
    assert fake.original(interaction).buttons()
    assert list(env.bot.persistent_views) == []
    again = next(b for b in fake.original(interaction).buttons() if b["label"].startswith("Make another"))
    press = await fake.press(fake.original(interaction), again["custom_id"])
    await until(lambda: final(fake.original(press)), 40, "the button still works by its custom id")


async def test_model_autocomplete_answers_in_time_while_ima_is_slow(env: Env):
    fake, sandbox = env.fake, env.sandbox
    await env.stop_bot()
    sandbox.config.faults.update({"rate_slow": 1.0, "slow_s": 4.0})  # every catalogue read takes 4 s
    await env.start_bot()
    typed = await fake.autocomplete("image", "model", "nano")
    await until(lambda: typed.responded_at is not None, 3.5, "an autocomplete answer")
    assert fake.late_callbacks == 0
    sandbox.config.faults.update({"rate_slow": 0.0})
    await until(lambda: env.bot.models.choices("image", "en", "nano"), 20, "the warmed model list")
    later = await fake.autocomplete("image", "model", "nano")
    await until(lambda: later.responded_at is not None, 3, "the second answer")
    answer = next(r for r in fake.requests if r["path"].endswith(f"/{later.token}/callback"))["json"]
    assert answer["type"] == 8 and any("Nano Banana" in c["name"] for c in answer["data"]["choices"])


# ── interaction answers when Discord does not answer as expected (bot/discord/answers.py) ─────────
EXPENSIVE = "use sora to make an 8s 1080p video of a spaceship"


def _callbacks(env: Env, interaction) -> list[tuple[int, int | None]]:
    """(callback type, HTTP status) of every initial response the bot tried for ``interaction``."""
    return [(r["json"].get("type"), r["status"]) for r in env.fake.requests
            if r["path"].endswith(f"/{interaction.token}/callback")]


async def test_a_press_discord_refuses_as_too_late_leaves_the_paid_confirmation_to_press_again(env: Env):
    fake, sandbox = env.fake, env.sandbox
    asked = await fake.slash("video", {"prompt": EXPENSIVE})
    await until(lambda: fake.original(asked) is not None and fake.original(asked).buttons(), 30,
                "the cost confirmation")
    confirmation = fake.original(asked)
    go = next(b for b in confirmation.buttons() if b.get("label") == "Go ahead")
    fake.callback_faults.append("expired")  # Discord: 10062, the press is gone by the time we answer
    refused = await fake.press(confirmation, go["custom_id"])
    await until(lambda: _callbacks(env, refused), 10, "the refused acknowledgement")
    assert len(_callbacks(env, refused)) == 1  # refused: nothing else tried for it
    again = await fake.press(confirmation, go["custom_id"])
    await until(lambda: final(fake.original(again)), 60, "the video, after pressing again")
    assert "is ready" in fake.original(again).text()
    assert len(sandbox.state.creates()) == 1  # made once, on the press Discord took
    assert not any("already answered" in m.text() for m in fake.bot_messages())


async def test_a_deferral_that_times_out_is_followed_by_a_follow_up_never_a_second_answer(env: Env):
    fake = env.fake
    await env.stop_bot()
    await env.start_bot(defer_after_s=0.0)  # "thinking…" at once
    fake.callback_faults.append("stall")  # Discord takes the deferral; its answer never comes back
    interaction = await fake.slash("image", {"prompt": "a red fox in the snow"})
    await until(lambda: final(fake.original(interaction)), 30, "the result in the deferred response")
    assert [t for t, _status in _callbacks(env, interaction)] == [5]  # no second initial response
    message = fake.original(interaction)
    assert any("Creating your image" in h["text"] for h in message.history)
    assert "is ready" in message.text() and len(fake.bot_messages()) == 1


async def test_a_first_answer_discord_fails_to_take_is_posted_in_the_channel(env: Env):
    fake, sandbox = env.fake, env.sandbox
    await env.stop_bot()
    await env.start_bot(defer_after_s=30.0)  # the status itself is the first answer, no "thinking…" first
    fake.callback_faults += ["5xx", "5xx"]  # Discord fails it, and discord.py's retry a second later too
    interaction = await fake.slash("image", {"prompt": "a red fox in the snow"})
    await until(lambda: any(final(m) for m in fake.bot_messages()), 30, "the result")
    assert fake.original(interaction) is None  # the interaction was never answered...
    [message] = fake.bot_messages()  # ...but its status message went to the channel, and became the result
    assert any("Creating your image" in h["text"] for h in message.history)
    assert "is ready" in message.text() and len(sandbox.state.creates()) == 1
    assert [status for _t, status in _callbacks(env, interaction)] == [503, 503]  # none after Discord's 3 s
