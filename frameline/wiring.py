"""The composition root: the one place that builds the database, vector store and backends.

Everything else receives what it needs from here. An embedded Chroma store may be owned by one
process only, so whoever opens it takes a lock in FRAMELINE_HOME; a running server keeps it, and
other commands that need it say so in one line instead of corrupting it.
"""

from __future__ import annotations

import fcntl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from core.errors import Conflict, InvalidInput
from frameline.remote import running_server
from frameline.settings import Settings
from memory.assets import AssetStore
from memory.database import open_engine, session_factory, transaction, upgrade

VECTOR_LOCK = "vectors.lock"
LOCK_WAIT_SECONDS = 60.0


def _take_vector_lock(home: Path) -> IO[str]:
    """Own the embedded vector store, waiting briefly for another command but not for a server."""
    handle = (home / VECTOR_LOCK).open("a+")
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return handle
        except BlockingIOError:
            server = running_server(home)
            if server is not None or time.monotonic() > deadline:
                handle.close()
                where = (
                    f"the running server (pid {server['pid']}, {server['url']})"
                    if server
                    else "another frameline process"
                )
                raise Conflict(
                    f"the embedded memory in {home} is in use by {where}; use its API, "
                    "stop it, or set FRAMELINE_CHROMA_URL to share a Chroma server"
                ) from None
            time.sleep(0.2)


@dataclass
class Frameline:
    """What one process of Frameline works with; built by `open_frameline`."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    assets: AssetStore
    _vectors: Any = None
    _vector_lock: IO[str] | None = None
    _backend: Any = None
    _worker: Any = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A unit of work on the records."""
        with transaction(self.sessions) as session:
            yield session

    @property
    def vectors(self) -> Any:
        """The vector memory, opened on first use (a Chroma server, or the embedded store)."""
        if self._vectors is None:
            from memory.vectors import VectorMemory

            if self.settings.chroma_url:
                self._vectors = VectorMemory.open(url=self.settings.chroma_url)
            else:
                self._vector_lock = _take_vector_lock(self.settings.home)
                self._vectors = VectorMemory.open(path=self.settings.vectors_path)
        return self._vectors

    def own_memory(self) -> Any:
        """Open the vector memory now: a server keeps the embedded store for as long as it runs."""
        return self.vectors

    def image_backend(self) -> Any:
        """The configured image backend, built once (its weights load on first use)."""
        with self._lock:
            if self._backend is None:
                self._backend = build_image_backend(self.settings)
            return self._backend

    @property
    def worker(self) -> Any:
        """Where jobs run: Celery workers when FRAMELINE_BROKER_URL is set, else this process."""
        with self._lock:
            if self._worker is None:
                from tools.celery_jobs import make_worker

                self._worker = make_worker(self)
            if self._worker is None:
                from tools.jobs import InProcessWorker

                self._worker = InProcessWorker(self)
            return self._worker

    def close(self) -> None:
        """Stop the worker, release the vector store and the database connections."""
        if self._worker is not None:
            self._worker.close()
            self._worker = None
        self._vectors = None
        if self._vector_lock is not None:
            self._vector_lock.close()
            self._vector_lock = None
        self.engine.dispose()


def build_image_backend(settings: Settings) -> Any:
    """The backend FRAMELINE_IMAGE_BACKEND names, configured from the settings."""
    if settings.image_backend == "diffusers":
        from tools.backends.diffusers import DiffusersBackend

        if settings.diffusers_model is None:
            raise InvalidInput(
                "FRAMELINE_IMAGE_BACKEND is diffusers but FRAMELINE_DIFFUSERS_MODEL is not set; "
                "point it at a local diffusers folder or .safetensors file"
            )
        return DiffusersBackend(
            settings.diffusers_model,
            config_path=settings.diffusers_config,
            device=settings.device,
            ip_adapter=settings.ip_adapter,
        )
    if settings.image_backend == "bedrock":
        from tools.backends.bedrock import BedrockImageBackend

        return BedrockImageBackend(
            region=settings.aws_region, endpoint_url=settings.bedrock_endpoint_url
        )
    from tools.backends.previz import PrevizBackend

    return PrevizBackend()


def prepare_home(settings: Settings) -> None:
    """Create the data folder, private to its owner (it holds keys and unreleased material)."""
    settings.home.mkdir(parents=True, exist_ok=True, mode=0o700)


@contextmanager
def open_frameline(settings: Settings | None = None) -> Iterator[Frameline]:
    """Open Frameline on a home: migrate the records, then hand out the wired parts."""
    settings = settings or Settings()
    prepare_home(settings)
    engine = open_engine(settings.records_url)
    upgrade(engine)
    frameline = Frameline(
        settings=settings,
        engine=engine,
        sessions=session_factory(engine),
        assets=AssetStore(settings.assets_path),
    )
    try:
        yield frameline
    finally:
        frameline.close()
