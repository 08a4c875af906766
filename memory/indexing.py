"""Keeping the vector memory in step with the records it indexes.

Records bump `memory_revision` when something searchable changes; whoever owns the vector store
brings it up to date before it answers, so the index can lag but never lie for long and can
always be rebuilt from the records alone.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from memory.records import Project
from memory.store import active_scenes, list_characters, list_facts, list_shots
from memory.vectors import MemoryItem, VectorMemory


def memory_items(session: Session, project: Project) -> dict[str, list[MemoryItem]]:
    """What the project's memory should hold, per kind, derived from records only."""
    scenes = active_scenes(session, project)
    numbers = {scene.id: scene.number for scene in scenes}
    items: dict[str, list[MemoryItem]] = {
        "scene": [
            MemoryItem(
                "scene",
                scene.number,
                scene.text,
                {"heading": scene.heading, "story_day": scene.story_day},
            )
            for scene in scenes
        ],
        "character": [
            MemoryItem(
                "character",
                character.name,
                "\n".join(
                    part
                    for part in (
                        character.name,
                        ("also called " + ", ".join(character.aliases))
                        if character.aliases
                        else "",
                        character.description,
                    )
                    if part
                ),
            )
            for character in list_characters(session, project)
        ],
        "fact": [
            MemoryItem(
                "fact",
                fact.fact_id,
                f"{fact.subject}: {fact.statement}"
                + (
                    f" (scenes {fact.from_scene}–{fact.to_scene})"
                    if fact.from_scene and fact.to_scene != fact.from_scene
                    else f" (scene {fact.from_scene})"
                    if fact.from_scene
                    else ""
                ),
            )
            for fact in list_facts(session, project)
        ],
        "shot": [
            MemoryItem(
                "shot",
                shot.code,
                f"Shot {shot.code} of scene {numbers.get(shot.scene_id, '?')}: "
                f"{shot.framing}, {shot.angle}. {shot.description}".strip(),
            )
            for shot in list_shots(session, project)
            if shot.scene_id in numbers
        ],
    }
    return items


def reindex(session: Session, vectors: VectorMemory, project: Project, force: bool = False) -> int:
    """Bring the project's vectors up to its records; returns how many texts were embedded."""
    if not force and project.indexed_revision == project.memory_revision:
        return 0
    embedded = 0
    for kind, items in memory_items(session, project).items():
        embedded += vectors.sync(project.slug, kind, items).embedded
    project.indexed_revision = project.memory_revision
    return embedded
