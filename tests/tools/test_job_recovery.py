"""No orphans after a crash: a render killed mid-job (kill -9) leaves no empty shot once its job
is recovered, and a recovered job's result has the shape of a normal one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from memory.records import Job, Shot
from memory.store import get_project
from tools.context import Actor
from tools.frames import render_frame
from tools.jobs import get_job, recover_jobs
from tools.policy import submit

ADMIN = Actor("local", "admin")

# The child process renders through the real job runner; its backend is previz, slowed only so
# the parent can kill it while it draws (after the shot was reserved, before a version commits).
CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from frameline.settings import Settings
    from frameline.wiring import open_frameline
    from tools.jobs import execute_job

    job_id, marker = sys.argv[1], Path(sys.argv[2])
    with open_frameline(Settings()) as frameline:
        backend = frameline.image_backend()
        draw = backend.text_to_images

        def slow(specs, seeds, progress=None):
            marker.write_text("drawing")
            time.sleep(120)
            return draw(specs, seeds, progress)

        backend.text_to_images = slow
        execute_job(frameline, job_id, worker="child")
    """
)


def shot_codes(studio: Any) -> set[str]:
    with studio.transaction() as session:
        project = get_project(session, "demo")
        return set(session.scalars(select(Shot.code).where(Shot.project_id == project.id)))


def test_a_render_killed_mid_job_leaves_no_empty_shot(
    studio: Any, home: Path, tmp_path: Path
) -> None:
    before = shot_codes(studio)
    job_id = submit(studio, ADMIN, "demo", "render", {"scene": "4", "seed": 3}).job.job_id
    marker = tmp_path / "drawing"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, job_id, str(marker)],
        env={**os.environ, "FRAMELINE_HOME": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert child.poll() is None, child.stderr.read() if child.stderr else ""
            assert time.monotonic() < deadline, "the child never started drawing"
            time.sleep(0.1)
        reserved = shot_codes(studio) - before
        assert len(reserved) == 1  # the shot is reserved while the frame is drawn
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()

    assert get_job(studio, job_id).state == "running"
    assert recover_jobs(studio, worker="child") == [job_id]
    recovered = get_job(studio, job_id)
    assert recovered.state == "failed"
    assert recovered.result["error_kind"] == "BackendUnavailable"
    assert shot_codes(studio) == before


def test_a_recovered_job_reports_version_objects_like_a_finished_one(studio: Any) -> None:
    job_id = submit(studio, ADMIN, "demo", "render", {"scene": "4", "seed": 8}).job.job_id
    with studio.transaction() as session:
        job = session.get(Job, job_id)
        assert job is not None
        job.state, job.worker = "running", "crashed"
    # The frame committed, then the process died before the job was marked done.
    [made] = render_frame(studio, ADMIN, "demo", "4", seed=8, job_id=job_id)

    assert recover_jobs(studio, worker="crashed") == [job_id]
    recovered = get_job(studio, job_id)
    assert recovered.state == "done"
    [version] = recovered.result["versions"]
    assert version == made.to_json()
