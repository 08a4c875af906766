"""`POST /v1/cli`: a command line run inside this server, for a CLI that goes through it.

The `frameline` command sends the commands that need the memory or models here when a server
runs (frameline/remote.py), so they use this process's warm MiniLM and Chroma instead of loading
their own. Only an admin key for every project may use it: the CLI acts as the local admin.
"""

from __future__ import annotations

from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import FramelineDep, HolderDep
from api.problems import ERROR_RESPONSES
from core.errors import InvalidInput, PermissionDenied

router = APIRouter(prefix="/v1", tags=["cli"], responses=ERROR_RESPONSES)


class CliFile(BaseModel):
    """A file named on the command line: its name, and its bytes (base64) when the CLI reads it."""

    name: Annotated[str, Field(max_length=255)]
    content: str | None = None


class CliRun(BaseModel):
    """A command line as the person typed it, file arguments replaced by placeholders."""

    args: Annotated[list[str], Field(max_length=500)]
    files: dict[str, CliFile] = Field(default_factory=dict)


class CliResult(BaseModel):
    """What the command printed, its exit status and the files it wrote (base64)."""

    exit_code: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    places: dict[str, str]


@router.post("/cli", response_model=CliResult)
async def run_command(body: CliRun, frameline: FramelineDep, holder: HolderDep) -> dict[str, Any]:
    """Run a `frameline` command line here and answer what it printed and how it ended."""
    from frameline.cli import THROUGH_SERVER, app
    from frameline.remote import goes_through_server, paths_not_carried
    from frameline.served import run_served

    if holder.role != "admin" or holder.project is not None:
        raise PermissionDenied("the CLI goes through a server with an admin key for all projects")
    if not goes_through_server(body.args, THROUGH_SERVER):
        raise InvalidInput("this command runs in its own process, not through a server")
    stray = paths_not_carried(app, body.args, body.files.keys())
    if stray:
        raise InvalidInput(
            f"{stray[0]}: files travel with the command line, the server does not open its own"
        )
    files = {token: file.model_dump(exclude_none=True) for token, file in body.files.items()}
    return await to_thread.run_sync(run_served, frameline, body.args, files)
