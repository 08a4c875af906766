"""`frameline budget …` and `frameline export` through the real CLI, as a producer types them."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import opentimelineio as otio
import pytest
from pypdf import PdfReader

from frameline.settings import Settings
from frameline.wiring import open_frameline
from memory.importer import import_screenplay
from memory.screenplay.reading import parse_screenplay_bytes
from memory.store import get_or_create_project
from tests.cli_runner import DEMO, Cli

STATUS_FIELDS = (
    "account",
    "name",
    "budget",
    "actual",
    "committed",
    "estimate_to_complete",
    "estimate_at_completion",
    "variance",
)
ENTRY_FIELDS = {
    "entry_id",
    "kind",
    "scene",
    "shot",
    "version_id",
    "person",
    "account",
    "quantity",
    "unit",
    "rate",
    "amount",
    "at",
}


@pytest.fixture
def demo(cli: Cli, home: Path) -> Cli:
    """The demo screenplay in project `demo` (imported directly: nothing here needs embeddings)."""
    data = (DEMO / "demo.fountain").read_bytes()
    with open_frameline(Settings()) as studio, studio.transaction() as session:
        project = get_or_create_project(session, "demo")
        screenplay = parse_screenplay_bytes(data, "demo.fountain")
        import_screenplay(session, project, screenplay, "demo.fountain", data)
    return cli


def is_money(text: object) -> bool:
    """A decimal string, never a float."""
    return isinstance(text, str) and Decimal(text) == Decimal(text).quantize(Decimal("0.000001"))


def test_a_project_without_a_budget_shows_its_spend_account(demo: Cli) -> None:
    status = demo("budget", "status", "--project", "demo", "--json").json()
    assert set(status) >= {"currency", "ledger_total", "accounts", "forecast_method"}
    assert (status["currency"], status["ledger_total"]) == ("USD", "0.00")
    [spend] = status["accounts"]
    assert (spend["account"], spend["budget"], spend["actual"]) == ("5400", "0.00", "0.00")


@pytest.mark.slow
def test_renders_land_in_the_ledger_and_the_status_reconciles(demo: Cli) -> None:
    imported = demo("budget", "import", DEMO / "budget.csv", "--project", "demo", "--json").json()
    assert (imported["accounts"], imported["total"], imported["currency"]) == (
        18,
        "955350.00",
        "USD",
    )
    first = demo("render", "--project", "demo", "--scene", "1", "--json").json()
    second = demo("render", "--project", "demo", "--scene", "2", "--json").json()
    entries = demo("budget", "ledger", "--project", "demo", "--json").json()
    assert [set(e) for e in entries] == [ENTRY_FIELDS, ENTRY_FIELDS]
    assert [e["version_id"] for e in entries] == [first["version_id"], second["version_id"]]
    assert [(e["kind"], e["person"], e["unit"]) for e in entries] == [
        ("render", "local", "cpu_second")
    ] * 2
    assert all(is_money(e["amount"]) and is_money(e["rate"]) for e in entries)
    one_shot = demo("budget", "ledger", "--project", "demo", "--shot", "2a", "--json").json()
    assert [e["version_id"] for e in one_shot] == [second["version_id"]]

    status = demo("budget", "status", "--project", "demo", "--json").json()
    assert len(status["accounts"]) == 18
    for row in status["accounts"]:
        assert set(row) >= set(STATUS_FIELDS)
        assert all(is_money(row[field]) for field in STATUS_FIELDS[2:])
    total = sum(Decimal(e["amount"]) for e in entries)
    assert Decimal(status["ledger_total"]) == total
    assert sum(Decimal(row["actual"]) for row in status["accounts"]) == total
    [previz] = demo("budget", "status", "--project", "demo", "--account", "5400", "--json").json()[
        "accounts"
    ]
    assert (previz["name"], previz["budget"]) == ("Previsualisation & AI Frames", "2500.00")
    assert Decimal(previz["variance"]) == Decimal("2500") - Decimal(
        previz["estimate_at_completion"]
    )

    reversal = demo(
        "budget", "reverse", entries[0]["entry_id"], "--project", "demo", "--reason", "test"
    )
    assert reversal.exit_code == 0, reversal.stderr
    after = demo("budget", "status", "--project", "demo", "--json").json()
    assert Decimal(after["ledger_total"]) == Decimal(entries[1]["amount"])

    table = demo("budget", "status", "--project", "demo")
    assert table.exit_code == 0 and "Previsualisation & AI Frames" in table.stdout


def test_a_bad_budget_is_one_error_line_and_changes_nothing(demo: Cli, tmp_path: Path) -> None:
    good = demo("budget", "import", DEMO / "budget.csv", "--project", "demo", "--json")
    assert good.exit_code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("account,name,category,budget\n5400,Previz,post,10\n5300,VFX,post,lots\n")
    outcome = demo("budget", "import", bad, "--project", "demo", "--json")
    assert (outcome.exit_code, outcome.stdout) == (2, "")
    assert outcome.stderr.count("\n") == 1
    assert "bad.csv" in outcome.stderr and "line 3: budget 'lots' is not a number" in outcome.stderr
    status = demo("budget", "status", "--project", "demo", "--json").json()
    assert len(status["accounts"]) == 18


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("budget", "status", "--project", "nope", "--json"), 3, "no project 'nope'"),
        (("budget", "import", "missing.csv", "--project", "demo"), 2, "missing.csv: no such file"),
        (
            ("budget", "import", DEMO / "budget.csv", "--project", "demo", "--as", "writer"),
            4,
            "may not import budgets",
        ),
        (("budget", "ledger", "--project", "demo", "--shot", "9Z"), 3, "no shot '9Z'"),
        (("export", "--project", "demo", "--format", "gif", "--out", "x.gif"), 2, "formats are"),
    ],
)
def test_errors_are_one_line_with_an_exit_code(
    demo: Cli, args: tuple[object, ...], code: int, message: str
) -> None:
    outcome = demo(*args)
    assert (outcome.exit_code, outcome.stdout) == (code, "")
    assert message in outcome.stderr and outcome.stderr.count("\n") == 1


@pytest.mark.slow
def test_export_writes_what_the_crews_open(demo: Cli, tmp_path: Path) -> None:
    demo("render", "--project", "demo", "--scene", "1", "--json").json()
    demo("render", "--project", "demo", "--scene", "1", "--json").json()
    pdf = tmp_path / "board.pdf"
    outcome = demo("export", "--project", "demo", "--format", "pdf", "--out", pdf)
    assert outcome.exit_code == 0 and outcome.stdout.strip() == str(pdf.resolve())
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "SALT LINE" in text and "1A" in text and "1B" in text
    timeline = tmp_path / "cut.otio"
    report = demo(
        "export", "--project", "demo", "--format", "otio", "--out", timeline, "--json"
    ).json()
    assert report["clips"] == 2
    clips = list(otio.adapters.read_from_file(str(timeline)).find_clips())
    assert [clip.name for clip in clips] == ["1A", "1B"]
    shots = tmp_path / "shots.csv"
    assert demo("export", "--project", "demo", "--format", "csv", "--out", shots).exit_code == 0
    with shots.open(newline="", encoding="utf-8") as handle:
        assert [row["shot"] for row in csv.DictReader(handle)] == ["1A", "1B"]
