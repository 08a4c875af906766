"""Continuity facts: what must hold from one scene to another, stated by the script or a person."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from core.errors import InvalidInput
from core.names import check_name
from memory.records import ContinuityFact, Project
from memory.store import active_scenes, get_scene, touch_memory

# "Mara: bandage on left hand, scenes 14–20" / "... scene 3" / "... from scene 3 to 10" /
# "... from scene 12 to the end" / "... scene 12 onwards"
_SCOPE = re.compile(
    r"[,;(]?\s*(?:from\s+)?scenes?\s+(?P<start>[0-9]+[A-Z]{0,3})"
    r"(?:\s*(?:-|–|—|to|through|thru|until|till)\s*(?:scene\s+)?(?P<end>[0-9]+[A-Z]{0,3})"
    r"|\s*(?:(?:-|–|—|to|through|thru|until|till)\s*(?:the\s+)?end(?:\s+of\s+the\s+script)?"
    r"|onwards?|on|and\s+after|and\s+later)(?P<open>))?\s*\)?\s*\.?$",
    re.IGNORECASE,
)


LAST_SCENE = "END"
"""The scope end of a fact stated "to the end": the script's last scene when it is recorded."""


@dataclass(frozen=True)
class FactStatement:
    """A fact as a person typed it, split into its parts."""

    subject: str
    statement: str
    from_scene: str | None
    to_scene: str | None


def parse_fact(text: str) -> FactStatement:
    """Split "Subject: statement, scenes 14–20" into subject, statement and scope."""
    subject, colon, rest = text.partition(":")
    if not colon or not subject.strip() or not rest.strip():
        raise InvalidInput(
            f"fact {text!r} needs a subject and a statement, like "
            "'Mara: bandage on left hand, scenes 14-20'"
        )
    rest = rest.strip()
    scope = _SCOPE.search(rest)
    start = end = None
    if scope:
        start = scope.group("start").upper()
        if scope.group("open") is not None:
            end = LAST_SCENE
        else:
            end = (scope.group("end") or scope.group("start")).upper()
        rest = rest[: scope.start()].strip().rstrip(",;").strip()
    if not rest:
        raise InvalidInput(f"fact {text!r} says what scenes it covers but not what holds")
    # A subject with a bidi override can look like another character's name.
    check_name(subject.strip(), "the fact's subject")
    check_name(rest, "the fact")
    return FactStatement(subject.strip(), rest, start, end)


def add_fact(
    session: Session,
    project: Project,
    fact: FactStatement,
    source: str = "person",
    person: str = "local",
) -> ContinuityFact:
    """Record a fact after checking its scope names scenes that exist, in script order."""
    if fact.to_scene == LAST_SCENE:
        scenes = active_scenes(session, project)
        if not scenes:
            raise InvalidInput(f"project {project.slug!r} has no screenplay yet; import one first")
        fact = FactStatement(fact.subject, fact.statement, fact.from_scene, scenes[-1].number)
    if fact.from_scene is not None:
        first = get_scene(session, project, fact.from_scene)
        last = get_scene(session, project, fact.to_scene or fact.from_scene)
        if last.position < first.position:
            raise InvalidInput(
                f"fact scope runs backwards: scene {first.number} comes after scene {last.number}"
            )
    elif not active_scenes(session, project):
        raise InvalidInput(f"project {project.slug!r} has no screenplay yet; import one first")
    row = ContinuityFact(
        project_id=project.id,
        subject=fact.subject,
        statement=fact.statement,
        from_scene=fact.from_scene and get_scene(session, project, fact.from_scene).number,
        to_scene=fact.to_scene and get_scene(session, project, fact.to_scene).number,
        source=source,
        created_by=person,
    )
    session.add(row)
    touch_memory(project)
    session.flush()
    return row


def fact_json(fact: ContinuityFact) -> dict[str, object]:
    """A fact as the CLI and API show it."""
    return {
        "fact_id": fact.fact_id,
        "subject": fact.subject,
        "statement": fact.statement,
        "from_scene": fact.from_scene,
        "to_scene": fact.to_scene,
        "source": fact.source,
        "needs_review": fact.needs_review,
        "created_by": fact.created_by,
        "created_at": fact.created_at.isoformat(),
    }
