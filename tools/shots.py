"""A shot as every front door shows it: its scene, framing and latest version."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from memory.records import Scene, Shot
from memory.store import versions_of_shot
from tools.context import Studio
from tools.frames import version_view


def shot_json(session: Session, studio: Studio, shot: Shot) -> dict[str, Any]:
    """A shot with its number of versions and its latest version (what a storyboard shows)."""
    versions = versions_of_shot(session, shot)
    scene = session.get(Scene, shot.scene_id)
    return {
        "code": shot.code,
        "scene": scene.number if scene else "",
        "framing": shot.framing,
        "angle": shot.angle,
        "description": shot.description,
        "versions": len(versions),
        "latest": version_view(session, studio, versions[-1]).to_json() if versions else None,
    }
