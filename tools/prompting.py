"""Building what a frame should show from the production's memory.

The backend gets the scene heading, location, time of day, the characters present with their
descriptions, the continuity facts that apply, and only then the person's own words — so frames
agree with the script and with each other without anyone retyping the bible.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy.orm import Session

from core.errors import InvalidInput
from memory.records import ContinuityFact, Project, Scene
from memory.store import active_scenes, get_character, list_characters, list_facts
from tools.backends.base import ANGLES, FRAMINGS, CharacterInFrame, FrameSpec

MAX_CHARACTERS_IN_FRAME = 4
PROP_VERBS = re.compile(r"\b(carries|carrying|holds|holding|has|wears|wearing)\b", re.IGNORECASE)
NEGATIVE = "text, watermark, logo, extra limbs, deformed hands, blurry"


def facts_for_scene(session: Session, project: Project, scene: Scene) -> list[ContinuityFact]:
    """The continuity facts whose scope includes this scene."""
    positions = {s.number.upper(): s.position for s in active_scenes(session, project)}
    applying = []
    for fact in list_facts(session, project):
        if fact.from_scene is None:
            if fact.story_day is None or fact.story_day == scene.story_day:
                applying.append(fact)
            continue
        start = positions.get(fact.from_scene.upper())
        end = positions.get((fact.to_scene or fact.from_scene).upper())
        if start is not None and end is not None and start <= scene.position <= end:
            applying.append(fact)
    return applying


def light_of(session: Session, project: Project, scene: Scene) -> str | None:
    """The scene's time of day, following CONTINUOUS, SAME and LATER back to the light they keep."""
    from tools.continuity.daylight import scene_time_of_day

    scenes = active_scenes(session, project)
    index = next((n for n, s in enumerate(scenes) if s.id == scene.id), len(scenes) - 1)
    return scene_time_of_day([s.time_of_day for s in scenes], index)


def first_action(scene: Scene) -> str:
    """The scene's first action paragraph: the caption a storyboard artist would write."""
    paragraphs = [p.strip() for p in scene.text.split("\n\n")[1:] if p.strip()]
    for paragraph in paragraphs:
        first_line = paragraph.splitlines()[0]
        if not (first_line.isupper() and len(paragraph.splitlines()) > 1):
            return " ".join(paragraph.split())
    return ""


def cast_in_frame(
    session: Session, project: Project, scene: Scene, names: Sequence[str] | None
) -> list[CharacterInFrame]:
    """The characters to draw: the ones asked for (they must exist), else those in the scene."""
    if names:
        chosen = [get_character(session, project, name) for name in names]
    else:
        by_name = {c.name: c for c in list_characters(session, project)}
        chosen = [by_name[n] for n in scene.characters if n in by_name]
    unique = list({c.id: c for c in chosen}.values())[:MAX_CHARACTERS_IN_FRAME]
    return [CharacterInFrame(c.name, c.description) for c in unique]


def compose_prompt(spec: FrameSpec, facts: Sequence[str], words: str) -> str:
    """The prompt text: memory first, then the person's words, in plain production language."""
    place = ", ".join(p for p in (spec.int_ext and spec.int_ext.lower(), spec.location) if p)
    lines = [
        f"Film storyboard frame, {spec.framing} shot, {spec.angle} camera angle.",
        f"Scene {spec.scene_number}: {place or spec.heading}"
        + (f", {spec.time_of_day.lower()} light." if spec.time_of_day else "."),
    ]
    for character in spec.characters:
        lines.append(f"{character.name}: {character.description}".strip().rstrip(":") + ".")
    lines.extend(f"Continuity: {fact}." for fact in facts)
    if spec.action:
        lines.append(f"Action: {spec.action}")
    if words:
        lines.append(words.strip())
    return " ".join(lines)


def frame_spec(
    session: Session,
    project: Project,
    scene: Scene,
    shot_code: str,
    *,
    words: str = "",
    characters: Sequence[str] | None = None,
    framing: str = "medium",
    angle: str = "eye-level",
    time_of_day: str | None = None,
    size: tuple[int, int] = (768, 432),
) -> FrameSpec:
    """The full description of a new frame of this scene and shot."""
    if framing not in FRAMINGS:
        raise InvalidInput(f"unknown framing {framing!r}; framings are {', '.join(FRAMINGS)}")
    if angle not in ANGLES:
        raise InvalidInput(f"unknown camera angle {angle!r}; angles are {', '.join(ANGLES)}")
    cast = cast_in_frame(session, project, scene, characters)
    names = {c.name.upper() for c in cast}
    # A fact about someone not in frame is left out; facts about places and props always apply.
    known = {
        name.upper()
        for character in list_characters(session, project)
        for name in (character.name, *character.aliases)
    }
    # The same fact may come from the script and from a person: say it once.
    facts = list(
        dict.fromkeys(
            f"{fact.subject} {fact.statement}"
            for fact in facts_for_scene(session, project, scene)
            if fact.subject.upper() in names or fact.subject.strip().upper() not in known
        )
    )
    props = tuple(
        PROP_VERBS.split(fact, maxsplit=1)[-1].strip()
        for fact in facts
        if PROP_VERBS.search(fact) and "wear" not in fact.lower()
    )
    spec = FrameSpec(
        prompt="",
        width=size[0],
        height=size[1],
        scene_number=scene.number,
        shot_code=shot_code,
        heading=scene.heading,
        int_ext=scene.int_ext,
        location=scene.location,
        time_of_day=time_of_day or light_of(session, project, scene),
        characters=tuple(cast),
        framing=framing,
        angle=angle,
        props=props,
        action=first_action(scene),
        negative_prompt=NEGATIVE,
    )
    return replace(spec, prompt=compose_prompt(spec, facts, words))
