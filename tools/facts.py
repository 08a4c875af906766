"""Stating a continuity fact, the one way every front door does it: who may, how the words are
read (subject, statement, scene range incl. "to the end"), and the memory brought up to date."""

from __future__ import annotations

from typing import Any

from memory.facts import add_fact, fact_json, parse_fact
from memory.store import get_project
from tools.context import Actor, Studio, require
from tools.scripts import refresh_memory


def state_fact(studio: Studio, actor: Actor, project: str, text: str) -> dict[str, Any]:
    """Record a fact a person stated, like 'Mara: bandage on left hand, scenes 14-20'."""
    require(actor, "state_fact", "state continuity facts")
    fact = parse_fact(text)
    with studio.transaction() as session:
        row = fact_json(add_fact(session, get_project(session, project), fact, person=actor.person))
    refresh_memory(studio, project)
    return row
