"""One real app per test module, on its own home with the demo loaded, and keys of every role."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.main import create_app
from frameline.commands.server import ADMIN_KEY_FILE, first_start
from frameline.settings import Settings
from frameline.wiring import open_frameline
from memory.keys import create_key
from memory.store import get_or_create_project

OTHER_PROJECT = "other"


@dataclass(frozen=True)
class Keys:
    """API keys on the demo production by role, and one of another project."""

    admin: str
    writer: str
    director: str
    producer: str
    other_project: str

    def header(self, role: str = "admin") -> dict[str, str]:
        """The Authorization header of a role's key."""
        return {"Authorization": f"Bearer {getattr(self, role)}"}


@pytest.fixture(scope="module")
def api_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A FRAMELINE_HOME for the module; no FRAMELINE_ setting leaks in from the machine."""
    home = tmp_path_factory.mktemp("api") / "home"
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith("FRAMELINE_"):
                patch.delenv(name)
        patch.setenv("FRAMELINE_HOME", str(home))
        yield home


@pytest.fixture(scope="module")
def frameline(api_home: Path) -> Iterator[Any]:
    """Frameline as `serve` starts it on an empty home: the demo loaded and admin.key written."""
    with open_frameline(Settings()) as wired:
        wired.own_memory()
        first_start(wired, load_demo_production=True)
        yield wired


@pytest.fixture(scope="module")
def keys(frameline: Any, api_home: Path) -> Keys:
    """The admin key `serve` wrote, keys of each role on demo, and a key of another project."""
    with frameline.transaction() as session:
        get_or_create_project(session, OTHER_PROJECT)
        made = {
            role: create_key(session, role=role, name=f"{role}-person", project="demo")
            for role in ("writer", "director", "producer")
        }
        other = create_key(session, role="admin", name="outsider", project=OTHER_PROJECT)
    admin = (api_home / ADMIN_KEY_FILE).read_text().strip()
    return Keys(admin=admin, other_project=other, **made)


@pytest.fixture(scope="module")
def app(frameline: Any) -> FastAPI:
    """The real app, as `serve` builds it."""
    return create_app(frameline)


@pytest.fixture(scope="module")
def client(app: FastAPI, keys: Keys) -> Iterator[TestClient]:
    """A client of the app with its lifespan running, signed in as admin by default."""
    with TestClient(app, headers=keys.header("admin")) as test_client:
        yield test_client
