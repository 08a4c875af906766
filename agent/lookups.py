"""Intents that look things up: any speech act may ask, and nothing here changes anything."""

from __future__ import annotations

import re
from typing import Any

from agent.plans import Handler, Plan, call_of, look_at, no_scene, unknown
from agent.production import Production
from agent.slots import account_of, characters, scene_of, subject_of, targets
from agent.thread import Focus
from agent.understanding import Reading

EXPORTS = {
    r"continuity (?:report|pdf|export)": "continuity",
    r"\bedl\b|avid media composer|cmx": "edl",
    r"fcp ?7|premiere|\bxml\b(?!.*fcpx)": "fcp7xml",
    r"fcpx(?:ml)?|final ?cut": "fcpx",
    r"\baaf\b|\bavid\b": "aaf",
    r"\botioz\b": "otioz",
    r"\botio\b|opentimelineio": "otio",
    r"\bmp4\b|animatic|video|movie": "mp4",
    r"\bpdf\b|print|boards|storyboard": "pdf",
    r"\bcsv\b|spreadsheet|shot ?list|excel": "csv",
    r"\bzip\b|everything|package|bundle": "zip",
}


def _continuity(words: str, reading: Reading, production: Production, focus: Focus) -> Any:
    found = targets(words, production)
    if problem := unknown(found, production):
        return Plan(reply=problem)
    checks = [call_of("check_continuity", version_id=v) for v in found.versions]
    for shot in found.shots:
        latest = production.latest(shot)
        if latest is None:
            return Plan(reply=f"Shot {shot} has no versions yet; render it first.")
        checks.append(call_of("check_continuity", version_id=latest.version_id))
    if checks:
        return Plan(calls=checks)
    scene = scene_of(words, production, after_in=True)
    subject = subject_of(words, production)
    if scene is not None and production.scenes and production.scene(scene) is None:
        return Plan(reply=no_scene(scene, production))
    if scene is None and found.pointing and focus.version:
        return Plan(calls=[call_of("check_continuity", version_id=focus.version)])
    if subject and scene is None:
        scene = focus.scene
        if scene is None:
            return Plan(reply=f"In which scene should I check {subject.title()}?")
    return Plan(
        calls=[call_of("continuity_report", scene=scene, subject=subject if scene else None)]
    )


FACT_SUBJECT = re.compile(r"(?i)^.*\b(?:about|on|regarding|re|for|with|of)\s+(?:the\s+)?(.+?)\W*$")
"""What a question about a decision is about: the words after its last "about"/"on"."""


def _facts(words: str, reading: Reading, production: Production, focus: Focus) -> Any:
    cast = characters(words, production)
    said = FACT_SUBJECT.search(words)
    subject = said.group(1) if said else (cast[0].title() if cast else None)
    if not subject:
        return Plan(calls=[call_of("continuity_report")])
    query = re.sub(r"(?i)\b(?:is|are|was|were|again)\b|[?!.]", " ", subject)
    return Plan(calls=[call_of("search_script", query=" ".join(query.split()), kind="fact")])


def _budget(words: str, reading: Reading, production: Production, focus: Focus) -> Any:
    found = targets(words, production)
    shots = found.shots + [production.versions[v].shot for v in found.versions]
    if shots and re.search(r"\b(?:cost|charged|spen[dt]|ledger)\b", words, re.I):
        return Plan(calls=[call_of("shot_ledger", shot=shots[0])])
    scene = scene_of(words, production)
    if scene is not None and production.scenes and production.scene(scene) is None:
        return Plan(reply=no_scene(scene, production))
    return Plan(
        calls=[call_of("budget_status", account=account_of(words, production), scene=scene)]
    )


def _ledger(words: str, reading: Reading, production: Production, focus: Focus) -> Any:
    found = targets(words, production)
    if problem := unknown(found, production):
        return Plan(reply=problem)
    shot = found.shots[0] if found.shots else (focus.shot if found.pointing else None)
    if shot is None:
        return Plan(calls=[call_of("budget_status")])
    return Plan(calls=[call_of("shot_ledger", shot=shot)])


def _scene(words: str, reading: Reading, production: Production, focus: Focus) -> Any:
    scene = scene_of(words, production) or (
        focus.scene if re.search(r"\b(?:it|that|this)\b", words, re.I) else None
    )
    if scene is None:
        numbers = production.scene_numbers
        listing = f" Scenes are {numbers[0]}–{numbers[-1]}." if numbers else ""
        return Plan(reply=f"Which scene do you mean?{listing}")
    if production.scenes and production.scene(scene) is None:
        return Plan(reply=no_scene(scene, production))
    return Plan(calls=[call_of("get_scene", scene=scene)])


SEARCH_LEAD = re.compile(
    r"^\W*(?:please\s+)?(?:can you\s+)?(?:find(?: me)?|search(?: the script| the screenplay)?"
    r"(?: for)?|look (?:up|for)|show me)\s+",
    re.I,
)


def _search(words: str, reading: Reading, production: Production, focus: Focus) -> Any:
    query = SEARCH_LEAD.sub("", words).rstrip("?!. ") or words
    kind = (
        "scene"
        if re.match(r"(?i)(?:the |a )?scenes? (?:where|in which|when|with)\b|which scene", query)
        else None
    )
    return Plan(calls=[call_of("search_script", query=query[:2000], kind=kind)])


def _character(words: str, reading: Reading, production: Production, focus: Focus) -> Any:
    cast = characters(words, production)
    if not cast:
        named = re.search(r"(?i)\b(?:who(?:'s| is)|about|describe)\s+([A-Za-z][\w'-]*)", words)
        if named is None:
            return Plan(
                reply="Which character? The cast is "
                + (", ".join(production.cast_names()) or "not recorded yet")
                + "."
            )
        return Plan(calls=[call_of("get_character", name=named.group(1))])
    if re.search(
        r"(?i)\b(?:which|what) scenes? (?:is|are|has|have|does|do)\b.*\b(?:in|appear)\W*$|"
        r"\bappears?\b",
        words,
    ):
        lines = []
        for name in cast:
            scenes = [s for s in production.scenes if name in s.characters]
            days = sorted({s.story_day for s in scenes})
            numbers = ", ".join(s.number for s in scenes) or "no scene of the script"
            span = (
                f" (story day{'s' if len(days) > 1 else ''} {', '.join(map(str, days))})"
                if days
                else ""
            )
            lines.append(
                f"{name.title()} is in scenes {numbers}{span}."
                if scenes
                else f"{name.title()} is in {numbers}."
            )
        return Plan(reply=" ".join(lines))
    return Plan(calls=[call_of("get_character", name=name) for name in cast])


def _shot(words: str, reading: Reading, production: Production, focus: Focus) -> Any:
    found = targets(words, production)
    if problem := unknown(found, production):
        return Plan(reply=problem)
    if compared := _compare(words, found, production):
        return compared
    calls = [call_of("get_shot", shot=s) for s in found.shots]
    calls += [look_at("version_id", v, production) for v in found.versions]
    if not calls and focus.shot:
        calls = [call_of("get_shot", shot=focus.shot)]
    if not calls:
        return Plan(
            reply="Which shot? "
            + (
                f"Shots are {', '.join(list(production.shots)[:12])}."
                if production.shots
                else "There are no shots yet."
            )
        )
    return Plan(calls=calls)


def _shots(words: str, reading: Reading, production: Production, focus: Focus) -> Any:
    scene = scene_of(words, production)
    if scene is not None and production.scenes and production.scene(scene) is None:
        return Plan(reply=no_scene(scene, production))
    return Plan(calls=[call_of("list_shots", scene=scene)])


COMPARING = re.compile(r"(?i)\b(?:compare|comparison|side by side|vs\.?|versus|differ\w*)\b")


def _compare(words: str, found: Any, production: Production) -> Plan | None:
    """Two to four versions side by side ("compare v5 and v6"; a shot means its latest)."""
    if not COMPARING.search(words):
        return None
    chosen = [v for v in found.versions if v in production.versions]
    chosen += [latest.version_id for s in found.shots if (latest := production.latest(s))]
    chosen = list(dict.fromkeys(chosen))
    if 2 <= len(chosen) <= 4:
        return Plan(calls=[call_of("compare_versions", version_ids=chosen)])
    return None


def _versions(words: str, reading: Reading, production: Production, focus: Focus) -> Any:
    found = targets(words, production)
    if problem := unknown(found, production):
        return Plan(reply=problem)
    if compared := _compare(words, found, production):
        return compared
    shots = list(found.shots)
    shots += [production.versions[v].shot for v in found.versions if v in production.versions]
    if not shots and focus.shot:
        shots = [focus.shot]
    if not shots:
        return Plan(
            reply="Versions of which shot? "
            + (
                f"Shots are {', '.join(list(production.shots)[:12])}."
                if production.shots
                else "There are no shots yet."
            )
        )
    return Plan(calls=[call_of("list_versions", shot=s) for s in dict.fromkeys(shots)])


def _export(words: str, reading: Reading, production: Production, focus: Focus) -> Any:
    lowered = words.lower()
    chosen = next((fmt for pattern, fmt in EXPORTS.items() if re.search(pattern, lowered)), None)
    if chosen is None:
        return Plan(
            reply="Which format? edl, fcp7xml, fcpx, aaf, otio, otioz, mp4 (animatic), "
            "pdf (boards), csv (shot list), zip (frames) or continuity (report)."
        )
    return Plan(calls=[call_of("export_link", format=chosen)])


JOB_ID = re.compile(r"(?i)\bjob\s+(?:id\s+)?#?([a-z0-9][a-z0-9_-]{2,39})\b|\b(j[0-9a-f]{6,32})\b")
NOT_AN_ID = {"queue", "status", "done", "running", "finished", "ready", "list", "state"}
MINE = re.compile(r"(?i)\b(?:my|mine|i started|i asked for|i submitted)\b")


def _jobs(words: str, reading: Reading, production: Production, focus: Focus) -> Any:
    said = JOB_ID.search(words)
    job_id = (said.group(1) or said.group(2)) if said else None
    if job_id and job_id.lower() not in NOT_AN_ID:
        return Plan(calls=[call_of("get_job_status", job_id=job_id)])
    return Plan(calls=[call_of("list_jobs", mine=True if MINE.search(words) else None)])


HANDLERS: dict[str, Handler] = {
    "continuity": _continuity,
    "budget": _budget,
    "facts": _facts,
    "ledger": _ledger,
    "scene": _scene,
    "search": _search,
    "character": _character,
    "shot": _shot,
    "shots": _shots,
    "versions": _versions,
    "jobs": _jobs,
    "export": _export,
}
