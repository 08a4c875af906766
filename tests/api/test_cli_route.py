"""`POST /v1/cli` runs a command line for the local CLI; it never opens the server's own files."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Keys

pytestmark = pytest.mark.slow


def run(client: TestClient, keys: Keys, args: list[str], role: str = "admin") -> object:
    return client.post("/v1/cli", json={"args": args}, headers=keys.header(role))


@pytest.mark.parametrize(
    "args",
    [
        ["ingest", "/etc/hostname", "--project", "demo", "--json"],
        ["export", "--project", "demo", "--format", "csv", "--out", "/tmp/stolen.csv"],
        ["export", "--project", "demo", "--format", "csv", "--out=/tmp/stolen.csv"],
    ],
)
def test_paths_on_the_server_are_refused(
    client: TestClient, keys: Keys, args: list[str], tmp_path: Path
) -> None:
    answer = run(client, keys, args)
    assert answer.status_code == 422, answer.text
    assert "files travel with the command line" in answer.json()["detail"]
    assert not Path("/tmp/stolen.csv").exists()


def test_only_an_admin_key_for_every_project_may_use_it(client: TestClient, keys: Keys) -> None:
    assert run(client, keys, ["projects", "--json"], role="director").status_code == 403
    answered = run(client, keys, ["projects", "--json"])
    assert answered.status_code == 200 and answered.json()["exit_code"] == 0
    assert '"demo"' in answered.json()["stdout"]
