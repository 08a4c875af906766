"""Projects, their scenes, characters, facts and memory search."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import CallerDep, FramelineDep, HolderDep, can_see, page
from api.problems import ERROR_RESPONSES
from api.schemas import Character, Fact, FactIn, Page, Project, Scene, SearchHit
from memory.facts import fact_json
from memory.store import active_scenes, get_project, get_scene, list_characters, list_facts
from memory.views import character_json, project_json, scene_json
from tools import facts as fact_tools
from tools.scripts import search_memory

router = APIRouter(prefix="/v1/projects", tags=["projects"], responses=ERROR_RESPONSES)

Limit = Annotated[int, Query(ge=1, le=500, description="Items per page.")]
Cursor = Annotated[str | None, Query(max_length=20, description="From a previous page's `next`.")]


@router.get("", response_model=Page[Project])
def list_projects(
    frameline: FramelineDep, holder: HolderDep, limit: Limit = 50, cursor: Cursor = None
) -> dict[str, Any]:
    """The projects this key may see."""
    from memory.store import list_projects as all_projects

    with frameline.transaction() as session:
        items = [project_json(session, p) for p in all_projects(session) if can_see(holder, p.slug)]
    return page(items, limit, cursor)


@router.get("/{slug}", response_model=Project)
def read_project(caller: CallerDep, frameline: FramelineDep) -> dict[str, Any]:
    """One project with its counts."""
    with frameline.transaction() as session:
        return project_json(session, get_project(session, caller.project))


@router.get("/{slug}/scenes", response_model=Page[Scene])
def list_scenes(
    caller: CallerDep, frameline: FramelineDep, limit: Limit = 200, cursor: Cursor = None
) -> dict[str, Any]:
    """The scenes in script order."""
    with frameline.transaction() as session:
        scenes = active_scenes(session, get_project(session, caller.project))
        return page([scene_json(s) for s in scenes], limit, cursor)


@router.get("/{slug}/scenes/{number}", response_model=Scene)
def read_scene(number: str, caller: CallerDep, frameline: FramelineDep) -> dict[str, Any]:
    """One scene by its number."""
    with frameline.transaction() as session:
        return scene_json(get_scene(session, get_project(session, caller.project), number))


@router.get("/{slug}/characters", response_model=Page[Character])
def list_cast(
    caller: CallerDep, frameline: FramelineDep, limit: Limit = 200, cursor: Cursor = None
) -> dict[str, Any]:
    """The characters with their aliases and looks."""
    with frameline.transaction() as session:
        cast = list_characters(session, get_project(session, caller.project))
        return page([character_json(c) for c in cast], limit, cursor)


@router.get("/{slug}/facts", response_model=Page[Fact])
def list_continuity_facts(
    caller: CallerDep, frameline: FramelineDep, limit: Limit = 200, cursor: Cursor = None
) -> dict[str, Any]:
    """The continuity facts in the order they were stated."""
    with frameline.transaction() as session:
        facts = list_facts(session, get_project(session, caller.project))
        return page([fact_json(f) for f in facts], limit, cursor)


@router.post("/{slug}/facts", response_model=Fact, status_code=201)
def state_fact(body: FactIn, caller: CallerDep, frameline: FramelineDep) -> dict[str, Any]:
    """State a continuity fact; its scenes must exist."""
    return fact_tools.state_fact(frameline, caller.actor, caller.project, body.text)


@router.get("/{slug}/search", response_model=list[SearchHit])
def search(
    caller: CallerDep,
    frameline: FramelineDep,
    q: Annotated[str, Query(min_length=1, max_length=2000, description="What to look for.")],
    kind: Annotated[str | None, Query(pattern="^(scene|character|fact|shot)$")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> list[dict[str, Any]]:
    """Semantic search of the production's memory, best first."""
    hits = search_memory(
        frameline, caller.actor, caller.project, q, kinds=[kind] if kind else None, limit=limit
    )
    return [{"kind": h.kind, "id": h.id, "text": h.text, "score": h.score} for h in hits]
