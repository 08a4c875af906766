"""What the offline planner hands back for one request, and the helpers every intent shares.

A plan is tool calls now, later steps, an offer waiting for a "yes", or a plain reply; the helpers
name unknown ids with the nearest real ones, so every intent answers a typo the same way.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agent.production import Production
from agent.thread import Focus
from agent.understanding import Reading

Call = dict[str, Any]
Handler = Callable[[str, Reading, Production, Focus], Any]
"""What each intent's handler is: the words, how they were read, the production, the thread."""


def fresh(calls: list[Call]) -> list[Call]:
    """The calls again under new ids (an offer accepted, a later step started)."""
    return [call_of(call["name"], **call["args"]) for call in calls]


def call_of(tool: str, **args: Any) -> Call:
    """A tool call as a model would make it (None arguments are left out)."""
    clean = {key: value for key, value in args.items() if value is not None}
    return {"name": tool, "args": clean, "id": f"call_{uuid.uuid4().hex[:16]}", "type": "tool_call"}


@dataclass
class Plan:
    """What the planner does with one request: tool calls now, later steps, or a reply."""

    calls: list[Call] = field(default_factory=list)
    reply: str | None = None
    later: list[list[Call]] = field(default_factory=list)
    offer: list[Call] = field(default_factory=list)
    intent: str = ""
    act: str = ""


def unknown(found: Any, production: Production) -> str | None:
    """Which typed ids do not exist, with the nearest real ones."""
    if not found.unknown:
        return None
    lines = []
    for name in found.unknown:
        if name.lower().startswith("v") and name[1:].isdigit():
            near = production.nearest_versions(name)
            lines.append(
                f"There is no version {name} in {production.project or 'this project'}"
                + (f"; the nearest are {', '.join(near)}." if near else "; none exist yet.")
            )
        else:
            near = production.nearest_shots(name)
            lines.append(
                f"There is no shot {name} in {production.project or 'this project'}"
                + (f"; shots are {', '.join(near)}." if near else "; none exist yet.")
            )
    return " ".join(lines) + " Nothing was changed."


def either(options: list[str]) -> str:
    """Choices as a person lists them: "3A, 3B or 3C"."""
    return ", ".join(options[:-1]) + f" or {options[-1]}" if len(options) > 1 else options[0]


def no_scene(scene: str, production: Production) -> str:
    """An unknown scene, with the nearest real ones."""
    near = production.nearest_scenes(scene)
    return (
        f"There is no scene {scene}; the nearest are {', '.join(near)}."
        if near
        else ("This project has no scenes yet: import a screenplay first.")
    )


def spoken(kind: str, value: str) -> str:
    """A target as a reply names it: "v7" or "shot 12B"."""
    return value if kind == "version_id" else f"shot {value}"


def look_at(kind: str, value: str, production: Production) -> Call:
    """The read-only call that shows a target, for a question about changing it."""
    if kind == "shot":
        return call_of("get_shot", shot=value)
    info = production.versions.get(value)
    return call_of("list_versions", shot=info.shot) if info else call_of("list_shots")
