"""Continuity: reference faces of the cast, each version's check, and the project's report."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from api.deps import Caller, CallerDep, FramelineDep, HolderDep, can_see
from api.problems import ERROR_RESPONSES
from core.errors import InvalidInput, NotFound
from memory.store import get_version, project_of_version
from tools.context import Actor
from tools.continuity.check import confirm_item, read_check, run_check
from tools.continuity.references import add_reference
from tools.continuity.report import consistency, continuity_report
from tools.revisions import parse_box

router = APIRouter(prefix="/v1", tags=["continuity"], responses=ERROR_RESPONSES)


class CheckIn(BaseModel):
    """Wardrobe boxes by character, for frames where no face shows who wears what."""

    model_config = ConfigDict(extra="forbid")
    boxes: dict[str, Annotated[list[int], Field(min_length=4, max_length=4)]] = Field(
        default_factory=dict, examples=[{"MARA": [120, 200, 260, 400]}]
    )


class ConfirmationIn(BaseModel):
    """A person confirms by eye an item the check could not verify."""

    model_config = ConfigDict(extra="forbid")
    item_id: str = Field(min_length=1, max_length=120, examples=["f3"])
    note: str = Field(default="", max_length=2000)


def _version_caller(frameline: Any, holder: Any, version_id: str) -> Caller:
    """The caller on the version's project; another project's version is not found."""
    with frameline.transaction() as session:
        project = project_of_version(session, get_version(session, version_id))
    if not can_see(holder, project):
        raise NotFound(f"no version {version_id!r}; version ids look like v12")
    return Caller(Actor(holder.person, holder.role), project)


@router.post("/projects/{slug}/characters/{name}/references", status_code=201)
def upload_reference(
    name: str,
    caller: CallerDep,
    frameline: FramelineDep,
    file: Annotated[UploadFile, File(description="A photo of the actor's face.")],
    box: Annotated[
        str | None, Form(max_length=80, description="X0,Y0,X1,Y1 when the photo has several faces.")
    ] = None,
) -> dict[str, Any]:
    """Add a reference image of a character's face; several faces need a box saying which."""
    filename = (file.filename or "").rsplit("/", 1)[-1] or "upload"
    content = file.file.read()
    if not content:
        raise InvalidInput(f"{filename}: the upload is empty")
    chosen = list(parse_box(box)) if box else None
    return add_reference(frameline, caller.actor, caller.project, name, content, filename, chosen)


@router.get("/versions/{version_id}/continuity")
def read_version_check(
    version_id: str, frameline: FramelineDep, holder: HolderDep
) -> dict[str, Any]:
    """The stored continuity check of a version."""
    caller = _version_caller(frameline, holder, version_id)
    return read_check(frameline, caller.actor, version_id)


@router.post("/versions/{version_id}/continuity/check")
def check_version_now(
    version_id: str,
    frameline: FramelineDep,
    holder: HolderDep,
    body: CheckIn | None = None,
) -> dict[str, Any]:
    """Run the check again (optionally with wardrobe boxes) and store the result."""
    caller = _version_caller(frameline, holder, version_id)
    return run_check(frameline, caller.actor, version_id, body.boxes if body else None)


@router.post("/versions/{version_id}/continuity/confirmations")
def confirm(
    version_id: str, body: ConfirmationIn, frameline: FramelineDep, holder: HolderDep
) -> dict[str, Any]:
    """Confirm by eye one item of the version's check."""
    caller = _version_caller(frameline, holder, version_id)
    return confirm_item(frameline, caller.actor, version_id, body.item_id, body.note)


@router.get("/projects/{slug}/continuity")
def project_report(
    caller: CallerDep,
    frameline: FramelineDep,
    scene: Annotated[str | None, Query(max_length=16)] = None,
) -> dict[str, Any]:
    """Per scene and shot: identity, look, time of day, facts and open items."""
    return continuity_report(frameline, caller.actor, caller.project, scene)


@router.get("/projects/{slug}/continuity/consistency")
def subject_consistency(
    caller: CallerDep,
    frameline: FramelineDep,
    scene: Annotated[str, Query(max_length=16)],
    subject: Annotated[str, Query(min_length=1, max_length=200)],
) -> dict[str, Any]:
    """Is a character or prop consistent in a scene? The answer with its evidence."""
    return consistency(frameline, caller.actor, caller.project, scene, subject)
