"""What a scene holds, read from its heading and action: setting, props, vehicles, weather, light,
and the time of day it plays at once CONTINUOUS, LATER and SAME are followed.

Pure functions over text, written in the canonical words of `memory.vocabulary`, so an import
and a re-import agree and every backend draws the same names.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from memory.screenplay.literal import (
    blank,
    is_figure_of,
    is_modifier,
    is_off,
    is_verb_use,
    literal_text,
)
from memory.vocabulary import (
    EXTERIOR_FALLBACK,
    INTERIOR_FALLBACK,
    find_spans,
    find_terms,
)

MAX_PROPS = 10

_CLOCK = re.compile(
    r"(?<![\d:])(\d{1,2})(?:[:.](\d{2}))?\s*(a\.?m\.?|p\.?m\.?)(?![\w])|(?<![\d:.])(\d{1,2}):(\d{2})(?![\d:])",
    re.IGNORECASE,
)
_EMPHASIS = re.compile(r"\*{1,3}|(?<![\w])_|_(?![\w])")
_PAST = re.compile(r"\b(?:after|before|no|without|since)\s+(?:the\s+|a\s+)?$", re.I)
_NEGATED = re.compile(
    r"\b(?:no|without|kills?|killed|off|unlit|dark)\s+(?:the\s+|its\s+|his\s+|her\s+)?$", re.I
)


@dataclass(frozen=True)
class SceneContents:
    """What one scene shows, in canonical lower-case words."""

    setting: str
    props: tuple[str, ...] = ()
    vehicles: tuple[str, ...] = ()
    weather: tuple[str, ...] = ()
    light: tuple[str, ...] = ()
    time_of_day: str | None = None
    """The light of the day once inherited times are followed: dawn, day, dusk or night."""
    clock: str | None = None
    """A clock time the scene names ("04:32"), 24-hour."""
    looks: dict[str, str] = field(default_factory=dict)
    """How each character present is described in this scene (clothes, marks), by name."""
    offscreen: tuple[str, ...] = ()
    """Characters heard but not seen here: their only lines are off screen (O.S., O.C.)."""

    def to_json(self) -> dict[str, Any]:
        """The stored form (a scene's `contents` column)."""
        return {
            "setting": self.setting,
            "props": list(self.props),
            "vehicles": list(self.vehicles),
            "weather": list(self.weather),
            "light": list(self.light),
            "time_of_day": self.time_of_day,
            "clock": self.clock,
            "looks": dict(self.looks),
            "offscreen": list(self.offscreen),
        }

    @classmethod
    def from_json(cls, document: dict[str, Any] | None) -> SceneContents | None:
        """Contents read back, or None for a scene stored before scenes held them."""
        if not document or "setting" not in document:
            return None
        return cls(
            setting=str(document["setting"]),
            props=tuple(document.get("props") or ()),
            vehicles=tuple(document.get("vehicles") or ()),
            weather=tuple(document.get("weather") or ()),
            light=tuple(document.get("light") or ()),
            time_of_day=document.get("time_of_day"),
            clock=document.get("clock"),
            looks=dict(document.get("looks") or {}),
            offscreen=tuple(document.get("offscreen") or ()),
        )


def plain_text(text: str) -> str:
    """Text without Fountain emphasis markup (`*`, `**`, `***`, `_`): what captions show."""
    return _EMPHASIS.sub("", text)


def setting_of(int_ext: str | None, location: str | None, action: str) -> str:
    """The kind of place: from the heading's location (its last named place wins, as in
    "LIGHTHOUSE COTTAGE"), else from the action, else a room or a landscape."""
    for part in reversed(re.split(r"\s+-\s+|/", location or "")):
        spans = find_spans(part, "settings")
        if spans:
            return spans[-1][0]
    spans = find_spans(action, "settings")
    if spans:
        return spans[0][0]
    return INTERIOR_FALLBACK if (int_ext or "").upper().startswith("INT") else EXTERIOR_FALLBACK


def _lit(text: str) -> list[str]:
    """Light sources named in the text, leaving out those said to be off ("kills the torch",
    "its lamp has not turned in years")."""
    found: list[str] = []
    for term, start, end in find_spans(text, "light"):
        if term != "no moon" and (
            _NEGATED.search(text[max(0, start - 20) : start]) or is_off(text, end)
        ):
            continue
        if term not in found:
            found.append(term)
    return found


def _weather(text: str, names: Collection[str] = ()) -> list[str]:
    """Weather the action shows, leaving out weather gone or absent ("after the rain"), figures
    of speech ("a storm of questions") and verbs ("Ellis storms out")."""
    text = _without_things(text)
    found: list[str] = []
    for term, start, end in find_spans(text, "weather"):
        if (
            term in found
            or _PAST.search(text[max(0, start - 16) : start])
            or is_figure_of(text, end)
            or is_verb_use(text, start, end, names, weather=True)
        ):
            continue
        found.append(term)
    return found


def _without_things(text: str) -> str:
    """The text with props blanked out, so a "storm lantern" is not a storm."""
    return blank(text, ((start, end) for _, start, end in find_spans(text, "props")))


def _things(text: str, names: Collection[str] = ()) -> tuple[list[str], list[str]]:
    """Props and vehicles the action shows, in order of first mention.

    Left out: verbs ("Signs.", "she photographs the board"), a thing naming what another is
    made of or for ("a glass sample jar" is a jar, "a binder of dredge logs" holds no dredge),
    and a word inside a longer place name ("the lamp room", "the car park").
    """
    places = [(start, end) for _, start, end in find_spans(text, "settings")]
    place_starts = [start for start, _ in places]
    spans = sorted(
        [(start, end, term, "props") for term, start, end in find_spans(text, "props")]
        + [(start, end, term, "vehicles") for term, start, end in find_spans(text, "vehicles")]
    )
    starts = {start for start, *_ in spans}
    kept: dict[str, list[str]] = {"props": [], "vehicles": []}
    for start, end, term, kind in spans:
        follower = re.match(r"[ \t]+", text[end:])
        if (
            (kind == "props" and follower and end + follower.end() in starts)
            or _inside_longer(places, place_starts, start, end)
            or is_verb_use(text, start, end, names)
            or is_modifier(text, start, end)
        ):
            continue
        if term not in kept[kind]:
            kept[kind].append(term)
    return kept["props"], kept["vehicles"]


def clock_of(text: str | None) -> str | None:
    """The first clock time written in the text ("4:32 AM", "19.05", "7pm") as 24-hour HH:MM."""
    if not text:
        return None
    for match in _CLOCK.finditer(text):
        if match.group(4):
            hour, minute, meridiem = int(match.group(4)), int(match.group(5)), ""
        else:
            hour, minute = int(match.group(1)), int(match.group(2) or 0)
            meridiem = match.group(3).lower().replace(".", "")
        if meridiem == "pm" and hour < 12:
            hour += 12
        elif meridiem == "am" and hour == 12:
            hour = 0
        if hour < 24 and minute < 60:
            return f"{hour:02d}:{minute:02d}"
    return None


def period_of_clock(clock: str) -> str:
    """The light at a clock time: night until five, dawn until seven, day, dusk from five pm."""
    hour = int(clock[:2])
    if hour < 5 or hour >= 20:
        return "night"
    if hour < 7:
        return "dawn"
    if hour < 17:
        return "day"
    return "dusk"


def period_of_words(text: str | None) -> str | None:
    """The light named by time words ("NEXT MORNING", "no moon", "sunset"), or None."""
    if not text:
        return None
    times = find_terms(text, "times")
    return times[0] if times else None


def _inside_longer(
    places: Sequence[tuple[int, int]], starts: Sequence[int], start: int, end: int
) -> bool:
    """Whether start..end lies inside a longer place phrase (phrases are in order, apart)."""
    index = bisect.bisect_right(starts, start) - 1
    if index < 0:
        return False
    a, b = places[index]
    return end <= b and b - a > end - start


def read_contents(
    int_ext: str | None,
    location: str | None,
    time_words: str | None,
    action: str,
    names: Collection[str] = (),
) -> SceneContents:
    """A scene's contents from its heading parts and action, before inherited times are followed.

    `time_of_day` here is the heading's own period, else a clock time's, else the action's.
    Similes and verbs name nothing in the frame (see `memory.screenplay.literal`); `names` are
    the script's people, who can be the subject of a verb ("Mara signs").
    """
    action = " ".join(plain_text(action).split())
    clock = clock_of(time_words) or clock_of(action)
    own = period_of_words(time_words)
    if own is None and clock_of(time_words):
        own = period_of_clock(clock_of(time_words) or "")
    if own is None:
        own = period_of_words(action) or (period_of_clock(clock) if clock else None)
    literal = literal_text(action)
    props, vehicles = _things(literal, names)
    vehicles = list(dict.fromkeys([*find_terms(location or "", "vehicles"), *vehicles]))
    return SceneContents(
        setting=setting_of(int_ext, location, literal),
        props=tuple(p for p in props if p not in vehicles)[:MAX_PROPS],
        vehicles=tuple(vehicles)[:MAX_PROPS],
        weather=tuple(_weather(literal, names)),
        light=tuple(_lit(literal)),
        time_of_day=own,
        clock=clock,
    )


def resolve_times(contents: Sequence[SceneContents]) -> list[SceneContents]:
    """Follow scenes whose heading and action give no light (CONTINUOUS, LATER, SAME) back to
    the scene they continue."""
    resolved: list[SceneContents] = []
    previous: str | None = None
    for scene in contents:
        time = scene.time_of_day or previous
        resolved.append(scene if time == scene.time_of_day else _with_time(scene, time))
        previous = time
    return resolved


def _with_time(scene: SceneContents, time: str | None) -> SceneContents:
    return replace(scene, time_of_day=time)
