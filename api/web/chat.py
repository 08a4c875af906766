"""The assistant panel: one conversation per person and project, kept across reloads and
sign-ins, its replies streamed, its approvals answered with a button.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Path, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from api.deps import FramelineDep
from api.sse import sse_response
from api.web.session import ProjectVisitorDep, Visitor, check_csrf
from core.errors import FramelineError, NotFound
from memory.store import get_project
from memory.web_sessions import chat_thread
from tools.context import Actor

log = logging.getLogger("frameline.web")
router = APIRouter(include_in_schema=False)
HISTORY_LIMIT = 60
"""Messages of a conversation the panel shows on load; the oldest are left out."""


def thread_of(frameline: Any, visitor: Visitor, slug: str) -> str:
    """The conversation of this person on this project (the same after a reload or sign-in)."""
    with frameline.transaction() as session:
        get_project(session, slug)
        return chat_thread(session, visitor.holder.person, slug)


def chat_history(frameline: Any, visitor: Visitor, slug: str) -> dict[str, Any]:
    """What the panel shows on load: earlier messages and the approvals still waiting."""
    from agent.service import conversation

    thread_id = thread_of(frameline, visitor, slug)
    try:
        found = conversation(frameline, thread_id, slug)
    except NotFound:
        return {"thread_id": thread_id, "messages": [], "pending": []}
    messages = [
        {"role": m["role"], "text": m.get("text") or "", "name": m.get("name")}
        for m in found["messages"]
        if m["role"] in ("user", "assistant") and (m.get("text") or "").strip()
    ]
    return {
        "thread_id": thread_id,
        "messages": messages[-HISTORY_LIMIT:],
        "pending": found.get("pending", []),
    }


class ChatIn(BaseModel):
    """One message typed in the chat panel."""

    text: str = Field(min_length=1, max_length=4000)


@router.get("/p/{slug}/chat")
def chat_log(slug: str, visitor: ProjectVisitorDep, frameline: FramelineDep) -> JSONResponse:
    """The panel's conversation so far, for a page that loads it after a reload."""
    return JSONResponse(chat_history(frameline, visitor, slug))


@router.post("/p/{slug}/chat")
def chat(
    slug: str,
    body: ChatIn,
    request: Request,
    visitor: ProjectVisitorDep,
    frameline: FramelineDep,
    x_csrf_token: Annotated[str, Header(max_length=200)] = "",
) -> StreamingResponse:
    """One turn of the assistant, streamed as Server-Sent Events to the chat panel."""
    check_csrf(request, x_csrf_token)
    thread_id = thread_of(frameline, visitor, slug)
    events = _assistant_turn(frameline, visitor.actor, slug, thread_id, body.text)
    return sse_response(events)


def _assistant_turn(
    frameline: Any, actor: Actor, project: str, thread_id: str, text: str
) -> Iterator[tuple[str, Any]]:
    """The agent's events; a failed turn ends the stream with a message the panel shows."""
    from agent.service import stream_turn

    try:
        yield from stream_turn(frameline, actor, project, thread_id, text)
    except FramelineError as error:
        yield "error", {"message": error.message}
    except Exception:  # a broken turn must end the stream with a message, not a cut connection
        log.exception("assistant turn failed")
        yield "error", {"message": "the assistant failed on the server; it is logged"}


class DecisionIn(BaseModel):
    """A button pressed on an approval in the panel."""

    decision: Literal["approve", "reject"]


@router.post("/p/{slug}/approvals/{approval_id}")
def decide(
    slug: str,
    approval_id: Annotated[str, Path(pattern=r"^a[0-9a-f]{1,39}$")],
    body: DecisionIn,
    request: Request,
    visitor: ProjectVisitorDep,
    frameline: FramelineDep,
    x_csrf_token: Annotated[str, Header(max_length=200)] = "",
) -> JSONResponse:
    """Approve or reject from the panel, as the API does for this person's key and role."""
    from agent.service import decide_approval

    check_csrf(request, x_csrf_token)
    outcome = decide_approval(frameline, visitor.actor, approval_id, body.decision, slug)
    return JSONResponse(outcome.to_json())
