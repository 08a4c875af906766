"""Uploading a screenplay: checked completely before anything is written."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, UploadFile

from api.deps import CallerDep, FramelineDep
from api.problems import ERROR_RESPONSES
from api.schemas import ImportReport
from core.errors import InvalidInput
from tools.scripts import import_script

router = APIRouter(prefix="/v1/projects", tags=["scripts"], responses=ERROR_RESPONSES)


@router.post("/{slug}/scripts", response_model=ImportReport)
def upload_script(
    caller: CallerDep,
    frameline: FramelineDep,
    file: Annotated[UploadFile, File(description="A .fountain or .fdx screenplay.")],
) -> dict[str, Any]:
    """Import or re-import a screenplay; the answer says what was added, changed and removed."""
    name = (file.filename or "").rsplit("/", 1)[-1]
    if not name:
        raise InvalidInput("the upload has no file name; send a .fountain or .fdx file")
    content = file.file.read()
    return import_script(frameline, caller.actor, caller.project, name, content).to_json()
