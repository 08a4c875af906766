"""Command lines run inside a server, for a CLI that goes through it (frameline/remote.py).

The command runs exactly as it would alone, on the server's warm Frameline (its MiniLM, Chroma
handles and worker), while what it prints is caught for this request only: sys.stdout and
sys.stderr route by context, so commands in other threads and the server's own logs are untouched.
"""

from __future__ import annotations

import base64
import binascii
import io
import sys
import tempfile
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from core.errors import InvalidInput

_STDOUT: ContextVar[io.StringIO | None] = ContextVar("frameline_cli_stdout", default=None)
_STDERR: ContextVar[io.StringIO | None] = ContextVar("frameline_cli_stderr", default=None)


class _Routed(io.TextIOBase):
    """A text stream that writes to this context's buffer if it has one, else where it did."""

    def __init__(self, fallback: Any, buffer: ContextVar[io.StringIO | None]) -> None:
        self._fallback = fallback
        self._buffer = buffer

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    @property
    def errors(self) -> str:  # type: ignore[override]
        return "strict"

    def _target(self) -> Any:
        return self._buffer.get() or self._fallback

    def write(self, text: str) -> int:
        """Write to the caught buffer of this command, or to the process's stream."""
        return self._target().write(text)

    def flush(self) -> None:
        """Flush the process's stream; a caught buffer needs none."""
        self._target().flush()

    def isatty(self) -> bool:
        """Never a terminal while caught, so no colour codes reach the caller."""
        return self._buffer.get() is None and self._fallback.isatty()

    def fileno(self) -> int:
        """The process's stream's descriptor (for libraries that ask)."""
        return self._fallback.fileno()


def _route_streams() -> None:
    """Make sys.stdout and sys.stderr routing streams, once per process."""
    if not isinstance(sys.stdout, _Routed):
        sys.stdout = _Routed(sys.stdout, _STDOUT)
    if not isinstance(sys.stderr, _Routed):
        sys.stderr = _Routed(sys.stderr, _STDERR)


def _safe_name(name: str) -> str:
    """The file's own name, never a path that climbs out of its folder."""
    base = Path(name).name
    return base if base not in ("", ".", "..") else "file"


def run_served(frameline: Any, args: list[str], files: dict[str, dict[str, str]]) -> dict[str, Any]:
    """Run one command line on this Frameline; what it printed, its exit status and its files.

    `files` maps placeholders in `args` to `{"name", "content"}` (base64) for files the command
    reads, or `{"name"}` alone for a file it writes, which comes back in `outputs`.
    """
    from frameline.cli import run
    from frameline.commands.support import serving

    _route_streams()
    out, err = io.StringIO(), io.StringIO()
    with tempfile.TemporaryDirectory(prefix="frameline-cli-") as folder:
        places: dict[str, str] = {}
        for number, (token, file) in enumerate(files.items()):
            place = Path(folder) / str(number) / _safe_name(file.get("name", ""))
            place.parent.mkdir()
            if "content" in file:
                try:
                    place.write_bytes(base64.b64decode(file["content"], validate=True))
                except binascii.Error:
                    raise InvalidInput(f"{token}: the file's content is not base64") from None
            places[token] = str(place)
        line = [places.get(word, word) for word in args]
        out_token, err_token = _STDOUT.set(out), _STDERR.set(err)
        try:
            with serving(frameline):
                code = run(line)
        finally:
            _STDOUT.reset(out_token)
            _STDERR.reset(err_token)
        outputs = {
            token: base64.b64encode(Path(places[token]).read_bytes()).decode()
            for token, file in files.items()
            if "content" not in file and Path(places[token]).is_file()
        }
    return {
        "exit_code": code,
        "stdout": out.getvalue(),
        "stderr": err.getvalue(),
        "outputs": outputs,
        "places": places,
    }
