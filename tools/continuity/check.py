"""The continuity check of a version: identity, look, time of day and facts, stored with it.

Every new version is checked as soon as it is committed, so the check never raises over the frame
itself: an unreadable or missing image, or face models that cannot load, make the version
`not_checkable` with the reason stated. Previz panels draw heads without features, so their
identity is "not checkable" — said plainly, and never counted as a pass. Running the check again
replaces the automatic results and keeps what people confirmed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import FramelineError, InvalidInput
from memory.records import ContinuityFact, Project, Scene, Shot, Version, utcnow
from memory.store import active_scenes, get_version, list_characters
from tools.context import Actor, Studio, require
from tools.continuity.daylight import check_daylight, scene_time_of_day
from tools.continuity.faces import Box, detect_faces, load_image
from tools.continuity.identity import (
    DRIFT,
    DRIFT_BAND,
    MATCH,
    UNKNOWN_FACE,
    CharacterReferences,
    IdentityMatch,
    match_faces,
    references_for,
)
from tools.continuity.look import (
    LOOK_THRESHOLD,
    PaletteColour,
    check_box,
    dominant_colours,
    palette_difference,
    region_below_face,
)
from tools.continuity.script_facts import canonical_subject, facts_for_shot, verify_fact

PASS, FAIL, NOT_CHECKABLE, NOT_APPLICABLE = "pass", "fail", "not_checkable", "not_applicable"
PREVIZ_IDENTITY = "not checkable: previz storyboard frames have no photographic faces"
ADD_REFERENCE = "add one with `frameline characters add-reference`"
PARTS = (("identity", "identity"), ("look", "look"), ("time of day", "time_of_day"))
"""The automatic parts of a check: how people call each, and its key in the report."""


@dataclass
class _Shot:
    """What the check needs from the records, read in one short transaction."""

    version_id: str
    project: str
    scene: str
    shot: str
    story_day: int
    backend: str
    image_path: Path
    expected: list[CharacterReferences]
    not_in_cast: list[str]
    time_of_day: str | None
    facts: list[tuple[ContinuityFact, str | None]]
    baselines: dict[str, dict[str, Any]]
    approved: bool
    boxes: dict[str, Box]
    confirmations: dict[str, Any]


def check_version(
    studio: Studio, version_id: str, *, boxes: Mapping[str, Sequence[int]] | None = None
) -> dict[str, Any]:
    """Check a version, store the result on it, and return the report.

    `boxes` name a character's wardrobe region where no face shows it (previz, backs to camera);
    they stay with the version for later re-checks.
    """
    with studio.transaction() as session:
        shot = _read_shot(session, studio, version_id, boxes)
    report = _run(shot, studio.settings)
    with studio.transaction() as session:
        version = get_version(session, version_id)
        # Confirmations made while the check ran are kept too.
        confirmations = dict(version.continuity_report.get("confirmations", {}))
        report = _with_confirmations(report, confirmations)
        version.continuity = report["result"]
        version.continuity_report = report
    return report


def run_check(
    studio: Studio,
    actor: Actor,
    version_id: str,
    boxes: Mapping[str, Sequence[int]] | None = None,
) -> dict[str, Any]:
    """A person asks for a (re-)check, optionally naming wardrobe boxes per character."""
    require(actor, "revise", "run continuity checks")
    return check_version(studio, version_id, boxes=boxes)


def read_check(studio: Studio, actor: Actor, version_id: str) -> dict[str, Any]:
    """The stored result of a version's check (`pending` with no details before the first)."""
    require(actor, "read", "read continuity checks")
    with studio.transaction() as session:
        version = get_version(session, version_id)
        if not version.continuity_report:
            return {"version_id": version.version_id, "result": version.continuity}
        return dict(version.continuity_report)


def confirm_item(
    studio: Studio, actor: Actor, version_id: str, item_id: str, note: str = ""
) -> dict[str, Any]:
    """A person confirms by eye an item the check could not verify; recorded as theirs."""
    require(actor, "state_fact", "confirm continuity items")
    with studio.transaction() as session:
        version = get_version(session, version_id)
        report = dict(version.continuity_report)
        items = [*report.get("open_items", []), *report.get("confirmed_items", [])]
        known = {item["item_id"]: item for item in items}
        if item_id not in known:
            if not report:
                raise InvalidInput(
                    f"{version.version_id} has not been checked yet; nothing to confirm"
                )
            listing = ", ".join(known) or "none"
            raise InvalidInput(
                f"{version.version_id} has no continuity item {item_id!r}; items are {listing}"
            )
        confirmations = dict(report.get("confirmations", {}))
        confirmations[item_id] = {
            "by": actor.person,
            "role": actor.role,
            "at": utcnow().isoformat(),
            "note": note.strip(),
        }
        report = _with_confirmations(report, confirmations)
        version.continuity_report = report
        return report


def _with_confirmations(report: dict[str, Any], confirmations: dict[str, Any]) -> dict[str, Any]:
    """Split the report's human-eye items into open and confirmed by the confirmations given."""
    items = sorted(
        [*report.get("open_items", []), *report.get("confirmed_items", [])],
        key=lambda item: item["order"],
    )
    # New dicts, never edits in place: the stored report must compare unequal to be saved.
    items = [{**item, "confirmation": confirmations.get(item["item_id"])} for item in items]
    return {
        **report,
        "open_items": [item for item in items if item["confirmation"] is None],
        "confirmed_items": [item for item in items if item["confirmation"] is not None],
        "confirmations": confirmations,
    }


def _read_shot(
    session: Session, studio: Studio, version_id: str, boxes: Mapping[str, Sequence[int]] | None
) -> _Shot:
    version = get_version(session, version_id)
    shot = session.get(Shot, version.shot_id)
    assert shot is not None
    scene = session.get(Scene, shot.scene_id)
    project = session.get(Project, shot.project_id)
    assert scene is not None and project is not None
    parameters = version.parameters or {}
    names = list(parameters.get("characters", scene.characters))
    cast = {
        name.upper() for c in list_characters(session, project) for name in (c.name, *c.aliases)
    }
    in_cast = [name for name in names if name.upper() in cast]
    expected = references_for(session, project, in_cast)
    previous = version.continuity_report or {}
    stored = previous.get("look", {}).get("boxes", {})
    given = {
        **stored,
        **{_character(session, project, n): list(b) for n, b in (boxes or {}).items()},
    }
    scenes = active_scenes(session, project)
    times = [s.time_of_day for s in scenes]
    index = next((i for i, s in enumerate(scenes) if s.id == scene.id), None)
    baselines, approved = day_baselines(session, project, scene, version)
    return _Shot(
        version_id=version.version_id,
        project=project.slug,
        scene=scene.number,
        shot=shot.code,
        story_day=scene.story_day,
        backend=version.backend,
        image_path=studio.assets.path(version.asset_sha256),
        expected=expected,
        not_in_cast=[name for name in names if name.upper() not in cast],
        time_of_day=(scene.contents or {}).get("time_of_day")
        or (scene_time_of_day(times, index) if index is not None else scene.time_of_day),
        facts=[
            (fact, canonical_subject(session, project, fact.subject))
            for fact in facts_for_shot(session, project, scene, [c.name for c in expected])
        ],
        baselines=baselines,
        approved=approved,
        boxes={name: tuple(box) for name, box in given.items()},
        confirmations=dict(previous.get("confirmations", {})),
    )


def _character(session: Session, project: Project, name: str) -> str:
    """A box's character by name or alias; an unknown one is refused before anything runs."""
    found = canonical_subject(session, project, name)
    if found is None:
        known = ", ".join(c.name for c in list_characters(session, project)) or "none"
        raise InvalidInput(
            f"project {project.slug!r} has no character {name!r}; characters are {known}"
        )
    return found


def day_baselines(
    session: Session, project: Project, scene: Scene, version: Version | None = None
) -> tuple[dict[str, dict[str, Any]], bool]:
    """Per character, the look recorded by the story day's first approved shot showing them, in
    script order; and whether `version` is approved (then it is the first for the rest)."""
    rows = session.execute(
        select(Version, Shot.code, Scene.number)
        .join(Shot, Version.shot_id == Shot.id)
        .join(Scene, Shot.scene_id == Scene.id)
        .where(
            Scene.project_id == project.id,
            Scene.removed.is_(False),
            Scene.story_day == scene.story_day,
            Version.status.in_(("approved", "locked")),
        )
        .order_by(Scene.position, Shot.id, Version.id)
    )
    baselines: dict[str, dict[str, Any]] = {}
    for row, shot_code, scene_number in rows:
        if version is not None and row.id == version.id:
            return baselines, True
        for entry in row.continuity_report.get("look", {}).get("characters", []):
            if entry.get("palette") and entry["character"] not in baselines:
                baselines[entry["character"]] = {
                    "version_id": row.version_id,
                    "scene": scene_number,
                    "shot": shot_code,
                    "palette": entry["palette"],
                }
    return baselines, False


def _run(shot: _Shot, settings: Any) -> dict[str, Any]:
    """Every part of the check; problems with the frame become `not_checkable`, never errors."""
    report: dict[str, Any] = {
        "version_id": shot.version_id,
        "project": shot.project,
        "scene": shot.scene,
        "shot": shot.shot,
        "story_day": shot.story_day,
        "backend": shot.backend,
        "checked_at": utcnow().isoformat(),
        "expected": [c.name for c in shot.expected],
    }
    try:
        pixels = load_image(shot.image_path)
    except FramelineError as error:
        reason = f"not checkable: the frame cannot be read ({error.message})"
        report["identity"] = {"verdict": NOT_CHECKABLE, "reason": reason}
        report["look"] = {"verdict": NOT_CHECKABLE, "reason": reason, "characters": []}
        report["time_of_day"] = {"verdict": NOT_CHECKABLE, "reason": reason}
        match = None
    else:
        identity, match = _identity(shot, pixels, settings)
        report["identity"] = identity
        report["look"] = _look(shot, pixels, match)
        report["time_of_day"] = check_daylight(pixels, shot.time_of_day).to_json()
    palettes = {
        entry["character"]: [PaletteColour.from_json(c) for c in entry["palette"]]
        for entry in report["look"]["characters"]
        if entry.get("palette")
    }
    report["facts"] = [verify_fact(fact, who, match, palettes) for fact, who in shot.facts]
    report["result"] = _result(report)
    report["summary"] = _summary(report)
    items = _human_items(report)
    report = {**report, "open_items": items, "confirmed_items": []}
    return _with_confirmations(report, shot.confirmations)


def _identity(
    shot: _Shot, pixels: np.ndarray, settings: Any
) -> tuple[dict[str, Any], IdentityMatch | None]:
    """Who is in the frame against who the shot expects."""
    expected = [c.name for c in shot.expected]
    base: dict[str, Any] = {"expected": expected, "not_in_cast": shot.not_in_cast}
    if shot.backend == "previz":
        return {**base, "verdict": NOT_CHECKABLE, "reason": PREVIZ_IDENTITY}, None
    if not expected:
        reason = "no characters are expected in this shot"
        return {**base, "verdict": NOT_APPLICABLE, "reason": reason}, None
    if not any(c.embeddings for c in shot.expected):
        reason = f"not checkable: no reference images for {', '.join(expected)}; {ADD_REFERENCE}"
        return {**base, "verdict": NOT_CHECKABLE, "reason": reason}, None
    try:
        faces = detect_faces(pixels)
        match = match_faces(faces, shot.expected, float(settings.face_threshold), DRIFT_BAND)
    except FramelineError as error:
        return {**base, "verdict": NOT_CHECKABLE, "reason": f"not checkable: {error.message}"}, None
    details = {**base, **match.to_json()}
    unchecked = (
        f"; {', '.join(match.without_references)} not checked (no reference images)"
        if match.without_references
        else ""
    )
    if not faces:
        reason = f"not checkable: no face found in the frame{unchecked}"
        return {**details, "verdict": NOT_CHECKABLE, "reason": reason}, match
    if match.missing:
        reason = f"{', '.join(match.missing)} not found among {len(faces)} face(s){unchecked}"
        return {**details, "verdict": FAIL, "reason": reason}, match
    drifting = [f.character for f in match.faces if f.verdict == DRIFT]
    found = [f.character for f in match.faces if f.verdict in {MATCH, DRIFT}]
    reason = f"{', '.join(str(n) for n in found)} recognised" + (
        f" ({', '.join(str(n) for n in drifting)} close to the threshold)" if drifting else ""
    )
    return {**details, "verdict": PASS, "reason": reason + unchecked}, match


def _look(shot: _Shot, pixels: np.ndarray, match: IdentityMatch | None) -> dict[str, Any]:
    """Each visible character's wardrobe palette against the day's first approved look."""
    height, width = pixels.shape[:2]
    regions: dict[str, tuple[Box | None, str]] = {}
    for face in match.faces if match else []:
        if face.verdict in {MATCH, DRIFT} and face.character:
            regions[face.character] = (region_below_face(face.box, width, height), "below face")
    problems: list[str] = []
    for name, box in shot.boxes.items():
        try:
            regions[name] = (check_box(list(box), width, height), "given box")
        except InvalidInput as error:
            problems.append(f"{name}: {error.message}")
    entries = [
        _look_of(name, box, source, pixels, shot.baselines.get(name), shot.approved)
        for name, (box, source) in sorted(regions.items())
    ]
    verdicts = {entry["verdict"] for entry in entries}
    if FAIL in verdicts:
        verdict = FAIL
    elif PASS in verdicts:
        verdict = PASS
    else:
        verdict = NOT_CHECKABLE
    reasons = [f"{e['character']}: {e['reason']}" for e in entries] + problems
    if not entries:
        reasons.append("no recognised face or given box shows a wardrobe to compare")
    return {
        "verdict": verdict,
        "reason": "; ".join(reasons),
        "threshold": LOOK_THRESHOLD,
        "characters": entries,
        "boxes": {name: list(box) for name, box in shot.boxes.items()},
    }


def _look_of(
    name: str,
    box: Box | None,
    source: str,
    pixels: np.ndarray,
    baseline: Mapping[str, Any] | None,
    approved: bool,
) -> dict[str, Any]:
    """One character's palette and its verdict against the day's baseline."""
    entry: dict[str, Any] = {"character": name, "box": list(box) if box else None, "source": source}
    if box is None:
        return {**entry, "verdict": NOT_CHECKABLE, "reason": "the frame cuts off the wardrobe"}
    palette = dominant_colours(pixels, box)
    entry["palette"] = [colour.to_json() for colour in palette]
    if baseline is None and approved:
        reason = "this frame is the story day's first approved look"
        return {**entry, "verdict": "reference", "reason": reason}
    if baseline is None:
        reason = "no approved shot of this story day shows them yet"
        return {**entry, "verdict": "no_baseline", "reason": reason}
    reference = [PaletteColour.from_json(c) for c in baseline["palette"]]
    difference = palette_difference(reference, palette)
    verdict = PASS if difference <= LOOK_THRESHOLD else FAIL
    where = f"{baseline['version_id']} (shot {baseline['shot']})"
    reason = f"ΔE {difference:.1f} from {where}" + (
        f", above {LOOK_THRESHOLD:.0f}" if verdict == FAIL else ""
    )
    return {
        **entry,
        "baseline": {k: baseline[k] for k in ("version_id", "scene", "shot")},
        "delta_e": difference,
        "verdict": verdict,
        "reason": reason,
    }


def _result(report: Mapping[str, Any]) -> str:
    """fail if any part failed; pass only when identity held (or had nobody to check) and
    something was verified; not_checkable otherwise."""
    parts = [report[part]["verdict"] for _, part in PARTS]
    if FAIL in parts:
        return FAIL
    if report["identity"]["verdict"] in {PASS, NOT_APPLICABLE} and PASS in parts:
        return PASS
    return NOT_CHECKABLE


def describe(label: str, part: Mapping[str, Any]) -> str:
    """One part of a check as people read it: "time of day: fail, a night scene lit like day…"."""
    verdict = part["verdict"].replace("_", " ")
    reason = part["reason"]
    if reason.startswith(verdict):
        return f"{label}: {reason}"
    return f"{label}: {verdict}, {reason}"


def _summary(report: Mapping[str, Any]) -> str:
    """The parts in one line, as a version's details show it."""
    return "; ".join(describe(label, report[part]) for label, part in PARTS)


def _human_items(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What a person has to look at: facts, near-threshold faces, strangers, unreadable light."""
    items: list[dict[str, Any]] = []

    def add(item_id: str, kind: str, text: str) -> None:
        items.append({"item_id": item_id, "kind": kind, "text": text, "order": len(items)})

    identity = report["identity"]
    for face in identity.get("faces", []):
        box = ",".join(str(v) for v in face["box"])
        if face["verdict"] == DRIFT:
            add(
                f"drift-{face['character']}",
                "identity",
                f"check by eye: {face['character']}'s face at {box} is near the threshold "
                f"(distance {face['distance']:.2f})",
            )
        elif face["verdict"] == UNKNOWN_FACE:
            add(
                f"face-{face['box'][0]}-{face['box'][1]}",
                "identity",
                f"check by eye: a face at {box} is none of {', '.join(identity['expected'])}",
            )
    if (
        identity["verdict"] == NOT_CHECKABLE
        and report["backend"] != "previz"
        and identity.get("expected")
    ):
        add(
            "identity",
            "identity",
            f"check by eye that {', '.join(identity['expected'])} look like their references",
        )
    if report["time_of_day"]["verdict"] == NOT_CHECKABLE:
        add(
            "time-of-day",
            "time_of_day",
            "check by eye that the light fits the scene: " + report["time_of_day"]["reason"],
        )
    for fact in report["facts"]:
        add(fact["item_id"], "fact", fact["text"])
    return items
