"""Turning a screenplay file, from disk or an upload, into a Screenplay.

Every error message starts with the file's name, so the CLI, API and Slack can show it as is.
Paths go through os.path, not pathlib: `frameline script parse` imports this module on its fast
path, where pathlib alone would cost a third of parsing a feature.
"""

from __future__ import annotations

import os

from core.errors import InvalidInput, NotFound
from core.limits import MAX_SCREENPLAY_CHARS
from memory.screenplay.elements import Screenplay
from memory.screenplay.fountain import parse_fountain

FOUNTAIN_SUFFIXES = (".fountain", ".spmd", ".txt")
FDX_SUFFIXES = (".fdx",)


def read_screenplay(path: str | os.PathLike[str]) -> Screenplay:
    """Read and parse a `.fountain` (`.spmd`, `.txt`) or `.fdx` file."""
    name = os.fspath(path)
    if not os.path.exists(name):
        raise NotFound(f"{name}: no such file")
    _check_suffix(name)
    if not os.path.isfile(name):
        raise InvalidInput(f"{name}: not a file")
    try:
        with open(name, "rb") as file:
            data = file.read()
    except OSError as error:
        raise InvalidInput(f"{name}: cannot be read ({error.strerror})") from None
    return parse_screenplay_bytes(data, name)


def parse_screenplay_bytes(data: bytes, filename: str) -> Screenplay:
    """Parse an uploaded screenplay, choosing the format by the file name's suffix."""
    if _check_suffix(filename) in FDX_SUFFIXES:
        # The XML reader is imported only for Final Draft files: most scripts are Fountain.
        from memory.screenplay.fdx import parse_fdx

        return parse_fdx(data, filename)
    return parse_fountain(_fountain_text(data, filename))


def _check_suffix(filename: str) -> str:
    """The lower-cased suffix, or InvalidInput listing the accepted ones."""
    suffix = os.path.splitext(filename)[1].lower()
    if suffix not in FOUNTAIN_SUFFIXES + FDX_SUFFIXES:
        accepted = ", ".join(FOUNTAIN_SUFFIXES + FDX_SUFFIXES)
        raise InvalidInput(f"{filename}: not a screenplay file type; use one of {accepted}")
    return suffix


def _fountain_text(data: bytes, filename: str) -> str:
    """Fountain bytes as text: UTF-8 with or without a BOM; binary files are refused."""
    if b"\x00" in data:
        raise InvalidInput(f"{filename}: not a text screenplay (it contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput(
            f"{filename}: not a text screenplay (byte {error.start} is not UTF-8; "
            "save the file as UTF-8)"
        ) from None
    if len(text) > MAX_SCREENPLAY_CHARS:
        raise InvalidInput(
            f"{filename}: too large ({len(text):,} characters; at most {MAX_SCREENPLAY_CHARS:,})"
        )
    return text
