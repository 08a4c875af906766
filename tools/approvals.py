"""Approval records: a request that waits for a person whose role may decide it.

Approvals live in the records (the Approval table), so a decision and who made it survive the
conversation or job that asked; ids are derived from the thread (a conversation, or `job:ID` for
a job from another front door) and the call, so asking again is idempotent.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import Conflict, InvalidInput, NotFound
from memory.records import Approval, Project, utcnow
from memory.store import get_project
from tools.context import Actor, Studio, require

ACTIONS = {
    "render": ("approve_spend", "producer"),
    "lock": ("lock", "director"),
    "override": ("override_continuity", "director"),
}
"""Action → (the permission that approves it, the role asked to approve it)."""

DECISIONS = {"approve": "approved", "reject": "rejected"}


@dataclass(frozen=True)
class Gate:
    """Why a request waits: the action, and what a person will be shown."""

    action: str
    details: dict[str, Any]

    @property
    def needs_role(self) -> str:
        """The role asked to decide."""
        return ACTIONS[self.action][1]

    @property
    def reason(self) -> str:
        """Why it waits, in words."""
        return str(self.details.get("reason") or f"a {self.needs_role} decides {self.action}")


def approval_id(thread_id: str, tool_call_id: str) -> str:
    """The same call of the same thread always asks under the same id."""
    return "a" + hashlib.sha256(f"{thread_id}\x1f{tool_call_id}".encode()).hexdigest()[:16]


def approval_json(row: Approval, project: str) -> dict[str, Any]:
    """An approval as every front door shows it."""
    return {
        "approval_id": row.id,
        "project": project,
        "thread_id": row.thread_id,
        "action": row.action,
        "needs_role": row.needs_role,
        "reason": str(row.details.get("reason") or ""),
        "details": dict(row.details),
        "state": row.state,
        "requested_by": row.requested_by,
        "decided_by": row.decided_by,
        "decided_role": row.decided_role,
        "decided_at": row.decided_at.isoformat() if row.decided_at else None,
    }


def add_request(
    session: Session, actor: Actor, project: Project, thread_id: str, call_id: str, gate: Gate
) -> Approval:
    """Record a request in the caller's transaction; one whose role may approve approves at once."""
    key = approval_id(thread_id, call_id)
    row = session.get(Approval, key)
    if row is None:
        row = Approval(
            id=key,
            project_id=project.id,
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
    return row


def request(
    studio: Studio, actor: Actor, project: str, thread_id: str, tool_call_id: str, gate: Gate
) -> dict[str, Any]:
    """Record the request; a person whose role may approve it approves it at once, as theirs."""
    with studio.transaction() as session:
        row = add_request(
            session, actor, get_project(session, project), thread_id, tool_call_id, gate
        )
        return approval_json(row, project)


def _decide(row: Approval, actor: Actor, state: str) -> None:
    row.state = state
    row.decided_by = actor.person
    row.decided_role = actor.role
    row.decided_at = utcnow()


def find(studio: Studio, approval: str, project: str | None = None) -> dict[str, Any]:
    """An approval by id; one of another project than `project` is not found."""
    with studio.transaction() as session:
        row = session.get(Approval, approval.strip())
        owner = session.get(Project, row.project_id) if row else None
        if row is None or owner is None or (project is not None and owner.slug != project):
            raise NotFound(f"no approval {approval!r}; `frameline approvals list` shows them")
        return approval_json(row, owner.slug)


def may_decide(actor: Actor, action: str) -> bool:
    """Whether this person's role may approve or reject a request of this action."""
    return actor.may(ACTIONS[action][0])


def check_decider(actor: Actor, action: str, approval: str) -> None:
    """Only a role that may take the action may decide about it."""
    require(actor, ACTIONS[action][0], f"decide approval {approval} ({action})")


def decide_row(session: Session, actor: Actor, approval: str, decision: str) -> Approval:
    """Record a pending approval's decision in the caller's transaction."""
    if decision not in DECISIONS:
        raise InvalidInput(f"decision must be approve or reject, not {decision!r}")
    row = session.get(Approval, approval)
    if row is None:
        raise NotFound(f"no approval {approval!r}")
    check_decider(actor, row.action, approval)
    if row.state != "pending":
        raise Conflict(
            f"approval {approval} was already {row.state} by {row.decided_by} ({row.decided_role})"
        )
    _decide(row, actor, DECISIONS[decision])
    return row


def decide(studio: Studio, actor: Actor, approval: str, decision: str) -> dict[str, Any]:
    """Record a pending approval's decision and who made it."""
    with studio.transaction() as session:
        row = decide_row(session, actor, approval, decision)
        owner = session.get(Project, row.project_id)
        return approval_json(row, owner.slug if owner else "")


def pending(studio: Studio, project: str, thread_id: str | None = None) -> list[dict[str, Any]]:
    """Approvals still waiting, oldest first, in a project or one of its threads."""
    with studio.transaction() as session:
        record = get_project(session, project)
        query = select(Approval).where(
            Approval.project_id == record.id, Approval.state == "pending"
        )
        if thread_id is not None:
            query = query.where(Approval.thread_id == thread_id)
        rows = session.scalars(query.order_by(Approval.created_at, Approval.id))
        return [approval_json(row, project) for row in rows]
