"""Budget and cost-report revisions: an import replaces the current lines, never the past.

Each import is kept as a numbered revision of its kind (`budget` or `costs`) with the lines it
brought, so a producer can see what the budget said before the latest file replaced it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.errors import InvalidInput, NotFound
from memory.records import BudgetLine, BudgetRevision, ExternalCost, Project
from memory.store import get_project
from tools.budget.money import money
from tools.context import Actor, Studio, require
from tools.ledger import from_micros

KINDS = ("budget", "costs")


def record_revision(
    session: Session,
    project: Project,
    kind: str,
    filename: str,
    person: str,
    lines: list[dict[str, str]],
    total: str,
) -> int:
    """Keep an import as the next revision of its kind, in the import's own transaction.

    The first import after history began also keeps what it replaces (imported earlier, with no
    revision of its own) as revision 0, so nothing imported is ever lost.
    """
    latest = session.scalar(
        select(func.max(BudgetRevision.revision)).where(
            BudgetRevision.project_id == project.id, BudgetRevision.kind == kind
        )
    )
    if latest is None:
        earlier, earlier_total = _current_lines(session, project, kind)
        if earlier:
            before = "(imported before history)"
            session.add(_revision(project, kind, 0, before, "", earlier_total, earlier))
        latest = 0
    session.add(_revision(project, kind, latest + 1, filename, person, total, lines))
    session.flush()
    return latest + 1


def budget_history(
    studio: Studio, actor: Actor, project: str, kind: str | None = None
) -> list[dict[str, Any]]:
    """Every revision of the project's budget and cost imports, newest first, without lines."""
    require(actor, "read", "read budget history")
    kinds = _kinds(kind)
    with studio.transaction() as session:
        record = get_project(session, project)
        rows = session.scalars(
            select(BudgetRevision)
            .where(BudgetRevision.project_id == record.id, BudgetRevision.kind.in_(kinds))
            .order_by(BudgetRevision.imported_at.desc(), BudgetRevision.id.desc())
        ).all()
        return [_summary(row, project) for row in rows]


def budget_revision(
    studio: Studio, actor: Actor, project: str, kind: str, revision: int
) -> dict[str, Any]:
    """One revision with the lines it held."""
    require(actor, "read", "read budget history")
    (kind,) = _kinds(kind)
    with studio.transaction() as session:
        record = get_project(session, project)
        row = session.scalar(
            select(BudgetRevision).where(
                BudgetRevision.project_id == record.id,
                BudgetRevision.kind == kind,
                BudgetRevision.revision == revision,
            )
        )
        if row is None:
            raise NotFound(f"project {project!r} has no {kind} revision {revision}")
        return {**_summary(row, project), "lines": list(row.lines)}


def _kinds(kind: str | None) -> tuple[str, ...]:
    if kind is None:
        return KINDS
    if kind not in KINDS:
        raise InvalidInput(f"unknown history kind {kind!r}; kinds are {', '.join(KINDS)}")
    return (kind,)


def _summary(row: BudgetRevision, project: str) -> dict[str, Any]:
    return {
        "project": project,
        "kind": row.kind,
        "revision": row.revision,
        "filename": row.filename,
        "imported_by": row.imported_by,
        "imported_at": row.imported_at.isoformat(),
        "lines": len(row.lines),
        "total": row.total,
    }


def _revision(
    project: Project,
    kind: str,
    number: int,
    filename: str,
    person: str,
    total: str,
    lines: list[dict[str, str]],
) -> BudgetRevision:
    return BudgetRevision(
        project_id=project.id,
        kind=kind,
        revision=number,
        filename=filename[:255],
        imported_by=person,
        total=total,
        lines=lines,
    )


def _current_lines(
    session: Session, project: Project, kind: str
) -> tuple[list[dict[str, str]], str]:
    """The lines in force now, as a revision keeps them, and their total."""
    if kind == "budget":
        budget = session.scalars(
            select(BudgetLine).where(BudgetLine.project_id == project.id).order_by(BudgetLine.id)
        ).all()
        lines = [budget_line_json(line) for line in budget]
        micros = sum(line.budget_micros for line in budget)
    else:
        costs = session.scalars(
            select(ExternalCost)
            .where(ExternalCost.project_id == project.id)
            .order_by(ExternalCost.id)
        ).all()
        lines = [cost_json(cost) for cost in costs]
        micros = sum(cost.amount_micros for cost in costs)
    return lines, money(from_micros(micros))


def budget_line_json(line: BudgetLine) -> dict[str, str]:
    """A budget line as a revision keeps it."""
    return {
        "account": line.account,
        "name": line.name,
        "category": line.category,
        "budget": line.budget,
        "currency": line.currency,
    }


def cost_json(cost: ExternalCost) -> dict[str, str]:
    """A cost-report line as a revision keeps it."""
    return {
        "account": cost.account,
        "kind": cost.kind,
        "amount": cost.amount,
        "description": cost.description,
        "date": cost.at.isoformat(),
    }
