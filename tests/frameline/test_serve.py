"""`frameline serve` as a person starts it: first start, admin key, and other commands beside it."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow

FRAMELINE = str(Path(sys.executable).with_name("frameline"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(home: Path) -> Iterator[tuple[str, Path]]:
    """A real `frameline serve` on a free port and an empty home, once it is ready."""
    port = free_port()
    process = subprocess.Popen(
        [FRAMELINE, "serve", "--port", str(port)],
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            # ready: the demo of a first start is loaded (in the background)
            if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    else:
        process.kill()
        pytest.fail(f"frameline serve did not start: {process.stdout.read()}")
    yield url, home
    process.terminate()
    process.wait(timeout=30)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([FRAMELINE, *args], capture_output=True, text=True, timeout=120)


def test_first_start_loads_the_demo_and_writes_a_private_admin_key(server) -> None:
    url, home = server
    key_file = home / "admin.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    assert key and "\n" not in key
    page = httpx.get(f"{url}/", follow_redirects=False)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "demo" in page.text
    projects = httpx.get(f"{url}/v1/projects", headers={"Authorization": f"Bearer {key}"})
    assert [p["slug"] for p in projects.json()["items"]] == ["demo"]
    assert httpx.get(f"{url}/v1/projects").status_code == 401


def test_other_commands_work_beside_the_running_server(server) -> None:
    scenes = run("scenes", "--project", "demo", "--json")
    assert scenes.returncode == 0 and scenes.stdout.startswith("[")
    search = run("search", "harbour", "--project", "demo", "--json")
    assert search.returncode == 0, search.stderr
    assert json.loads(search.stdout)[0]["kind"] in {"scene", "character", "fact", "shot"}


def test_healthz_answers_before_the_models_are_loaded(home: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [FRAMELINE, "serve", "--port", str(port), "--no-demo"],
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        first_line = process.stdout.readline()  # type: ignore[union-attr]
        while "serving on" not in first_line:
            first_line = process.stdout.readline()  # type: ignore[union-attr]
        # "serving on" is printed once the port is bound: the first request is not refused.
        assert httpx.get(f"{url}/healthz", timeout=30).status_code == 200
        early = httpx.get(f"{url}/readyz", timeout=30)
        assert early.status_code == 503 and early.json()["models"] == "loading"
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            ready = httpx.get(f"{url}/readyz", timeout=30)
            if ready.status_code == 200:
                break
            time.sleep(0.5)
        assert ready.json()["models"] == "ready"
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_port_in_use_is_one_clear_line(home: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run("serve", "--port", str(port), "--no-demo")
    assert done.returncode != 0 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and f"port {port}" in done.stderr
    assert not (home / "server.json").exists()
