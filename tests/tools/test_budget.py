"""The cost ledger and the producer's budget status, from real renders on real SQLite.

Bedrock renders (through the fake Bedrock server) cost a known price per image, so the demo
budget's status can be checked against a table worked out by hand; previz and the tiny diffusers
pipeline are timed, so their entries are checked as quantity × configured rate.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from frameline.settings import Settings
from frameline.wiring import Frameline, open_frameline
from memory.importer import import_screenplay
from memory.records import LedgerEntry
from memory.screenplay.reading import parse_screenplay_bytes
from memory.store import get_or_create_project, get_project
from tests.cli_runner import DEMO
from tests.fakes.bedrock_server import FakeBedrock
from tools.budget import (
    budget_status,
    estimate_render_cost,
    import_budget,
    import_costs,
    ledger_entries,
    reverse_ledger_entry,
    set_spend_account,
    would_exceed_budget,
)
from tools.context import Actor
from tools.frames import render_frame
from tools.ledger import amount_of, record_model_call
from tools.revisions import revise_frame
from tools.versions import set_status

ADMIN = Actor("local", "admin")
PRODUCER = Actor("pia", "producer")
DIRECTOR = Actor("dee", "director")
WRITER = Actor("wren", "writer")
DEMO_BUDGET = (DEMO / "budget.csv").read_bytes()

COSTS = b"""account,kind,amount,description,date
5300,actual,12000.00,Harbour plate photography deposit,2025-01-10
5300,commitment,30000.00,VFX vendor purchase order,
1400,actual,"50,000.00",Cast deals signed,
3300,commitment,70000.00,Camera package hold,
"""


@contextmanager
def open_studio(**settings: Any) -> Iterator[Frameline]:
    """Frameline on the test's home with the demo screenplay imported (no embedding needed)."""
    with open_frameline(Settings(**settings)) as studio:
        data = (DEMO / "demo.fountain").read_bytes()
        with studio.transaction() as session:
            project = get_or_create_project(session, "demo")
            screenplay = parse_screenplay_bytes(data, "demo.fountain")
            import_screenplay(session, project, screenplay, "demo.fountain", data)
        yield studio


@pytest.fixture
def studio(home: Path) -> Iterator[Frameline]:
    """The demo screenplay on previz, with a CPU second at a round 0.25 to read amounts easily."""
    with open_studio(rate_cpu_second=Decimal("0.25")) as opened:
        yield opened


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Dummy credentials and nothing from the machine's AWS set-up."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDFRAMELINETEST")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-a-real-secret")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def bedrock_studio(home: Path, aws_env: None) -> Iterator[Frameline]:
    """The demo screenplay rendering on (fake) Bedrock at 0.04 an image."""
    with (
        FakeBedrock() as fake,
        open_studio(
            image_backend="bedrock",
            bedrock_endpoint_url=fake.url,
            rate_bedrock_image=Decimal("0.04"),
        ) as opened,
    ):
        yield opened


@pytest.fixture
def production(bedrock_studio: Frameline) -> Frameline:
    """The demo budget and cost report, three Bedrock shots, one approved, and one model call.

    Scene 1: 1A (two takes, the second approved) and 1B by wren; scene 2: 2A by dee; a Claude
    call of 1,000 input and 500 output tokens by pia.
    """
    studio = bedrock_studio
    import_budget(studio, PRODUCER, "demo", DEMO_BUDGET, "budget.csv")
    import_costs(studio, PRODUCER, "demo", COSTS, "costs.csv")
    render_frame(studio, WRITER, "demo", "1", seed=1)
    [take] = render_frame(studio, WRITER, "demo", "1", shot="1A", seed=2)
    render_frame(studio, WRITER, "demo", "1", seed=3)
    render_frame(studio, DIRECTOR, "demo", "2", seed=4)
    set_status(studio, DIRECTOR, take.version_id, "approved")
    with studio.transaction() as session:
        record_model_call(
            session,
            get_project(session, "demo"),
            studio.settings,
            person="pia",
            model="bedrock:anthropic.claude-3-5-sonnet",
            input_tokens=1000,
            output_tokens=500,
            thread_id="t-1",
        )
    return studio


def account(status: dict[str, Any], number: str) -> dict[str, Any]:
    """One account's row of a status."""
    [row] = [row for row in status["accounts"] if row["account"] == number]
    return row


def money_columns(row: dict[str, Any]) -> tuple[str, ...]:
    """The documented money columns of an account row, in order."""
    return tuple(
        row[c]
        for c in (
            "budget",
            "actual",
            "committed",
            "estimate_to_complete",
            "estimate_at_completion",
            "variance",
        )
    )


# The ledger, from real renders


def test_previz_renders_and_revisions_each_write_one_entry_at_the_cpu_rate(studio) -> None:
    takes = render_frame(studio, WRITER, "demo", "1", seed=1, count=2)
    [other] = render_frame(studio, WRITER, "demo", "1", seed=2)
    child = revise_frame(studio, DIRECTOR, takes[0].version_id, "make it dusk", seed=3)
    entries = ledger_entries(studio, ADMIN, "demo")
    assert [e["kind"] for e in entries] == ["render", "render", "render", "revise"]
    versions = [*takes, other, child]
    assert [e["version_id"] for e in entries] == [v.version_id for v in versions]
    assert [e["shot"] for e in entries] == ["1A", "1A", "1B", "1A"]
    assert [e["person"] for e in entries] == ["wren", "wren", "wren", "dee"]
    for entry in entries:
        assert (entry["scene"], entry["account"]) == ("1", "5400")
        assert (entry["unit"], entry["rate"]) == ("cpu_second", "0.25")
        quantity = Decimal(entry["quantity"])
        assert quantity > 0
        assert Decimal(entry["amount"]) == amount_of(quantity, Decimal("0.25"))
        assert entry["at"].endswith("+00:00")
    assert [e["entry_id"] for e in entries] == sorted(e["entry_id"] for e in entries)
    assert [e["version_id"] for e in ledger_entries(studio, ADMIN, "demo", shot="1b")] == [
        other.version_id
    ]
    with pytest.raises(NotFound, match="no shot '9Z'"):
        ledger_entries(studio, ADMIN, "demo", shot="9Z")


def test_bedrock_images_cost_their_per_image_price(bedrock_studio) -> None:
    versions = render_frame(bedrock_studio, WRITER, "demo", "3", seed=5, count=3)
    entries = ledger_entries(bedrock_studio, ADMIN, "demo")
    assert [e["version_id"] for e in entries] == [v.version_id for v in versions]
    assert {(e["quantity"], e["unit"], e["rate"], e["amount"]) for e in entries} == {
        ("1", "image", "0.04", "0.040000")
    }
    assert budget_status(bedrock_studio, ADMIN, "demo")["ledger_total"] == "0.12"
    assert estimate_render_cost(bedrock_studio, "demo", 5, 1280, 720) == Decimal("0.200000")


@pytest.mark.slow
def test_tiny_diffusers_renders_are_charged_in_cpu_seconds(home: Path, tiny_model: Path) -> None:
    with open_studio(
        image_backend="diffusers",
        diffusers_model=tiny_model,
        device="cpu",
        rate_cpu_second=Decimal("0.002"),
    ) as studio:
        [version] = render_frame(studio, WRITER, "demo", "2", size=(64, 64), seed=9)
        [entry] = ledger_entries(studio, ADMIN, "demo")
        assert (entry["version_id"], entry["unit"], entry["rate"]) == (
            version.version_id,
            "cpu_second",
            "0.002",
        )
        assert Decimal(entry["amount"]) == amount_of(Decimal(entry["quantity"]), Decimal("0.002"))
        status = budget_status(studio, ADMIN, "demo")
        assert Decimal(status["ledger_total"]) == Decimal(entry["amount"])


# The producer's status against a hand-computed table


def test_status_of_the_demo_budget_matches_the_hand_computed_table(production) -> None:
    status = budget_status(production, PRODUCER, "demo")
    assert status["currency"] == "USD"
    # Ledger: four images at 0.04 and one Claude call of 1,000 in at 3.00/M + 500 out at 15.00/M.
    assert status["ledger_total"] == "0.1705"
    # Spend account: 3 shots cost 0.16; 1 approved; 8 of 10 scenes unboarded at 1.5 shots each:
    # remaining 2 + 12 = 14 shots × 0.16/3 = 0.746666… → 0.746667.
    assert status["forecast"] == {
        "mean_cost_per_shot": "0.053333",
        "mean_from_history": True,
        "shots": 3,
        "approved_shots": 1,
        "unboarded_scenes": 8,
        "shots_per_boarded_scene": "1.5",
        "remaining_shots": "14",
    }
    expected = {
        #        budget       actual        committed   to complete     at completion   variance
        "5400": ("2500.00", "0.1705", "0.00", "0.746667", "0.917167", "2499.082833"),
        "5300": ("85000.00", "12000.00", "30000.00", "43000.00", "85000.00", "0.00"),
        "1400": ("180000.00", "50000.00", "0.00", "130000.00", "180000.00", "0.00"),
        "3300": ("62000.00", "0.00", "70000.00", "0.00", "70000.00", "-8000.00"),
        "1100": ("15000.00", "0.00", "0.00", "15000.00", "15000.00", "0.00"),
        "7000": ("86850.00", "0.00", "0.00", "86850.00", "86850.00", "0.00"),
    }
    for number, columns in expected.items():
        assert money_columns(account(status, number)) == columns, number
    assert account(status, "5400")["variance_pct"] == "99.96"
    assert account(status, "3300")["variance_pct"] == "-12.90"
    assert account(status, "5300")["variance_pct"] == "0.00"
    # Burn: 5400's spend is all from today; 5300's only actual is older than 14 days.
    assert account(status, "5400")["burn_rate_per_day"] == "0.1705"
    assert account(status, "5300")["burn_rate_per_day"] == "0.00"
    assert account(status, "1400")["burn_rate_per_day"] == "50000.00"
    assert [row["account"] for row in status["accounts"]][:3] == ["1100", "1200", "1300"]
    assert len(status["accounts"]) == 18
    assert status["totals"] == {
        "budget": "955350.00",
        "actual": "62000.1705",
        "committed": "100000.00",
        "estimate_to_complete": "798850.746667",
        "estimate_at_completion": "960850.917167",
        "variance": "-5500.917167",
    }
    assert status["by_scene"] == [
        {
            "scene": "1",
            "heading": "EXT. GREYHAVEN HARBOUR - DAY",
            "actual": "0.12",
            "entries": 3,
        },
        {
            "scene": "2",
            "heading": "INT. CRANE MARINE SITE OFFICE - DAY",
            "actual": "0.04",
            "entries": 1,
        },
        {"scene": None, "heading": None, "actual": "0.0105", "entries": 1},
    ]
    assert status["by_person"] == [
        {"person": "dee", "actual": "0.04", "entries": 1},
        {"person": "pia", "actual": "0.0105", "entries": 1},
        {"person": "wren", "actual": "0.12", "entries": 3},
    ]
    assert "remaining shots × mean cost per shot" in status["forecast_method"]


def test_one_account_and_one_scene(production) -> None:
    vfx = budget_status(production, DIRECTOR, "demo", account="5300")
    assert [row["account"] for row in vfx["accounts"]] == ["5300"]
    assert vfx["ledger_total"] == "0.1705"
    assert vfx["by_scene"] == [] and vfx["by_person"] == []
    scene = budget_status(production, WRITER, "demo", scene="1")
    assert scene["scope"]["scene"] == "1" and scene["ledger_total"] == "0.12"
    [spend] = scene["accounts"]
    # Scene 1 is 6 of the script's 64 eighths: 2500 × 6/64 = 234.375 → 234.38; one open shot.
    assert money_columns(spend) == (
        "234.38",
        "0.12",
        "0.00",
        "0.053333",
        "0.173333",
        "234.206667",
    )
    with pytest.raises(NotFound, match="no account '9999'; accounts are 1100 Story & Rights, "):
        budget_status(production, ADMIN, "demo", account="9999")


def test_accounts_may_be_named_as_producers_say_them(production) -> None:
    for words, number in (("VFX", "5300"), ("previz", "5400"), ("cast", "1400")):
        [row] = budget_status(production, PRODUCER, "demo", account=words)["accounts"]
        assert row["account"] == number
    with pytest.raises(InvalidInput, match="matches accounts 1200, 2000"):
        budget_status(production, PRODUCER, "demo", account="produc")


def test_totals_reconcile_with_the_ledger_to_the_cent(production) -> None:
    entries = ledger_entries(production, ADMIN, "demo")
    reverse_ledger_entry(production, PRODUCER, "demo", entries[0]["entry_id"], "test render")
    entries = ledger_entries(production, ADMIN, "demo")
    total = sum(Decimal(e["amount"]) for e in entries)
    status = budget_status(production, ADMIN, "demo")
    assert Decimal(status["ledger_total"]) == total == Decimal("0.1305")
    assert sum(Decimal(a["ledger_actual"]) for a in status["accounts"]) == total
    assert sum(Decimal(s["actual"]) for s in status["by_scene"]) == total
    assert sum(Decimal(p["actual"]) for p in status["by_person"]) == total


def test_without_a_budget_the_spend_account_is_listed_at_zero(studio) -> None:
    render_frame(studio, WRITER, "demo", "4", seed=1)
    status = budget_status(studio, WRITER, "demo")
    [spend] = status["accounts"]
    assert (spend["account"], spend["budget"], spend["in_budget"]) == ("5400", "0.00", False)
    assert spend["actual"] == status["ledger_total"] != "0.00"
    assert spend["variance_pct"] is None


def test_without_history_the_forecast_uses_the_documented_default(studio) -> None:
    # Previz: 0.5 s per megapixel; 768×432 is 0.166 s, at 0.25 a second 0.0415 a frame.
    assert estimate_render_cost(studio, "demo", 1, 768, 432) == Decimal("0.041500")
    status = budget_status(studio, ADMIN, "demo")
    assert status["forecast"]["mean_from_history"] is False
    assert status["forecast"]["remaining_shots"] == "10"
    assert account(status, "5400")["estimate_to_complete"] == "0.415"


def test_the_estimate_follows_recent_timing_scaled_by_size(studio) -> None:
    render_frame(studio, WRITER, "demo", "1", seed=1, count=2)
    render_frame(studio, WRITER, "demo", "2", seed=1, size=(1024, 576))
    entries = ledger_entries(studio, ADMIN, "demo")
    seconds = sum(Decimal(e["quantity"]) for e in entries)
    pixels = 2 * 768 * 432 + 1024 * 576
    expected_seconds = (seconds / pixels * 512 * 512 * 4).quantize(Decimal("0.001"))
    assert estimate_render_cost(studio, "demo", 4, 512, 512) == amount_of(
        expected_seconds, Decimal("0.25")
    )


def test_spending_that_would_pass_the_account_budget(production) -> None:
    lines = b"account,name,category,budget\n5400,Previz,post,0.20\n"
    import_budget(production, ADMIN, "demo", lines, "small.csv")
    # Spent 0.1705: 0.0295 more reaches the budget exactly, a cent more goes over.
    assert not would_exceed_budget(production, "demo", Decimal("0.0295"))
    assert would_exceed_budget(production, "demo", Decimal("0.0395"))
    assert not would_exceed_budget(production, "demo", Decimal("1000"), account="5300")


# Imports


def test_reimporting_a_budget_replaces_its_lines(production) -> None:
    report = import_budget(
        production, PRODUCER, "demo", b"account,name,category,budget\n5400,Previz,post,100\n", "b"
    )
    assert (report["accounts"], report["replaced"], report["total"]) == (1, 18, "100.00")
    accounts = [row["account"] for row in budget_status(production, ADMIN, "demo")["accounts"]]
    # Outside costs stay on their accounts, now outside the budget.
    assert accounts == ["5400", "1400", "3300", "5300"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "account,name,budget\n5400,Previz,10\n",
            "budget.csv line 1: missing column(s) category",
        ),
        (
            "account,name,category,budget\n5400,Previz,post,10\n5300,VFX,post,5\n5400,Again,post,1\n",
            "line 4: account 5400 appears again (first on line 2)",
        ),
        (
            "account,name,category,budget\n5400,Previz,post,10\n5300,VFX,post,12k\n",
            "line 3: budget '12k' is not a number",
        ),
        (
            "account,name,category,budget,currency\n5400,Previz,post,10,USD\n5300,VFX,post,5,EUR\n",
            "line 3: currency EUR is not the production's currency USD",
        ),
        (
            "account,name,category,budget\n5400,Previz,catering,10\n",
            "line 2: category 'catering' is not one of above-the-line",
        ),
        ("account,name,category,budget\n", "a header but no lines to import"),
    ],
)
def test_a_bad_budget_is_refused_with_its_line_and_nothing_is_imported(
    production, text: str, message: str
) -> None:
    before = budget_status(production, ADMIN, "demo")["accounts"]
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        import_budget(production, PRODUCER, "demo", text.encode(), "budget.csv")
    assert budget_status(production, ADMIN, "demo")["accounts"] == before


def test_every_problem_of_a_budget_is_named_at_once(studio) -> None:
    text = b"account,name,category,budget\n1,A,post,x\n2,B,post,1\n2,C,post,y\n"
    with pytest.raises(InvalidInput) as raised:
        import_budget(studio, ADMIN, "demo", text, "budget.csv")
    assert "line 2: budget 'x'" in raised.value.message
    assert "line 4: account 2 appears again" in raised.value.message
    assert "line 4: budget 'y'" in raised.value.message


def test_budget_amounts_may_be_written_as_accountants_do(studio) -> None:
    text = b'Account Number,Account Name,Category,Budgeted Amount\n1,Story,ATL,"1,250.50"\n'
    text += b"2,Rebate,other,(200.00)\n3,Fringes,fringes,10\n"
    report = import_budget(studio, ADMIN, "demo", text, "topsheet.csv")
    assert (report["accounts"], report["total"]) == (3, "1060.50")
    assert report["notes"] and "5400 is not in this budget" in report["notes"][0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("account,kind,amount\n9999,actual,10\n", "line 2: account 9999 is not in the project's"),
        ("account,kind,amount\n5300,invoice,10\n", "line 2: kind 'invoice' is not actual or"),
        ("account,kind,amount,date\n5300,actual,10,last week\n", "line 2: date 'last week'"),
        ("account,amount\n5300,10\n", "line 1: missing column(s) kind"),
    ],
)
def test_a_bad_cost_report_is_refused(production, text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        import_costs(production, PRODUCER, "demo", text.encode(), "costs.csv")
    assert account(budget_status(production, ADMIN, "demo"), "5300")["committed"] == "30000.00"


def test_only_producers_and_admins_change_the_money(production) -> None:
    for person in (WRITER, DIRECTOR):
        with pytest.raises(PermissionDenied, match="producer"):
            import_budget(production, person, "demo", DEMO_BUDGET, "budget.csv")
        with pytest.raises(PermissionDenied):
            import_costs(production, person, "demo", COSTS, "costs.csv")
        with pytest.raises(PermissionDenied):
            reverse_ledger_entry(production, person, "demo", 1, "no")
    assert budget_status(production, WRITER, "demo")["ledger_total"] == "0.1705"


def test_reversals_cancel_an_entry_once(production) -> None:
    [first, *_] = ledger_entries(production, ADMIN, "demo")
    reversal = reverse_ledger_entry(production, PRODUCER, "demo", first["entry_id"], "duplicate")
    assert reversal["kind"] == "reversal" and reversal["amount"] == "-0.040000"
    assert (reversal["shot"], reversal["version_id"]) == (first["shot"], first["version_id"])
    with pytest.raises(Conflict, match="already reversed"):
        reverse_ledger_entry(production, PRODUCER, "demo", first["entry_id"], "again")
    with pytest.raises(NotFound, match="no ledger entry 999"):
        reverse_ledger_entry(production, PRODUCER, "demo", 999, "missing")
    with pytest.raises(InvalidInput, match="say why"):
        reverse_ledger_entry(production, PRODUCER, "demo", 2, " ")


def test_spend_can_go_to_another_budgeted_account(production) -> None:
    set_spend_account(production, PRODUCER, "demo", "5300")
    render_frame(production, WRITER, "demo", "3", seed=8)
    assert ledger_entries(production, ADMIN, "demo")[-1]["account"] == "5300"
    assert account(budget_status(production, ADMIN, "demo"), "5300")["actual"] == "12000.04"
    with pytest.raises(NotFound, match="account 42 is not in demo's budget"):
        set_spend_account(production, PRODUCER, "demo", "42")


@pytest.mark.slow
def test_status_of_a_100k_entry_ledger_answers_quickly(studio) -> None:
    with studio.transaction() as session:
        project = get_project(session, "demo")
        session.execute(
            insert(LedgerEntry),
            [
                {
                    "project_id": project.id,
                    "kind": "render",
                    "scene": str(n % 10 + 1),
                    "shot": f"{n % 10 + 1}A",
                    "version_id": None,
                    "person": f"artist-{n % 7}",
                    "account": "5400",
                    "quantity": "2",
                    "unit": "cpu_second",
                    "rate": "0.25",
                    "amount": "0.500000",
                    "amount_micros": 500_000,
                    "currency": "USD",
                    "details": {},
                }
                for n in range(100_000)
            ],
        )
    budget_status(studio, ADMIN, "demo")
    started = time.perf_counter()
    status = budget_status(studio, ADMIN, "demo")
    elapsed = time.perf_counter() - started
    assert status["ledger_total"] == "50000.00"
    assert elapsed < 1.0, f"status took {elapsed * 1000:.0f} ms"
