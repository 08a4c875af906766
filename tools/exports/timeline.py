"""The storyboard as an OpenTimelineIO timeline: an animatic editors can open and recut.

One video track, one clip per shot in script order, each holding its frame (a still) for the
shot's share of the scene's length (the rule in `tools.exports`). Continuity failures and frames
drawn from an older draft carry markers. `.otio` is written with OTIO's JSON adapter; `.otioz`
and `.otiod` bundle the frames too. EDL (`cmx_3600`) and FCP XML (`fcp_xml`) are written only
where their adapter plugins are installed; the default install has neither.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import opentimelineio as otio

from core.errors import InvalidInput
from tools.context import Actor, Studio
from tools.exports import FPS, START_TIMECODE_FRAMES, Board, BoardShot, read_board, staged

ADAPTERS = {
    ".otio": "otio_json",
    ".otioz": "otioz",
    ".otiod": "otiod",
    ".edl": "cmx_3600",
    ".xml": "fcp_xml",
}


def _range(start: int, frames: int) -> otio.opentime.TimeRange:
    return otio.opentime.TimeRange(
        otio.opentime.RationalTime(start, FPS), otio.opentime.RationalTime(frames, FPS)
    )


def _markers(shot: BoardShot) -> list[otio.schema.Marker]:
    """A red marker for a failed continuity check, a yellow one for a stale frame."""
    whole = _range(0, shot.frames)
    markers = []
    if shot.continuity == "fail":
        markers.append(
            otio.schema.Marker(
                name=f"{shot.code}: continuity fail",
                marked_range=whole,
                color=otio.schema.MarkerColor.RED,
                comment=shot.continuity_summary or "the continuity check failed",
                metadata={"frameline": {"issue": "continuity", "version_id": shot.version_id}},
            )
        )
    if shot.stale:
        markers.append(
            otio.schema.Marker(
                name=f"{shot.code}: stale",
                marked_range=whole,
                color=otio.schema.MarkerColor.YELLOW,
                comment="the scene changed in the script since this frame was drawn",
                metadata={"frameline": {"issue": "stale", "version_id": shot.version_id}},
            )
        )
    return markers


def _clip(shot: BoardShot) -> otio.schema.Clip:
    available = _range(0, shot.frames)
    reference: otio.core.MediaReference
    if shot.image_path is not None:
        reference = otio.schema.ExternalReference(
            target_url=shot.image_path.as_uri(), available_range=available
        )
    else:
        reference = otio.schema.MissingReference(available_range=available)
    clip = otio.schema.Clip(
        name=shot.code,
        media_reference=reference,
        source_range=available,
        metadata={
            "frameline": {
                "scene": shot.scene,
                "shot": shot.code,
                "version_id": shot.version_id,
                "status": shot.status,
                "continuity": shot.continuity,
                "stale": shot.stale,
                "caption": shot.description,
                "dialogue": list(shot.dialogue),
                "sha256": shot.sha256,
            }
        },
    )
    clip.markers.extend(_markers(shot))
    return clip


def build_timeline(board: Board) -> otio.schema.Timeline:
    """The board as a timeline starting at 01:00:00:00."""
    timeline = otio.schema.Timeline(
        name=f"{board.title} — storyboard",
        global_start_time=otio.opentime.RationalTime(START_TIMECODE_FRAMES, FPS),
        metadata={
            "frameline": {
                "project": board.project,
                "made_at": board.made_at.isoformat(),
                "timing": "1 page ≈ 60 s at 24 fps; a scene's length split evenly among its shots",
                "note": "" if board.has_frames else "no frames have been rendered yet",
            }
        },
    )
    track = otio.schema.Track(name="Storyboard", kind=otio.schema.TrackKind.Video)
    track.extend(_clip(shot) for shot in board.shots)
    timeline.tracks.append(track)
    return timeline


def adapter_for(out: Path) -> str:
    """The OTIO adapter a file name asks for; a missing plugin is an error naming the ones here."""
    adapter = ADAPTERS.get(out.suffix.lower(), "otio_json")
    available = otio.adapters.available_adapter_names()
    if adapter not in available:
        raise InvalidInput(
            f"{out.name}: the OTIO adapter {adapter} is not installed; this install writes "
            f"{', '.join(sorted(available))} (use .otio)"
        )
    return adapter


def write_timeline(studio: Studio, actor: Actor, project: str, out: Path) -> dict[str, Any]:
    """Write the project's animatic timeline to `out` in the format its suffix names."""
    adapter = adapter_for(out)
    board = read_board(studio, actor, project)
    timeline = build_timeline(board)
    with staged(out) as temporary:
        otio.adapters.write_to_file(timeline, str(temporary), adapter_name=adapter)
    return {
        "format": "otio",
        "adapter": adapter,
        "path": str(out.resolve()),
        "clips": len(board.shots),
        "markers": sum(len(clip.markers) for clip in timeline.find_clips()),
        "duration": otio.opentime.to_timecode(timeline.duration(), FPS),
        "bytes": out.stat().st_size,
    }
