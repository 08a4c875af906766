"""`frameline ask`, `chat` and `approvals` as people and scripts use them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from frameline.settings import Settings
from frameline.wiring import open_frameline
from memory.records import Approval, LedgerEntry
from tests.cli_runner import Cli

KEYS = {"reply", "thread_id", "model", "tool_calls", "pending"}


def model_calls() -> int:
    with open_frameline(Settings()) as frameline, frameline.transaction() as session:
        query = select(func.count()).where(LedgerEntry.kind == "model_call")
        return session.scalar(query) or 0


def test_ask_prints_the_documented_json(agent_home: Path, cli: Cli) -> None:
    outcome = cli("ask", "--project", "demo", "list the shots of scene 3", "--json")
    turn = outcome.json()
    assert set(turn) >= KEYS
    assert re.fullmatch(r"[0-9a-f]{32}", turn["thread_id"])
    assert turn["model"] == "offline-planner"
    assert turn["tool_calls"] == [{"name": "list_shots", "args": {"scene": "3"}}]
    assert turn["pending"] == [] and "3A (scene 3)" in turn["reply"]


def test_ask_continues_a_thread(agent_home: Path, cli: Cli) -> None:
    first = cli("ask", "--project", "demo", "--thread", "t-1", "what happens in scene 3?", "--json")
    second = cli("ask", "--project", "demo", "--thread", "t-1", "show versions of 3A", "--json")
    assert first.json()["thread_id"] == second.json()["thread_id"] == "t-1"
    assert second.json()["tool_calls"] == [{"name": "list_versions", "args": {"shot": "3A"}}]
    other = cli("ask", "--project", "other", "--thread", "t-1", "hello", "--json")
    assert other.exit_code != 0 and "no project 'other'" in other.stderr


def test_ask_without_json_labels_the_offline_planner(agent_home: Path, cli: Cli) -> None:
    outcome = cli("ask", "--project", "demo", "--as", "writer", "lock 3A")
    assert outcome.exit_code == 0
    assert "may not lock v1" in outcome.stdout
    assert "[offline-planner: " in outcome.stdout and "not a language model" in outcome.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--project", "nowhere", "hello"), "no project 'nowhere'; projects are demo"),
        (("--project", "demo", "--as", "boss", "hello"), "unknown role 'boss'"),
        (("--project", "demo", "   "), "the message is empty"),
        (("--project", "demo", "--thread", "a b", "hi"), "thread id 'a b' is not valid"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(
    agent_home: Path, cli: Cli, args: tuple[str, ...], message: str
) -> None:
    outcome = cli("ask", *args, "--json")
    assert outcome.exit_code != 0 and outcome.stdout == ""
    [line] = outcome.stderr.splitlines()
    assert line.startswith("error: ") and message in line
    assert model_calls() == 0


def test_a_role_that_may_not_approve_changes_nothing(agent_home: Path, cli: Cli) -> None:
    asked = cli("ask", "--project", "demo", "--as", "producer", "lock 3A", "--json").json()
    [pending] = asked["pending"]
    listed = cli("approvals", "list", "--project", "demo", "--json").json()
    assert [a["approval_id"] for a in listed] == [pending["approval_id"]]

    refused = cli(
        "approvals", "resolve", pending["approval_id"], "--decision", "approve", "--as", "writer"
    )
    assert refused.exit_code == 4 and refused.stdout == ""
    [line] = refused.stderr.splitlines()
    assert "local (writer) may not decide" in line
    with open_frameline(Settings()) as frameline, frameline.transaction() as session:
        row = session.get(Approval, pending["approval_id"])
        assert row is not None and row.state == "pending"

    done = cli(
        "approvals", "resolve", pending["approval_id"], "--decision", "reject", "--as", "director"
    )
    assert done.exit_code == 0 and "Not done: local (director) rejected it" in done.stdout


def test_chat_streams_replies_and_asks_for_approval(agent_home: Path) -> None:
    from frameline.cli import app
    from tools.context import Actor
    from tools.versions import set_status

    with open_frameline(Settings()) as frameline:  # a draft is approved before it is locked
        set_status(frameline, Actor("dana", "director"), "v1", "approved")
    lines = "give me two frames of scene 3, Mara in the doorway\nlock 3A\napprove\n/quit\n"
    result = CliRunner().invoke(app, ["chat", "--project", "demo", "--as", "producer"], input=lines)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "offline planner" in out.splitlines()[0]
    assert "→ render_frames" in out and "Rendered 2 frame(s) of scene 3 as shot 3B" in out
    assert "needs a director" in out and "v1 (shot 3A) is now locked." in out
