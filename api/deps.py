"""Typed dependencies: the wired Frameline, the caller's key, and the project they may touch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from core.errors import NotFound
from memory.keys import KeyHolder, verify_key
from tools.context import Actor


def get_frameline(request: Request) -> Any:
    """The Frameline the app was built with (one per process, made by the composition root)."""
    return request.app.state.frameline


FramelineDep = Annotated[Any, Depends(get_frameline)]


def get_holder(request: Request, frameline: FramelineDep) -> KeyHolder:
    """The holder of the Bearer key; a missing or wrong key is 401."""
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise HTTPException(401, "send an API key as 'Authorization: Bearer KEY'")
    with frameline.transaction() as session:
        holder = verify_key(session, key.strip())
    if holder is None:
        raise HTTPException(401, "the API key is not valid or was revoked")
    return holder


HolderDep = Annotated[KeyHolder, Depends(get_holder)]


@dataclass(frozen=True)
class Caller:
    """The person behind a request and the project it is about."""

    actor: Actor
    project: str


def can_see(holder: KeyHolder, project: str) -> bool:
    """A project key sees its project only; a key without a project sees them all."""
    return holder.project is None or holder.project == project


def get_caller(slug: str, holder: HolderDep) -> Caller:
    """The caller on the project in the path; another project's key gets 404, not 403."""
    if not can_see(holder, slug):
        raise NotFound(f"no project {slug!r}")
    return Caller(Actor(holder.person, holder.role), slug)


CallerDep = Annotated[Caller, Depends(get_caller)]


def page(items: list[Any], limit: int, cursor: str | None) -> dict[str, Any]:
    """One page of a list: items from the cursor on, and the cursor of the next page or null."""
    start = 0
    if cursor:
        if not cursor.isdigit() or int(cursor) > len(items):
            raise HTTPException(422, f"cursor {cursor!r} is not one this API gave out")
        start = int(cursor)
    end = start + limit
    return {"items": items[start:end], "next": str(end) if end < len(items) else None}
