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

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

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
from memory.store import active_scenes, get_project, get_scene
from tools.budget.accounts import resolve_account
from tools.budget.estimates import DEFAULT_FRAME_SIZE, estimate_render_cost
from tools.budget.money import CENTS, dec, money
from tools.context import Actor, Studio, require
from tools.ledger import PLACES

FORECAST_METHOD = (
    "spend account: estimate to complete = remaining shots × mean cost per shot so far "
    "(remaining = shots without an approved or locked version + scenes not yet boarded × mean "
    "shots per boarded scene); other accounts: budget − actual − committed, not below 0; "
    "estimate at completion = actual + committed + estimate to complete; "
    "burn rate = actuals of the last 14 days ÷ days"
)
BURN_WINDOW_DAYS = 14


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
    mean = dec(sum(shot_spend.values())) / with_spend if with_spend else Decimal(0)
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
            line.account, line.name, line.category, dec(line.budget_micros), in_budget=True
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
        account = resolve_account(account, known, project)
    by_scene: dict[str | None, list[int]] = defaultdict(lambda: [0, 0])
    by_person: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for name, entry_scene, _, person, micros, count, recent, first_at in grouped:
        if scope is not None and entry_scene != scope.number:
            continue
        row = accounts.get(name) or accounts.setdefault(name, _unbudgeted(name))
        row.ledger += dec(micros)
        row.recent += dec(recent)
        row.saw(first_at)
        if account is None or name == account:
            for bucket in (by_scene[entry_scene], by_person[person]):
                bucket[0] += micros
                bucket[1] += count
    for name, kind, micros, recent, first_at in outside:
        row = accounts.get(name) or accounts.setdefault(name, _unbudgeted(name))
        if kind == "commitment":
            row.committed += dec(micros)
        else:
            row.outside += dec(micros)
            row.recent += dec(recent)
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
                "actual": money(dec(total)),
                "entries": count,
            }
            for number, (total, count) in sorted(
                by_scene.items(), key=lambda item: _scene_order(item[0], scenes)
            )
        ],
        "by_person": [
            {"person": person, "actual": money(dec(total)), "entries": count}
            for person, (total, count) in sorted(by_person.items())
        ],
    }


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
