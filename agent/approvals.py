"""Human approval of costly or final tool calls: the agent's view of tools.policy and
tools.approvals, so a conversation and every other front door decide and record alike.

Ids are derived from the thread and tool call, so asking again is idempotent.
"""

from __future__ import annotations

from typing import Any

from core.errors import InvalidInput
from tools import policy
from tools.approvals import (
    ACTIONS,
    DECISIONS,
    Gate,
    approval_id,
    approval_json,
    check_decider,
    decide,
    find,
    pending,
    request,
)
from tools.policy import APPROVAL_COUNT, status_gate

__all__ = [
    "ACTIONS",
    "APPROVAL_COUNT",
    "DECISIONS",
    "Gate",
    "approval_id",
    "approval_json",
    "check_decider",
    "decide",
    "find",
    "pending",
    "render_gate",
    "request",
    "status_gate",
]


def render_gate(studio: Any, project: str, args: dict[str, Any]) -> Gate | None:
    """The policy's render gate; arguments the tool's schema refuses are not gated here."""
    try:
        return policy.render_gate(studio, project, args)
    except InvalidInput:
        return None
