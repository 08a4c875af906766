"""`serve` and `keys`: running the API and web page, and the keys people use with them."""

from __future__ import annotations

import errno
import json
import logging
import os
import socket
from pathlib import Path
from typing import Annotated, Any

import typer

from core.errors import Conflict, InvalidInput
from frameline.commands.support import (
    JsonOption,
    command_group,
    handles_errors,
    print_json,
    print_table,
    wired,
)

keys_app = command_group(help="API keys.", no_args_is_help=True)

ADMIN_KEY_FILE = "admin.key"


def write_private(path: Path, text: str) -> None:
    """A file only its owner can read (keys), written without a moment of wider access."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text)
    os.chmod(path, 0o600)


def first_start(frameline: Any, load_demo_production: bool, demo_frames: bool = False) -> list[str]:
    """On an empty home: the demo production (with `demo_frames`, a few previz panels per scene)
    and an admin key. Returns what it did."""
    from memory.keys import create_key
    from memory.store import list_projects

    done = []
    with frameline.transaction() as session:
        empty = not list_projects(session)
    if empty and load_demo_production:
        from frameline.demo import load_demo

        load_demo(frameline)
        done.append("loaded the demo production 'demo'")
        if demo_frames:
            from frameline.demo.frames import render_demo_frames

            drawn = render_demo_frames(frameline)
            done.append(f"drew {len(drawn)} previz frames for the demo's storyboard")
    key_file = frameline.settings.home / ADMIN_KEY_FILE
    if not key_file.exists():
        with frameline.transaction() as session:
            key = create_key(session, role="admin", name="admin", project=None)
        write_private(key_file, key + "\n")
        done.append(f"wrote an admin API key to {key_file}")
    return done


def bind_port(host: str, port: int) -> socket.socket:
    """Take the port before anything else, so a port in use is one clear line at once."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise Conflict(
                f"port {port} on {host} is already in use; stop what listens there or "
                "choose another --port"
            ) from None
        raise InvalidInput(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    return sock


def ensure_admin_key(frameline: Any) -> list[str]:
    """The admin key written at once, so the CLI and the web page can use the server at once."""
    from memory.keys import create_key

    key_file = frameline.settings.home / ADMIN_KEY_FILE
    if key_file.exists():
        return []
    with frameline.transaction() as session:
        key = create_key(session, role="admin", name="admin", project=None)
    write_private(key_file, key + "\n")
    return [f"wrote an admin API key to {key_file}"]


def loopback(host: str) -> bool:
    """Whether only this machine can reach the host (then cookies may travel without TLS)."""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def warm_embedder() -> None:
    """Load MiniLM now (and its fast query graph), so the first search does not wait for it."""
    from memory.embeddings import embed_texts, prepare_fast_queries

    embed_texts([f"a warm-up sentence, number {n}" for n in range(8)])  # torch, for batches
    prepare_fast_queries()  # onnxruntime, for queries


@handles_errors
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    no_demo: Annotated[bool, typer.Option("--no-demo", help="Do not load the demo.")] = False,
) -> None:
    """Serve the API (/v1), the storyboard page (/) and Slack events (/slack/events).

    The port is taken first; models and the first start's demo load in the background while
    /healthz already answers and /readyz says "loading".
    """
    sock = bind_port(host, port)
    import uvicorn

    from api.main import create_app
    from api.warmup import Warmup
    from frameline.remote import SERVER_FILE

    logging.disable(logging.NOTSET)  # a server logs what goes wrong (Slack errors, failed jobs)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    with wired() as frameline:
        frameline.own_memory()
        url = f"http://{host}:{port}"
        server_file = frameline.settings.home / SERVER_FILE
        try:
            for line in ensure_admin_key(frameline):
                typer.echo(line)

            def demo() -> None:
                for line in first_start(frameline, not no_demo, demo_frames=True):
                    typer.echo(line)

            warmup = Warmup([warm_embedder, demo])
            if frameline.settings.secure_cookies is None:
                frameline.settings.secure_cookies = not loopback(host)
            app = create_app(frameline, warmup=warmup)
            server_file.write_text(json.dumps({"pid": os.getpid(), "url": url}))
            typer.echo(f"Frameline is serving on {url} (sign in with the key in admin.key)")
            warmup.start()
            # SIGTERM gives requests still running (a long import, a render) 5 s, then stops:
            # uvicorn re-raises the signal once it returns, whatever worker threads still do.
            config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=5)
            uvicorn.Server(config).run(sockets=[sock])
        finally:
            server_file.unlink(missing_ok=True)
            sock.close()


@keys_app.command("create")
@handles_errors
def create(
    project: Annotated[str, typer.Option("--project", help="Project the key is for.")],
    role: Annotated[str, typer.Option("--role", help="writer, director, producer, admin.")],
    name: Annotated[str, typer.Option("--name", help="Who or what holds the key.")],
    link: Annotated[
        bool, typer.Option("--link", help="Also print a one-time web sign-in URL for the person.")
    ] = False,
) -> None:
    """A new API key for one project; prints the key alone (it is stored only as a hash).

    With `--link`, a second line holds a one-time URL that signs its holder in to the web page.
    """
    from memory.keys import create_key, verify_key
    from memory.signin_links import make_link_token

    with wired() as frameline, frameline.transaction() as session:
        key = create_key(session, role=role, name=name, project=project)
        holder = verify_key(session, key)
        token = make_link_token(session, holder.key_id) if link and holder else None
        base = web_address(frameline.settings)
    typer.echo(key)
    if token:
        typer.echo(f"{base}/signin/{token}")


def web_address(settings: Any) -> str:
    """Where people open the web page: FRAMELINE_URL, the running server, or serve's default."""
    from frameline.remote import running_server

    if settings.url:
        return str(settings.url).rstrip("/")
    server = running_server(settings.home)
    return str(server["url"]).rstrip("/") if server else "http://127.0.0.1:8000"


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
    from memory.web_sessions import end_sessions_of_key

    with wired() as frameline, frameline.transaction() as session:
        end_sessions_of_key(session, revoke_key(session, prefix))
    typer.echo("revoked")


def register(app: typer.Typer) -> None:
    """Add these commands to the `frameline` app."""
    app.command("serve")(serve)
    app.add_typer(keys_app, name="keys")
