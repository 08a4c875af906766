"""The CLI through a running server: one warm process instead of a model load per command.

When `frameline serve` runs on the same FRAMELINE_HOME (it records itself in server.json), or
FRAMELINE_URL names a server, commands that need the memory or models are sent to its
`POST /v1/cli` with the admin key (FRAMELINE_HOME/admin.key, or FRAMELINE_API_KEY). The server runs
the very same command and hands back its stdout, stderr and exit status, so the output is the
same as alone. Files named on the command line travel with the request; files the command writes
come back and are written where the person asked. Only the standard library is used here: a
command through a server costs one small process, not an HTTP client's imports.
"""

from __future__ import annotations

import base64
import json
import os
import sys
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from frameline.console import INTERNAL_ERROR_EXIT, error_line

if TYPE_CHECKING:
    import urllib.error

SERVER_FILE = "server.json"
ADMIN_KEY_FILE = "admin.key"
# What an HTTP status means as a CLI exit status, as core/errors.py pairs them.
_EXIT_BY_STATUS = {400: 1, 401: 4, 402: 7, 403: 4, 404: 3, 409: 5, 413: 2, 415: 2, 422: 2, 503: 6}


@dataclass(frozen=True)
class Server:
    """A running Frameline server and the key the CLI uses with it."""

    url: str
    key: str | None


@dataclass
class Carried:
    """A command line made ready for the server: file arguments replaced by uploads."""

    args: list[str]
    files: dict[str, dict[str, str]] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    typed: dict[str, str] = field(default_factory=dict)


def running_server(home: Path) -> dict[str, Any] | None:
    """The server recorded in home, if its process is still alive."""
    try:
        record = json.loads((home / SERVER_FILE).read_text())
        os.kill(int(record["pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return record


def goes_through_server(args: list[str], commands: Collection[str]) -> bool:
    """Whether this command line names a command that runs in a server (help stays local)."""
    words = args[: args.index("--")] if "--" in args else args
    if "--help" in words:
        return False
    first = next((word for word in words if not word.startswith("-")), None)
    return first in commands


def _where() -> tuple[Path, str | None, str | None]:
    """FRAMELINE_HOME, FRAMELINE_URL and FRAMELINE_API_KEY, read as the settings read them."""
    if Path(".env").is_file():  # rare: pay for the settings' parser only when it matters
        from frameline.settings import Settings

        settings = Settings()
        return settings.home, settings.url, settings.api_key
    home = os.environ.get("FRAMELINE_HOME")
    return (
        Path(home).expanduser() if home else Path.home() / ".frameline",
        os.environ.get("FRAMELINE_URL") or None,
        os.environ.get("FRAMELINE_API_KEY") or None,
    )


def find_server() -> Server | None:
    """The server to go through: FRAMELINE_URL, else the one running on FRAMELINE_HOME."""
    home, url, key = _where()
    if not url:
        record = running_server(home)
        if record is None:
            return None
        url = str(record["url"])
    if key is None:
        try:
            key = (home / ADMIN_KEY_FILE).read_text().strip() or None
        except OSError:
            key = None
    return Server(url.rstrip("/"), key)


def run_through(server: Server, app: Any, args: list[str]) -> int:
    """Run the command line in the server; print what it printed; return its exit status."""
    import urllib.error  # only a command that goes to a server pays for an HTTP client
    import urllib.request

    carried = carry(app, args)
    body = json.dumps({"args": carried.args, "files": carried.files}).encode()
    headers = {"Content-Type": "application/json"}
    if server.key:
        headers["Authorization"] = f"Bearer {server.key}"
    request = urllib.request.Request(f"{server.url}/v1/cli", body, headers, method="POST")
    try:
        with urllib.request.urlopen(request) as response:
            answer = json.loads(response.read())
    except urllib.error.HTTPError as error:
        return _report_problem(server, error)
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return error_line(f"cannot reach the Frameline server at {server.url}: {reason}", 6)
    outputs = answer.get("outputs", {})
    for token, content in outputs.items():
        Path(carried.outputs[token]).write_bytes(base64.b64decode(content))
    places = answer.get("places", {})
    sys.stdout.write(_restore(answer["stdout"], places, carried))
    sys.stdout.flush()
    sys.stderr.write(_restore(answer["stderr"], places, carried))
    return int(answer["exit_code"])


def carry(app: Any, args: list[str]) -> Carried:
    """Find the file arguments of the command line (by their click type) and pack them.

    An existing file travels as its bytes; a path that does not exist yet is where the command
    will write, so the server writes to a place of its own and sends the file back.
    """
    carried = Carried(list(args))
    command, start = _leaf_command(app, args)
    if command is None:
        return carried
    for index in _path_positions(command, args, start):
        token = f"@file{index}"
        path = Path(args[index]).expanduser().absolute()
        if path.is_file():
            content = base64.b64encode(path.read_bytes()).decode()
            carried.files[token] = {"name": path.name, "content": content}
        elif not path.exists():
            carried.outputs[token] = str(path)
            carried.files[token] = {"name": path.name}
        else:
            continue  # a folder: the server reads it where it is (same machine)
        carried.typed[token] = args[index]
        carried.args[index] = token
    return carried


def _leaf_command(app: Any, args: list[str]) -> tuple[Any, int]:
    """The click command the line names and where its own arguments start."""
    import typer.main

    command = typer.main.get_command(app)
    index = 0
    while hasattr(command, "commands"):
        while index < len(args) and args[index].startswith("-"):
            index += 1
        if index >= len(args):
            return None, index
        command = command.commands.get(args[index])
        index += 1
        if command is None:
            return None, index
    return command, index


def _is_path(param: Any) -> bool:
    """Whether a command's parameter takes a file path (typer 0.29 keeps its own click copy)."""
    descriptor = getattr(param, "type_descriptor", None)
    annotation = getattr(descriptor, "annotation", None)
    if isinstance(annotation, type):
        return issubclass(annotation, PurePath)
    kind = type(getattr(param, "type", None)).__name__
    return kind in {"Path", "File"}


def _path_positions(command: Any, args: list[str], start: int) -> list[int]:
    """Indexes in args of the values of path-typed arguments and options."""
    options = {name: p for p in command.params if p.param_type_name == "option" for name in p.opts}
    positional = [p for p in command.params if p.param_type_name == "argument"]
    found: list[int] = []
    index, slot, literal = start, 0, False
    while index < len(args):
        word = args[index]
        if not literal and word == "--":
            literal = True
        elif not literal and word.startswith("-") and word != "-":
            option = options.get(word.split("=", 1)[0])
            if option is not None and not option.is_flag and "=" not in word:
                index += 1
                if _is_path(option) and index < len(args):
                    found.append(index)
        else:
            if slot < len(positional):
                if _is_path(positional[slot]):
                    found.append(index)
                if positional[slot].nargs != -1:
                    slot += 1
        index += 1
    return found


def _restore(text: str, places: dict[str, str], carried: Carried) -> str:
    """Put the paths as the person typed them back where the server printed its own."""
    for token, place in places.items():
        if token in carried.typed:
            text = text.replace(place, carried.typed[token])
    return text


def _report_problem(server: Server, error: urllib.error.HTTPError) -> int:
    """A refused request as one error line and the exit status the same error has alone."""
    try:
        detail = json.loads(error.read()).get("detail") or error.reason
    except (ValueError, AttributeError):
        detail = error.reason
    if error.code == 404:
        detail = f"{server.url} has no /v1/cli; is it a Frameline server of this version?"
    elif error.code in (401, 403):
        detail = f"{detail} (the CLI uses FRAMELINE_API_KEY or admin.key, an admin key)"
    code = _EXIT_BY_STATUS.get(error.code, INTERNAL_ERROR_EXIT if error.code >= 500 else 1)
    return error_line(str(detail), code)


def paths_not_carried(app: Any, args: list[str], tokens: Collection[str]) -> list[str]:
    """Path arguments of a line sent to the server that are not files it carried.

    The server must never read or write its own files for a caller: a line sent to `/v1/cli`
    names files only by the placeholders of files it brought (or asked back), never by path.
    """
    command, start = _leaf_command(app, args)
    if command is None:
        return []
    path_options = {
        name
        for param in command.params
        if param.param_type_name == "option" and _is_path(param)
        for name in param.opts
    }
    inline = [
        word for word in args[start:] if "=" in word and word.split("=", 1)[0] in path_options
    ]
    named = [args[i] for i in _path_positions(command, args, start) if args[i] not in tokens]
    return inline + named
