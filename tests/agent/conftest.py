"""Fixtures of the agent's tests.

Loading the demo production embeds the screenplay (tens of seconds), so it is done once per
session into a template home that every test copies into its own FRAMELINE_HOME.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from frameline.settings import Settings
from frameline.wiring import open_frameline
from tests.fakes.bedrock_server import FakeBedrock
from tools.context import Actor
from tools.jobs import submit_job

PROJECT = "demo"


@pytest.fixture(scope="session")
def agent_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with the demo production and two rendered shots: 3A (v1) and 4A (v2)."""
    from frameline.demo import load_demo

    path = tmp_path_factory.mktemp("agent-template") / "home"
    settings = Settings(home=path, database_url=None, chroma_url=None, image_backend="previz")
    with open_frameline(settings) as frameline:
        load_demo(frameline)
        admin = Actor("local", "admin")
        for scene in ("3", "4"):
            job = submit_job(frameline, admin, PROJECT, "render", {"scene": scene, "seed": 7})
            assert frameline.worker.run(job.job_id).state == "done"
    return path


@pytest.fixture
def agent_home(home: Path, agent_template: Path) -> Path:
    """This test's own FRAMELINE_HOME, a copy of the demo template."""
    shutil.copytree(agent_template, home)
    return home


@pytest.fixture
def agent_studio(agent_home: Path) -> Iterator[Any]:
    """Frameline opened on the test's demo home, as a front end opens it."""
    with open_frameline(Settings()) as frameline:
        yield frameline


BEDROCK_MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0"


@pytest.fixture
def bedrock(agent_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBedrock]:
    """A fake Bedrock runtime that FRAMELINE_CHAT_MODEL points at, with dummy credentials."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(agent_home / "no-credentials"))
    with FakeBedrock() as fake:
        monkeypatch.setenv("FRAMELINE_CHAT_MODEL", f"bedrock:{BEDROCK_MODEL}")
        monkeypatch.setenv("FRAMELINE_BEDROCK_ENDPOINT_URL", fake.url)
        yield fake


@pytest.fixture
def bedrock_studio(bedrock: Any) -> Iterator[Any]:
    """Frameline configured for Bedrock (the fake runtime) on the test's demo home."""
    with open_frameline(Settings()) as frameline:
        yield frameline
