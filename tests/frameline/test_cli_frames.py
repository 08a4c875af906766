"""Frames and versions through the real CLI, on previz and on a tiny diffusers model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.cli_runner import Cli

pytestmark = pytest.mark.slow

VERSION_FIELDS = {
    "version_id": str,
    "project": str,
    "scene": str,
    "shot": str,
    "image_path": str,
    "width": int,
    "height": int,
    "seed": int,
    "backend": str,
    "status": str,
    "stale": bool,
    "continuity": str,
}


@pytest.fixture
def ingested(cli: Cli, demo_script: Path) -> Cli:
    assert cli("ingest", demo_script, "--project", "demo", "--json").exit_code == 0
    return cli


def pixels(version: dict) -> np.ndarray:
    return np.asarray(Image.open(version["image_path"]).convert("RGB"))


def check_version(version: dict) -> None:
    for name, kind in VERSION_FIELDS.items():
        assert isinstance(version[name], kind), name
    assert version["parent_id"] is None or version["parent_id"].startswith("v")
    assert version["status"] in {"draft", "approved", "locked"}
    assert version["continuity"] in {"pass", "fail", "not_checkable", "pending"}
    assert Path(version["image_path"]).is_absolute()


def test_render_revise_versions_on_previz(ingested: Cli) -> None:
    first = ingested("render", "--project", "demo", "--scene", "3", "--json").json()
    check_version(first)
    assert (first["shot"], first["backend"], first["parent_id"]) == ("3A", "previz", None)
    assert first["width"] >= 512
    second = ingested("render", "--project", "demo", "--scene", "3", "--json").json()
    assert second["shot"] == "3B"
    take = ingested(
        "render", "--project", "demo", "--scene", "3", "--shot", "3A", "--seed", "9", "--json"
    ).json()
    assert (take["shot"], take["parent_id"], take["seed"]) == ("3A", None, 9)
    child = ingested(
        "revise",
        take["version_id"],
        "--instruction",
        "warmer light on her",
        "--region",
        "10,20,200,120",
        "--json",
    ).json()
    assert child["parent_id"] == take["version_id"]
    before, after = pixels(take), pixels(child)
    mask = np.ones(before.shape[:2], bool)
    mask[20:120, 10:200] = False
    assert np.array_equal(before[mask], after[mask])
    history = ingested("versions", "--project", "demo", "--shot", "3A", "--json").json()
    assert [v["version_id"] for v in history] == [
        first["version_id"],
        take["version_id"],
        child["version_id"],
    ]


def test_status_changes_by_role(ingested: Cli) -> None:
    version = ingested("render", "--project", "demo", "--scene", "2", "--json").json()
    refused = ingested("approve", version["version_id"], "--as", "writer", "--json")
    assert refused.exit_code != 0 and refused.stdout == "" and "writer" in refused.stderr
    assert (
        ingested("approve", version["version_id"], "--as", "director", "--json").json()["status"]
        == "approved"
    )
    assert ingested("lock", version["version_id"], "--json").json()["status"] == "locked"
    locked = ingested("revise", version["version_id"], "--instruction", "night", "--json")
    assert locked.exit_code != 0 and "locked" in locked.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["render", "--project", "demo", "--scene", "77", "--json"], "77"),
        (["render", "--project", "nope", "--scene", "1", "--json"], "nope"),
        (["revise", "v404", "--instruction", "x", "--json"], "v404"),
        (["versions", "--project", "demo", "--shot", "9Q", "--json"], "9Q"),
        (["render", "--project", "demo", "--scene", "1", "--seed", "-4", "--json"], "seed"),
    ],
)
def test_bad_frame_requests_fail_in_one_line(ingested: Cli, args: list[str], message: str) -> None:
    outcome = ingested(*args)
    assert outcome.exit_code != 0 and outcome.stdout == ""
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]


def test_region_outside_the_frame_makes_no_version(ingested: Cli) -> None:
    version = ingested("render", "--project", "demo", "--scene", "1", "--json").json()
    for region in ("0,0,0,10", "0,0,5000,10", "a,b,c,d"):
        outcome = ingested(
            "revise", version["version_id"], "--instruction", "x", "--region", region
        )
        assert outcome.exit_code != 0 and outcome.stdout == ""
    assert len(ingested("versions", "--project", "demo", "--shot", "1A", "--json").json()) == 1


def test_render_and_revise_on_a_tiny_diffusers_model(
    ingested: Cli, tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRAMELINE_IMAGE_BACKEND", "diffusers")
    monkeypatch.setenv("FRAMELINE_DIFFUSERS_MODEL", str(tiny_model))
    monkeypatch.setenv("FRAMELINE_DEVICE", "cpu")
    monkeypatch.setenv("FRAMELINE_WATERMARK", "0")  # each take's mark names its own version
    args = ("--project", "demo", "--scene", "4", "--width", "64", "--height", "64")
    outcome = ingested("render", *args, "--seed", "3", "--json")
    assert outcome.stderr == ""  # no loading bars or library warnings around the JSON
    first = outcome.json()
    check_version(first)
    assert first["backend"] == "diffusers" and (first["width"], first["height"]) == (64, 64)
    again = ingested("render", *args, "--shot", first["shot"], "--seed", "3", "--json").json()
    assert np.array_equal(pixels(first), pixels(again))
    child = ingested(
        "revise",
        first["version_id"],
        "--instruction",
        "a lamp",
        "--region",
        "8,8,40,40",
        "--json",
    ).json()
    before, after = pixels(first), pixels(child)
    mask = np.ones(before.shape[:2], bool)
    mask[8:40, 8:40] = False
    assert np.array_equal(before[mask], after[mask])
    assert child["backend"] == "diffusers" and child["parent_id"] == first["version_id"]
    whole = ingested("revise", first["version_id"], "--instruction", "at night", "--json").json()
    assert whole["parent_id"] == first["version_id"]


def test_missing_diffusers_model_is_a_clear_error(
    ingested: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRAMELINE_IMAGE_BACKEND", "diffusers")
    monkeypatch.setenv("FRAMELINE_DIFFUSERS_MODEL", str(tmp_path / "no-model"))
    outcome = ingested("render", "--project", "demo", "--scene", "1", "--json")
    assert outcome.exit_code != 0 and "no-model" in outcome.stderr
    monkeypatch.delenv("FRAMELINE_IMAGE_BACKEND")
    assert ingested("render", "--project", "demo", "--scene", "1", "--json").exit_code == 0
