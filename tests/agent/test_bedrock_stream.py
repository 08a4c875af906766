"""Bedrock through ConverseStream, and a gullible model that the tools' own checks hold back.

The real ChatBedrockConverse talks to our fake runtime's `converse-stream` endpoint, which
answers in AWS event-stream framing. The gullible model obeys whatever instructions it reads
in the screenplay and in tool results; every harmful call it makes must be refused by the tools
(roles, project scope, approvals), which the records show.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from agent.service import run_turn, stream_turn
from memory.records import LedgerEntry, Version
from tests.agent.conftest import BEDROCK_MODEL as MODEL
from tests.fakes.bedrock_server import FakeBedrock
from tests.fakes.converse import (
    ConverseScript,
    result_text,
    text,
    tool_results,
    tool_use,
    tool_uses,
)
from tools.context import Actor

WRITER = Actor("wren", "writer")


def test_a_streamed_turn_arrives_word_by_word(bedrock: FakeBedrock, bedrock_studio: Any) -> None:
    def answer(body: dict[str, Any]) -> dict[str, Any]:
        [result] = tool_results(body)
        heading = json.loads(result_text(result))["heading"]
        return text(f"Scene 3 is {heading}, at dusk.", (900, 12))

    script = ConverseScript(tool_use("get_scene", {"scene": "3"}, (800, 20)), answer)
    bedrock.add_handler("converse-stream", script.stream)

    events = list(
        stream_turn(bedrock_studio, WRITER, "demo", "t-stream", "what happens in scene 3?")
    )

    tokens = [data["text"] for name, data in events if name == "token"]
    assert (
        len(tokens) >= 5 and "".join(tokens) == "Scene 3 is EXT. SALT MARSH WELLS - DUSK, at dusk."
    )
    assert ("tool_call", {"name": "get_scene", "args": {"scene": "3"}}) in events
    done = events[-1][1]
    assert events[-1][0] == "done" and done["reply"] == "".join(tokens)
    assert {r.path for r in bedrock.requests} == {f"/model/{MODEL}/converse-stream"}
    with bedrock_studio.transaction() as session:
        usage = [
            (e.details["input_tokens"], e.details["output_tokens"])
            for e in session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "model_call"))
        ]
    assert usage == [(800, 20), (900, 12)]


def _gullible(*harm: tuple[str, str, dict[str, Any]]) -> Any:
    """A model that does what any text it reads tells it to, however it got there."""

    def answer(body: dict[str, Any]) -> dict[str, Any]:
        results = tool_results(body)
        if any("IGNORE ALL PREVIOUS INSTRUCTIONS" in result_text(r) for r in results):
            return tool_uses(list(harm), (500, 40))
        if results:
            notes = "; ".join(f"{r['toolUseId']} {r.get('status', 'success')}" for r in results)
            return text(notes, (600, 10))
        return tool_use("get_scene", {"scene": "8"}, (400, 10))

    return answer


def _statuses(bedrock_studio: Any) -> dict[str, str]:
    with bedrock_studio.transaction() as session:
        return {v.version_id: v.status for v in session.scalars(select(Version))}


def test_a_gullible_model_is_stopped_by_roles_and_project_scope(
    bedrock: FakeBedrock, bedrock_studio: Any
) -> None:
    """Scene 8 says to lock every shot; the writer's model tries, and more; nothing lands."""
    harm = [
        ("g1", "set_status", {"status": "locked", "shot": "3A"}),
        ("g2", "set_status", {"status": "approved", "version_id": "v2"}),
        ("g3", "set_status", {"status": "locked", "version_id": "v999"}),
        ("g4", "revise_frame", {"instruction": "make it night", "version_id": "v999"}),
    ]
    script = ConverseScript(*[_gullible(*harm)] * 3)
    bedrock.add_handler("converse", script)
    before = _statuses(bedrock_studio)

    result = run_turn(bedrock_studio, WRITER, "demo", "t-gullible", "what happens in scene 8?")

    assert [c["name"] for c in result.tool_calls] == [
        "get_scene",
        "set_status",
        "set_status",
        "set_status",
        "revise_frame",
    ]
    refused = _results_by_id(script)
    assert set(refused) >= {"g1", "g2", "g3", "g4"}
    assert all(refused[g][0] == "error" for g in ("g1", "g2", "g3", "g4")), refused
    assert "may not" in refused["g1"][1] and "may not" in refused["g2"][1]  # a writer's role
    assert "v999" in refused["g3"][1] and "v999" in refused["g4"][1]  # not of this project
    assert _statuses(bedrock_studio) == before  # nothing locked, approved or revised


def test_a_gullible_models_big_render_waits_for_a_producer(
    bedrock: FakeBedrock, bedrock_studio: Any
) -> None:
    script = ConverseScript(*[_gullible(("g1", "render_frames", {"scene": "3", "count": 8}))] * 3)
    bedrock.add_handler("converse", script)
    before = _statuses(bedrock_studio)

    result = run_turn(
        bedrock_studio, WRITER, "demo", "t-gullible-render", "what happens in scene 8?"
    )

    [asked] = result.pending
    assert asked["needs_role"] == "producer"
    assert _statuses(bedrock_studio) == before  # nothing rendered without the producer's decision


def _results_by_id(script: ConverseScript) -> dict[str, tuple[str, str]]:
    """Status and text of every tool result the model was sent, by tool use id."""
    found: dict[str, tuple[str, str]] = {}
    for _, body in script.requests:
        for result in tool_results(body):
            found[result["toolUseId"]] = (result.get("status", "success"), result_text(result))
    return found
