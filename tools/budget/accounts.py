"""Budget accounts and the ledger behind them: the spend account, finding an account by
number or name, listing and reversing ledger entries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.errors import InvalidInput, NotFound
from memory.records import BudgetLine, LedgerEntry
from memory.store import get_project, get_shot
from tools.context import Actor, Studio, require
from tools.ledger import entry_json, reverse_entry

ACCOUNT_SHORTHAND = {
    "vfx": "visual effects",
    "sfx": "special effects",
    "previz": "previs",
}
"""Words producers use for a line that its name spells out: "the VFX line" is Visual Effects."""


def set_spend_account(studio: Studio, actor: Actor, project: str, account: str) -> dict[str, Any]:
    """Charge the project's future renders and model calls to another budget account."""
    require(actor, "approve_spend", "choose the spend account")
    account = account.strip()
    with studio.transaction() as session:
        record = get_project(session, project)
        budgeted = dict(
            session.execute(
                select(BudgetLine.account, BudgetLine.name)
                .where(BudgetLine.project_id == record.id)
                .order_by(BudgetLine.id)
            ).all()
        )
        if not account or len(account) > 32:
            raise InvalidInput("the account number must be 1–32 characters")
        if budgeted:
            try:
                account = resolve_account(account, budgeted, project)
            except NotFound:
                raise NotFound(
                    f"account {account} is not in {project}'s budget; accounts are "
                    f"{', '.join(budgeted)}"
                ) from None
        previous, record.spend_account = record.spend_account, account
    return {"project": project, "spend_account": account, "previous": previous}


def resolve_account(wanted: str, names: dict[str, str], project: str) -> str:
    """An account by number, or by words of its name as people say them ("VFX", "previs"), in
    any case; the one resolver of the CLI, the API, Slack and the agent."""
    by_number = {number.lower(): number for number in names}
    words = wanted.strip().lower()
    if words in by_number:
        return by_number[words]
    words = ACCOUNT_SHORTHAND.get(words, words)
    matches = [number for number, name in names.items() if words and words in name.lower()]
    if len(matches) == 1:
        return matches[0]
    listing = ", ".join(f"{number} {name}".strip() for number, name in names.items())
    if matches:
        raise InvalidInput(
            f"{wanted!r} matches accounts {', '.join(matches)}; give the account number"
        )
    raise NotFound(f"project {project!r} has no account {wanted!r}; accounts are {listing}")


def ledger_entries(
    studio: Studio,
    actor: Actor,
    project: str,
    shot: str | None = None,
    *,
    after: int = 0,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """The project's ledger entries oldest first, optionally of one shot or after an entry id."""
    require(actor, "read", "read the ledger")
    with studio.transaction() as session:
        record = get_project(session, project)
        query = select(LedgerEntry).where(
            LedgerEntry.project_id == record.id, LedgerEntry.id > after
        )
        if shot is not None:
            query = query.where(LedgerEntry.shot == get_shot(session, record, shot).code)
        query = query.order_by(LedgerEntry.id)
        if limit is not None:
            query = query.limit(limit)
        return [entry_json(entry) for entry in session.scalars(query)]


def reverse_ledger_entry(
    studio: Studio, actor: Actor, project: str, entry_id: int, reason: str
) -> dict[str, Any]:
    """Cancel a ledger entry with a reversing entry; the original stays as it was."""
    require(actor, "approve_spend", "reverse ledger entries")
    if not reason.strip():
        raise InvalidInput("say why the entry is reversed (--reason)")
    with studio.transaction() as session:
        record = get_project(session, project)
        original = session.get(LedgerEntry, entry_id) if 0 < entry_id < 2**63 else None
        if original is None or original.project_id != record.id:
            raise NotFound(f"project {project!r} has no ledger entry {entry_id}")
        return entry_json(reverse_entry(session, entry_id, actor.person, reason.strip()))
