"""Frames, revisions, statuses and jobs through the public tools, on the previz backend."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tools.context import Actor
from tools.frames import list_versions, next_shot_code, render_frame
from tools.jobs import execute_job, recover_jobs, submit_job
from tools.revisions import plan_revision, revise_frame
from tools.versions import set_status

pytestmark = pytest.mark.slow

ADMIN = Actor("local", "admin")
WRITER = Actor("wren", "writer")
DIRECTOR = Actor("dee", "director")


def pixels(path: str) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB"))


def test_shot_codes_follow_the_scene_number() -> None:
    assert next_shot_code("12", set()) == "12A"
    assert next_shot_code("12", {"12A", "12B"}) == "12C"
    assert next_shot_code("12", {f"12{chr(65 + n)}" for n in range(26)}) == "12AA"
    assert next_shot_code("12A", set()) == "12A-A"


def test_render_makes_a_new_shot_with_a_png_version(studio) -> None:
    [version] = render_frame(studio, WRITER, "demo", "3", seed=11)
    assert (version.shot, version.scene, version.parent_id) == ("3A", "3", None)
    assert (version.status, version.backend, version.seed) == ("draft", "previz", 11)
    assert version.width >= 512
    image = Image.open(version.image_path)
    assert image.format == "PNG" and image.size == (version.width, version.height)
    provenance = json.loads(image.text["frameline"])
    assert provenance["seed"] == 11 and provenance["backend"] == "previz"
    assert "MARA" in version.prompt and "bandage" in version.prompt


def test_same_inputs_and_seed_give_identical_pixels(home, monkeypatch) -> None:
    from frameline.demo import load_demo
    from frameline.settings import Settings
    from frameline.wiring import open_frameline

    # The drawing is deterministic; the watermark (on by default) names each version's own id,
    # so two takes are compared unmarked (tests/tools/test_provenance.py covers the marks).
    monkeypatch.setenv("FRAMELINE_WATERMARK", "0")
    with open_frameline(Settings()) as studio:
        load_demo(studio)
        _same_pixels_for_the_same_seed(studio)


def _same_pixels_for_the_same_seed(studio) -> None:
    [first] = render_frame(studio, ADMIN, "demo", "4", seed=5)
    [second] = render_frame(studio, ADMIN, "demo", "4", shot=first.shot, seed=5)
    assert second.shot == first.shot and second.parent_id is None
    assert np.array_equal(pixels(first.image_path), pixels(second.image_path))
    [other] = render_frame(studio, ADMIN, "demo", "4", shot=first.shot, seed=6)
    assert not np.array_equal(pixels(first.image_path), pixels(other.image_path))


def test_next_free_codes_and_takes(studio) -> None:
    codes = [render_frame(studio, ADMIN, "demo", "5", seed=n)[0].shot for n in range(3)]
    assert codes == ["5A", "5B", "5C"]
    take = render_frame(studio, ADMIN, "demo", "5", shot="5b", seed=9)[0]
    assert take.shot == "5B"
    assert [v.version_id for v in list_versions(studio, ADMIN, "demo", "5B")][-1] == take.version_id


def test_night_frame_is_darker_than_day(studio) -> None:
    [night] = render_frame(studio, ADMIN, "demo", "4", seed=3)
    [day] = render_frame(studio, ADMIN, "demo", "1", seed=3)
    assert pixels(night.image_path).mean() < pixels(day.image_path).mean()


def test_region_revision_keeps_every_pixel_outside_the_box(studio) -> None:
    [parent] = render_frame(studio, ADMIN, "demo", "3", seed=2)
    child = revise_frame(
        studio, DIRECTOR, parent.version_id, "make it night", region=(100, 50, 400, 300), seed=4
    )
    assert child.parent_id == parent.version_id and child.shot == parent.shot
    before, after = pixels(parent.image_path), pixels(child.image_path)
    outside = np.ones(before.shape[:2], bool)
    outside[50:300, 100:400] = False
    assert np.array_equal(before[outside], after[outside])
    assert not np.array_equal(before[~outside], after[~outside])
    assert Path(parent.image_path).exists()


def test_named_region_and_global_revision(studio) -> None:
    [parent] = render_frame(studio, ADMIN, "demo", "1", seed=8)
    sky = revise_frame(studio, ADMIN, parent.version_id, "stormier clouds in the sky", seed=1)
    before, after = pixels(parent.image_path), pixels(sky.image_path)
    top = round(parent.height * 0.38)
    assert np.array_equal(before[top:], after[top:])
    dusk = revise_frame(studio, ADMIN, parent.version_id, "make it dusk, lower the camera")
    assert dusk.parent_id == parent.version_id
    assert pixels(dusk.image_path).mean() < before.mean()


def test_revision_vocabulary() -> None:
    plan = plan_revision("shot 12B: make it dusk, keep Mara's face, lower the camera, 35mm")
    assert (plan.time_of_day, plan.angle, plan.lens) == ("DUSK", "low", "35mm lens")
    assert plan.keep == ["MARA face"]
    assert plan_revision("push in to a close-up").framing == "close-up"
    assert plan_revision("repaint the left third").region_name == "left third"


def test_a_revised_lens_is_stated_once_in_the_prompt(studio) -> None:
    [parent] = render_frame(studio, ADMIN, "demo", "6", seed=3)
    wide = revise_frame(studio, ADMIN, parent.version_id, "use a wide-angle lens")
    assert wide.depicts["lens"] == "wide-angle"
    assert "lens lens" not in wide.prompt
    prime = revise_frame(studio, ADMIN, parent.version_id, "redo with a 35mm lens")
    assert prime.prompt.count("35mm") == 2  # the camera clause and the director's own words


def test_bad_revisions_change_nothing(studio) -> None:
    [parent] = render_frame(studio, ADMIN, "demo", "3", seed=2)
    for region in [(0, 0, 0, 10), (700, 0, 900, 100), (-1, 0, 10, 10)]:
        with pytest.raises(InvalidInput):
            revise_frame(studio, ADMIN, parent.version_id, "fix it", region=region)
    with pytest.raises(InvalidInput):
        revise_frame(studio, ADMIN, parent.version_id, "   ")
    with pytest.raises(NotFound):
        revise_frame(studio, ADMIN, "v999", "fix it")
    assert len(list_versions(studio, ADMIN, "demo", parent.shot)) == 1


def test_status_roles_and_locking(studio) -> None:
    [version] = render_frame(studio, ADMIN, "demo", "2", seed=1)
    with pytest.raises(PermissionDenied):
        set_status(studio, WRITER, version.version_id, "approved")
    assert set_status(studio, DIRECTOR, version.version_id, "approved").status == "approved"
    assert set_status(studio, DIRECTOR, version.version_id, "locked").status == "locked"
    with pytest.raises(Conflict):
        revise_frame(studio, ADMIN, version.version_id, "make it night")
    with pytest.raises(Conflict):
        set_status(studio, ADMIN, version.version_id, "draft")


def test_unknown_scene_and_shot_of_another_scene(studio) -> None:
    with pytest.raises(NotFound, match="scenes are"):
        render_frame(studio, ADMIN, "demo", "99")
    render_frame(studio, ADMIN, "demo", "3", seed=1)
    with pytest.raises(InvalidInput, match="belongs to scene 3"):
        render_frame(studio, ADMIN, "demo", "4", shot="3A")
    with pytest.raises(NotFound):
        list_versions(studio, ADMIN, "demo", "9Z")


def test_every_version_has_one_ledger_entry(studio) -> None:
    from memory.records import LedgerEntry

    [version] = render_frame(studio, ADMIN, "demo", "3", seed=1)
    child = revise_frame(studio, ADMIN, version.version_id, "make it night")
    with studio.transaction() as session:
        entries = session.query(LedgerEntry).order_by(LedgerEntry.id).all()
        assert [(e.kind, e.version_id) for e in entries] == [
            ("render", version.version_id),
            ("revise", child.version_id),
        ]
        assert all(e.unit == "cpu_second" for e in entries)


def test_jobs_run_once_even_when_run_again(studio) -> None:
    job = submit_job(studio, ADMIN, "demo", "render", {"scene": "3", "seed": 4})
    assert job.state == "queued"
    done = execute_job(studio, job.job_id)
    assert done.state == "done" and len(done.result["versions"]) == 1
    again = execute_job(studio, job.job_id)
    assert again.result == done.result
    assert len(list_versions(studio, ADMIN, "demo", "3A")) == 1


def test_a_job_interrupted_by_a_crash_is_marked_failed(studio) -> None:
    from memory.records import Job

    job = submit_job(studio, ADMIN, "demo", "render", {"scene": "3"})
    with studio.transaction() as session:
        session.get(Job, job.job_id).state = "running"
    assert recover_jobs(studio) == [job.job_id]
    with studio.transaction() as session:
        row = session.get(Job, job.job_id)
        assert row.state == "failed" and "run it again" in row.error


def test_bad_job_requests_are_refused_before_queueing(studio) -> None:
    from memory.records import Job

    with pytest.raises(NotFound):
        submit_job(studio, ADMIN, "demo", "render", {"scene": "42"})
    with studio.transaction() as session:
        assert session.query(Job).count() == 0


def test_changed_scene_makes_versions_stale_and_approval_needs_override(
    studio, demo_script: Path, tmp_path: Path
) -> None:
    from tools.scripts import import_script

    [version] = render_frame(studio, ADMIN, "demo", "3", seed=1)
    revised = demo_script.read_text().replace("The sun is a smear", "The sun is a bright smear")
    report = import_script(studio, ADMIN, "demo", "revised.fountain", revised.encode())
    assert report.changed == 1 and report.stale_versions == 1
    assert report.facts_to_review >= 1
    [stale] = list_versions(studio, ADMIN, "demo", version.shot)
    assert stale.stale
    with pytest.raises(Conflict, match="stale"):
        set_status(studio, DIRECTOR, stale.version_id, "approved")
    approved = set_status(
        studio, DIRECTOR, stale.version_id, "approved", override_reason="the change is dialogue"
    )
    assert approved.status == "approved"


def test_png_is_written_before_the_row(studio) -> None:
    [version] = render_frame(studio, ADMIN, "demo", "3", seed=1)
    data = Path(version.image_path).read_bytes()
    assert Image.open(io.BytesIO(data)).size == (version.width, version.height)
    manifest = studio.assets.root / "manifests" / f"{version.version_id}.json"
    assert json.loads(manifest.read_text())["version"]["version_id"] == version.version_id


def test_concurrent_new_shots_get_distinct_codes(studio) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as pool:
        made = list(pool.map(lambda n: render_frame(studio, ADMIN, "demo", "6", seed=n), range(6)))
    codes = [versions[0].shot for versions in made]
    assert sorted(codes) == ["6A", "6B", "6C", "6D", "6E", "6F"]


def test_a_failed_render_leaves_no_new_shot(studio, monkeypatch: pytest.MonkeyPatch) -> None:
    from core.errors import BackendUnavailable
    from frameline.settings import Settings
    from frameline.wiring import open_frameline

    monkeypatch.setenv("FRAMELINE_IMAGE_BACKEND", "bedrock")
    monkeypatch.setenv("FRAMELINE_BEDROCK_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    with open_frameline(Settings()) as unreachable:
        with pytest.raises(BackendUnavailable):
            render_frame(unreachable, ADMIN, "demo", "7", seed=1)
        with pytest.raises(NotFound):
            list_versions(unreachable, ADMIN, "demo", "7A")
