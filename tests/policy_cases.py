"""The render gates every front door's tests share: one table, so each door is held to the same
decision (tests/tools/test_policy.py, tests/api/test_policy_doors.py, the CLI, Slack, the agent)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from memory.records import Approval, Job, LedgerEntry, Shot, Version
from tools.budget import import_budget
from tools.context import Actor

PROJECT = "demo"
TIGHT_BUDGET = b"account,name,category,budget\n5400,Previsualisation,post,0.000001\n"


@dataclass(frozen=True)
class GateCase:
    """One render gate: the setting or budget that arms it, the frames asked, the reason given."""

    name: str
    env: dict[str, str]
    tight_budget: bool
    count: int
    reason: str


GATES = [
    GateCase("count", {}, False, 5, "more than 4 frames"),
    GateCase("cost", {"FRAMELINE_APPROVAL_COST": "0"}, False, 1, "above the approval limit"),
    GateCase("budget", {}, True, 1, "over its budget"),
]
GATE_IDS = [case.name for case in GATES]


def arm(monkeypatch: pytest.MonkeyPatch, case: GateCase) -> None:
    """Set the gate's environment before Frameline is wired."""
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)


def tighten(frameline: Any, case: GateCase) -> None:
    """Import the tiny budget when the gate is the spend account's budget."""
    if case.tight_budget:
        import_budget(frameline, Actor("local", "admin"), PROJECT, TIGHT_BUDGET, "tight.csv")


def tally(frameline: Any) -> dict[str, int]:
    """What a render would add: versions, ledger entries for frames, and shots."""
    frames = LedgerEntry.kind.in_(("render", "revise"))
    with frameline.transaction() as session:
        return {
            "versions": int(session.scalar(select(func.count()).select_from(Version)) or 0),
            "ledger": int(session.scalar(select(func.count()).where(frames)) or 0),
            "shots": int(session.scalar(select(func.count()).select_from(Shot)) or 0),
        }


def job_state(frameline: Any, job_id: str) -> str:
    """A job's state in the records."""
    with frameline.transaction() as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job.state


def approval_state(frameline: Any, approval_id: str) -> str:
    """An approval's state in the records."""
    with frameline.transaction() as session:
        row = session.get(Approval, approval_id)
        assert row is not None
        return row.state
