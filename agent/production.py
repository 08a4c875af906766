"""What the offline planner knows of a production: its scenes, shots, versions, cast and accounts.

A snapshot read once per turn, so the planner can fill a request's slots from the production's
memory ("the boat scene", "Mara's", "the camera line") and name the nearest real ids when a
person names one that does not exist. It never changes anything.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from memory.records import BudgetLine, Shot, Version
from memory.store import active_scenes, get_project, list_characters

SceneFinder = Callable[[str], list[str]]


@dataclass(frozen=True)
class SceneInfo:
    """A scene as the planner matches it: by number, place, time of day and who is in it."""

    number: str
    heading: str
    location: str
    time_of_day: str
    story_day: int
    characters: tuple[str, ...]


@dataclass(frozen=True)
class VersionInfo:
    """A version's shot and status, enough to say what "approve it" would do."""

    version_id: str
    shot: str
    status: str
    parent_id: str | None


@dataclass
class Production:
    """A read-only snapshot of one project for understanding requests about it."""

    project: str
    currency: str = "USD"
    scenes: list[SceneInfo] = field(default_factory=list)
    shots: dict[str, str] = field(default_factory=dict)
    versions: dict[str, VersionInfo] = field(default_factory=dict)
    cast: dict[str, str] = field(default_factory=dict)
    accounts: dict[str, str] = field(default_factory=dict)
    find_scenes: SceneFinder | None = None

    @property
    def scene_numbers(self) -> list[str]:
        """Scene numbers in script order."""
        return [scene.number for scene in self.scenes]

    def scene(self, number: str) -> SceneInfo | None:
        """The scene numbered so, if the script has it."""
        return next((s for s in self.scenes if s.number.upper() == number.upper()), None)

    def shots_of(self, scene: str) -> list[str]:
        """The shot codes of a scene, in the order they were made."""
        return [code for code, number in self.shots.items() if number.upper() == scene.upper()]

    def latest(self, shot: str) -> VersionInfo | None:
        """A shot's newest version, the one "lock 3A" means."""
        made = [v for v in self.versions.values() if v.shot == shot]
        return max(made, key=lambda v: int(v.version_id[1:])) if made else None

    def cast_names(self) -> list[str]:
        """The canonical names of the cast, each once."""
        return list(dict.fromkeys(self.cast.values()))

    def nearest_shots(self, code: str, limit: int = 4) -> list[str]:
        """Real shot codes that look like the one a person typed, the same scene's first."""
        number = re.match(r"\d+", code)
        same = self.shots_of(number.group(0)) if number else []
        close = difflib.get_close_matches(code.upper(), list(self.shots), n=limit, cutoff=0.3)
        return list(dict.fromkeys([*same, *close]))[:limit] or list(self.shots)[:limit]

    def nearest_versions(self, version_id: str, limit: int = 4) -> list[str]:
        """Real version ids closest in number to the one a person typed."""
        wanted = int(re.sub(r"\D", "", version_id) or 0)
        ranked = sorted(self.versions, key=lambda v: (abs(int(v[1:]) - wanted), int(v[1:])))
        return sorted(ranked[:limit], key=lambda v: int(v[1:]))

    def nearest_scenes(self, number: str, limit: int = 4) -> list[str]:
        """Real scene numbers closest to the one a person typed."""
        digits = re.match(r"\d+", number)
        wanted = int(digits.group(0)) if digits else 0

        def distance(scene: str) -> int:
            found = re.match(r"\d+", scene)
            return abs(int(found.group(0)) - wanted) if found else 10**6

        nearest = sorted(self.scene_numbers, key=distance)[:limit]
        return [n for n in self.scene_numbers if n in nearest]


def read_production(
    studio: Any, project: str, find_scenes: SceneFinder | None = None
) -> Production:
    """Snapshot a project's scenes, shots, versions, cast and accounts for one turn."""
    with studio.transaction() as session:
        record = get_project(session, project)
        scenes = active_scenes(session, record)
        by_id = {scene.id: scene.number for scene in scenes}
        shots = list(session.scalars(select(Shot).where(Shot.project_id == record.id)))
        codes = {shot.id: shot.code for shot in shots}
        versions = session.scalars(
            select(Version).where(Version.shot_id.in_(list(codes))).order_by(Version.id)
        )
        lines = session.scalars(select(BudgetLine).where(BudgetLine.project_id == record.id))
        production = Production(
            project=project,
            currency=str(getattr(studio.settings, "currency", "USD")),
            scenes=[_scene(scene) for scene in scenes],
            shots={shot.code: by_id.get(shot.scene_id, "") for shot in sorted(shots, key=_order)},
            versions={
                v.version_id: VersionInfo(
                    v.version_id,
                    codes[v.shot_id],
                    v.status,
                    f"v{v.parent_id}" if v.parent_id else None,
                )
                for v in versions
            },
            cast=_cast_words(list_characters(session, record)),
            accounts={line.account: line.name for line in lines},
            find_scenes=find_scenes,
        )
    return production


def _order(shot: Shot) -> int:
    return shot.id


def _scene(scene: Any) -> SceneInfo:
    return SceneInfo(
        number=scene.number,
        heading=scene.heading,
        location=(scene.location or "").lower(),
        time_of_day=(scene.time_of_day or "").lower(),
        story_day=scene.story_day,
        characters=tuple(str(name).upper() for name in scene.characters),
    )


def _cast_words(characters: list[Any]) -> dict[str, str]:
    """Every way the cast is typed (name, alias, first name, lower case) → the canonical name."""
    words: dict[str, str] = {}
    for character in characters:
        name = character.name.upper()
        for said in [character.name, *character.aliases]:
            said = str(said).strip().lower()
            if not said:
                continue
            words.setdefault(said, name)
            words.setdefault(said.split()[0], name)
    return words
