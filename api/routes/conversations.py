"""Conversations with the agent (streamed as SSE) and the approvals they wait for.

The agent (LangGraph, LangChain) is imported by the handlers, on the first conversation, so
building the app stays quick.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from api.deps import CallerDep, FramelineDep, HolderDep, can_see, page
from api.sse import sse_response
from core.errors import NotFound
from tools.context import Actor
from tools.conversation_access import conversation_project, join_conversation

router = APIRouter(tags=["conversations"])

ThreadId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$")]
ApprovalId = Annotated[str, Path(pattern=r"^a[0-9a-f]{1,39}$")]
Limit = Annotated[int, Query(ge=1, le=500, description="Items per page.")]
Cursor = Annotated[str | None, Query(max_length=20, description="From a previous page's `next`.")]
STREAMED = {200: {"content": {"text/event-stream": {}}, "description": "token … done"}}


class MessageIn(BaseModel):
    """A person's message in a conversation of one project."""

    project: str = Field(min_length=1, max_length=64)
    text: str = Field(max_length=8000)


class DecisionIn(BaseModel):
    """A decision about a pending approval."""

    decision: Literal["approve", "reject"]


def _in_own_thread(events: Iterator[tuple[str, Any]]) -> Iterator[tuple[str, Any]]:
    """Run the whole turn on one thread (the graph keeps per-thread state) and hand events on."""
    handoff: queue.Queue[tuple[str, Any] | None] = queue.Queue()

    def drive() -> None:
        try:
            for event in events:
                handoff.put(event)
        finally:
            handoff.put(None)

    threading.Thread(target=drive, name="frameline-turn", daemon=True).start()
    while (event := handoff.get()) is not None:
        yield event


@router.post(
    "/v1/conversations/{thread_id}/messages",
    response_class=StreamingResponse,
    responses=STREAMED,
)
def post_message(
    thread_id: ThreadId, body: MessageIn, frameline: FramelineDep, holder: HolderDep
) -> StreamingResponse:
    """One turn of the agent, streamed: progress, token, tool_call, approval, error, then done."""
    from agent.service import stream_turn

    if not can_see(holder, body.project):
        raise NotFound(f"no project {body.project!r}")
    join_conversation(frameline, thread_id, body.project, holder.person)
    actor = Actor(holder.person, holder.role)
    events = stream_turn(frameline, actor, body.project, thread_id, body.text)
    return sse_response(_in_own_thread(events))


@router.get("/v1/conversations/{thread_id}")
def read_conversation(
    thread_id: ThreadId, frameline: FramelineDep, holder: HolderDep
) -> dict[str, Any]:
    """A conversation's messages and the approvals it waits for."""
    from agent.service import conversation

    project = conversation_project(frameline, thread_id, holder.person)
    if not can_see(holder, project):
        raise NotFound(f"no conversation {thread_id!r}")
    return conversation(frameline, thread_id, project)


@router.get("/v1/projects/{slug}/approvals")
def list_approvals(
    caller: CallerDep, frameline: FramelineDep, limit: Limit = 50, cursor: Cursor = None
) -> dict[str, Any]:
    """The approvals waiting in the project, oldest first."""
    from agent.service import pending_approvals

    return page(pending_approvals(frameline, caller.project), limit, cursor)


@router.post("/v1/approvals/{approval_id}")
def decide(
    approval_id: ApprovalId, body: DecisionIn, frameline: FramelineDep, holder: HolderDep
) -> dict[str, Any]:
    """Approve or reject (by a role that may): a waiting job is released (run by the server's
    worker) or cancelled, `{"approval", "job"}`; a conversation resumes, the turn's result."""
    from agent.service import decide_approval

    actor = Actor(holder.person, holder.role)
    return decide_approval(frameline, actor, approval_id, body.decision, holder.project).to_json()
