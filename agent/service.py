"""The agent's entry points for every front end: a turn, a streamed turn, an approval decision.

This is the agent's composition root: it compiles the graph with the checkpointer, builds each
turn's runtime context and turns the graph's stream into the SSE-style events front ends show.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langgraph.errors import GraphRecursionError
from langgraph.types import Command

from agent import approvals
from agent.checkpoints import open_checkpointer
from agent.context import Context
from agent.graph import builder
from agent.models import load_chat_model
from agent.planner import LABEL, PLANNER_NAME
from agent.production import read_production
from agent.replies import signed
from core.errors import BackendUnavailable, Conflict, FramelineError, InvalidInput, NotFound
from memory.store import check_role, get_project, list_characters
from tools.context import Actor
from tools.money_display import display_estimate
from tools.policy import Release, release
from tools.scripts import search_memory

Event = tuple[str, Any]
MAX_TEXT = 8000
STEPS = 30
THREAD_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$")


@dataclass(frozen=True)
class TurnResult:
    """What a turn ended with, as `frameline ask --json` prints it."""

    reply: str
    thread_id: str
    model: str
    tool_calls: list[dict[str, Any]]
    pending: list[dict[str, Any]]
    project: str
    model_kind: str

    def to_json(self) -> dict[str, Any]:
        """The documented fields, plus the project and what kind of model answered."""
        return asdict(self)


def new_thread_id() -> str:
    """A fresh conversation id."""
    return uuid.uuid4().hex


@cache
def _graph() -> Any:
    """The graph, compiled once per process; each turn attaches its checkpointer to a copy."""
    return builder.compile()


@contextmanager
def _compiled(frameline: Any) -> Iterator[Any]:
    with open_checkpointer(frameline.settings) as saver:
        yield _graph().copy({"checkpointer": saver})


def _config(thread_id: str) -> dict[str, Any]:
    return {"configurable": {"thread_id": thread_id}, "recursion_limit": STEPS}


def _context(frameline: Any, person: str, role: str, project: str, thread_id: str) -> Context:
    with frameline.transaction() as session:
        cast = tuple(
            c.name.upper() for c in list_characters(session, get_project(session, project))
        )
    production = None
    if frameline.settings.chat_model.strip() in ("", "offline"):
        finder = _scene_finder(frameline, person, role, project)
        production = read_production(frameline, project, finder)
    model, name = load_chat_model(frameline.settings, cast, production)
    return Context(
        frameline, frameline.settings, project, person, role, thread_id, model, name, cast
    )


def _scene_finder(frameline: Any, person: str, role: str, project: str) -> Any:
    """Scenes by description ("where she breaks into the office"), through the memory search."""

    def find(description: str) -> list[str]:
        try:
            hits = search_memory(frameline, Actor(person, role), project, description, ["scene"], 3)
        except FramelineError:
            return []
        return [hit.id for hit in hits]

    return find


def _turn(
    frameline: Any, actor: Actor, project: str, thread_id: str | None, text: str, live: bool
) -> Iterator[Event]:
    """Refuse a turn that cannot run, yield `ready` with its context, then run it."""
    text = text.strip()
    if not text:
        raise InvalidInput("the message is empty; say what you need")
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"the message is longer than {MAX_TEXT} characters")
    check_role(actor.role)
    thread_id = thread_id or new_thread_id()
    if not THREAD_ID.match(thread_id):
        raise InvalidInput(f"thread id {thread_id!r} is not valid: use letters, digits, . _ : -")
    context = _context(frameline, actor.person, actor.role, project, thread_id)
    with _compiled(frameline) as graph:
        values = graph.get_state(_config(thread_id)).values
        if values and values.get("project") != project:
            raise NotFound(f"no conversation {thread_id!r} in project {project!r}")
        if waiting := values.get("pending"):
            ids = ", ".join(a["approval_id"] for a in waiting)
            raise Conflict(
                f"conversation {thread_id} is waiting for approval {ids}; resolve it first"
            )
        yield "ready", context
        turn = {"messages": [HumanMessage(text)], "person": actor.person, "role": actor.role}
        yield from _run(graph, context, {**turn, "project": project}, live)


def _run(graph: Any, context: Context, graph_input: Any, live: bool = False) -> Iterator[Event]:
    """Run the graph, yielding progress, tokens, tool calls and approvals, then the result.

    Only a live run streams tokens and progress: without them LangGraph runs each step on the
    calling thread, which is what a front end waiting for the whole answer wants.
    """
    config = _config(context.thread_id)
    order: list[str] = []
    modes = ["messages", "updates", "custom"] if live else ["updates"]
    # Checkpoint once, when the run ends or pauses for approval: a step-by-step record costs more
    # than the render it wraps, and the records (versions, ledger) are the truth if a turn dies.
    stream = graph.stream(
        graph_input, config, context=context, stream_mode=modes, durability="exit"
    )
    try:
        for mode, chunk in stream:
            yield from _events(mode, chunk, order)
    except GraphRecursionError:
        raise BackendUnavailable(
            f"the model kept calling tools without answering; stopped after {STEPS} steps"
        ) from None
    snapshot = graph.get_state(config)
    paused = bool(snapshot.next)
    yield "done", _result(context, snapshot.values.get("messages", []), order, paused)


def _events(mode: str, chunk: Any, order: list[str]) -> Iterator[Event]:
    if mode == "custom":
        yield "progress", chunk
    elif mode == "messages":
        message, meta = chunk
        spoken = isinstance(message, AIMessage) and message.text
        if spoken and meta.get("langgraph_node") == "model":
            yield "token", {"text": message.text}
    else:
        for node, update in chunk.items():
            if node == "__interrupt__":
                for pause in update:
                    for asked in pause.value["approvals"]:
                        yield "approval", asked
                continue
            for message in (update or {}).get("messages", []) if node in ("model", "tools") else ():
                if isinstance(message, AIMessage):
                    for call in message.tool_calls:
                        order.append(str(call["id"]))
                        yield "tool_call", {"name": call["name"], "args": call["args"]}
                elif isinstance(message, ToolMessage):
                    if message.tool_call_id not in order:
                        order.append(message.tool_call_id)
                    yield "progress", {"tool": message.name, "status": message.status}


def _result(
    context: Context, messages: list[BaseMessage], order: list[str], paused: bool
) -> TurnResult:
    calls = {c["id"]: c for m in messages if isinstance(m, AIMessage) for c in m.tool_calls}
    waiting = (
        approvals.pending(context.studio, context.project, context.thread_id) if paused else []
    )
    if waiting:
        reply = " ".join(_waiting_reply(asked) for asked in waiting)
    else:
        reply = messages[-1].text if messages and isinstance(messages[-1], AIMessage) else ""
    if context.model_name == PLANNER_NAME:
        reply = signed(reply)  # every front door shows who answered: the reply carries the label
    return TurnResult(
        reply=reply,
        thread_id=context.thread_id,
        model=context.model_name,
        tool_calls=[{"name": calls[i]["name"], "args": calls[i]["args"]} for i in order],
        pending=[_pending_json(asked) for asked in waiting],
        project=context.project,
        model_kind=LABEL if context.model_name == PLANNER_NAME else "language model",
    )


def _pending_json(asked: dict[str, Any]) -> dict[str, Any]:
    keys = ("approval_id", "action", "needs_role", "details")
    return {key: asked[key] for key in keys}


def _waiting_reply(asked: dict[str, Any]) -> str:
    details = asked["details"]
    currency = details.get("currency") or "USD"
    what = {
        "render": f"Rendering {details.get('count')} frame(s) of scene {details.get('scene')}"
        + (
            f" (estimated {display_estimate(details['estimate'], currency)})"
            if details.get("estimate")
            else ""
        ),
        "lock": f"Locking {details.get('version_id')}",
        "override": f"Setting {details.get('version_id')} to {details.get('status')} over a "
        f"failed check ({details.get('override_reason')})",
    }[asked["action"]]
    return (
        f"{what} waits for a {asked['needs_role']}'s approval ({asked['approval_id']}): "
        f"`frameline approvals resolve {asked['approval_id']} --decision approve|reject`."
    )


def _finish(events: Iterator[Event]) -> TurnResult:
    for event, data in events:
        if event == "done":
            return data
    raise BackendUnavailable("the conversation ended without a result")


def run_turn(
    frameline: Any, actor: Actor, project: str, thread_id: str | None, text: str
) -> TurnResult:
    """One turn of the conversation; errors are raised as Frameline errors."""
    return _finish(_turn(frameline, actor, project, thread_id, text, live=False))


def stream_turn(
    frameline: Any, actor: Actor, project: str, thread_id: str | None, text: str
) -> Iterator[Event]:
    """A turn as events; bad input is raised now, failures later become `error` then `done`."""
    events = _turn(frameline, actor, project, thread_id, text, live=True)
    _, context = next(events)
    return _reported(context, events)


def _reported(context: Context, events: Iterator[Event]) -> Iterator[Event]:
    try:
        for event, data in events:
            yield event, data.to_json() if event == "done" else data
    except Exception as error:
        message = error.message if isinstance(error, FramelineError) else "internal error"
        yield "error", {"message": message, "kind": type(error).__name__}
        empty = TurnResult("", context.thread_id, context.model_name, [], [], context.project, "")
        yield "done", {**empty.to_json(), "error": message}


def decide_approval(
    frameline: Any, actor: Actor, approval_id: str, decision: str, project: str | None = None
) -> Release | TurnResult:
    """Decide any approval for a server: a waiting job is released to the server's worker (or
    cancelled); an approval a conversation waits for resumes that conversation."""
    released = release(frameline, actor, approval_id, decision, project)
    if released is not None:
        return released
    return resolve_approval(frameline, actor, approval_id, decision, project)


def resolve_approval(
    frameline: Any, actor: Actor, approval_id: str, decision: str, project: str | None = None
) -> TurnResult:
    """Decide a pending approval (by a role that may) and resume its conversation."""
    if decision not in approvals.DECISIONS:
        raise InvalidInput(f"decision must be approve or reject, not {decision!r}")
    asked = approvals.find(frameline, approval_id, project)
    approvals.check_decider(actor, asked["action"], asked["approval_id"])
    config = _config(asked["thread_id"])
    with _compiled(frameline) as graph:
        values = graph.get_state(config).values
        waiting = [a["approval_id"] for a in values.get("pending", [])]
        if asked["state"] == "pending":
            approvals.decide(frameline, actor, asked["approval_id"], decision)
        elif asked["approval_id"] not in waiting:
            raise Conflict(
                f"approval {approval_id} was already {asked['state']} by {asked['decided_by']}"
            )
        person = values.get("person", asked["requested_by"])
        role = values.get("role", actor.role)
        context = _context(frameline, person, role, asked["project"], asked["thread_id"])
        still = approvals.pending(frameline, asked["project"], asked["thread_id"])
        if asked["approval_id"] not in waiting or still:
            return _result(context, [AIMessage("Recorded the decision.")], [], bool(still))
        decided = {a: approvals.find(frameline, a)["state"] for a in waiting}
        return _finish(_run(graph, context, Command(resume=decided)))


def pending_approvals(frameline: Any, project: str) -> list[dict[str, Any]]:
    """The approvals waiting in a project, oldest first."""
    return approvals.pending(frameline, project)


def conversation(frameline: Any, thread_id: str, project: str | None = None) -> dict[str, Any]:
    """A conversation's history and what it waits for; one of another project is not found."""
    with _compiled(frameline) as graph:
        values = graph.get_state(_config(thread_id)).values
    if not values or (project is not None and values.get("project") != project):
        raise NotFound(f"no conversation {thread_id!r}")
    return {
        "thread_id": thread_id,
        "project": values["project"],
        "messages": [_message_json(m) for m in values.get("messages", [])],
        "pending": [
            _pending_json(a) for a in approvals.pending(frameline, values["project"], thread_id)
        ],
    }


def _message_json(message: BaseMessage) -> dict[str, Any]:
    if isinstance(message, HumanMessage):
        return {"role": "user", "text": message.text}
    if isinstance(message, ToolMessage):
        return {
            "role": "tool",
            "name": message.name,
            "status": message.status,
            "text": message.text,
        }
    calls = [{"name": c["name"], "args": c["args"]} for c in getattr(message, "tool_calls", [])]
    return {"role": "assistant", "text": message.text, "tool_calls": calls}
