"""A thread's context for the offline planner: what it last made or showed, what it offered.

Everything is read from the conversation's own messages (tool calls, tool results, and the
planner's notes in `additional_kwargs["frameline"]`), which LangGraph checkpoints: "it", "that
one" and "yes" mean the same after a restart, in Slack threads and the web chat alike.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage


@dataclass(frozen=True)
class Focus:
    """The version, shot and scene a thread was last about."""

    version: str | None = None
    shot: str | None = None
    scene: str | None = None


def focus_of(history: Sequence[BaseMessage]) -> Focus:
    """The newest version, shot and scene the thread made, changed or showed."""
    version = shot = scene = None
    for message in reversed(history):
        found = _mentioned(message)
        version = version or found.version
        shot = shot or found.shot
        scene = scene or found.scene
        if version and shot and scene:
            break
    return Focus(version, shot, scene)


def _mentioned(message: BaseMessage) -> Focus:
    if isinstance(message, ToolMessage) and message.status != "error":
        return _from_result(message.name or "", message.text)
    if isinstance(message, AIMessage):
        for call in reversed(message.tool_calls):
            args = call.get("args") or {}
            if any(args.get(k) for k in ("version_id", "shot", "scene")):
                return Focus(args.get("version_id"), args.get("shot"), args.get("scene"))
    return Focus()


def _from_result(name: str, text: str) -> Focus:
    try:
        result: Any = json.loads(text)
    except ValueError:
        return Focus()
    if name == "render_frames" and isinstance(result, dict) and result.get("versions"):
        last = result["versions"][-1]
        return Focus(last["version_id"], last["shot"], last["scene"])
    if name == "revise_frame" and isinstance(result, dict) and "version" in result:
        made = result["version"]
        return Focus(made["version_id"], made["shot"], made["scene"])
    if name in ("set_status", "check_continuity") and isinstance(result, dict):
        return Focus(result.get("version_id"), result.get("shot"), result.get("scene"))
    if name == "list_versions" and isinstance(result, list) and result:
        return Focus(result[-1]["version_id"], result[-1]["shot"], result[-1]["scene"])
    if name == "get_shot" and isinstance(result, dict):
        return Focus(result.get("latest_version"), result.get("shot"), result.get("scene"))
    if name == "get_scene" and isinstance(result, dict):
        return Focus(scene=result.get("number"))
    return Focus()


def _notes(message: BaseMessage) -> dict[str, Any]:
    notes = message.additional_kwargs.get("frameline") if isinstance(message, AIMessage) else None
    return notes if isinstance(notes, dict) else {}


def offer_of(history: Sequence[BaseMessage]) -> list[dict[str, Any]]:
    """The calls the planner offered in its last reply, if the person has not answered since."""
    for message in reversed(history):
        if isinstance(message, HumanMessage):
            return []
        if isinstance(message, AIMessage) and not message.tool_calls:
            return list(_notes(message).get("offer") or [])
    return []


def steps_left(turn: Sequence[BaseMessage]) -> list[list[dict[str, Any]]]:
    """The steps still to run in this turn ("approve and lock 1A": the lock, after the approval)."""
    for message in reversed(turn):
        if isinstance(message, AIMessage) and message.tool_calls:
            return list(_notes(message).get("later") or [])
    return []
