"""`serve` and `keys`: running the API and web page, and the keys people use with them."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from frameline.commands.support import JsonOption, handles_errors, print_json, print_table, wired

keys_app = typer.Typer(help="API keys.", no_args_is_help=True)

ADMIN_KEY_FILE = "admin.key"


def write_private(path: Path, text: str) -> None:
    """A file only its owner can read (keys), written without a moment of wider access."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text)
    os.chmod(path, 0o600)


def first_start(frameline: Any, load_demo_production: bool) -> list[str]:
    """On an empty home: the demo production and an admin key. Returns what it did."""
    from memory.keys import create_key
    from memory.store import list_projects

    done = []
    with frameline.transaction() as session:
        empty = not list_projects(session)
    if empty and load_demo_production:
        from frameline.demo import load_demo

        load_demo(frameline)
        done.append("loaded the demo production 'demo'")
    key_file = frameline.settings.home / ADMIN_KEY_FILE
    if not key_file.exists():
        with frameline.transaction() as session:
            key = create_key(session, role="admin", name="admin", project=None)
        write_private(key_file, key + "\n")
        done.append(f"wrote an admin API key to {key_file}")
    return done


@handles_errors
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    no_demo: Annotated[bool, typer.Option("--no-demo", help="Do not load the demo.")] = False,
) -> None:
    """Serve the API (/v1), the storyboard page (/) and Slack events (/slack/events)."""
    import uvicorn

    from api.main import create_app
    from frameline.wiring import SERVER_FILE

    logging.disable(logging.NOTSET)  # a server logs what goes wrong (Slack errors, failed jobs)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    with wired() as frameline:
        frameline.own_memory()
        url = f"http://{host}:{port}"
        server_file = frameline.settings.home / SERVER_FILE
        server_file.write_text(json.dumps({"pid": os.getpid(), "url": url}))
        try:
            for line in first_start(frameline, not no_demo):
                typer.echo(line)
            typer.echo(f"Frameline is serving on {url} (sign in with the key in admin.key)")
            uvicorn.run(create_app(frameline), host=host, port=port, log_level="warning")
        finally:
            server_file.unlink(missing_ok=True)


@keys_app.command("create")
@handles_errors
def create(
    project: Annotated[str, typer.Option("--project", help="Project the key is for.")],
    role: Annotated[str, typer.Option("--role", help="writer, director, producer, admin.")],
    name: Annotated[str, typer.Option("--name", help="Who or what holds the key.")],
) -> None:
    """A new API key for one project; prints the key alone (it is stored only as a hash)."""
    from memory.keys import create_key

    with wired() as frameline, frameline.transaction() as session:
        key = create_key(session, role=role, name=name, project=project)
    typer.echo(key)


@keys_app.command("list")
@handles_errors
def list_command(as_json: Annotated[bool, JsonOption] = False) -> None:
    """The keys, without their secrets."""
    from memory.keys import list_keys

    with wired() as frameline, frameline.transaction() as session:
        rows = list_keys(session)
    if as_json:
        print_json(rows)
        return
    print_table(
        [
            (r["prefix"], r["name"], r["role"], r["project"] or "(all)", "revoked" * r["revoked"])
            for r in rows
        ],
        ["key", "name", "role", "project", ""],
    )


@keys_app.command("revoke")
@handles_errors
def revoke(prefix: Annotated[str, typer.Argument(help="The key or its first characters.")]) -> None:
    """Revoke a key at once."""
    from memory.keys import revoke_key

    with wired() as frameline, frameline.transaction() as session:
        revoke_key(session, prefix)
    typer.echo("revoked")


def register(app: typer.Typer) -> None:
    """Add these commands to the `frameline` app."""
    app.command("serve")(serve)
    app.add_typer(keys_app, name="keys")
