"""Versions: metadata, the PNG, the provenance manifest, lineage, status and revisions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from api.deps import Caller, FramelineDep, HolderDep, can_see
from api.problems import ERROR_RESPONSES
from api.schemas import JobAccepted, ReviseIn, StatusIn, Version
from core.errors import NotFound
from memory.store import get_version, project_of_version
from tools.context import Actor
from tools.frames import version_view
from tools.policy import submit
from tools.versions import lineage, set_status

router = APIRouter(prefix="/v1/versions", tags=["versions"], responses=ERROR_RESPONSES)


def _caller(frameline: Any, holder: Any, version_id: str) -> Caller:
    """The caller on the version's project; another project's version is not found."""
    with frameline.transaction() as session:
        project = project_of_version(session, get_version(session, version_id))
    if not can_see(holder, project):
        raise NotFound(f"no version {version_id!r}; version ids look like v12")
    return Caller(Actor(holder.person, holder.role), project)


@router.get("/{version_id}", response_model=Version)
def read_version(version_id: str, frameline: FramelineDep, holder: HolderDep) -> dict[str, Any]:
    """One version."""
    _caller(frameline, holder, version_id)
    with frameline.transaction() as session:
        return version_view(session, frameline, get_version(session, version_id)).to_json()


@router.get(
    "/{version_id}/image",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}, "description": "The frame as PNG."}},
)
def read_image(version_id: str, frameline: FramelineDep, holder: HolderDep) -> Response:
    """The frame as PNG, with its provenance in text chunks."""
    _caller(frameline, holder, version_id)
    with frameline.transaction() as session:
        sha256 = get_version(session, version_id).asset_sha256
    return Response(
        frameline.assets.read(sha256),
        media_type="image/png",
        headers={"Cache-Control": "private, max-age=31536000, immutable", "ETag": f'"{sha256}"'},
    )


@router.get("/{version_id}/manifest")
def read_manifest(version_id: str, frameline: FramelineDep, holder: HolderDep) -> Response:
    """The JSON provenance manifest beside the PNG."""
    _caller(frameline, holder, version_id)
    path = frameline.assets.root / "manifests" / f"{version_id.lower()}.json"
    if not path.exists():
        raise NotFound(f"{version_id} has no provenance manifest")
    return Response(path.read_bytes(), media_type="application/json")


@router.get("/{version_id}/lineage", response_model=list[Version])
def read_lineage(version_id: str, frameline: FramelineDep, holder: HolderDep) -> list[Any]:
    """The version's ancestors, oldest first, ending with the version."""
    _caller(frameline, holder, version_id)
    with frameline.transaction() as session:
        chain = lineage(session, get_version(session, version_id))
        return [version_view(session, frameline, v).to_json() for v in chain]


@router.post("/{version_id}/status", response_model=Version)
def change_status(
    version_id: str, body: StatusIn, frameline: FramelineDep, holder: HolderDep
) -> dict[str, Any]:
    """Approve, lock (`approve`: a draft at once), or unlock a locked version with a reason."""
    caller = _caller(frameline, holder, version_id)
    view = set_status(
        frameline,
        caller.actor,
        version_id,
        body.status,
        override_reason=body.override_reason,
        approve_first=body.approve,
    )
    return view.to_json()


@router.post(
    "/{version_id}/revisions",
    response_model=JobAccepted,
    status_code=202,
    response_model_exclude_none=True,
)
def revise(
    version_id: str, body: ReviseIn, frameline: FramelineDep, holder: HolderDep
) -> dict[str, Any]:
    """Queue a revision: a child version; the parent stays as it is."""
    caller = _caller(frameline, holder, version_id)
    request = {"version_id": version_id, **body.model_dump()}
    submitted = submit(frameline, caller.actor, caller.project, "revise", request)
    if not submitted.waiting:
        frameline.worker.enqueue(submitted.job.job_id)
    return submitted.to_json()
