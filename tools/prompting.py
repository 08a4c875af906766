"""Building what a frame should show from the production's memory.

The backend gets the scene heading, location, time of day, the characters present with their
descriptions, the continuity facts that apply, and only then the person's own words — so frames
agree with the script and with each other without anyone retyping the bible.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from core.errors import InvalidInput
from memory.records import Character, ContinuityFact, Project, Scene
from memory.store import active_scenes, get_character, list_characters, list_facts
from memory.vocabulary import find_terms
from tools.backends.base import ANGLES, FRAMINGS, CharacterInFrame, Depiction, FrameSpec
from tools.depiction import (
    CastLook,
    apply_words,
    build_depiction,
    first_action_text,
    scene_contents,
)

MAX_CHARACTERS_IN_FRAME = 4
LOOK_VERBS = re.compile(
    r"\b(wears|wearing|has|have|with|bandage|bandaged|injured|scar|hair|beard)\b", re.IGNORECASE
)
CARRY_VERBS = re.compile(r"\b(carries|carrying|holds|holding)\b", re.IGNORECASE)
_LOOK_LEAD = re.compile(
    r"^(?:(?:wears|wearing|has|have|with|carries|carrying)\s+)?(?:(?:a|an|the|her|his|their)\s+)?",
    re.IGNORECASE,
)
PROP_VERBS = re.compile(r"\b(carries|carrying|holds|holding|has|wears|wearing)\b", re.IGNORECASE)
NEGATIVE = (
    "text, caption, watermark, logo, extra limbs, extra fingers, deformed hands, distorted face, "
    "blurry, low quality, duplicate figures"
)
STYLE = "cinematic storyboard frame, film still"


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
    """The scene's first action paragraph in plain text: the caption a storyboard artist writes."""
    return first_action_text(scene.text)


def cast_looks(
    session: Session, project: Project, scene_looks: dict[str, str] | None = None
) -> list[CastLook]:
    """Every character with the names they go by and the look frames draw: a look a person set,
    else how the script describes them by this scene, else their look over the whole script."""
    scene_looks = scene_looks or {}
    return [
        CastLook(
            c.name,
            c.look if c.look_edited else scene_looks.get(c.name) or _look(c),
            tuple(c.aliases),
        )
        for c in list_characters(session, project)
    ]


def _look(character: Character) -> str:
    """What a frame draws of a character: their look, else the script's description of them."""
    return (character.look or character.description or "").strip()


def shot_depiction(
    session: Session,
    project: Project,
    scene: Scene,
    cast: Sequence[CharacterInFrame],
    *,
    words: str = "",
    framing: str = "medium",
    angle: str = "eye-level",
    time_of_day: str | None = None,
) -> Depiction:
    """A new shot's description: the scene's contents and cast, then the person's words."""
    contents = scene_contents(
        scene.contents,
        scene.int_ext,
        scene.location,
        light_of(session, project, scene),
        scene.text,
    )
    looks = {c.name: c for c in cast_looks(session, project, contents.looks)}
    chosen = [looks.get(c.name, CastLook(c.name, c.description)) for c in cast]
    depiction = build_depiction(
        contents,
        scene.int_ext,
        chosen,
        action=first_action(scene),
        framing=framing,
        angle=angle,
        time_of_day=time_of_day,
    )
    return apply_words(depiction, words, list(looks.values()), as_action=True)


def cast_in_frame(
    session: Session, project: Project, scene: Scene, names: Sequence[str] | None
) -> list[CharacterInFrame]:
    """The characters to draw: the ones asked for (they must exist), else those in the scene."""
    if names:
        chosen = [get_character(session, project, name) for name in names]
    else:
        by_name = {c.name: c for c in list_characters(session, project)}
        offscreen = set((scene.contents or {}).get("offscreen") or ())
        chosen = [by_name[n] for n in scene.characters if n in by_name and n not in offscreen]
    unique = list({c.id: c for c in chosen}.values())[:MAX_CHARACTERS_IN_FRAME]
    return [CharacterInFrame(c.name, _look(c)) for c in unique]


def _listing(words: Sequence[str]) -> str:
    return ", ".join(words[:-1]) + (" and " if len(words) > 1 else "") + words[-1] if words else ""


def depiction_clauses(depicts: Depiction, facts: Sequence[str] = (), words: str = "") -> list[str]:
    """The shot description as prompt clauses, most important first: framing and setting, time
    and weather, who and how they look, action, props, the person's words, facts, style."""
    inside = (
        "interior" if depicts.int_ext.startswith("int") and depicts.int_ext != "int/ext" else ""
    )
    camera = [f"{depicts.framing} shot", depicts.setting or "a scene", inside]
    if depicts.angle != "eye-level":
        camera.append(f"{depicts.angle} angle")
    if depicts.lens:
        camera.append(f"{depicts.lens} lens")
    clauses = [", ".join(p for p in camera if p)]
    sky = [t for t in (depicts.time_of_day, *depicts.weather) if t]
    lights = [x for x in depicts.light if x != "no moon"]
    if "no moon" in depicts.light:
        sky.append("no moon")
    if lights:
        sky.append(f"lit by {_listing(lights)}")
    if sky:
        clauses.append(", ".join(sky))
    for figure in depicts.characters:
        who = figure.name.title() + (f" ({figure.look})" if figure.look else "")
        clauses.append(f"{who}, {figure.position}" if figure.position else who)
    if depicts.action:
        clauses.append(depicts.action.rstrip("."))
    if depicts.props:
        clauses.append(f"with {_listing(list(depicts.props))}")
    if words and words.strip().lower() not in depicts.action.lower():
        clauses.append(words.strip().rstrip("."))
    clauses.extend(f"continuity: {fact}" for fact in facts)
    clauses.append(STYLE)
    return clauses


def compose_prompt(depicts: Depiction, facts: Sequence[str] = (), words: str = "") -> str:
    """The full prompt text (kept with the version): the clauses in order of importance."""
    return ". ".join(depiction_clauses(depicts, facts, words)) + "."


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
    depicts: Depiction | None = None,
) -> FrameSpec:
    """The full description of a new frame of this scene and shot.

    `depicts` is the shot description when the caller made it already (a revision changes its
    parent's); otherwise it is built from the scene, the cast and the words.
    """
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
    if depicts is None:
        depicts = _with_stated_looks(
            session,
            project,
            scene,
            cast,
            words=words,
            framing=framing,
            angle=angle,
            time_of_day=time_of_day,
        )
    unsaid = _not_in_looks(facts, depicts)
    return replace(spec, prompt=compose_prompt(depicts, unsaid, words), depicts=depicts)


def _not_in_looks(facts: Sequence[str], depicts: Depiction) -> list[str]:
    """The facts the description does not already say: a stated look is drawn once, not twice."""
    said = " | ".join(_bare(figure.look) for figure in depicts.characters)
    kept = []
    for fact in facts:
        statement = _bare(_LOOK_LEAD.sub("", fact.split(" ", 1)[-1].strip()))
        if not (statement and statement in said):
            kept.append(fact)
    return kept


def _bare(text: str) -> str:
    """Text compared without case or possessives: "bandage on her left hand" is already said by
    "bandage on left hand"."""
    return " ".join(re.sub(r"\b(?:her|his|their|its)\s+", "", text.lower()).split())


def _with_stated_looks(
    session: Session,
    project: Project,
    scene: Scene,
    cast: Sequence[CharacterInFrame],
    **options: Any,
) -> Depiction:
    """The shot description with what people stated about a character's look ("MARA wears a
    red scarf") added to that character's look."""
    depicts = shot_depiction(session, project, scene, cast, **options)
    stated: dict[str, list[str]] = {}
    held: list[str] = []
    in_frame = {figure.name.upper() for figure in depicts.characters}
    for fact in facts_for_scene(session, project, scene):
        subject = fact.subject.strip().upper()
        if CARRY_VERBS.search(fact.statement):
            if subject in in_frame:
                held += find_terms(fact.statement, "props") + find_terms(fact.statement, "vehicles")
        elif LOOK_VERBS.search(fact.statement):
            said = _LOOK_LEAD.sub("", fact.statement.strip()).strip()
            stated.setdefault(subject, []).append(said)
    figures = []
    for figure in depicts.characters:
        known = _bare(figure.look)
        extra: list[str] = []
        for said in stated.get(figure.name.upper(), []):
            # The script and a person often state the same mark: say it once.
            if _bare(said) not in known:
                extra.append(said)
                known += f", {_bare(said)}"
        figures.append(replace(figure, look=", ".join([p for p in (figure.look, *extra) if p])))
    props = tuple(dict.fromkeys((*depicts.props, *held)))
    return replace(depicts, characters=tuple(figures), props=props)
