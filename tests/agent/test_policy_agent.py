"""The agent door of the render policy: the same gates as the API, CLI, web page and Slack (the
shared table in tests/policy_cases.py); nothing is drawn or charged until a producer approves."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.service import resolve_approval, run_turn
from core.errors import PermissionDenied
from frameline.settings import Settings
from frameline.wiring import open_frameline
from tests.policy_cases import GATE_IDS, GATES, GateCase, approval_state, arm, tally, tighten
from tools.context import Actor

WRITER, DIRECTOR = Actor("wren", "writer"), Actor("dana", "director")
PRODUCER = Actor("pat", "producer")


@pytest.mark.parametrize("case", GATES, ids=GATE_IDS)
def test_a_gated_render_in_a_conversation_waits_for_a_producer(
    agent_home: Path, case: GateCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    arm(monkeypatch, case)
    with open_frameline(Settings()) as frameline:
        tighten(frameline, case)
        before = tally(frameline)
        asked = run_turn(frameline, WRITER, "demo", None, f"give me {case.count} frames of scene 3")
        [pending] = asked.pending
        assert (pending["action"], pending["needs_role"]) == ("render", "producer")
        assert case.reason in pending["details"]["reason"]
        assert tally(frameline) == before

        with pytest.raises(PermissionDenied):
            resolve_approval(frameline, DIRECTOR, pending["approval_id"], "approve")
        assert approval_state(frameline, pending["approval_id"]) == "pending"
        assert tally(frameline) == before

        done = resolve_approval(frameline, PRODUCER, pending["approval_id"], "approve")
        assert done.reply.startswith(f"Rendered {case.count} frame(s) of scene 3"), done.reply
        after = tally(frameline)
        assert after["versions"] == before["versions"] + case.count
        assert after["ledger"] == before["ledger"] + case.count
