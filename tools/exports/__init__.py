"""Exports for the tools crews use: storyboard PDF, editorial timelines (OTIO, EDL, FCP 7 XML,
FCPXML, AAF), an animatic (MP4), CSV shot list, PNG archive.

Every format is drawn from one `Board`: the current script's scenes in order, each shot with its
latest approved (else latest) version, the dialogue it covers and its length on the timeline.

Timing rule (documented, shared by the timeline and the shot list): one script page runs about
60 s, so an eighth of a page is 7.5 s, 180 frames at 24 fps; a scene's length is split evenly
among its shots in code order, the first shots taking the odd frames. The scene's dialogue
blocks are split among its shots the same way. A person may set a shot's length in seconds
(`--duration 1A=4`); the other shots keep their share and everything after moves along.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core.errors import InvalidInput
from memory.records import Scene, ScriptImport, Shot, Version, utcnow
from memory.store import active_scenes, get_project
from tools.context import Actor, Studio, require
from tools.fonts import STYLES, dejavu

FPS = 24
SECONDS_PER_PAGE = 60
FRAMES_PER_EIGHTH = SECONDS_PER_PAGE * FPS // 8
START_TIMECODE_FRAMES = 3600 * FPS
"""Timelines start at 01:00:00:00, as editorial expects."""
APPROVED = ("approved", "locked")


@dataclass(frozen=True)
class BoardShot:
    """A shot as the exports show it: the chosen frame, its marks, words and timing."""

    code: str
    scene: str
    description: str
    framing: str
    angle: str
    versions: int
    version_id: str | None
    status: str | None
    continuity: str | None
    stale: bool
    image_path: Path | None
    width: int | None
    height: int | None
    backend: str | None
    seed: int | None
    sha256: str | None
    created_by: str | None
    created_at: datetime | None
    continuity_summary: str
    dialogue: tuple[str, ...]
    start_frame: int
    frames: int
    cast: tuple[str, ...] = ()
    location: str = ""
    int_ext: str = ""
    time_of_day: str = ""
    story_day: int = 1
    lens: str = ""
    action: str = ""
    notes: tuple[str, ...] = ()

    @property
    def marks(self) -> tuple[str, ...]:
        """The continuity marks a storyboard prints beside the shot."""
        marks = []
        if self.continuity == "fail":
            marks.append("continuity fail")
        elif self.continuity == "pass":
            marks.append("continuity pass")
        elif self.continuity == "not_checkable":
            marks.append("continuity not checkable")
        elif self.continuity == "pending":
            marks.append("continuity pending")
        if self.stale:
            marks.append("stale: scene changed")
        return tuple(marks)

    @property
    def has_issue(self) -> bool:
        """A failed check or a frame drawn from an older draft of the scene."""
        return self.continuity == "fail" or self.stale


@dataclass(frozen=True)
class BoardScene:
    """A scene of the current script with its shots in code order."""

    number: str
    heading: str
    story_day: int
    eighths: int
    characters: tuple[str, ...]
    shots: tuple[BoardShot, ...]

    @property
    def pages(self) -> str:
        """Length as a script supervisor writes it: 1 3/8, 5/8."""
        whole, eighths = divmod(self.eighths, 8)
        parts = [str(whole)] if whole else []
        if eighths:
            parts.append(f"{eighths}/8")
        return " ".join(parts) or "0"


@dataclass(frozen=True)
class Board:
    """Everything an export shows of a project, read in one transaction."""

    project: str
    title: str
    title_page: dict[str, str]
    scenes: tuple[BoardScene, ...]
    cut_scene_shots: int
    made_at: datetime

    @property
    def shots(self) -> list[BoardShot]:
        """Every shot of the current script in script order."""
        return [shot for scene in self.scenes for shot in scene.shots]

    @property
    def has_frames(self) -> bool:
        """Whether any shot has a frame to show."""
        return any(shot.version_id for shot in self.shots)


def dialogue_blocks(scene_text: str) -> list[str]:
    """The scene's speeches as `NAME: words`, in order, without parentheticals.

    A block (paragraphs are apart by a blank line) whose first line is an upper-case cue and
    that has more lines is dialogue, as the prompt builder reads scenes.
    """
    speeches = []
    for block in scene_text.split("\n\n")[1:]:
        lines = [line.strip() for line in block.strip().splitlines()]
        if len(lines) < 2 or not lines[0].isupper():
            continue
        words = " ".join(line for line in lines[1:] if not line.startswith("("))
        if words:
            speeches.append(f"{lines[0]}: {words}")
    return speeches


def _share(items: int, parts: int, index: int) -> tuple[int, int]:
    """The [start, end) of part `index` when `items` are split evenly into `parts`."""
    return index * items // parts, (index + 1) * items // parts


def chosen_version(versions: list[Version]) -> Version | None:
    """The latest approved or locked version, else the latest one."""
    approved = [v for v in versions if v.status in APPROVED]
    return (approved or versions or [None])[-1]


def parse_durations(pairs: list[str] | tuple[str, ...] | None) -> dict[str, float]:
    """`["1A=4", "2B=2.5"]` as shot code → seconds; a malformed pair is an error naming it."""
    durations: dict[str, float] = {}
    for pair in pairs or ():
        code, equals, seconds = pair.partition("=")
        try:
            value = float(seconds)
        except ValueError:
            value = float("nan")
        if not equals or not code.strip() or not (0 < value <= 3600):
            raise InvalidInput(
                f"--duration {pair!r}: write SHOT=SECONDS with 0 < SECONDS <= 3600, e.g. 1A=4.5"
            )
        durations[code.strip().upper()] = value
    return durations


def _depicts(version: Version | None) -> dict[str, Any]:
    """The version's shot description as JSON, wherever this install keeps it (else {})."""
    if version is None:
        return {}
    depicts = getattr(version, "depicts", None)
    if depicts is None and isinstance(version.parameters, dict):
        depicts = version.parameters.get("depicts")
    if hasattr(depicts, "to_json"):
        depicts = depicts.to_json()
    return depicts if isinstance(depicts, dict) else {}


def _notes(session: Any, project_id: int) -> dict[int, list[str]]:
    """People's notes on the project's versions as `person: text`, oldest first, by version row
    (none where this install keeps no notes)."""
    from memory import records

    comment = getattr(records, "VersionComment", None)
    if comment is None:
        return {}
    notes: dict[int, list[str]] = defaultdict(list)
    rows = session.scalars(
        select(comment)
        .join(Version, Version.id == comment.version_id)
        .join(Shot, Shot.id == Version.shot_id)
        .where(Shot.project_id == project_id)
        .order_by(comment.id)
    )
    for row in rows:
        notes[row.version_id].append(f"{row.person}: {' '.join(row.text.split())}")
    return notes


def read_board(
    studio: Studio, actor: Actor, project: str, durations: dict[str, float] | None = None
) -> Board:
    """The project's storyboard as every export shows it (a few queries, whatever its size).

    `durations` sets chosen shots' lengths in seconds; a code the board lacks is an error.
    """
    require(actor, "read", "export the storyboard")
    durations = {code.upper(): seconds for code, seconds in (durations or {}).items()}
    with studio.transaction() as session:
        record = get_project(session, project)
        scenes = active_scenes(session, record)
        shots = list(
            session.scalars(select(Shot).where(Shot.project_id == record.id).order_by(Shot.id))
        )
        versions: dict[int, list[Version]] = defaultdict(list)
        for version in session.scalars(
            select(Version)
            .join(Shot, Shot.id == Version.shot_id)
            .where(Shot.project_id == record.id)
            .order_by(Version.id)
        ):
            versions[version.shot_id].append(version)
        title_page = session.scalar(
            select(ScriptImport.title_page)
            .where(ScriptImport.project_id == record.id)
            .order_by(ScriptImport.id.desc())
            .limit(1)
        )
        by_scene: dict[int, list[Shot]] = defaultdict(list)
        for shot in shots:
            by_scene[shot.scene_id].append(shot)
        active = {scene.id for scene in scenes}
        boarded = {shot.code.upper() for shot in shots if shot.scene_id in active}
        unknown = sorted(set(durations) - boarded)
        if unknown:
            raise InvalidInput(
                f"--duration names shot {', '.join(unknown)}, which the board of {project!r} "
                f"lacks; its shots are {', '.join(sorted(boarded)) or 'none yet'}"
            )
        notes = _notes(session, record.id)
        start = START_TIMECODE_FRAMES
        board_scenes = []
        for scene in scenes:
            built = _board_scene(
                studio, scene, by_scene.get(scene.id, []), versions, start, durations, notes
            )
            start += sum(shot.frames for shot in built.shots)
            board_scenes.append(built)
        return Board(
            project=record.slug,
            title=record.title or record.slug,
            title_page={str(k): str(v) for k, v in (title_page or {}).items()},
            scenes=tuple(board_scenes),
            cut_scene_shots=sum(1 for shot in shots if shot.scene_id not in active),
            made_at=utcnow(),
        )


def _board_scene(
    studio: Studio,
    scene: Scene,
    shots: list[Shot],
    versions: dict[int, list[Version]],
    start: int,
    durations: dict[str, float],
    notes: dict[int, list[str]],
) -> BoardScene:
    total_frames = max(scene.eighths, 1) * FRAMES_PER_EIGHTH
    speeches = dialogue_blocks(scene.text)
    board_shots = []
    offset = 0
    for index, shot in enumerate(shots):
        first, last = _share(total_frames, len(shots), index)
        frames = last - first
        if shot.code.upper() in durations:
            frames = max(1, round(durations[shot.code.upper()] * FPS))
        said_from, said_to = _share(len(speeches), len(shots), index)
        chosen = chosen_version(versions.get(shot.id, []))
        depicts = _depicts(chosen)
        figures = [
            c.get("name", "") for c in depicts.get("characters") or [] if isinstance(c, dict)
        ]
        board_shots.append(
            BoardShot(
                code=shot.code,
                scene=scene.number,
                description=shot.description,
                framing=str(depicts.get("framing") or shot.framing),
                angle=str(depicts.get("angle") or shot.angle),
                versions=len(versions.get(shot.id, [])),
                version_id=chosen.version_id if chosen else None,
                status=chosen.status if chosen else None,
                continuity=chosen.continuity if chosen else None,
                stale=bool(chosen and chosen.stale),
                image_path=studio.assets.path(chosen.asset_sha256).resolve() if chosen else None,
                width=chosen.width if chosen else None,
                height=chosen.height if chosen else None,
                backend=chosen.backend if chosen else None,
                seed=chosen.seed if chosen else None,
                sha256=chosen.asset_sha256 if chosen else None,
                created_by=chosen.created_by if chosen else None,
                created_at=chosen.created_at if chosen else None,
                continuity_summary=_summary(chosen.continuity_report if chosen else {}),
                dialogue=tuple(speeches[said_from:said_to]),
                start_frame=start + offset,
                frames=frames,
                cast=tuple(name.upper() for name in figures if name) or tuple(scene.characters),
                location=scene.location or "",
                int_ext=scene.int_ext or "",
                time_of_day=scene.time_of_day or "",
                story_day=scene.story_day,
                lens=str(depicts.get("lens") or shot.camera or ""),
                action=str(depicts.get("action") or ""),
                notes=tuple(notes.get(chosen.id, [])) if chosen else (),
            )
        )
        offset += frames
    return BoardScene(
        number=scene.number,
        heading=scene.heading,
        story_day=scene.story_day,
        eighths=scene.eighths,
        characters=tuple(scene.characters),
        shots=tuple(board_shots),
    )


CHECK_PARTS = (("identity", "identity"), ("look", "look"), ("time of day", "time_of_day"))


def _summary(report: dict[str, Any]) -> str:
    """What failed in the version's continuity check, else the check's own summary line."""
    failing = [
        f"{label}: {report[part].get('reason', 'failed')}"
        for label, part in CHECK_PARTS
        if isinstance(report.get(part), dict) and report[part].get("verdict") == "fail"
    ]
    summary = "; ".join(failing) or str(report.get("summary") or "")
    return " ".join(summary.split())


def timecode(frame: int, fps: int = FPS) -> str:
    """A frame count as non-drop SMPTE timecode, HH:MM:SS:FF."""
    seconds, frames = divmod(frame, fps)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}:{frames:02d}"


def handout_fonts() -> dict[str, Path]:
    """DejaVu Sans in the styles a handout uses, so every script's letters print."""
    return {style: dejavu(style) for style in STYLES}


@contextmanager
def staged(out: Path) -> Iterator[Path]:
    """A temporary path beside `out`, renamed onto it only once the export is complete."""
    temporary = out.with_name(f".{out.name}.partial")
    try:
        yield temporary
        os.replace(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)


def safe_name(text: str) -> str:
    """A file or folder name made of the text's safe characters."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "_"


Progress = Callable[[int, int, str], None]
"""Told (done, total, what) as a long export goes: the CLI draws a bar, the API sends events."""


@dataclass(frozen=True)
class ExportOptions:
    """What a person may choose about an export beyond its format and file."""

    scene: str | None = None
    durations: dict[str, float] = field(default_factory=dict)
    burn_timecode: bool = False
    audio: str | None = None
    progress: Progress | None = None


@dataclass(frozen=True)
class ExportFormat:
    """One export: what writes it, its media type and the file name it usually has."""

    name: str
    media_type: str
    stem: str
    suffix: str
    write: Callable[[Studio, Actor, str, Path, ExportOptions], dict[str, Any]]
    media_folder: bool = False
    """Whether the export refers to frames written in a folder beside it."""

    def filename(self, project: str) -> str:
        """The file name a download of this export gets: demo-storyboard.pdf."""
        return f"{project}-{self.stem}{self.suffix}"


def _storyboard(
    studio: Studio, actor: Actor, project: str, out: Path, options: ExportOptions
) -> dict[str, Any]:
    from tools.exports.pdf import write_storyboard_pdf

    return write_storyboard_pdf(studio, actor, project, out)


def _editorial(name: str) -> Callable[[Studio, Actor, str, Path, ExportOptions], dict[str, Any]]:
    def write(
        studio: Studio, actor: Actor, project: str, out: Path, options: ExportOptions
    ) -> dict[str, Any]:
        from tools.exports.timeline import write_timeline

        return write_timeline(studio, actor, project, out, name, options.durations)

    return write


def _animatic(
    studio: Studio, actor: Actor, project: str, out: Path, options: ExportOptions
) -> dict[str, Any]:
    from tools.exports.animatic import write_animatic

    return write_animatic(studio, actor, project, out, options)


def _shot_list(
    studio: Studio, actor: Actor, project: str, out: Path, options: ExportOptions
) -> dict[str, Any]:
    from tools.exports.shotlist import write_shot_list

    return write_shot_list(studio, actor, project, out, options.durations)


def _archive(
    studio: Studio, actor: Actor, project: str, out: Path, options: ExportOptions
) -> dict[str, Any]:
    from tools.exports.archive import write_archive

    return write_archive(studio, actor, project, out)


def _continuity(
    studio: Studio, actor: Actor, project: str, out: Path, options: ExportOptions
) -> dict[str, Any]:
    from tools.exports.continuity_pdf import write_continuity_pdf

    return write_continuity_pdf(studio, actor, project, out, scene=options.scene)


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("pdf", "application/pdf", "storyboard", ".pdf", _storyboard),
        ExportFormat("otio", "application/json", "timeline", ".otio", _editorial("otio"), True),
        ExportFormat("otioz", "application/zip", "timeline", ".otioz", _editorial("otioz")),
        ExportFormat("edl", "text/plain; charset=utf-8", "cut", ".edl", _editorial("edl"), True),
        ExportFormat("fcp7xml", "application/xml", "cut-fcp7", ".xml", _editorial("fcp7xml"), True),
        ExportFormat("fcpx", "application/xml", "cut", ".fcpxml", _editorial("fcpx"), True),
        ExportFormat("aaf", "application/octet-stream", "cut", ".aaf", _editorial("aaf"), True),
        ExportFormat("mp4", "video/mp4", "animatic", ".mp4", _animatic),
        ExportFormat("csv", "text/csv; charset=utf-8", "shotlist", ".csv", _shot_list),
        ExportFormat("zip", "application/zip", "frames", ".zip", _archive),
        ExportFormat("continuity", "application/pdf", "continuity", ".pdf", _continuity),
    )
}


def export_project(
    studio: Studio,
    actor: Actor,
    project: str,
    format: str,
    out: Path,
    scene: str | None = None,
    options: ExportOptions | None = None,
) -> dict[str, Any]:
    """Write one export of the project to `out`; the CLI, the API and MCP all come here."""
    options = options or ExportOptions(scene=scene)
    if scene is not None and options.scene is None:
        options = replace(options, scene=scene)
    chosen = FORMATS.get(format)
    if chosen is None:
        raise InvalidInput(f"unknown export format {format!r}; formats are {', '.join(FORMATS)}")
    if options.scene is not None and format != "continuity":
        raise InvalidInput("only the continuity report takes a scene")
    if options.durations and format not in TIMED_FORMATS:
        raise InvalidInput(f"--duration applies to {', '.join(TIMED_FORMATS)}, not {format}")
    if (options.audio or options.burn_timecode) and format != "mp4":
        raise InvalidInput("--audio and --timecode apply to the mp4 animatic only")
    out = Path(out)
    if out.is_dir():
        raise InvalidInput(
            f"{out} is a folder; give a file name such as {chosen.filename(project)}"
        )
    if not out.parent.is_dir():
        raise InvalidInput(f"{out.parent}: no such folder")
    return chosen.write(studio, actor, project, out, options)


TIMED_FORMATS = ("otio", "otioz", "edl", "fcp7xml", "fcpx", "aaf", "mp4", "csv")
"""The exports whose shots have lengths, so `--duration` means something."""
