"""The queue and jobs from chat: what waits, is queued or runs, and one job's state by id.

Read-only: the order and estimated starts come from `tools.scheduling` (as `frameline queue`
prints them); a job of another project is not found, as on the API.
"""

from __future__ import annotations

from typing import Annotated, Any

from langgraph.prebuilt import ToolRuntime
from pydantic import BaseModel, Field
from sqlalchemy import select

from agent.toolbase import frameline_tool
from memory.records import Job
from memory.store import get_project
from tools.celery_jobs import worker_slots
from tools.context import require
from tools.jobs import FINISHED, WAITING, get_job
from tools.scheduling import Limits, queue_entries, queue_position

RECENT = 3
"""How many finished jobs a queue answer adds, so "is my render done?" has an answer."""
SHOWN = 20
"""The most active jobs one answer lists."""


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _made(result: dict[str, Any]) -> list[str]:
    return [v["version_id"] for v in result.get("versions") or [] if isinstance(v, dict)]


class JobsArgs(BaseModel):
    mine: bool = Field(default=False, description="Only the jobs of the person asking.")


@frameline_tool(JobsArgs)
def list_jobs(runtime: ToolRuntime, mine: bool = False) -> Any:
    """The project's render queue: jobs waiting for approval, queued or running, in the order
    they start (who asked, state, position, estimated start), and the latest finished ones."""
    context = runtime.context
    studio, project = context.studio, context.project
    require(context.actor, "read", "see the render queue")
    person = context.actor.person if mine else None
    entries = queue_entries(
        studio, worker_slots(studio), Limits.from_settings(studio.settings), project
    )
    with studio.transaction() as session:
        record = get_project(session, project)
        jobs = select(Job).where(Job.project_id == record.id)
        if person is not None:
            jobs = jobs.where(Job.person == person)
        waiting = list(session.scalars(jobs.where(Job.state == WAITING).order_by(Job.created_at)))
        ended = list(
            session.scalars(
                jobs.where(Job.state.in_(FINISHED)).order_by(Job.finished_at.desc()).limit(RECENT)
            )
        )
        held = [
            {
                "job_id": j.id,
                "kind": j.kind,
                "person": j.person,
                "state": WAITING,
                "position": None,
                "estimated_start": None,
                "waiting_for": "approval",
            }
            for j in waiting
        ]
        recent = [
            {
                "job_id": j.id,
                "kind": j.kind,
                "person": j.person,
                "state": j.state,
                "finished_at": _iso(j.finished_at),
                "versions": _made(j.result),
                "error": j.error,
            }
            for j in ended
        ]
    active = [
        {key: value for key, value in e.to_json().items() if key != "project"}
        for e in entries
        if person is None or e.person == person
    ]
    return {"mine": mine, "active": (active + held)[:SHOWN], "recent": recent}


class JobArgs(BaseModel):
    job_id: Annotated[
        str, Field(pattern=r"^[A-Za-z0-9_-]{3,40}$", description="Job id, like j3f9a2b1c.")
    ]


@frameline_tool(JobArgs)
def get_job_status(job_id: str, runtime: ToolRuntime) -> Any:
    """One job's state by id: queued (with position and estimated start), waiting for approval,
    running (step of steps), done (the versions it made), failed or cancelled."""
    context = runtime.context
    studio = context.studio
    require(context.actor, "read", "see a job")
    view = get_job(studio, job_id, context.project)
    position = start = None
    if view.state in ("queued", "running"):
        position, start = queue_position(studio, view.job_id, worker_slots(studio))
    return {
        "job_id": view.job_id,
        "kind": view.kind,
        "person": view.person,
        "state": view.state,
        "position": position,
        "estimated_start": _iso(start),
        "step": view.step,
        "total_steps": view.total_steps,
        "versions": _made(view.result),
        "error": view.error,
    }
