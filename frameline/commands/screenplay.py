"""`script parse`, `ingest` and `scenes`: getting a screenplay into the production's memory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from frameline.commands.support import JsonOption, handles_errors, print_json, print_table, wired

script_app = typer.Typer(help="Read screenplays without storing anything.", no_args_is_help=True)

ProjectOption = typer.Option("--project", help="Project slug.")


def scene_json(scene: Any) -> dict[str, Any]:
    """A scene as `frameline scenes --json` prints it."""
    return {
        "number": scene.number,
        "heading": scene.heading,
        "int_ext": scene.int_ext,
        "location": scene.location,
        "time_of_day": scene.time_of_day,
        "story_day": scene.story_day,
        "characters": list(scene.characters),
        "page_start": round(scene.page_start, 2),
        "page_end": round(scene.page_end, 2),
        "eighths": scene.eighths,
    }


@script_app.command("parse")
@handles_errors
def parse(
    file: Annotated[Path, typer.Argument(help="A .fountain or .fdx screenplay.")],
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Parse a screenplay and print its title page and elements; nothing is stored."""
    from memory.screenplay.reading import read_screenplay

    screenplay = read_screenplay(file)
    if as_json:
        print_json(screenplay.to_json())
        return
    for key, value in screenplay.title_page.items():
        typer.echo(f"{key}: {value}")
    for element in screenplay.elements:
        typer.echo(f"{element.type:<14} {element.text}")


def ingest_file(frameline: Any, file: Path, project_slug: str) -> dict[str, Any]:
    """Import a screenplay file into a project in one transaction, then refresh its memory."""
    from memory.importer import import_screenplay
    from memory.indexing import reindex
    from memory.screenplay.reading import parse_screenplay_bytes
    from memory.store import check_slug, get_or_create_project, get_project

    check_slug(project_slug)
    if not file.is_file():
        from frameline.errors import NotFound

        raise NotFound(f"{file}: no such file")
    content = file.read_bytes()
    screenplay = parse_screenplay_bytes(content, file.name)
    vectors = frameline.vectors  # fail before writing if the memory is owned elsewhere
    with frameline.transaction() as session:
        project = get_or_create_project(session, project_slug)
        report = import_screenplay(session, project, screenplay, file.name, content)
    with frameline.transaction() as session:
        reindex(session, vectors, get_project(session, project_slug))
    return report.to_json()


@handles_errors
def ingest(
    file: Annotated[Path, typer.Argument(help="A .fountain or .fdx screenplay.")],
    project: Annotated[str, ProjectOption],
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Import or re-import a screenplay into a project (created if missing)."""
    with wired() as frameline:
        report = ingest_file(frameline, file, project)
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
