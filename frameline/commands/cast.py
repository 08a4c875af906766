"""`characters` and `facts`: who is in the story and what must stay true about them."""

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

characters_app = command_group(help="The project's characters.", no_args_is_help=True)
facts_app = command_group(help="Continuity facts.", no_args_is_help=True)

ProjectOption = typer.Option("--project", help="Project slug.")


@characters_app.command("list")
@handles_errors
def list_command(
    project: Annotated[str, ProjectOption],
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """The project's characters with their aliases."""
    from memory.store import get_project, list_characters
    from memory.views import character_json

    with wired() as frameline, frameline.transaction() as session:
        rows = [character_json(c) for c in list_characters(session, get_project(session, project))]
    if as_json:
        print_json(rows)
        return
    print_table(
        [(r["name"], ", ".join(r["aliases"]), r["description"][:60]) for r in rows],
        ["character", "aliases", "description"],
    )


@characters_app.command("edit")
@handles_errors
def edit(
    name: Annotated[str, typer.Argument(help="The character's name or an alias.")],
    project: Annotated[str, ProjectOption],
    alias: Annotated[
        list[str] | None, typer.Option("--alias", help="Add an alias (repeatable).")
    ] = None,
    remove_alias: Annotated[
        list[str] | None, typer.Option("--remove-alias", help="Remove an alias (repeatable).")
    ] = None,
    description: Annotated[
        str | None, typer.Option("--description", help="The character's description.")
    ] = None,
    look: Annotated[
        str | None,
        typer.Option("--look", help="What frames draw: age, hair, build, clothes, marks."),
    ] = None,
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Edit a character's aliases, description or look; re-import the script to re-merge cues."""
    from memory.cast import edit_character
    from memory.indexing import reindex
    from memory.store import get_project
    from memory.views import character_json

    with wired() as frameline:
        vectors = frameline.vectors
        with frameline.transaction() as session:
            record = get_project(session, project)
            character = edit_character(
                session, record, name, alias or [], remove_alias or [], description, look
            )
            row = character_json(character)
        with frameline.transaction() as session:
            reindex(session, vectors, get_project(session, project))
    if as_json:
        print_json(row)
        return
    typer.echo(f"{row['name']}: aliases {', '.join(row['aliases']) or 'none'}")


@facts_app.command("add")
@handles_errors
def add(
    statement: Annotated[
        str, typer.Argument(help="Like 'Mara: bandage on left hand, scenes 14-20'.")
    ],
    project: Annotated[str, ProjectOption],
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """State a continuity fact; its scenes must exist."""
    from memory.facts import parse_fact
    from tools.facts import state_fact

    parse_fact(statement)  # bad words fail before the memory is opened
    with wired() as frameline:
        row = state_fact(frameline, cli_actor("admin"), project, statement)
    if as_json:
        print_json(row)
        return
    typer.echo(f"{row['fact_id']}: {row['subject']}: {row['statement']}")


@facts_app.command("list")
@handles_errors
def list_facts_command(
    project: Annotated[str, ProjectOption],
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """The project's continuity facts."""
    from memory.facts import fact_json
    from memory.store import get_project, list_facts

    with wired() as frameline, frameline.transaction() as session:
        rows = [fact_json(f) for f in list_facts(session, get_project(session, project))]
    if as_json:
        print_json(rows)
        return
    print_table(
        [
            (
                r["fact_id"],
                r["subject"],
                r["statement"],
                f"{r['from_scene'] or ''}–{r['to_scene'] or ''}",
                "review" if r["needs_review"] else "",
            )
            for r in rows
        ],
        ["fact", "subject", "statement", "scenes", ""],
    )


def register(app: typer.Typer) -> None:
    """Add these commands to the `frameline` app."""
    app.add_typer(characters_app, name="characters")
    app.add_typer(facts_app, name="facts")
