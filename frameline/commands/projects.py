"""`projects`: the productions this home holds."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from frameline.commands.support import JsonOption, handles_errors, print_json, print_table, wired


def project_json(session: Any, project: Any) -> dict[str, Any]:
    """A project as the CLI and API show it."""
    from memory.store import active_scenes, list_characters, list_shots

    return {
        "slug": project.slug,
        "title": project.title,
        "scenes": len(active_scenes(session, project)),
        "characters": len(list_characters(session, project)),
        "shots": len(list_shots(session, project)),
        "spend_account": project.spend_account,
        "created_at": project.created_at.isoformat(),
    }


@handles_errors
def projects(as_json: Annotated[bool, JsonOption] = False) -> None:
    """List the projects."""
    from memory.store import list_projects

    with wired() as frameline, frameline.transaction() as session:
        rows = [project_json(session, p) for p in list_projects(session)]
    if as_json:
        print_json(rows)
        return
    print_table(
        [(r["slug"], r["title"], r["scenes"], r["characters"], r["shots"]) for r in rows],
        ["project", "title", "scenes", "characters", "shots"],
    )


def register(app: typer.Typer) -> None:
    """Add these commands to the `frameline` app."""
    app.command("projects")(projects)
