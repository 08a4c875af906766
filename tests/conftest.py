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


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real diffusers SD 1.x folder with tiny random weights, built once per session."""
    from tests.fakes.tiny_pipeline import tiny_sd_model_dir

    return tiny_sd_model_dir(tmp_path_factory)


@pytest.fixture
def studio(home: Path):
    """Frameline wired on the test's home with the demo screenplay, cast and facts loaded."""
    from frameline.demo import load_demo
    from frameline.settings import Settings
    from frameline.wiring import open_frameline

    with open_frameline(Settings()) as frameline:
        load_demo(frameline)
        yield frameline
