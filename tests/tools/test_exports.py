"""Exports read back with the tools crews use: pypdf, OpenTimelineIO, csv and zipfile.

The board is built from real previz renders of the demo screenplay; a re-import of a changed
scene marks its frames stale the way a rewrite does.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import av
import opentimelineio as otio
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from core.errors import BackendUnavailable, InvalidInput, PermissionDenied
from frameline.settings import Settings
from frameline.wiring import Frameline, open_frameline
from memory.importer import import_screenplay
from memory.records import Shot, VersionComment
from memory.screenplay.reading import parse_screenplay_bytes
from memory.store import get_or_create_project, get_project, get_scene, get_version
from tests.cli_runner import DEMO
from tools.context import Actor
from tools.exports import (
    FPS,
    FRAMES_PER_EIGHTH,
    ExportOptions,
    dialogue_blocks,
    export_project,
    parse_durations,
    timecode,
)
from tools.exports.shotlist import COLUMNS
from tools.exports.spreadsheet import safe_cell
from tools.frames import render_frame
from tools.versions import set_status

ADMIN = Actor("local", "admin")
DIRECTOR = Actor("dee", "director")
WRITER = Actor("wren", "writer")

UNICODE_SCRIPT = """Title: Zoë's Café — Ŝtorm
Author: Jiří Ångström

EXT. CAFÉ «LA MER» - NIGHT

Zoë wipes the counter. Rain on the glass.

ZOË
Ça va, Jiří? Всё хорошо. Καλησπέρα.
"""


def import_script(studio: Frameline, slug: str, text: str, name: str = "script.fountain") -> None:
    """Import a screenplay into a project through the real importer (no embedding needed)."""
    data = text.encode("utf-8")
    with studio.transaction() as session:
        project = get_or_create_project(session, slug)
        screenplay = parse_screenplay_bytes(data, name)
        import_screenplay(session, project, screenplay, name, data)


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Frameline]:
    """A board: scene 1 with 1A (approved take, then a newer draft), 1B, 1C; scene 2 with 2A
    (continuity failed) and 2B, both stale after a rewrite of scene 2; scenes 3–10 unboarded.
    Also `unicode`, a one-scene project in three alphabets, and `empty`, with no frames."""
    home = tmp_path_factory.mktemp("exports") / "home"
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith("FRAMELINE_"):
                patch.delenv(name)
        with open_frameline(Settings(home=home)) as opened:
            demo = (DEMO / "demo.fountain").read_text()
            import_script(opened, "demo", demo, "demo.fountain")
            import_script(opened, "empty", demo, "demo.fountain")
            import_script(opened, "unicode", UNICODE_SCRIPT)
            [approved] = render_frame(opened, WRITER, "demo", "1", seed=1, framing="wide")
            render_frame(opened, WRITER, "demo", "1", seed=2)
            render_frame(opened, WRITER, "demo", "1", seed=3, framing="close-up")
            render_frame(opened, WRITER, "demo", "1", shot="1A", seed=4)
            [failed] = render_frame(opened, DIRECTOR, "demo", "2", seed=5)
            render_frame(opened, DIRECTOR, "demo", "2", seed=6)
            set_status(opened, DIRECTOR, approved.version_id, "approved")
            with opened.transaction() as session:
                # As the continuity check leaves a failure on a version.
                version = get_version(session, failed.version_id)
                version.continuity = "fail"
                version.continuity_report = {
                    "identity": {"verdict": "fail", "reason": "MARA's face is not in the frame"},
                    "summary": "identity: fail — MARA's face is not in the frame",
                }
            with opened.transaction() as session:
                # A caption a spreadsheet would run as a formula.
                shot = session.scalars(select(Shot).where(Shot.code == "2B")).one()
                shot.description = '=HYPERLINK("http://x","2B")'
                session.add(
                    VersionComment(
                        version_id=get_version(session, "v1").id,
                        person="dee",
                        role="director",
                        text="Hold on Mara longer",
                    )
                )
            rewrite = demo.replace("Rain ticks on the tin roof.", "Hail rattles the tin roof.")
            import_script(opened, "demo", rewrite, "demo.fountain")
            render_frame(opened, WRITER, "unicode", "1", seed=7)
            yield opened


def export(studio: Frameline, tmp_path: Path, format: str, project: str = "demo") -> Path:
    """Export to a file in the test's folder and return its path."""
    suffix = {"otio": ".otio", "csv": ".csv", "zip": ".zip"}.get(format, ".pdf")
    out = tmp_path / f"{project}-{format}{suffix}"
    report = export_project(studio, WRITER, project, format, out)
    assert report["path"] == str(out.resolve()) and out.is_file()
    return out


def scene_frames(studio: Frameline, number: str) -> int:
    """A scene's length on the timeline by the documented rule."""
    with studio.transaction() as session:
        return get_scene(session, get_project(session, "demo"), number).eighths * FRAMES_PER_EIGHTH


def pdf_text(path: Path) -> tuple[PdfReader, str]:
    reader = PdfReader(path)
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_the_storyboard_pdf_has_a_title_page_contents_and_a_sheet_per_scene(
    studio, tmp_path: Path
) -> None:
    reader, text = pdf_text(export(studio, tmp_path, "pdf"))
    assert len(reader.pages) == 4  # title, contents, scene 1 (3 shots), scene 2 (2 shots)
    title, contents, first, second = (page.extract_text() for page in reader.pages)
    assert "SALT LINE" in title and "Written by" in title and "5 shots" in title
    assert "Contents" in contents and "not yet boarded" in contents
    assert "SCENE 1" in first and "EXT. GREYHAVEN HARBOUR - DAY" in first
    for code in ("1A", "1B", "1C"):
        assert code in first
    assert "TOMAS: Eleven years. You could have written." in first
    assert "APPROVED" in first and "v1" in first
    assert "SCENE 2" in second and "continuity fail" in second and "stale" in second
    assert "MARA's face is not in the frame" in second
    for number, page in enumerate(reader.pages, start=1):
        assert f"Page {number} of 4" in page.extract_text()
    assert reader.metadata.title == "SALT LINE — storyboard"
    assert "v4" not in first  # 1A shows its approved take, not the newer draft


def test_the_pdf_embeds_its_fonts_so_any_alphabet_prints(studio, tmp_path: Path) -> None:
    reader, text = pdf_text(export(studio, tmp_path, "pdf", project="unicode"))
    assert "Zoë's Café — Ŝtorm" in text
    assert "ZOË: Ça va, Jiří? Всё хорошо. Καλησπέρα." in text
    assert "CAFÉ «LA MER»" in text
    fonts = reader.pages[2]["/Resources"]["/Font"]
    for font in fonts.values():
        descendant = font.get_object()["/DescendantFonts"][0].get_object()
        assert "/FontFile2" in descendant["/FontDescriptor"].get_object()


def test_the_timeline_has_a_clip_per_shot_in_script_order(studio, tmp_path: Path) -> None:
    timeline = otio.adapters.read_from_file(str(export(studio, tmp_path, "otio")))
    [track] = timeline.tracks
    clips = list(track.find_clips())
    assert [clip.name for clip in clips] == ["1A", "1B", "1C", "2A", "2B"]
    assert timeline.global_start_time == otio.opentime.RationalTime(3600 * FPS, FPS)
    scene_one = sum(c.source_range.duration.value for c in clips[:3])
    scene_two = sum(c.source_range.duration.value for c in clips[3:])
    assert (scene_one, scene_two) == (scene_frames(studio, "1"), scene_frames(studio, "2"))
    assert all(c.source_range.duration.rate == FPS for c in clips)
    first = clips[0]
    assert first.metadata["frameline"]["version_id"] == "v1"
    assert first.metadata["frameline"]["status"] == "approved"
    url = first.media_reference.target_url
    assert url == "demo-otio_media/1A_v1.png"  # relative to the export, never file:///…
    image = tmp_path / url
    assert image.is_file() and image.read_bytes().startswith(b"\x89PNG")
    markers = {clip.name: sorted(m.name.split(":")[0] for m in clip.markers) for clip in clips}
    assert markers == {
        "1A": ["1A note"],
        "1B": [],
        "1C": [],
        "2A": ["2A continuity fail", "2A stale"],
        "2B": ["2B stale"],
    }
    [fail] = [m for m in clips[3].markers if "fail" in m.name]
    assert "MARA's face is not in the frame" in fail.name
    [note] = clips[0].markers
    assert note.color == otio.schema.MarkerColor.BLUE and note.comment == "dee: Hold on Mara longer"
    assert fail.color == otio.schema.MarkerColor.RED
    assert "face is not in the frame" in fail.comment


def test_the_shot_list_agrees_with_the_timeline(studio, tmp_path: Path) -> None:
    with export(studio, tmp_path, "csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["shot"] for row in rows] == ["1A", "1B", "1C", "2A", "2B"]
    assert rows[0]["record_in"] == "01:00:00:00"
    for before, after in zip(rows, rows[1:], strict=False):
        assert before["record_out"] == after["record_in"]
    frames = sum(int(row["frames"]) for row in rows)
    assert rows[-1]["record_out"] == timecode(3600 * FPS + frames)
    assert (rows[0]["version_id"], rows[0]["status"], rows[0]["takes"]) == ("v1", "approved", "2")
    assert rows[3]["continuity"] == "fail" and rows[3]["stale"] == "yes"
    speeches = rows[1]["dialogue"].split("\n")
    assert speeches == [
        "MARA: I sent postcards.",
        "TOMAS: You sent one. It was of a different island.",
    ]
    assert Path(rows[2]["image_path"]).is_file()


def test_the_archive_holds_every_frame_with_its_provenance(studio, tmp_path: Path) -> None:
    with zipfile.ZipFile(export(studio, tmp_path, "zip")) as archive:
        index = json.loads(archive.read("index.json"))
        assert len(index["versions"]) == 6
        for entry in index["versions"]:
            png = archive.read(entry["png"])
            manifest = json.loads(archive.read(entry["manifest"]))
            assert manifest["asset"]["sha256"] == hashlib.sha256(png).hexdigest()
            assert manifest["version"]["version_id"] == entry["version_id"]
            assert manifest["provenance"]["backend"] == "previz"
        assert index["versions"][0]["png"] == "scene-1/1A/v1.png"


def test_a_project_without_frames_exports_documents_that_say_so(studio, tmp_path: Path) -> None:
    reader, text = pdf_text(export(studio, tmp_path, "pdf", project="empty"))
    assert len(reader.pages) == 1 and "No frames have been rendered" in text
    timeline = otio.adapters.read_from_file(str(export(studio, tmp_path, "otio", "empty")))
    assert list(timeline.find_clips()) == []
    assert timeline.metadata["frameline"]["note"] == "no frames have been rendered yet"
    with export(studio, tmp_path, "csv", "empty").open(newline="", encoding="utf-8") as handle:
        assert list(csv.reader(handle)) == [list(COLUMNS)]
    with zipfile.ZipFile(export(studio, tmp_path, "zip", "empty")) as archive:
        assert "No frames" in archive.read("README.txt").decode()
        assert json.loads(archive.read("index.json"))["versions"] == []


def test_the_continuity_report_prints_every_shot(studio, tmp_path: Path) -> None:
    reader, text = pdf_text(export(studio, tmp_path, "continuity"))
    assert "Continuity report" in text
    for code in ("1A", "1B", "1C", "2A", "2B"):
        assert code in text
    assert "continuity fail" in text
    out = tmp_path / "scene-2.pdf"
    export_project(studio, WRITER, "demo", "continuity", out, scene="2")
    _, scene_text = pdf_text(out)
    assert "2A" in scene_text and "1A" not in scene_text


@pytest.mark.parametrize(
    ("format", "name", "message"),
    [
        ("gif", "x.gif", "unknown export format 'gif'; formats are pdf, otio, otioz, edl"),
        ("otio", "missing/cut.otio", "no such folder"),
    ],
)
def test_exports_refuse_what_they_cannot_write(
    studio, tmp_path: Path, format: str, name: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        export_project(studio, ADMIN, "demo", format, tmp_path / name)
    assert not (tmp_path / name).exists()


def test_only_the_continuity_report_takes_a_scene_and_people_need_a_role(
    studio, tmp_path: Path
) -> None:
    with pytest.raises(InvalidInput, match="only the continuity report takes a scene"):
        export_project(studio, ADMIN, "demo", "pdf", tmp_path / "x.pdf", scene="1")
    with pytest.raises(InvalidInput, match="is a folder"):
        export_project(studio, ADMIN, "demo", "pdf", tmp_path)
    with pytest.raises(PermissionDenied):
        export_project(studio, Actor("x", "nobody"), "demo", "csv", tmp_path / "x.csv")


def test_dialogue_blocks_leave_out_parentheticals_and_action() -> None:
    text = "EXT. DOCK - DAY\n\nRain.\n\nTOMAS\n(nodding)\nSame man.\n\nCUT TO:"
    assert dialogue_blocks(text) == ["TOMAS: Same man."]


SHOTS = ["1A", "1B", "1C", "2A", "2B"]
EDITORIAL = [
    ("otio", ".otio", "otio_json"),
    ("edl", ".edl", "cmx_3600"),
    ("fcp7xml", ".xml", "fcp_xml"),
    ("fcpx", ".fcpxml", "fcpx_xml"),
    ("aaf", ".aaf", "AAF"),
]


@pytest.mark.parametrize(("format", "suffix", "adapter"), EDITORIAL)
def test_each_editorial_format_reads_back_through_its_own_adapter(
    studio, tmp_path: Path, format: str, suffix: str, adapter: str
) -> None:
    out = tmp_path / "cuts" / f"cut{suffix}"
    out.parent.mkdir()
    options = ExportOptions(durations={"1B": 2.5})
    report = export_project(studio, WRITER, "demo", format, out, options=options)
    assert report["adapter"] == adapter and report["clips"] == 5
    timeline = otio.adapters.read_from_file(str(out), adapter_name=adapter)
    clips = list(timeline.find_clips())
    assert [clip.name for clip in clips] == SHOTS
    frames = [clip.source_range.duration.value for clip in clips]
    assert frames[1] == 60  # 2.5 s at 24 fps, as asked
    assert frames[0] + frames[2] == scene_frames(studio, "1") - scene_frames(studio, "1") // 3
    assert sum(frames[3:]) == scene_frames(studio, "2")
    for clip in clips:
        url = clip.media_reference.target_url.removeprefix("file://")
        assert url.startswith("cut_media/") and not Path(url).is_absolute()
        assert (out.parent / url).read_bytes().startswith(b"\x89PNG")
    assert clips[0].media_reference.target_url.endswith("cut_media/1A_v1.png")
    if adapter == "AAF":  # the AAF adapter writes no markers; notes ride as user comments
        assert "continuity fail" in str(clips[3].metadata["AAF"]["UserComments"]["Notes"])
        return
    names = [marker.name.lower() for marker in clips[3].markers]
    assert any("2a continuity fail" in n and "face is not in the frame" in n for n in names)
    assert any("stale" in n for n in names)
    [note] = clips[0].markers
    assert note.name.lower() == "1a note: dee: hold on mara longer"


def test_the_otioz_bundle_carries_its_frames(studio, tmp_path: Path) -> None:
    out = tmp_path / "cut.otioz"
    export_project(studio, WRITER, "demo", "otioz", out)
    unpacked = tmp_path / "unpacked"
    unpacked.mkdir()
    timeline = otio.adapters.read_from_file(str(out), extract_to_directory=str(unpacked))
    clips = list(timeline.find_clips())
    assert [clip.name for clip in clips] == SHOTS
    for clip in clips:
        url = clip.media_reference.target_url
        assert url.startswith("media/")
        assert (unpacked / url).read_bytes().startswith(b"\x89PNG")


def test_durations_are_checked_before_anything_is_written(studio, tmp_path: Path) -> None:
    assert parse_durations(["1a=4", "2B=0.5"]) == {"1A": 4.0, "2B": 0.5}
    for bad in ("1A", "1A=x", "1A=0", "=3", "1A=-2"):
        with pytest.raises(InvalidInput, match="SHOT=SECONDS"):
            parse_durations([bad])
    with pytest.raises(InvalidInput, match="lacks; its shots are 1A, 1B, 1C, 2A, 2B"):
        options = ExportOptions(durations={"9Z": 1})
        export_project(studio, WRITER, "demo", "edl", tmp_path / "x.edl", options=options)
    with pytest.raises(InvalidInput, match="--duration applies to"):
        options = ExportOptions(durations={"1A": 1})
        export_project(studio, WRITER, "demo", "pdf", tmp_path / "x.pdf", options=options)
    assert list(tmp_path.iterdir()) == []


def test_the_shot_list_has_the_columns_crews_plan_with_and_no_formulas(
    studio, tmp_path: Path
) -> None:
    with export(studio, tmp_path, "csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for column in ("cast", "location", "time_of_day", "story_day", "framing", "angle", "lens"):
        assert column in rows[0]
    for column in ("duration", "status", "continuity", "continuity_notes"):
        assert column in rows[0]
    first = rows[0]
    assert first["location"] == "GREYHAVEN HARBOUR" and first["time_of_day"] == "DAY"
    assert first["story_day"] == "1" and "MARA" in first["cast"]
    assert first["framing"] == "wide" and first["duration"] == timecode(int(first["frames"]))
    assert "face is not in the frame" in rows[3]["continuity_notes"]
    assert first["notes"] == "dee: Hold on Mara longer"
    assert rows[4]["caption"] == '\'=HYPERLINK("http://x","2B")'
    assert [safe_cell(v) for v in ("+1", "-2", "@a", "\tx", "\rx", "ok", -3)] == [
        "'+1",
        "'-2",
        "'@a",
        "'\tx",
        "'\rx",
        "ok",
        -3,
    ]


def test_the_animatic_is_24_fps_h264_with_each_shot_held_for_its_length(
    studio, tmp_path: Path
) -> None:
    out = tmp_path / "board.mp4"
    seen: list[tuple[int, int, str]] = []
    durations = {"1A": 0.5, "1B": 0.25, "1C": 0.25, "2A": 0.5, "2B": 0.5}
    options = ExportOptions(
        durations=durations, burn_timecode=True, progress=lambda *step: seen.append(step)
    )
    report = export_project(studio, WRITER, "demo", "mp4", out, options=options)
    assert report["frames"] == 48 and [code for *_, code in seen] == SHOTS
    assert seen[-1][:2] == (48, 48)
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264" and stream.average_rate == FPS
        assert (stream.width, stream.height) == (960, 540)
        frames = list(container.decode(video=0))
        assert len(frames) == 48
        assert abs(float(container.duration / av.time_base) - 2.0) < 0.05
        band = frames[0].to_ndarray(format="rgb24")[-96:]
        assert band.mean() < 60 and band.max() > 200  # a black band with light caption text


def test_scratch_audio_needs_espeak_and_says_so(studio, tmp_path: Path, monkeypatch) -> None:
    options = ExportOptions(durations=dict.fromkeys(SHOTS, 0.5), audio="scratch")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackendUnavailable, match="needs espeak-ng, which is not installed"):
        export_project(studio, WRITER, "demo", "mp4", tmp_path / "a.mp4", options=options)
    assert not (tmp_path / "a.mp4").exists()


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="needs espeak-ng")
def test_scratch_audio_speaks_the_dialogue(studio, tmp_path: Path) -> None:
    options = ExportOptions(durations=dict.fromkeys(SHOTS, 1.0), audio="scratch")
    out = tmp_path / "a.mp4"
    export_project(studio, WRITER, "demo", "mp4", out, options=options)
    with av.open(str(out)) as container:
        [audio] = container.streams.audio
        samples = [f.to_ndarray() for f in container.decode(audio=0)]
    assert audio.codec_context.name == "aac"
    import numpy as np

    sound = np.concatenate(samples, axis=1)
    assert np.abs(sound).max() > 0.05  # 1B's dialogue is heard
