"""Importing a screenplay and searching the memory: the same calls for every front end."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.errors import InvalidInput
from core.limits import SCREENPLAY_SECONDS
from core.names import check_name
from memory.importer import ImportReport, import_screenplay
from memory.indexing import reindex
from memory.screenplay.elements import Screenplay
from memory.screenplay.reading import parse_screenplay_bytes
from memory.store import check_slug, get_or_create_project, get_project
from memory.vectors import KINDS, MemoryHit
from tools.context import Actor, Studio, require
from tools.worker_process import run_bounded

MAX_QUERY_CHARS = 2000


def import_script(
    studio: Studio, actor: Actor, project: str, filename: str, content: bytes
) -> ImportReport:
    """Parse first, then import in one transaction, then bring the memory up to date."""
    require(actor, "import_script", "import screenplays")
    check_slug(project)
    check_name(filename, "the file name")
    screenplay = run_bounded(
        read_within_budget, content, filename, seconds=SCREENPLAY_SECONDS, what=filename
    )
    vectors = studio.vectors  # fail before writing when the memory is owned elsewhere
    with studio.transaction() as session:
        record = get_or_create_project(session, project)
        report = import_screenplay(session, record, screenplay, filename, content)
        _note_script_facts(session, record, screenplay, actor)
    refresh_memory(studio, project, vectors)
    return report


def read_within_budget(content: bytes, filename: str) -> Screenplay:
    """Parse the file and run the script-wide readings an import runs (scenes, cast, facts).

    This runs in a worker process under a time budget: a file that makes any of them run away is
    stopped there, before the import opens its write transaction.
    """
    from memory.screenplay.scenes import build_cast, build_scenes
    from tools.continuity.script_facts import extract_script_facts

    screenplay = parse_screenplay_bytes(content, filename)
    extract_script_facts(build_scenes(screenplay.elements), build_cast(screenplay.elements))
    return screenplay


def _note_script_facts(session: Any, project: Any, screenplay: Any, actor: Actor) -> None:
    """Facts the action lines state outright become continuity facts (source: script), once."""
    from memory.facts import FactStatement, add_fact
    from memory.records import ContinuityFact
    from memory.screenplay.scenes import build_scenes
    from memory.store import alias_map, list_characters
    from tools.continuity.script_facts import extract_script_facts

    drafts = build_scenes(screenplay.elements, alias_map(session, project))
    known = {
        (f.subject.upper(), f.statement.lower(), f.from_scene)
        for f in session.query(ContinuityFact).filter_by(project_id=project.id, source="script")
    }
    for fact in extract_script_facts(drafts, list_characters(session, project)):
        key = (fact.subject.upper(), fact.statement.lower(), fact.scene_number)
        if key in known:
            continue
        known.add(key)
        statement = FactStatement(
            fact.subject, fact.statement, fact.scene_number, fact.scene_number
        )
        add_fact(session, project, statement, source="script", person=actor.person)


def refresh_memory(studio: Studio, project: str, vectors: Any | None = None) -> int:
    """Embed what changed in the project's records since the memory last caught up."""
    vectors = vectors if vectors is not None else studio.vectors
    with studio.transaction() as session:
        return reindex(session, vectors, get_project(session, project))


def search_memory(
    studio: Studio,
    actor: Actor,
    project: str,
    query: str,
    kinds: Sequence[str] | None = None,
    limit: int = 10,
) -> list[MemoryHit]:
    """Semantic search of one project's memory, best match first."""
    require(actor, "read", "search the production")
    for kind in kinds or ():
        if kind not in KINDS:
            raise InvalidInput(f"unknown kind {kind!r}; kinds are {', '.join(KINDS)}")
    if not 1 <= limit <= 100:
        raise InvalidInput(f"limit must be between 1 and 100, not {limit}")
    if not query.strip():
        raise InvalidInput("the search query is empty")
    if len(query) > MAX_QUERY_CHARS:
        raise InvalidInput(f"the search query is longer than {MAX_QUERY_CHARS} characters")
    refresh_memory(studio, project)
    return studio.vectors.search(project, query, kinds=list(kinds) if kinds else None, limit=limit)
