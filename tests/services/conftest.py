"""Real Redis, PostgreSQL and Chroma servers for the services tests, started once per session.

Each test gets its own database (a copy of a migrated template, or of one with the demo loaded),
its own Redis database number and an emptied Chroma server, so tests run in any order.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.services import (
    PostgresServer,
    ServiceMissing,
    chroma_server,
    clear_chroma,
    postgres_server,
    redis_server,
    worker_command,
    worker_env,
)

WORKER_START_SECONDS = 60.0
_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A Redis server's URL (no database number): redis://127.0.0.1:PORT."""
    try:
        with redis_server() as url:
            yield url
    except ServiceMissing as missing:
        pytest.fail(str(missing))


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL cluster of the session."""
    try:
        with postgres_server() as server:
            yield server
    except ServiceMissing as missing:
        pytest.fail(str(missing))


@pytest.fixture(scope="session")
def chroma_url() -> Iterator[str]:
    """A Chroma server's URL: http://127.0.0.1:PORT."""
    try:
        with chroma_server() as url:
            yield url
    except ServiceMissing as missing:
        pytest.fail(str(missing))


@pytest.fixture(scope="session")
def records_template(postgres: PostgresServer) -> str:
    """A database migrated to the newest schema, the template of every test's empty database."""
    from memory.database import open_engine, upgrade

    name = "frameline_template"
    engine = open_engine(postgres.create_database(name))
    upgrade(engine)
    engine.dispose()
    return name


@dataclass(frozen=True)
class DemoTemplate:
    """A database with the demo production loaded, and the home holding its files."""

    database: str
    home: Path


@pytest.fixture(scope="session")
def demo_template(
    postgres: PostgresServer,
    chroma_url: str,
    records_template: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> DemoTemplate:
    """The demo production loaded once on Postgres and the Chroma server."""
    from frameline.demo import load_demo
    from frameline.settings import Settings
    from frameline.wiring import open_frameline

    home = tmp_path_factory.mktemp("demo-template") / "home"
    database = "frameline_demo"
    settings = Settings(
        home=home,
        database_url=postgres.create_database(database, template=records_template),
        chroma_url=chroma_url,
        broker_url=None,
        image_backend="previz",
    )
    with open_frameline(settings) as frameline:
        load_demo(frameline)
    return DemoTemplate(database, home)


@dataclass(frozen=True)
class Stores:
    """The servers one test uses: its own database, the (emptied) Chroma server, a broker."""

    database_url: str
    chroma_url: str
    broker_url: str

    def use(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Point FRAMELINE_DATABASE_URL and FRAMELINE_CHROMA_URL at these servers."""
        monkeypatch.setenv("FRAMELINE_DATABASE_URL", self.database_url)
        monkeypatch.setenv("FRAMELINE_CHROMA_URL", self.chroma_url)


@pytest.fixture
def empty_stores(
    postgres: PostgresServer, chroma_url: str, redis_url: str, records_template: str
) -> Stores:
    """A new migrated database with nothing in it, and an empty Chroma server."""
    number = next(_numbers)
    clear_chroma(chroma_url)
    database = postgres.create_database(f"test_{number}", template=records_template)
    return Stores(database, chroma_url, f"{redis_url}/{number % 256}")


@pytest.fixture
def demo_stores(
    home: Path,
    postgres: PostgresServer,
    chroma_url: str,
    redis_url: str,
    demo_template: DemoTemplate,
) -> Stores:
    """A copy of the demo database and files in the test's home; the memory re-indexes on use."""
    import psycopg

    number = next(_numbers)
    clear_chroma(chroma_url)
    shutil.copytree(demo_template.home, home, dirs_exist_ok=True)
    database = postgres.create_database(f"test_{number}", template=demo_template.database)
    with psycopg.connect(database, autocommit=True) as connection:
        connection.execute("UPDATE projects SET indexed_revision = -1")
    return Stores(database, chroma_url, f"{redis_url}/{number % 256}")


class Workers:
    """`frameline worker` processes on the test's settings, stopped when the test ends."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, **settings: str) -> subprocess.Popen[bytes]:
        """Start a worker and wait until its heartbeat says it serves the queue."""
        from redis import Redis

        from tools.celery_jobs import live_workers

        node = f"{name}@test"
        env = worker_env({f"FRAMELINE_{k.upper()}": v for k, v in settings.items()})
        log = (self.folder / f"{name}.log").open("wb")
        process = subprocess.Popen(
            worker_command("worker", "--name", node, "--loglevel", "warning"),
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=self.folder,
            start_new_session=True,  # its own process group: a SIGKILL takes all of it
        )
        self.running[name] = process
        client = Redis.from_url(env["FRAMELINE_BROKER_URL"])
        deadline = time.monotonic() + WORKER_START_SECONDS
        try:
            while time.monotonic() < deadline:
                if any(w["name"] == node for w in live_workers(client)):
                    return process
                assert process.poll() is None, self.log(name)
                time.sleep(0.1)
        finally:
            client.close()
        raise AssertionError(f"worker {name} did not start:\n{self.log(name)}")

    def kill(self, name: str) -> None:
        """SIGKILL the worker's whole process group, as a crash or OOM kill would."""
        process = self.running[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def log(self, name: str) -> str:
        """What the worker printed."""
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop_all(self) -> None:
        """Warm shutdown for each (SIGTERM), then SIGKILL for any that lingers."""
        for process in self.running.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for name, process in self.running.items():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            print(f"--- worker {name} ---\n{self.log(name)}")


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Workers]:
    """Start `frameline worker` processes with `workers.start(name)`; all stop afterwards."""
    folder = tmp_path / "workers"
    folder.mkdir()
    started = Workers(folder)
    yield started
    started.stop_all()


@pytest.fixture
def scale_studio(home: Path, demo_stores: Stores, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Frameline on Postgres, the Chroma server and a Redis broker, with the demo loaded."""
    from frameline.settings import Settings
    from frameline.wiring import open_frameline

    demo_stores.use(monkeypatch)
    monkeypatch.setenv("FRAMELINE_BROKER_URL", demo_stores.broker_url)
    monkeypatch.setenv("FRAMELINE_WORKER_LOST_AFTER", "3")
    with open_frameline(Settings()) as frameline:
        yield frameline
