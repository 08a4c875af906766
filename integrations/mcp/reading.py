"""What the MCP tools and resources read: scenes, shots and versions of one production."""

from __future__ import annotations

from typing import Any

from core.errors import NotFound
from tools.context import Actor


def version_of(studio: Any, project: str, version_id: str) -> Any:
    """The version, which must belong to `project` (a key sees its project only)."""
    from tools.frames import find_version

    view = find_version(studio, version_id)
    if view.project != project:
        raise NotFound(f"project {project!r} has no version {version_id!r}")
    return view


def scenes_json(studio: Any, actor: Actor, project: str) -> list[dict[str, Any]]:
    """The production's scenes in script order, as `frameline scenes --json` prints them."""
    from memory.store import active_scenes, get_project
    from memory.views import scene_json
    from tools.context import require

    require(actor, "read", "read scenes")
    with studio.transaction() as session:
        return [scene_json(s) for s in active_scenes(session, get_project(session, project))]


def shots_json(studio: Any, actor: Actor, project: str) -> list[dict[str, Any]]:
    """The production's shots in script order with their chosen version and length."""
    from tools.exports import FPS, read_board

    board = read_board(studio, actor, project)
    return [
        {
            "shot": shot.code,
            "scene": shot.scene,
            "description": shot.description,
            "framing": shot.framing,
            "angle": shot.angle,
            "versions": shot.versions,
            "version_id": shot.version_id,
            "status": shot.status,
            "continuity": shot.continuity,
            "seconds": round(shot.frames / FPS, 3),
        }
        for shot in board.shots
    ]
