"""The conversation state that the checkpointer keeps between turns and across restarts."""

from __future__ import annotations

from typing import Annotated, Any, TypedDict

from langchain_core.messages import AnyMessage
from langgraph.graph import add_messages


class State(TypedDict, total=False):
    """Messages, whose conversation it is, and the approvals it waits on or has received.

    `decisions` maps a tool call id to the approval decided for it, so the tool that runs
    the call can check it was cleared (tools enforce approvals, not only the graph).
    """

    messages: Annotated[list[AnyMessage], add_messages]
    project: str
    person: str
    role: str
    pending: list[dict[str, Any]]
    decisions: dict[str, dict[str, Any]]
