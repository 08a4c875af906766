"""Fixtures shared by the whole suite: a temporary FRAMELINE_HOME and the real CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

DEMO = Path(__file__).resolve().parents[1] / "frameline" / "demo"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty FRAMELINE_HOME of the test's own; no setting leaks in from the machine."""
    import os

    for name in list(os.environ):
        if name.startswith("FRAMELINE_"):
            monkeypatch.delenv(name)
    path = tmp_path / "home"
    monkeypatch.setenv("FRAMELINE_HOME", str(path))
    monkeypatch.chdir(tmp_path)
    return path


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
    """Runs `frameline` in-process through typer's CliRunner, as a person would type it."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str) -> Outcome:
        from frameline.cli import app

        result = self.runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
        return Outcome(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def cli(home: Path) -> Iterator[Cli]:
    """The `frameline` command on the test's home."""
    yield Cli()


@pytest.fixture
def demo_script() -> Path:
    """The demo production's screenplay."""
    return DEMO / "demo.fountain"
