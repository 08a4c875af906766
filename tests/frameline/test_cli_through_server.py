"""The CLI beside a running `frameline serve`: commands run inside it, with the same output.

A real server on a home of its own; the same commands run alone once it has stopped must print
the same JSON (read-only commands), and errors keep their exit status and one stderr line.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.cli_runner import DEMO

pytestmark = pytest.mark.slow

FRAMELINE = str(Path(sys.executable).with_name("frameline"))
READ_ONLY = [
    ("search", "harbour", "--project", "demo", "--json"),
    ("scenes", "--project", "demo", "--json"),
    ("projects", "--json"),
    ("characters", "list", "--project", "demo", "--json"),
    ("facts", "list", "--project", "demo", "--json"),
    ("versions", "--project", "demo", "--shot", "1A", "--json"),
    ("budget", "status", "--project", "demo", "--json"),
    ("budget", "ledger", "--project", "demo", "--json"),
]


def undated(document: object) -> object:
    """A document without its `as_of` time, which differs between any two runs."""
    if isinstance(document, dict):
        return {k: undated(v) for k, v in document.items() if k != "as_of"}
    return document


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRAMELINE_")}
    return {**env, "FRAMELINE_HOME": str(home)}


def start_server(env: dict[str, str], cwd: Path) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    process = subprocess.Popen(
        [FRAMELINE, "serve", "--port", str(port), "--no-demo"],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    pytest.fail(f"frameline serve did not start: {process.stdout.read()}")  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """A server with the demo script ingested and one frame rendered, all through the CLI."""
    root = tmp_path_factory.mktemp("through")
    env = clean_env(root / "home")
    process, url = start_server(env, root)

    def cli(*args: str, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [FRAMELINE, *args],
            env={**env, **(extra or {})},
            cwd=root,
            capture_output=True,
            text=True,
            timeout=300,
        )

    state = {"cli": cli, "url": url, "root": root, "env": env, "process": process}
    yield state
    last = state["process"]  # a test may have stopped it and started another
    if last.poll() is None:
        last.terminate()
        last.wait(timeout=60)


def test_memory_commands_run_in_the_server_and_match_running_alone(served) -> None:
    cli, root = served["cli"], served["root"]
    (root / "demo.fountain").write_bytes((DEMO / "demo.fountain").read_bytes())

    first = cli("ingest", "demo.fountain", "--project", "demo", "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["project"] == "demo" and report["added"] == report["scenes"] > 0
    again = json.loads(cli("ingest", "demo.fountain", "--project", "demo", "--json").stdout)
    assert (again["added"], again["changed"], again["removed"]) == (0, 0, 0)

    rendered = cli("render", "--project", "demo", "--scene", "1", "--seed", "7", "--json")
    assert rendered.returncode == 0, rendered.stderr
    version = json.loads(rendered.stdout)
    assert version["shot"] == "1A" and Path(version["image_path"]).is_file()
    revised = cli("revise", version["version_id"], "--instruction", "make it darker", "--json")
    assert revised.returncode == 0, revised.stderr
    assert json.loads(revised.stdout)["parent_id"] == version["version_id"]

    asked = cli("ask", "find the harbour scene", "--project", "demo", "--json")
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout)["reply"]

    exported = cli("export", "--project", "demo", "--format", "csv", "--out", "shots.csv")
    assert exported.returncode == 0, exported.stderr
    assert "1A" in (root / "shots.csv").read_text()

    # The server owns the embedded memory: a search alone would be refused, so these ran in it.
    through = {args: cli(*args) for args in READ_ONLY}
    for args, done in through.items():
        assert done.returncode == 0, (args, done.stderr)
    hits = json.loads(through[READ_ONLY[0]].stdout)
    assert hits and hits[0]["kind"] in {"scene", "character", "fact", "shot"}

    served["process"].terminate()
    served["process"].wait(timeout=60)
    for args, done in through.items():
        alone = cli(*args)
        assert alone.returncode == 0, (args, alone.stderr)
        assert undated(json.loads(alone.stdout)) == undated(json.loads(done.stdout)), args


def test_errors_keep_their_exit_status_and_one_line(served) -> None:
    if served["process"].poll() is not None:
        served["process"], served["url"] = start_server(served["env"], served["root"])
    cli = served["cli"]
    missing = cli("search", "harbour", "--project", "nope", "--json")
    assert missing.returncode == 3 and missing.stdout == ""
    assert missing.stderr.count("\n") == 1 and "nope" in missing.stderr
    no_file = cli("ingest", "absent.fountain", "--project", "demo")
    assert no_file.returncode == 3 and "absent.fountain" in no_file.stderr

    wrong_key = cli("scenes", "--project", "demo", extra={"FRAMELINE_API_KEY": "fl_wrong"})
    assert wrong_key.returncode == 4 and wrong_key.stdout == ""
    assert wrong_key.stderr.startswith("error: ") and wrong_key.stderr.count("\n") == 1


def test_a_server_named_by_url_is_used_with_its_key(served, tmp_path: Path) -> None:
    if served["process"].poll() is not None:
        served["process"], served["url"] = start_server(served["env"], served["root"])
    key = (served["root"] / "home" / "admin.key").read_text().strip()
    elsewhere = {"FRAMELINE_HOME": str(tmp_path / "other"), "FRAMELINE_URL": served["url"]}
    done = served["cli"]("scenes", "--project", "demo", "--json", extra=elsewhere)
    assert done.returncode == 4  # no key at all: refused, not run on the empty home
    done = served["cli"](
        "scenes", "--project", "demo", "--json", extra={**elsewhere, "FRAMELINE_API_KEY": key}
    )
    assert done.returncode == 0, done.stderr
    assert [s["number"] for s in json.loads(done.stdout)][:1] == ["1"]
    assert not (tmp_path / "other").exists()
