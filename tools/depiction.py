"""The shot description: built from the scene and the shot, changed by a person's words.

One `Depiction` per version. A render starts from what the scene holds (setting, props, weather,
light, its resolved time of day, who is there and how they look) and applies the person's own
words ("at night in the rain with a lantern"); a revision starts from the parent's description
and applies the instruction ("add a lantern", "remove the truck", "close-up on Mara", "Mara looks
away"). Every backend draws from the result, so words always change the frame.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from memory.screenplay.contents import (
    SceneContents,
    clock_of,
    period_of_clock,
    period_of_words,
    plain_text,
    read_contents,
)
from memory.vocabulary import find_spans, find_terms
from tools.backends.base import Depiction, FigureInFrame
from tools.camera_words import angle_named, framing_named, lens_named

MAX_FIGURES = 4
MAX_ACTION = 240
POSITIONS = {
    1: ("centre, facing camera",),
    2: ("left, facing right", "right, facing left"),
    3: ("left, facing right", "centre, facing camera", "right, facing left"),
    4: ("far left, facing right", "left, facing camera", "right, facing camera",
        "far right, facing left"),
}  # fmt: skip
_BESIDE = ("left, facing right", "right, facing left", "far left, facing right",
           "far right, facing left")  # fmt: skip
"""Where the others stand when the framing is on one character, who is centred."""
_REMOVING = re.compile(
    r"^\s*(?:and\s+)?(?:please\s+)?(?:remove|delete|drop|lose|erase|take (?:out|away)|get rid of|"
    r"no more|no|without|stop|kill|clear|turn off|switch off|put out)\b",
    re.I,
)
_CLAUSES = re.compile(r"[,;.!?]|\band\b|\bbut\b|\bthen\b", re.I)
_PLACE = re.compile(r"\b(?:in|at|on|inside|by|near|onto|into)\s+(?:the\s+|a\s+|an\s+)?$", re.I)
_LOOKS_AWAY = re.compile(r"\b(?:looks?|looking|turns?|turning|glances?)\s+away\b", re.I)
_LOOKS_AT = re.compile(
    r"\b(?:looks?|looking|turns?|glances?|stares?)\s+(?:at|to|towards?)\s+(\w+)", re.I
)
_FACES = re.compile(r"\bfac(?:es|ing|e)\s+(left|right|the camera|camera|away|us)\b", re.I)
_SIDE = re.compile(r"\b(?:on|to|at) the (far left|far right|left|right|centre|center)\b", re.I)
_FOCUS = re.compile(r"\b(?:on|of|at|to|favou?ring|focus(?:ed)? on)\s+([A-Za-z][\w'’-]*)", re.I)


@dataclass(frozen=True)
class CastLook:
    """A character who may appear in a shot: canonical name, the names they go by, their look."""

    name: str
    look: str = ""
    aliases: tuple[str, ...] = ()


def scene_contents(
    stored: Mapping[str, object] | None,
    int_ext: str | None,
    location: str | None,
    time_of_day: str | None,
    text: str,
) -> SceneContents:
    """A scene's stored contents, or contents read now from its text (scenes imported before)."""
    contents = SceneContents.from_json(dict(stored or {}))
    if contents is not None:
        return contents
    action = "\n\n".join(text.split("\n\n")[1:])
    return read_contents(int_ext, location, time_of_day, action)


def first_action_text(text: str) -> str:
    """The scene's first action paragraph in plain text (no emphasis markup), a sentence or two."""
    for paragraph in text.split("\n\n")[1:]:
        lines = paragraph.strip().splitlines()
        if not lines or (lines[0].isupper() and len(lines) > 1):
            continue
        return _clip(plain_text(" ".join(paragraph.split())))
    return ""


def _clip(text: str) -> str:
    """Text cut after the last whole sentence (else word) within the action budget."""
    if len(text) <= MAX_ACTION:
        return text
    cut = text[:MAX_ACTION]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    return cut[: end + 1] if end > 40 else cut.rsplit(" ", 1)[0]


def period(time_of_day: str | None) -> str:
    """A heading's or a person's time words as dawn, day, dusk or night ("" when unsaid)."""
    if not time_of_day:
        return ""
    if found := period_of_words(time_of_day):
        return found
    clock = clock_of(time_of_day)
    return period_of_clock(clock) if clock else ""


def positions(count: int) -> tuple[str, ...]:
    """Where figures stand when nobody said: spread across the frame, facing each other."""
    return POSITIONS.get(count, POSITIONS[MAX_FIGURES])[:count]


def build_depiction(
    contents: SceneContents,
    int_ext: str | None,
    cast: Sequence[CastLook],
    *,
    action: str,
    framing: str = "medium",
    angle: str = "eye-level",
    time_of_day: str | None = None,
) -> Depiction:
    """The description of a new shot of a scene, before the person's words are applied."""
    figures = list(cast)[:MAX_FIGURES]
    return Depiction(
        setting=contents.setting,
        int_ext=(int_ext or "").lower(),
        time_of_day=period(time_of_day) or contents.time_of_day or "",
        weather=tuple(contents.weather),
        light=tuple(contents.light),
        props=tuple(dict.fromkeys((*contents.props, *contents.vehicles))),
        characters=tuple(
            FigureInFrame(c.name, c.look, where)
            for c, where in zip(figures, positions(len(figures)), strict=True)
        ),
        framing=framing,
        angle=angle,
        lens="",
        action=plain_text(action),
    )


def apply_words(
    depiction: Depiction,
    words: str,
    cast: Sequence[CastLook] = (),
    *,
    as_action: bool = False,
) -> Depiction:
    """The description changed by a person's words: time, weather, light, props, setting,
    framing on a named character, gaze and position, camera angle and lens.

    With `as_action` the words also become the shot's action (a render's own prompt).
    """
    text = plain_text(words or "").strip()
    if not text:
        return depiction
    changed = _time_and_camera(depiction, text)
    for clause in (c for c in _CLAUSES.split(text) if c and c.strip()):
        changed = _apply_clause(changed, clause)
    changed = _apply_people(changed, text, cast)
    if as_action:
        changed = replace(changed, action=_clip(" ".join(text.split())))
    return changed


def _time_and_camera(depiction: Depiction, text: str) -> Depiction:
    changes: dict[str, str] = {}
    if time := period(text):
        changes["time_of_day"] = time
        gone = {"sun"} if time in {"night", "dusk"} else {"moon", "stars", "no moon"}
        if time != depiction.time_of_day:
            depiction = replace(depiction, light=tuple(x for x in depiction.light if x not in gone))
    if framing := framing_named(text):
        changes["framing"] = framing
    if angle := angle_named(text):
        changes["angle"] = angle
    if lens := lens_named(text):
        changes["lens"] = lens
    return replace(depiction, **changes) if changes else depiction


def _apply_clause(depiction: Depiction, clause: str) -> Depiction:
    """One clause adds what it names, or removes it after "remove", "no", "without" …"""
    removing = bool(_REMOVING.search(clause))
    weather = find_terms(clause, "weather")
    light = find_terms(clause, "light")
    props = list(dict.fromkeys(find_terms(clause, "props") + find_terms(clause, "vehicles")))
    if removing:
        return replace(
            depiction,
            weather=tuple(w for w in depiction.weather if w not in weather),
            light=tuple(x for x in depiction.light if x not in light),
            props=tuple(p for p in depiction.props if p not in props),
        )
    new_weather = list(depiction.weather)
    if weather:
        if "clear" in weather:
            new_weather = []
        new_weather = [w for w in new_weather if w != "clear"]
        new_weather += [w for w in weather if w not in new_weather]
    new_light = [x for x in depiction.light if not ({x, *light} >= {"moon", "no moon"})]
    new_light += [x for x in light if x not in new_light]
    new_props = [*depiction.props, *(p for p in props if p not in depiction.props)]
    setting = depiction.setting
    for term, start, _ in find_spans(clause, "settings"):
        if _PLACE.search(clause[:start]) and term not in props:
            setting = term
    return replace(
        depiction,
        weather=tuple(new_weather),
        light=tuple(new_light),
        props=tuple(new_props),
        setting=setting,
    )


def _apply_people(depiction: Depiction, text: str, cast: Sequence[CastLook]) -> Depiction:
    """Who the words are about: focus ("close-up on Mara") puts them first and centre; gaze and
    side words ("Mara looks away", "Mara on the left") change where they stand and look."""
    if not cast:
        return depiction
    named = _named(text, cast)
    if not named:
        return depiction
    figures = list(depiction.characters)
    by_name = {f.name: f for f in figures}
    for member, _ in named:
        if member.name not in by_name:
            figure = FigureInFrame(member.name, member.look, "centre, facing camera")
            figures.append(figure)
            by_name[member.name] = figure
    focus = _focus(text, named)
    if focus is not None:
        figures.sort(key=lambda f: f.name != focus.name)
        figures = figures[:MAX_FIGURES]
        figures = [
            replace(f, position="centre, facing camera" if i == 0 else _BESIDE[i - 1])
            for i, f in enumerate(figures)
        ]
    for member, start in named:
        clause = _clause_at(text, start)
        index = next(i for i, f in enumerate(figures) if f.name == member.name)
        figures[index] = replace(
            figures[index], position=_position(figures[index].position, clause, cast)
        )
    return replace(depiction, characters=tuple(figures[:MAX_FIGURES]))


def _named(text: str, cast: Sequence[CastLook]) -> list[tuple[CastLook, int]]:
    """Cast members the words name (by name or alias, any case), with where each is named."""
    found: list[tuple[CastLook, int]] = []
    for member in cast:
        for form in (member.name, *member.aliases):
            match = re.search(rf"(?<![\w]){re.escape(form)}(?:['’]s)?(?![\w])", text, re.I)
            if match:
                found.append((member, match.start()))
                break
    return sorted(found, key=lambda pair: pair[1])


def _focus(text: str, named: list[tuple[CastLook, int]]) -> CastLook | None:
    """The character a framing is "on": "close-up on Mara", "favouring Tomas", "focus on Ada"."""
    for match in _FOCUS.finditer(text):
        for member, start in named:
            if start == match.start(1):
                return member
    return None


def _clause_at(text: str, start: int) -> str:
    """The clause of the words that begins with a name."""
    rest = text[start:]
    return _CLAUSES.split(rest, maxsplit=1)[0] if rest else ""


def _position(current: str, clause: str, cast: Sequence[CastLook]) -> str:
    """A figure's position after gaze and side words; unchanged when the clause says neither."""
    place, _, facing = (current or "centre, facing camera").partition(", ")
    if side := _SIDE.search(clause):
        place = side.group(1).lower().replace("center", "centre")
    if _LOOKS_AWAY.search(clause):
        facing = "looking away"
    elif at := _LOOKS_AT.search(clause):
        target = at.group(1)
        who = next((c.name for c in cast if c.name.lower() == target.lower()), target.lower())
        facing = f"looking at {who}"
    elif faces := _FACES.search(clause):
        word = faces.group(1).lower()
        facing = {"the camera": "facing camera", "camera": "facing camera", "us": "facing camera",
                  "away": "looking away"}.get(word, f"facing {word}")  # fmt: skip
    return f"{place}, {facing}" if facing else place
