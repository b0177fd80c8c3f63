"""First answers go before the rest on Discord (bot/discord/answers.py): in a burst, the follow-up messages
and status edits of earlier commands wait while many interactions still wait for their first message, so
users see their commands answered first; then everything else goes out, nothing dropped.

The end-to-end tests (test_discord_e2e.py) drive the same objects through the real adapter; these check
the gate's rule on its own, where a burst's order would otherwise depend on the machine's speed."""

from __future__ import annotations

import asyncio

from bot.discord.answers import FirstAnswers


async def test_other_messages_wait_while_many_interactions_wait_for_their_first_message():
    answers: FirstAnswers[str] = FirstAnswers(busy_above=1, wait_at_most_s=60)
    answers.expect("a", "first message of a")
    other = asyncio.create_task(answers.go_after_them())
    await asyncio.sleep(0)
    assert other.done()  # one unanswered interaction is not a burst: nothing waits
    answers.expect("b", "first message of b")
    later = asyncio.create_task(answers.go_after_them())
    await asyncio.sleep(0)
    assert not later.done()  # two are: a follow-up waits for them
    assert answers.take("b") == "first message of b"
    await asyncio.wait_for(later, 10)  # back under the bar: it goes
    assert answers.take("b") is None  # an interaction's first answer is taken once
    assert "a" in answers and len(answers) == 1


async def test_a_waiting_message_goes_anyway_after_a_while_if_the_burst_lasts():
    answers: FirstAnswers[str] = FirstAnswers(busy_above=0, wait_at_most_s=0.01)
    answers.expect("a", "first message of a")
    await asyncio.wait_for(answers.go_after_them(), 10)  # not held forever: it returns, and is sent
    assert "a" in answers
