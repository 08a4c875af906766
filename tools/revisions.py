"""Revising a frame: a child version that changes what the director asked for and nothing else.

Region edits are exact whatever the backend: inpainting pipelines repaint pixels outside their
mask (the VAE round trip), so the edited pixels are composited back into the parent with a
feathered edge that stays inside the region, and every pixel outside it is the parent's own.
"""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from PIL import Image
from sqlalchemy.orm import Session

from core.errors import Conflict, InvalidInput
from memory.records import Project, Scene, Shot, Version
from memory.store import get_version
from tools.backends.base import Depiction
from tools.camera_words import angle_named, framing_named, lens_named
from tools.context import Actor, Studio, require
from tools.depiction import apply_words
from tools.frames import (
    StepReport,
    VersionView,
    check_seed,
    checked_view,
    spec_parameters,
    store_frame,
)
from tools.prompting import cast_in_frame, cast_looks, frame_spec, shot_depiction

Box = tuple[int, int, int, int]

TIMES = {
    "dawn": "DAWN",
    "sunrise": "DAWN",
    "first light": "DAWN",
    "morning": "MORNING",
    "daytime": "DAY",
    "day": "DAY",
    "noon": "DAY",
    "midday": "DAY",
    "afternoon": "AFTERNOON",
    "golden hour": "DUSK",
    "magic hour": "DUSK",
    "sunset": "DUSK",
    "dusk": "DUSK",
    "evening": "EVENING",
    "night": "NIGHT",
    "nighttime": "NIGHT",
    "midnight": "NIGHT",
}
KEEP = re.compile(
    r"\bkeep(?:ing)?\s+([A-Za-z][\w .'-]*?)'s\s+(face|look|costume|wardrobe|hair)", re.I
)

# Named regions as fractions of the frame (x0, y0, x1, y1).
REGIONS = {
    "left third": (0.0, 0.0, 1 / 3, 1.0),
    "centre third": (1 / 3, 0.0, 2 / 3, 1.0),
    "center third": (1 / 3, 0.0, 2 / 3, 1.0),
    "middle third": (1 / 3, 0.0, 2 / 3, 1.0),
    "right third": (2 / 3, 0.0, 1.0, 1.0),
    "left half": (0.0, 0.0, 0.5, 1.0),
    "right half": (0.5, 0.0, 1.0, 1.0),
    "top half": (0.0, 0.0, 1.0, 0.5),
    "bottom half": (0.0, 0.5, 1.0, 1.0),
    "sky": (0.0, 0.0, 1.0, 0.38),
    "background": (0.0, 0.0, 1.0, 0.55),
    "foreground": (0.0, 0.62, 1.0, 1.0),
}
DEFAULT_STRENGTH = 0.6
RECOMPOSE_STRENGTH = 0.8


@dataclass
class RevisionPlan:
    """What an instruction asks for, in the terms the tools understand."""

    time_of_day: str | None = None
    framing: str | None = None
    angle: str | None = None
    lens: str | None = None
    keep: list[str] = field(default_factory=list)
    region_name: str | None = None
    words: str = ""


def plan_revision(instruction: str) -> RevisionPlan:
    """Read the camera, lens, time-of-day and region vocabulary out of a director's words."""
    text = instruction.strip()
    if not text:
        raise InvalidInput("the revision instruction is empty; say what to change")
    lowered = text.lower()
    plan = RevisionPlan(words=text)
    for word in sorted(TIMES, key=len, reverse=True):
        if re.search(rf"\b{word}\b", lowered):
            plan.time_of_day = TIMES[word]
            break
    plan.framing = framing_named(text)
    plan.angle = angle_named(text)
    if lens := lens_named(text):
        plan.lens = f"{lens} lens"
    plan.keep = [f"{name.strip().upper()} {part.lower()}" for name, part in KEEP.findall(text)]
    for name in sorted(REGIONS, key=len, reverse=True):
        if re.search(rf"\b{name}\b", lowered):
            plan.region_name = name
            break
    return plan


def region_box(region: str | Box, width: int, height: int) -> Box:
    """A pixel box (X1, Y1 exclusive) from a box or a named region; it must lie in the frame."""
    if isinstance(region, str):
        name = " ".join(region.lower().split())
        if name not in REGIONS:
            raise InvalidInput(f"unknown region {region!r}; named regions are {', '.join(REGIONS)}")
        fx0, fy0, fx1, fy1 = REGIONS[name]
        return round(fx0 * width), round(fy0 * height), round(fx1 * width), round(fy1 * height)
    x0, y0, x1, y1 = region
    if x1 <= x0 or y1 <= y0:
        raise InvalidInput(f"region {x0},{y0},{x1},{y1} is empty")
    if x0 < 0 or y0 < 0 or x1 > width or y1 > height:
        raise InvalidInput(
            f"region {x0},{y0},{x1},{y1} is outside the {width}×{height} frame "
            f"(X1 and Y1 are exclusive, at most {width},{height})"
        )
    return x0, y0, x1, y1


def parse_box(text: str) -> Box:
    """`X0,Y0,X1,Y1` in integer pixels."""
    parts = text.split(",")
    if len(parts) != 4 or not all(p.strip().lstrip("-").isdigit() for p in parts):
        raise InvalidInput(f"region {text!r} must be four integers X0,Y0,X1,Y1")
    x0, y0, x1, y1 = (int(p) for p in parts)
    return x0, y0, x1, y1


def region_mask(size: tuple[int, int], box: Box) -> Image.Image:
    """White inside the box, black outside: what inpainting repaints."""
    mask = Image.new("L", size, 0)
    mask.paste(255, box)
    return mask


def composite_inside(parent: Image.Image, edited: Image.Image, box: Box) -> Image.Image:
    """Blend the edit into the box with no seam; every pixel outside the box stays the parent's.

    The edit fades in over a band inside the box (a fifth of its shorter side, up to 48 px) on
    a smoothstep that starts at almost nothing on the box's own edge, so the step across the
    edge is the parent's own and no step in the band is steeper than the change spread over it.
    """
    x0, y0, x1, y1 = box
    base = np.asarray(parent.convert("RGB"), dtype=np.uint8).copy()
    patch = np.asarray(edited.convert("RGB").resize(parent.size), dtype=np.float32)[y0:y1, x0:x1]
    width, height = x1 - x0, y1 - y0
    feather = max(1.0, min(48.0, width / 5, height / 5))
    ys = np.arange(height, dtype=np.float32)
    xs = np.arange(width, dtype=np.float32)
    # distance of each pixel's centre from the box's edge: half a pixel on its outermost ones
    edge = np.minimum.outer(np.minimum(ys, height - 1 - ys), np.minimum(xs, width - 1 - xs)) + 0.5
    ramp = np.clip(edge / feather, 0.0, 1.0)
    alpha = (ramp * ramp * (3.0 - 2.0 * ramp))[..., None]
    inside = base[y0:y1, x0:x1].astype(np.float32)
    base[y0:y1, x0:x1] = np.round(alpha * patch + (1.0 - alpha) * inside).astype(np.uint8)
    return Image.fromarray(base, "RGB")


def revised_depiction(
    session: Session, project: Project, scene: Scene, parent: Version, instruction: str
) -> Depiction:
    """The parent's shot description changed by the instruction (built from the scene first
    for a parent stored before versions kept one)."""
    before: dict[str, Any] = dict(parent.parameters)
    if parent.depicts:
        start = Depiction.from_json(parent.depicts)
    else:
        start = shot_depiction(
            session,
            project,
            scene,
            cast_in_frame(session, project, scene, before.get("characters") or None),
            words=before.get("words", ""),
            framing=before.get("framing", "medium"),
            angle=before.get("angle", "eye-level"),
            time_of_day=before.get("time_of_day"),
        )
    return apply_words(
        start, instruction, cast_looks(session, project, scene.contents.get("looks"))
    )


def revise_frame(
    studio: Studio,
    actor: Actor,
    version_id: str,
    instruction: str,
    *,
    region: str | Box | None = None,
    strength: float | None = None,
    seed: int | None = None,
    progress: StepReport | None = None,
    job_id: str | None = None,
) -> VersionView:
    """A child version of a frame; the parent is never touched and stays in the history."""
    require(actor, "revise", "revise frames")
    plan = plan_revision(instruction)
    if strength is not None and not 0.0 < strength <= 1.0:
        raise InvalidInput(f"strength must be above 0 and at most 1, not {strength}")
    backend = studio.image_backend()
    child_seed = check_seed(seed)
    with studio.transaction() as session:
        parent = get_version(session, version_id)
        if parent.status == "locked":
            raise Conflict(
                f"{parent.version_id} is locked; render a new take of its shot instead of revising"
            )
        shot = session.get(Shot, parent.shot_id)
        assert shot is not None
        scene = session.get(Scene, shot.scene_id)
        assert scene is not None
        project = session.get(Project, shot.project_id)
        assert project is not None
        before: dict[str, Any] = dict(parent.parameters)
        box = None
        chosen = region if region is not None else plan.region_name
        if chosen is not None:
            box = region_box(chosen, parent.width, parent.height)
        words = " ".join(p for p in (before.get("words", ""), plan.words) if p)
        extras = [f"keep {k}" for k in plan.keep]
        depicts = revised_depiction(session, project, scene, parent, instruction)
        spec = frame_spec(
            session,
            project,
            scene,
            shot.code,
            words=" ".join([words, *extras]).strip(),
            characters=[f.name for f in depicts.characters] or before.get("characters") or None,
            framing=depicts.framing,
            angle=depicts.angle,
            time_of_day=plan.time_of_day or before.get("time_of_day"),
            size=(parent.width, parent.height),
            depicts=depicts,
        )
        parent_png = studio.assets.read(parent.asset_sha256)
        parent_id = parent.id
    parent_image = Image.open(io.BytesIO(parent_png)).convert("RGB")
    fitted, note = backend.fit_prompt(spec.prompt)
    spec = replace(spec, prompt=fitted)
    recompose = bool(plan.framing or plan.angle)
    # Previz has no partial denoising: a global change is a clean redraw unless asked otherwise.
    default = 1.0 if backend.name == "previz" else DEFAULT_STRENGTH
    used_strength = strength or (RECOMPOSE_STRENGTH if recompose and default < 1 else default)
    started = time.monotonic()
    if box is not None:
        edited = backend.inpaint(
            parent_image, region_mask(parent_image.size, box), spec, child_seed, progress
        )
        image = composite_inside(parent_image, edited, box)
        mode = "region"
    else:
        image = backend.image_to_image(parent_image, spec, used_strength, child_seed, progress)
        image = (
            image.convert("RGB").resize(parent_image.size)
            if image.size != parent_image.size
            else image
        )
        mode = "global"
    seconds = time.monotonic() - started
    with studio.transaction() as session:
        parent = session.get(Version, parent_id)
        assert parent is not None
        if parent.status == "locked":
            raise Conflict(f"{parent.version_id} was locked while it was being revised")
        shot = session.get(Shot, parent.shot_id)
        assert shot is not None
        child = store_frame(
            session,
            studio,
            shot=shot,
            image=image,
            spec=spec,
            seed=child_seed,
            backend=backend,
            actor=actor,
            render_seconds=seconds,
            parent=parent,
            parameters=spec_parameters(
                spec,
                words=words,
                instruction=instruction,
                mode=mode,
                region=list(box) if box else None,
                strength=None if box else used_strength,
                keep=plan.keep,
                render_seconds=round(seconds, 3),
                notes=[note] if note else [],
            ),
            job_id=job_id,
        )
        child_id = child.id
    return checked_view(studio, child_id)
