"""Running `frameline` in-process as a person would type it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

DEMO = Path(__file__).resolve().parents[1] / "frameline" / "demo"


@dataclass
class Outcome:
    """What a CLI run printed and how it ended."""

    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """The one JSON document the command printed."""
        assert self.exit_code == 0, self.stderr
        return json.loads(self.stdout)


class Cli:
    """The real `frameline` app through typer's CliRunner."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: object) -> Outcome:
        from frameline.cli import app

        result = self.runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
        return Outcome(result.exit_code, result.stdout, result.stderr)
