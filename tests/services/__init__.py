"""Throw-away Redis, PostgreSQL and Chroma servers on free ports in temporary folders.

The services tests (through their fixtures) and bench/scale.py start their own servers from the
Debian packages and the installed chromadb. A missing server program is an error that says how
to install it, never a silent skip.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

SETUP_HINT = "run bash scripts/setup.sh --services"
START_SECONDS = 60.0
REPO = Path(__file__).resolve().parents[2]


class ServiceMissing(RuntimeError):
    """A server program the services tests need is not installed."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait(
    ready: Callable[[], bool], what: str, process: subprocess.Popen[bytes], log: Path
) -> None:
    """Wait until `ready()`; a server that exits or never answers is an error with its log."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        with suppress(Exception):
            if ready():
                return
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
    raise RuntimeError(f"{what} did not start:\n{tail}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def redis_server() -> Iterator[str]:
    """A Redis without persistence; yields its URL without a database number."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise ServiceMissing(f"redis-server is not installed; {SETUP_HINT}")
    folder = Path(tempfile.mkdtemp(prefix="frameline-redis-"))
    port = free_port()
    log = folder / "redis.log"
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder)]
    command += ["--save", "", "--appendonly", "no", "--databases", "256", "--logfile", str(log)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        from redis import Redis

        def answers() -> bool:
            with Redis(port=port, socket_connect_timeout=1) as client:
                return bool(client.ping())

        _wait(answers, "redis-server", process, log)
        yield f"redis://127.0.0.1:{port}"
    finally:
        _stop(process)
        shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class PostgresServer:
    """A running PostgreSQL cluster that trusts local connections as `postgres`."""

    port: int

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy/libpq URL of one database."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database (a copy of `template` when given); returns its URL."""
        import psycopg

        statement = f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(statement)
        return self.url(name)


def _postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb is None:
        raise ServiceMissing(f"PostgreSQL (initdb, pg_ctl) is not installed; {SETUP_HINT}")
    return Path(initdb).parent


def _version_key(path: str) -> int:
    version = Path(path).parts[-3]
    return int(version) if version.isdigit() else 0


def _as_postgres(command: list[str]) -> list[str]:
    """initdb and pg_ctl refuse to run as root: run them as the `postgres` user there."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """A fresh PostgreSQL cluster in a temporary folder, stopped and deleted afterwards."""
    bin_dir = _postgres_bin()
    folder = Path(tempfile.mkdtemp(prefix="frameline-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data, log, port = folder / "data", folder / "postgres.log", free_port()
    initdb = [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]
    initdb += ["-E", "UTF8", "--no-locale", "--no-sync"]
    made = subprocess.run(_as_postgres(initdb), capture_output=True, text=True)
    if made.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"initdb failed: {made.stderr or made.stdout}")
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=300"
    options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    pg_ctl = str(bin_dir / "pg_ctl")
    start = [pg_ctl, "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60", "start"]
    started = subprocess.run(_as_postgres(start), capture_output=True, text=True)
    try:
        if started.returncode != 0:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else started.stderr
            raise RuntimeError(f"PostgreSQL did not start:\n{tail}")
        yield PostgresServer(port)
    finally:
        stop = [pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"]
        subprocess.run(_as_postgres(stop), capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def chroma_server() -> Iterator[str]:
    """`chroma run` of the installed chromadb on a free port; yields its URL."""
    binary = Path(sys.executable).parent / "chroma"
    if not binary.exists():
        found = shutil.which("chroma")
        if found is None:
            raise ServiceMissing(f"the chroma command (chromadb) is not installed; {SETUP_HINT}")
        binary = Path(found)
    folder = Path(tempfile.mkdtemp(prefix="frameline-chroma-"))
    port, log = free_port(), folder / "chroma.log"
    command = [str(binary), "run", "--path", str(folder / "data"), "--host", "127.0.0.1"]
    command += ["--port", str(port)]
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        import httpx

        def answers() -> bool:
            return httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200

        _wait(answers, "chroma run", process, log)
        yield url
    finally:
        _stop(process)
        shutil.rmtree(folder, ignore_errors=True)


def clear_chroma(url: str) -> None:
    """Delete every collection of the Chroma server, so a test starts from an empty memory."""
    import chromadb
    from chromadb.config import Settings

    host, port = url.removeprefix("http://").split(":")
    client = chromadb.HttpClient(
        host=host, port=int(port), settings=Settings(anonymized_telemetry=False)
    )
    for collection in client.list_collections():
        client.delete_collection(collection.name)


def worker_command(*args: str) -> list[str]:
    """The `frameline` command of this venv, as a person would run it."""
    return [str(Path(sys.executable).parent / "frameline"), *args]


def worker_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment for a subprocess running this checkout's code."""
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "PYTHONPATH": path, **(extra or {})}
