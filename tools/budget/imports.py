"""Budget and cost-report CSV imports: all or nothing, every error names its line."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select

from core.errors import InvalidInput
from memory.records import BudgetLine, ExternalCost, utcnow
from memory.store import get_project
from tools.budget.history import budget_line_json, cost_json, record_revision
from tools.budget.money import money, parse_money
from tools.context import Actor, Studio, require
from tools.ledger import to_micros

CATEGORIES = ("above-the-line", "below-the-line", "post", "other", "fringes", "contingency")
CATEGORY_ALIASES = {
    "atl": "above-the-line",
    "above": "above-the-line",
    "btl": "below-the-line",
    "below": "below-the-line",
    "post-production": "post",
    "postproduction": "post",
    "fringe": "fringes",
}
BUDGET_COLUMNS = ("account", "name", "category", "budget")
COST_COLUMNS = ("account", "kind", "amount")
COLUMN_ALIASES = {
    "account_number": "account",
    "account_no": "account",
    "acct": "account",
    "account_name": "name",
    "budgeted_amount": "budget",
    "budgeted": "budget",
    "total": "budget",
}
COST_KINDS = {
    "actual": "actual",
    "actuals": "actual",
    "commitment": "commitment",
    "commitments": "commitment",
    "committed": "commitment",
}
MAX_REPORTED_ERRORS = 5
MAX_AMOUNT = Decimal(10) ** 12
"""Amounts are stored as 64-bit millionths; a trillion keeps well inside that."""


@dataclass(frozen=True)
class _Row:
    """One data row of an imported CSV with the line it started on."""

    line: int
    cells: dict[str, str]


def _read_csv(
    data: bytes, filename: str, required: Iterable[str], optional: Iterable[str]
) -> list[_Row]:
    """The rows of a CSV under normalised column names; missing columns are an error on line 1."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput(f"{filename}: not UTF-8 text (byte {error.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows: list[_Row] = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = _header(filename, cells, required, optional)
                continue
            start = reader.line_num - sum(cell.count("\n") for cell in cells)
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
                raise InvalidInput(
                    f"{filename} line {start}: {len(cells)} cells but the header has {len(header)}"
                )
            padded = cells + [""] * (len(header) - len(cells))
            rows.append(_Row(start, {name: padded[i].strip() for i, name in enumerate(header)}))
    except csv.Error as error:
        raise InvalidInput(f"{filename} line {reader.line_num}: {error}") from None
    if header is None:
        raise InvalidInput(f"{filename}: empty; the header should be {','.join(required)}")
    if not rows:
        raise InvalidInput(f"{filename}: a header but no lines to import")
    return rows


def _header(
    filename: str, cells: list[str], required: Iterable[str], optional: Iterable[str]
) -> list[str]:
    names = [
        COLUMN_ALIASES.get(key, key)
        for key in (re.sub(r"[\s-]+", "_", c.strip().lower()) for c in cells)
    ]
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            raise InvalidInput(f"{filename} line 1: column {name!r} appears twice")
        seen.add(name)
    missing = [c for c in required if c not in seen]
    if missing:
        expected = ",".join([*required, *(f"[{o}]" for o in optional)])
        raise InvalidInput(
            f"{filename} line 1: missing column(s) {', '.join(missing)}; the columns are {expected}"
        )
    return names


def _refuse(filename: str, problems: list[str]) -> None:
    """Raise every problem found at once (the first few), so one fix pass is enough."""
    if problems:
        shown = "; ".join(problems[:MAX_REPORTED_ERRORS])
        more = len(problems) - MAX_REPORTED_ERRORS
        tail = f"; … and {more} more" if more > 0 else ""
        raise InvalidInput(f"{filename}: nothing imported: {shown}{tail}")


def _check_currency(row: _Row, currency: str, problems: list[str]) -> None:
    given = row.cells.get("currency", "").upper()
    if given and given != currency:
        problems.append(
            f"line {row.line}: currency {given} is not the production's currency {currency} "
            "(FRAMELINE_CURRENCY); convert the amounts first"
        )


def _amount(row: _Row, column: str, problems: list[str]) -> Decimal:
    value = parse_money(row.cells.get(column, ""))
    if value is None:
        problems.append(f"line {row.line}: {column} {row.cells.get(column, '')!r} is not a number")
        return Decimal(0)
    if abs(value) >= MAX_AMOUNT:
        problems.append(f"line {row.line}: {column} {value} is too large")
        return Decimal(0)
    return value


def _category(text: str) -> str | None:
    key = re.sub(r"[\s_]+", "-", text.strip().lower())
    key = CATEGORY_ALIASES.get(key, key)
    return key if key in CATEGORIES else None


def import_budget(
    studio: Studio, actor: Actor, project: str, csv_bytes: bytes, filename: str
) -> dict[str, Any]:
    """Replace the project's budget with a CSV's lines, all or nothing; errors name the line."""
    require(actor, "approve_spend", "import budgets")
    currency = studio.settings.currency
    rows = _read_csv(csv_bytes, filename, BUDGET_COLUMNS, ("currency",))
    problems: list[str] = []
    first_line: dict[str, int] = {}
    lines: list[BudgetLine] = []
    total = Decimal(0)
    for row in rows:
        account, name = row.cells["account"], row.cells["name"]
        if not account or len(account) > 32:
            problems.append(f"line {row.line}: the account number must be 1–32 characters")
        elif account in first_line:
            problems.append(
                f"line {row.line}: account {account} appears again (first on line "
                f"{first_line[account]})"
            )
        first_line.setdefault(account, row.line)
        if not name or len(name) > 200:
            problems.append(f"line {row.line}: the account name must be 1–200 characters")
        category = _category(row.cells["category"])
        if category is None:
            problems.append(
                f"line {row.line}: category {row.cells['category']!r} is not one of "
                f"{', '.join(CATEGORIES)}"
            )
        _check_currency(row, currency, problems)
        budget = _amount(row, "budget", problems)
        total += budget
        lines.append(
            BudgetLine(
                account=account,
                name=name,
                category=category or "",
                budget=money(budget),
                budget_micros=to_micros(budget),
                currency=currency,
            )
        )
    _refuse(filename, problems)
    with studio.transaction() as session:
        record = get_project(session, project)
        replaced = session.scalar(
            select(func.count()).select_from(BudgetLine).where(BudgetLine.project_id == record.id)
        )
        kept = [budget_line_json(line) for line in lines]
        revision = record_revision(
            session, record, "budget", filename, actor.person, kept, money(total)
        )
        session.execute(delete(BudgetLine).where(BudgetLine.project_id == record.id))
        for line in lines:
            line.project_id = record.id
            session.add(line)
        spend_account = record.spend_account
    notes = []
    if spend_account not in first_line:
        notes.append(
            f"the project's spend account {spend_account} is not in this budget; Frameline's "
            "spend shows against a zero budget until `frameline budget spend-account` names one"
        )
    return {
        "project": project,
        "currency": currency,
        "accounts": len(lines),
        "replaced": int(replaced or 0),
        "revision": revision,
        "total": money(total),
        "spend_account": spend_account,
        "notes": notes,
    }


def _cost_time(row: _Row, problems: list[str]) -> datetime | None:
    text = row.cells.get("date", "")
    if not text:
        return None
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        problems.append(f"line {row.line}: date {text!r} is not an ISO date like 2025-03-14")
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def import_costs(
    studio: Studio, actor: Actor, project: str, csv_bytes: bytes, filename: str
) -> dict[str, Any]:
    """Replace the actuals and commitments booked outside Frameline with a CSV's, all or nothing.

    The CSV is the accounting system's current cost report, so a new one replaces the last one
    (commitments turn into actuals there). Columns: account,kind,amount[,description][,date].
    """
    require(actor, "approve_spend", "import costs")
    currency = studio.settings.currency
    rows = _read_csv(csv_bytes, filename, COST_COLUMNS, ("description", "date", "currency"))
    with studio.transaction() as session:
        record = get_project(session, project)
        budgeted = set(
            session.scalars(select(BudgetLine.account).where(BudgetLine.project_id == record.id))
        )
    problems: list[str] = []
    costs: list[ExternalCost] = []
    totals = {"actual": Decimal(0), "commitment": Decimal(0)}
    for row in rows:
        account = row.cells["account"]
        if not account or len(account) > 32:
            problems.append(f"line {row.line}: the account number must be 1–32 characters")
        elif budgeted and account not in budgeted:
            problems.append(f"line {row.line}: account {account} is not in the project's budget")
        kind = COST_KINDS.get(row.cells["kind"].lower())
        if kind is None:
            problems.append(
                f"line {row.line}: kind {row.cells['kind']!r} is not actual or commitment"
            )
        _check_currency(row, currency, problems)
        amount = _amount(row, "amount", problems)
        totals[kind or "actual"] += amount
        at = _cost_time(row, problems)
        costs.append(
            ExternalCost(
                account=account,
                kind=kind or "",
                description=row.cells.get("description", ""),
                amount=money(amount),
                amount_micros=to_micros(amount),
                at=at or utcnow(),
            )
        )
    _refuse(filename, problems)
    with studio.transaction() as session:
        record = get_project(session, project)
        revision = record_revision(
            session,
            record,
            "costs",
            filename,
            actor.person,
            [cost_json(cost) for cost in costs],
            money(totals["actual"] + totals["commitment"]),
        )
        session.execute(delete(ExternalCost).where(ExternalCost.project_id == record.id))
        for cost in costs:
            cost.project_id = record.id
            session.add(cost)
    return {
        "project": project,
        "currency": currency,
        "lines": len(costs),
        "revision": revision,
        "actual": money(totals["actual"]),
        "committed": money(totals["commitment"]),
    }
