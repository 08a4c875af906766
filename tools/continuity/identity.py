"""Who is in a frame: each detected face matched to one of the characters the shot expects.

Matching is an optimal assignment (Hungarian method), not greedy: with two actors who look alike,
taking the closest pair first can leave the other face with the wrong name. A pair farther apart
than the threshold costs more than any set of real matches, so the assignment first maximises how
many faces are recognised and only then minimises the distances. A character's distance to a face
is the smallest over their reference images (each is a different angle or light on the same face).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from core.errors import InvalidInput
from memory.records import Project
from memory.store import get_character
from tools.continuity.faces import DEFAULT_THRESHOLD, Box, Face

DRIFT_BAND = 0.1
"""Distances within this much under the threshold still match, but are reported as drift."""

_UNMATCHABLE = 1e6
"""The cost of pairing a face with a character it is too far from: more than all real pairs."""

MATCH, DRIFT, UNKNOWN_FACE = "match", "drift", "unknown_face"


@dataclass(frozen=True)
class CharacterReferences:
    """A character expected in a shot and the embeddings of their reference faces (maybe none)."""

    name: str
    embeddings: tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class FaceVerdict:
    """One face of the frame: whose it is (or whose it is closest to) and how sure we are."""

    box: Box
    verdict: str
    character: str | None
    distance: float | None
    nearest: str | None

    def to_json(self) -> dict[str, Any]:
        """The face as continuity reports show it."""
        return {
            "box": list(self.box),
            "verdict": self.verdict,
            "character": self.character,
            "distance": self.distance,
            "nearest": self.nearest,
        }


@dataclass(frozen=True)
class IdentityMatch:
    """Every face with its verdict, and the expected characters that no face belongs to."""

    threshold: float
    drift_below: float
    faces: list[FaceVerdict]
    missing: list[str]
    without_references: list[str]

    def to_json(self) -> dict[str, Any]:
        """The identity part of a continuity report."""
        return {
            "threshold": self.threshold,
            "drift_below": self.drift_below,
            "faces": [face.to_json() for face in self.faces],
            "missing": self.missing,
            "without_references": self.without_references,
        }


def check_threshold(threshold: float, drift_band: float) -> None:
    """A threshold and drift band a person can mean: finite, ≥ 0, the band inside the threshold."""
    if not (math.isfinite(threshold) and threshold >= 0):
        raise InvalidInput(f"the face threshold must be a number ≥ 0, not {threshold}")
    if not (math.isfinite(drift_band) and 0 <= drift_band <= threshold):
        raise InvalidInput(
            f"the drift band must be between 0 and the threshold {threshold}, not {drift_band}"
        )


def references_for(
    session: Session, project: Project, names: Sequence[str]
) -> list[CharacterReferences]:
    """The named characters (unknown names are an error) with their stored reference embeddings."""
    characters = {}
    for name in names:
        character = get_character(session, project, name)
        characters.setdefault(character.id, character)
    return [
        CharacterReferences(
            name=character.name,
            embeddings=tuple(
                tuple(float(v) for v in reference.embedding)
                for reference in character.references
                if reference.embedding
            ),
        )
        for character in characters.values()
    ]


def match_faces(
    faces: Sequence[Face],
    expected: Sequence[CharacterReferences],
    threshold: float = DEFAULT_THRESHOLD,
    drift_band: float = DRIFT_BAND,
) -> IdentityMatch:
    """Assign the frame's faces to the expected characters and give each face its verdict."""
    check_threshold(threshold, drift_band)
    drift_below = round(threshold - drift_band, 6)
    known = [c for c in expected if c.embeddings]
    distances = np.full((len(faces), len(known)), np.inf)
    for i, face in enumerate(faces):
        probe = np.asarray(face.embedding, dtype=np.float64)
        for j, character in enumerate(known):
            gaps = np.asarray(character.embeddings, dtype=np.float64) - probe
            # Rounded before judging so the stored distance and verdict always agree.
            distances[i, j] = round(float(np.min(np.linalg.norm(gaps, axis=1))), 6)
    assigned: dict[int, int] = {}
    if faces and known:
        # scipy.optimize takes ~0.4 s to import: only the checks that match faces pay for it.
        from scipy.optimize import linear_sum_assignment

        cost = np.where(distances <= threshold, distances, _UNMATCHABLE)
        rows, columns = linear_sum_assignment(cost)
        assigned = {
            int(i): int(j)
            for i, j in zip(rows, columns, strict=True)
            if distances[i, j] <= threshold
        }
    verdicts = []
    for i, face in enumerate(faces):
        nearest = int(np.argmin(distances[i])) if known else None
        if i in assigned:
            j = assigned[i]
            distance = float(distances[i, j])
            verdict = MATCH if distance <= drift_below else DRIFT
            verdicts.append(FaceVerdict(face.box, verdict, known[j].name, distance, known[j].name))
        else:
            distance = float(distances[i, nearest]) if nearest is not None else None
            name = known[nearest].name if nearest is not None else None
            verdicts.append(FaceVerdict(face.box, UNKNOWN_FACE, None, distance, name))
    found = {known[j].name for j in assigned.values()}
    return IdentityMatch(
        threshold=threshold,
        drift_below=drift_below,
        faces=verdicts,
        missing=[c.name for c in known if c.name not in found],
        without_references=[c.name for c in expected if not c.embeddings],
    )
