"""The conversation graph: the model plans tool calls, costly or final ones wait for a person.

model → (tool calls?) → approval → [wait] → tools → model … → end. The builder is exported
uncompiled; the composition root (agent/service.py) compiles it with the checkpointer.
"""

from __future__ import annotations

from typing import Any, Literal

from langchain_core.messages import AIMessage, SystemMessage
from langchain_core.runnables import RunnableConfig
from langgraph.graph import END, START, StateGraph
from langgraph.prebuilt import ToolNode, tools_condition
from langgraph.runtime import Runtime
from langgraph.types import interrupt
from pydantic import BaseModel, ValidationError

from agent import approvals
from agent.context import Context
from agent.models import call_model
from agent.prompts import SYSTEM_PROMPT
from agent.state import State
from agent.tools import TOOLS, target_version

TOOLS_BY_NAME = {tool.name: tool for tool in TOOLS}


def model(state: State, runtime: Runtime[Context], config: RunnableConfig) -> dict[str, Any]:
    """Ask the model for the next step, with the tools bound and the security rules first."""
    context = runtime.context
    system = SYSTEM_PROMPT.format(
        project=context.project,
        person=context.person,
        role=context.role,
        cast=", ".join(context.cast) or "none recorded yet",
    )
    bound = context.model.bind_tools(TOOLS)
    response = call_model(context, bound, [SystemMessage(system), *state["messages"]], config)
    return {"messages": [response]}


def _gate(context: Context, call: dict[str, Any]) -> approvals.Gate | None:
    """Whether a tool call waits for a person; calls the tools will refuse anyway do not."""
    args = call.get("args") or {}
    schema = getattr(TOOLS_BY_NAME.get(call["name"]), "args_schema", None)
    if not (isinstance(schema, type) and issubclass(schema, BaseModel)):
        return None
    try:
        schema.model_validate(args)
    except ValidationError:
        return None
    if call["name"] == "render_frames":
        return approvals.render_gate(context.studio, context.project, args)
    if call["name"] == "set_status" and isinstance(args.get("status"), str):
        version_id = target_version(
            context.studio, context.project, args.get("version_id"), args.get("shot")
        )
        if version_id is not None:
            return approvals.status_gate(
                context.actor, version_id, args["status"], args.get("override_reason")
            )
    return None


def approval(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Record what needs approval; a person whose role may approve it has approved it already."""
    context = runtime.context
    last = state["messages"][-1]
    assert isinstance(last, AIMessage)
    decisions = dict(state.get("decisions", {}))
    waiting = []
    for call in last.tool_calls:
        gate = _gate(context, call)
        if gate is None or call["id"] is None:
            continue
        asked = approvals.request(
            context.studio, context.actor, context.project, context.thread_id, call["id"], gate
        )
        decisions[call["id"]] = _decision(asked)
        if asked["state"] == "pending":
            waiting.append(asked)
    return {"decisions": decisions, "pending": waiting}


def _decision(asked: dict[str, Any]) -> dict[str, Any]:
    return {
        "approval_id": asked["approval_id"],
        "state": asked["state"],
        "by": asked["decided_by"],
        "role": asked["decided_role"],
    }


def after_approval(state: State) -> Literal["wait", "tools"]:
    """Pause only when something waits for a person."""
    return "wait" if state.get("pending") else "tools"


def wait(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Pause the conversation until the pending approvals are decided, then read the decisions."""
    pending = state.get("pending", [])
    # The resume value only wakes the node: the decisions are read from the records.
    interrupt({"approvals": [_shown(asked) for asked in pending]})
    decisions = dict(state.get("decisions", {}))
    for call_id, decision in list(decisions.items()):
        if decision["state"] == "pending":
            decided = approvals.find(runtime.context.studio, decision["approval_id"])
            decisions[call_id] = _decision(decided)
    return {"decisions": decisions, "pending": []}


def _shown(asked: dict[str, Any]) -> dict[str, Any]:
    keys = ("approval_id", "action", "needs_role", "details", "requested_by")
    return {key: asked[key] for key in keys}


builder = StateGraph(State, context_schema=Context)
builder.add_node("model", model)
builder.add_node("approval", approval)
builder.add_node("wait", wait)
builder.add_node("tools", ToolNode(TOOLS))
builder.add_edge(START, "model")
builder.add_conditional_edges("model", tools_condition, {"tools": "approval", END: END})
builder.add_conditional_edges("approval", after_approval)
builder.add_edge("wait", "tools")
builder.add_edge("tools", "model")
