"""A scripted model behind FakeBedrock's Converse operation, held to botocore's service model.

Each request and each scripted answer is checked against the `ConverseRequest` and
`ConverseResponse` shapes botocore ships (required members, unions, enums, types), so the
real ChatBedrockConverse client is exercised on the real wire format. A test scripts the turns:
a `toolUse`, then text that may quote the `toolResult` the client sent back.
"""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from collections.abc import Callable
from functools import cache
from typing import Any

from tests.fakes.bedrock_server import BedrockFault, EventStream, event_message

Body = dict[str, Any]
Turn = Body | Callable[[Body], Body]
"""A scripted answer, or a function of the request that makes one."""


@cache
def _shapes() -> dict[str, Any]:
    from botocore.loaders import Loader

    return Loader().load_service_model("bedrock-runtime", "service-2")["shapes"]


def conform(value: Any, shape_name: str, path: str = "") -> None:
    """Raise a 400 ValidationException where `value` breaks the botocore shape."""
    shape = _shapes()[shape_name]
    kind = shape["type"]
    where = path or shape_name
    if shape.get("document"):
        return  # free-form JSON, such as a tool's input schema or arguments
    if kind == "structure":
        if not isinstance(value, dict):
            raise _invalid(f"{where} must be an object")
        members = {n: m for n, m in shape["members"].items() if "location" not in m}
        if unknown := set(value) - set(members):
            raise _invalid(f"{where} has unknown members {sorted(unknown)}")
        required = [n for n in shape.get("required", []) if n in members]
        if missing := [n for n in required if n not in value]:
            raise _invalid(f"{where} is missing {missing}")
        if shape.get("union") and len(value) != 1:
            raise _invalid(f"{where} must have exactly one member, not {sorted(value)}")
        for name, item in value.items():
            conform(item, members[name]["shape"], f"{where}.{name}")
    elif kind == "list":
        if not isinstance(value, list):
            raise _invalid(f"{where} must be a list")
        for index, item in enumerate(value):
            conform(item, shape["member"]["shape"], f"{where}[{index}]")
    elif kind == "map":
        if not isinstance(value, dict):
            raise _invalid(f"{where} must be an object")
    elif kind == "string":
        if not isinstance(value, str) or ("enum" in shape and value not in shape["enum"]):
            raise _invalid(f"{where} is not a valid {shape_name}: {value!r}")
    elif kind in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            raise _invalid(f"{where} must be an integer")
    elif kind == "boolean" and not isinstance(value, bool):
        raise _invalid(f"{where} must be a boolean")


def _invalid(message: str) -> BedrockFault:
    return BedrockFault(400, "ValidationException", message)


def tool_use(name: str, arguments: Body, tokens: tuple[int, int]) -> Body:
    """An answer asking for one tool call (stopReason tool_use)."""
    return tool_uses([("tooluse_1", name, arguments)], tokens)


def tool_uses(calls: list[tuple[str, str, Body]], tokens: tuple[int, int]) -> Body:
    """An answer asking for several tool calls: (toolUseId, name, input) each."""
    content = [{"toolUse": {"toolUseId": i, "name": n, "input": args}} for i, n, args in calls]
    return _answer(content, "tool_use", tokens)


def text(words: str, tokens: tuple[int, int], stop_reason: str = "end_turn") -> Body:
    """A plain text answer."""
    return _answer([{"text": words}], stop_reason, tokens)


def _answer(content: list[Body], stop_reason: str, tokens: tuple[int, int]) -> Body:
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": stop_reason,
        "usage": {
            "inputTokens": tokens[0],
            "outputTokens": tokens[1],
            "totalTokens": sum(tokens),
        },
        "metrics": {"latencyMs": 42},
    }


def tool_results(body: Body) -> list[Body]:
    """The toolResult blocks of the request's last user message."""
    last = body["messages"][-1]
    return [block["toolResult"] for block in last["content"] if "toolResult" in block]


def result_text(result: Body) -> str:
    """The text a toolResult carries."""
    return "".join(part.get("text", "") for part in result["content"])


def _check_conversation(body: Body) -> None:
    """What the service refuses beyond the shapes: order of roles and unmatched tool results."""
    messages = body.get("messages") or []
    if not messages or messages[0]["role"] != "user":
        raise _invalid("A conversation must start with a user message.")
    asked: set[str] = set()
    for message in messages:
        for block in message["content"]:
            if "toolUse" in block:
                asked.add(block["toolUse"]["toolUseId"])
            if "toolResult" in block and block["toolResult"]["toolUseId"] not in asked:
                raise _invalid("A toolResult does not match any earlier toolUse.")
    if asked and "toolConfig" not in body:
        raise _invalid("The toolConfig field must be defined when using toolUse and toolResult.")


class ConverseScript:
    """Answers `converse` with the scripted turns in order, keeping every request it was sent."""

    def __init__(self, *turns: Turn) -> None:
        self.turns: deque[Turn] = deque(turns)
        self.requests: list[tuple[str, Body]] = []
        self._lock = threading.Lock()

    def __call__(self, model_id: str, body: Body, shape: str = "ConverseRequest") -> Body:
        conform(body, shape)
        _check_conversation(body)
        with self._lock:
            self.requests.append((model_id, body))
            if not self.turns:
                raise BedrockFault(500, "InternalServerException", "the script has no more turns")
            turn = self.turns.popleft()
        answer = turn(body) if callable(turn) else turn
        conform(answer, "ConverseResponse")
        return answer

    def stream(self, model_id: str, body: Body) -> EventStream:
        """Answer `converse-stream`: the same scripted turn, as ConverseStream events.

        Text comes word by word in `contentBlockDelta` events; a tool call as a
        `contentBlockStart` and its arguments as one JSON string delta; then `messageStop` and
        `metadata` with the usage — the AWS event-stream framing botocore decodes.
        """
        answer = self(model_id, body, "ConverseStreamRequest")
        message = answer["output"]["message"]
        events = [event_message("messageStart", {"role": message["role"]})]
        for index, block in enumerate(message["content"]):
            if "text" in block:
                for word in re.findall(r"\S+\s*", block["text"]) or [""]:
                    delta = {"delta": {"text": word}, "contentBlockIndex": index}
                    events.append(event_message("contentBlockDelta", delta))
            else:
                use = block["toolUse"]
                start = {"toolUse": {"toolUseId": use["toolUseId"], "name": use["name"]}}
                events.append(
                    event_message("contentBlockStart", {"start": start, "contentBlockIndex": index})
                )
                delta = {"toolUse": {"input": json.dumps(use["input"])}}
                events.append(
                    event_message("contentBlockDelta", {"delta": delta, "contentBlockIndex": index})
                )
            events.append(event_message("contentBlockStop", {"contentBlockIndex": index}))
        events.append(event_message("messageStop", {"stopReason": answer["stopReason"]}))
        metadata = {"usage": answer["usage"], "metrics": answer["metrics"]}
        events.append(event_message("metadata", metadata))
        return EventStream(b"".join(events))
