"""Jobs on real `frameline worker` processes over Redis: renders, crashes, fairness, quotas."""

from __future__ import annotations

import queue
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from core.errors import BudgetExceeded, PermissionDenied
from memory.records import Job, LedgerEntry, Version
from tests.cli_runner import Cli
from tests.services.conftest import Workers
from tools.celery_jobs import CeleryWorkerClient
from tools.context import Actor
from tools.jobs import JobView, submit_job
from tools.scheduling import (
    Limits,
    QueueState,
    WaitingJob,
    approve_over_quota,
    pick_next,
    queue_entries,
    queue_position,
)

pytestmark = [pytest.mark.services, pytest.mark.slow]

ADMIN = Actor("local", "admin")
ANA, BEN = Actor("ana", "writer"), Actor("ben", "writer")
PRODUCER = Actor("pat", "producer")


def job_row(studio: Any, job_id: str) -> Job:
    with studio.transaction() as session:
        row = session.get(Job, job_id)
        assert row is not None
        session.expunge(row)
        return row


def wait_for(check: Any, seconds: float = 60.0) -> Any:
    """Poll until check() gives something truthy."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"gave up after {seconds} s waiting for {check}")


def test_the_policy_takes_turns_keeps_limits_and_prefers_the_loaded_model() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)

    def waiting(n: int, person: str, model: str | None = None) -> WaitingJob:
        return WaitingJob(f"j{n}", "render", person, 1, start + timedelta(seconds=n), model)

    state = QueueState(waiting=[waiting(1, "ana"), waiting(2, "ana"), waiting(3, "ben", "sd1:x")])
    limits = Limits(per_person=1, per_project=2)
    assert pick_next(state, limits).job_id == "j1"
    assert pick_next(state, limits, loaded_model="sd1:x").job_id == "j3"
    state.started(state.waiting[0], start)
    assert pick_next(state, limits).job_id == "j3"  # ana is at her limit of one
    state.started(state.waiting[-1], start)
    assert pick_next(state, limits) is None  # the project is at its limit of two
    state.finished("ana", 1)
    state.last_start["ben"] = start + timedelta(seconds=1)
    assert pick_next(state, Limits(per_person=2, per_project=4)).job_id == "j2"


def test_a_render_runs_on_a_worker_with_its_progress_in_this_process(
    scale_studio: Any, workers: Workers
) -> None:
    workers.start("w1")
    client = scale_studio.worker
    assert isinstance(client, CeleryWorkerClient)
    job = submit_job(scale_studio, ADMIN, "demo", "render", {"scene": "3", "seed": 5})
    listener = client.events.subscribe(job.job_id)
    done = client.run(job.job_id)
    assert done.state == "done", done.error
    [version] = done.result["versions"]
    assert (version["shot"], version["seed"], version["backend"]) == ("3A", 5, "previz")
    assert Path(version["image_path"]).is_file()
    assert job_row(scale_studio, job.job_id).worker.startswith("celery:w1@test:")
    events = []
    while not listener.empty():
        events.append(listener.get())
    steps = [data["step"] for event, data in events if event == "progress"]
    assert steps and steps == sorted(steps) and steps[-1] == steps[0] + len(steps) - 1
    assert events[-1][0] == "done" and events[-1][1]["state"] == "done"


def test_the_cli_and_the_api_send_jobs_to_the_workers(
    scale_studio: Any, workers: Workers, cli: Cli
) -> None:
    from fastapi.testclient import TestClient

    from api.main import create_app
    from memory.keys import create_key

    workers.start("w1")
    version = cli("render", "--project", "demo", "--scene", "4", "--seed", "3", "--json").json()
    assert version["shot"] == "4A"
    with scale_studio.transaction() as session:
        [row] = session.scalars(select(Job).where(Job.kind == "render"))
        assert row.worker.startswith("celery:w1@test:")
        key = create_key(session, role="writer", name="wren", project="demo")
    with TestClient(create_app(scale_studio, web=False)) as http:
        headers = {"Authorization": f"Bearer {key}"}
        ready = http.get("/readyz").json()
        assert (ready["database"], ready["broker"], ready["vector_store"]) == ("ok",) * 3
        assert ready["workers"] == 1
        answer = http.post("/v1/projects/demo/renders", json={"scene": "4"}, headers=headers)
        assert answer.status_code == 202, answer.text
        stream = http.get(f"/v1/jobs/{answer.json()['job_id']}/events", headers=headers).text
    assert "event: progress" in stream and "event: done" in stream
    assert '"state": "done"' in stream or '"state":"done"' in stream


def test_a_worker_killed_mid_render_leaves_the_job_to_another(
    scale_studio: Any, workers: Workers
) -> None:
    workers.start("w1")
    workers.start("w2")
    client = scale_studio.worker
    request = {"scene": "3", "seed": 1, "width": 4096, "height": 2304, "count": 4}
    job = submit_job(scale_studio, ADMIN, "demo", "render", request)
    listener = client.events.subscribe(job.job_id)
    client.enqueue(job.job_id)
    while True:  # the first drawn stage: the render is under way
        event, data = listener.get(timeout=60)
        if event == "progress" and data["step"] >= 1:
            break
    first = job_row(scale_studio, job.job_id).worker
    victim = "w1" if first.startswith("celery:w1@") else "w2"
    workers.kill(victim)
    done = client.run(job.job_id)
    assert done.state == "done", done.error
    row = job_row(scale_studio, job.job_id)
    assert row.attempts == 2 and row.worker != first
    with scale_studio.transaction() as session:
        made = session.scalars(
            select(Version.id).where(Version.job_id == job.job_id).order_by(Version.id)
        ).all()
        costs = session.scalars(select(LedgerEntry.id).where(LedgerEntry.kind == "render")).all()
    assert len(made) == 4 and len(costs) == 4
    assert [v["version_id"] for v in done.result["versions"]] == [f"v{n}" for n in made]


def test_one_persons_batch_does_not_starve_anothers_single_job(
    scale_studio: Any, workers: Workers
) -> None:
    workers.start("w1")
    client = scale_studio.worker
    batch = {"scene": "2", "seed": 1, "width": 2048, "height": 1152}
    ana = [submit_job(scale_studio, ANA, "demo", "render", batch) for _ in range(20)]
    futures = [client.enqueue(job.job_id) for job in ana]
    ben = submit_job(scale_studio, BEN, "demo", "render", {"scene": "5", "seed": 2})
    position, start = queue_position(scale_studio, ben.job_id, slots=1)
    assert position is not None and position <= 2 and start is not None
    bens = client.enqueue(ben.job_id).result(timeout=120)
    finished: list[JobView] = [f.result(timeout=240) for f in futures]
    assert bens.state == "done" and all(view.state == "done" for view in finished)
    anas = sorted(view.finished_at or "" for view in finished)
    assert bens.finished_at is not None and bens.finished_at < anas[4]


def test_a_quota_stops_a_job_until_a_producer_approves_it(
    scale_studio: Any, workers: Workers, monkeypatch: pytest.MonkeyPatch
) -> None:
    from frameline.settings import Settings
    from frameline.wiring import open_frameline

    monkeypatch.setenv("FRAMELINE_DAILY_GPU_SECONDS_PER_PERSON", "0.001")
    workers.start("w1")
    with open_frameline(Settings()) as studio:
        client = studio.worker
        first = submit_job(studio, ANA, "demo", "render", {"scene": "3", "seed": 1})
        assert client.run(first.job_id).state == "done"
        second = submit_job(studio, ANA, "demo", "render", {"scene": "3", "seed": 2})
        with pytest.raises(BudgetExceeded, match="ana has used .* render seconds today"):
            client.run(second.job_id)
        [waiting] = [e for e in queue_entries(studio, 1, Limits.from_settings(studio.settings))]
        assert (waiting.job_id, waiting.position, waiting.estimated_start) == (
            second.job_id,
            None,
            None,
        )
        assert "FRAMELINE_DAILY_GPU_SECONDS_PER_PERSON" in (waiting.waiting_for or "")
        other = submit_job(studio, BEN, "demo", "render", {"scene": "4", "seed": 3})
        assert client.run(other.job_id).state == "done"  # the quota is ana's, not ben's
        assert job_row(studio, second.job_id).state == "queued"
        with pytest.raises(PermissionDenied):
            approve_over_quota(studio, ANA, second.job_id)
        approve_over_quota(studio, PRODUCER, second.job_id)
        assert client.run(second.job_id).state == "done"


def test_queue_shows_positions_and_estimated_starts(scale_studio: Any, cli: Cli) -> None:
    jobs = [
        submit_job(scale_studio, person, "demo", "render", {"scene": "3"})
        for person in (ANA, ANA, ANA, BEN)
    ]
    listed = cli("queue", "--project", "demo", "--json").json()
    order = [entry["job_id"] for entry in listed]
    assert order == [jobs[0].job_id, jobs[3].job_id, jobs[1].job_id, jobs[2].job_id]
    assert [entry["position"] for entry in listed] == [1, 2, 3, 4]
    starts = [entry["estimated_start"] for entry in listed]
    assert starts == sorted(starts) and len(set(starts)) == 4
    assert {entry["state"] for entry in listed} == {"queued"}


def test_events_of_a_worker_reach_listeners_in_another_process(scale_studio: Any) -> None:
    from redis import Redis

    from tools.celery_jobs import RedisJobEvents

    publisher = RedisJobEvents(Redis.from_url(scale_studio.settings.broker_url))
    listener = scale_studio.worker.events.subscribe("j-test")
    publisher.publish("j-test", "progress", {"job_id": "j-test", "step": 1, "total": 4})
    assert listener.get(timeout=5) == ("progress", {"job_id": "j-test", "step": 1, "total": 4})
    scale_studio.worker.events.unsubscribe("j-test", listener)
    publisher.publish("j-test", "done", {"job_id": "j-test"})
    with pytest.raises(queue.Empty):
        listener.get(timeout=0.5)
    publisher.close()
