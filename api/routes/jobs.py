"""Jobs: their state, cancelling them, and their progress as Server-Sent Events."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from api.deps import FramelineDep, HolderDep, can_see
from api.problems import ERROR_RESPONSES
from api.schemas import Job, QueuePlace
from api.sse import sse_response
from core.errors import NotFound
from tools.context import Actor
from tools.jobs import cancel_job, get_job, stream_events

router = APIRouter(prefix="/v1/jobs", tags=["jobs"], responses=ERROR_RESPONSES)


def _visible(frameline: Any, holder: Any, job_id: str) -> Any:
    view = get_job(frameline, job_id)
    if not can_see(holder, view.project):
        raise NotFound(f"no job {job_id!r}")
    return view


@router.get("/{job_id}", response_model=Job)
def read_job(job_id: str, frameline: FramelineDep, holder: HolderDep) -> dict[str, Any]:
    """A job's state and result."""
    return _visible(frameline, holder, job_id).to_json()


@router.get("/{job_id}/queue", response_model=QueuePlace)
def read_queue_place(job_id: str, frameline: FramelineDep, holder: HolderDep) -> dict[str, Any]:
    """Where a job stands: position (1 starts next, 0 is running) and estimated start."""
    from tools.celery_jobs import worker_slots
    from tools.scheduling import queue_position

    view = _visible(frameline, holder, job_id)
    position, start = queue_position(frameline, job_id, worker_slots(frameline))
    return {
        "job_id": job_id,
        "state": view.state,
        "position": position,
        "estimated_start": start.isoformat() if start else None,
    }


@router.post("/{job_id}/cancel", response_model=Job)
def cancel(job_id: str, frameline: FramelineDep, holder: HolderDep) -> dict[str, Any]:
    """Cancel a queued or running job."""
    _visible(frameline, holder, job_id)
    return cancel_job(frameline, Actor(holder.person, holder.role), job_id).to_json()


@router.get(
    "/{job_id}/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "progress … done"}},
)
def job_events(job_id: str, frameline: FramelineDep, holder: HolderDep) -> StreamingResponse:
    """The job's progress events, then `done` with the finished job."""
    _visible(frameline, holder, job_id)
    return sse_response(stream_events(frameline.worker.events, frameline, job_id))
