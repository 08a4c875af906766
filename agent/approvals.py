"""Human approval of costly or final actions: which tool calls need it, and its record.

Approvals live in the records (the Approval table), so a decision and who made it survive the
conversation; ids are derived from the thread and tool call, so asking again is idempotent.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from core.errors import Conflict, InvalidInput, NotFound
from memory.records import Approval, Project, utcnow
from memory.store import get_project
from tools.context import Actor, require

APPROVAL_COUNT = 4
"""A render of more frames than this waits for a producer."""

ACTIONS = {
    "render": ("approve_spend", "producer"),
    "lock": ("lock", "director"),
    "override": ("override_continuity", "director"),
}
"""Action → (the permission that approves it, the role asked to approve it)."""

DECISIONS = {"approve": "approved", "reject": "rejected"}


@dataclass(frozen=True)
class Gate:
    """Why a tool call waits: the action, and what a person will be shown."""

    action: str
    details: dict[str, Any]

    @property
    def needs_role(self) -> str:
        """The role asked to decide."""
        return ACTIONS[self.action][1]


def render_gate(studio: Any, project: str, args: dict[str, Any]) -> Gate | None:
    """A producer decides on many frames, an estimate above FRAMELINE_APPROVAL_COST, or a render
    that would take the spend account over its budget."""
    from tools.budget import would_exceed_budget

    try:
        count = int(args.get("count") or 1)
    except (TypeError, ValueError):
        return None  # the tool's schema refuses it
    estimate = _estimate(studio, project, count)
    details: dict[str, Any] = {
        "scene": args.get("scene"),
        "count": count,
        "estimate": str(estimate),
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


def _estimate(studio: Any, project: str, count: int) -> Decimal:
    """What the render would cost, from recent renders of this backend and size."""
    from tools.budget import estimate_render_cost

    width, height = studio.image_backend().default_size
    return Decimal(estimate_render_cost(studio, project, count, width, height))


def status_gate(actor: Actor, version_id: str, status: str, reason: str | None) -> Gate | None:
    """Locking, or approving over a failed check, waits for a director.

    Writers may not ask at all: their status changes are refused by the tool itself.
    """
    if not (actor.may("approve") or actor.may("approve_spend")):
        return None
    details = {"version_id": version_id, "status": status}
    if reason and reason.strip() and status in ("approved", "locked"):
        return Gate("override", {**details, "override_reason": reason.strip()})
    if status == "locked":
        return Gate("lock", details)
    return None


def approval_id(thread_id: str, tool_call_id: str) -> str:
    """The same tool call of the same conversation always asks under the same id."""
    return "a" + hashlib.sha256(f"{thread_id}\x1f{tool_call_id}".encode()).hexdigest()[:16]


def approval_json(row: Approval, project: str) -> dict[str, Any]:
    """An approval as the CLI and API show it."""
    return {
        "approval_id": row.id,
        "project": project,
        "thread_id": row.thread_id,
        "action": row.action,
        "needs_role": row.needs_role,
        "details": dict(row.details),
        "state": row.state,
        "requested_by": row.requested_by,
        "decided_by": row.decided_by,
        "decided_role": row.decided_role,
        "decided_at": row.decided_at.isoformat() if row.decided_at else None,
    }


def request(
    studio: Any, actor: Actor, project: str, thread_id: str, tool_call_id: str, gate: Gate
) -> dict[str, Any]:
    """Record the request; a person whose role may approve it approves it at once, as theirs."""
    key = approval_id(thread_id, tool_call_id)
    with studio.transaction() as session:
        row = session.get(Approval, key)
        if row is None:
            row = Approval(
                id=key,
                project_id=get_project(session, project).id,
                thread_id=thread_id,
                action=gate.action,
                needs_role=gate.needs_role,
                details=gate.details,
                state="pending",
                requested_by=actor.person,
            )
            if actor.may(ACTIONS[gate.action][0]):
                _decide(row, actor, "approved")
            session.add(row)
            session.flush()
        return approval_json(row, project)


def _decide(row: Approval, actor: Actor, state: str) -> None:
    row.state = state
    row.decided_by = actor.person
    row.decided_role = actor.role
    row.decided_at = utcnow()


def find(studio: Any, approval: str, project: str | None = None) -> dict[str, Any]:
    """An approval by id; one of another project than `project` is not found."""
    with studio.transaction() as session:
        row = session.get(Approval, approval.strip())
        owner = session.get(Project, row.project_id) if row else None
        if row is None or owner is None or (project is not None and owner.slug != project):
            raise NotFound(f"no approval {approval!r}; `frameline approvals list` shows them")
        return approval_json(row, owner.slug)


def check_decider(actor: Actor, action: str, approval: str) -> None:
    """Only a role that may take the action may decide about it."""
    require(actor, ACTIONS[action][0], f"decide approval {approval} ({action})")


def decide(studio: Any, actor: Actor, approval: str, decision: str) -> dict[str, Any]:
    """Record a pending approval's decision and who made it."""
    if decision not in DECISIONS:
        raise InvalidInput(f"decision must be approve or reject, not {decision!r}")
    with studio.transaction() as session:
        row = session.get(Approval, approval)
        if row is None:
            raise NotFound(f"no approval {approval!r}")
        check_decider(actor, row.action, approval)
        if row.state != "pending":
            raise Conflict(
                f"approval {approval} was already {row.state} by {row.decided_by} "
                f"({row.decided_role})"
            )
        _decide(row, actor, DECISIONS[decision])
        owner = session.get(Project, row.project_id)
        return approval_json(row, owner.slug if owner else "")


def pending(studio: Any, project: str, thread_id: str | None = None) -> list[dict[str, Any]]:
    """Approvals still waiting, oldest first, in a project or one of its conversations."""
    with studio.transaction() as session:
        record = get_project(session, project)
        query = select(Approval).where(
            Approval.project_id == record.id, Approval.state == "pending"
        )
        if thread_id is not None:
            query = query.where(Approval.thread_id == thread_id)
        rows = session.scalars(query.order_by(Approval.created_at, Approval.id))
        return [approval_json(row, project) for row in rows]
