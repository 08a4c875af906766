"""Which words of an action line name things that are there, and which are figures of speech.

A storyboard artist draws the coat, not the flag it is "lit up like"; a signature, not a sign
("Signs."); a dark lighthouse, not its lamp ("its lamp has not turned in years"). These rules
are read before a scene's props, vehicles, weather and light are taken from its action. Every
pattern is anchored on a literal word and scans forward without backtracking, so any text reads
in linear time.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

_FIGURATIVE = re.compile(r"\b(?:(?:un)?like|as\s+(?:if|though)|as\s+an?|as\s+[a-z-]+\s+as)\b", re.I)
"""Where a simile starts: "lit up like a flag", "as if it might lie", "slow as a clock hand",
"as black as the barge"."""
_FIGURE_WORD = re.compile(r"\s+([\w'’-]+)")
_FIGURE_ENDS = frozenset(
    {"as", "while", "when", "and", "but", "then", "before", "after", "until", "where", "so", "or"}
)
FIGURE_WORDS = 4
"""A simile runs over at most four words, and stops at a pause or a clause's conjunction."""
_SUBJECT = re.compile(r"(?:^|[^\w'’])(he|she|they|we|i|you|who|it)\s+$", re.I)
_AUXILIARY = re.compile(
    r"(?:^|[^\w'’])(?:to|will|would|can|could|should|must|might|may|shall|not|never)\s+$"
    r"|n['’]t\s+$",
    re.I,
)
_OBJECT = re.compile(
    r"\s+(?:the|a|an|his|her|their|its|my|your|our|it|them|him|me|us|this|that|these|those|"
    r"every|each|some|down|up|out|off|over|back|away)\b",
    re.I,
)
_SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+|\n\s*)$")
_COORDINATED = re.compile(r"(?:^|[^\w'’])(?:and|then)\s+$", re.I)
_NEXT_WORD = re.compile(r"\s+([a-z][\w'’-]*)")
_NOT_OBJECTS = frozenset(
    {
        "of", "in", "on", "at", "by", "with", "from", "into", "onto", "under", "over", "near",
        "beside", "behind", "across", "along", "around", "inside", "outside", "for", "and", "or",
        "but", "are", "is", "were", "was", "lie", "lies", "sit", "sits", "stand", "stands", "hang",
        "hangs",
    }
)  # fmt: skip
_SENTENCE_SUBJECT = re.compile(r"(?:^|[.!?]\s+)\s*(?:he|she|they|we|i|you)\b", re.I)
_OFF_AFTER = re.compile(
    r"\s+(?:\w+\s+){0,2}?(?:not|never|dark|unlit|off)\b"
    r"|\s+(?:goes|go|went|gone|is|was|has gone|cuts|cut|blinks|winks|dies|died)\s+out\b"
    r"|['’]s\s+(?:not|dark|off|out)\b",
    re.I,
)
_OF_AFTER = re.compile(r"\s+of\b", re.I)
_BARE_AFTER_PREPOSITION = re.compile(r"(?:^|[^\w'’])(?:of|with|for|in|on|by|from|into)\s+$", re.I)
_FUNCTION_WORDS = frozenset(
    {
        *_NOT_OBJECTS, "the", "a", "an", "his", "her", "their", "its", "to", "as", "than", "that",
        "which", "who", "while", "when", "where", "then", "so", "too", "very", "still", "again",
        "now", "once", "twice", "up", "down", "out", "off", "away", "back",
    }
)  # fmt: skip


def is_modifier(text: str, start: int, end: int) -> bool:
    """Whether a singular word with no article before it names what the next noun is of or for
    ("a binder of dredge logs", "a box of car keys"): that thing is not in the frame."""
    word = text[start:end].lower()
    if word.endswith("s") or not _BARE_AFTER_PREPOSITION.search(text[max(0, start - 12) : start]):
        return False
    following = _NEXT_WORD.match(text, end, min(len(text), end + 24))
    if following is None:
        return False
    noun = following.group(1).lower()
    return noun not in _FUNCTION_WORDS and not noun.endswith(("ing", "ed", "ly"))


def literal_text(text: str) -> str:
    """The text with similes blanked out, offsets kept: "like a flag" names no flag.

    "as a car passes" is a moment, not a simile: a verb after the noun keeps it.
    """
    spans: list[tuple[int, int]] = []
    for anchor in _FIGURATIVE.finditer(text):
        end, words = anchor.end(), []
        while len(words) < FIGURE_WORDS and (word := _FIGURE_WORD.match(text, end)):
            if word.group(1).lower() in _FIGURE_ENDS:
                break
            words.append(word.group(1).lower())
            end = word.end()
        temporal = anchor.group().lower().split()[-1] in {"a", "an"} and any(
            w.endswith(("s", "ed")) and not w.endswith("ss") for w in words[1:]
        )
        if words and not temporal:
            spans.append((anchor.start(), end))
    return blank(text, spans)


def blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """The text with each (start, end) span, in order and apart, turned to spaces: one pass."""
    pieces: list[str] = []
    done = 0
    for start, end in spans:
        pieces += [text[done:start], " " * (end - start)]
        done = end
    return "".join([*pieces, text[done:]])


def is_verb_use(
    text: str, start: int, end: int, names: Collection[str] = (), *, weather: bool = False
) -> bool:
    """Whether the word at text[start:end] is used as a verb ("she signs", "Signs.", "to flag
    down a car", "and photographs page after page"): then it names no thing in the frame.

    `names` are the people of the script (a name can be the subject: "Mara pockets it"). For
    weather words "it" is a real subject ("it rains"), so only people make them verbs.
    """
    word = text[start:end].lower()
    plural = word.endswith("s") and not word.endswith("ss")
    before = text[max(0, start - 48) : start]
    after = text[end : end + 24]
    if (subject := _SUBJECT.search(before)) and not (weather and subject.group(1).lower() == "it"):
        return True
    if plural and names and _named_before(before, names):
        return True
    if weather:
        return False
    if _AUXILIARY.search(before) and _OBJECT.match(after):
        return True
    if plural and _SENTENCE_START.search(text[max(0, start - 3) : start] if start else ""):
        return bool(_OBJECT.match(after) or not after.strip() or after.lstrip()[:1] in ".!?")
    if plural and _COORDINATED.search(before):
        sentence = text[max(0, start - 200) : start]
        following = _NEXT_WORD.match(after)
        if following and _has_person_subject(sentence, names):
            next_word = following.group(1).lower()
            return next_word not in _NOT_OBJECTS and not next_word.endswith(("ing", "ed"))
        return bool(_OBJECT.match(after)) and _has_person_subject(sentence, names)
    return False


def _named_before(before: str, names: Collection[str]) -> bool:
    """Whether a person's name ends the text (the subject of the word that follows)."""
    stripped = before.rstrip()
    if stripped == before:
        return False
    lowered = stripped.lower()
    return any(
        lowered.endswith(name.lower()) and not lowered[: len(lowered) - len(name)][-1:].isalnum()
        for name in names
    )


def _has_person_subject(sentence: str, names: Collection[str]) -> bool:
    """Whether the sentence before a word has a person as its subject."""
    last = re.split(r"[.!?]\s+", sentence)[-1]
    if _SENTENCE_SUBJECT.search(f". {last}"):
        return True
    lowered = last.lower()
    return any(lowered.startswith(name.lower()) for name in names)


def is_off(text: str, end: int) -> bool:
    """Whether a light source is said to be off right after it is named ("its lamp has not
    turned in years", "the lamp room is dark", "the torch goes out")."""
    return bool(_OFF_AFTER.match(text, end, min(len(text), end + 32)))


def is_figure_of(text: str, end: int) -> bool:
    """Whether a weather word is followed by "of" ("a storm of questions", "a hail of bullets")."""
    return bool(_OF_AFTER.match(text, end, min(len(text), end + 8)))
