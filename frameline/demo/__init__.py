"""The demo production `demo`: an original short screenplay, its cast, facts and budget.

`frameline serve` loads it on first start with an empty home, so a newcomer sees a storyboard
to work with at once.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from memory.cast import edit_character
from memory.facts import FactStatement, add_fact
from memory.store import get_project, list_characters
from tools.budget import import_budget
from tools.context import Actor, Studio
from tools.scripts import import_script, refresh_memory

FOLDER = Path(__file__).parent
SLUG = "demo"


def load_demo(studio: Studio, actor: Actor | None = None) -> dict[str, Any]:
    """Import the demo screenplay, the cast's looks and the continuity facts into `demo`."""
    actor = actor or Actor("local", "admin")
    script = FOLDER / "demo.fountain"
    report = import_script(studio, actor, SLUG, script.name, script.read_bytes())
    import_budget(studio, actor, SLUG, (FOLDER / "budget.csv").read_bytes(), "budget.csv")
    cast = json.loads((FOLDER / "characters.json").read_text())
    facts = json.loads((FOLDER / "facts.json").read_text())
    with studio.transaction() as session:
        project = get_project(session, SLUG)
        known = {c.name for c in list_characters(session, project)}
        for character in cast:
            if character["name"] in known:
                edit_character(
                    session,
                    project,
                    character["name"],
                    character.get("aliases", []),
                    [],
                    character["description"],
                )
        for fact in facts:
            add_fact(
                session,
                project,
                FactStatement(
                    fact["subject"], fact["statement"], fact["from_scene"], fact["to_scene"]
                ),
                person=actor.person,
            )
    refresh_memory(studio, SLUG)
    return report.to_json()
