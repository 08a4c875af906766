"""Fair order for render jobs: round-robin between people, concurrency limits, daily quotas.

Jobs wait in the records (state `queued`) and a worker that frees up claims the next one with
`claim_next_job`, so one policy decides the order whatever the broker holds. People take turns:
whoever has the fewest jobs running, then whoever started one longest ago, goes next, so one
person's batch of 40 frames never starves another's single revision. A person or project at its
concurrency limit, or past its daily render-second quota, waits; a producer may let an
over-quota job through (`approve_over_quota`).
"""

from __future__ import annotations

import heapq
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from core.errors import Conflict, NotFound
from memory.records import Job, LedgerEntry, Project, Version, utcnow
from tools.context import Actor, Studio, require
from tools.jobs import JobView, get_job

RENDER_UNITS = ("gpu_second", "cpu_second")
DEFAULT_JOB_SECONDS = 20.0
DURATION_SAMPLE = 50
CLAIM_LOCK_KEY = 0x0F7A3E11  # any constant shared by every claimer of one database
CLAIM_TRIES = 8
APPROVAL_KEY = "over_quota_approved_by"


@dataclass(frozen=True)
class Limits:
    """The studio's policy: jobs running at once per person and project, and daily quotas."""

    per_person: int = 2
    per_project: int = 4
    seconds_per_person: Decimal | None = None
    seconds_per_project: Decimal | None = None

    @classmethod
    def from_settings(cls, settings: Any) -> Limits:
        """The limits FRAMELINE_MAX_JOBS_PER_* and FRAMELINE_DAILY_GPU_SECONDS_PER_* set."""
        return cls(
            per_person=settings.max_jobs_per_person,
            per_project=settings.max_jobs_per_project,
            seconds_per_person=settings.daily_gpu_seconds_per_person,
            seconds_per_project=settings.daily_gpu_seconds_per_project,
        )


@dataclass(frozen=True)
class WaitingJob:
    """A queued job as the policy sees it; `model` is the model it would rather run on."""

    job_id: str
    kind: str
    person: str
    project_id: int
    created_at: datetime
    model: str | None = None
    over_quota_approved: bool = False


@dataclass
class QueueState:
    """What the policy decides from: who waits, who runs, who was served last, spend today."""

    waiting: list[WaitingJob]
    running_people: Counter[str] = field(default_factory=Counter)
    running_projects: Counter[int] = field(default_factory=Counter)
    last_start: dict[str, datetime] = field(default_factory=dict)
    seconds_by_person: dict[str, Decimal] = field(default_factory=dict)
    seconds_by_project: dict[int, Decimal] = field(default_factory=dict)
    running_ends: list[tuple[datetime, str, int]] = field(default_factory=list)
    job_seconds: dict[str, float] = field(default_factory=dict)

    def started(self, job: WaitingJob, at: datetime) -> None:
        """Take a job off the queue as running from `at`."""
        self.waiting.remove(job)
        self.running_people[job.person] += 1
        self.running_projects[job.project_id] += 1
        self.last_start[job.person] = at

    def finished(self, person: str, project_id: int) -> None:
        """A running job of this person and project ended."""
        self.running_people[person] -= 1
        self.running_projects[project_id] -= 1

    def seconds_of(self, kind: str) -> float:
        """How long a job of this kind usually runs, from recent history."""
        return self.job_seconds.get(kind, DEFAULT_JOB_SECONDS)


def quota_reason(job: WaitingJob, state: QueueState, limits: Limits) -> str | None:
    """Why the job must wait for more quota, or None when it may start."""
    if job.over_quota_approved:
        return None
    used = state.seconds_by_person.get(job.person, Decimal(0))
    if limits.seconds_per_person is not None and used >= limits.seconds_per_person:
        return (
            f"{job.person} has used {used:.1f} of {limits.seconds_per_person} render seconds "
            "today (FRAMELINE_DAILY_GPU_SECONDS_PER_PERSON)"
        )
    used = state.seconds_by_project.get(job.project_id, Decimal(0))
    if limits.seconds_per_project is not None and used >= limits.seconds_per_project:
        return (
            f"the project has used {used:.1f} of {limits.seconds_per_project} render seconds "
            "today (FRAMELINE_DAILY_GPU_SECONDS_PER_PROJECT)"
        )
    return None


def _may_start(job: WaitingJob, state: QueueState, limits: Limits) -> bool:
    return (
        state.running_people[job.person] < limits.per_person
        and state.running_projects[job.project_id] < limits.per_project
        and quota_reason(job, state, limits) is None
    )


def pick_next(
    state: QueueState, limits: Limits, loaded_model: str | None = None
) -> WaitingJob | None:
    """The job to start next, or None when every waiting job must wait.

    Each person's oldest startable job is a candidate; people with fewer jobs running come
    first, then whoever started one longest ago. Among the people of that first round, a
    worker takes a job for the model it has loaded before one that would make it switch.
    """
    heads: dict[str, WaitingJob] = {}
    for job in state.waiting:
        if job.person not in heads and _may_start(job, state, limits):
            heads[job.person] = job
    if not heads:
        return None
    never = datetime.min.replace(tzinfo=UTC)

    def turn(job: WaitingJob) -> tuple[int, datetime, datetime]:
        return (
            state.running_people[job.person],
            state.last_start.get(job.person, never),
            job.created_at,
        )

    ordered = sorted(heads.values(), key=turn)
    if loaded_model is not None:
        first_round = [j for j in ordered if turn(j)[0] == turn(ordered[0])[0]]
        for job in first_round:
            if job.model == loaded_model:
                return job
    return ordered[0]


def _today(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def load_queue(session: Session, now: datetime) -> QueueState:
    """The queue as the records have it now."""
    queued = list(
        session.scalars(select(Job).where(Job.state == "queued").order_by(Job.created_at, Job.id))
    )
    parents = _parent_models(session, [j for j in queued if j.kind == "revise"])
    state = QueueState(
        waiting=[
            WaitingJob(
                job_id=job.id,
                kind=job.kind,
                person=job.person,
                project_id=job.project_id,
                created_at=job.created_at,
                model=job.request.get("model") or parents.get(job.id),
                over_quota_approved=bool(job.request.get(APPROVAL_KEY)),
            )
            for job in queued
        ]
    )
    _load_history(session, state, now)
    for job in session.scalars(select(Job).where(Job.state == "running")):
        state.running_people[job.person] += 1
        state.running_projects[job.project_id] += 1
        began = job.started_at or now
        ends = max(began + timedelta(seconds=state.seconds_of(job.kind)), now)
        state.running_ends.append((ends, job.person, job.project_id))
    for person, project_id, quantity in session.execute(
        select(LedgerEntry.person, LedgerEntry.project_id, LedgerEntry.quantity).where(
            LedgerEntry.at >= _today(now), LedgerEntry.unit.in_(RENDER_UNITS)
        )
    ):
        seconds = Decimal(quantity)
        state.seconds_by_person[person] = state.seconds_by_person.get(person, 0) + seconds
        state.seconds_by_project[project_id] = state.seconds_by_project.get(project_id, 0) + seconds
    return state


def _load_history(session: Session, state: QueueState, now: datetime) -> None:
    """Who started a job when (today's turns) and how long recent jobs of each kind took."""
    for person, started in session.execute(
        select(Job.person, func.max(Job.started_at))
        .where(Job.started_at >= now - timedelta(days=1))
        .group_by(Job.person)
    ):
        state.last_start[person] = started
    recent = session.execute(
        select(Job.kind, Job.started_at, Job.finished_at)
        .where(Job.state == "done", Job.started_at.is_not(None), Job.finished_at.is_not(None))
        .order_by(Job.finished_at.desc())
        .limit(DURATION_SAMPLE)
    )
    spans: dict[str, list[float]] = {}
    for kind, started, finished in recent:
        spans.setdefault(kind, []).append((finished - started).total_seconds())
    state.job_seconds = {kind: sum(s) / len(s) for kind, s in spans.items()}


def _parent_models(session: Session, revisions: list[Job]) -> dict[str, str]:
    """The model that drew each revision's parent: the worker that has it loaded runs it best."""
    wanted: dict[int, list[str]] = {}
    for job in revisions:
        version_id = str(job.request.get("version_id") or "")
        if version_id[:1] == "v" and version_id[1:].isdigit():
            wanted.setdefault(int(version_id[1:]), []).append(job.id)
    models: dict[str, str] = {}
    if wanted:
        rows = session.execute(
            select(Version.id, Version.model_id).where(Version.id.in_(list(wanted)))
        )
        for row_id, model_id in rows:
            models.update(dict.fromkeys(wanted[row_id], model_id))
    return models


def claim_next_job(
    studio: Studio, worker: str, limits: Limits, loaded_model: str | None = None
) -> str | None:
    """Mark the fairest startable job running on this worker and give its id (None: none may).

    On Postgres, claimers take turns under a transaction-scoped advisory lock, so the limits see
    every other claim; on SQLite the update is guarded by the state and retried if it loses.
    """
    for attempt in range(CLAIM_TRIES):
        try:
            with studio.transaction() as session:
                if session.get_bind().dialect.name == "postgresql":
                    session.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": CLAIM_LOCK_KEY}
                    )
                now = utcnow()
                job = pick_next(load_queue(session, now), limits, loaded_model)
                if job is None:
                    return None
                claimed = session.execute(
                    update(Job)
                    .where(Job.id == job.job_id, Job.state == "queued")
                    .values(state="running", worker=worker, started_at=now)
                )
                if claimed.rowcount == 1:
                    return job.job_id
        except OperationalError:  # SQLite: another claimer wrote since this one read
            time.sleep(0.05 * (attempt + 1))
    return None


def requeue_job(studio: Studio, job_id: str, worker: str) -> bool:
    """Put a job that a lost worker was running back in the queue (unless it moved on)."""
    with studio.transaction() as session:
        moved = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.state == "running", Job.worker == worker)
            .values(state="queued", worker=None)
        )
        return moved.rowcount == 1


def running_holders(studio: Studio) -> dict[str, list[str]]:
    """The workers that hold running jobs, with the jobs each holds."""
    with studio.transaction() as session:
        holders: dict[str, list[str]] = {}
        for job_id, worker in session.execute(
            select(Job.id, Job.worker).where(Job.state == "running")
        ):
            holders.setdefault(worker or "", []).append(job_id)
        return holders


@dataclass(frozen=True)
class QueueEntry:
    """Where a waiting or running job stands: `frameline queue` prints these."""

    job_id: str
    project: str
    kind: str
    person: str
    state: str
    position: int | None
    estimated_start: datetime | None
    waiting_for: str | None

    def to_json(self) -> dict[str, Any]:
        """The entry as JSON, times in ISO 8601 UTC."""
        document = dict(self.__dict__)
        start = self.estimated_start
        document["estimated_start"] = start.isoformat() if start else None
        return document


def plan_starts(
    state: QueueState, limits: Limits, slots: int, now: datetime
) -> dict[str, datetime | None]:
    """When each waiting job should start if `slots` workers keep taking the fairest one.

    A job that can only wait for quota gets None. Running jobs end after the usual time of
    their kind; each started job holds its slot for the usual time of its own kind.
    """
    ends = [
        (end, n, person, project) for n, (end, person, project) in enumerate(state.running_ends)
    ]
    heapq.heapify(ends)
    free = max(slots - len(ends), 0)
    clock = now
    starts: dict[str, datetime | None] = {}
    counter = len(ends)
    while state.waiting:
        job = pick_next(state, limits) if free > 0 else None
        if job is not None:
            starts[job.job_id] = clock
            state.started(job, clock)
            seconds = Decimal(str(state.seconds_of(job.kind)))
            state.seconds_by_person[job.person] = (
                state.seconds_by_person.get(job.person, 0) + seconds
            )
            state.seconds_by_project[job.project_id] = (
                state.seconds_by_project.get(job.project_id, 0) + seconds
            )
            end = clock + timedelta(seconds=state.seconds_of(job.kind))
            heapq.heappush(ends, (end, counter, job.person, job.project_id))
            counter += 1
            free -= 1
            continue
        if not ends:
            break
        end, _, person, project = heapq.heappop(ends)
        clock = max(clock, end)
        state.finished(person, project)
        free += 1
    starts.update(dict.fromkeys((job.job_id for job in state.waiting), None))
    return starts


def queue_entries(
    studio: Studio, slots: int, limits: Limits, project: str | None = None
) -> list[QueueEntry]:
    """Running and waiting jobs (of one project or all), in the order they will start."""
    now = utcnow()
    with studio.transaction() as session:
        slugs = {row.id: row.slug for row in session.execute(select(Project.id, Project.slug))}
        state = load_queue(session, now)
        waiting = {job.job_id: job for job in state.waiting}
        reasons = {j.job_id: quota_reason(j, state, limits) for j in state.waiting}
        running = list(
            session.scalars(select(Job).where(Job.state == "running").order_by(Job.started_at))
        )
    starts = plan_starts(state, limits, max(slots, 1), now)
    entries = [
        QueueEntry(
            job.id,
            slugs.get(job.project_id, ""),
            job.kind,
            job.person,
            "running",
            position=0,
            estimated_start=job.started_at,
            waiting_for=None,
        )
        for job in running
    ]
    # `starts` holds the jobs in the order the simulated workers took them.
    planned = [job_id for job_id, start in starts.items() if start is not None]
    blocked = [job_id for job_id, start in starts.items() if start is None]
    for position, job_id in enumerate(planned, start=1):
        job, start = waiting[job_id], starts[job_id]
        entries.append(
            QueueEntry(
                job_id,
                slugs.get(job.project_id, ""),
                job.kind,
                job.person,
                "queued",
                position=position,
                estimated_start=start,
                waiting_for="worker" if start and start > now else None,
            )
        )
    for job_id in blocked:
        job = waiting[job_id]
        entries.append(
            QueueEntry(
                job_id,
                slugs.get(job.project_id, ""),
                job.kind,
                job.person,
                "queued",
                position=None,
                estimated_start=None,
                waiting_for=reasons[job_id] or "quota",
            )
        )
    return [e for e in entries if project is None or e.project == project]


def queue_position(
    studio: Studio, job_id: str, slots: int = 1, limits: Limits | None = None
) -> tuple[int | None, datetime | None]:
    """(position, estimated start) of a job: 0 and its start when running, None when it ended.

    Position 1 starts next; a job waiting for quota has no position or start.
    """
    limits = limits or Limits.from_settings(studio.settings)
    for entry in queue_entries(studio, slots, limits):
        if entry.job_id == job_id:
            return entry.position, entry.estimated_start
    with studio.transaction() as session:
        if session.get(Job, job_id) is None:
            raise NotFound(f"no job {job_id!r}")
    return None, None


def quota_waits(studio: Studio, job_ids: list[str], limits: Limits) -> dict[str, str]:
    """Which of these jobs wait in the queue for quota, and why."""
    with studio.transaction() as session:
        state = load_queue(session, utcnow())
    wanted = set(job_ids)
    reasons = {job.job_id: quota_reason(job, state, limits) for job in state.waiting}
    return {job_id: why for job_id, why in reasons.items() if job_id in wanted and why}


def approve_over_quota(studio: Studio, actor: Actor, job_id: str) -> JobView:
    """Let one queued job run past the daily quota; a producer's (or admin's) decision."""
    require(actor, "approve_spend", "approve a render past the daily quota")
    with studio.transaction() as session:
        job = session.get(Job, job_id)
        if job is None:
            raise NotFound(f"no job {job_id!r}")
        if job.state != "queued":
            raise Conflict(f"job {job_id} is {job.state}, not waiting for quota")
        job.request = {**job.request, APPROVAL_KEY: actor.person}
    return get_job(studio, job_id)
