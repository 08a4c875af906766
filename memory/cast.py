"""Editing the cast people see: aliases that merge cue forms, and the look of each character."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from core.errors import Conflict, InvalidInput
from memory.records import Character, Project
from memory.store import get_character, list_characters, touch_memory


def edit_character(
    session: Session,
    project: Project,
    name: str,
    add_aliases: Sequence[str],
    remove_aliases: Sequence[str],
    description: str | None,
) -> Character:
    """Change aliases or description; an alias may belong to one character only."""
    character = get_character(session, project, name)
    aliases = [a for a in character.aliases if a.upper() not in {r.upper() for r in remove_aliases}]
    for alias in add_aliases:
        alias = " ".join(alias.split()).upper()
        if not alias:
            raise InvalidInput("an alias cannot be empty")
        for other in list_characters(session, project):
            taken = {other.name.upper(), *(a.upper() for a in other.aliases)}
            if other.id != character.id and alias in taken:
                raise Conflict(f"{alias} already names {other.name}; remove it there first")
        if alias != character.name.upper() and alias not in {a.upper() for a in aliases}:
            aliases.append(alias)
    character.aliases = aliases
    if description is not None:
        character.description = description.strip()
    touch_memory(project)
    session.flush()
    return character
