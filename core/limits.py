"""How much work one request may ask for: sizes, depths and time budgets shared by every door.

A screenplay, an image or a name from outside is checked against these before the work starts,
so one hostile upload cannot hold the server (or the CLI) for minutes.
"""

MAX_SCREENPLAY_CHARS = 4_000_000
"""Characters of screenplay text after decoding: a 300-page feature as .fdx is under a million."""

MAX_XML_DEPTH = 32
"""Element nesting in an .fdx: Final Draft itself nests under ten levels."""

SCREENPLAY_SECONDS = 60.0
"""Wall-clock budget for reading a screenplay (parse, scenes, facts) before it is abandoned."""

MAX_IMAGE_PIXELS = 40_000_000
"""Pixels in one uploaded or reference image (about 7700×5200): decoding is checked first."""
