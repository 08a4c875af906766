"""`script parse`, `ingest` and `scenes`: getting a screenplay into the production's memory."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from frameline.commands.support import (
    JsonOption,
    RoleOption,
    cli_actor,
    command_group,
    handles_errors,
    print_json,
    print_table,
    wired,
)

script_app = command_group(help="Read screenplays without storing anything.", no_args_is_help=True)

ProjectOption = typer.Option("--project", help="Project slug.")


@script_app.command("parse")
@handles_errors
def parse(
    file: Annotated[Path, typer.Argument(help="A .fountain or .fdx screenplay.")],
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Parse a screenplay and print its title page and elements; nothing is stored."""
    from frameline.script_listing import script_listing
    from memory.screenplay.reading import read_screenplay

    sys.stdout.write(script_listing(read_screenplay(file), as_json))


@handles_errors
def ingest(
    file: Annotated[Path, typer.Argument(help="A .fountain or .fdx screenplay.")],
    project: Annotated[str, ProjectOption],
    role: Annotated[str, RoleOption] = "admin",
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Import or re-import a screenplay into a project (created if missing)."""
    from core.errors import NotFound
    from tools.scripts import import_script

    if not file.is_file():
        raise NotFound(f"{file}: no such file")
    with wired() as frameline:
        report = import_script(
            frameline, cli_actor(role), project, file.name, file.read_bytes()
        ).to_json()
    if as_json:
        print_json(report)
        return
    typer.echo(
        f"{report['project']}: {report['scenes']} scenes — {report['added']} added, "
        f"{report['changed']} changed, {report['removed']} removed"
    )
    typer.echo(f"characters: {', '.join(report['characters'])}")
    if report["stale_versions"]:
        typer.echo(f"{report['stale_versions']} versions of changed scenes are now marked stale")


@handles_errors
def scenes(
    project: Annotated[str, ProjectOption],
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """The project's scenes in script order."""
    from memory.store import active_scenes, get_project
    from memory.views import scene_json

    with wired() as frameline, frameline.transaction() as session:
        rows = [scene_json(s) for s in active_scenes(session, get_project(session, project))]
    if as_json:
        print_json(rows)
        return
    print_table(
        [(r["number"], r["story_day"], r["heading"], ", ".join(r["characters"])) for r in rows],
        ["scene", "day", "heading", "characters"],
    )


def register(app: typer.Typer) -> None:
    """Add these commands to the `frameline` app."""
    app.add_typer(script_app, name="script")
    app.command("ingest")(ingest)
    app.command("scenes")(scenes)
