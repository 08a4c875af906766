"""MCP resources: scenes and shots as JSON, frames as PNG, under `frameline://{project}/…`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import anyio
from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ResourceError

from core.errors import FramelineError
from integrations.mcp.reading import scenes_json, shots_json, version_of
from tools.context import Actor

if TYPE_CHECKING:
    from integrations.mcp.server import Doorway

T = TypeVar("T")


def add_resources(server: MCPServer, studio: Any, door: Doorway) -> None:
    """Register the resources; each read acts as the caller, like the tools."""

    async def read(ctx: Context, project: str, work: Callable[[Actor], T]) -> T:
        try:
            return await anyio.to_thread.run_sync(lambda: work(door.caller(ctx, project)))
        except FramelineError as error:
            raise ResourceError(error.message) from error

    @server.resource("frameline://{project}/scenes", mime_type="application/json")
    async def scenes(project: str, ctx: Context) -> list[dict[str, Any]]:
        """The production's scenes in script order."""
        return await read(ctx, project, lambda me: scenes_json(studio, me, project))

    @server.resource("frameline://{project}/scenes/{number}", mime_type="application/json")
    async def scene(project: str, number: str, ctx: Context) -> dict[str, Any]:
        """One scene: heading, characters and text."""

        def work(me: Actor) -> dict[str, Any]:
            from memory.store import get_project, get_scene
            from memory.views import scene_json
            from tools.context import require

            require(me, "read", "read scenes")
            with studio.transaction() as session:
                row = get_scene(session, get_project(session, project), number)
                return {**scene_json(row), "text": row.text}

        return await read(ctx, project, work)

    @server.resource("frameline://{project}/shots", mime_type="application/json")
    async def shots(project: str, ctx: Context) -> list[dict[str, Any]]:
        """The production's shots in script order with their chosen version."""
        return await read(ctx, project, lambda me: shots_json(studio, me, project))

    @server.resource("frameline://{project}/frames/{version_id}", mime_type="image/png")
    async def frame(project: str, version_id: str, ctx: Context) -> bytes:
        """A version's frame as PNG."""

        def work(me: Actor) -> bytes:
            from tools.context import require

            require(me, "read", "read frames")
            return Path(version_of(studio, project, version_id).image_path).read_bytes()

        return await read(ctx, project, work)
