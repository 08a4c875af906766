"""Notes on frames: `GET/POST /v1/versions/{id}/comments`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from api.deps import FramelineDep, HolderDep, can_see, page
from api.problems import ERROR_RESPONSES
from core.errors import NotFound
from memory.keys import KeyHolder
from memory.store import get_version, project_of_version
from tools.comments import MAX_COMMENT, add_comment, list_comments
from tools.context import Actor

router = APIRouter(prefix="/v1/versions", tags=["comments"], responses=ERROR_RESPONSES)


class CommentIn(BaseModel):
    """A new note on a frame; `@name` mentions a person."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=MAX_COMMENT, examples=["@ana the lamp is too warm"])


class Comment(BaseModel):
    """A note on a frame, with its author, their role and when it was written."""

    comment_id: str
    version_id: str
    person: str
    role: str
    text: str
    at: str
    mentions: list[str] = []


class CommentPage(BaseModel):
    """One page of a version's notes, oldest first."""

    items: list[Comment]
    next: str | None


def _actor(frameline: Any, holder: KeyHolder, version_id: str) -> Actor:
    """The caller on the version's project; another project's version is not found."""
    with frameline.transaction() as session:
        project = project_of_version(session, get_version(session, version_id))
    if not can_see(holder, project):
        raise NotFound(f"no version {version_id!r}; version ids look like v12")
    return Actor(holder.person, holder.role)


@router.get("/{version_id}/comments", response_model=CommentPage)
def read_comments(
    version_id: str,
    frameline: FramelineDep,
    holder: HolderDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=20)] = None,
) -> dict[str, Any]:
    """A version's notes, oldest first."""
    actor = _actor(frameline, holder, version_id)
    notes = list_comments(frameline, actor, version_id)
    return page([note.to_json() for note in notes], limit, cursor)


@router.post("/{version_id}/comments", response_model=Comment, status_code=201)
def write_comment(
    version_id: str, body: CommentIn, frameline: FramelineDep, holder: HolderDep
) -> dict[str, Any]:
    """Leave a note on a version as the key's person and role."""
    from integrations.slack.notes import share_note

    actor = _actor(frameline, holder, version_id)
    note = add_comment(frameline, actor, version_id, body.text).to_json()
    share_note(frameline, note)
    return note
