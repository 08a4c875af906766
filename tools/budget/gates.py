"""Budget limits: whether more spend takes an account over its budget line."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from memory.records import BudgetLine, ExternalCost, LedgerEntry, Project
from memory.store import get_project
from tools.budget.money import dec
from tools.context import Studio


def _committed_spend(session: Session, project: Project, account: str) -> Decimal:
    """Ledger spend plus outside actuals and commitments on one account."""
    ledger = session.scalar(
        select(func.sum(LedgerEntry.amount_micros)).where(
            LedgerEntry.project_id == project.id, LedgerEntry.account == account
        )
    )
    outside = session.scalar(
        select(func.sum(ExternalCost.amount_micros)).where(
            ExternalCost.project_id == project.id, ExternalCost.account == account
        )
    )
    return dec(ledger) + dec(outside)


def would_exceed_budget(
    studio: Studio, project: str, amount: Decimal, account: str | None = None
) -> bool:
    """Whether spending `amount` more takes the account (default: the spend account) over budget.

    Actuals and commitments count as spent; an account without a budget line has no limit here.
    """
    with studio.transaction() as session:
        record = get_project(session, project)
        account = account or record.spend_account
        line = session.scalar(
            select(BudgetLine).where(
                BudgetLine.project_id == record.id, BudgetLine.account == account
            )
        )
        if line is None:
            return False
        spent = _committed_spend(session, record, account)
        return spent + Decimal(amount) > dec(line.budget_micros)
