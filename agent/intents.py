"""What the offline planner does with a request once it knows how it was said.

The two forms whose meaning is in their shape ("3A: make it dusk", "Mara: bandage…") are read
here; every other request goes to its intent's handler: `agent.changes` for what changes the
production, `agent.lookups` for look-ups, `agent.answers` for what is answered in words alone.
"""

from __future__ import annotations

import re
from typing import Any

from agent import answers, changes, lookups
from agent.answers import HELP, SHORT_HELP
from agent.changes import MAX_FRAMES
from agent.phrases import fact_text
from agent.plans import Handler, Plan, call_of, fresh
from agent.production import Production
from agent.slots import UNITS, count_of, scene_of, targets
from agent.thread import Focus
from agent.understanding import RANKING, UNSURE, Reading
from tools.camera_words import angle_named, framings_named

__all__ = ["HELP", "MAX_FRAMES", "SHORT_HELP", "Plan", "call_of", "exact_form", "fresh", "handle"]

HANDLERS: dict[str, Handler] = {**changes.HANDLERS, **lookups.HANDLERS, **answers.HANDLERS}


def exact_form(words: str, production: Production) -> Any:
    """The two forms whose meaning is in their shape: "3A: make it dusk", "Mara: bandage…"."""
    who = re.fullmatch(r"(?i)\W*who(?:'s| is)\s+([A-Z][\w'-]{1,40})\s*\??", words)
    if who and who.group(1).lower() not in ("in", "on", "there", "that", "this", "it"):
        name = production.cast.get(who.group(1).lower(), who.group(1))
        return Plan(calls=[call_of("get_character", name=name)], intent="character", act="ask")
    noted = re.search(
        r"(?i)[,;.]\s*(?:please\s+)?(?:note|remember|record|log) (?:that|this|it)\W*$", words
    )
    if noted and not re.search(r"(?i)\b(?:don'?t|do not|never)\b", words):
        stated = fact_text(words[: noted.start()], production)
        if ":" in stated:
            return Plan(calls=[call_of("remember_fact", fact=stated)], intent="fact", act="order")
    head, colon, rest = words.partition(":")
    if not colon or not rest.strip():
        return None
    head = head.strip()
    if re.fullmatch(
        r"(?i)(?:revise\s+)?(?:shot\s+|version\s+)?(?:\d{1,4}[a-z]{1,3}(?:-[a-z]+)?|v\d+)", head
    ):
        return None  # a revision: handled with the other intents, its target checked there
    stated = head.lower() in production.cast or re.search(r"\bscenes?\s+\d", rest, re.I)
    if stated and not re.search(r"(?i)\b(?:don'?t|do not|never mind|forget)\b", head):
        return Plan(
            calls=[call_of("remember_fact", fact=fact_text(words, production))],
            intent="fact",
            act="order",
        )
    return None


def handle(words: str, reading: Reading, production: Production, focus: Focus) -> Any:
    """The plan for a request of a known intent, or a short "not sure" reply."""
    intent = _depicting(words, reading, production)
    if intent != reading.intent:
        reading = Reading(intent, max(reading.score, UNSURE), reading.runner_up, reading.act)
    if re.match(r"(?i)^\W*(?:revise\s+)?(?:shot\s+)?(?:\d{1,4}[a-z]{1,3}|v\d+)\s*:\s*\S", words):
        intent = "revise"
    elif reading.score < UNSURE:
        return Plan(
            reply="I'm not sure what you need. " + SHORT_HELP + " Ask “what can you do?” for more.",
            intent="unsure",
        )
    leading = re.match(
        r"(?i)^\W*(approve|lock)\s+(?:shot\s+|version\s+)?(?:\d{1,4}[a-z]|v\d)", words
    )
    if leading and intent not in ("approve", "lock", "draft"):
        intent = leading.group(1).lower()  # a command verb first, then an id: its shape is exact
        reading = Reading(intent, reading.score, reading.runner_up, reading.act)
    if reading.act == "negation" and intent in ("jobs", "export", "help", "smalltalk", "confirm"):
        return Plan(reply="Understood: nothing was changed.", intent=intent, act="negation")
    if intent in ("scene", "shot", "shots", "search", "ledger") and _costly(words):
        intent = "budget"  # "which scene cost the most?": a ranking by spend, not a scene
    if intent in ("render", "scene") and _viewing(words):
        intent = "shots"  # "show me the frames of scene 5": the ones that exist
    handler = HANDLERS.get(intent, answers.HANDLERS["help"])
    planned = handler(words, reading, production, focus)
    planned.intent = planned.intent or intent
    planned.act = planned.act or reading.act
    return planned


def _costly(words: str) -> bool:
    """A ranking by spend: "the most expensive scene", "where's the money going"."""
    money = re.search(
        r"(?i)\b(?:expensive|cost|costs|costly|spen[dt]|money|budget|pricey|priciest|costliest|"
        r"cheapest)\b",
        words,
    )
    return bool(RANKING.search(words) and money)


def _viewing(words: str) -> bool:
    """Asking to see what exists: a viewing verb and the frames or shots, with no count."""
    shown = re.search(r"(?i)\b(?:show|see|list|pull up|look at|view)\b", words)
    existing = re.search(
        r"(?i)\b(?:the|our|all|existing) (?:frames|shots|boards|images|takes|versions)\b", words
    )
    return bool(shown and existing) and count_of(words) is None


LOOKING = {"character", "shot", "shots", "scene", "search", "versions", "unsure", "help"}
DEPICTION = re.compile(
    r"(?i)\b(?:two-shot|on the (?:left|right)|in the (?:foreground|background|centre|center)|"
    r"add|remove|take (?:\S+ ){0,4}out|get rid of|put|move|place|swap|replace|"
    r"should (?:be|have|look|feel|face)|needs? (?:more|less|to (?:be|show))|"
    r"(?:show|see) (?:more|less) of|lose the|drop the)\b"
)
"""What a frame shows besides its framing and angle, which tools/camera_words.py reads."""
EDITING = re.compile(
    r"(?i)\b(?:add|remove|take (?:\S+ ){0,4}out|get rid of|lose the|drop the|should (?:be|have|"
    r"look)|needs? (?:more|less|to (?:be|show))|(?:show|see) (?:more|less) of)\b"
)
"""Words that change what an existing frame shows, rather than ask for a fresh take of it."""
LOOK_VERBS = re.compile(
    r"(?i)\b(?:(?:show|see)(?!\s+(?:more of|less of|all of|the whole|the entire|the full)\b)|list|"
    r"view|pull up|look at|tell|describe|who|what|which|where)\b"
)
"""Asking to look ("show me 3A", "what's in v4"), not "so we see more of the marsh": seeing more
or less of something is how the frame should look."""


def _describes_a_frame(words: str) -> bool:
    return bool(DEPICTION.search(words) or framings_named(words) or angle_named(words))


def _depicting(words: str, reading: Reading, production: Production) -> str:
    """How a frame should look, ordered: a look-up read becomes a change of what it names.

    "close-up on Ada in 10A", "remove the truck from 5A" revise that shot; "a wide of scene 4"
    renders the scene with that framing. Questions and viewing requests stay look-ups.
    """
    if reading.act != "order" or LOOK_VERBS.search(words) or not _describes_a_frame(words):
        return reading.intent
    found = targets(words, production)
    if (
        reading.intent == "render"
        and found.shots
        and (EDITING.search(words) or framings_named(words) or angle_named(words))
    ):
        return "revise" if not re.search(rf"(?i)\b{UNITS}", words) else reading.intent
    if reading.intent not in LOOKING and reading.score >= UNSURE:
        return reading.intent
    if found.shots or found.versions:
        return "revise"
    if framings_named(words) and scene_of(words, production) is not None:
        return "render"
    return reading.intent
