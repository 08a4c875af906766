"""`frameline continuity …` and `frameline characters add-reference` through the real CLI.

Faces are real photos shipped inside packages (scikit-image's astronaut, matplotlib's Grace
Hopper); the project is the demo screenplay imported into the test's home.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import matplotlib
import pytest
from PIL import Image
from skimage import data

from frameline.settings import Settings
from frameline.wiring import open_frameline
from memory.facts import FactStatement, add_fact
from memory.importer import import_screenplay
from memory.screenplay.reading import parse_screenplay_bytes
from memory.store import get_or_create_project
from tests.cli_runner import DEMO, Cli, Outcome

GREY = (128, 128, 128)


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Collins, Hopper, both side by side, and a plate with no face, as files."""
    folder = tmp_path_factory.mktemp("photos")
    collins = Image.fromarray(data.astronaut()).crop((90, 0, 350, 260))
    with Image.open(Path(matplotlib.get_data_path(), "sample_data", "grace_hopper.jpg")) as image:
        hopper = image.resize((image.width // 2, image.height // 2), Image.Resampling.LANCZOS)
    collins.save(folder / "collins.png")
    hopper.save(folder / "hopper.jpg", quality=95)
    group = Image.new("RGB", (620, 360), GREY)
    group.paste(collins, (20, 40))
    group.paste(hopper, (340, 20))
    group.save(folder / "group.png")
    Image.new("RGB", (320, 240), GREY).save(folder / "plate.png")
    (folder / "broken.png").write_bytes((folder / "collins.png").read_bytes()[:4000])
    return folder


@pytest.fixture
def demo(cli: Cli) -> Cli:
    """The demo screenplay and its facts in project `demo` (records only: no search index)."""
    script = DEMO / "demo.fountain"
    content = script.read_bytes()
    with open_frameline(Settings()) as frameline, frameline.transaction() as session:
        project = get_or_create_project(session, "demo")
        import_screenplay(
            session, project, parse_screenplay_bytes(content, script.name), script.name, content
        )
        for fact in json.loads((DEMO / "facts.json").read_text()):
            add_fact(
                session,
                project,
                FactStatement(
                    fact["subject"], fact["statement"], fact["from_scene"], fact["to_scene"]
                ),
            )
    return cli


def assert_one_line_error(outcome: Outcome, *fragments: str) -> None:
    assert outcome.exit_code != 0
    assert outcome.stdout == ""
    assert len(outcome.stderr.strip().splitlines()) == 1, outcome.stderr
    for fragment in fragments:
        assert fragment in outcome.stderr


def references(cli: Cli, name: str) -> int:
    rows = cli("characters", "list", "--project", "demo", "--json").json()
    return next(row["references"] for row in rows if row["name"] == name)


def render(cli: Cli, scene: str, *extra: Any) -> dict[str, Any]:
    return cli(
        "render", "--project", "demo", "--scene", scene, "--seed", "5", *extra, "--json"
    ).json()


# --- compare-face -------------------------------------------------------------------------------


@pytest.mark.slow
def test_compare_face_prints_the_documented_json(cli: Cli, photos: Path) -> None:
    document = cli(
        "continuity", "compare-face", photos / "collins.png", photos / "group.png", "--json"
    ).json()

    assert document["threshold"] == 0.6
    assert [face["same_person"] for face in document["faces"]] == [True, False]
    first, second = document["faces"]
    assert set(first) == {"box", "distance", "same_person"}
    assert all(type(v) is int for v in first["box"]) and first["box"][0] < second["box"][0]
    assert first["distance"] < 0.6 < second["distance"]


@pytest.mark.slow
def test_compare_face_reads_the_threshold_setting(
    cli: Cli, photos: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRAMELINE_FACE_THRESHOLD", "0.9")

    document = cli(
        "continuity", "compare-face", photos / "collins.png", photos / "hopper.jpg", "--json"
    ).json()

    assert document["threshold"] == 0.9
    assert document["faces"][0]["same_person"] is True


@pytest.mark.slow
def test_compare_face_with_no_face_in_the_frame(cli: Cli, photos: Path) -> None:
    outcome = cli(
        "continuity", "compare-face", photos / "collins.png", photos / "plate.png", "--json"
    )

    assert outcome.json() == {"threshold": 0.6, "faces": []}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("reference", "frame", "named"),
    [
        ("plate.png", "collins.png", "plate.png"),
        ("broken.png", "collins.png", "broken.png"),
        ("collins.png", "broken.png", "broken.png"),
        ("collins.png", "missing.png", "missing.png"),
    ],
)
def test_compare_face_errors_name_the_file(cli: Cli, photos: Path, reference, frame, named) -> None:
    outcome = cli("continuity", "compare-face", photos / reference, photos / frame, "--json")

    assert_one_line_error(outcome, named)


# --- characters add-reference -------------------------------------------------------------------


@pytest.mark.slow
def test_add_reference_refuses_several_faces_without_a_box(demo: Cli, photos: Path) -> None:
    outcome = demo(
        "characters", "add-reference", "--project", "demo", "MARA", photos / "group.png", "--json"
    )

    assert_one_line_error(outcome, "group.png has 2 faces", "--box")
    assert references(demo, "MARA") == 0

    row = demo(
        "characters",
        "add-reference",
        "--project",
        "demo",
        "MARA",
        photos / "group.png",
        "--box",
        "0,0,320,360",
        "--json",
    ).json()

    assert row["character"] == "MARA" and row["box"][2] <= 320
    assert references(demo, "MARA") == 1


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "image", "box", "named"),
    [
        ("MARA", "plate.png", None, "plate.png: no face found"),
        ("MARA", "broken.png", None, "broken.png"),
        ("MARA", "missing.png", None, "missing.png: no such file"),
        ("NOBODY", "collins.png", None, "no character 'NOBODY'"),
        ("MARA", "collins.png", "1,2,3", "four integers"),
    ],
)
def test_add_reference_errors_store_nothing(demo: Cli, photos: Path, name, image, box, named):
    extra = ["--box", box] if box else []
    outcome = demo(
        "characters", "add-reference", "--project", "demo", name, photos / image, *extra, "--json"
    )

    assert_one_line_error(outcome, named)
    assert references(demo, "MARA") == 0


# --- check, confirm, report ---------------------------------------------------------------------


def test_check_of_a_previz_frame_says_not_checkable(demo: Cli) -> None:
    version = render(demo, "4", "--character", "MARA")

    report = demo("continuity", "check", version["version_id"], "--json").json()

    assert report["result"] == "not_checkable"
    assert report["identity"]["reason"].startswith("not checkable: previz")
    listed = demo("versions", "--project", "demo", "--shot", version["shot"], "--json").json()
    assert listed[-1]["continuity"] == "not_checkable"
    text = demo("continuity", "check", version["version_id"])
    assert "identity: not checkable: previz" in text.stdout


def test_check_with_a_wardrobe_box(demo: Cli) -> None:
    version = render(demo, "1", "--character", "MARA")

    report = demo(
        "continuity", "check", version["version_id"], "--box", "MARA=180,200,300,330", "--json"
    ).json()

    assert report["look"]["boxes"] == {"MARA": [180, 200, 300, 330]}
    bad = demo("continuity", "check", version["version_id"], "--box", "180,200,300,330")
    assert_one_line_error(bad, "MARA=X0,Y0,X1,Y1")


def test_check_of_an_unknown_version_is_one_line(demo: Cli) -> None:
    assert_one_line_error(demo("continuity", "check", "v404", "--json"), "v404")


def test_confirm_an_item_by_eye(demo: Cli) -> None:
    version = render(demo, "4", "--character", "MARA")
    report = demo("continuity", "check", version["version_id"], "--json").json()
    item = report["open_items"][0]["item_id"]

    confirmed = demo(
        "continuity",
        "confirm",
        version["version_id"],
        item,
        "--note",
        "bandage on the left hand",
        "--as",
        "director",
        "--json",
    ).json()

    entry = confirmed["confirmed_items"][0]
    assert entry["item_id"] == item
    assert entry["confirmation"]["role"] == "director"
    assert entry["confirmation"]["note"] == "bandage on the left hand"
    unknown = demo("continuity", "confirm", version["version_id"], "f999")
    assert_one_line_error(unknown, "f999")


def test_report_in_markdown_and_json(demo: Cli, tmp_path: Path) -> None:
    version = render(demo, "4", "--character", "MARA")
    demo("continuity", "check", version["version_id"], "--json").json()

    markdown = demo("continuity", "report", "--project", "demo", "--scene", "4")
    document = demo("continuity", "report", "--project", "demo", "--format", "json").json()
    written = demo("continuity", "report", "--project", "demo", "--out", tmp_path / "report.md")

    assert markdown.exit_code == 0, markdown.stderr
    assert markdown.stdout.startswith("# Continuity report: demo")
    assert "### Shot 4A" in markdown.stdout and "- [ ] f1" in markdown.stdout
    assert document["summary"]["not_checkable"] == 1
    assert [s["number"] for s in document["scenes"]][:2] == ["1", "2"]
    assert written.stdout.strip() == str(tmp_path / "report.md")
    assert (tmp_path / "report.md").read_text().startswith("# Continuity report: demo")


def test_report_errors(demo: Cli, tmp_path: Path) -> None:
    assert_one_line_error(
        demo("continuity", "report", "--project", "demo", "--format", "docx"), "docx"
    )
    assert_one_line_error(demo("continuity", "report", "--project", "demo", "--scene", "40"), "40")
    assert_one_line_error(demo("continuity", "report", "--project", "nope"), "nope")
    assert_one_line_error(
        demo("continuity", "report", "--project", "demo", "--format", "pdf"), "--out"
    )


def test_report_as_pdf(demo: Cli, tmp_path: Path) -> None:
    from pypdf import PdfReader

    version = render(demo, "4", "--character", "MARA")
    demo("continuity", "check", version["version_id"], "--json").json()

    outcome = demo(
        "continuity",
        "report",
        "--project",
        "demo",
        "--scene",
        "4",
        "--format",
        "pdf",
        "--out",
        tmp_path / "continuity.pdf",
    )

    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout.strip() == str((tmp_path / "continuity.pdf").resolve())
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "continuity.pdf").pages)
    assert "previz" in text and "4A" in text


def test_consistency_answer(demo: Cli) -> None:
    version = render(demo, "4", "--character", "MARA")
    demo("continuity", "check", version["version_id"], "--json").json()

    answer = demo(
        "continuity", "consistency", "mara", "--project", "demo", "--scene", "4", "--json"
    ).json()

    assert (answer["subject"], answer["answer"]) == ("MARA", "unverified")
    assert answer["shots"][0]["identity"] == "not_checkable"
