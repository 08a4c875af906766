"""Locks at the chat door follow the same rule as the CLI and API (tools.versions): a plain
"lock" of a draft is refused with what to say instead; only an explicit "approve and lock" does
both; unlocking takes a reason from the same sentence, and a version that is not locked says so."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from agent.service import run_turn
from memory.records import Version
from tools.context import Actor
from tools.versions import set_status

PROJECT = "demo"
WRITER, DIRECTOR = Actor("wren", "writer"), Actor("dana", "director")


def history(frameline: Any, version_id: str) -> list[tuple[str, str | None]]:
    """A version's status history as (status, reason)."""
    with frameline.transaction() as session:
        rows = {v.version_id: v for v in session.scalars(select(Version))}
        return [(step["status"], step.get("override")) for step in rows[version_id].status_history]


def status(frameline: Any, version_id: str) -> str:
    with frameline.transaction() as session:
        return {v.version_id: v.status for v in session.scalars(select(Version))}[version_id]


def test_a_directors_plain_lock_of_a_draft_is_refused_and_says_what_to_do(
    agent_studio: Any,
) -> None:
    said = run_turn(agent_studio, DIRECTOR, PROJECT, None, "lock v1")
    assert said.tool_calls == [
        {"name": "set_status", "args": {"status": "locked", "version_id": "v1"}}
    ]
    assert "v1 is a draft: approve it first, or say “approve and lock v1”" in said.reply
    assert status(agent_studio, "v1") == "draft"

    followed = run_turn(agent_studio, DIRECTOR, PROJECT, said.thread_id, "lock it")
    assert "v1 is a draft" in followed.reply and status(agent_studio, "v1") == "draft"


def test_approve_and_lock_in_one_request_does_both_and_records_both(agent_studio: Any) -> None:
    said = run_turn(agent_studio, DIRECTOR, PROJECT, None, "approve and lock v1")
    assert [c["args"]["status"] for c in said.tool_calls] == ["approved", "locked"]
    assert status(agent_studio, "v1") == "locked"
    assert [step for step, _ in history(agent_studio, "v1")][-2:] == ["approved", "locked"]


def test_an_approved_version_locks_with_a_plain_lock(agent_studio: Any) -> None:
    set_status(agent_studio, DIRECTOR, "v1", "approved")
    said = run_turn(agent_studio, DIRECTOR, PROJECT, None, "lock 3A")
    assert said.reply.startswith("v1 (shot 3A) is now locked.")
    assert status(agent_studio, "v1") == "locked"


def test_unlock_takes_its_reason_from_the_sentence(agent_studio: Any) -> None:
    set_status(agent_studio, DIRECTOR, "v1", "locked", approve_first=True)
    said = run_turn(agent_studio, DIRECTOR, PROJECT, None, "unlock v1, we need to redo it")
    assert said.tool_calls == [
        {"name": "unlock_version", "args": {"reason": "we need to redo it", "version_id": "v1"}}
    ]
    assert said.reply.startswith("v1 (shot 3A) is now approved.")
    assert history(agent_studio, "v1")[-1] == ("approved", "we need to redo it")


def test_unlock_without_a_reason_asks_for_one_and_changes_nothing(agent_studio: Any) -> None:
    set_status(agent_studio, DIRECTOR, "v1", "locked", approve_first=True)
    said = run_turn(agent_studio, DIRECTOR, PROJECT, None, "unlock v1")
    assert said.tool_calls == [] and "Why should v1 be unlocked?" in said.reply
    assert status(agent_studio, "v1") == "locked"


def test_unlocking_a_version_that_is_not_locked_says_so(agent_studio: Any) -> None:
    said = run_turn(agent_studio, DIRECTOR, PROJECT, None, "unlock v1, the cut changed")
    assert "v1 is not locked (it is draft)" in said.reply
    assert status(agent_studio, "v1") == "draft" and history(agent_studio, "v1") == []


def test_a_writer_may_not_unlock(agent_studio: Any) -> None:
    set_status(agent_studio, DIRECTOR, "v1", "locked", approve_first=True)
    said = run_turn(agent_studio, WRITER, PROJECT, None, "unlock v1, the script changed")
    assert "wren (writer) may not" in said.reply
    assert status(agent_studio, "v1") == "locked"
