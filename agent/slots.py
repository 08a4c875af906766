"""Filling a request's slots from its words and the production's memory.

Ids, codes and numbers are read by exact rules; scenes may also be named by description ("the
boat scene", "the last scene", "where she breaks into the office"), people by name, alias,
possessive or in lower case, accounts by number or by a word of their name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agent.production import Production
from agent.understanding import CODE, NOT_A_CODE, VERSION
from tools.budget.accounts import ACCOUNT_SHORTHAND
from tools.revisions import REGIONS

NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "a couple of": 2, "a couple": 2,
    "couple of": 2, "a pair of": 2, "three": 3, "a few": 3, "few": 3, "several": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12, "a dozen": 12, "dozen": 12, "fifteen": 15, "twenty": 20,
}  # fmt: skip
UNITS = r"(?:frames?|images?|takes?|options?|versions?|angles?|variations?|pictures?|stills?|"
UNITS += r"boards?|shots?|looks?|alternatives?|renders?|pics?|close-?ups?|wides?|mediums?)"
COUNT = re.compile(
    r"(?<!scene )(?<!scenes )(?<!sc )(?<!sc\. )(?<!shot )"  # a scene's number is not a count
    rf"\b({'|'.join(sorted(NUMBER_WORDS, key=len, reverse=True))}|\d{{1,3}})\s+"
    rf"(?:more\s+|new\s+|different\s+|quick\s+|draft\s+|rough\s+|[a-z-]+\s+)?{UNITS}\b",
    re.I,
)
SCENE = re.compile(r"\b(?:scenes?|sc\.?|sequence)\s*#?\s*(\d{1,4}[a-z]?)\b", re.I)
POINTING = re.compile(
    r"\b(?:it|that one|this one|that|this|the last (?:frame|one|version|take|image)|"
    r"the latest(?: one| version| frame)?|the new one|the one you (?:just )?made|them|those)\b",
    re.I,
)
EVERYTHING = re.compile(
    r"\b(?:every|all)\s+(?:the\s+|of the\s+)?(?:shots?|versions?|frames?)\b|"
    r"\beverything\b",
    re.I,
)


@dataclass
class Targets:
    """Versions and shots a request names, the ones that do not exist, and pronoun use."""

    versions: list[str] = field(default_factory=list)
    shots: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    pointing: bool = False

    @property
    def named(self) -> list[tuple[str, str]]:
        """Each target as (kind, id) in the order typed: versions first only when typed first."""
        return [("version_id", v) for v in self.versions] + [("shot", s) for s in self.shots]


def targets(text: str, production: Production) -> Targets:
    """Version ids and shot codes in the request (dropping any after a negation)."""
    from agent.understanding import NEGATION

    cut = NEGATION.search(text.lower())
    kept = text if cut is None or cut.start() == 0 else text[: cut.start()]
    found = Targets(pointing=bool(POINTING.search(kept)))
    for match in VERSION.finditer(kept):
        version = f"v{int(match.group(1))}"
        bucket = found.versions if version in production.versions else found.unknown
        if version not in bucket:
            bucket.append(version)
    for match in CODE.finditer(kept):
        code = match.group(1).upper()
        letters = re.sub(r"^\d+", "", code).split("-")[0].lower()
        if code in production.shots:
            bucket: list[str] | None = found.shots
        elif letters not in NOT_A_CODE and not re.match(r"v\d", match.group(1), re.I):
            bucket = found.unknown
        else:
            bucket = None
        if bucket is not None and code not in bucket:
            bucket.append(code)
    return found


def everything(text: str) -> bool:
    """Whether the request asks for every shot or version at once."""
    return bool(EVERYTHING.search(text))


def scene_of(text: str, production: Production, after_in: bool = False) -> str | None:
    """The scene named by number, by position ("the last scene") or by description."""
    if match := SCENE.search(text):
        return match.group(1).upper()
    lowered = text.lower()
    if after_in and (match := re.search(r"\bin\s+(\d{1,4}[a-z]?)\b(?!\s*(?:mm|am|pm))", lowered)):
        return match.group(1).upper()
    numbers = production.scene_numbers
    if numbers and re.search(r"\b(?:last|final|closing|end) scene\b", lowered):
        return numbers[-1]
    if numbers and re.search(r"\b(?:first|opening) scene\b", lowered):
        return numbers[0]
    return _described_scene(lowered, production)


def _described_scene(lowered: str, production: Production) -> str | None:
    """A scene by place ("the boat scene"), else by meaning ("the scene where she ...")."""
    ranked = r"(?!(?:most|least|priciest|costliest|cheapest|biggest|top)\b)"
    if match := re.search(rf"\bthe {ranked}([a-z' ]{{3,40}}?) scene\b", lowered):
        words = [w for w in match.group(1).split() if len(w) > 2 and w not in ("the", "one")]
        for scene in production.scenes:
            place = f"{scene.location} {scene.heading.lower()}"
            if words and all(re.search(rf"\b{re.escape(w.rstrip('s'))}", place) for w in words):
                return scene.number
        if production.find_scenes and words:
            return next(iter(production.find_scenes(" ".join(words))), None)
    described = re.search(
        r"\b(?:the )?scenes? (?:where|when|in which|with)\s+(.{4,200})|"
        r"\b(?:of|for) (?:the (?:moment|bit|part) )?(?:where|when)\s+(.{4,200})",
        lowered,
    )
    if described and production.find_scenes:
        said = described.group(1) or described.group(2)
        return next(iter(production.find_scenes(said)), None)
    return None


def count_of(text: str) -> int | None:
    """How many frames are asked for, in digits or words."""
    if match := COUNT.search(text):
        said = match.group(1).lower()
        return NUMBER_WORDS.get(said) or int(said)
    return None


def region_of(text: str) -> str | None:
    """A named region of the frame, as the revision tool knows them."""
    lowered = text.lower().replace("center", "centre")
    for name in sorted(REGIONS, key=len, reverse=True):
        if re.search(rf"\b{name}\b", lowered):
            return name
    return None


def characters(text: str, production: Production) -> list[str]:
    """The cast named, by name, alias, possessive or lower case, each once."""
    lowered = text.lower()
    hits = [
        (match.start(), name)
        for said, name in production.cast.items()
        for match in re.finditer(rf"\b{re.escape(said)}(?:'s)?\b", lowered)
    ]
    return list(dict.fromkeys(name for _, name in sorted(hits)))


def account_of(text: str, production: Production) -> str | None:
    """An account by number or by a word of its name, as the budget's resolver takes it."""
    for number in production.accounts:
        if re.search(rf"\b{re.escape(number)}\b", text):
            return number
    lowered = text.lower()
    words = {key: key for key in ACCOUNT_SHORTHAND}
    for name in production.accounts.values():
        words[name.lower()] = name.lower()
        for word in re.findall(r"[a-z]{3,}", name.lower()):
            if word not in ("and", "the", "unit"):
                words[word] = word
                words[word.rstrip("s")] = word
    for said in sorted(words, key=len, reverse=True):
        if re.search(rf"\b{re.escape(said)}\b", lowered):
            return words[said]
    for typed in re.findall(r"[a-z]{4,}", lowered):  # "previs" for Previsualisation
        for name in production.accounts.values():
            if any(word.startswith(typed) for word in re.findall(r"[a-z]+", name.lower())):
                return typed
    return None


def subject_of(text: str, production: Production) -> str | None:
    """Who or what a continuity question is about: a cast member, else the thing named."""
    if cast := characters(text, production):
        return cast[0]
    match = re.search(
        r"\b(?:is|are|does|do|check|has|have)\s+(?:the|her|his|their|its)\s+([a-z][a-z-]{2,})",
        text.lower(),
    )
    return match.group(1) if match else None
