"""Where the fonts frames and handouts use come from: DejaVu, shipped in matplotlib's data.

matplotlib is a core dependency for this alone; its folder is found without importing it, which
would cost a second at start-up.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from core.errors import BackendUnavailable

STYLES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}


@cache
def dejavu(style: str = "") -> Path:
    """The DejaVu Sans file of a style: "" regular, "B" bold, "I" oblique."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise BackendUnavailable("matplotlib is not installed; frames and PDFs need its fonts")
    path = Path(spec.submodule_search_locations[0]) / "mpl-data" / "fonts" / "ttf" / STYLES[style]
    if not path.is_file():
        raise BackendUnavailable(f"font file {path} is missing; reinstall matplotlib")
    return path
