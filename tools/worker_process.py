"""Running CPU-heavy work on untrusted input in a separate process with a time budget.

A regex or parser that runs away holds the GIL, so a thread cannot be stopped and starves every
other request; a process can be killed. Work goes to a fork server that has the readers imported
already, so a child starts in milliseconds.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from core.errors import FramelineError, InvalidInput

T = TypeVar("T")

_PRELOAD = ["tools.scripts"]


def run_bounded(function: Callable[..., T], *args: Any, seconds: float, what: str) -> T:
    """`function(*args)` in a child process; InvalidInput naming `what` when it takes longer than
    `seconds` or the child dies. Frameline errors raised in the child are raised here as they are.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_run, args=(sender, function, args), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise InvalidInput(
                f"{what}: reading it took longer than {seconds:g} s, so it was stopped; "
                "split the file or simplify its longest lines"
            )
        outcome, value = receiver.recv()
    except EOFError:
        raise InvalidInput(f"{what}: it could not be read (the reader stopped)") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        receiver.close()
    if outcome == "ok":
        return value
    if outcome == "error":
        raise value
    raise RuntimeError(f"reading {what} failed in the worker process: {value}")


def _run(sender: Connection, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """The child: send back ("ok", result), ("error", FramelineError) or ("crash", text)."""
    try:
        message: tuple[str, Any] = ("ok", function(*args))
    except FramelineError as error:
        message = ("error", error)
    except Exception as error:  # noqa: BLE001 - the parent reports it as a server fault
        message = ("crash", repr(error))
    try:
        sender.send(message)
    except OSError:
        pass  # the parent gave up (time budget) or stopped (SIGTERM): nobody waits for this
    finally:
        sender.close()
