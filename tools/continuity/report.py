"""Continuity reports: per scene and shot, what was checked, what failed, what a person must see.

A report reads the stored checks of each shot's latest version; it runs nothing, so it is as fast
as the records. The agent answers "is Mara consistent in scene 4?" from the same data.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from memory.facts import fact_json
from memory.records import Project, Scene, Version, utcnow
from memory.store import active_scenes, get_project, get_scene, shots_of_scene
from tools.context import Actor, Studio, require
from tools.continuity.check import PARTS, describe
from tools.continuity.script_facts import canonical_subject
from tools.prompting import facts_for_scene

RESULTS = ("pass", "fail", "not_checkable", "pending")


def continuity_report(
    studio: Studio, actor: Actor, project: str, scene: str | None = None
) -> dict[str, Any]:
    """Every scene (or one) with its facts and each shot's latest version and check."""
    require(actor, "read", "read continuity reports")
    with studio.transaction() as session:
        record = get_project(session, project)
        scenes = [get_scene(session, record, scene)] if scene else active_scenes(session, record)
        sections = [_scene_section(session, record, row) for row in scenes]
    shots = [shot for section in sections for shot in section["shots"]]
    counts = Counter(shot["continuity"] for shot in shots)
    return {
        "project": project,
        "scene": sections[0]["number"] if scene else None,
        "generated_at": utcnow().isoformat(),
        "summary": {
            "shots": len(shots),
            **{result: counts.get(result, 0) for result in RESULTS},
            "open_items": sum(len(shot["open_items"]) for shot in shots),
            "facts_to_review": len(
                {f["fact_id"] for s in sections for f in s["facts"] if f["needs_review"]}
            ),
        },
        "scenes": sections,
    }


def _scene_section(session: Session, project: Project, scene: Scene) -> dict[str, Any]:
    shots = []
    for shot in shots_of_scene(session, scene):
        latest = session.scalar(
            select(Version).where(Version.shot_id == shot.id).order_by(Version.id.desc()).limit(1)
        )
        if latest is not None:
            shots.append(_shot_entry(shot.code, latest))
    return {
        "number": scene.number,
        "heading": scene.heading,
        "time_of_day": scene.time_of_day,
        "story_day": scene.story_day,
        "characters": list(scene.characters),
        "facts": [fact_json(fact) for fact in facts_for_scene(session, project, scene)],
        "shots": shots,
    }


def _shot_entry(code: str, version: Version) -> dict[str, Any]:
    """A shot's latest version and the parts of its check people read."""
    check = version.continuity_report or {}
    return {
        "shot": code,
        "version_id": version.version_id,
        "status": version.status,
        "stale": version.stale,
        "backend": version.backend,
        "continuity": version.continuity,
        "checked_at": check.get("checked_at"),
        "summary": check.get("summary", "not checked yet"),
        "identity": check.get("identity"),
        "look": check.get("look"),
        "time_of_day": check.get("time_of_day"),
        "facts": check.get("facts", []),
        "open_items": check.get("open_items", []),
        "confirmed_items": check.get("confirmed_items", []),
    }


def consistency(
    studio: Studio, actor: Actor, project: str, scene: str, subject: str
) -> dict[str, Any]:
    """Is a character (or prop) consistent in a scene? The answer and the evidence, shot by shot."""
    report = continuity_report(studio, actor, project, scene)
    with studio.transaction() as session:
        character = canonical_subject(session, get_project(session, project), subject)
    who = character or subject.strip()
    section = report["scenes"][0]
    shots = [_shot_about(shot, who) for shot in section["shots"]]
    shots = [shot for shot in shots if shot is not None]
    facts = [f for f in section["facts"] if _about(f["subject"], who)]
    problems = [p for shot in shots for p in shot["problems"]]
    verified = [shot for shot in shots if shot["verified"]]
    open_items = [item for shot in shots for item in shot["open_items"]]
    if problems:
        answer, text = "inconsistent", "; ".join(problems)
    elif verified:
        answer = "consistent"
        text = f"{who} checks out in {len(verified)} of {len(shots)} shot(s) of scene {scene}"
        if open_items:
            text += f"; {len(open_items)} item(s) still need a human eye"
    else:
        answer = "unverified"
        text = (
            f"nothing about {who} in scene {section['number']} could be verified automatically"
            + (f"; {len(open_items)} item(s) need a human eye" if open_items else "")
        )
    return {
        "project": project,
        "scene": section["number"],
        "subject": who,
        "answer": answer,
        "text": text,
        "facts": facts,
        "shots": shots,
    }


def _about(text: str, who: str) -> bool:
    """Whether a fact subject or item text names the subject as a whole word."""
    return re.search(rf"(?<!\w){re.escape(who)}(?!\w)", text, re.IGNORECASE) is not None


def _shot_about(shot: dict[str, Any], who: str) -> dict[str, Any] | None:
    """What one shot's check says about the subject, or None when it says nothing."""
    identity = shot["identity"] or {}
    look = shot["look"] or {}
    problems, verified = [], False
    face = next((f for f in identity.get("faces", []) if f.get("character") == who), None)
    if who in identity.get("missing", []):
        problems.append(f"shot {shot['shot']}: {who}'s face is not in the frame")
    if face is not None:
        verified = True
    wardrobe = next((e for e in look.get("characters", []) if e["character"] == who), None)
    if wardrobe is not None and wardrobe["verdict"] == "fail":
        problems.append(f"shot {shot['shot']}: {who}'s look changed ({wardrobe['reason']})")
    elif wardrobe is not None and wardrobe["verdict"] == "pass":
        verified = True
    facts = [f for f in shot["facts"] if _about(f["subject"], who)]
    for fact in facts:
        for check in fact["automatic"]:
            if check["result"] == "fail":
                problems.append(f"shot {shot['shot']}: {check['check']}: {check['detail']}")
    open_items = [item for item in shot["open_items"] if _about(item["text"], who)]
    expected = who in identity.get("expected", []) or face is not None
    if not (expected or facts or wardrobe or open_items):
        return None
    return {
        "shot": shot["shot"],
        "version_id": shot["version_id"],
        "continuity": shot["continuity"],
        "identity": face["verdict"] if face else identity.get("verdict", "pending"),
        "look": wardrobe["verdict"] if wardrobe else None,
        "facts": facts,
        "open_items": open_items,
        "problems": problems,
        "verified": verified,
    }


def render_markdown(report: dict[str, Any]) -> str:
    """The report as Markdown for people: a section per scene, a list per shot."""
    summary = report["summary"]
    lines = [
        f"# Continuity report: {report['project']}",
        "",
        f"{summary['shots']} shot(s): {summary['pass']} pass, {summary['fail']} fail, "
        f"{summary['not_checkable']} not checkable, {summary['pending']} pending; "
        f"{summary['open_items']} open item(s); {summary['facts_to_review']} fact(s) to review.",
    ]
    for scene in report["scenes"]:
        lines += [
            "",
            f"## Scene {scene['number']}: {scene['heading']} (story day {scene['story_day']})",
        ]
        if scene["facts"]:
            lines += ["", "Facts in scope:"]
            lines += [
                f"- {f['fact_id']} {f['subject']}: {f['statement']} ({_scope(f)})"
                + (" (review: the script changed)" if f["needs_review"] else "")
                for f in scene["facts"]
            ]
        if not scene["shots"]:
            lines += ["", "No shots yet."]
        for shot in scene["shots"]:
            lines += _shot_markdown(shot)
    return "\n".join(lines) + "\n"


def _scope(fact: dict[str, Any]) -> str:
    if fact["from_scene"] is None:
        return "every scene"
    if fact["to_scene"] in {None, fact["from_scene"]}:
        return f"scene {fact['from_scene']}"
    return f"scenes {fact['from_scene']}–{fact['to_scene']}"


def _shot_markdown(shot: dict[str, Any]) -> list[str]:
    lines = [
        "",
        f"### Shot {shot['shot']}: {shot['version_id']} ({shot['status']}"
        + (", stale" if shot["stale"] else "")
        + f"), continuity {shot['continuity'].replace('_', ' ')}",
        "",
    ]
    for label, part in PARTS:
        if shot[part]:
            line = describe(label, shot[part])
            lines.append(f"- {line[0].upper()}{line[1:]}")
    if not shot["identity"]:
        lines.append("- Not checked yet.")
    for fact in shot["facts"]:
        automatic = "; ".join(f"{c['check']}: {c['result']}" for c in fact["automatic"])
        lines.append(
            f"- Fact {fact['item_id']} {fact['subject']}: {fact['statement']}"
            + (f" (automatic: {automatic})" if automatic else "")
        )
    for item in shot["open_items"]:
        lines.append(f"- [ ] {item['item_id']}: {item['text']}")
    for item in shot["confirmed_items"]:
        confirmation = item["confirmation"]
        note = f": {confirmation['note']}" if confirmation.get("note") else ""
        lines.append(f"- [x] {item['item_id']}: {item['text']} (by {confirmation['by']}{note})")
    return lines
