"""The shot a panel draws, read once from the spec: the description (`FrameSpec.depicts`) when
there is one, else the older spec fields, in the canonical words of `memory.vocabulary`.

Two keys drive every random choice. The layout key (scene, shot, setting, framing, angle) places
the camera, the horizon and the people, so every take of a shot shares its set-up and a region
revision redraws the same geometry as its parent; the detail key (seed and prompt) varies what a
take may vary: clouds, waves, poses. So `--prompt` words always change the picture.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from memory import vocabulary
from tools.backends.base import FRAMINGS, Depiction, FigureInFrame, FrameSpec

PERIODS = ("dawn", "day", "dusk", "night")
_CLOSE_WORDS = ("close-up", "close up", "closeup", "foreground", "subject", "in focus")


@dataclass(frozen=True, slots=True)
class Person:
    """A character as the panel draws them: name, look in words, and where they stand."""

    name: str
    look: str
    position: str


@dataclass(frozen=True, slots=True)
class Shot:
    """Everything the drawing needs, in canonical lower-case words."""

    setting: str
    interior: bool
    period: str
    weather: tuple[str, ...]
    light: tuple[str, ...]
    props: tuple[str, ...]
    people: tuple[Person, ...]
    framing: str
    angle: str
    layout_key: int
    detail_key: int

    @property
    def night(self) -> bool:
        """Whether the sky is dark."""
        return self.period == "night"

    def subject(self) -> int:
        """Which person a close framing is on: the one whose position says so, else the first."""
        for index, person in enumerate(self.people):
            if any(word in person.position.lower() for word in _CLOSE_WORDS):
                return index
        return 0


def read_shot(spec: FrameSpec, seed: int) -> Shot:
    """The shot of a spec, from its description or, without one, from its older fields."""
    depicts = spec.depicts
    if depicts is None:
        depicts = _from_fields(spec)
    interior = _interior(depicts.int_ext or spec.int_ext or spec.heading)
    setting = _setting(depicts.setting, interior, spec)
    if setting in {"car interior", "truck interior", "bus", "train", "elevator"} and (
        "ext" in (depicts.int_ext or "").lower() and "int" not in (depicts.int_ext or "").lower()
    ):
        interior = False
    period = depicts.time_of_day.lower() if depicts.time_of_day.lower() in PERIODS else ""
    period = period or _period(spec.time_of_day)
    framing = depicts.framing if depicts.framing in FRAMINGS else spec.framing
    framing = framing if framing in FRAMINGS else "medium"
    angle = depicts.angle if depicts.angle in {"eye-level", "low", "high"} else spec.angle
    angle = angle if angle in {"eye-level", "low", "high"} else "eye-level"
    people = tuple(Person(c.name, c.look, c.position) for c in depicts.characters if c.name)
    layout = f"{spec.scene_number}|{spec.shot_code}|{setting}|{framing}|{angle}"
    return Shot(
        setting=setting,
        interior=interior,
        period=period,
        weather=tuple(_words(depicts.weather, "weather")),
        light=tuple(_words(depicts.light, "light")),
        props=tuple(_props(depicts.props)),
        people=people,
        framing=framing,
        angle=angle,
        layout_key=zlib.crc32(layout.encode()),
        detail_key=(seed * 2654435761 + zlib.crc32(spec.prompt.encode())) % 2**32,
    )


def _from_fields(spec: FrameSpec) -> Depiction:
    """A description from a spec made before descriptions existed: heading, props, action."""
    place = spec.location or spec.heading
    text = f"{place}. {spec.action}"
    return Depiction(
        setting=next(iter(vocabulary.find_terms(place, "settings")), ""),
        int_ext=spec.int_ext or "",
        time_of_day=_period(spec.time_of_day),
        weather=tuple(vocabulary.find_terms(text, "weather")),
        light=tuple(vocabulary.find_terms(text, "light")),
        props=tuple(p.lower() for p in spec.props),
        characters=tuple(FigureInFrame(c.name, c.description) for c in spec.characters),
        framing=spec.framing,
        angle=spec.angle,
        action=spec.action,
    )


def _interior(int_ext: str) -> bool:
    """Whether to draw a room; INT/EXT (usually a car seen from outside) reads as outside."""
    prefix = int_ext.strip().upper()
    return prefix.startswith("INT") and re.match(r"INT\.?\s*/", prefix) is None


def _setting(setting: str, interior: bool, spec: FrameSpec) -> str:
    """The canonical setting, trying the description's word, then the heading's location."""
    for text in (setting, spec.location or "", spec.heading):
        if not text:
            continue
        word = vocabulary.canonical(text, "settings")
        if word is None:
            found = vocabulary.find_terms(text, "settings")
            word = found[0] if found else None
        if word is not None:
            return word
    return vocabulary.INTERIOR_FALLBACK if interior else vocabulary.EXTERIOR_FALLBACK


def _period(time_of_day: str | None) -> str:
    """The light for a heading's time of day; CONTINUOUS, LATER and unknown read as neutral."""
    text = (time_of_day or "").upper()
    if any(word in text for word in ("DAWN", "SUNRISE", "DAYBREAK", "FIRST LIGHT")):
        return "dawn"
    if any(word in text for word in ("DUSK", "SUNSET", "EVENING", "TWILIGHT", "MAGIC HOUR")):
        return "dusk"
    if "NIGHT" in text:
        return "night"
    if any(word in text for word in ("DAY", "MORNING", "NOON", "AFTERNOON")):
        return "day"
    return "neutral"


def _words(words: tuple[str, ...], kind: str) -> list[str]:
    """Canonical words of a vocabulary, each once, unknown ones kept as written."""
    found: list[str] = []
    for word in words:
        term = vocabulary.canonical(word, kind) or word.strip().lower()
        if term and term not in found:
            found.append(term)
    return found


def _props(words: tuple[str, ...]) -> list[str]:
    """Props and vehicles in canonical words; unknown ones stay as written (lettered as tags)."""
    found: list[str] = []
    for word in words:
        term = (
            vocabulary.canonical(word, "vehicles")
            or vocabulary.canonical(word, "props")
            or " ".join(word.split()).lower()
        )
        if term and term not in found:
            found.append(term)
    return found
