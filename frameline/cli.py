"""The `frameline` command line.

Start-up stays instant because command modules import only typer and `support` at their top;
everything heavy (the records, Chroma, MiniLM, torch) is imported inside the command that needs it.
tests/frameline/test_import_time.py holds every module to that.

To add commands: write `register(app)` in a module of frameline/commands/ and list the module
below. Top-level commands that need the memory or models go in THROUGH_SERVER: beside a running
`frameline serve` they run inside it (warm), with the same output and exit code.
"""

from __future__ import annotations

import sys

import typer

from frameline.commands import (
    agent_commands,
    budget_commands,
    cast,
    continuity_commands,
    exports,
    frames,
    mcp_commands,
    memory_commands,
    projects,
    provenance_commands,
    screenplay,
    server,
    slack_commands,
    worker_commands,
)
from frameline.commands.support import CommandGroup, fail
from frameline.console import INTERNAL_ERROR_EXIT, debug_enabled

app = typer.Typer(
    name="frameline",
    help="Frameline: an AI production assistant for film and TV pre-production.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    cls=CommandGroup,
)

for module in (
    screenplay,
    memory_commands,
    cast,
    projects,
    provenance_commands,
    frames,
    server,
    continuity_commands,
    budget_commands,
    exports,
    agent_commands,
    mcp_commands,
    slack_commands,
    worker_commands,
):
    module.register(app)

# Top-level commands that run inside a running server when there is one (see frameline/remote.py).
THROUGH_SERVER = frozenset(
    {
        "ingest",
        "scenes",
        "search",
        "projects",
        "render",
        "revise",
        "versions",
        "approve",
        "lock",
        "unlock",
        "export",
        "ask",
        "approvals",
        "memory",
        "characters",
        "facts",
        "continuity",
        "budget",
        "queue",
        "provenance",
    }
)


def run(args: list[str]) -> int:
    """Run one command line in this process; errors are printed as one line; returns the exit."""
    try:
        status = app(args, prog_name="frameline", standalone_mode=False)
    except typer.Exit as done:
        return done.exit_code
    except typer.Abort:
        sys.stderr.write("error: aborted\n")
        return 130
    except typer.TyperException as error:
        # Typer carries its own copy of click: its usage and file errors are TyperExceptions.
        return _usage_error(error)
    except Exception as error:
        if debug_enabled():
            raise
        sys.stderr.write(f"error: internal error ({type(error).__name__}: {error})\n")
        return INTERNAL_ERROR_EXIT
    # Outside standalone mode click hands back a command's exit status instead of exiting.
    return status if isinstance(status, int) else 0


def _usage_error(error: typer.TyperException) -> int:
    """A command line typer could not take: one stderr line with the usage, exit 2."""
    format_message = getattr(error, "format_message", None)
    message = format_message() if callable(format_message) else str(error)
    context = getattr(error, "ctx", None)
    if context is not None:
        usage = " ".join(context.get_usage().split())
        message = f"{message} ({usage}; see {context.command_path} --help)"
    try:
        raise fail(message, int(getattr(error, "exit_code", 2) or 2)) from None
    except typer.Exit as done:
        return done.exit_code


def main() -> None:
    """Entry point: through a running server when there is one for the command, else here."""
    args = sys.argv[1:]
    from frameline import remote

    if remote.goes_through_server(args, THROUGH_SERVER):
        found = remote.find_server()
        if found is not None:
            sys.exit(remote.run_through(found, app, args))
    sys.exit(run(args))
