"""Intents answered in words alone: help, small talk, and a stray yes or no."""

from __future__ import annotations

import re
from typing import Any

from agent.plans import Handler, Plan
from agent.production import Production
from agent.thread import Focus
from agent.understanding import Reading

SHORT_HELP = (
    "Try “render two frames of scene 3, Mara in the doorway”, “3A: make it dusk”, "
    "“approve v4”, “is Mara's bandage consistent in scene 4?” or “what can you do?”."
)
HELP = (
    "I am the offline planner: I understand requests with rules and a small embedding model, "
    "not a language model. I can:\n"
    "- find things in the screenplay (“find the scene where she cuts her hand”) and tell you "
    "about a scene, a character or a shot (“what happens in scene 3?”, “who's Tomas?”, "
    "“which scenes is Ada in?”);\n"
    "- render frames (“two options for scene 5, one wide one close”) and revise them "
    "(“3A: make it dusk and lower the camera”, “now darken the sky”, “same but at night”);\n"
    "- approve and lock versions (“approve v2 and v3”, “approve and lock 1A”; a draft is "
    "approved before it is locked) and unlock one with a reason (“unlock v1, we need to redo "
    "it”) — locks and big renders wait for the right person's approval;\n"
    "- compare versions side by side (“compare v5 and v6”);\n"
    "- check continuity (“is Mara's bandage consistent in scene 4?”, “check v2”) and remember "
    "facts (“Mara: stitches on her chin, from scene 8 to the end”);\n"
    "- report the budget (“where are we against the VFX line?”, “what did scene 3 cost?”) and "
    "give export links (“export an EDL”).\n"
    "If you ask whether to do something (“should we lock 4A?”) I offer it and wait for a yes; "
    "“don't …” never changes anything."
)


def _help(words: str, reading: Reading, production: Production, focus: Focus) -> Any:
    return Plan(reply=HELP)


def _smalltalk(words: str, reading: Reading, production: Production, focus: Focus) -> Any:
    if re.search(r"(?i)\bthank|cheers|great|nice", words):
        return Plan(reply="You're welcome. What next?")
    return Plan(reply="Hello! " + SHORT_HELP)


def _confirm(words: str, reading: Reading, production: Production, focus: Focus) -> Any:
    return Plan(reply="There is nothing waiting for a yes. " + SHORT_HELP)


def _decline(words: str, reading: Reading, production: Production, focus: Focus) -> Any:
    return Plan(reply="All right, nothing was changed.")


HANDLERS: dict[str, Handler] = {
    "help": _help,
    "smalltalk": _smalltalk,
    "confirm": _confirm,
    "decline": _decline,
}
