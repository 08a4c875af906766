"""Terminal tables show money in the currency's minor unit; `--json` keeps the ledger's digits."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from frameline.settings import Settings
from frameline.wiring import open_frameline
from memory.importer import import_screenplay
from memory.screenplay.reading import parse_screenplay_bytes
from memory.store import get_or_create_project
from tests.cli_runner import DEMO, Cli


def test_the_ledger_table_rounds_what_the_json_keeps(cli: Cli, home: Path) -> None:
    data = (DEMO / "demo.fountain").read_bytes()
    with open_frameline(Settings()) as studio, studio.transaction() as session:
        project = get_or_create_project(session, "demo")
        import_screenplay(
            session, project, parse_screenplay_bytes(data, "demo.fountain"), "demo.fountain", data
        )
    cli("render", "--project", "demo", "--scene", "1", "--json").json()
    [entry] = cli("budget", "ledger", "--project", "demo", "--json").json()
    assert Decimal(entry["amount"]) != Decimal(entry["amount"]).quantize(Decimal("0.01"))
    table = cli("budget", "ledger", "--project", "demo").stdout.splitlines()
    shown = table[-1].split()[-1]
    assert re.fullmatch(r"\d[\d,]*\.\d\d", shown)
    assert Decimal(shown.replace(",", "")) == Decimal(entry["amount"]).quantize(Decimal("0.01"))
    status = cli("budget", "status", "--project", "demo").stdout
    assert re.search(r"ledger total \d[\d,]*\.\d\d USD", status)
