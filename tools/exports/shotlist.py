"""The shot list as CSV: one row per shot in script order, for ADs, schedulers and spreadsheets.

Record in/out use the animatic's timing (see `tools.exports`), so the list and the OTIO timeline
agree frame for frame. UTF-8 with a header row; a project with no shots has the header alone.
Cells that a spreadsheet would run as a formula are neutralised (`tools.exports.spreadsheet`).
Framing, angle, lens and the cast in frame come from the version's shot description where it
has one, else from the shot and the scene.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from tools.context import Actor, Studio
from tools.exports import FPS, Board, read_board, staged, timecode
from tools.exports.spreadsheet import safe_row

COLUMNS = (
    "scene",
    "heading",
    "int_ext",
    "location",
    "time_of_day",
    "story_day",
    "shot",
    "version_id",
    "status",
    "continuity",
    "stale",
    "framing",
    "angle",
    "lens",
    "cast",
    "caption",
    "dialogue",
    "record_in",
    "record_out",
    "frames",
    "seconds",
    "duration",
    "continuity_notes",
    "notes",
    "takes",
    "width",
    "height",
    "backend",
    "seed",
    "image_path",
    "created_by",
    "created_at",
)


def shot_rows(board: Board) -> list[dict[str, Any]]:
    """The shot list's rows, keyed by COLUMNS."""
    rows = []
    for scene in board.scenes:
        for shot in scene.shots:
            rows.append(
                {
                    "scene": scene.number,
                    "heading": scene.heading,
                    "int_ext": shot.int_ext,
                    "location": shot.location,
                    "time_of_day": shot.time_of_day,
                    "story_day": shot.story_day,
                    "shot": shot.code,
                    "version_id": shot.version_id or "",
                    "status": shot.status or "",
                    "continuity": shot.continuity or "",
                    "stale": "yes" if shot.stale else "no",
                    "framing": shot.framing,
                    "angle": shot.angle,
                    "lens": shot.lens,
                    "cast": ", ".join(shot.cast),
                    "caption": shot.description,
                    "dialogue": "\n".join(shot.dialogue),
                    "record_in": timecode(shot.start_frame),
                    "record_out": timecode(shot.start_frame + shot.frames),
                    "frames": shot.frames,
                    "seconds": round(shot.frames / FPS, 3),
                    "duration": timecode(shot.frames),
                    "continuity_notes": "; ".join(
                        filter(None, [*shot.marks, shot.continuity_summary])
                    ),
                    "notes": "\n".join(shot.notes),
                    "takes": shot.versions,
                    "width": shot.width or "",
                    "height": shot.height or "",
                    "backend": shot.backend or "",
                    "seed": "" if shot.seed is None else shot.seed,
                    "image_path": str(shot.image_path or ""),
                    "created_by": shot.created_by or "",
                    "created_at": shot.created_at.isoformat() if shot.created_at else "",
                }
            )
    return rows


def write_shot_list(
    studio: Studio,
    actor: Actor,
    project: str,
    out: Path,
    durations: dict[str, float] | None = None,
) -> dict[str, Any]:
    """Write the project's shot list to `out`, every cell safe to open in a spreadsheet."""
    rows = [safe_row(row) for row in shot_rows(read_board(studio, actor, project, durations))]
    with staged(out) as temporary, temporary.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return {"format": "csv", "path": str(out.resolve()), "shots": len(rows)}
