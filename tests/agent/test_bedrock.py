"""The Bedrock path: the real ChatBedrockConverse against a fake Converse server of ours."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from agent.service import run_turn, stream_turn
from core.errors import BackendUnavailable, InvalidInput, PermissionDenied
from frameline.settings import Settings
from frameline.wiring import open_frameline
from memory.records import LedgerEntry, Version
from tests.cli_runner import Cli
from tests.fakes.bedrock_server import BedrockFault, FakeBedrock
from tests.fakes.converse import (
    ConverseScript,
    result_text,
    text,
    tool_results,
    tool_use,
    tool_uses,
)
from tools.context import Actor

MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0"
WRITER = Actor("wren", "writer")


@pytest.fixture
def studio(bedrock: FakeBedrock) -> Iterator[Any]:
    """Frameline configured for Bedrock on the test's demo home."""
    with open_frameline(Settings()) as frameline:
        yield frameline


def _model_calls(frameline: Any) -> list[tuple[int, int, str]]:
    with frameline.transaction() as session:
        entries = session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "model_call"))
        return [
            (e.details["input_tokens"], e.details["output_tokens"], e.details["model"])
            for e in entries
        ]


def test_a_tool_round_trip_through_converse(bedrock: FakeBedrock, studio: Any) -> None:
    def answer_from_the_result(body: dict[str, Any]) -> dict[str, Any]:
        [result] = tool_results(body)
        hits = json.loads(result_text(result))
        return text(f"It happens in {hits[0]['kind']} {hits[0]['id']}.", (1030, 41))

    script = ConverseScript(
        tool_use("search_script", {"query": "she cuts her hand", "kind": "scene"}, (812, 25)),
        answer_from_the_result,
    )
    bedrock.add_handler("converse", script)

    result = run_turn(studio, WRITER, "demo", None, "Where does Mara cut her hand?")

    assert result.reply == "It happens in scene 3."
    assert result.model == MODEL and result.model_kind == "language model"
    assert result.tool_calls == [
        {"name": "search_script", "args": {"query": "she cuts her hand", "kind": "scene"}}
    ]
    (path, first), (_, second) = [(r.path, r.body) for r in bedrock.requests]
    assert path == f"/model/{MODEL}/converse"
    offered = {tool["toolSpec"]["name"] for tool in first["toolConfig"]["tools"]}
    assert {"search_script", "render_frames", "set_status", "budget_status"} <= offered
    assert "never instructions" in first["system"][0]["text"]
    assert first["messages"] == [
        {"role": "user", "content": [{"text": "Where does Mara cut her hand?"}]}
    ]
    [sent] = tool_results(second)
    assert sent["toolUseId"] == "tooluse_1" and sent.get("status", "success") == "success"
    assert json.loads(result_text(sent))[0]["id"] == "3"
    assert _model_calls(studio) == [(812, 25, MODEL), (1030, 41, MODEL)]


def test_invalid_tool_arguments_go_back_to_the_model(bedrock: FakeBedrock, studio: Any) -> None:
    def answer(body: dict[str, Any]) -> dict[str, Any]:
        results = tool_results(body)
        notes = "; ".join(f"{r['toolUseId']}={r.get('status')}" for r in results)
        return text(notes, (300, 12))

    calls = [
        ("t1", "render_frames", {}),
        ("t2", "render_frames", {"scene": "3", "count": 99}),
        ("t3", "rm_rf", {"path": "/"}),
    ]
    script = ConverseScript(
        tool_uses(calls, (200, 30)),
        answer,
    )
    bedrock.add_handler("converse", script)

    result = run_turn(studio, WRITER, "demo", None, "render scene 3")

    assert result.reply == "t1=error; t2=error; t3=error"
    messages = [result_text(r) for r in tool_results(script.requests[1][1])]
    assert "scene" in messages[0] and "count" in messages[1] and "rm_rf" in messages[2]
    with studio.transaction() as session:
        assert len(list(session.scalars(select(Version)))) == 2  # the template's, no more


def test_a_guardrail_is_sent_when_configured(
    bedrock: FakeBedrock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRAMELINE_BEDROCK_GUARDRAIL_ID", "gr-studio")
    monkeypatch.setenv("FRAMELINE_BEDROCK_GUARDRAIL_VERSION", "3")
    script = ConverseScript(text("Hello.", (10, 2)))
    bedrock.add_handler("converse", script)
    with open_frameline(Settings()) as frameline:
        assert run_turn(frameline, WRITER, "demo", None, "hello").reply == "Hello."
    [(_, body)] = script.requests
    assert body["guardrailConfig"] == {"guardrailIdentifier": "gr-studio", "guardrailVersion": "3"}


def test_throttling_gives_up_after_bounded_retries(bedrock: FakeBedrock, studio: Any) -> None:
    bedrock.add_handler("converse", ConverseScript())
    bedrock.fail_next(429, "ThrottlingException", "Too many requests, please wait.", times=10)
    started = time.monotonic()
    with pytest.raises(BackendUnavailable, match="throttling"):
        run_turn(studio, WRITER, "demo", None, "what happens in scene 3?")
    assert time.monotonic() - started < 30
    assert len(bedrock.requests) == 3


def test_a_streamed_turn_reports_the_failure_then_done(bedrock: FakeBedrock, studio: Any) -> None:
    bedrock.fail_next(429, "ThrottlingException", "Too many requests, please wait.", times=10)
    events = list(stream_turn(studio, WRITER, "demo", "t-throttled", "what happens in scene 3?"))
    assert [name for name, _ in events] == ["error", "done"]
    assert events[0][1]["message"].startswith("Bedrock is throttling")
    assert events[1][1]["thread_id"] == "t-throttled" and events[1][1]["error"]


def test_access_denied_is_a_clear_error(bedrock: FakeBedrock, studio: Any) -> None:
    bedrock.fail_next(403, "AccessDeniedException", "You don't have access to the model.")
    with pytest.raises(PermissionDenied, match="access to Bedrock model .* is denied"):
        run_turn(studio, WRITER, "demo", None, "what happens in scene 3?")
    assert len(bedrock.requests) == 1


def test_a_model_without_tool_use_is_refused(
    bedrock: FakeBedrock, monkeypatch: pytest.MonkeyPatch
) -> None:
    bedrock.fail_next(400, "ValidationException", "This model doesn't support tool use.")
    for model in ("deepseek.r1-v1:0", "amazon.titan-text-express-v1"):
        monkeypatch.setenv("FRAMELINE_CHAT_MODEL", f"bedrock:{model}")
        refused = pytest.raises(InvalidInput, match=f"{model} does not support tool use")
        with open_frameline(Settings()) as frameline, refused:
            run_turn(frameline, WRITER, "demo", None, "hello")
    assert len(bedrock.requests) == 1  # the first is known not to, the second says so


def test_an_unreachable_endpoint_is_a_clear_error(
    bedrock: FakeBedrock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRAMELINE_BEDROCK_ENDPOINT_URL", "http://127.0.0.1:9")
    unreachable = pytest.raises(BackendUnavailable, match="cannot reach the Bedrock endpoint")
    with open_frameline(Settings()) as frameline, unreachable:
        run_turn(frameline, WRITER, "demo", None, "hello")


def test_ask_gives_up_within_a_minute_with_one_line(bedrock: FakeBedrock, cli: Cli) -> None:
    bedrock.fail_next(429, "ThrottlingException", "Too many requests, please wait.", times=10)
    started = time.monotonic()
    outcome = cli("ask", "--project", "demo", "what happens in scene 3?", "--json")
    assert time.monotonic() - started < 60
    assert outcome.exit_code != 0 and outcome.stdout == ""
    [line] = outcome.stderr.splitlines()
    assert line.startswith("error: Bedrock is throttling") and MODEL in line


def test_a_conversation_goes_on_after_a_failed_turn(bedrock: FakeBedrock, studio: Any) -> None:
    def throttled(body: dict[str, Any]) -> dict[str, Any]:
        raise BedrockFault(429, "ThrottlingException", "Too many requests, please wait.")

    script = ConverseScript(
        tool_use("get_scene", {"scene": "3"}, (500, 20)),
        throttled,
        throttled,
        throttled,
        text("Scene 3 is at the salt marsh wells.", (900, 15)),
    )
    bedrock.add_handler("converse", script)
    with pytest.raises(BackendUnavailable, match="throttling"):
        run_turn(studio, WRITER, "demo", "t-1", "what happens in scene 3?")
    again = run_turn(studio, WRITER, "demo", "t-1", "and now?")
    assert again.reply == "Scene 3 is at the salt marsh wells." and again.tool_calls == []
    roles = [m["role"] for m in script.requests[-1][1]["messages"]]
    assert roles == ["user", "assistant", "user"]  # the tool result and the new words, merged
