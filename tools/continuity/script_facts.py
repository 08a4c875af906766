"""Continuity facts on a shot: which apply, what a machine could verify, what needs a person.

Facts come from people ("Mara's bandage is on her left hand from scene 14 to 20") and from the
script's action lines where they are explicit. Extraction is deliberately conservative: a dressing
on a named side of a body part, or a garment a character is "in" or "wears", attributed only when
the sentence names the character or uses a pronoun that one recent character in the scene
answers to. A missed fact is one a person adds; a wrong one would put a bandage on the wrong hand.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

import numpy as np
from sqlalchemy.orm import Session

from memory.records import ContinuityFact, Project, Scene
from memory.store import list_characters
from tools.continuity.identity import DRIFT, MATCH, IdentityMatch
from tools.continuity.look import (
    SIGNIFICANT_SHARE,
    TEXTILE_KL,
    PaletteColour,
    delta_e_2000,
    rgb_to_lab,
)
from tools.prompting import facts_for_scene

COLOUR_NAMES: dict[str, tuple[int, int, int]] = {
    "yellow": (228, 190, 40),
    "orange": (228, 120, 32),
    "red": (190, 32, 32),
    "pink": (228, 150, 170),
    "purple": (110, 50, 130),
    "blue": (40, 80, 170),
    "navy": (30, 40, 80),
    "green": (50, 120, 50),
    "olive": (110, 110, 50),
    "brown": (110, 70, 40),
    "tan": (190, 160, 110),
    "khaki": (190, 170, 120),
    "grey": (128, 128, 128),
    "gray": (128, 128, 128),
    "black": (25, 25, 25),
    "white": (240, 240, 240),
    "cream": (240, 230, 200),
}
"""Basic colour terms and a typical sRGB value for each, to look for in a character's wardrobe."""

COLOUR_SEEN_DELTA_E = 20.0
"""A named colour counts as seen when a dominant wardrobe colour is within this ΔE2000 (kL = 2)
of it; generous, because colour names are coarse."""

_GARMENTS = (
    "pea coat|raincoat|overcoat|coat|oilskin|jacket|parka|anorak|sweater|jumper|cardigan|hoodie|"
    "gilet|waistcoat|vest|shirt|blouse|t-shirt|nightdress|dress|gown|suit|uniform|overalls|"
    "trousers|jeans|skirt|apron|robe|cloak|shawl|scarf|hat|cap|beanie|boots"
)
_BODY_PARTS = "hand|arm|wrist|elbow|shoulder|leg|knee|ankle|foot|eye|cheek|forehead|temple"
_DRESSINGS = "bandages|bandage|gauze|plaster cast|splint|stitches|eyepatch|eye patch"
"""Nouns only: "sling" and "cast" are verbs too often ("casts a glance over her left shoulder")."""
# Every open-ended run below starts only at a word's first letter, and `[^.;!?]` is capped: each
# pattern then reads each character a bounded number of times, so a 100 k-character line of
# hostile text costs milliseconds, not minutes (a regex holds the GIL while it backtracks).
_OWNER = r"(?P<owner>his|her|their|(?<![\w.-])[A-Z][\w.-]*(?:\s[A-Z][\w.-]*)?'s)"
_CLAUSE_REACH = 160
"""How far after the body part "wraps her left hand … in gauze" may look for the dressing."""
_DRESSING_ON = re.compile(
    rf"\b(?P<dressing>{_DRESSINGS})\b(?:\s+[\w'-]+){{0,3}}?\s+(?:on|around|over|across)\s+{_OWNER}\s+"
    rf"(?P<side>left|right)\s+(?P<part>{_BODY_PARTS})\b",
    re.IGNORECASE,
)
_WRAPPED_IN = re.compile(
    rf"\b(?:wraps?|wrapped|binds?|bound|dresses|dressed)\s+{_OWNER}\s+(?P<side>left|right)\s+"
    rf"(?P<part>{_BODY_PARTS})\b[^.;!?]{{0,{_CLAUSE_REACH}}}?\b(?:in|with)\s+(?:\w+\s+)?(?P<dressing>{_DRESSINGS})\b",
    re.IGNORECASE,
)
_BANDAGED = re.compile(
    rf"{_OWNER}\s+(?P<dressing>bandaged|splinted)\s+(?P<side>left|right)\s+(?P<part>{_BODY_PARTS})\b",
    re.IGNORECASE,
)
_GARMENT_WORN = re.compile(
    # "pockets it in her oilskin" puts a thing in a garment; it says nothing about wearing it.
    r"\b(?:(?<!\bit )(?<!\bthem )in|wears|wearing|dressed in)\s+"
    r"(?P<phrase>(?P<article>a|an|the|his|her|their)\s+"
    r"(?:(?!(?:in|on|at|of|to|with|and|the|a|an|his|her|their)\b)[\w'-]+\s+){0,4}"
    rf"(?:{_GARMENTS}))\b",
    re.IGNORECASE,
)
_PRONOUNS = {
    "she": "her",
    "her": "her",
    "hers": "her",
    "herself": "her",
    "he": "his",
    "him": "his",
    "his": "his",
    "himself": "his",
}
_TELLING_PRONOUN = re.compile(
    r"\b(she|he|his|himself|herself|hers|her(?=\s+[a-z]))\b", re.IGNORECASE
)
"""Pronouns that say who they stand for: "him" and an object "her" ("squints up at her") refer
to someone else, so they are left out; a "her" before a word is read as possessive."""
_DRESSING_NOUNS = {
    "gauze": "bandage",
    "bandages": "bandage",
    "bandaged": "bandage",
    "splinted": "splint",
}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_SENTENCE_BREAK = re.compile(r"[.!?] |\n")
_WORD = re.compile(r"[A-Za-z]+")


class ScriptFact(NamedTuple):
    """A fact the script states outright in one scene's action lines."""

    subject: str
    statement: str
    scene_number: str


class SceneText(Protocol):
    """What extraction reads of a scene (a `SceneDraft` of the importer has it)."""

    number: str
    action_lines: Sequence[str]


class CastName(Protocol):
    """What extraction reads of a character: the canonical name and the other names used."""

    name: str
    aliases: Sequence[str]


@dataclass(frozen=True)
class _Mention:
    start: int
    character: str


class _Mentions:
    """Mentions in text order, with what answers "who is named between here and there" in
    logarithmic time: for each mention, the latest earlier one naming someone else."""

    def __init__(self, mentions: Sequence[_Mention]) -> None:
        self.starts = [m.start for m in mentions]
        self.characters = [m.character for m in mentions]
        self.other_before: list[int] = []
        for index, character in enumerate(self.characters):
            previous = index - 1
            if previous >= 0 and self.characters[previous] == character:
                previous = self.other_before[previous]
            self.other_before.append(previous)

    def only_one_between(self, start: int, end: int) -> str | None:
        """The one character named in [start, end), or None when none or several are."""
        last = bisect_left(self.starts, end) - 1
        if last < 0 or self.starts[last] < start:
            return None
        other = self.other_before[last]
        if other >= 0 and self.starts[other] >= start:
            return None
        return self.characters[last]

    def latest_before(self, end: int) -> tuple[str, int] | None:
        """The character named last before `end`, and where."""
        last = bisect_left(self.starts, end) - 1
        return (self.characters[last], self.starts[last]) if last >= 0 else None


class _Sentences:
    """Where sentences begin, so finding the sentence of a position is a binary search."""

    def __init__(self, text: str) -> None:
        self.starts = sorted({0, *(m.end() for m in _SENTENCE_BREAK.finditer(text))})

    def start_of(self, at: int) -> int:
        """Where the sentence holding position `at` begins."""
        return self.starts[bisect_right(self.starts, at) - 1]


def extract_script_facts(scenes: Iterable[SceneText], cast: Iterable[CastName]) -> list[ScriptFact]:
    """The continuity facts the action lines state explicitly, scene by scene, in script order."""
    names = _name_patterns(cast)
    scenes = list(scenes)
    texts = {scene.number: "\n\n".join(scene.action_lines) for scene in scenes}
    pronouns = _pronoun_of_each_character(texts.values(), names)
    facts: dict[ScriptFact, None] = {}
    for scene in scenes:
        text = texts[scene.number]
        mentions = _mentions(text, names)
        for fact in _facts_in(text, mentions, pronouns, names):
            facts.setdefault(ScriptFact(fact[0], fact[1], scene.number))
    return list(facts)


def _name_patterns(cast: Iterable[CastName]) -> dict[str, re.Pattern[str]]:
    """Each character's names as written in action: as given or in title case, whole words."""
    patterns = {}
    for member in cast:
        forms = {member.name, *member.aliases}
        spelled = {variant for form in forms for variant in (form.upper(), form.title())}
        alternatives = "|".join(re.escape(v) for v in sorted(spelled, key=len, reverse=True))
        patterns[member.name] = re.compile(rf"(?<![\w'])(?:{alternatives})(?![\w-])")
    return patterns


def _mentions(text: str, names: Mapping[str, re.Pattern[str]]) -> list[_Mention]:
    """Where each character is named, in text order (a longer name hides the shorter inside it)."""
    found: list[tuple[int, int, str]] = []
    for character, pattern in names.items():
        found.extend((m.start(), m.end(), character) for m in pattern.finditer(text))
    found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    mentions, reach = [], -1
    for start, end, character in found:
        if start >= reach:
            mentions.append(_Mention(start, character))
            reach = end
    return mentions


def _pronoun_of_each_character(
    texts: Iterable[str], names: Mapping[str, re.Pattern[str]]
) -> dict[str, str]:
    """her or his for each character, voted by sentences that name only them and use one kind."""
    votes: dict[str, Counter[str]] = {name: Counter() for name in names}
    for text in texts:
        for sentence in _SENTENCE_END.split(text):
            named = {m.character for m in _mentions(sentence, names)}
            kinds = {_PRONOUNS[m.group(1).lower()] for m in _TELLING_PRONOUN.finditer(sentence)}
            if len(named) == 1 and len(kinds) == 1:
                votes[named.pop()][kinds.pop()] += 1
    pronouns = {}
    for name, counter in votes.items():
        ranked = counter.most_common()
        if not ranked:
            continue
        top, count = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0
        if count >= 2 and count >= 2 * runner_up:
            pronouns[name] = top
    return pronouns


def _facts_in(
    text: str,
    mentions: Sequence[_Mention],
    pronouns: Mapping[str, str],
    names: Mapping[str, re.Pattern[str]],
) -> list[tuple[str, str]]:
    """(subject, statement) pairs stated in one scene's action text."""
    sentences = _Sentences(text)
    everyone = _Mentions(mentions)
    by_pronoun = {
        kind: _Mentions([m for m in mentions if pronouns.get(m.character) == kind])
        for kind in set(_PRONOUNS.values())
    }
    facts = []
    for pattern in (_DRESSING_ON, _WRAPPED_IN, _BANDAGED):
        for match in pattern.finditer(text):
            owner = _owner(match.group("owner"), match.start("owner"), sentences, by_pronoun, names)
            if owner is None:
                continue
            dressing = match.group("dressing").lower()
            dressing = _DRESSING_NOUNS.get(dressing, dressing)
            pronoun = pronouns.get(owner, "their")
            where = f"{match.group('side')} {match.group('part')}".lower()
            statement = f"{dressing} on {pronoun} {where}"
            facts.append((owner, statement))
    for match in _GARMENT_WORN.finditer(text):
        article = match.group("article").lower()
        start = match.start("phrase")
        if article in {"a", "an", "the"}:
            # "stands at the bow in a yellow coat": the one character this sentence names.
            owner = everyone.only_one_between(sentences.start_of(start), start)
        else:
            owner = _owner(article, start, sentences, by_pronoun, names)
        if owner is not None:
            facts.append((owner, f"wears {' '.join(match.group('phrase').lower().split())}"))
    return facts


def _owner(
    word: str,
    at: int,
    sentences: _Sentences,
    by_pronoun: Mapping[str, _Mentions],
    names: Mapping[str, re.Pattern[str]],
) -> str | None:
    """Whose body or garment: a named possessive, else the character the pronoun fits — the one
    in this sentence, or the latest before it; two that fit in this sentence is no answer."""
    if word.endswith("'s"):
        named = [c for c, pattern in names.items() if pattern.fullmatch(word[:-2])]
        return named[0] if len(named) == 1 else None
    kind = _PRONOUNS.get(word.lower())
    fitting = by_pronoun.get(kind) if kind else None
    latest = fitting.latest_before(at) if fitting else None
    if latest is None:
        return None
    sentence_start = sentences.start_of(at)
    if latest[1] >= sentence_start and fitting.only_one_between(sentence_start, at) is None:
        return None
    return latest[0]


def facts_for_shot(
    session: Session, project: Project, scene: Scene, characters: Sequence[str]
) -> list[ContinuityFact]:
    """The facts in the scene's scope about the shot's characters, or about no character (props,
    places): a fact about someone who is not in the shot has nothing to show in it."""
    in_shot = {name.upper() for name in characters}
    cast = {
        name.upper(): character.name
        for character in list_characters(session, project)
        for name in (character.name, *character.aliases)
    }
    return [
        fact
        for fact in facts_for_scene(session, project, scene)
        if fact.subject.upper() not in cast or cast[fact.subject.upper()].upper() in in_shot
    ]


def canonical_subject(session: Session, project: Project, subject: str) -> str | None:
    """The character a fact is about, by name or alias, or None when it is about no character."""
    wanted = subject.strip().upper()
    for character in list_characters(session, project):
        if wanted in {character.name.upper(), *(a.upper() for a in character.aliases)}:
            return character.name
    return None


def verify_fact(
    fact: ContinuityFact,
    character: str | None,
    identity: IdentityMatch | None,
    palettes: Mapping[str, Sequence[PaletteColour]],
) -> dict[str, Any]:
    """A fact on one shot: what was verified automatically; the fact itself needs a human eye."""
    automatic = []
    if character is not None:
        automatic.append(_presence(character, identity))
        for colour in _colours_named(fact.statement):
            automatic.append(_colour_seen(character, colour, palettes.get(character)))
    scope = fact.from_scene and f"scenes {fact.from_scene}–{fact.to_scene or fact.from_scene}"
    text = f"check by eye: {fact.subject} {fact.statement}"
    if fact.needs_review:
        text += " (the script changed since this fact was stated: review it)"
    return {
        "item_id": fact.fact_id,
        "kind": "fact",
        "subject": fact.subject,
        "statement": fact.statement,
        "scope": scope or (f"story day {fact.story_day}" if fact.story_day else "every scene"),
        "source": fact.source,
        "needs_review": fact.needs_review,
        "automatic": automatic,
        "text": text,
    }


def _presence(character: str, identity: IdentityMatch | None) -> dict[str, Any]:
    """Whether the fact's character was recognised in the frame."""
    check = f"{character} in frame"
    if identity is None:
        return {"check": check, "result": "not_checkable", "detail": "identity was not checked"}
    if not identity.faces:
        return {"check": check, "result": "not_checkable", "detail": "no face found in the frame"}
    for face in identity.faces:
        if face.character == character and face.verdict in {MATCH, DRIFT}:
            detail = f"face at {_box(face.box)} matched (distance {face.distance:.2f})"
            return {"check": check, "result": "pass", "detail": detail}
    if character in identity.missing:
        return {"check": check, "result": "fail", "detail": f"no face in the frame is {character}"}
    return {
        "check": check,
        "result": "not_checkable",
        "detail": f"{character} has no reference images",
    }


def _colours_named(statement: str) -> list[str]:
    words = [w.lower() for w in _WORD.findall(statement)]
    return list(dict.fromkeys(w for w in words if w in COLOUR_NAMES))


def _colour_seen(
    character: str, colour: str, palette: Sequence[PaletteColour] | None
) -> dict[str, Any]:
    """Whether a colour the fact names is among the character's dominant wardrobe colours."""
    check = f"{colour} in {character}'s wardrobe colours"
    if not palette:
        return {"check": check, "result": "not_checkable", "detail": "no wardrobe region was read"}
    target = rgb_to_lab(np.asarray(COLOUR_NAMES[colour], dtype=np.float64))
    distances = delta_e_2000(np.asarray([c.lab for c in palette]), target, k_l=TEXTILE_KL)
    seen = [
        (float(d), c)
        for d, c in zip(distances, palette, strict=True)
        if c.share >= SIGNIFICANT_SHARE
    ]
    distance, closest = min(seen, key=lambda pair: pair[0])
    if distance <= COLOUR_SEEN_DELTA_E:
        detail = f"{closest.hex} ({closest.share:.0%}) is {colour} (ΔE {distance:.1f})"
        return {"check": check, "result": "pass", "detail": detail}
    colours = ", ".join(f"{c.hex} {c.share:.0%}" for c in palette)
    return {"check": check, "result": "fail", "detail": f"no {colour} among {colours}"}


def _box(box: Sequence[int]) -> str:
    return ",".join(str(v) for v in box)
