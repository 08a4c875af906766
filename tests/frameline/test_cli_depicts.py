"""`depicts` end to end through the CLI: scenes, looks a person sets, renders and revisions."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_runner import Cli

pytestmark = pytest.mark.slow


def test_demo_casts_looks_renders_and_revisions_carry_the_description(
    cli: Cli, demo_script: Path
) -> None:
    cli("ingest", demo_script, "--project", "demo", "--json").json()
    scenes = {s["number"]: s for s in cli("scenes", "--project", "demo", "--json").json()}
    assert set(scenes["1"]["characters"]) == {"MARA", "TOMAS"}
    assert set(scenes["8"]["characters"]) == {"MARA"}
    assert set(scenes["10"]["characters"]) == {"MARA", "ADA", "TOMAS"}

    people = {c["name"]: c for c in cli("characters", "list", "--project", "demo", "--json").json()}
    assert "yellow oilskin" in people["MARA"]["look"] and "30s" in people["MARA"]["look"]
    edited = cli(
        "characters", "edit", "ADA", "--look", "70s, red beret", "--project", "demo", "--json"
    ).json()
    assert edited["look"] == "70s, red beret"
    cli("ingest", demo_script, "--project", "demo", "--json").json()  # a re-import keeps it
    people = {c["name"]: c for c in cli("characters", "list", "--project", "demo", "--json").json()}
    assert people["ADA"]["look"] == "70s, red beret"

    boat = cli("render", "--project", "demo", "--scene", "6", "--seed", "1", "--json").json()
    assert boat["depicts"]["time_of_day"] == "night"
    assert "no moon" in boat["depicts"]["light"] and "boat" in boat["depicts"]["props"]
    assert "*" not in boat["depicts"]["action"] and "_" not in boat["depicts"]["action"]

    marsh = cli(
        "render", "--project", "demo", "--scene", "3", "--seed", "1",
        "--prompt", "at night in the rain with a lantern", "--json",
    ).json()  # fmt: skip
    said = marsh["depicts"]
    assert (said["time_of_day"], "rain" in said["weather"]) == ("night", True)
    assert "lantern" in said["light"]
    ada = next(c for c in said["characters"] if c["name"] == "ADA")
    assert ada["look"].startswith("70s, red beret")

    child = cli(
        "revise", marsh["version_id"], "--instruction",
        "close-up on Tomas, remove the lantern", "--seed", "2", "--json",
    ).json()  # fmt: skip
    changed = child["depicts"]
    assert changed["framing"] == "close-up"
    assert changed["characters"][0]["name"] == "TOMAS"
    assert changed["characters"][0]["position"].startswith("centre")
    assert "lantern" not in changed["props"] and "lantern" not in changed["light"]
    assert changed["time_of_day"] == "night"  # the parent's description carries on
    shown = cli("versions", "--project", "demo", "--shot", child["shot"], "--json").json()
    assert shown[-1]["depicts"] == changed


def test_an_empty_look_is_refused_and_changes_nothing(cli: Cli, demo_script: Path) -> None:
    cli("ingest", demo_script, "--project", "demo", "--json").json()
    refused = cli("characters", "edit", "MARA", "--look", "  ", "--project", "demo", "--json")
    assert refused.exit_code != 0 and refused.stdout == ""
    assert "look" in refused.stderr
    people = {c["name"]: c for c in cli("characters", "list", "--project", "demo", "--json").json()}
    assert "yellow oilskin" in people["MARA"]["look"]
