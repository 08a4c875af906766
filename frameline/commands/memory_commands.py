"""`search`, `memory rebuild` and `db upgrade`: the production's memory and records."""

from __future__ import annotations

from typing import Annotated

import typer

from frameline.commands.support import (
    JsonOption,
    cli_actor,
    command_group,
    handles_errors,
    print_json,
    print_table,
    wired,
)

memory_app = command_group(help="The production's vector memory.", no_args_is_help=True)
db_app = command_group(help="The records database.", no_args_is_help=True)


@handles_errors
def search(
    query: Annotated[str, typer.Argument(help="What to look for, in plain words.")],
    project: Annotated[str, typer.Option("--project", help="Project slug.")],
    kind: Annotated[
        str | None, typer.Option("--kind", help="scene, character, fact or shot.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="How many results.")] = 10,
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Semantic search of the production's memory, best match first."""
    from tools.scripts import search_memory

    with wired() as frameline:
        hits = search_memory(
            frameline, cli_actor(), project, query, kinds=[kind] if kind else None, limit=limit
        )
    rows = [{"kind": h.kind, "id": h.id, "text": h.text, "score": round(h.score, 4)} for h in hits]
    if as_json:
        print_json(rows)
        return
    print_table(
        [(r["score"], r["kind"], r["id"], r["text"].replace("\n", " ")[:80]) for r in rows],
        ["score", "kind", "id", "text"],
    )


@memory_app.command("rebuild")
@handles_errors
def rebuild(
    project: Annotated[
        str | None, typer.Option("--project", help="One project; all when left out.")
    ] = None,
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Rebuild the vector memory from the records (they are the source of truth)."""
    from memory.indexing import reindex
    from memory.store import get_project, list_projects

    with wired() as frameline, frameline.transaction() as session:
        projects = [get_project(session, project)] if project else list_projects(session)
        result = {}
        for record in projects:
            frameline.vectors.drop_project(record.slug)
            result[record.slug] = reindex(session, frameline.vectors, record, force=True)
    if as_json:
        print_json({"embedded": result})
        return
    for slug, count in result.items():
        typer.echo(f"{slug}: {count} texts embedded")


@db_app.command("upgrade")
@handles_errors
def db_upgrade() -> None:
    """Run the records' migrations up to the newest (opening Frameline does it too)."""
    with wired() as frameline:
        typer.echo(f"records at {frameline.engine.url.render_as_string()} are up to date")


def register(app: typer.Typer) -> None:
    """Add these commands to the `frameline` app."""
    app.command("search")(search)
    app.add_typer(memory_app, name="memory")
    app.add_typer(db_app, name="db")
