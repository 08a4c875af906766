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
    look: str | None = None,
) -> Character:
    """Change aliases, description or look; an alias may belong to one character only.

    A look set here is the person's: re-imports keep it instead of the script's gathered look.
    """
    character = get_character(session, project, name)
    if look is not None and not look.strip():
        raise InvalidInput(f"the look of {character.name} cannot be empty; describe them")
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
    if look is not None:
        character.look = " ".join(look.split())
        character.look_edited = True
    touch_memory(project)
    session.flush()
    return character
