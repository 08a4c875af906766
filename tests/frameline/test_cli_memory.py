"""The production-memory commands through the real CLI, on real records and a real Chroma store."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_runner import DEMO, Cli

pytestmark = pytest.mark.slow


@pytest.fixture
def ingested(cli: Cli, demo_script: Path) -> Cli:
    """A home with the demo screenplay imported as project `demo`."""
    outcome = cli("ingest", demo_script, "--project", "demo", "--json")
    assert outcome.exit_code == 0, outcome.stderr
    return cli


def test_script_parse_prints_title_page_and_elements(cli: Cli, demo_script: Path) -> None:
    document = cli("script", "parse", demo_script, "--json").json()
    assert document["title_page"]["title"]
    types = {element["type"] for element in document["elements"]}
    assert {"scene_heading", "action", "character", "dialogue"} <= types
    headings = [e for e in document["elements"] if e["type"] == "scene_heading"]
    assert [h["scene_number"] for h in headings] == [str(n) for n in range(1, 11)]


def test_script_parse_stores_nothing(cli: Cli, demo_script: Path, home: Path) -> None:
    cli("script", "parse", demo_script, "--json").json()
    assert cli("projects", "--json").json() == []


def test_ingest_reports_scenes_cast_and_locations(cli: Cli, demo_script: Path) -> None:
    report = cli("ingest", demo_script, "--project", "demo", "--json").json()
    assert report["project"] == "demo"
    assert report["scenes"] == 10
    assert report["added"] == 10
    assert report["changed"] == report["removed"] == 0
    assert {"MARA", "TOMAS", "ELLIS", "ADA"} <= set(report["characters"])
    assert "MARA VOSS" not in report["characters"]
    assert "GREYHAVEN HARBOUR" in report["locations"]


def test_second_ingest_of_same_file_changes_nothing(ingested: Cli, demo_script: Path) -> None:
    before = ingested("scenes", "--project", "demo", "--json").json()
    report = ingested("ingest", demo_script, "--project", "demo", "--json").json()
    assert (report["added"], report["changed"], report["removed"]) == (0, 0, 0)
    assert ingested("scenes", "--project", "demo", "--json").json() == before


def test_scenes_in_script_order_with_story_days(ingested: Cli) -> None:
    scenes = ingested("scenes", "--project", "demo", "--json").json()
    assert [s["number"] for s in scenes] == [str(n) for n in range(1, 11)]
    first = scenes[0]
    assert set(first) >= {
        "number",
        "heading",
        "int_ext",
        "location",
        "time_of_day",
        "story_day",
        "characters",
    }
    assert first["int_ext"] == "EXT"
    assert first["time_of_day"] == "DAY"
    assert first["story_day"] == 1
    by_number = {s["number"]: s for s in scenes}
    assert by_number["5"]["time_of_day"] == "CONTINUOUS"
    assert by_number["5"]["story_day"] == by_number["4"]["story_day"]
    assert by_number["7"]["story_day"] == by_number["6"]["story_day"] + 1
    assert by_number["9"]["story_day"] == by_number["8"]["story_day"] + 1
    assert by_number["6"]["location"] == "OPEN WATER - TOMAS'S BOAT"
    assert "MARA" in by_number["3"]["characters"]


def test_search_finds_a_scene_by_meaning(ingested: Cli) -> None:
    hits = ingested(
        "search",
        "someone injures their hand and it gets dressed",
        "--project",
        "demo",
        "--kind",
        "scene",
        "--limit",
        "3",
        "--json",
    ).json()
    assert hits and hits[0]["kind"] == "scene"
    assert "3" in [h["id"] for h in hits]
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_search_every_kind_and_facts(ingested: Cli) -> None:
    fact = ingested(
        "facts",
        "add",
        "Mara: bandage on her left hand, scenes 3-10",
        "--project",
        "demo",
        "--json",
    ).json()
    assert (fact["subject"], fact["from_scene"], fact["to_scene"]) == ("Mara", "3", "10")
    hits = ingested("search", "wound dressing", "--project", "demo", "--kind", "fact", "--json")
    assert all(h["kind"] == "fact" for h in hits.json())
    assert "bandage" in hits.json()[0]["text"]
    assert fact["fact_id"] in [h["id"] for h in hits.json()]
    listed = ingested("facts", "list", "--project", "demo", "--json").json()
    assert [f["fact_id"] for f in listed if f["source"] == "person"] == [fact["fact_id"]]
    from_script = [f for f in listed if f["source"] == "script"]
    assert any(f["subject"] == "MARA" and "bandage" in f["statement"] for f in from_script)
    characters = ingested(
        "search", "elderly islander", "--project", "demo", "--kind", "character", "--json"
    ).json()
    assert characters and characters[0]["kind"] == "character"


def test_fact_naming_a_missing_scene_is_refused(ingested: Cli) -> None:
    outcome = ingested("facts", "add", "Mara: limps, scenes 3-40", "--project", "demo", "--json")
    assert outcome.exit_code != 0
    assert outcome.stdout == ""
    assert "40" in outcome.stderr and len(outcome.stderr.strip().splitlines()) == 1
    listed = ingested("facts", "list", "--project", "demo", "--json").json()
    assert [f for f in listed if f["source"] == "person"] == []


def test_reimport_of_a_revised_script_reports_the_diff(
    ingested: Cli, demo_script: Path, tmp_path: Path
) -> None:
    text = demo_script.read_text()
    start = text.index("EXT. REEF CHANNEL")
    revised = text[:start] + text[start:].replace("\n\n", "\n\nThe wind drops to nothing.\n\n", 1)
    cut = revised.index("EXT. SALT MARSH WELLS - DUSK #10#")
    revised = revised[:cut].rstrip() + "\n"
    path = tmp_path / "revised.fountain"
    path.write_text(revised)
    report = ingested("ingest", path, "--project", "demo", "--json").json()
    assert report["scenes"] == 9
    assert report["removed"] == 1
    assert report["changed"] == 1
    assert report["added"] == 0
    numbers = [s["number"] for s in ingested("scenes", "--project", "demo", "--json").json()]
    assert numbers == [str(n) for n in range(1, 10)]


def test_fdx_and_fountain_give_the_same_scenes(cli: Cli, demo_script: Path) -> None:
    cli("ingest", demo_script, "--project", "from-fountain", "--json").json()
    cli("ingest", DEMO / "demo.fdx", "--project", "from-fdx", "--json").json()
    fountain = cli("scenes", "--project", "from-fountain", "--json").json()
    fdx = cli("scenes", "--project", "from-fdx", "--json").json()
    assert fountain == fdx


def test_memory_rebuild_restores_search(ingested: Cli, home: Path) -> None:
    from frameline.settings import Settings
    from memory.vectors import VectorMemory

    VectorMemory.open(path=Settings().vectors_path).drop_project("demo")
    rebuilt = ingested("memory", "rebuild", "--project", "demo", "--json").json()
    assert rebuilt["embedded"]["demo"] > 0
    hits = ingested("search", "harbour", "--project", "demo", "--json").json()
    assert hits


def test_character_aliases_are_editable(ingested: Cli) -> None:
    row = ingested(
        "characters", "edit", "MARA", "--alias", "the surveyor", "--project", "demo", "--json"
    ).json()
    assert "THE SURVEYOR" in row["aliases"]
    clash = ingested("characters", "edit", "TOMAS", "--alias", "the surveyor", "--project", "demo")
    assert clash.exit_code != 0 and "MARA" in clash.stderr


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.fountain", b"", "empty"),
        ("binary.fountain", b"\x00\x01\x02PNG\xff\xfe", "binary.fountain"),
        ("latin1.fountain", "INT. CAF\xc9 - DAY\n\nHello.\n".encode("latin-1"), "latin1"),
        ("broken.fdx", b"<FinalDraft><Content><Paragraph>", "broken.fdx"),
        ("noscenes.fountain", b"Just some words.\n\nAnd more words.\n", "no scene headings"),
        ("script.docx", b"PK\x03\x04", "script.docx"),
    ],
)
def test_bad_screenplays_are_refused_and_change_nothing(
    ingested: Cli, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    before = ingested("scenes", "--project", "demo", "--json").json()
    path = tmp_path / name
    path.write_bytes(content)
    outcome = ingested("ingest", path, "--project", "demo", "--json")
    assert outcome.exit_code != 0
    assert outcome.stdout == ""
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
    assert ingested("scenes", "--project", "demo", "--json").json() == before


def test_unknown_project_and_bad_slug(cli: Cli, demo_script: Path) -> None:
    outcome = cli("scenes", "--project", "nope", "--json")
    assert outcome.exit_code != 0 and "nope" in outcome.stderr and outcome.stdout == ""
    outcome = cli("ingest", demo_script, "--project", "Bad_Slug", "--json")
    assert outcome.exit_code != 0 and "Bad_Slug" in outcome.stderr
    assert cli("projects", "--json").json() == []
