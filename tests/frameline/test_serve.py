"""`frameline serve` as a person starts it: first start, admin key, and other commands beside it."""

from __future__ import annotations

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
    """A real `frameline serve` on a free port and an empty home."""
    port = free_port()
    process = subprocess.Popen(
        [FRAMELINE, "serve", "--port", str(port)],
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
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


def test_other_commands_work_or_name_the_running_server(server) -> None:
    url, _ = server
    scenes = run("scenes", "--project", "demo", "--json")
    assert scenes.returncode == 0 and scenes.stdout.startswith("[")
    search = run("search", "harbour", "--project", "demo", "--json")
    assert search.returncode != 0 and search.stdout == ""
    lines = search.stderr.strip().splitlines()
    assert len(lines) == 1 and url in lines[0] and "running server" in lines[0]
