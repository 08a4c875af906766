"""One table each of stated facts and account names, held to by every front door's tests: the
words a person types, and what the one implementation in memory/ or tools/ makes of them (on the
demo production: scenes 1–10, the demo budget)."""

from __future__ import annotations

FACT_CASES: list[tuple[str, tuple[str, str, str | None, str | None]]] = [
    ("Mara: bandage on left hand, scenes 4-6", ("Mara", "bandage on left hand", "4", "6")),
    ("Mara: bandage on left hand, scene 3", ("Mara", "bandage on left hand", "3", "3")),
    ("Tomas: wet coat, from scene 6 to 8", ("Tomas", "wet coat", "6", "8")),
    ("Tomas: wet coat (scenes 6–8).", ("Tomas", "wet coat", "6", "8")),
    ("Mara: lantern lit, from scene 7 to the end", ("Mara", "lantern lit", "7", "10")),
    ("Mara: lantern lit, scene 8 onwards", ("Mara", "lantern lit", "8", "10")),
    ("Mara: lantern lit, scenes 9 through end", ("Mara", "lantern lit", "9", "10")),
    ("The boat: blue hull", ("The boat", "blue hull", None, None)),
]
"""Text → (subject, statement, from scene, to scene as recorded)."""

BAD_FACTS = [
    "no colon here",
    "Mara: ",
    "Mara: bandage, scenes 8-4",
    "Mara: bandage, scene 99",
]
"""Statements every door refuses with a clear error, recording nothing."""

ACCOUNT_CASES: list[tuple[str, str]] = [
    ("5400", "5400"),
    ("VFX", "5300"),
    ("vfx", "5300"),
    ("visual effects", "5300"),
    ("Visual Effects", "5300"),
    ("previs", "5400"),
    ("CAMERA", "3300"),
    ("marine", "3800"),
]
"""Typed account → the account number it resolves to."""

BAD_ACCOUNTS = ["nothing-like-it", "9999"]

CAMERA_CASES: list[tuple[str, str | None, str | None]] = [
    ("make it a wide", "wide", None),
    ("go wide", "wide", None),
    ("pull back so we see the harbour", "wide", None),
    ("push in tighter on Mara", "close-up", None),
    ("close on the letter", "close-up", None),
    ("OTS on Mara", "over-the-shoulder", None),
    ("waist-up on Tomas", "medium", None),
    ("a low-angle close-up", "close-up", "low"),
    ("lower the camera", None, "low"),
    ("shoot it low", None, "low"),
    ("shoot scene 6 low, on Tomas", None, "low"),
    ("shoot the sun low in the sky", None, None),
    ("from above", None, "high"),
    ("close the door", None, None),
    ("use a wide-angle lens", None, None),
    ("Tomas holds the lantern high", None, None),
    ("Mara looking up at the tower", None, None),
    ("keep it low-key", None, None),
    ("shoot it high-contrast", None, None),
]
"""Typed words → (framing, camera angle) they name, or None where they name none: the same for
a request for frames, a revision's plan and the picture it describes (tools/camera_words.py)."""
