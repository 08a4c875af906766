"""Turning a screenplay file, from disk or an upload, into a Screenplay.

Every error message starts with the file's name, so the CLI, API and Slack can show it as is.
"""

from __future__ import annotations

from pathlib import Path

from core.errors import InvalidInput, NotFound
from core.limits import MAX_SCREENPLAY_CHARS
from memory.screenplay.elements import Screenplay
from memory.screenplay.fdx import parse_fdx
from memory.screenplay.fountain import parse_fountain

FOUNTAIN_SUFFIXES = (".fountain", ".spmd", ".txt")
FDX_SUFFIXES = (".fdx",)


def read_screenplay(path: Path) -> Screenplay:
    """Read and parse a `.fountain` (`.spmd`, `.txt`) or `.fdx` file."""
    if not path.exists():
        raise NotFound(f"{path}: no such file")
    _check_suffix(str(path))
    if not path.is_file():
        raise InvalidInput(f"{path}: not a file")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InvalidInput(f"{path}: cannot be read ({error.strerror})") from None
    return parse_screenplay_bytes(data, str(path))


def parse_screenplay_bytes(data: bytes, filename: str) -> Screenplay:
    """Parse an uploaded screenplay, choosing the format by the file name's suffix."""
    if _check_suffix(filename) in FDX_SUFFIXES:
        return parse_fdx(data, filename)
    return parse_fountain(_fountain_text(data, filename))


def _check_suffix(filename: str) -> str:
    """The lower-cased suffix, or InvalidInput listing the accepted ones."""
    suffix = Path(filename).suffix.lower()
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
