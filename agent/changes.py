"""Intents that change the production: render, revise, approve/lock/draft, remember a fact.

Only an order acts. A negation changes nothing and says so; a question looks things up instead;
a hypothetical ("should we lock 4A?") offers the action for a "yes". A missing or ambiguous
target gets a clarifying question naming the real choices.
"""

from __future__ import annotations

import re
from typing import Any

from agent.phrases import LEAD, REFERENCE, fact_text, instruction, render_prompt
from agent.plans import Call, Handler, Plan, call_of, either, look_at, no_scene, spoken, unknown
from agent.production import Production
from agent.slots import (
    POINTING,
    characters,
    count_of,
    everything,
    region_of,
    scene_of,
    targets,
)
from agent.thread import Focus
from agent.understanding import Reading
from tools.camera_words import angle_named, framings_named

MAX_FRAMES = 8
"""The most frames one render call makes; more are split into several calls."""
STATUS = {"approve": "approved", "lock": "locked", "draft": "draft"}
OVERRIDE = re.compile(
    r"\boverrid(?:e|ing)\b[^:,]*[:,]?\s*(?:because\s+)?(.+)$|"
    r"\b(?:even though|although)\b.*?\bbecause\s+(.+)$",
    re.I,
)


def _changing(
    words: str,
    reading: Reading,
    what: str,
    calls: list[Call],
    lookup: list[Call],
    later: list[list[Call]] | None = None,
) -> Any:
    """Act on an order; refuse a negation; look up for a question; offer a hypothetical."""
    if reading.act == "negation":
        return Plan(reply=f"Understood: I won't {what}. Nothing was changed.", act="negation")
    if reading.act == "wonder":
        return Plan(
            reply=f"Shall I {what}? Say “yes” and I will; nothing has changed yet.",
            offer=[*calls, *(c for step in later or [] for c in step)],
            act="wonder",
        )
    if reading.act == "ask":
        if lookup:
            return Plan(calls=lookup, act="ask")
        return Plan(reply=f"Nothing was changed. Say “{what}” if you want me to.", act="ask")
    return Plan(calls=calls, later=later or [], act="order")


def _resolve(
    words: str, production: Production, focus: Focus, verb: str
) -> tuple[list[tuple[str, str]], str | None]:
    """The versions/shots a change applies to, or a clarifying question."""
    found = targets(words, production)
    if problem := unknown(found, production):
        return [], problem
    if found.named:
        return found.named, None
    scene = scene_of(words, production)
    if scene is not None and not found.pointing:
        shots = production.shots_of(scene)
        if len(shots) == 1:
            return [("shot", shots[0])], None
        if len(shots) > 1:
            return [], f"Which shot — {either(shots)}?"
        if production.scene(scene) is None:
            return [], no_scene(scene, production)
        return [], f"Scene {scene} has no shots yet; say “render scene {scene}” first."
    if focus.version:
        return [("version_id", focus.version)], None
    if focus.shot:
        return [("shot", focus.shot)], None
    shots = list(production.shots)
    listing = f" Shots are {', '.join(shots[:12])}." if shots else " There are no shots yet."
    return [], f"Which shot or version should I {verb}?{listing}"


def _status(words: str, reading: Reading, production: Production, focus: Focus) -> Any:
    lowered = words.lower()
    steps = [reading.intent]
    if reading.intent in ("approve", "lock"):
        approve = re.search(r"\b(?:approve|aprove|sign off)", lowered)
        lock = re.search(r"\b(?:lock|lok)\b|\bfinal\b", lowered)
        if approve and lock:
            steps = ["approve", "lock"] if approve.start() < lock.start() else ["lock"]
    verb = " and ".join("return to draft" if step == "draft" else step for step in steps)
    if reading.act == "negation":
        shown = ", ".join(t.upper() if not t.startswith("v") else t for t in _typed(words))
        return _changing(words, reading, f"{verb} {shown or 'anything'}", [], [])
    if everything(words):
        return Plan(
            reply=f"I {verb} one shot or version at a time, so nothing was changed: "
            "name the ones you mean (“approve v2 and v3”)."
        )
    chosen, problem = _resolve(words, production, focus, verb)
    if problem:
        return Plan(reply=problem)
    reason = OVERRIDE.search(words)
    override = (reason.group(1) or reason.group(2)).strip() if reason else None
    both = steps == ["approve", "lock"]  # the explicit "approve and lock", as the CLI's --approve
    plans = [
        [
            call_of(
                "set_status",
                status=STATUS[step],
                override_reason=override,
                approve_first=True if both and step == "lock" else None,
                **{kind: value},
            )
            for kind, value in chosen
        ]
        for step in steps
    ]
    lookup = [look_at(kind, value, production) for kind, value in chosen]
    what = f"{verb} " + " and ".join(spoken(kind, value) for kind, value in chosen)
    return _changing(words, reading, what, plans[0], lookup, plans[1:])


def _typed(words: str) -> list[str]:
    return re.findall(r"(?i)\bv\d+\b|\b\d{1,4}[a-z]{1,2}\b", words)


def _render(words: str, reading: Reading, production: Production, focus: Focus) -> Any:
    if reading.act == "negation":
        return _changing(words, reading, "render anything", [], [])
    found = targets(words, production)
    if problem := unknown(found, production):
        return Plan(reply=problem)
    shot = found.shots[0] if found.shots else None
    if (
        shot is None
        and found.pointing
        and focus.shot
        and not re.search(r"\bscenes?\b", words, re.I)
    ):
        shot = focus.shot
    scene = production.shots.get(shot) if shot else scene_of(words, production)
    if scene is None and focus.scene and re.search(r"\b(?:again|another|more|same)\b", words, re.I):
        scene = focus.scene
    if scene is None:
        numbers = production.scene_numbers
        listing = f" Scenes are {numbers[0]}–{numbers[-1]}." if numbers else ""
        return Plan(reply=f"Which scene should I render?{listing}")
    if production.scenes and production.scene(scene) is None:
        return Plan(reply=no_scene(scene, production))
    count = count_of(words) or 1
    shown = framings_named(words)
    common = {
        "scene": scene,
        "shot": shot,
        "prompt": render_prompt(words),
        "characters": characters(words, production) or None,
        "angle": angle_named(words),
    }
    if len(shown) > 1 and count in (1, len(shown)):
        calls = [call_of("render_frames", count=1, framing=f, **common) for f in shown]
        total = len(shown)
    else:
        framing = shown[0] if shown else None
        sizes = [MAX_FRAMES] * (count // MAX_FRAMES) + (
            [count % MAX_FRAMES] if count % MAX_FRAMES else []
        )
        calls = [call_of("render_frames", count=n, framing=framing, **common) for n in sizes]
        total = count
    where = f"shot {shot}" if shot else f"scene {scene}"
    lookup = [call_of("list_versions", shot=shot) if shot else call_of("list_shots", scene=scene)]
    return _changing(words, reading, f"render {total} frame(s) of {where}", calls, lookup)


def _revise(words: str, reading: Reading, production: Production, focus: Focus) -> Any:
    if reading.act == "negation" and not re.match(r"(?i)^\W*\S+\s*:", words):
        return _changing(words, reading, "change it", [], [])
    chosen, problem = _resolve(words, production, focus, "change")
    if problem:
        return Plan(reply=problem)
    said = instruction(words)
    region = region_of(said)
    calls = [call_of("revise_frame", instruction=said, region=region, **{k: v}) for k, v in chosen]
    lookup = [look_at(kind, value, production) for kind, value in chosen]
    what = "revise " + " and ".join(spoken(k, v) for k, v in chosen) + f" ({said})"
    if reading.act == "negation":
        reading = Reading(reading.intent, reading.score, reading.runner_up, "order")
    return _changing(words, reading, what, calls, lookup)


def _fact(words: str, reading: Reading, production: Production, focus: Focus) -> Any:
    if reading.act == "negation" and re.search(
        r"(?i)\b(?:don'?t|do not|never)\s+(?:remember|note|record|log)", words
    ):
        return _changing(words, reading, "record that", [], [])
    if reading.act == "ask":
        return Plan(calls=[call_of("search_script", query=words[:2000], kind="fact")], act="ask")
    stated = fact_text(words, production)
    if ":" not in stated:
        return Plan(
            reply="Who or what is the fact about? Say it as “Mara: bandage on her left "
            "hand, scenes 3-10”."
        )
    lookup = [call_of("search_script", query=stated.split(":", 1)[0], kind="fact")]
    act = reading.act if reading.act in ("ask", "wonder") else "order"
    reading = Reading(reading.intent, reading.score, reading.runner_up, act)
    calls = [call_of("remember_fact", fact=stated)]
    return _changing(words, reading, f"remember “{stated}”", calls, lookup)


UNLOCKING = re.compile(
    r"(?i)\b(?:un-?lock(?:ed|ing)?|re-?open(?:ed|ing)?|release(?: the lock on)?|"
    r"take the lock off)\b"
)
CONNECTIVE = re.compile(r"(?i)^\W*(?:(?:because|since|as|so|cos|cause|please|pls|now)\b\W*)*")


def reason_of(words: str, named: bool) -> str | None:
    """Why a version is unlocked: the request without its verb and target ("we need to redo it")."""
    rest = UNLOCKING.sub(" ", LEAD.sub("", words))
    rest = REFERENCE.sub(" ", rest) if named else POINTING.sub(" ", rest, count=1)
    rest = re.sub(r"(?i)\b(?:please|pls|thanks?)\W*$", "", rest.strip(" ,.;:!?-"))
    rest = " ".join(CONNECTIVE.sub("", rest).split()).strip(" ,.;:!?-")
    return rest if re.search(r"[a-z]{3}", rest, re.I) else None


def _unlock(words: str, reading: Reading, production: Production, focus: Focus) -> Any:
    if reading.act == "negation":
        return _changing(words, reading, "unlock anything", [], [])
    chosen, problem = _resolve(words, production, focus, "unlock")
    if problem:
        return Plan(reply=problem)
    found = targets(words, production)
    reason = reason_of(words, bool(found.named))
    what = " and ".join(spoken(kind, value) for kind, value in chosen)
    if reason is None:
        first = chosen[0][1]
        return Plan(
            reply=f"Why should {what} be unlocked? The reason is kept in its status history: "
            f"say, for example, “unlock {first}, the cut changed”. Nothing was changed."
        )
    calls = [call_of("unlock_version", reason=reason, **{kind: value}) for kind, value in chosen]
    lookup = [look_at(kind, value, production) for kind, value in chosen]
    return _changing(words, reading, f"unlock {what} ({reason})", calls, lookup)


HANDLERS: dict[str, Handler] = {
    "unlock": _unlock,
    "render": _render,
    "revise": _revise,
    "approve": _status,
    "lock": _status,
    "draft": _status,
    "fact": _fact,
}
