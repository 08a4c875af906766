"""How every way into the CLI reports trouble: one stderr line, an exit status, FRAMELINE_DEBUG.

Standard library only: the `script parse` fast path (frameline/launcher.py) and the client of a
running server (frameline/remote.py) use it without importing typer.
"""

from __future__ import annotations

import os
import sys

INTERNAL_ERROR_EXIT = 70


def debug_enabled() -> bool:
    """FRAMELINE_DEBUG=1 brings back tracebacks and library warnings."""
    return os.environ.get("FRAMELINE_DEBUG", "").strip().lower() in {"1", "true", "yes"}


def error_line(message: str, code: int) -> int:
    """Print the one error line, its whitespace folded to single spaces; give the exit status."""
    sys.stderr.write(f"error: {' '.join(message.split())}\n")
    sys.stderr.flush()
    return code
