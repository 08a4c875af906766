"""The one door every front door submits renders and revisions through: roles, spend gates and
the approvals they wait for.

A render waits for a producer when it asks for more than APPROVAL_COUNT frames, when its estimate
is above FRAMELINE_APPROVAL_COST, or when it would take the spend account over its budget. A gated
render from the API, the web page, the CLI, Slack or the agent is recorded the same way: a job in
state `waiting` and an approval naming it, written in one transaction. Nothing is drawn or
charged until a person whose role may decide approves it; rejecting cancels the job.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.names import check_frame_request
from memory.records import Approval, Job, Project, utcnow
from memory.store import get_project
from tools import approvals
from tools.approvals import Gate
from tools.budget import estimate_render_cost, would_exceed_budget
from tools.context import Actor, Studio, require
from tools.frames import MAX_FRAMES_PER_REQUEST
from tools.jobs import WAITING, JobView, add_job, job_view

APPROVAL_COUNT = 4
"""A render of more frames than this waits for a producer."""


def render_count(request: dict[str, Any]) -> int:
    """The number of frames a render asks for, 1–MAX_FRAMES_PER_REQUEST."""
    raw = request.get("count")
    try:
        count = 1 if raw is None else int(raw)
    except (TypeError, ValueError):
        raise InvalidInput(f"count must be a whole number, not {raw!r}") from None
    if not 1 <= count <= MAX_FRAMES_PER_REQUEST:
        raise InvalidInput(f"count must be 1–{MAX_FRAMES_PER_REQUEST}, not {count}")
    return count


def render_estimate(studio: Studio, project: str, request: dict[str, Any]) -> Decimal:
    """What the render would cost, from recent renders of this backend, at the asked size."""
    if request.get("width") and request.get("height"):
        width, height = int(request["width"]), int(request["height"])
    else:
        width, height = studio.image_backend().default_size
    return Decimal(estimate_render_cost(studio, project, render_count(request), width, height))


def render_gate(studio: Studio, project: str, request: dict[str, Any]) -> Gate | None:
    """Whether a render waits for a producer, and why; None when it may go ahead."""
    count = render_count(request)
    estimate = render_estimate(studio, project, request)
    details: dict[str, Any] = {
        "scene": request.get("scene"),
        "count": count,
        "estimate": str(estimate),
        "currency": studio.settings.currency,
    }
    limit: Decimal | None = studio.settings.approval_cost
    if would_exceed_budget(studio, project, estimate):
        details["reason"] = "it would take the spend account over its budget"
    elif limit is not None and estimate > limit:
        details["reason"] = f"the estimate is above the approval limit of {limit}"
    elif count > APPROVAL_COUNT:
        details["reason"] = f"it is more than {APPROVAL_COUNT} frames"
    else:
        return None
    return Gate("render", details)


def status_gate(actor: Actor, version_id: str, status: str, reason: str | None) -> Gate | None:
    """Locking, or approving over a failed check, waits for a director (in conversations).

    Writers may not ask at all: their status changes are refused by tools.versions itself.
    """
    if not (actor.may("approve") or actor.may("approve_spend")):
        return None
    details = {"version_id": version_id, "status": status}
    if reason and reason.strip() and status in ("approved", "locked"):
        return Gate("override", {**details, "override_reason": reason.strip()})
    if status == "locked":
        return Gate("lock", details)
    return None


@dataclass(frozen=True)
class Submission:
    """A submitted job and, when it waits, the approval it waits for."""

    job: JobView
    approval: dict[str, Any] | None = None

    @property
    def waiting(self) -> bool:
        """Whether the job waits for a person's decision (no worker may run it yet)."""
        return self.job.state == WAITING

    def to_json(self) -> dict[str, Any]:
        """`{"job_id"}`, plus `{"approval": {"approval_id", "needs_role", "reason"}}` if waiting."""
        document: dict[str, Any] = {"job_id": self.job.job_id}
        if self.waiting and self.approval is not None:
            document["approval"] = approval_summary(self.approval)
        return document


def approval_summary(approval: dict[str, Any]) -> dict[str, Any]:
    """The three fields a door shows about what a job waits for."""
    return {
        "approval_id": approval["approval_id"],
        "needs_role": approval["needs_role"],
        "reason": approval.get("reason") or approval["details"].get("reason", ""),
    }


def submit(
    studio: Studio,
    actor: Actor,
    project: str,
    kind: str,
    request: dict[str, Any],
    *,
    approved: str | None = None,
) -> Submission:
    """Queue a render or revision as `actor`, or record it as waiting for an approval.

    `approved` names an approval already given for this very request (the agent asks before it
    calls its tool); it must be an approved render approval of the same project. A person whose
    role may approve spend approves their own gated render at once, recorded as theirs.
    """
    require(actor, kind, f"{kind} frames")
    check_frame_request(request)  # a bad shot code fails here, not inside the job
    gate = render_gate(studio, project, request) if kind == "render" else None
    with studio.transaction() as session:
        record = get_project(session, project)
        if gate is not None and approved is not None:
            _check_given(session, record, approved)
            gate = None
        job = add_job(session, actor, record, kind, request, WAITING if gate else "queued")
        if gate is None:
            return Submission(job_view(job, record.slug))
        gate = Gate(gate.action, {**gate.details, "job_id": job.id, "kind": kind})
        row = approvals.add_request(session, actor, record, f"job:{job.id}", kind, gate)
        if row.state == "approved":
            job.state = "queued"
        return Submission(job_view(job, record.slug), approvals.approval_json(row, record.slug))


def _check_given(session: Any, project: Project, approval: str) -> None:
    row = session.get(Approval, approval)
    if row is None or row.project_id != project.id:
        raise NotFound(f"no approval {approval!r}")
    if row.action != "render" or row.state != "approved":
        raise PermissionDenied(f"approval {approval} is {row.state}, not an approved render")


@dataclass(frozen=True)
class Release:
    """A decided job approval and the job it released (queued) or cancelled."""

    approval: dict[str, Any]
    job: JobView

    def to_json(self) -> dict[str, Any]:
        """The approval and the job as they stand after the decision."""
        return {"approval": self.approval, "job": self.job.to_json()}


def resolve(
    studio: Studio, actor: Actor, approval: str, decision: str, project: str | None = None
) -> Release | None:
    """Decide the approval a waiting job asked for: approve queues the job, reject cancels it.

    None when the approval belongs to a conversation (the agent resumes those). Only a role that
    may approve spend decides; the caller runs or enqueues a released job.
    """
    asked = approvals.find(studio, approval, project)
    job_id = asked["details"].get("job_id")
    if not job_id:
        return None
    with studio.transaction() as session:
        row = approvals.decide_row(session, actor, asked["approval_id"], decision)
        job = session.get(Job, job_id)
        if job is None or job.state != WAITING:
            state = job.state if job else "gone"
            raise Conflict(f"job {job_id} is {state}; approval {approval} cannot release it")
        if row.state == "approved":
            job.state = "queued"
        else:
            job.state = "cancelled"
            job.error = f"rejected by {actor.person} ({actor.role})"
            job.finished_at = utcnow()
        slug = asked["project"]
        return Release(approvals.approval_json(row, slug), job_view(job, slug))


def release(
    studio: Any, actor: Actor, approval: str, decision: str, project: str | None = None
) -> Release | None:
    """Decide a waiting job's approval and hand an approved job to the studio's worker.

    What the HTTP doors (the API and the web page) do with a decision; doors that run the job
    themselves (the CLI, MCP) or follow it in a thread (Slack) call `resolve` instead. None when
    the approval belongs to a conversation.
    """
    released = resolve(studio, actor, approval, decision, project)
    if released is not None and released.job.state == "queued":
        studio.worker.enqueue(released.job.job_id)
    return released
