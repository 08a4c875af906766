"""The Slack doors of the render policy: the Vary button and `/frameline frame` ask for one frame
each, so the cost and budget gates of the shared table apply (the count gate arises in
conversations, tests/agent/test_policy_agent.py). A gated render shows who must approve, with
Approve/Reject; nothing is drawn until a producer approves."""

from __future__ import annotations

from decimal import Decimal

import pytest

from integrations.slack.blocks import APPROVAL_APPROVE, VARY
from tests.fakes.slack_api import button_press
from tests.integrations.test_slack import (
    DIRECTOR,
    FORM,
    PRODUCER,
    WRITER,
    Bot,
    blocks_of,
    first_frame,
    said_in,
    wait_for_cards,
)
from tests.policy_cases import GATES, GateCase, approval_state, tally, tighten

ONE_FRAME_GATES = [case for case in GATES if case.count == 1]


def arm_running(bot: Bot, case: GateCase, monkeypatch: pytest.MonkeyPatch) -> None:
    """Arm the gate on the running bot (its settings were read at start)."""
    if "FRAMELINE_APPROVAL_COST" in case.env:
        cost = Decimal(case.env["FRAMELINE_APPROVAL_COST"])
        monkeypatch.setattr(bot.frameline.settings, "approval_cost", cost)
    tighten(bot.frameline, case)


def approval_request(bot: Bot, thread_ts: str) -> dict:
    """The approval request message posted in a thread, once it arrived."""

    def asks(message: dict) -> bool:
        return message.get("thread_ts") == thread_ts and any(
            b.get("block_id", "").startswith("approval:") for b in blocks_of(message)
        )

    bot.slack.wait_for("chat.postMessage", where=lambda c: asks(c.params))
    [request] = bot.slack.posted(asks)
    return request


@pytest.mark.parametrize("case", ONE_FRAME_GATES, ids=[c.name for c in ONE_FRAME_GATES])
def test_a_gated_vary_waits_for_a_producer(
    bot: Bot, case: GateCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    card, version_id = first_frame(bot)
    thread = card["thread_ts"]
    arm_running(bot, case, monkeypatch)
    before = tally(bot.frameline)

    bot.post(button_press(WRITER, card, VARY, version_id), FORM)
    said_in(bot.slack, thread, "waits for a producer's approval")
    request = approval_request(bot, thread)
    approval_id = request["blocks"][1]["elements"][0]["value"]
    assert tally(bot.frameline) == before

    bot.post(button_press(DIRECTOR, request, APPROVAL_APPROVE, approval_id), FORM)
    said_in(bot.slack, thread, f"<@{DIRECTOR}> Dana Director (director) may not decide")
    assert approval_state(bot.frameline, approval_id) == "pending"
    assert tally(bot.frameline) == before

    bot.post(button_press(PRODUCER, request, APPROVAL_APPROVE, approval_id), FORM)
    wait_for_cards(bot.slack, thread, count=2)
    assert approval_state(bot.frameline, approval_id) == "approved"
    assert tally(bot.frameline)["versions"] == before["versions"] + 1


@pytest.mark.parametrize("case", ONE_FRAME_GATES, ids=[c.name for c in ONE_FRAME_GATES])
def test_a_gated_frame_command_waits_for_a_producer(
    bot: Bot, case: GateCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    arm_running(bot, case, monkeypatch)
    before = tally(bot.frameline)
    bot.command(WRITER, "frame 3 Mara at the window")
    [root] = bot.slack.wait_for(
        "chat.postMessage", where=lambda c: "asked for a frame of scene 3" in c.params["text"]
    )
    [message] = bot.slack.posted(lambda m: "asked for a frame of scene 3" in m["text"])
    request = approval_request(bot, message["ts"])
    approval_id = request["blocks"][1]["elements"][0]["value"]
    assert tally(bot.frameline) == before

    bot.post(button_press(PRODUCER, request, APPROVAL_APPROVE, approval_id), FORM)
    wait_for_cards(bot.slack, message["ts"])
    assert tally(bot.frameline)["versions"] == before["versions"] + 1
    assert root is not None
