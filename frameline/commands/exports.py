"""`export`: handouts, editorial timelines and the animatic, written to a file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from frameline.commands.support import (
    JsonOption,
    RoleOption,
    cli_actor,
    handles_errors,
    print_json,
    wired,
)

ProjectOption = typer.Option("--project", help="The production's slug.")
FORMAT_HELP = (
    "edl, fcp7xml, fcpx, aaf, otio, otioz (editorial), mp4 (animatic), pdf (storyboard), "
    "csv (shot list), zip (frames) or continuity (PDF)."
)


class ProgressBar:
    """A one-line bar on stderr, drawn only for a person at a terminal."""

    def __init__(self, width: int = 30) -> None:
        self.width = width
        self.drawn = False

    def __call__(self, done: int, total: int, what: str) -> None:
        filled = self.width * done // max(total, 1)
        bar = "#" * filled + "-" * (self.width - filled)
        sys.stderr.write(f"\r[{bar}] {done}/{total} frames  {what:<8}")
        sys.stderr.flush()
        self.drawn = True

    def close(self, finished: bool) -> None:
        """End the bar's line; a failed export wipes it, so its error stays the one line."""
        if self.drawn:
            sys.stderr.write("\n" if finished else "\r\033[K")
            sys.stderr.flush()


@handles_errors
def export(
    project: Annotated[str, ProjectOption],
    format: Annotated[str, typer.Option("--format", help=FORMAT_HELP)],
    out: Annotated[Path, typer.Option("--out", help="The file to write.")],
    scene: Annotated[
        str | None, typer.Option("--scene", help="Continuity report of one scene.")
    ] = None,
    duration: Annotated[
        list[str] | None,
        typer.Option(
            "--duration",
            help="SHOT=SECONDS: hold a shot this long instead of its share of the script "
            "(repeatable).",
        ),
    ] = None,
    burn_timecode: Annotated[
        bool, typer.Option("--timecode", help="mp4: burn the record timecode into the picture.")
    ] = False,
    audio: Annotated[
        str | None, typer.Option("--audio", help="mp4: 'scratch' speaks the dialogue (espeak-ng).")
    ] = None,
    role: Annotated[str, RoleOption] = "admin",
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Write a cut (EDL, FCP XML, FCPXML, AAF, OTIO), an animatic, or a handout of the board."""
    from tools.exports import ExportOptions, export_project, parse_durations

    bar = ProgressBar() if sys.stderr.isatty() and not as_json else None
    options = ExportOptions(
        scene=scene,
        durations=parse_durations(duration),
        burn_timecode=burn_timecode,
        audio=audio,
        progress=bar,
    )
    finished = False
    try:
        with wired() as frameline:
            report = export_project(
                frameline, cli_actor(role), project, format, out, options=options
            )
        finished = True
    finally:
        if bar is not None:
            bar.close(finished)
    _print(report, as_json)


def _print(report: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(report)
        return
    typer.echo(report["path"])
    if report.get("media"):
        typer.echo(f"frames: {report['media']}")


def register(app: typer.Typer) -> None:
    """Add `export` to the `frameline` app."""
    app.command("export")(export)
