"""Repository functions over the records: finding things by the names people use for them.

Lookups raise NotFound with the alternatives a person can pick from ("scene 14 has no shot 12B;
shots are 14A, 14B"), so every front end can pass the message through unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.errors import InvalidInput, NotFound
from memory.records import (
    ROLES,
    Character,
    ContinuityFact,
    Membership,
    Person,
    Project,
    Scene,
    Shot,
    Version,
)

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


def _listing(names: Sequence[str], limit: int = 12) -> str:
    """A short readable list of the alternatives, cut off when long."""
    if not names:
        return "none yet"
    shown = ", ".join(names[:limit])
    return shown + (f" … ({len(names)} in all)" if len(names) > limit else "")


def check_slug(slug: str) -> str:
    """Project slugs are what people type and what collection names are made of."""
    if not SLUG.match(slug):
        raise InvalidInput(
            f"project slug {slug!r} is not valid: use 1–64 of a-z, 0-9 and '-', "
            "starting and ending with a letter or digit"
        )
    return slug


def list_projects(session: Session) -> list[Project]:
    """Every project, by slug."""
    return list(session.scalars(select(Project).order_by(Project.slug)))


def get_project(session: Session, slug: str) -> Project:
    """The project with this slug, or NotFound naming the ones that exist."""
    project = session.scalar(select(Project).where(Project.slug == slug))
    if project is None:
        known = [p.slug for p in list_projects(session)]
        raise NotFound(f"no project {slug!r}; projects are {_listing(known)}")
    return project


def get_or_create_project(session: Session, slug: str, title: str = "") -> Project:
    """The project, created on first use (ingest creates projects)."""
    check_slug(slug)
    project = session.scalar(select(Project).where(Project.slug == slug))
    if project is None:
        project = Project(slug=slug, title=title or slug)
        session.add(project)
        session.flush()
    return project


def touch_memory(project: Project) -> None:
    """Mark the project's vector index as behind its records."""
    project.memory_revision += 1


def get_person(session: Session, name: str) -> Person:
    """The person with this name, created on first use."""
    person = session.scalar(select(Person).where(Person.name == name))
    if person is None:
        person = Person(name=name)
        session.add(person)
        session.flush()
    return person


def check_role(role: str) -> str:
    """Roles are a closed set; anything else is a typo worth reporting."""
    if role not in ROLES:
        raise InvalidInput(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    return role


def set_role(session: Session, person: Person, project: Project, role: str) -> None:
    """Give a person one role on a project, replacing any earlier one."""
    check_role(role)
    membership = session.scalar(
        select(Membership).where(
            Membership.person_id == person.id, Membership.project_id == project.id
        )
    )
    if membership is None:
        session.add(Membership(person_id=person.id, project_id=project.id, role=role))
    else:
        membership.role = role


def role_of(session: Session, person: Person, project: Project) -> str | None:
    """The person's role on the project, or None when they have none."""
    return session.scalar(
        select(Membership.role).where(
            Membership.person_id == person.id, Membership.project_id == project.id
        )
    )


def active_scenes(session: Session, project: Project) -> list[Scene]:
    """The scenes of the current script, in script order."""
    return list(
        session.scalars(
            select(Scene)
            .where(Scene.project_id == project.id, Scene.removed.is_(False))
            .order_by(Scene.position)
        )
    )


def get_scene(session: Session, project: Project, number: str) -> Scene:
    """The current scene with this number as `frameline scenes` prints it."""
    scene = session.scalar(
        select(Scene).where(
            Scene.project_id == project.id,
            Scene.removed.is_(False),
            func.upper(Scene.number) == number.strip().upper(),
        )
    )
    if scene is None:
        numbers = [s.number for s in active_scenes(session, project)]
        raise NotFound(
            f"project {project.slug!r} has no scene {number!r}; scenes are {_listing(numbers)}"
        )
    return scene


def list_characters(session: Session, project: Project) -> list[Character]:
    """The project's characters by name."""
    return list(
        session.scalars(
            select(Character).where(Character.project_id == project.id).order_by(Character.name)
        )
    )


def get_character(session: Session, project: Project, name: str) -> Character:
    """A character by name or alias, ignoring case."""
    wanted = name.strip().upper()
    characters = list_characters(session, project)
    for character in characters:
        if character.name.upper() == wanted or wanted in {a.upper() for a in character.aliases}:
            return character
    raise NotFound(
        f"project {project.slug!r} has no character {name!r}; characters are "
        f"{_listing([c.name for c in characters])}"
    )


def alias_map(session: Session, project: Project) -> dict[str, str]:
    """Alias → canonical name, as the scene builder merges cue forms."""
    return {
        alias.upper(): character.name
        for character in list_characters(session, project)
        for alias in character.aliases
    }


def shots_of_scene(session: Session, scene: Scene) -> list[Shot]:
    """A scene's shots in the order their codes were given."""
    return list(session.scalars(select(Shot).where(Shot.scene_id == scene.id).order_by(Shot.id)))


def list_shots(session: Session, project: Project) -> list[Shot]:
    """Every shot of the project, in creation order."""
    return list(
        session.scalars(select(Shot).where(Shot.project_id == project.id).order_by(Shot.id))
    )


def get_shot(session: Session, project: Project, code: str) -> Shot:
    """A shot by its code, case-insensitive ("12b" is 12B)."""
    shot = session.scalar(
        select(Shot).where(
            Shot.project_id == project.id, func.upper(Shot.code) == code.strip().upper()
        )
    )
    if shot is None:
        codes = [s.code for s in list_shots(session, project)]
        raise NotFound(
            f"project {project.slug!r} has no shot {code!r}; shots are {_listing(codes)}"
        )
    return shot


def get_version(session: Session, version_id: str) -> Version:
    """A version by the id people see (`v7`)."""
    match = re.fullmatch(r"[vV](\d{1,18})", version_id.strip())
    version = session.get(Version, int(match.group(1))) if match else None
    if version is None:
        raise NotFound(f"no version {version_id!r}; version ids look like v12")
    return version


def versions_of_shot(session: Session, shot: Shot) -> list[Version]:
    """A shot's versions, oldest first."""
    return list(
        session.scalars(select(Version).where(Version.shot_id == shot.id).order_by(Version.id))
    )


def list_facts(session: Session, project: Project) -> list[ContinuityFact]:
    """The project's continuity facts in the order they were stated."""
    return list(
        session.scalars(
            select(ContinuityFact)
            .where(ContinuityFact.project_id == project.id)
            .order_by(ContinuityFact.id)
        )
    )


def place_of_version(session: Session, version: Version) -> tuple[Shot, Scene, Project]:
    """The version's shot, scene and project: the one lookup every front door uses."""
    shot = session.get(Shot, version.shot_id)
    scene = session.get(Scene, shot.scene_id) if shot else None
    project = session.get(Project, shot.project_id) if shot else None
    if shot is None or scene is None or project is None:
        raise NotFound(f"{version.version_id} belongs to no project")
    return shot, scene, project


def project_of_version(session: Session, version: Version) -> str:
    """The slug of the project a version belongs to."""
    return place_of_version(session, version)[2].slug


def version_of_project(session: Session, project: Project, version_id: str) -> Version:
    """A version by the id people type; one of another project is not found."""
    version = get_version(session, version_id)
    if place_of_version(session, version)[2].id != project.id:
        raise NotFound(f"project {project.slug!r} has no version {version_id!r}")
    return version
