"""The CLI door: a gated `render` prints its approval and exits 0, `approvals resolve` by a
producer runs the released job itself (no server or worker needed); `lock` and `unlock`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_runner import Cli
from tests.policy_cases import GATE_IDS, GATES, TIGHT_BUDGET, GateCase, arm

pytestmark = pytest.mark.slow


@pytest.fixture
def ingested(cli: Cli, demo_script: Path) -> Cli:
    assert cli("ingest", demo_script, "--project", "demo", "--json").exit_code == 0
    return cli


def ledger_size(cli: Cli) -> int:
    return len(cli("budget", "ledger", "--project", "demo", "--json").json())


@pytest.mark.parametrize("case", GATES, ids=GATE_IDS)
def test_a_gated_cli_render_waits_then_a_producer_releases_it(
    ingested: Cli, case: GateCase, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    arm(monkeypatch, case)
    if case.tight_budget:
        budget = tmp_path / "tight.csv"
        budget.write_bytes(TIGHT_BUDGET)
        assert ingested("budget", "import", budget, "--project", "demo").exit_code == 0
    before = ledger_size(ingested)
    count = str(case.count)
    render = ["render", "--project", "demo", "--scene", "3", "--count", count, "--json"]
    asked = ingested(*render, "--as", "writer")
    assert asked.exit_code == 0, asked.stderr
    document = asked.json()
    assert set(document) == {"job_id", "approval"}
    assert document["approval"]["needs_role"] == "producer"
    assert case.reason in document["approval"]["reason"]
    assert ledger_size(ingested) == before

    resolve = ["approvals", "resolve", document["approval"]["approval_id"], "--json"]
    for role in ("writer", "director"):
        refused = ingested(*resolve, "--decision", "approve", "--as", role)
        assert refused.exit_code != 0 and refused.stdout == ""
        assert "producer" in refused.stderr
    assert ledger_size(ingested) == before

    released = ingested(*resolve, "--decision", "approve", "--as", "producer").json()
    assert released["approval"]["state"] == "approved"
    job = released["job"]
    assert job["job_id"] == document["job_id"] and job["state"] == "done"
    assert len(job["result"]["versions"]) == case.count
    assert ledger_size(ingested) == before + case.count


def test_count_prints_a_list_of_versions(ingested: Cli) -> None:
    made = ingested("render", "--project", "demo", "--scene", "2", "--count", "2", "--json")
    versions = made.json()
    assert isinstance(versions, list) and len(versions) == 2
    assert versions[0]["shot"] == versions[1]["shot"]
    refused = ingested("render", "--project", "demo", "--scene", "2", "--count", "9", "--json")
    assert refused.exit_code != 0 and refused.stdout == ""


def test_lock_needs_approval_one_lock_per_shot_and_unlock_needs_a_reason(ingested: Cli) -> None:
    first, second = ingested(
        "render", "--project", "demo", "--scene", "2", "--count", "2", "--json"
    ).json()
    draft = ingested("lock", first["version_id"], "--json")
    assert draft.exit_code == 5 and "approve it before locking" in draft.stderr
    locked = ingested("lock", first["version_id"], "--approve", "--as", "director", "--json")
    assert locked.json()["status"] == "locked"

    ingested("approve", second["version_id"], "--json").json()
    second_lock = ingested("lock", second["version_id"], "--json")
    assert second_lock.exit_code == 5 and first["version_id"] in second_lock.stderr

    unlock = ["unlock", first["version_id"], "--reason", "the cut changed", "--json"]
    refused = ingested(*unlock, "--as", "writer")
    assert refused.exit_code != 0 and refused.stdout == ""
    assert ingested(*unlock, "--as", "director").json()["status"] == "approved"
    assert ingested("lock", second["version_id"], "--json").json()["status"] == "locked"
