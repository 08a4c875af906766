"""How records look to people: the JSON objects the CLI prints and the API returns."""

from __future__ import annotations

from typing import Any

from memory.store import active_scenes, list_characters, list_shots


def project_json(session: Any, project: Any) -> dict[str, Any]:
    """A project as the CLI and API show it."""
    return {
        "slug": project.slug,
        "title": project.title,
        "scenes": len(active_scenes(session, project)),
        "characters": len(list_characters(session, project)),
        "shots": len(list_shots(session, project)),
        "spend_account": project.spend_account,
        "created_at": project.created_at.isoformat(),
    }


def scene_json(scene: Any) -> dict[str, Any]:
    """A scene as `frameline scenes --json` prints it."""
    return {
        "number": scene.number,
        "heading": scene.heading,
        "int_ext": scene.int_ext,
        "location": scene.location,
        "time_of_day": scene.time_of_day,
        "story_day": scene.story_day,
        "characters": list(scene.characters),
        "page_start": round(scene.page_start, 2),
        "page_end": round(scene.page_end, 2),
        "eighths": scene.eighths,
        "contents": dict(scene.contents or {}),
    }


def character_json(character: Any) -> dict[str, Any]:
    """A character as the CLI and API show it."""
    return {
        "name": character.name,
        "aliases": list(character.aliases),
        "description": character.description,
        "look": character.look or character.description,
        "in_script": character.in_script,
        "references": len(character.references),
    }
