"""The `frameline` command line."""

from __future__ import annotations

import sys

import click
import typer

from frameline.commands import (
    agent_commands,
    budget_commands,
    cast,
    continuity_commands,
    frames,
    memory_commands,
    projects,
    screenplay,
    server,
    slack_commands,
    worker_commands,
)
from frameline.commands.support import INTERNAL_ERROR_EXIT, debug_enabled, fail

app = typer.Typer(
    name="frameline",
    help="Frameline: an AI production assistant for film and TV pre-production.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

for module in (
    screenplay,
    memory_commands,
    cast,
    projects,
    frames,
    server,
    continuity_commands,
    budget_commands,
    agent_commands,
    slack_commands,
    worker_commands,
):
    module.register(app)


def main() -> None:
    """Entry point: usage errors and surprises also end as one stderr line."""
    try:
        status = app(standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as error:
        try:
            raise fail(error.format_message(), error.exit_code) from None
        except typer.Exit as done:
            sys.exit(done.exit_code)
    except click.exceptions.Abort:
        sys.stderr.write("error: aborted\n")
        sys.exit(130)
    except Exception as error:
        if debug_enabled():
            raise
        sys.stderr.write(f"error: internal error ({type(error).__name__}: {error})\n")
        sys.exit(INTERNAL_ERROR_EXIT)
    # Outside standalone mode click hands back a command's exit status instead of exiting.
    sys.exit(status if isinstance(status, int) else 0)
