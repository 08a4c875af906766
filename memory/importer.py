"""Importing and re-importing a screenplay into a project's records.

A re-import matches the new scenes to the old ones (scene number first, then heading and text
similarity) so shots and versions stay linked to their scene; versions of changed scenes are
flagged stale so nobody approves a frame of a scene that no longer reads that way.
"""

from __future__ import annotations

import hashlib
import heapq
import zlib
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.errors import InvalidInput
from memory.records import (
    Character,
    ContinuityFact,
    Location,
    Project,
    Scene,
    ScriptImport,
    Shot,
    Version,
    utcnow,
)
from memory.screenplay.elements import Screenplay
from memory.screenplay.scenes import SceneDraft, build_cast, build_scenes
from memory.store import active_scenes, alias_map, list_characters, touch_memory

SIMILAR_SAME_HEADING = 0.5
SIMILAR_ANY_HEADING = 0.75
SHINGLE_WORDS = 2
SKETCH_SIZE = 256
"""Scene texts are compared by their word pairs; a long text keeps only its 256 smallest
hashes (a bottom-k sketch), so matching stays linear in the script's length."""


@dataclass
class ImportReport:
    """What `frameline ingest --json` prints."""

    project: str
    scenes: int
    characters: list[str]
    locations: list[str]
    added: int = 0
    changed: int = 0
    removed: int = 0
    stale_versions: int = 0
    facts_to_review: int = 0
    changed_scenes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The documented fields, then the extras that explain the diff."""
        return {
            "project": self.project,
            "scenes": self.scenes,
            "characters": self.characters,
            "locations": self.locations,
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "stale_versions": self.stale_versions,
            "facts_to_review": self.facts_to_review,
            "changed_scenes": self.changed_scenes,
        }


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _sketch(text: str) -> frozenset[int]:
    """The smallest hashes of the text's word pairs: enough to estimate resemblance."""
    words = text.split()
    shingles = {
        zlib.crc32(" ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8"))
        for i in range(max(1, len(words) - SHINGLE_WORDS + 1))
    }
    return frozenset(heapq.nsmallest(SKETCH_SIZE, shingles))


def _similarity(a: frozenset[int], b: frozenset[int]) -> float:
    """Dice similarity of two texts' word pairs, estimated from their sketches.

    Exact for texts of up to 256 word pairs; longer ones are compared on the smallest hashes of
    their union (bottom-k MinHash), so a comparison costs the same whatever the texts' length.
    """
    if not a or not b or 2 * min(len(a), len(b)) / (len(a) + len(b)) < SIMILAR_SAME_HEADING:
        return 0.0
    union = sorted(a | b)[:SKETCH_SIZE]
    cutoff = union[-1]
    shared = sum(1 for value in a & b if value <= cutoff)
    jaccard = shared / len(union)
    return 2 * jaccard / (1 + jaccard)


def match_scenes(old: list[Scene], new: list[SceneDraft]) -> dict[int, Scene]:
    """Pair new scenes (by position) with old ones: number, then heading+text, then text alone."""
    pairs: dict[int, Scene] = {}
    free = {scene.id: scene for scene in old}
    old_sketches: dict[int, frozenset[int]] = {}
    new_sketches: dict[int, frozenset[int]] = {}
    scores: dict[tuple[int, int], float] = {}

    def similarity(scene: Scene, draft: SceneDraft) -> float:
        """Each text sketched once and each pair scored once, whatever the passes."""
        key = (scene.id, draft.position)
        if key not in scores:
            if scene.text == draft.text:
                scores[key] = 1.0
            else:
                if scene.id not in old_sketches:
                    old_sketches[scene.id] = _sketch(scene.text)
                if draft.position not in new_sketches:
                    new_sketches[draft.position] = _sketch(draft.text)
                scores[key] = _similarity(old_sketches[scene.id], new_sketches[draft.position])
        return scores[key]

    by_number = {scene.number.upper(): scene for scene in old}
    for draft in new:
        candidate = by_number.get(draft.number.upper())
        if candidate is None or candidate.id not in free:
            continue
        same_heading = candidate.heading.upper() == draft.heading.upper()
        numbered = not draft.number.isdigit() or draft.number != str(draft.position)
        if numbered or same_heading or similarity(candidate, draft) >= SIMILAR_ANY_HEADING:
            pairs[draft.position] = free.pop(candidate.id)
    for threshold, same_heading_only in (
        (SIMILAR_SAME_HEADING, True),
        (SIMILAR_ANY_HEADING, False),
    ):
        for draft in new:
            if draft.position in pairs:
                continue
            best, best_score = None, threshold
            for scene in free.values():
                if same_heading_only and scene.heading.upper() != draft.heading.upper():
                    continue
                score = similarity(scene, draft)
                if score >= best_score:
                    best, best_score = scene, score
            if best is not None:
                pairs[draft.position] = free.pop(best.id)
    return pairs


def _apply(scene: Scene, draft: SceneDraft) -> None:
    scene.number = draft.number
    scene.position = draft.position
    scene.heading = draft.heading
    scene.int_ext = draft.int_ext
    scene.location = draft.location
    scene.time_of_day = draft.time_of_day
    scene.story_day = draft.story_day
    scene.page_start = draft.page_start
    scene.page_end = draft.page_end
    scene.eighths = draft.eighths
    scene.text = draft.text
    scene.text_sha256 = _sha(draft.text)
    scene.characters = list(draft.characters)
    scene.contents = draft.contents.to_json() if draft.contents else {}
    scene.removed = False
    scene.updated_at = utcnow()


def _differs(scene: Scene, draft: SceneDraft) -> bool:
    """Whether anything besides the text moved (renumbering, story day, cast merges)."""
    return (
        scene.number,
        scene.position,
        scene.story_day,
        scene.time_of_day,
        list(scene.characters),
        scene.eighths,
        scene.contents,
    ) != (
        draft.number,
        draft.position,
        draft.story_day,
        draft.time_of_day,
        list(draft.characters),
        draft.eighths,
        draft.contents.to_json() if draft.contents else {},
    )


def _mark_stale(session: Session, scene_ids: list[int]) -> int:
    """Flag every version of these scenes' shots; the versions themselves stay untouched."""
    if not scene_ids:
        return 0
    shot_ids = select(Shot.id).where(Shot.scene_id.in_(scene_ids))
    result = session.execute(
        update(Version).where(Version.shot_id.in_(shot_ids)).values(stale=True)
    )
    return int(result.rowcount or 0)


def _flag_facts(
    session: Session,
    project: Project,
    old_numbers: dict[int, str],
    pairs: dict[int, Scene],
    changed_ids: list[int],
) -> int:
    """Facts stay; those whose scenes changed or vanished are flagged for a person to review."""
    kept = {scene.id for scene in pairs.values()}
    touched = {scene_id for scene_id in old_numbers if scene_id not in kept} | set(changed_ids)
    if not touched:
        return 0
    ids = list(old_numbers)
    numbers = list(old_numbers.values())
    flagged = 0
    for fact in session.scalars(
        select(ContinuityFact).where(ContinuityFact.project_id == project.id)
    ):
        if fact.from_scene is None:
            continue
        start, end = fact.from_scene.upper(), (fact.to_scene or fact.from_scene).upper()
        if start not in numbers or end not in numbers:
            in_scope = set(touched)
        else:
            in_scope = set(ids[numbers.index(start) : numbers.index(end) + 1])
        if in_scope & touched and not fact.needs_review:
            fact.needs_review = True
            flagged += 1
    return flagged


def _sync_cast(session: Session, project: Project, screenplay: Screenplay) -> None:
    """Add new characters; keep descriptions and aliases people edited."""
    aliases = alias_map(session, project)
    existing = {c.name.upper(): c for c in list_characters(session, project)}
    present: set[str] = set()
    for member in build_cast(screenplay.elements, aliases):
        present.add(member.name.upper())
        character = existing.get(member.name.upper())
        if character is None:
            character = Character(
                project_id=project.id,
                name=member.name,
                aliases=sorted(set(member.aliases) - {member.name}),
                description=member.introduction,
                look=member.look,
            )
            session.add(character)
            existing[member.name.upper()] = character
        else:
            known = {a.upper() for a in character.aliases}
            extra = [a for a in member.aliases if a.upper() not in known | {member.name.upper()}]
            if extra:
                character.aliases = [*character.aliases, *extra]
            character.in_script = True
            if not character.description and member.introduction:
                character.description = member.introduction
            if not character.look_edited:
                character.look = member.look
    for key, character in existing.items():
        if key not in present:
            character.in_script = False


def _sync_locations(session: Session, project: Project, drafts: list[SceneDraft]) -> list[str]:
    names = sorted({d.location for d in drafts if d.location})
    known = set(session.scalars(select(Location.name).where(Location.project_id == project.id)))
    for name in names:
        if name not in known:
            session.add(Location(project_id=project.id, name=name))
    return names


def import_screenplay(
    session: Session, project: Project, screenplay: Screenplay, filename: str, content: bytes
) -> ImportReport:
    """Import or re-import a screenplay inside the caller's transaction (all or nothing)."""
    if not screenplay.elements:
        raise InvalidInput(f"{filename}: the screenplay is empty; nothing to import")
    aliases = alias_map(session, project)
    drafts = build_scenes(screenplay.elements, aliases)
    if not drafts:
        raise InvalidInput(
            f"{filename}: no scene headings found (a heading starts with INT., EXT., "
            "INT./EXT., I/E or a forcing '.')"
        )
    numbers = [d.number.upper() for d in drafts]
    duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
    if duplicates:
        raise InvalidInput(f"{filename}: scene numbers used twice: {', '.join(duplicates)}")

    old = active_scenes(session, project)
    old_numbers = {scene.id: scene.number.upper() for scene in old}
    pairs = match_scenes(old, drafts)
    matched_ids = {scene.id for scene in pairs.values()}
    report = ImportReport(project=project.slug, scenes=len(drafts), characters=[], locations=[])
    changed_ids: list[int] = []
    for scene in old:
        if scene.id not in matched_ids:
            scene.removed = True
            report.removed += 1
    moved = 0
    for draft in drafts:
        scene = pairs.get(draft.position)
        if scene is None:
            scene = Scene(project_id=project.id)
            _apply(scene, draft)
            session.add(scene)
            report.added += 1
            continue
        if scene.text_sha256 != _sha(draft.text) or scene.heading != draft.heading:
            report.changed += 1
            report.changed_scenes.append(draft.number)
            changed_ids.append(scene.id)
            _apply(scene, draft)
        elif _differs(scene, draft):
            moved += 1
            _apply(scene, draft)
    report.stale_versions = _mark_stale(session, changed_ids)
    report.facts_to_review = _flag_facts(session, project, old_numbers, pairs, changed_ids)
    report.locations = _sync_locations(session, project, drafts)
    _sync_cast(session, project, screenplay)
    digest = hashlib.sha256(content).hexdigest()
    last = session.scalar(
        select(ScriptImport)
        .where(ScriptImport.project_id == project.id)
        .order_by(ScriptImport.id.desc())
        .limit(1)
    )
    unchanged = not (report.added or report.changed or report.removed or moved)
    if unchanged and last is not None and last.sha256 == digest:
        report.characters = [c.name for c in list_characters(session, project)]
        return report
    title = screenplay.title_page.get("title", "").replace("*", "").replace("_", "").strip()
    if title:
        project.title = title.split("\n")[0]
    session.add(
        ScriptImport(
            project_id=project.id,
            filename=filename,
            sha256=digest,
            title_page=dict(screenplay.title_page),
            added=report.added,
            changed=report.changed,
            removed=report.removed,
        )
    )
    touch_memory(project)
    session.flush()
    report.characters = [c.name for c in list_characters(session, project)]
    return report
