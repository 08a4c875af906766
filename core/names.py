"""What a name, subject or code a person typed may contain: one rule for every door.

Control characters and Unicode bidirectional controls are refused in anything a person reads
back: a right-to-left override makes "MARA" and a different name look alike, and NUL or newlines
break files and logs. The API's request models, the CLI and the agent's tools all call these.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from core.errors import InvalidInput

SHOT_CODE = re.compile(r"[0-9A-Z][0-9A-Z-]{0,30}")
"""Shot codes: the scene number and letters (12A, 12A-A, 104AB), case-insensitive."""

_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff")


def unsafe_character(text: str, *, newlines: bool = False) -> str | None:
    """A description of the first character `text` may not hold, or None when all are fine.

    `newlines` allows line ends and tabs (free text such as an instruction or a fact).
    """
    for index, character in enumerate(text):
        if newlines and character in "\n\r\t":
            continue
        if character in _BIDI_CONTROLS:
            return f"a bidirectional control character (U+{ord(character):04X}) at {index + 1}"
        if character in _INVISIBLE:
            return f"an invisible character (U+{ord(character):04X}) at {index + 1}"
        if unicodedata.category(character) in {"Cc", "Cs"}:
            return f"a control character (U+{ord(character):04X}) at {index + 1}"
    return None


def name_problem(value: str, what: str, *, newlines: bool = False) -> str | None:
    """Why `value` cannot be used as `what`, or None."""
    found = unsafe_character(value, newlines=newlines)
    return f"{what} holds {found}; type it with letters, digits and punctuation" if found else None


def check_name(value: str, what: str, *, newlines: bool = False) -> str:
    """`value` unchanged, or InvalidInput saying which character `what` may not hold."""
    problem = name_problem(value, what, newlines=newlines)
    if problem:
        raise InvalidInput(problem)
    return value


def shot_code_problem(code: str) -> str | None:
    """Why `code` is not a shot code, or None."""
    if SHOT_CODE.fullmatch(code.strip().upper()):
        return None
    shown = code if unsafe_character(code) is None else ascii(code)
    return f"shot code {shown} is not valid: use letters, digits and '-', like 12B"


def check_shot_code(code: str) -> str:
    """The code in upper case, or InvalidInput."""
    problem = shot_code_problem(code)
    if problem:
        raise InvalidInput(problem)
    return code.strip().upper()


def check_frame_request(request: Mapping[str, Any]) -> None:
    """The names in a render or revision request, checked before it is queued as a job."""
    if request.get("shot") is not None:
        check_shot_code(str(request["shot"]))
    if request.get("scene") is not None:
        check_name(str(request["scene"]), "the scene number")
    for name in request.get("characters") or ():
        check_name(str(name), "a character's name")
    region = request.get("region")
    if isinstance(region, list | tuple) and (
        len(region) != 4 or not all(isinstance(v, int) and not isinstance(v, bool) for v in region)
    ):
        raise InvalidInput(f"region {region!r} must be four integers X0,Y0,X1,Y1")
    for field in ("prompt", "instruction"):
        if request.get(field) is not None:
            check_name(str(request[field]), f"the {field}", newlines=True)
