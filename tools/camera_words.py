"""The words people type for a shot's framing, camera angle and lens.

One table serves every reader: a request for new frames ("a wide of scene 4, one close"), a
director's revision ("make it wider, lower the camera") and the picture a revision describes, so
a word that changes the framing at one door changes it at all of them. Words that read as
camera words only in a camera's sense are guarded: "close the door", "a wide-angle lens", "the
lantern held high" and "Mara looking up" say nothing about the framing or the angle.
"""

from __future__ import annotations

import re

_NOT_A_FRAMING_AFTER_CLOSE = (
    r"(?!\s+(?:the|a|an|that|this|these|those|it|its|her|his|their|them|to|off|down|by|out)\b)"
)
FRAMING_WORDS: tuple[tuple[str, str], ...] = (
    ("over-the-shoulder", r"\bover[- ]the[- ]shoulders?\b|\bots\b"),
    (
        "close-up",
        r"\bclose[- ]?ups?\b|\bcloser\b|\bclose\b" + _NOT_A_FRAMING_AFTER_CLOSE
        + r"|\btight(?:er)?\b|\bpush(?:es|ing)? in\b|\be?cu\b",
    ),
    (
        "wide",
        r"\bwides?\b(?![- ]angle)|\bwider\b|\bpull(?:s|ing)? (?:back|out)\b|\bestablishing\b"
        r"|\blong shot\b|\bws\b",
    ),
    ("medium", r"\bmedium\b|\bmid[- ]?shots?\b|\bwaist[- ]up\b"),
)  # fmt: skip
_AS_CAMERA = (
    r"(?:go|going|get it|keep it|stay|come in|"
    r"(?:shoot|shooting|frame|framing)(?:\s+(?!the\b|a\b|an\b|his\b|her\b)[\w#]+){0,3}?)"
)
_NOT_A_LOOK = (
    r"(?![- ]?(?:key|contrast|res|resolution|quality|budget|energy|stakes|saturation|lit)\b)"
)
"""Bare "low" and "high" are the camera's only after these ("shoot scene 6 low", "go high"), and
not as a look ("keep it low-key", "shoot it high-contrast"): a thing held high or a sun low in
the sky is not an angle."""
ANGLE_WORDS: tuple[tuple[str, str], ...] = (
    (
        "low",
        r"\blow[- ]angle\b|\blower the camera\b|\bcamera (?:lower|down low)\b|\bfrom below\b"
        rf"|\bworm'?s?[- ]eye\b|\b{_AS_CAMERA}\s+low\b{_NOT_A_LOOK}|\blow (?:one|shot)\b"
        r"|\b(?:camera|shot|frame) looking up\b",
    ),
    (
        "high",
        r"\bhigh[- ]angle\b|\braise the camera\b|\bcamera higher\b|\bfrom above\b|\boverhead\b"
        rf"|\bbird'?s?[- ]eye\b|\btop[- ]down\b|\b{_AS_CAMERA}\s+high\b{_NOT_A_LOOK}"
        r"|\bhigh (?:one|shot)\b"
        r"|\b(?:camera|shot|frame) looking down\b",
    ),
    ("eye-level", r"\beye[- ]level\b"),
)  # fmt: skip
LENS = re.compile(
    r"\b(\d{2,3})\s?mm\b|\b(telephoto|long lens|wide[- ]angle(?: lens)?|fisheye|macro)\b", re.I
)
_FRAMINGS = tuple((name, re.compile(pattern, re.I)) for name, pattern in FRAMING_WORDS)
_ANGLES = tuple((name, re.compile(pattern, re.I)) for name, pattern in ANGLE_WORDS)


def framings_named(text: str) -> list[str]:
    """Each framing in the order typed ("one wide one close" → wide, close-up), a word
    repeated next to itself once ("a close-up, nice and tight" → close-up)."""
    found = sorted(
        (match.start(), name) for name, pattern in _FRAMINGS for match in pattern.finditer(text)
    )
    ordered = [name for _, name in found]
    return [name for i, name in enumerate(ordered) if i == 0 or name != ordered[i - 1]]


def framing_named(text: str) -> str | None:
    """The first framing the words name, if any."""
    named = framings_named(text)
    return named[0] if named else None


def angle_named(text: str) -> str | None:
    """The first camera angle the words name, if any."""
    found = [
        (match.start(), name)
        for name, pattern in _ANGLES
        if (match := pattern.search(text)) is not None
    ]
    return min(found)[1] if found else None


def lens_named(text: str) -> str | None:
    """A lens the words name, without the word "lens" ("35mm", "telephoto", "wide-angle"), so
    a prompt that says "{lens} lens" says it once."""
    if not (lens := LENS.search(text)):
        return None
    if lens.group(1):
        return f"{lens.group(1)}mm"
    name = lens.group(2).lower()
    if name.startswith("wide"):
        return "wide-angle"
    return "telephoto" if name == "long lens" else name
