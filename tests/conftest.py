"""Fixtures shared by the whole suite: a temporary FRAMELINE_HOME and the real CLI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cli_runner import DEMO, Cli

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty FRAMELINE_HOME of the test's own; no setting leaks in from the machine."""
    for name in list(os.environ):
        if name.startswith("FRAMELINE_"):
            monkeypatch.delenv(name)
    path = tmp_path / "home"
    monkeypatch.setenv("FRAMELINE_HOME", str(path))
    monkeypatch.chdir(tmp_path)
    return path


@pytest.fixture
def cli(home: Path) -> Cli:
    """The `frameline` command on the test's home."""
    return Cli()


@pytest.fixture
def demo_script() -> Path:
    """The demo production's screenplay."""
    return DEMO / "demo.fountain"
