"""What every command shares: one-line errors, JSON output and the wired Frameline."""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

import typer
from typer.core import TyperGroup

from core.errors import FramelineError, InvalidInput
from frameline.console import INTERNAL_ERROR_EXIT, debug_enabled, error_line

P = ParamSpec("P")
R = TypeVar("R")

# The server's own Frameline while a command runs inside `frameline serve` (frameline/served.py).
_SERVED: ContextVar[Any] = ContextVar("frameline_served", default=None)


class CommandGroup(TyperGroup):
    """A command group whose `--help`, when not given, is plain False.

    Typer's help flag has no default, so an absent `--help` is None, and coercing None builds a
    pydantic TypeAdapter: `frameline search --help` spent ~0.1 s of its time importing pydantic
    for the `frameline` group's unused flag.
    """

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        if option is not None:
            option.default = False
        return option


def command_group(**settings: Any) -> typer.Typer:
    """A typer app for a group of commands (`frameline script …`, `frameline budget …`)."""
    return typer.Typer(cls=CommandGroup, **settings)


def quiet_libraries() -> None:
    """Keep stderr to our one line: libraries' warnings, logs and progress bars stay silent.

    Inside a server nothing changes: its logs are its own, and its environment is set.
    """
    if _SERVED.get() is not None:
        return
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("DIFFUSERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    if not debug_enabled():
        warnings.filterwarnings("ignore")
        logging.disable(logging.CRITICAL)


def fail(message: str, code: int) -> typer.Exit:
    """Print the one error line and give the exit to raise."""
    return typer.Exit(error_line(message, code))


def handles_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn Frameline's errors (and surprises) into one stderr line and a non-zero exit."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        quiet_libraries()
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except FramelineError as error:
            raise fail(error.message, error.exit_code) from None
        except Exception as error:
            if debug_enabled():
                raise
            from pydantic import ValidationError

            if isinstance(error, ValidationError):
                problems = "; ".join(
                    f"FRAMELINE_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
                    for e in error.errors()
                )
                raise fail(f"invalid settings: {problems}", InvalidInput.exit_code) from None
            raise fail(
                f"internal error ({type(error).__name__}: {error}); "
                "run with FRAMELINE_DEBUG=1 for details",
                INTERNAL_ERROR_EXIT,
            ) from None

    return wrapper


def print_json(document: Any) -> None:
    """One JSON document on stdout and nothing else."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n")


def print_table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> None:
    """A plain aligned table for people reading a terminal."""
    cells = [[str(h) for h in headers], *[["" if c is None else str(c) for c in r] for r in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for index, row in enumerate(cells):
        typer.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if index == 0:
            typer.echo("  ".join("-" * w for w in widths))


@contextmanager
def serving(frameline: Any) -> Iterator[None]:
    """Commands run in this context use the server's warm Frameline instead of opening one."""
    token = _SERVED.set(frameline)
    try:
        yield
    finally:
        _SERVED.reset(token)


@contextmanager
def wired() -> Iterator[Any]:
    """Frameline opened on the configured home, closed when the command ends.

    Inside a server it is the server's own Frameline, open for as long as the server runs.
    """
    served = _SERVED.get()
    if served is not None:
        yield served
        return
    from frameline.settings import Settings
    from frameline.wiring import open_frameline

    with open_frameline(Settings()) as frameline:
        yield frameline


JsonOption = typer.Option("--json", help="Print one JSON document on stdout.")


RoleOption = typer.Option("--as", help="Act with this role: writer, director, producer, admin.")


def cli_actor(role: str = "admin") -> Any:
    """The CLI acts as person `local`, as admin unless --as says otherwise."""
    from memory.store import check_role
    from tools.context import Actor

    return Actor("local", check_role(role))
