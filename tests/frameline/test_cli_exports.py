"""`frameline export` for editors: cuts with their frames beside them, and the animatic."""

from __future__ import annotations

from pathlib import Path

import av
import opentimelineio as otio
import pytest

from frameline.settings import Settings
from frameline.wiring import open_frameline
from memory.importer import import_screenplay
from memory.screenplay.reading import parse_screenplay_bytes
from memory.store import get_or_create_project
from tests.cli_runner import DEMO, Cli


@pytest.fixture
def demo(cli: Cli, home: Path) -> Cli:
    """The demo screenplay in project `demo` with two frames of scene 1."""
    data = (DEMO / "demo.fountain").read_bytes()
    with open_frameline(Settings()) as studio, studio.transaction() as session:
        project = get_or_create_project(session, "demo")
        screenplay = parse_screenplay_bytes(data, "demo.fountain")
        import_screenplay(session, project, screenplay, "demo.fountain", data)
    for _ in range(2):
        cli("render", "--project", "demo", "--scene", "1", "--json").json()
    return cli


def test_a_cut_and_an_animatic_from_the_command_line(demo: Cli, tmp_path: Path) -> None:
    cut = tmp_path / "reel1.edl"
    outcome = demo(
        "export", "--project", "demo", "--format", "edl", "--out", cut,
        "--duration", "1A=3", "--json",
    )  # fmt: skip
    report = outcome.json()
    assert outcome.stderr == ""  # no progress bar when nobody watches a terminal
    assert report["clips"] == 2 and report["media"] == str(tmp_path / "reel1_media")
    clips = list(otio.adapters.read_from_file(str(cut)).find_clips())
    assert [c.name for c in clips] == ["1A", "1B"] and clips[0].duration().value == 72
    assert (tmp_path / clips[1].media_reference.target_url).is_file()
    movie = tmp_path / "board.mp4"
    outcome = demo(
        "export", "--project", "demo", "--format", "mp4", "--out", movie,
        "--duration", "1A=0.5", "--duration", "1B=0.5", "--timecode",
    )  # fmt: skip
    assert outcome.exit_code == 0 and outcome.stdout.strip() == str(movie.resolve())
    with av.open(str(movie)) as container:
        assert container.streams.video[0].codec_context.name == "h264"
        assert sum(1 for _ in container.decode(video=0)) == 24


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--format", "edl", "--duration", "1A"), "write SHOT=SECONDS"),
        (("--format", "edl", "--duration", "9Z=2"), "its shots are 1A, 1B"),
        (("--format", "pdf", "--timecode"), "apply to the mp4 animatic only"),
        (("--format", "mp4", "--audio", "music"), "the one audio mode is 'scratch'"),
    ],
)
def test_export_mistakes_are_one_line(
    demo: Cli, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    outcome = demo("export", "--project", "demo", "--out", tmp_path / "x.out", *args)
    assert outcome.exit_code == 2 and outcome.stdout == ""
    assert message in outcome.stderr and outcome.stderr.count("\n") == 1
    assert not (tmp_path / "x.out").exists()
