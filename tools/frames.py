"""Rendering frames of a scene: new shots, fresh takes, and the versions that record them.

Order matters for crash safety: the PNG is written (durably, content-addressed) before the
version row commits, so a committed version always has its pixels; a crash in between leaves
only an unreferenced file.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from PIL import Image
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.errors import Conflict, InvalidInput, NotFound
from memory.records import Job, Project, Scene, Shot, Version
from memory.store import (
    get_project,
    get_scene,
    get_shot,
    get_version,
    touch_memory,
    versions_of_shot,
)
from tools.backends.base import Depiction, FrameSpec, ImageBackend
from tools.context import Actor, Studio, require
from tools.ledger import add_entry, frame_cost
from tools.prompting import frame_spec
from tools.provenance import FrameMarks, frame_provenance, manifest, mark_frame
from tools.signing import frame_ingredients, frame_signer

MIN_WIDTH = 512
MAX_SIDE = 4096
MAX_FRAMES_PER_REQUEST = 8
SEED_LIMIT = 2**31
RESERVE_ATTEMPTS = 8
SHOT_CODE = re.compile(r"^[0-9A-Z][0-9A-Z-]{0,30}$")

StepReport = Callable[[int, int], None]


@dataclass(frozen=True)
class VersionView:
    """A version as every front end shows it (`frameline render --json` prints it)."""

    version_id: str
    project: str
    scene: str
    shot: str
    parent_id: str | None
    image_path: str
    width: int
    height: int
    seed: int
    backend: str
    status: str
    stale: bool
    continuity: str
    model_id: str
    prompt: str
    created_by: str
    created_at: str
    notes: tuple[str, ...] = ()
    depicts: dict[str, Any] = field(default_factory=dict)
    """What the frame shows (`Depiction.to_json()`): setting, time, weather, light, props, cast."""

    def to_json(self) -> dict[str, Any]:
        """The documented fields and the extras that explain the frame."""
        document = asdict(self)
        document["notes"] = list(self.notes)
        return document


def version_view(session: Session, studio: Studio, version: Version) -> VersionView:
    """The view of a stored version."""
    shot = session.get(Shot, version.shot_id)
    assert shot is not None
    scene = session.get(Scene, shot.scene_id)
    project = session.get(Project, shot.project_id)
    assert scene is not None and project is not None
    return VersionView(
        version_id=version.version_id,
        project=project.slug,
        scene=scene.number,
        shot=shot.code,
        parent_id=f"v{version.parent_id}" if version.parent_id else None,
        image_path=str(studio.assets.path(version.asset_sha256).resolve()),
        width=version.width,
        height=version.height,
        seed=version.seed,
        backend=version.backend,
        status=version.status,
        stale=version.stale,
        continuity=version.continuity,
        model_id=version.model_id,
        prompt=version.prompt,
        created_by=version.created_by,
        created_at=version.created_at.isoformat(),
        notes=tuple(version.parameters.get("notes", ())),
        depicts=Depiction.from_json(version.depicts).to_json(),
    )


def _letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the spreadsheet-style suffix of shot codes."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def next_shot_code(scene_number: str, taken: set[str]) -> str:
    """The next free code of a scene: 12 → 12A, 12B …; 12A → 12A-A (a letter needs a hyphen)."""
    prefix = scene_number.upper() + ("-" if scene_number[-1:].isalpha() else "")
    index = 0
    while (code := prefix + _letters(index)) in taken:
        index += 1
    return code


def _taken_codes(session: Session, project: Project) -> set[str]:
    return {
        c.upper() for c in session.scalars(select(Shot.code).where(Shot.project_id == project.id))
    }


def check_size(width: int, height: int, backend: ImageBackend) -> tuple[int, int]:
    """Sizes a backend can draw; previz frames are at least 512 px wide."""
    if not (1 <= width <= MAX_SIDE and 1 <= height <= MAX_SIDE):
        raise InvalidInput(f"frame size {width}×{height} is outside 1–{MAX_SIDE} pixels a side")
    if backend.name == "previz" and width < MIN_WIDTH:
        raise InvalidInput(f"previz frames are at least {MIN_WIDTH} px wide, not {width}")
    return width, height


def check_seed(seed: int | None) -> int:
    """A given seed in range, or a freshly drawn one (reported with the version)."""
    if seed is None:
        return secrets.randbelow(SEED_LIMIT)
    if not 0 <= seed < SEED_LIMIT:
        raise InvalidInput(f"seed {seed} is outside 0–{SEED_LIMIT - 1}")
    return seed


def store_frame(
    session: Session,
    studio: Studio,
    *,
    shot: Shot,
    image: Image.Image,
    spec: FrameSpec,
    seed: int,
    backend: ImageBackend,
    actor: Actor,
    parameters: dict[str, Any],
    render_seconds: float,
    parent: Version | None = None,
    job_id: str | None = None,
) -> Version:
    """Write the PNG durably, then add the version row and its cost in the caller's transaction.

    The row is flushed first (uncommitted) so its id can be marked into the pixels and named in
    the credentials; the PNG is written before the caller commits, so a committed version always
    has its file and a crash in between leaves only an unreferenced one.
    """
    project_row = session.get(Project, shot.project_id)
    assert project_row is not None
    version = Version(
        shot_id=shot.id,
        parent_id=parent.id if parent else None,
        asset_sha256="",
        width=image.width,
        height=image.height,
        prompt=spec.prompt,
        parameters=parameters,
        seed=seed,
        backend=backend.name,
        model_id=backend.model_id,
        status="draft",
        continuity="pending",
        created_by=actor.person,
        job_id=job_id,
        depicts=spec.depicts.to_json() if spec.depicts else {},
    )
    session.add(version)
    session.flush()
    settings = studio.settings
    provenance = frame_provenance(
        version_id=version.version_id,
        project=project_row.slug,
        shot=shot.code,
        parent=parent.version_id if parent else None,
        seed=seed,
        backend=backend,
        prompt=spec.prompt,
        negative_prompt=spec.negative_prompt,
        parameters=parameters,
        embed_prompts=settings.embed_prompts,
    )
    marks = FrameMarks(settings.watermark, settings.c2pa, settings.embed_prompts)
    png = mark_frame(
        image,
        provenance,
        version_number=version.id,
        project=project_row.slug,
        marks=marks,
        signer=frame_signer(settings) if marks.c2pa else None,
        ingredients=frame_ingredients(studio, parent, spec),
        keeps_parent_pixels=parameters.get("mode") == "region",
    )
    version.asset_sha256 = studio.assets.put(png)
    session.flush()
    project = session.get(Project, shot.project_id)
    scene = session.get(Scene, shot.scene_id)
    assert project is not None and scene is not None
    quantity, unit, rate = frame_cost(studio.settings, backend.device_class, render_seconds)
    add_entry(
        session,
        project,
        kind="revise" if parent else "render",
        person=actor.person,
        quantity=quantity,
        unit=unit,
        rate=rate,
        currency=studio.settings.currency,
        scene=scene.number,
        shot=shot.code,
        version_id=version.version_id,
        details={"backend": backend.name, "model_id": backend.model_id, "job_id": job_id},
    )
    studio.assets.put_named(
        f"manifests/{version.version_id}.json",
        manifest(
            {"version_id": version.version_id, "shot": shot.code},
            provenance,
            version.asset_sha256,
        ),
    )
    return version


def spec_parameters(spec: FrameSpec, **extra: Any) -> dict[str, Any]:
    """What a child version needs to redraw the same frame with one thing changed."""
    return {
        "framing": spec.framing,
        "angle": spec.angle,
        "time_of_day": spec.time_of_day,
        "characters": [c.name for c in spec.characters],
        "width": spec.width,
        "height": spec.height,
        "depicts": spec.depicts.to_json() if spec.depicts else None,
        **extra,
    }


def render_frame(
    studio: Studio,
    actor: Actor,
    project: str,
    scene: str,
    *,
    shot: str | None = None,
    prompt: str | None = None,
    characters: Sequence[str] | None = None,
    framing: str = "medium",
    angle: str = "eye-level",
    size: tuple[int, int] | None = None,
    seed: int | None = None,
    count: int = 1,
    progress: StepReport | None = None,
    job_id: str | None = None,
    candidates: int = 1,
) -> list[VersionView]:
    """Render new frames of a scene: a new shot, or fresh takes (parentless) of an existing one.

    With `candidates` above 1 each frame is the best of that many takes by continuity score.
    """
    require(actor, "render", "render frames")
    if not 1 <= count <= MAX_FRAMES_PER_REQUEST:
        raise InvalidInput(f"count must be 1–{MAX_FRAMES_PER_REQUEST}, not {count}")
    backend = studio.image_backend()
    if candidates != 1:
        from tools.candidates import check_candidates

        check_candidates(candidates, backend)
    width, height = check_size(*(size or backend.default_size), backend)
    first_seed = check_seed(seed)
    seeds = [(first_seed + n) % SEED_LIMIT for n in range(count)]
    spec, shot_id, reserved = _reserve_shot(
        studio,
        project,
        scene,
        shot,
        prompt or "",
        characters,
        framing,
        angle,
        (width, height),
        job_id,
    )
    fitted, note = backend.fit_prompt(spec.prompt)
    spec = replace(spec, prompt=fitted)
    try:
        made = _render_and_store(
            studio,
            actor,
            backend,
            spec,
            seeds,
            shot_id,
            prompt or "",
            note,
            progress,
            job_id,
            (project, candidates),
        )
    except BaseException:
        if reserved:
            _release_shot(studio, shot_id)
        raise
    return [checked_view(studio, version_id) for version_id in made]


def _render_and_store(
    studio: Studio,
    actor: Actor,
    backend: ImageBackend,
    spec: FrameSpec,
    seeds: list[int],
    shot_id: int,
    words: str,
    note: str | None,
    progress: StepReport | None,
    job_id: str | None,
    choose: tuple[str, int] | None = None,
) -> list[int]:
    """Draw the frames, then store them as versions of the shot in one transaction.

    `choose` is (project, candidates): each frame is then the best of that many takes, and
    its version records every take's continuity score.
    """
    started = time.monotonic()
    takes: list[list[Any]] = [[] for _ in seeds]
    if choose is not None and choose[1] > 1:
        from tools.candidates import best_takes

        images, seeds, takes = best_takes(
            studio, choose[0], backend, spec, seeds, choose[1], progress
        )
    else:
        images = backend.text_to_images([spec] * len(seeds), seeds, progress)
    seconds = time.monotonic() - started
    with studio.transaction() as session:
        shot_row = session.get(Shot, shot_id)
        if shot_row is None:
            raise Conflict(f"shot {spec.shot_code} was removed while rendering; render again")
        versions = [
            store_frame(
                session,
                studio,
                shot=shot_row,
                image=image,
                spec=spec,
                seed=image_seed,
                backend=backend,
                actor=actor,
                render_seconds=seconds / len(seeds),
                parameters=spec_parameters(
                    spec,
                    words=words,
                    render_seconds=round(seconds / len(seeds), 3),
                    **{"notes": [note] if note else [], **_candidates_record(take_scores, note)},
                ),
                job_id=job_id,
            )
            for image, image_seed, take_scores in zip(images, seeds, takes, strict=True)
        ]
        return [v.id for v in versions]


def _candidates_record(takes: Sequence[Any], note: str | None) -> dict[str, Any]:
    """A chosen take's record for its version: every take's scores, and a note saying why."""
    if not takes:
        return {}
    from tools.candidates import describe_choice

    notes = [note] if note else []
    return {"candidates": [t.to_json() for t in takes], "notes": [*notes, describe_choice(takes)]}


def _reserve_shot(
    studio: Studio,
    project: str,
    scene: str,
    shot: str | None,
    words: str,
    characters: Sequence[str] | None,
    framing: str,
    angle: str,
    size: tuple[int, int],
    job_id: str | None = None,
) -> tuple[FrameSpec, int, bool]:
    """The frame's spec and its shot, a new one created now so two renders never share a code.

    Returns (spec, shot id, whether this call created the shot). A clash with a render that took
    the same new code a moment earlier is retried with the next free code. A new shot is noted
    on the job in the same transaction, so a crash before its first version cannot orphan it.
    """
    for _ in range(RESERVE_ATTEMPTS):
        try:
            with studio.transaction() as session:
                record = get_project(session, project)
                scene_row = get_scene(session, record, scene)
                code, existing = _resolve_shot(session, record, scene_row, shot)
                spec = frame_spec(
                    session,
                    record,
                    scene_row,
                    code,
                    words=words,
                    characters=characters,
                    framing=existing.framing if existing and framing == "medium" else framing,
                    angle=existing.angle if existing and angle == "eye-level" else angle,
                    size=size,
                )
                if existing is not None:
                    return spec, existing.id, False
                new = _new_shot(session, record, scene_row, spec, words)
                job = session.get(Job, job_id) if job_id is not None else None
                if job is not None:
                    job.result = {**job.result, "reserved_shot": new.id}
                return spec, new.id, True
        except IntegrityError:
            continue
    raise Conflict(f"scene {scene} is getting new shots faster than codes can be given; retry")


def _release_shot(studio: Studio, shot_id: int) -> None:
    """Remove a shot this render created if the render made no frame for it."""
    with studio.transaction() as session:
        shot = session.get(Shot, shot_id)
        if shot is not None and not versions_of_shot(session, shot):
            session.delete(shot)


def checked_view(studio: Studio, version_id: int) -> VersionView:
    """Check a new version's continuity (every version is checked on creation), then show it."""
    from tools.continuity.check import check_version

    check_version(studio, f"v{version_id}")
    with studio.transaction() as session:
        version = session.get(Version, version_id)
        assert version is not None
        return version_view(session, studio, version)


def _resolve_shot(
    session: Session, project: Project, scene: Scene, code: str | None
) -> tuple[str, Shot | None]:
    """The code to render under and the shot if it already exists (it must be of this scene)."""
    if code is None:
        return next_shot_code(scene.number, _taken_codes(session, project)), None
    code = code.strip().upper()
    if not SHOT_CODE.match(code):
        raise InvalidInput(
            f"shot code {code!r} is not valid: use letters, digits and '-', like 12B"
        )
    try:
        existing = get_shot(session, project, code)
    except NotFound:
        return code, None
    if existing.scene_id != scene.id:
        other = session.get(Scene, existing.scene_id)
        owner = other.number if other else "?"
        raise InvalidInput(f"shot {code} belongs to scene {owner}, not scene {scene.number}")
    return code, existing


def _new_shot(
    session: Session, project: Project, scene: Scene, spec: FrameSpec, words: str
) -> Shot:
    """A new shot row; the unique (project, code) constraint refuses a code taken meanwhile."""
    shot = Shot(
        project_id=project.id,
        scene_id=scene.id,
        code=spec.shot_code,
        description=words or spec.action[:300],
        framing=spec.framing,
        angle=spec.angle,
    )
    session.add(shot)
    session.flush()
    touch_memory(project)
    return shot


def find_version(studio: Studio, version_id: str) -> VersionView:
    """One version by the id people type, as every front end shows it."""
    with studio.transaction() as session:
        return version_view(session, studio, get_version(session, version_id))


def list_versions(studio: Studio, actor: Actor, project: str, shot: str) -> list[VersionView]:
    """A shot's versions, oldest first; an unknown shot is an error naming the known ones."""
    require(actor, "read", "read versions")
    with studio.transaction() as session:
        shot_row = get_shot(session, get_project(session, project), shot)
        return [version_view(session, studio, v) for v in versions_of_shot(session, shot_row)]
