"""A budget or cost import is a new revision; what it replaced stays readable (CLI and API)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from frameline.settings import Settings
from frameline.wiring import open_frameline
from memory.keys import create_key
from memory.store import get_or_create_project
from tests.cli_runner import Cli

FIRST = "account,name,category,budget\n5300,VFX,post,1000\n5510,Storyboards,post,250.50\n"
SECOND = "account,name,category,budget\n5300,VFX,post,1800\n"
COSTS = "account,kind,amount\n5300,actual,400\n"


@pytest.fixture
def project(cli: Cli, home: Path) -> Cli:
    with open_frameline(Settings()) as studio, studio.transaction() as session:
        get_or_create_project(session, "heist")
    return cli


def test_each_import_is_a_revision_and_the_last_one_stays_readable(
    project: Cli, tmp_path: Path
) -> None:
    first, second, costs = tmp_path / "v1.csv", tmp_path / "v2.csv", tmp_path / "costs.csv"
    first.write_text(FIRST)
    second.write_text(SECOND)
    costs.write_text(COSTS)
    for number, path in enumerate((first, second), start=1):
        imported = project("budget", "import", path, "--project", "heist", "--json").json()
        assert imported["revision"] == number
    assert project("budget", "import-costs", costs, "--project", "heist", "--json").exit_code == 0

    history = project("budget", "history", "--project", "heist", "--json").json()
    assert [(h["kind"], h["revision"], h["filename"]) for h in history] == [
        ("costs", 1, "costs.csv"),
        ("budget", 2, "v2.csv"),
        ("budget", 1, "v1.csv"),
    ]
    totals = [Decimal(h["total"]) for h in history if h["kind"] == "budget"]
    assert totals == [Decimal("1800"), Decimal("1250.5")]

    earlier = project(
        "budget", "history", "--project", "heist", "--kind", "budget", "--revision", "1", "--json"
    ).json()
    assert [(line["account"], Decimal(line["budget"])) for line in earlier["lines"]] == [
        ("5300", Decimal("1000")),
        ("5510", Decimal("250.5")),
    ]
    status = project("budget", "status", "--project", "heist", "--json").json()
    assert "5510" not in [a["account"] for a in status["accounts"]]  # replaced, yet kept above

    table = project("budget", "history", "--project", "heist")
    assert table.exit_code == 0 and "v1.csv" in table.stdout


def test_a_refused_import_adds_no_revision(project: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("account,name,category,budget\n5300,VFX,post,lots\n")
    assert project("budget", "import", bad, "--project", "heist").exit_code == 2
    assert project("budget", "history", "--project", "heist", "--json").json() == []
    missing = project(
        "budget", "history", "--project", "heist", "--kind", "budget", "--revision", "4"
    )
    assert missing.exit_code == 3 and "no budget revision 4" in missing.stderr


def test_the_api_lists_and_reads_revisions(project: Cli) -> None:
    with open_frameline(Settings()) as studio:
        with studio.transaction() as session:
            producer = create_key(session, role="producer", name="pat", project="heist")
            outsider = create_key(session, role="admin", name="out", project=None)
            get_or_create_project(session, "elsewhere")
            stranger = create_key(session, role="admin", name="far", project="elsewhere")
        headers = {"Authorization": f"Bearer {producer}"}
        with TestClient(create_app(studio, web=False), headers=headers) as client:
            for text in (FIRST, SECOND):
                imported = client.post(
                    "/v1/projects/heist/budget", json={"csv": text, "filename": "b.csv"}
                )
                assert imported.status_code == 200, imported.text
            listed = client.get("/v1/projects/heist/budget/history?kind=budget").json()
            assert [item["revision"] for item in listed["items"]] == [2, 1]
            one = client.get("/v1/projects/heist/budget/history/budget/1").json()
            assert len(one["lines"]) == 2 and Decimal(one["total"]) == Decimal("1250.5")
            assert client.get("/v1/projects/heist/budget/history/budget/9").status_code == 404
            assert client.get("/v1/projects/heist/budget/history/tax/1").status_code == 422
            far = {"Authorization": f"Bearer {stranger}"}
            assert client.get("/v1/projects/heist/budget/history", headers=far).status_code == 404
            admin = {"Authorization": f"Bearer {outsider}"}
            assert client.get("/v1/projects/heist/budget/history", headers=admin).status_code == 200
