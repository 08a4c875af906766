"""`projects`: the productions this home holds."""

from __future__ import annotations

from typing import Annotated

import typer

from frameline.commands.support import JsonOption, handles_errors, print_json, print_table, wired


@handles_errors
def projects(as_json: Annotated[bool, JsonOption] = False) -> None:
    """List the projects."""
    from memory.store import list_projects
    from memory.views import project_json

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
