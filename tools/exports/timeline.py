"""The storyboard as an editorial timeline: an animatic editors can open and recut.

One video track, one clip per shot in script order, named by its shot code and holding its frame
(a still) for the shot's length (the rule in `tools.exports`). Continuity failures, frames drawn
from an older draft and people's notes are markers whose names say what is wrong, since EDL and
FCP XML keep a marker's name but drop its comment.

Every format is written by OpenTimelineIO's own adapter (`otio_json`, `otioz`, `cmx_3600`,
`fcp_xml`, `fcpx_xml`, `AAF`). Media references are relative to the export: the frames are
copied into a folder beside it (`cut.edl` → `cut_media/1A_v3.png`), or bundled inside `.otioz`,
so the cut opens on an editor's machine wherever the folder lands. AAF carries no markers (the
AAF adapter writes none); its clips carry the notes as AAF user comments instead.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any

import opentimelineio as otio

from core.errors import BackendUnavailable, InvalidInput
from tools.context import Actor, Studio
from tools.exports import FPS, START_TIMECODE_FRAMES, Board, BoardShot, read_board, staged

ADAPTERS = {
    "otio": "otio_json",
    "otioz": "otioz",
    "edl": "cmx_3600",
    "fcp7xml": "fcp_xml",
    "fcpx": "fcpx_xml",
    "aaf": "AAF",
}
"""Frameline's format names and the OTIO adapter that writes each."""

MOB_NAMESPACE = uuid.UUID("6f1c3b52-4a7e-4c1e-9d3f-2b8e5a1c7d90")
"""AAF mob ids are drawn from the frame's digest, so the same frame has the same id each time."""


def _range(start: int, frames: int) -> otio.opentime.TimeRange:
    return otio.opentime.TimeRange(
        otio.opentime.RationalTime(start, FPS), otio.opentime.RationalTime(frames, FPS)
    )


def _marker(
    shot: BoardShot, name: str, colour: str, comment: str, issue: str
) -> otio.schema.Marker:
    return otio.schema.Marker(
        name=" ".join(name.split()),
        marked_range=_range(0, 1),
        color=colour,
        comment=comment,
        metadata={"frameline": {"issue": issue, "version_id": shot.version_id}},
    )


def shot_markers(shot: BoardShot) -> list[otio.schema.Marker]:
    """Red for a failed continuity check, yellow for a stale frame, blue for each note."""
    markers = []
    if shot.continuity == "fail":
        reason = shot.continuity_summary or "the continuity check failed"
        markers.append(
            _marker(
                shot,
                f"{shot.code} continuity fail: {reason}",
                otio.schema.MarkerColor.RED,
                reason,
                "continuity",
            )
        )
    if shot.stale:
        reason = "the scene changed in the script since this frame was drawn"
        name = f"{shot.code} stale: {reason}"
        markers.append(_marker(shot, name, otio.schema.MarkerColor.YELLOW, reason, "stale"))
    for note in shot.notes:
        markers.append(
            _marker(shot, f"{shot.code} note: {note}", otio.schema.MarkerColor.BLUE, note, "note")
        )
    return markers


def media_name(shot: BoardShot) -> str:
    """The frame's file name in the media folder: shot code and version, `1A_v3.png`."""
    return f"{shot.code}_{shot.version_id}.png"


def _clip(shot: BoardShot, target_url: str | None) -> otio.schema.Clip:
    available = _range(0, shot.frames)
    reference: otio.core.MediaReference
    if target_url is not None:
        reference = otio.schema.ExternalReference(target_url=target_url, available_range=available)
    else:
        reference = otio.schema.MissingReference(available_range=available)
    metadata: dict[str, Any] = {
        "frameline": {
            "scene": shot.scene,
            "shot": shot.code,
            "version_id": shot.version_id,
            "status": shot.status,
            "continuity": shot.continuity,
            "stale": shot.stale,
            "caption": shot.description,
            "dialogue": list(shot.dialogue),
            "notes": list(shot.notes),
            "sha256": shot.sha256,
        }
    }
    if shot.sha256:
        mob = uuid.uuid5(MOB_NAMESPACE, shot.sha256)
        metadata["AAF"] = {
            "MobID": f"urn:smpte:umid:060a2b34.01010105.01010f20.13000000.{_umid(mob)}",
            "UserComments": {
                "Shot": shot.code,
                "Version": shot.version_id or "",
                "Notes": "; ".join(m.name for m in shot_markers(shot)),
            },
        }
    clip = otio.schema.Clip(
        name=shot.code, media_reference=reference, source_range=available, metadata=metadata
    )
    clip.markers.extend(shot_markers(shot))
    return clip


def _umid(material: uuid.UUID) -> str:
    """A UUID as the last four groups of an AAF UMID string."""
    text = material.hex
    return ".".join(text[i : i + 8] for i in range(0, 32, 8))


def build_timeline(board: Board, media: dict[str, str] | None = None) -> otio.schema.Timeline:
    """The board as a timeline starting at 01:00:00:00; `media` maps shot code → media URL."""
    media = media or {}
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
    track.extend(_clip(shot, media.get(shot.code)) for shot in board.shots)
    timeline.tracks.append(track)
    return timeline


def adapter_for(format: str) -> str:
    """The OTIO adapter of a Frameline format; a missing plugin is an error naming the fix."""
    adapter = ADAPTERS.get(format)
    if adapter is None:
        raise InvalidInput(f"{format!r} is no timeline format; they are {', '.join(ADAPTERS)}")
    if adapter not in otio.adapters.available_adapter_names():
        raise BackendUnavailable(
            f"the OpenTimelineIO adapter {adapter} for {format} is not installed; "
            "reinstall Frameline (pip install -e .) to get its otio-*-adapter dependencies"
        )
    return adapter


def media_folder(out: Path) -> Path:
    """The folder beside an export that holds its frames: `cut.edl` → `cut_media/`."""
    return out.with_name(f"{out.stem}_media")


def _copy_frames(board: Board, folder: Path) -> dict[str, str]:
    """Copy each chosen frame into `folder`; map shot code → URL relative to the export."""
    media = {}
    for shot in board.shots:
        if shot.image_path is None or not shot.image_path.is_file():
            continue
        folder.mkdir(exist_ok=True)
        target = folder / media_name(shot)
        if not target.is_file() or target.stat().st_size != shot.image_path.stat().st_size:
            shutil.copyfile(shot.image_path, target)
        media[shot.code] = f"{folder.name}/{target.name}"
    return media


def write_timeline(
    studio: Studio,
    actor: Actor,
    project: str,
    out: Path,
    format: str = "otio",
    durations: dict[str, float] | None = None,
) -> dict[str, Any]:
    """Write the project's timeline to `out` with the adapter of `format`, frames beside it."""
    adapter = adapter_for(format)
    board = read_board(studio, actor, project, durations)
    folder: Path | None = None
    if format == "otioz":
        # The otioz adapter bundles files it can open and rewrites their URLs relative.
        media = {s.code: s.image_path.as_uri() for s in board.shots if s.image_path is not None}
    else:
        folder = media_folder(out)
        media = _copy_frames(board, folder)
    timeline = build_timeline(board, media)
    options: dict[str, Any] = {}
    if adapter == "AAF":
        options["use_empty_mob_ids"] = True  # only for a shot with no frame yet
    with staged(out) as temporary:
        otio.adapters.write_to_file(timeline, str(temporary), adapter_name=adapter, **options)
    return {
        "format": format,
        "adapter": adapter,
        "path": str(out.resolve()),
        "media": str(folder.resolve()) if folder is not None and media else None,
        "clips": len(board.shots),
        "markers": sum(len(clip.markers) for clip in timeline.find_clips()),
        "duration": otio.opentime.to_timecode(timeline.duration(), FPS),
        "bytes": out.stat().st_size,
    }
