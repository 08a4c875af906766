"""The producer's view of spend: budget lines, actuals from the ledger, forecasts and limits.

Every total comes from SQL sums over integer millionths (`amount_micros`) in one grouped pass
over the ledger, so the status reconciles with the ledger to the cent however long it grows.
Money leaves here as decimal strings with at least two places ("2500.00", "0.001234"), never
floats.

Forecast (stated in every status as `forecast_method`):
- the spend account (where Frameline's renders are charged): estimate to complete = remaining
  shots × mean cost per shot so far. Remaining shots are the shots without an approved or locked
  version plus, for scenes with no shot yet, the mean number of shots per boarded scene. The mean
  cost per shot is the account's ledger spend on shots ÷ the shots with spend; with no history it
  is `estimate_render_cost` of one default-size frame, and one shot per scene is assumed.
- every other account: estimate to complete = what is left of its budget after actuals and
  commitments (never below zero), the usual cost-report convention for lines run outside.
- estimate at completion = actual + committed + estimate to complete; variance = budget − that.
- burn rate per day = actuals dated in the last 14 days ÷ the days of that window the account
  has existed (at least 1).
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session

from core.errors import InvalidInput, NotFound
from memory.records import (
    BudgetLine,
    ExternalCost,
    LedgerEntry,
    Project,
    Scene,
    Shot,
    Version,
    utcnow,
)
from memory.store import active_scenes, get_project, get_scene, get_shot
from tools.context import Actor, Studio, require
from tools.ledger import (
    PLACES,
    amount_of,
    entry_json,
    from_micros,
    reverse_entry,
    to_micros,
)

FORECAST_METHOD = (
    "spend account: estimate to complete = remaining shots × mean cost per shot so far "
    "(remaining = shots without an approved or locked version + scenes not yet boarded × mean "
    "shots per boarded scene); other accounts: budget − actual − committed, not below 0; "
    "estimate at completion = actual + committed + estimate to complete; "
    "burn rate = actuals of the last 14 days ÷ days"
)
BURN_WINDOW_DAYS = 14
ACCOUNT_SHORTHAND = {
    "vfx": "visual effects",
    "sfx": "special effects",
    "previz": "previs",
}
"""Words producers use for a line that its name spells out: "the VFX line" is Visual Effects."""
CENTS = Decimal("0.01")

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
MONEY = re.compile(r"^(?P<sign>-?)(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<fraction>\d{1,6}))?$")
MAX_REPORTED_ERRORS = 5
MAX_AMOUNT = Decimal(10) ** 12
"""Amounts are stored as 64-bit millionths; a trillion keeps well inside that."""

RECENT_RENDERS = 20
"""How many recent renders of the backend the cost estimate averages."""
RENDER_LOOKBACK = 400
"""Ledger entries scanned for them (model calls and other backends are skipped)."""
DEFAULT_FRAME_SIZE = (768, 432)
MEGAPIXEL = Decimal(1_000_000)
DEFAULT_SECONDS_PER_MEGAPIXEL = {
    ("previz", "cpu_second"): Decimal("0.5"),
    ("diffusers", "gpu_second"): Decimal("15"),
    ("diffusers", "cpu_second"): Decimal("600"),
}
"""Render time of one megapixel before a backend has any history here: previz draws a 768×432
panel in about 0.05 s; SD-class models take ~15 s/MP at 30 steps on a data-centre GPU and ~10
minutes/MP on CPU cores. A studio's own history replaces these after the first render."""
FALLBACK_SECONDS_PER_MEGAPIXEL = Decimal("60")
"""For a backend and device not in the table above."""


# ---------------------------------------------------------------------------------------------
# Money


def money(value: Decimal) -> str:
    """A decimal string with at least two places and no exponent: 2500.00, 0.05, 0.001234."""
    if value == 0:
        return "0.00"
    whole, _, fraction = format(value, "f").partition(".")
    return f"{whole}.{fraction.rstrip('0').ljust(2, '0')}"


def parse_money(text: str) -> Decimal | None:
    """A CSV amount (1234.5, 1,234.50, (200.00) for a negative) or None when it is no number."""
    text = text.strip().replace(" ", "")
    if text.startswith("(") and text.endswith(")"):
        text = "-" + text[1:-1]
    match = MONEY.match(text)
    if match is None:
        return None
    digits = match["whole"].replace(",", "") + "." + (match["fraction"] or "0")
    return Decimal(match["sign"] + digits)


def _dec(micros: int | None) -> Decimal:
    return from_micros(int(micros or 0))


# ---------------------------------------------------------------------------------------------
# CSV imports


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
        session.execute(delete(ExternalCost).where(ExternalCost.project_id == record.id))
        for cost in costs:
            cost.project_id = record.id
            session.add(cost)
    return {
        "project": project,
        "currency": currency,
        "lines": len(costs),
        "actual": money(totals["actual"]),
        "committed": money(totals["commitment"]),
    }


def set_spend_account(studio: Studio, actor: Actor, project: str, account: str) -> dict[str, Any]:
    """Charge the project's future renders and model calls to another budget account."""
    require(actor, "approve_spend", "choose the spend account")
    account = account.strip()
    with studio.transaction() as session:
        record = get_project(session, project)
        budgeted = list(
            session.scalars(
                select(BudgetLine.account)
                .where(BudgetLine.project_id == record.id)
                .order_by(BudgetLine.id)
            )
        )
        if not account or len(account) > 32:
            raise InvalidInput("the account number must be 1–32 characters")
        if budgeted and account not in budgeted:
            raise NotFound(
                f"account {account} is not in {project}'s budget; accounts are "
                f"{', '.join(budgeted)}"
            )
        previous, record.spend_account = record.spend_account, account
    return {"project": project, "spend_account": account, "previous": previous}


# ---------------------------------------------------------------------------------------------
# The ledger


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


# ---------------------------------------------------------------------------------------------
# Estimates and limits


def _charged_unit(settings: Any) -> str:
    """The ledger unit the configured backend's renders are charged in, without loading it."""
    if settings.image_backend == "bedrock":
        return "image"
    if settings.image_backend == "diffusers" and settings.device != "cpu":
        return "gpu_second"  # `auto` is assumed to find the GPU it is meant for
    return "cpu_second"


def _unit_rate(settings: Any, unit: str) -> Decimal:
    rates = {
        "image": settings.rate_bedrock_image,
        "gpu_second": settings.rate_gpu_second,
        "cpu_second": settings.rate_cpu_second,
    }
    return Decimal(rates[unit])


def estimate_render_cost(
    studio: Studio, project: str, count: int, width: int, height: int
) -> Decimal:
    """The expected cost of rendering `count` frames of a size with the configured backend.

    Render time per pixel is averaged over the backend's last 20 renders and revisions here (any
    project: timing belongs to the machine), then priced at today's rate; a backend without
    history uses DEFAULT_SECONDS_PER_MEGAPIXEL. Hosted images cost their per-image price.
    """
    settings = studio.settings
    backend = settings.image_backend
    if count < 0 or width < 1 or height < 1:
        raise InvalidInput(f"cannot estimate {count} frames of {width}×{height}")
    with studio.transaction() as session:
        get_project(session, project)
        recent = [
            (entry.unit, Decimal(entry.quantity), int(entry.version_id[1:]))
            for entry in session.scalars(
                select(LedgerEntry)
                .where(
                    LedgerEntry.kind.in_(("render", "revise")),
                    LedgerEntry.version_id.is_not(None),
                )
                .order_by(LedgerEntry.id.desc())
                .limit(RENDER_LOOKBACK)
            )
            if entry.details.get("backend") == backend
        ][:RECENT_RENDERS]
        unit = recent[0][0] if recent else _charged_unit(settings)
        if unit == "image":
            return amount_of(Decimal(count), _unit_rate(settings, unit))
        sizes = dict(
            session.execute(
                select(Version.id, Version.width * Version.height).where(
                    Version.id.in_([version for _, _, version in recent])
                )
            ).all()
        )
    timed = [(seconds, sizes[v]) for u, seconds, v in recent if u == unit and sizes.get(v)]
    if timed:
        per_pixel = sum(s for s, _ in timed) / Decimal(sum(p for _, p in timed))
    else:
        per_megapixel = DEFAULT_SECONDS_PER_MEGAPIXEL.get(
            (backend, unit), FALLBACK_SECONDS_PER_MEGAPIXEL
        )
        per_pixel = per_megapixel / MEGAPIXEL
    seconds = (per_pixel * width * height * count).quantize(Decimal("0.001"))
    return amount_of(seconds, _unit_rate(settings, unit))


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
    return _dec(ledger) + _dec(outside)


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
        return spent + Decimal(amount) > _dec(line.budget_micros)


# ---------------------------------------------------------------------------------------------
# Status


@dataclass
class _Account:
    """Sums of one account while the status is assembled."""

    account: str
    name: str
    category: str
    budget: Decimal
    in_budget: bool
    ledger: Decimal = Decimal(0)
    outside: Decimal = Decimal(0)
    committed: Decimal = Decimal(0)
    recent: Decimal = Decimal(0)
    first_at: datetime | None = None

    def saw(self, at: datetime | None) -> None:
        """Note when an actual was booked; the earliest starts the burn-rate window."""
        if at is not None and (self.first_at is None or at < self.first_at):
            self.first_at = at


@dataclass(frozen=True)
class _Progress:
    """How far the storyboard is: what the spend account's forecast is made of."""

    mean_cost_per_shot: Decimal
    mean_from_history: bool
    shots: int
    approved_shots: int
    unboarded_scenes: int
    shots_per_scene: Decimal

    @property
    def remaining_shots(self) -> Decimal:
        """Shots still to draw and approve, counting unboarded scenes at the boarded mean."""
        return Decimal(self.shots - self.approved_shots) + self.unboarded_scenes * (
            self.shots_per_scene
        )

    @property
    def estimate_to_complete(self) -> Decimal:
        """Remaining shots at the mean cost per shot, to the ledger's six places."""
        return (self.remaining_shots * self.mean_cost_per_shot).quantize(
            PLACES, rounding=ROUND_HALF_EVEN
        )

    def to_json(self) -> dict[str, Any]:
        """The forecast's inputs as the status prints them."""
        return {
            "mean_cost_per_shot": money(self.mean_cost_per_shot.quantize(PLACES)),
            "mean_from_history": self.mean_from_history,
            "shots": self.shots,
            "approved_shots": self.approved_shots,
            "unboarded_scenes": self.unboarded_scenes,
            "shots_per_boarded_scene": _plain(self.shots_per_scene),
            "remaining_shots": _plain(self.remaining_shots),
        }


def _plain(value: Decimal) -> str:
    """A count that may be fractional, to four places without trailing zeros."""
    return format(value.quantize(Decimal("0.0001")).normalize(), "f")


def _progress(
    session: Session,
    scenes: list[Scene],
    scope: Scene | None,
    shot_spend: dict[str, int],
) -> _Progress:
    """Shots, approvals and mean cost per shot (0 without history), for the project or a scene.

    `shot_spend` is the spend account's millionths per shot, over the whole project.
    """
    approved = func.max(case((Version.status.in_(("approved", "locked")), 1), else_=0))
    per_shot = session.execute(
        select(Shot.scene_id, approved)
        .join(Version, Version.shot_id == Shot.id, isouter=True)
        .where(Shot.scene_id.in_([scene.id for scene in scenes]))
        .group_by(Shot.id)
    ).all()
    shots_by_scene: dict[int, list[int]] = defaultdict(list)
    for scene_id, is_approved in per_shot:
        shots_by_scene[scene_id].append(int(is_approved or 0))
    boarded = len(shots_by_scene)
    total_shots = sum(len(flags) for flags in shots_by_scene.values())
    shots_per_scene = Decimal(total_shots) / boarded if boarded else Decimal(1)
    with_spend = len(shot_spend)
    mean = _dec(sum(shot_spend.values())) / with_spend if with_spend else Decimal(0)
    in_scope = [scope] if scope is not None else scenes
    flags = [flag for scene in in_scope for flag in shots_by_scene.get(scene.id, [])]
    return _Progress(
        mean_cost_per_shot=mean,
        mean_from_history=bool(with_spend),
        shots=len(flags),
        approved_shots=sum(flags),
        unboarded_scenes=sum(1 for scene in in_scope if scene.id not in shots_by_scene),
        shots_per_scene=shots_per_scene,
    )


def _accounts(session: Session, project: Project) -> dict[str, _Account]:
    """The budget's lines in the order they were imported, then the spend account if missing."""
    accounts = {
        line.account: _Account(
            line.account, line.name, line.category, _dec(line.budget_micros), in_budget=True
        )
        for line in session.scalars(
            select(BudgetLine).where(BudgetLine.project_id == project.id).order_by(BudgetLine.id)
        )
    }
    if project.spend_account not in accounts:
        accounts[project.spend_account] = _unbudgeted(
            project.spend_account, "Frameline spend (not in budget)"
        )
    return accounts


def _unbudgeted(account: str, name: str = "Not in budget") -> _Account:
    """An account with spend or outside costs but no budget line: its budget is zero."""
    return _Account(account, name, "other", Decimal(0), in_budget=False)


def _scene_allocation(scene: Scene, scenes: list[Scene]) -> Decimal:
    """A scene's share of the script by page eighths: how a top sheet is spread over scenes."""
    total = sum(max(s.eighths, 1) for s in scenes)
    return Decimal(max(scene.eighths, 1)) / Decimal(total) if total else Decimal(0)


def budget_status(
    studio: Studio,
    actor: Actor,
    project: str,
    account: str | None = None,
    scene: str | None = None,
) -> dict[str, Any]:
    """Per account: budget, actual, committed, forecast and variance, with spend per scene and
    person; the one answer the CLI, the API and the agent give.

    With `scene`, actuals are that scene's ledger entries and budgets are the scene's share of
    each account by page eighths (outside costs are not booked by scene).
    """
    require(actor, "read", "read the budget")
    now = utcnow()
    cutoff = now - timedelta(days=BURN_WINDOW_DAYS)
    with studio.transaction() as session:
        record = get_project(session, project)
        scenes = active_scenes(session, record)
        scope = get_scene(session, record, scene) if scene is not None else None
        accounts = _accounts(session, record)
        # One pass over the ledger; everything below is sums of its few hundred groups.
        grouped = session.execute(
            select(
                LedgerEntry.account,
                LedgerEntry.scene,
                LedgerEntry.shot,
                LedgerEntry.person,
                func.sum(LedgerEntry.amount_micros),
                func.count(),
                func.sum(case((LedgerEntry.at >= cutoff, LedgerEntry.amount_micros), else_=0)),
                func.min(LedgerEntry.at),
            )
            .where(LedgerEntry.project_id == record.id)
            .group_by(LedgerEntry.account, LedgerEntry.scene, LedgerEntry.shot, LedgerEntry.person)
        ).all()
        shot_spend: dict[str, int] = defaultdict(int)
        for name, _, shot, _, micros, *_ in grouped:
            if name == record.spend_account and shot is not None:
                shot_spend[shot] += micros
        outside = (
            session.execute(
                select(
                    ExternalCost.account,
                    ExternalCost.kind,
                    func.sum(ExternalCost.amount_micros),
                    func.sum(
                        case((ExternalCost.at >= cutoff, ExternalCost.amount_micros), else_=0)
                    ),
                    func.min(ExternalCost.at),
                )
                .where(ExternalCost.project_id == record.id)
                .group_by(ExternalCost.account, ExternalCost.kind)
            ).all()
            if scope is None
            else []
        )
        progress = _progress(session, scenes, scope, shot_spend)
        spend_account = record.spend_account
        scene_headings = {s.number: s.heading for s in scenes}
        share = _scene_allocation(scope, scenes) if scope is not None else None
    if not progress.mean_from_history:
        default = estimate_render_cost(studio, project, 1, *DEFAULT_FRAME_SIZE)
        progress = replace(progress, mean_cost_per_shot=default)

    if account is not None:
        known = {number: row.name for number, row in accounts.items()}
        for number, *_ in [*grouped, *outside]:
            known.setdefault(number, "")
        account = _resolve_account(account, known, project)
    by_scene: dict[str | None, list[int]] = defaultdict(lambda: [0, 0])
    by_person: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for name, entry_scene, _, person, micros, count, recent, first_at in grouped:
        if scope is not None and entry_scene != scope.number:
            continue
        row = accounts.get(name) or accounts.setdefault(name, _unbudgeted(name))
        row.ledger += _dec(micros)
        row.recent += _dec(recent)
        row.saw(first_at)
        if account is None or name == account:
            for bucket in (by_scene[entry_scene], by_person[person]):
                bucket[0] += micros
                bucket[1] += count
    for name, kind, micros, recent, first_at in outside:
        row = accounts.get(name) or accounts.setdefault(name, _unbudgeted(name))
        if kind == "commitment":
            row.committed += _dec(micros)
        else:
            row.outside += _dec(micros)
            row.recent += _dec(recent)
            row.saw(first_at)

    # Budget lines in their imported order, then accounts outside the budget by number.
    shown = [a for a in accounts.values() if a.in_budget]
    shown += sorted((a for a in accounts.values() if not a.in_budget), key=lambda a: a.account)
    if scope is not None:
        shown = [a for a in shown if a.account == spend_account or a.ledger]
    if account is not None:
        shown = [a for a in shown if a.account == account]
    rows = [_account_json(a, spend_account, progress, share, now) for a in shown]
    ledger_total = sum((a.ledger for a in accounts.values()), Decimal(0))
    return {
        "project": project,
        "currency": studio.settings.currency,
        "as_of": now.isoformat(),
        "scope": {
            "account": account,
            "scene": scope.number if scope is not None else None,
            "budget_basis": (
                "the scene's share of the script's page eighths"
                if scope is not None
                else "the imported budget"
            ),
        },
        "ledger_total": money(ledger_total),
        "spend_account": spend_account,
        "forecast_method": FORECAST_METHOD,
        "forecast": progress.to_json(),
        "accounts": rows,
        "totals": _totals(rows),
        "by_scene": [
            {
                "scene": number,
                "heading": scene_headings.get(number) if number is not None else None,
                "actual": money(_dec(total)),
                "entries": count,
            }
            for number, (total, count) in sorted(
                by_scene.items(), key=lambda item: _scene_order(item[0], scenes)
            )
        ],
        "by_person": [
            {"person": person, "actual": money(_dec(total)), "entries": count}
            for person, (total, count) in sorted(by_person.items())
        ],
    }


def _resolve_account(wanted: str, names: dict[str, str], project: str) -> str:
    """An account by number, or by words of its name as people say them ("VFX", "previs")."""
    if wanted in names:
        return wanted
    words = wanted.strip().lower()
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


def _scene_order(number: str | None, scenes: list[Scene]) -> tuple[int, str]:
    """Script order, scenes cut from the script after, and spend on no scene last."""
    positions = {s.number: s.position for s in scenes}
    if number is None:
        return (2**31, "")
    return (positions.get(number, 2**30), number)


def _account_json(
    row: _Account, spend_account: str, progress: _Progress, share: Decimal | None, now: datetime
) -> dict[str, Any]:
    budget = row.budget
    if share is not None:
        budget = (budget * share).quantize(CENTS, rounding=ROUND_HALF_EVEN)
    actual = row.ledger + row.outside
    if row.account == spend_account:
        to_complete, method = progress.estimate_to_complete, "remaining shots × mean cost per shot"
    else:
        to_complete, method = max(budget - actual - row.committed, Decimal(0)), "budget remaining"
    at_completion = actual + row.committed + to_complete
    variance = budget - at_completion
    return {
        "account": row.account,
        "name": row.name,
        "category": row.category,
        "in_budget": row.in_budget,
        "budget": money(budget),
        "actual": money(actual),
        "ledger_actual": money(row.ledger),
        "other_actual": money(row.outside),
        "committed": money(row.committed),
        "estimate_to_complete": money(to_complete),
        "estimate_at_completion": money(at_completion),
        "variance": money(variance),
        "variance_pct": (
            money((variance * 100 / budget).quantize(CENTS, rounding=ROUND_HALF_EVEN))
            if budget
            else None
        ),
        "burn_rate_per_day": money(_burn_rate(row, now)),
        "forecast": method,
    }


def _burn_rate(row: _Account, now: datetime) -> Decimal:
    """Actuals of the trailing window ÷ the days of it since the account's first actual."""
    if row.first_at is None:
        return Decimal(0)
    seconds = max(int((now - row.first_at).total_seconds()), 1)
    days = min(BURN_WINDOW_DAYS, -(-seconds // 86_400))
    return (row.recent / days).quantize(PLACES, rounding=ROUND_HALF_EVEN)


def _totals(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Column sums of the listed accounts (exact: every cell is an exact decimal)."""
    columns = (
        "budget",
        "actual",
        "committed",
        "estimate_to_complete",
        "estimate_at_completion",
        "variance",
    )
    return {c: money(sum((Decimal(r[c]) for r in rows), Decimal(0))) for c in columns}
