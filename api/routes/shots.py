"""Shots, renders and their versions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import CallerDep, FramelineDep, page
from api.problems import ERROR_RESPONSES
from api.schemas import JobAccepted, Page, RenderIn, Shot, Version
from memory.store import get_project, list_shots
from tools.frames import list_versions
from tools.policy import submit
from tools.shots import shot_json

router = APIRouter(prefix="/v1/projects", tags=["shots"], responses=ERROR_RESPONSES)


@router.get("/{slug}/shots", response_model=Page[Shot])
def list_project_shots(
    caller: CallerDep,
    frameline: FramelineDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=20)] = None,
) -> dict[str, Any]:
    """Every shot with its latest version, in creation order."""
    with frameline.transaction() as session:
        shots = list_shots(session, get_project(session, caller.project))
        return page([shot_json(session, frameline, s) for s in shots], limit, cursor)


@router.get("/{slug}/shots/{code}/versions", response_model=Page[Version])
def list_shot_versions(
    code: str,
    caller: CallerDep,
    frameline: FramelineDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=20)] = None,
) -> dict[str, Any]:
    """A shot's versions, oldest first."""
    versions = list_versions(frameline, caller.actor, caller.project, code)
    return page([v.to_json() for v in versions], limit, cursor)


@router.post(
    "/{slug}/renders", response_model=JobAccepted, status_code=202, response_model_exclude_none=True
)
def render(body: RenderIn, caller: CallerDep, frameline: FramelineDep) -> dict[str, Any]:
    """Queue a render, or answer the approval it waits for; follow it at /v1/jobs/{job_id}."""
    submitted = submit(frameline, caller.actor, caller.project, "render", body.model_dump())
    if not submitted.waiting:
        frameline.worker.enqueue(submitted.job.job_id)
    return submitted.to_json()
