"""The policy every front door submits through: gated renders wait, nothing is drawn or charged
until a producer approves, and a refused role cannot release them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.errors import PermissionDenied
from frameline.settings import Settings
from frameline.wiring import open_frameline
from tests.policy_cases import (
    GATE_IDS,
    GATES,
    PROJECT,
    GateCase,
    approval_state,
    arm,
    job_state,
    tally,
    tighten,
)
from tools.context import Actor
from tools.jobs import execute_job, get_job
from tools.policy import resolve, submit

WRITER = Actor("wren", "writer")
DIRECTOR = Actor("dee", "director")
PRODUCER = Actor("pia", "producer")
ADMIN = Actor("local", "admin")


@pytest.fixture(params=GATES, ids=GATE_IDS)
def gated(
    request: pytest.FixtureRequest, home: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Any, GateCase]]:
    """The demo production with one render gate armed."""
    from frameline.demo import load_demo

    case: GateCase = request.param
    arm(monkeypatch, case)
    with open_frameline(Settings()) as frameline:
        load_demo(frameline)
        tighten(frameline, case)
        yield frameline, case


def test_a_gated_render_waits_until_a_producer_approves(gated: tuple[Any, GateCase]) -> None:
    frameline, case = gated
    before = tally(frameline)
    asked = submit(frameline, WRITER, PROJECT, "render", {"scene": "3", "count": case.count})

    assert asked.waiting and asked.approval is not None
    document = asked.to_json()
    assert set(document) == {"job_id", "approval"}
    assert set(document["approval"]) == {"approval_id", "needs_role", "reason"}
    assert document["approval"]["needs_role"] == "producer"
    assert case.reason in document["approval"]["reason"]
    assert job_state(frameline, asked.job.job_id) == "waiting"

    # A worker that picks the job up early draws nothing.
    assert execute_job(frameline, asked.job.job_id).state == "waiting"
    assert tally(frameline) == before

    approval_id = asked.approval["approval_id"]
    for refused in (WRITER, DIRECTOR):
        with pytest.raises(PermissionDenied):
            resolve(frameline, refused, approval_id, "approve")
    assert approval_state(frameline, approval_id) == "pending"
    assert job_state(frameline, asked.job.job_id) == "waiting"
    assert tally(frameline) == before

    released = resolve(frameline, PRODUCER, approval_id, "approve")
    assert released is not None and released.job.state == "queued"
    assert released.approval["decided_by"] == "pia"
    done = execute_job(frameline, asked.job.job_id)
    assert done.state == "done" and len(done.result["versions"]) == case.count
    after = tally(frameline)
    assert after["versions"] == before["versions"] + case.count
    assert after["ledger"] == before["ledger"] + case.count


def test_a_rejected_render_is_cancelled_and_costs_nothing(gated: tuple[Any, GateCase]) -> None:
    frameline, case = gated
    before = tally(frameline)
    asked = submit(frameline, WRITER, PROJECT, "render", {"scene": "2", "count": case.count})
    assert asked.approval is not None
    released = resolve(frameline, PRODUCER, asked.approval["approval_id"], "reject")
    assert released is not None and released.job.state == "cancelled"
    assert "rejected by pia" in (get_job(frameline, asked.job.job_id).error or "")
    assert execute_job(frameline, asked.job.job_id).state == "cancelled"
    assert tally(frameline) == before


def test_a_producer_or_admin_approves_their_own_gated_render_at_once(
    gated: tuple[Any, GateCase],
) -> None:
    frameline, case = gated
    for actor in (PRODUCER, ADMIN):
        asked = submit(frameline, actor, PROJECT, "render", {"scene": "3", "count": case.count})
        assert not asked.waiting and asked.job.state == "queued"
        assert asked.approval is not None and asked.approval["state"] == "approved"
        assert asked.approval["decided_by"] == actor.person
        assert "approval" not in asked.to_json()


def test_an_ungated_render_is_queued_without_an_approval(studio: Any) -> None:
    asked = submit(studio, WRITER, PROJECT, "render", {"scene": "3", "count": 4})
    assert not asked.waiting and asked.approval is None
    assert asked.to_json() == {"job_id": asked.job.job_id}


@pytest.mark.parametrize("count", [0, 9, "many"])
def test_a_count_outside_1_to_8_is_refused_and_writes_nothing(studio: Any, count: Any) -> None:
    from core.errors import InvalidInput

    before = tally(studio)
    with pytest.raises(InvalidInput, match="count"):
        submit(studio, WRITER, PROJECT, "render", {"scene": "3", "count": count})
    assert tally(studio) == before


def test_a_decided_approval_cannot_be_decided_again(studio: Any) -> None:
    from core.errors import Conflict

    asked = submit(studio, WRITER, PROJECT, "render", {"scene": "3", "count": 6})
    assert asked.approval is not None
    approval_id = asked.approval["approval_id"]
    assert resolve(studio, PRODUCER, approval_id, "approve") is not None
    with pytest.raises(Conflict):
        resolve(studio, PRODUCER, approval_id, "reject")
    assert job_state(studio, asked.job.job_id) == "queued"
