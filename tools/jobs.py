"""Renders and revisions as jobs: queued, running, done, failed or cancelled, with progress.

A job's record is the truth about it. Execution is idempotent by job id: a version made by a job
carries the job id, so a job re-run after a crash finds its version instead of making a second.
"""

from __future__ import annotations

import queue
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import errors
from core.errors import Conflict, FramelineError, InvalidInput, NotFound
from memory.records import Job, Project, Shot, Version, utcnow
from memory.store import versions_of_shot
from tools.context import Actor, Studio, require
from tools.frames import render_frame, version_view
from tools.revisions import revise_frame

KINDS = ("render", "revise")
FINISHED = ("done", "failed", "cancelled")
WAITING = "waiting"
"""A job that waits for a person's approval: no worker runs it until it is released."""
PROGRESS_WRITE_EVERY = 0.5

Event = tuple[str, dict[str, Any]]


class JobCancelled(FramelineError):
    """Raised inside a running job when someone cancelled it."""


@dataclass(frozen=True)
class JobView:
    """A job as the CLI and API show it."""

    job_id: str
    project: str
    kind: str
    state: str
    step: int
    total_steps: int
    result: dict[str, Any]
    error: str | None
    person: str
    created_at: str
    started_at: str | None
    finished_at: str | None

    def to_json(self) -> dict[str, Any]:
        """The job's fields as JSON."""
        return dict(self.__dict__)


def job_view(job: Job, project: str) -> JobView:
    """The view of a stored job."""
    return JobView(
        job_id=job.id,
        project=project,
        kind=job.kind,
        state=job.state,
        step=job.step,
        total_steps=job.total_steps,
        result=dict(job.result),
        error=job.error,
        person=job.person,
        created_at=job.created_at.isoformat(),
        started_at=job.started_at.isoformat() if job.started_at else None,
        finished_at=job.finished_at.isoformat() if job.finished_at else None,
    )


class JobEvents:
    """Fan-out of job events to whoever listens (SSE streams, Slack status messages)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: dict[str, list[queue.Queue[Event]]] = {}

    def publish(self, job_id: str, event: str, data: dict[str, Any]) -> None:
        """Send an event to every listener of the job."""
        with self._lock:
            listeners = list(self._listeners.get(job_id, ()))
        for listener in listeners:
            listener.put((event, data))

    def subscribe(self, job_id: str) -> queue.Queue[Event]:
        """A queue that receives the job's events from now on."""
        listener: queue.Queue[Event] = queue.Queue()
        with self._lock:
            self._listeners.setdefault(job_id, []).append(listener)
        return listener

    def unsubscribe(self, job_id: str, listener: queue.Queue[Event]) -> None:
        """Stop sending the job's events to this queue."""
        with self._lock:
            listeners = self._listeners.get(job_id, [])
            if listener in listeners:
                listeners.remove(listener)
            if not listeners:
                self._listeners.pop(job_id, None)


def check_request(kind: str, request: dict[str, Any]) -> None:
    """Refuse a job that could never run, before it is queued."""
    if kind not in KINDS:
        raise InvalidInput(f"unknown job kind {kind!r}; kinds are {', '.join(KINDS)}")
    needed = ("scene",) if kind == "render" else ("version_id", "instruction")
    missing = [name for name in needed if not request.get(name)]
    if missing:
        raise InvalidInput(f"a {kind} job needs {', '.join(missing)}")


def submit_job(
    studio: Studio, actor: Actor, project: str, kind: str, request: dict[str, Any]
) -> JobView:
    """Queue a job through the policy (a gated render waits for its approval in `waiting`)."""
    from tools.policy import submit

    return submit(studio, actor, project, kind, request).job


def add_job(
    session: Session,
    actor: Actor,
    project: Project,
    kind: str,
    request: dict[str, Any],
    state: str = "queued",
) -> Job:
    """Check a job's request and add its record in the caller's transaction."""
    check_request(kind, request)
    _preflight(session, project, kind, request)
    job = Job(
        id="j" + secrets.token_hex(8),
        project_id=project.id,
        kind=kind,
        state=state,
        request=request,
        person=actor.person,
        role=actor.role,
    )
    session.add(job)
    session.flush()
    return job


def job_failure(view: JobView) -> FramelineError:
    """The error a finished job that made nothing stands for, of the kind it failed with."""
    kind = getattr(errors, str(view.result.get("error_kind")), None)
    if not (isinstance(kind, type) and issubclass(kind, FramelineError)):
        kind = errors.BackendUnavailable
    return kind(view.error or f"job {view.job_id} {view.state}")


def _preflight(session: Any, project: Project, kind: str, request: dict[str, Any]) -> None:
    """Refuse bad input before anything is written: unknown scene or version, bad region."""
    from memory.store import get_scene, place_of_version, version_of_project
    from tools.revisions import parse_box, region_box

    if kind == "render":
        get_scene(session, project, str(request["scene"]))
        return
    version = version_of_project(session, project, str(request["version_id"]))
    shot = place_of_version(session, version)[0]
    if version.status == "locked":
        raise Conflict(
            f"{version.version_id} is locked; render a new take of shot {shot.code} instead"
        )
    region = request.get("region")
    if isinstance(region, str) and "," in region:
        region = parse_box(region)
    if region is not None:
        region_box(
            tuple(region) if isinstance(region, list) else region, version.width, version.height
        )


def get_job(studio: Studio, job_id: str, project: str | None = None) -> JobView:
    """A job by id; with a project, a job of another project is not found."""
    with studio.transaction() as session:
        job = session.get(Job, job_id)
        owner = session.get(Project, job.project_id) if job else None
        if job is None or owner is None or (project is not None and owner.slug != project):
            raise NotFound(f"no job {job_id!r}")
        return job_view(job, owner.slug)


def cancel_job(studio: Studio, actor: Actor, job_id: str) -> JobView:
    """Cancel a queued, waiting or running job; finished jobs stay as they ended."""
    with studio.transaction() as session:
        job = session.get(Job, job_id)
        if job is None:
            raise NotFound(f"no job {job_id!r}")
        if job.person != actor.person and not actor.may("manage"):
            require(actor, "approve", f"cancel {job.person}'s job")
        if job.state in FINISHED:
            raise Conflict(f"job {job_id} is already {job.state}")
        job.state = "cancelled" if job.state in ("queued", WAITING) else job.state
        job.error = f"cancelled by {actor.person}"
        if job.state == "cancelled":
            job.finished_at = utcnow()
        owner = session.get(Project, job.project_id)
        return job_view(job, owner.slug if owner else "")


def recover_jobs(studio: Studio, worker: str | None = None) -> list[str]:
    """After a crash: running jobs that made their version are done, the others failed.

    A recovered job's result has the shape of a normal one, and a shot the failed job created
    for frames it never made is removed.
    """
    recovered = []
    with studio.transaction() as session:
        query = select(Job).where(Job.state == "running")
        if worker is not None:
            query = query.where(Job.worker == worker)
        for job in session.scalars(query):
            made = _made_by(session, studio, job.id)
            if made:
                job.state = "done"
                job.result = {"versions": made}
            else:
                release_reserved_shot(session, job)
                job.state = "failed"
                job.result = {"error_kind": "BackendUnavailable"}
                job.error = "the worker stopped while this job was running; run it again"
            job.finished_at = utcnow()
            recovered.append(job.id)
    return recovered


def release_reserved_shot(session: Session, job: Job) -> None:
    """Remove the shot a job created for its frames when it holds no version."""
    shot = session.get(Shot, job.result.get("reserved_shot") or 0)
    if shot is not None and not versions_of_shot(session, shot):
        session.delete(shot)


def _claim(studio: Studio, job_id: str, worker: str) -> tuple[Job, str] | None:
    """Mark the job running unless it already finished or was cancelled."""
    with studio.transaction() as session:
        job = session.get(Job, job_id)
        if job is None:
            raise NotFound(f"no job {job_id!r}")
        if job.state in FINISHED or job.state == WAITING:
            return None
        if job.error and job.error.startswith("cancelled by"):
            job.state = "cancelled"
            job.finished_at = utcnow()
            return None
        job.state = "running"
        job.attempts += 1
        job.worker = worker
        job.started_at = utcnow()
        owner = session.get(Project, job.project_id)
        return job, owner.slug if owner else ""


def _finish(
    studio: Studio, job_id: str, state: str, result: dict[str, Any], error: str | None
) -> JobView:
    with studio.transaction() as session:
        job = session.get(Job, job_id)
        assert job is not None
        if state != "done":
            release_reserved_shot(session, job)
        job.state = state
        job.result = result
        job.error = error
        job.finished_at = utcnow()
        if state == "done":
            job.step = job.total_steps = max(job.total_steps, 1)
        owner = session.get(Project, job.project_id)
        return job_view(job, owner.slug if owner else "")


def _made_by(session: Session, studio: Studio, job_id: str) -> list[dict[str, Any]]:
    """The versions a job committed, as a finished job's result lists them."""
    made = session.scalars(select(Version).where(Version.job_id == job_id).order_by(Version.id))
    return [version_view(session, studio, v).to_json() for v in made]


def _existing_result(studio: Studio, job_id: str) -> dict[str, Any] | None:
    """The versions a previous attempt of this job already committed, if any."""
    with studio.transaction() as session:
        made = _made_by(session, studio, job_id)
        return {"versions": made} if made else None


def _progress_writer(
    studio: Studio, job_id: str, events: JobEvents | None
) -> Callable[[int, int], None]:
    """Report steps to listeners at once and to the record now and then; honour cancels."""
    last = [0.0]

    def report(step: int, total: int) -> None:
        if events is not None:
            events.publish(job_id, "progress", {"job_id": job_id, "step": step, "total": total})
        now = time.monotonic()
        if now - last[0] < PROGRESS_WRITE_EVERY and step < total:
            return
        last[0] = now
        with studio.transaction() as session:
            job = session.get(Job, job_id)
            if job is None:
                return
            if job.error and job.error.startswith("cancelled by"):
                raise JobCancelled(job.error)
            job.step, job.total_steps = step, total

    return report


def execute_job(
    studio: Studio, job_id: str, events: JobEvents | None = None, worker: str = "in-process"
) -> JobView:
    """Run a job to its end; running it again after a crash never makes a second version."""
    claimed = _claim(studio, job_id, worker)
    if claimed is None:
        return get_job(studio, job_id)
    job, project = claimed
    existing = _existing_result(studio, job_id)
    if existing is not None:
        view = _finish(studio, job_id, "done", existing, None)
        _announce(events, view)
        return view
    actor = Actor(job.person, job.role)
    request = dict(job.request)
    progress = _progress_writer(studio, job_id, events)
    try:
        if job.kind == "render":
            size = (request["width"], request["height"]) if request.get("width") else None
            made = render_frame(
                studio,
                actor,
                project,
                str(request["scene"]),
                shot=request.get("shot"),
                prompt=request.get("prompt"),
                characters=request.get("characters"),
                framing=request.get("framing") or "medium",
                angle=request.get("angle") or "eye-level",
                size=size,
                seed=request.get("seed"),
                count=int(request.get("count") or 1),
                progress=progress,
                job_id=job_id,
                candidates=int(request.get("candidates") or 1),
            )
        else:
            region = request.get("region")
            made = [
                revise_frame(
                    studio,
                    actor,
                    request["version_id"],
                    request["instruction"],
                    region=tuple(region) if isinstance(region, list) else region,
                    strength=request.get("strength"),
                    seed=request.get("seed"),
                    progress=progress,
                    job_id=job_id,
                )
            ]
    except JobCancelled as cancelled:
        view = _finish(studio, job_id, "cancelled", {}, cancelled.message)
    except FramelineError as error:
        view = _finish(
            studio, job_id, "failed", {"error_kind": type(error).__name__}, error.message
        )
    except Exception as error:  # a broken backend must not kill the worker
        view = _finish(studio, job_id, "failed", {}, f"{type(error).__name__}: {error}")
    else:
        view = _finish(studio, job_id, "done", {"versions": [v.to_json() for v in made]}, None)
    _announce(events, view)
    return view


def _announce(events: JobEvents | None, view: JobView) -> None:
    if events is None:
        return
    if view.state == "failed":
        events.publish(view.job_id, "error", {"job_id": view.job_id, "message": view.error})
    events.publish(view.job_id, "done", view.to_json())


class InProcessWorker:
    """The default worker: one thread runs jobs in order, so a GPU never runs two at once."""

    def __init__(self, studio: Studio, events: JobEvents | None = None) -> None:
        self.studio = studio
        self.events = events or JobEvents()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="frameline-job")

    def enqueue(self, job_id: str) -> Future[JobView]:
        """Run the job when the jobs before it are done."""
        return self._pool.submit(execute_job, self.studio, job_id, self.events)

    def run(self, job_id: str) -> JobView:
        """Run the job and wait for it (what the CLI does)."""
        return self.enqueue(job_id).result()

    def resume_queued(self) -> list[str]:
        """Queue again the jobs that were waiting when the process stopped."""
        with self.studio.transaction() as session:
            waiting = list(
                session.scalars(
                    select(Job.id).where(Job.state == "queued").order_by(Job.created_at)
                )
            )
        for job_id in waiting:
            self.enqueue(job_id)
        return waiting

    def close(self) -> None:
        """Finish the running job and stop."""
        self._pool.shutdown(wait=True, cancel_futures=True)


def stream_events(events: JobEvents, studio: Studio, job_id: str) -> Iterator[Event]:
    """A job's events until it finishes, starting with where it stands now."""
    listener = events.subscribe(job_id)
    try:
        view = get_job(studio, job_id)
        yield "progress", {"job_id": job_id, "step": view.step, "total": view.total_steps}
        if view.state in FINISHED:
            yield "done", view.to_json()
            return
        while True:
            try:
                event, data = listener.get(timeout=1.0)
            except queue.Empty:
                view = get_job(studio, job_id)
                if view.state in FINISHED:
                    yield "done", view.to_json()
                    return
                continue
            yield event, data
            if event == "done":
                return
    finally:
        events.unsubscribe(job_id, listener)
