"""Exports from chat: where the file is, and what to run for it; Slack uploads the file itself.

The tool makes nothing (an animatic takes minutes): it names the API link and the CLI command.
A front door that can carry files (Slack) makes the export with `tools.exports` and uploads it.
"""

from __future__ import annotations

from typing import Any, Literal

from langgraph.prebuilt import ToolRuntime
from pydantic import BaseModel, Field

from agent.toolbase import frameline_tool
from tools.context import require
from tools.exports import FORMATS

Format = Literal[
    "pdf", "otio", "otioz", "edl", "fcp7xml", "fcpx", "aaf", "mp4", "csv", "zip", "continuity"
]


def export_url(project: str, format: str) -> str:
    """The API route that answers the export as a download."""
    return f"/v1/projects/{project}/exports/{format}"


class ExportArgs(BaseModel):
    format: Format = Field(
        description="pdf (storyboard), csv (shot list), mp4 (animatic), edl/fcp7xml/fcpx/aaf/"
        "otio/otioz (editorial), zip (frames), continuity (continuity report PDF)."
    )


@frameline_tool(ExportArgs)
def export_link(format: str, runtime: ToolRuntime) -> Any:
    """Where to download an export of the project (storyboard PDF, shot list, cut, animatic)."""
    context = runtime.context
    require(context.actor, "read", "export the project")
    chosen = FORMATS[format]
    project = context.project
    return {
        "format": format,
        "url": export_url(project, format),
        "filename": chosen.filename(project),
        "command": f"frameline export --project {project} --format {format} --out "
        f"{chosen.filename(project)}",
    }
