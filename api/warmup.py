"""What a server does after it already answers: loading models, the demo on a first start.

`frameline serve` answers /healthz at once and lets /readyz say "loading" until this is done,
so a person is never left waiting on a silent port.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

log = logging.getLogger("frameline.warmup")


class Warmup:
    """Steps run once in a background thread; `state` is loading, ready, or what went wrong."""

    def __init__(self, steps: Sequence[Callable[[], object]]) -> None:
        self.steps = list(steps)
        self.state = "loading"
        self.done = threading.Event()

    def start(self) -> None:
        """Begin the steps in a daemon thread (a stopping server does not wait for them)."""
        threading.Thread(target=self._run, name="frameline-warmup", daemon=True).start()

    def _run(self) -> None:
        try:
            for step in self.steps:
                step()
            self.state = "ready"
        except Exception as error:  # the server keeps serving; readiness says why
            log.exception("warming up failed")
            self.state = f"failed: {type(error).__name__}: {error}"
        finally:
            self.done.set()
