"""The producer's view of spend, one module per job: money formatting, CSV imports, accounts and
the ledger, render estimates, budget limits and the status report. Callers use
`from tools import budget; budget.budget_status(...)` or import names from here."""

from tools.budget.accounts import (
    ledger_entries,
    resolve_account,
    reverse_ledger_entry,
    set_spend_account,
)
from tools.budget.estimates import DEFAULT_FRAME_SIZE, estimate_render_cost
from tools.budget.gates import would_exceed_budget
from tools.budget.history import budget_history, budget_revision
from tools.budget.imports import import_budget, import_costs
from tools.budget.money import money, parse_money
from tools.budget.status import FORECAST_METHOD, budget_status

__all__ = [
    "DEFAULT_FRAME_SIZE",
    "FORECAST_METHOD",
    "budget_history",
    "budget_revision",
    "budget_status",
    "estimate_render_cost",
    "import_budget",
    "import_costs",
    "ledger_entries",
    "money",
    "parse_money",
    "resolve_account",
    "reverse_ledger_entry",
    "set_spend_account",
    "would_exceed_budget",
]
