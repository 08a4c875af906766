"""Consistency as a choice among takes: on backends that draw faces, `render --candidates N`
makes N takes of a frame and keeps the one whose identity and look checks score best against the
characters' reference faces and the story day's approved looks, recording every take's score.

A take's score is the mean face distance of the expected characters who have references (a
character no face matches counts as the threshold's double), plus a hundredth of the mean ΔE
of their wardrobe against the day's first approved look. Lower is better; the first take wins
a tie, so a production without references keeps what a plain render would have made.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from PIL import Image
from sqlalchemy.orm import Session

from core.errors import FramelineError, InvalidInput
from memory.records import Project, Scene
from memory.store import get_project, get_scene, list_characters
from tools.backends.base import FrameSpec, ImageBackend, Progress
from tools.context import Studio
from tools.continuity.check import day_baselines
from tools.continuity.faces import detect_faces
from tools.continuity.identity import DRIFT_BAND, CharacterReferences, match_faces, references_for
from tools.continuity.look import (
    PaletteColour,
    dominant_colours,
    palette_difference,
    region_below_face,
)

MAX_CANDIDATES = 8
SEED_LIMIT = 2**31
LOOK_WEIGHT = 0.01
"""ΔE counts a hundredth of a face distance: identity decides, the wardrobe breaks near-ties."""


@dataclass(frozen=True)
class TakeScore:
    """How one take scored: lower is better; None where nothing could be checked."""

    seed: int
    score: float | None
    identity: dict[str, float | None]
    """Per expected character with references: the distance of their face (None: not found)."""
    look: dict[str, float]
    """Per recognised character with an approved look that day: the ΔE from it."""
    kept: bool = False

    def to_json(self) -> dict[str, Any]:
        """The take as a version's `candidates` record shows it."""
        return {
            "seed": self.seed,
            "score": None if self.score is None else round(self.score, 6),
            "identity": {k: None if v is None else round(v, 6) for k, v in self.identity.items()},
            "look": {k: round(v, 3) for k, v in self.look.items()},
            "kept": self.kept,
        }


def check_candidates(candidates: int, backend: ImageBackend) -> int:
    """A number of takes a backend can be chosen among: 1–8, and more than one only where the
    frames have faces to check (previz panels have none)."""
    if not 1 <= candidates <= MAX_CANDIDATES:
        raise InvalidInput(f"candidates must be 1–{MAX_CANDIDATES}, not {candidates}")
    if candidates > 1 and backend.name == "previz":
        raise InvalidInput(
            "--candidates chooses among takes by their faces; previz panels have none. "
            "Use the diffusers or bedrock backend (FRAMELINE_IMAGE_BACKEND), or leave it out"
        )
    return candidates


def best_takes(
    studio: Studio,
    project: str,
    backend: ImageBackend,
    spec: FrameSpec,
    seeds: Sequence[int],
    candidates: int,
    progress: Progress | None = None,
) -> tuple[list[Image.Image], list[int], list[list[TakeScore]]]:
    """For each frame asked for (one per seed), `candidates` takes and the best of them.

    Returns the kept images, their seeds, and every frame's scored takes (the kept one marked).
    Take k of frame n uses seed `seeds[n] + k * len(seeds)`, so all takes differ.
    """
    names = [c.name for c in spec.depicts.characters] if spec.depicts else []
    names = names or [c.name for c in spec.characters]
    expected, baselines = _expectations(studio, project, spec.scene_number, names)
    threshold = float(studio.settings.face_threshold)
    kept_images: list[Image.Image] = []
    kept_seeds: list[int] = []
    records: list[list[TakeScore]] = []
    for seed in seeds:
        take_seeds = [(seed + k * len(seeds)) % SEED_LIMIT for k in range(candidates)]
        images = backend.text_to_images([spec] * candidates, take_seeds, progress)
        scores = [
            _score(image, take_seed, expected, baselines, threshold)
            for image, take_seed in zip(images, take_seeds, strict=True)
        ]
        best = _best(scores)
        scores[best] = replace(scores[best], kept=True)
        kept_images.append(images[best])
        kept_seeds.append(take_seeds[best])
        records.append(scores)
    return kept_images, kept_seeds, records


def describe_choice(takes: Sequence[TakeScore]) -> str:
    """One line for the version's notes: which take was kept and why."""
    kept = next(i for i, take in enumerate(takes) if take.kept)
    scored = [t.score for t in takes if t.score is not None]
    if not scored:
        return (
            f"kept take {kept + 1} of {len(takes)} (seed {takes[kept].seed}): no reference faces "
            "or approved looks to compare takes with"
        )
    scores = ", ".join("—" if t.score is None else f"{t.score:.3f}" for t in takes)
    return (
        f"kept take {kept + 1} of {len(takes)} (seed {takes[kept].seed}), best continuity score "
        f"(lower is better): {scores}"
    )


def _best(scores: Sequence[TakeScore]) -> int:
    """The take with the lowest score; unscored takes rank last, ties go to the earlier take."""
    ranked = sorted(
        range(len(scores)),
        key=lambda i: (scores[i].score is None, scores[i].score or 0.0, i),
    )
    return ranked[0]


def _score(
    image: Image.Image,
    seed: int,
    expected: Sequence[CharacterReferences],
    baselines: dict[str, list[PaletteColour]],
    threshold: float,
) -> TakeScore:
    """A take's identity distances and look differences, and the score they add up to."""
    checked = [c for c in expected if c.embeddings]
    if not checked and not baselines:
        return TakeScore(seed, None, {}, {})
    pixels = np.ascontiguousarray(np.asarray(image.convert("RGB"), dtype=np.uint8))
    try:
        faces = detect_faces(pixels)
        match = match_faces(faces, expected, threshold, DRIFT_BAND)
    except FramelineError:
        return TakeScore(seed, None, {}, {})
    found = {face.character: face for face in match.faces if face.character}
    identity: dict[str, float | None] = {
        c.name: (found[c.name].distance if c.name in found else None) for c in checked
    }
    height, width = pixels.shape[:2]
    look: dict[str, float] = {}
    for name, face in found.items():
        region = region_below_face(face.box, width, height)
        if name in baselines and region is not None:
            look[name] = palette_difference(baselines[name], dominant_colours(pixels, region))
    parts = [2 * threshold if d is None else d for d in identity.values()]
    score = (sum(parts) / len(parts) if parts else 0.0) + (
        LOOK_WEIGHT * sum(look.values()) / len(look) if look else 0.0
    )
    return TakeScore(seed, score, identity, look)


def _expectations(
    studio: Studio, project: str, scene_number: str, names: Sequence[str]
) -> tuple[list[CharacterReferences], dict[str, list[PaletteColour]]]:
    """The characters' reference faces and, per character, the look the story day's first
    approved frame recorded for them."""
    with studio.transaction() as session:
        record = get_project(session, project)
        scene = get_scene(session, record, scene_number)
        known = {
            alias.upper(): c.name
            for c in list_characters(session, record)
            for alias in (c.name, *c.aliases)
        }
        cast = list(dict.fromkeys(known[n.upper()] for n in names if n.upper() in known))
        return references_for(session, record, cast), _approved_looks(session, record, scene)


def _approved_looks(
    session: Session, project: Project, scene: Scene
) -> dict[str, list[PaletteColour]]:
    """Per character, the palette the continuity check holds this story day's frames to."""
    baselines, _ = day_baselines(session, project, scene)
    return {
        name: [PaletteColour.from_json(colour) for colour in baseline["palette"]]
        for name, baseline in baselines.items()
    }
