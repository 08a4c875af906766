"""Budget status, the cost ledger, and budget and cost imports of a project."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi import Path as FastPath
from pydantic import BaseModel, ConfigDict, Field

from api.deps import CallerDep, FramelineDep
from api.problems import ERROR_RESPONSES
from core.errors import InvalidInput
from tools.budget import (
    budget_status,
    import_budget,
    import_costs,
    ledger_entries,
    reverse_ledger_entry,
)

router = APIRouter(prefix="/v1/projects", tags=["budget"], responses=ERROR_RESPONSES)

MAX_CSV_CHARS = 5_000_000
MAX_ID = 2**63
"""Entry ids are 64-bit integers in SQL; larger numbers name nothing."""


class CsvIn(BaseModel):
    """A CSV file's text, sent as JSON (multipart is kept for scripts and references)."""

    model_config = ConfigDict(extra="forbid")
    csv: str = Field(
        max_length=MAX_CSV_CHARS,
        examples=["account,name,category,budget\n5400,Previsualisation,post,2500.00\n"],
    )
    filename: str = Field(default="budget.csv", max_length=200)


class ReverseIn(BaseModel):
    """Why a ledger entry is cancelled."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=2000)


class LedgerEntry(BaseModel):
    """One cost, as `frameline budget ledger --json` prints it; money is a decimal string."""

    entry_id: int
    kind: str
    scene: str | None
    shot: str | None
    version_id: str | None
    person: str
    account: str
    quantity: str
    unit: str
    rate: str
    amount: str = Field(examples=["0.004125"])
    at: str


class AccountStatus(BaseModel):
    """One budget account against its actuals and forecast; money is a decimal string."""

    account: str = Field(examples=["5400"])
    name: str
    category: str
    in_budget: bool
    budget: str = Field(examples=["2500.00"])
    actual: str
    ledger_actual: str
    other_actual: str
    committed: str
    estimate_to_complete: str
    estimate_at_completion: str
    variance: str
    variance_pct: str | None
    burn_rate_per_day: str
    forecast: str


class SpendShare(BaseModel):
    """Ledger spend of one scene or one person."""

    actual: str
    entries: int


class SceneSpend(SpendShare):
    """Ledger spend of a scene (`scene` null: spend on no scene, such as model calls)."""

    scene: str | None
    heading: str | None


class PersonSpend(SpendShare):
    """Ledger spend of a person."""

    person: str


class BudgetStatus(BaseModel):
    """`frameline budget status --json`: the producer's status of a project."""

    project: str
    currency: str = Field(examples=["USD"])
    as_of: str
    scope: dict[str, str | None]
    ledger_total: str
    spend_account: str
    forecast_method: str
    forecast: dict[str, str | int | bool]
    accounts: list[AccountStatus]
    totals: dict[str, str]
    by_scene: list[SceneSpend]
    by_person: list[PersonSpend]


class LedgerPage(BaseModel):
    """One page of the ledger, oldest first; `next` is the cursor of the following page."""

    items: list[LedgerEntry]
    next: str | None


@router.get("/{slug}/budget", response_model=BudgetStatus)
def read_budget_status(
    caller: CallerDep,
    frameline: FramelineDep,
    account: Annotated[str | None, Query(max_length=32, description="One account.")] = None,
    scene: Annotated[str | None, Query(max_length=16, description="One scene.")] = None,
) -> dict[str, Any]:
    """Budget, actual, committed, forecast and variance per account (as `budget status`)."""
    return budget_status(frameline, caller.actor, caller.project, account, scene)


@router.post("/{slug}/budget")
def replace_budget(body: CsvIn, caller: CallerDep, frameline: FramelineDep) -> dict[str, Any]:
    """Replace the budget with a CSV's lines (account,name,category,budget), all or nothing."""
    data = body.csv.encode("utf-8")
    return import_budget(frameline, caller.actor, caller.project, data, body.filename)


@router.post("/{slug}/costs")
def replace_costs(body: CsvIn, caller: CallerDep, frameline: FramelineDep) -> dict[str, Any]:
    """Replace outside actuals and commitments with a CSV's (account,kind,amount,…)."""
    data = body.csv.encode("utf-8")
    return import_costs(frameline, caller.actor, caller.project, data, body.filename)


@router.get("/{slug}/budget/history")
def read_budget_history(
    caller: CallerDep,
    frameline: FramelineDep,
    kind: Annotated[
        Literal["budget", "costs"] | None, Query(description="Only budget or only cost imports.")
    ] = None,
) -> dict[str, Any]:
    """Every budget and cost import as a revision, newest first (as `budget history`)."""
    from tools.budget import budget_history

    return {"items": budget_history(frameline, caller.actor, caller.project, kind), "next": None}


@router.get("/{slug}/budget/history/{kind}/{revision}")
def read_budget_revision(
    caller: CallerDep,
    frameline: FramelineDep,
    kind: Literal["budget", "costs"],
    revision: Annotated[int, FastPath(ge=0, lt=2**31)],
) -> dict[str, Any]:
    """One budget or cost import as it was, with its lines."""
    from tools.budget import budget_revision

    return budget_revision(frameline, caller.actor, caller.project, kind, revision)


@router.get("/{slug}/ledger", response_model=LedgerPage)
def read_ledger(
    caller: CallerDep,
    frameline: FramelineDep,
    shot: Annotated[str | None, Query(max_length=32, description="One shot's entries.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="Entries per page.")] = 200,
    cursor: Annotated[
        str | None, Query(max_length=20, description="From a previous page's `next`.")
    ] = None,
) -> dict[str, Any]:
    """The ledger's entries oldest first, a page at a time (the cursor is the last entry id)."""
    if cursor is not None and not (cursor.isdigit() and int(cursor) < MAX_ID):
        raise InvalidInput(f"cursor {cursor!r} is not one this API gave out")
    after = int(cursor) if cursor else 0
    entries = ledger_entries(
        frameline, caller.actor, caller.project, shot, after=after, limit=limit + 1
    )
    more = len(entries) > limit
    items = entries[:limit]
    return {"items": items, "next": str(items[-1]["entry_id"]) if more else None}


@router.post("/{slug}/ledger/{entry_id}/reversal", response_model=LedgerEntry, status_code=201)
def reverse(
    entry_id: Annotated[int, FastPath(ge=1, lt=MAX_ID)],
    body: ReverseIn,
    caller: CallerDep,
    frameline: FramelineDep,
) -> dict[str, Any]:
    """Cancel an entry with a reversing entry (producers and admins)."""
    return reverse_ledger_entry(frameline, caller.actor, caller.project, entry_id, body.reason)
