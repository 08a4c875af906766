"""How characters look, gathered from every description in the script.

A character's look is spread over the script: the introduction gives age, build and hair, later
lines change the clothes ("in Tomas's grey wool sweater") and add marks ("a bandage on her left
hand"). Sentences are given to the character they name, or to the last one named when they start
with a pronoun. Pure functions over text, so an import and a re-import agree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")
_POSSESSIVE = re.compile(r"\b(?:her|his|their)\b", re.I)
_PRONOUN = re.compile(r"^\s*(?:she|he|they|her|his|their)\b", re.I)
_AGE = re.compile(r"\(\s*((?:early |mid |late |mid-|early-|late-)?\d{1,2}'?s?)\s*\)|,\s*(\d{2}s?),")
_BUILD = (
    "wiry", "broad", "broad-shouldered", "tiny", "tall", "slim", "slight", "small", "gaunt", "lean",
    "skinny", "plump", "big", "heavy", "slender", "thin",
    "heavy-set", "heavyset", "stocky", "muscular", "lanky", "petite", "frail", "burly", "stout",
    "willowy", "athletic", "hunched", "bearded", "clean-shaven", "bald", "pale", "tanned",
    "freckled", "wind-burned", "weathered", "elderly", "silver-haired", "grey-haired",
    "gray-haired", "white-haired", "red-haired", "dark-haired", "fair-haired", "blonde", "blond",
    "pregnant", "moustached", "mustached",
)  # fmt: skip
_BUILD_WORDS = re.compile(
    r"(?<![\w-])("
    + "|".join(re.escape(w) for w in sorted(_BUILD, key=len, reverse=True))
    + r")(?![\w-])"
)
_DESCRIBES_PERSON = re.compile(
    r"\s*(?:$|[,.;:!?)\u2014-]|(?:and|but|or|with|in|yet)\b|(?:man|men|woman|women|boy|girl|"
    r"person|guy|kid|child|lady|gentleman|face|frame|build|features|complexion|skin)\b)"
)
"""What follows a build word that describes the person: a pause ("wiry and wind-burned,") or a
person noun ("a tall man"); "small blue circles" and "too big for her" describe other things."""
_HELD = re.compile(
    r"\b(?:holds?|holding|held|carr(?:y|ies|ying|ied)|drops?|dropped|dropping|handed|handing|"
    r"offers?|offered|picks?\s+up|fished|fishes|drap\w+\s+over|over\s+(?:his|her|their|one)\s+"
    r"(?:arm|arms|shoulder)|hangs?\s+from|hanging\s+from|floating)\b",
    re.I,
)
"""Words that make a garment something held or seen, not worn ("draped over his arm is the torn
yellow oilskin", "he drops the coat at her feet")."""
_CLAUSE = re.compile(r"[,;:]|\band\b")
HELD_REACH = 80
_SAME_MARK = {"gauze": "bandage", "dressing": "bandage", "plaster": "bandage"}
"""Marks that are one thing drawn: a gauze wrap and a bandage on the same hand."""
_HAIR = re.compile(
    r"\b((?:[a-z-]+\s+){0,2}hair(?:\s+(?:pulled|tied|cropped|cut|worn|scraped|swept|in)\b"
    r"[a-z ]{0,20}?\b(?:back|short|long|up|down|loose|bun|bob|braids?|plaits?|ponytail|knot"
    r"|curls))?)",
    re.I,
)
_HAIR_NOT = frozenset({"her", "his", "their", "the", "a", "and", "with", "of", "still", "is"})
_GARMENTS = (
    "coat", "oilskin", "jacket", "sweater", "jumper", "cardigan", "shirt", "t-shirt", "blouse",
    "dress", "nightdress", "skirt", "suit", "gilet", "vest", "waistcoat", "cap", "hat", "beanie",
    "hood", "hoodie", "boots", "shoes", "trainers", "sneakers", "scarf", "trousers", "jeans",
    "chinos", "shorts", "uniform", "apron", "gloves", "overalls", "raincoat", "parka", "cloak",
    "robe", "gown", "tie", "glasses", "sunglasses", "spectacles", "pea coat", "anorak", "fleece",
    "hi-vis", "helmet", "mask", "tracksuit", "pyjamas", "pajamas", "overcoat", "trench coat",
)  # fmt: skip
_GARMENT_WORDS = "|".join(re.escape(g) for g in sorted(_GARMENTS, key=len, reverse=True))
_GARMENT = re.compile(
    rf"\b((?:[a-z][a-z'-]*\s+){{0,3}}(?:{_GARMENT_WORDS})(?:\s+(?:{_GARMENT_WORDS}))?)s?\b", re.I
)
_OUTER = frozenset(
    {
        "coat", "oilskin", "jacket", "sweater", "jumper", "cardigan", "gilet", "parka", "raincoat",
        "anorak", "fleece", "hoodie", "overcoat", "cloak", "robe", "suit", "uniform", "overalls",
        "tracksuit",
    }
)  # fmt: skip
_HEADWEAR = frozenset({"cap", "hat", "beanie", "hood", "helmet"})
_FOOTWEAR = frozenset({"boots", "shoes", "trainers", "sneakers"})
_NOT_ADJECTIVES = frozenset(
    {
        "the", "a", "an", "in", "her", "his", "their", "its", "over", "under", "of", "with",
        "and", "at", "on", "to", "from", "wears", "wearing", "wore", "pulls", "pulling", "still",
        "into", "out", "onto", "off", "by", "for", "tomas's", "mara's", "is", "was", "has",
        "shoulders", "draped", "drops", "holds", "loops", "slips", "one", "two", "closed",
        "tighter", "inside", "up", "down", "this", "that", "it", "hangs", "lit", "like",
    }
)  # fmt: skip
_MARK = re.compile(
    r"\b((?:[a-z-]+\s+){0,2}(?:bandage|bandaged|gauze|scar|bruise|black eye|tattoo|sling|cast|"
    r"eyepatch|eye patch|stitches|plaster|limp|burn))\b(?:[^.;,]{0,12}?\b(?:on|across|over|around)"
    r"\s+(?:her|his|their|the)\s+((?:left|right)\s+)?([a-z]+))?",
    re.I,
)
_MARK_LEAD_DROP = frozenset(
    {"the", "a", "an", "her", "his", "their", "its", "on", "in", "with", "of", "and", "is"}
)


@dataclass
class LookParts:
    """What the script says of someone's look: lasting traits, current clothes, marks."""

    traits: list[str] = field(default_factory=list)
    clothes: list[str] = field(default_factory=list)
    marks: list[str] = field(default_factory=list)

    def add(self, other: LookParts) -> None:
        """Take the other's parts in, each once (the clothes replace, traits and marks add)."""
        self.traits.extend(p for p in other.traits if p not in self.traits)
        for mark in other.marks:
            self.marks = _add_mark(self.marks, mark)
        for garment in other.clothes:
            self.clothes = _wear(self.clothes, garment)

    def text(self) -> str:
        """The look as one line: traits, then clothes, then marks."""
        return ", ".join(dict.fromkeys([*self.traits, *self.clothes, *self.marks]))


def _kind(garment: str) -> str:
    """What a garment covers, so a sweater replaces a coat but not a cap."""
    head = garment.split()[-1]
    for kind, words in (("outer", _OUTER), ("head", _HEADWEAR), ("feet", _FOOTWEAR)):
        if head in words or garment.split()[0] in words:
            return kind
    return head


def _wear(clothes: list[str], garment: str) -> list[str]:
    """Clothes after putting a garment on: the same garment named again keeps the longer
    description; another garment of the same kind replaces it."""
    head = garment.split()[-1]
    for index, worn in enumerate(clothes):
        if worn.split()[-1] == head or garment in worn or worn in garment:
            if len(garment) > len(worn):
                clothes = [*clothes[:index], garment, *clothes[index + 1 :]]
            return clothes
    kind = _kind(garment)
    return [*(c for c in clothes if _kind(c) != kind or kind not in {"outer", "head", "feet"}),
            garment]  # fmt: skip


def _held(sentence: str, end: int) -> bool:
    """Whether the garment named up to `end` is held, dropped or hanging rather than worn: a
    holding word in its clause, before it."""
    window = max(0, end - HELD_REACH)  # a bounded look back keeps long lines linear
    clause_start = max((m.end() for m in _CLAUSE.finditer(sentence, window, end)), default=window)
    return bool(_HELD.search(sentence, clause_start, end))


def _mark_kind(mark: str) -> str:
    """What a mark is, so "gauze on left hand" and "bandage on left hand" are one."""
    head = mark.split(" on ")[0].split()[-1]
    return _SAME_MARK.get(head, head)


def _mark_owner(sentence: str, start: int, end: int) -> str | None:
    """She or he by the nearest possessive around a mark ("her left hand"), None if unsaid."""
    after = re.match(r"[^.;,]{0,16}?\b(her|his)\b", sentence[end:], re.I)
    before = re.findall(r"\b(her|his)\b", sentence[max(0, start - 40) : start], re.I)
    word = (after.group(1) if after else before[-1] if before else "").lower()
    return {"her": "she", "his": "he"}.get(word)


def _add_mark(marks: list[str], mark: str) -> list[str]:
    """Marks once each: a longer description of the same mark replaces the shorter."""
    for index, known in enumerate(marks):
        if _mark_kind(known) == _mark_kind(mark):
            if len(mark) > len(known):
                marks = [*marks[:index], mark, *marks[index + 1 :]]
            return marks
    return [*marks, mark]


def look_parts(sentence: str, gender: str | None = None) -> LookParts:
    """The look words of one sentence about one character."""
    parts = LookParts()
    if age := _AGE.search(sentence):
        parts.traits.append((age.group(1) or age.group(2)).replace("'", ""))
    lowered = sentence.lower()
    found = {
        match.group(1)
        for match in _BUILD_WORDS.finditer(lowered)
        if _DESCRIBES_PERSON.match(lowered, match.end())
        or _BUILD_WORDS.match(lowered, match.end() + 1)
    }
    parts.traits.extend(word for word in _BUILD if word in found)
    for match in _HAIR.finditer(sentence):
        words = match.group(1).split()
        while words and words[0].lower() in _HAIR_NOT:
            words = words[1:]
        if len(words) > 1:
            parts.traits.append(" ".join(words).lower())
    for match in _GARMENT.finditer(sentence):
        if _held(sentence, match.end(1)):
            continue
        words = match.group(1).lower().split()
        keep: list[str] = []
        for word in reversed(words[:-1]):
            if word in _NOT_ADJECTIVES or word.endswith(("'s", "ly")):
                break
            keep.insert(0, word)
        parts.clothes = _wear(parts.clothes, " ".join([*keep, words[-1]]))
    for match in _MARK.finditer(sentence):
        words = match.group(1).lower().split()
        while words and words[0] in _MARK_LEAD_DROP:
            words = words[1:]
        mark = " ".join(words).replace("bandaged", "bandage")
        if match.group(3):
            mark += f" on {(match.group(2) or '').lower()}{match.group(3).lower()}"
        owner = _mark_owner(sentence, match.start(), match.end(1))
        if mark and not (gender and owner and owner != gender):
            parts.marks = _add_mark(parts.marks, mark)
    return parts


def _forms_pattern(forms: Mapping[str, str]) -> re.Pattern[str] | None:
    if not forms:
        return None
    ordered = sorted(forms, key=len, reverse=True)
    return re.compile(
        r"(?<![\w'’])(" + "|".join(re.escape(f) for f in ordered) + r")(?:['’]s)?(?![\w])",
        re.I,
    )


def gather_looks(
    scenes_action: Sequence[Sequence[str]], cast: Mapping[str, Sequence[str]]
) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Each character's look over the whole script, and per scene the look of each character
    as it stands by then (clothes carry forward until a later description changes them).

    `scenes_action` holds each scene's action paragraphs; `cast` maps a canonical name to the
    forms it goes by.
    """
    forms = {form.upper(): name for name, names in cast.items() for form in (name, *names)}
    pattern = _forms_pattern(forms)
    genders = _genders(scenes_action, forms, pattern)
    whole: dict[str, LookParts] = {}
    current: dict[str, LookParts] = {}
    per_scene: list[dict[str, str]] = []
    for paragraphs in scenes_action:
        for paragraph in paragraphs:
            subject: str | None = None
            for sentence in _split(paragraph):
                named = pattern.search(sentence) if pattern else None
                if named:
                    subject = forms[named.group(1).upper()]
                elif not (subject and (_PRONOUN.match(sentence) or _POSSESSIVE.search(sentence))):
                    continue
                assert subject is not None
                parts = look_parts(sentence, genders.get(subject))
                if _about_someone_else(sentence, genders.get(subject)):
                    parts = LookParts(parts.traits, parts.clothes, [])
                gathered, wardrobe = _wardrobe(whole.get(subject), parts)
                whole.setdefault(subject, LookParts()).add(gathered)
                whole[subject].clothes = wardrobe
                current.setdefault(subject, LookParts()).add(parts)
        per_scene.append({name: current[name].text() for name in current if current[name].text()})
    return {name: parts.text() for name, parts in whole.items() if parts.text()}, per_scene


_MALE_NOUN = re.compile(r"\b(?!woman\b)(?:[a-z]*man|boy)\b(?!['’])", re.I)


def _split(paragraph: str) -> list[str]:
    return _SENTENCE.split(" ".join(paragraph.split()))


def _genders(
    scenes_action: Sequence[Sequence[str]],
    forms: Mapping[str, str],
    pattern: re.Pattern[str] | None,
) -> dict[str, str]:
    """She or he for each character, from the pronoun that starts the sentence after one that
    names only them ("MARA VOSS (30s) ... She flips open a compass")."""
    votes: dict[str, dict[str, int]] = {}
    for paragraphs in scenes_action:
        for paragraph in paragraphs:
            sentences = _split(paragraph)
            for sentence, following in zip(sentences, [*sentences[1:], ""], strict=True):
                named = (
                    {forms[m.group(1).upper()] for m in pattern.finditer(sentence)}
                    if pattern
                    else set()
                )
                if len(named) != 1:
                    continue
                name = named.pop()
                words = set(re.findall(r"[a-z]+", sentence.lower()))
                start = following.split(" ", 1)[0].lower()
                said = [start] if start in {"she", "he"} else []
                said += ["she"] if words & {"woman", "girl"} else []
                said += ["he"] if _MALE_NOUN.search(sentence) else []
                for pronoun in said:
                    tally = votes.setdefault(name, {})
                    tally[pronoun] = tally.get(pronoun, 0) + 1
    return {name: max(tally, key=tally.__getitem__) for name, tally in votes.items()}


def _about_someone_else(sentence: str, gender: str | None) -> bool:
    """Whether marks in the sentence belong to another person: its pronouns are
    all of the other gender ("Tomas wraps her left hand in white gauze")."""
    words = set(re.findall(r"[a-z]+", sentence.lower()))
    hers, his = bool(words & {"she", "her", "hers"}), bool(words & {"he", "his", "him"})
    if gender == "she":
        return his and not hers
    if gender == "he":
        return hers and not his
    return False


def _wardrobe(before: LookParts | None, parts: LookParts) -> tuple[LookParts, list[str]]:
    """For the whole-script look every garment counts, not only the latest, each once."""
    clothes = list(before.clothes) if before else []
    for garment in parts.clothes:
        same = [
            c
            for c in clothes
            if c.split()[-1] == garment.split()[-1] or garment in c or c in garment
        ]
        if not same:
            clothes.append(garment)
        elif len(garment) > len(same[0]):
            clothes[clothes.index(same[0])] = garment
    return LookParts(list(parts.traits), [], list(parts.marks)), clothes
