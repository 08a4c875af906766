"""Verifying an uploaded image's marks: the watermark and the Content Credentials."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, UploadFile

from api.deps import FramelineDep, HolderDep
from api.problems import ERROR_RESPONSES
from tools.verification import verify_image

router = APIRouter(prefix="/v1/provenance", tags=["provenance"], responses=ERROR_RESPONSES)


@router.post("/verify")
def verify_upload(
    holder: HolderDep,
    frameline: FramelineDep,
    file: Annotated[UploadFile, File(description="An image: a frame, or a copy of one.")],
) -> dict[str, Any]:
    """Both layers of the image's provenance, each null where it carries none.

    A watermark of a project the key cannot see is reported as found, without naming it.
    """
    name = (file.filename or "upload").rsplit("/", 1)[-1]
    visible = None if holder.project is None else {holder.project}
    return verify_image(frameline, file.file.read(), name, visible)
