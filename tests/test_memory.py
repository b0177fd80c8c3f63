"""What the Discord process keeps in memory: no part it does not use, nothing kept per finished message.

The figures (peak RSS with 1,000 tasks in flight) are printed by ``python -m bench.load``; these tests check
the behaviour behind them, never a size.
"""

from __future__ import annotations

import asyncio
import gc
import subprocess
import sys
import weakref
from dataclasses import replace
from pathlib import Path
from typing import Any

import discord
import pytest

from bench.intents import catalogues
from core import selection
from core.catalogue import CATALOGUE_KEYS, Catalogue
from core.intent import parse
from core.parsing import models
from core.reply_order import ReplyOrder, send_in_order
from core.store import STORE_ERRORS, DatabaseFailed, Store
from core.views import View

from .conftest import until
from .test_discord_e2e import Env, env, final, sandbox_config  # noqa: F401 - the e2e test's fixtures

ROOT = Path(__file__).resolve().parent.parent


def test_a_bot_on_sqlite_never_loads_the_postgresql_driver(tmp_path: Path) -> None:
    """Everything `ima-bot run` imports for Discord, the ops port and a SQLite store, in a fresh process:
    the PostgreSQL driver (~3 MiB) stays out of it."""
    script = (
        "import asyncio, sys\n"
        "import bot.commands, bot.discord, bot.ops, bot.listen, core.service, core.manager\n"
        "from core.store import Store\n"
        "async def main():\n"
        f"    store = await Store.open({str(tmp_path)!r})\n"
        "    await store.close()\n"
        "asyncio.run(main())\n"
        "print('asyncpg' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.strip() == "False", done.stderr


async def test_a_failing_postgresql_statement_is_a_database_failure_the_bot_handles(pg_url: str,
                                                                                  tmp_path: Path) -> None:
    """On PostgreSQL a statement the database refuses is one of the store's errors (said to users, outcomes
    retried), with the database's own reason kept."""
    store = await Store.open(tmp_path, pg_url)
    try:
        with pytest.raises(STORE_ERRORS) as failure:
            await store._db.execute("SELECT * FROM no_such_table")
        assert isinstance(failure.value, DatabaseFailed)
        assert "no_such_table" in str(failure.value)
        with pytest.raises(DatabaseFailed):
            async with store._db.transaction() as tx:
                await tx.execute("INSERT INTO no_such_table VALUES (1)")
    finally:
        await store.close()


async def test_tasks_started_while_answering_keep_nothing_of_the_answered_message() -> None:
    """A task started while a message is answered (its creation and watching, for minutes) carries the
    message's place in the reply order in its context; once the message is handled that place holds no
    event of its own or of the message before, and the task's later posts go out at once."""
    order = ReplyOrder(wait_s=60)
    channel = _Channel()
    events: list[weakref.ref[asyncio.Event]] = []
    release_task = asyncio.Event()

    async def later_posts() -> None:  # started while answering: inherits the ticket
        await release_task.wait()
        await send_in_order(channel, _view("later"))

    earlier_done = asyncio.Event()

    async def earlier() -> None:  # the person's message before, still being answered
        with order.message("web", "c1", "u1"):
            await earlier_done.wait()

    before = asyncio.create_task(earlier())
    await asyncio.sleep(0)
    with order.message("web", "c1", "u1"):
        ticket = _ticket_now()
        events += [weakref.ref(ticket.replied), weakref.ref(ticket.before)]
        task = asyncio.create_task(later_posts())
        earlier_done.set()
        await before
        await send_in_order(channel, _view("first"))
    del ticket
    gc.collect()
    assert [ref() for ref in events] == [None, None]  # the task still holds the ticket, not its events
    release_task.set()
    await asyncio.wait_for(task, 5)
    assert channel.sent == ["first", "later"]


class _Channel:
    min_edit_interval_s = 0.0

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(self, view: View) -> str:
        self.sent.append(view.title)
        return str(len(self.sent))

    async def edit(self, ref: str, view: View) -> None:
        raise AssertionError("not edited here")


def _view(title: str) -> View:
    return View(kind="text", language="en", title=title)


def _ticket_now() -> Any:
    from core.reply_order import _ticket

    return _ticket.get()


async def test_an_answered_command_keeps_no_interaction_or_buttons_once_done(env: Env) -> None:  # noqa: F811
    """Through the real discord.py client and the fake Discord: once a command is answered and its task has
    delivered (a status with a Cancel button, progress edits, the result with four buttons), neither the
    command's interaction nor any message's buttons are left for the cyclic collector: freed as they are
    done, with the collector paused."""
    fake = env.fake
    gc.collect()
    gc.disable()  # what is left now would wait for the collector's (rare) full pass in the bot process
    try:
        interaction = await fake.slash("image", {"prompt": "a red fox in the snow"})
        await until(lambda: final(fake.original(interaction)), 30, "the result")
        message = fake.original(interaction)
        assert message is not None and len(message.buttons()) == 4 and len(message.history) >= 2
        assert env.core is not None
        await env.core.manager.wait_idle(10)
        left = [type(o).__name__ for o in gc.get_objects()
                if isinstance(o, (discord.Interaction, discord.ui.View, discord.ui.Item))]
    finally:
        gc.enable()
    assert left == []


def test_a_catalogue_that_keeps_changing_its_names_is_still_read_and_its_old_lookups_go() -> None:
    """IMA renames models while the bot runs: each new name is recognised at once, and the lookups built
    for old catalogues do not pile up for the life of the process (CATALOGUE_KEYS of them at most)."""
    cats = catalogues()
    image = cats["text_to_image"]
    first = image.models[0]
    for version in range(CATALOGUE_KEYS + 8):
        name = f"Aurora Zeta {version}"
        renamed = Catalogue(image.category, (replace(first, name=name), *image.models[1:]))
        mention = selection.find_mention(f"use {name.lower()} for a red kite", renamed)
        assert mention is not None and mention.model.key == first.key, version
        intent = parse(f"draw a red kite with {name}", 0, {**cats, "text_to_image": renamed})
        assert intent.model_key == first.key, (version, intent)
    for lookup in (selection._patterns, models._catalogue_names, models._entries):
        assert lookup.cache_info().currsize <= CATALOGUE_KEYS, lookup
