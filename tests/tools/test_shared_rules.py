"""The one implementation of stated facts, account names and camera words (tools/facts.py,
memory/facts.py, tools/budget/accounts.py, tools/camera_words.py) against the shared tables every
door's tests use."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from core.errors import FramelineError, NotFound
from memory.facts import parse_fact
from memory.records import ContinuityFact
from tests.shared_cases import ACCOUNT_CASES, BAD_ACCOUNTS, BAD_FACTS, CAMERA_CASES, FACT_CASES
from tools.backends.base import Depiction
from tools.budget import budget_status, set_spend_account
from tools.camera_words import framings_named
from tools.context import Actor
from tools.depiction import apply_words
from tools.facts import state_fact
from tools.revisions import plan_revision

WRITER = Actor("wren", "writer")
PRODUCER = Actor("pia", "producer")


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One demo production for the module (its cases only add facts and move the spend account)."""
    from frameline.demo import load_demo
    from frameline.settings import Settings
    from frameline.wiring import open_frameline

    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith("FRAMELINE_"):
                patch.delenv(name)
        patch.setenv("FRAMELINE_HOME", str(tmp_path_factory.mktemp("rules") / "home"))
        with open_frameline(Settings()) as frameline:
            load_demo(frameline)
            yield frameline


def facts_count(studio: Any) -> int:
    with studio.transaction() as session:
        return session.query(ContinuityFact).count()


@pytest.mark.parametrize(("text", "expected"), FACT_CASES)
def test_a_stated_fact_is_read_and_recorded_the_same_way(
    studio: Any, text: str, expected: tuple[str, str, str | None, str | None]
) -> None:
    parsed = parse_fact(text)
    assert (parsed.subject, parsed.statement, parsed.from_scene) == expected[:3]
    row = state_fact(studio, WRITER, "demo", text)
    recorded = (row["subject"], row["statement"], row["from_scene"], row["to_scene"])
    assert recorded == expected
    assert row["created_by"] == "wren"


@pytest.mark.parametrize("text", BAD_FACTS)
def test_a_bad_fact_is_refused_and_records_nothing(studio: Any, text: str) -> None:
    before = facts_count(studio)
    with pytest.raises(FramelineError):
        state_fact(studio, WRITER, "demo", text)
    assert facts_count(studio) == before


@pytest.mark.parametrize(("typed", "number"), ACCOUNT_CASES)
def test_an_account_is_found_by_number_or_name_in_any_case(
    studio: Any, typed: str, number: str
) -> None:
    status = budget_status(studio, WRITER, "demo", account=typed)
    assert [row["account"] for row in status["accounts"]] == [number]
    assert set_spend_account(studio, PRODUCER, "demo", typed)["spend_account"] == number


@pytest.mark.parametrize("typed", BAD_ACCOUNTS)
def test_an_unknown_account_is_named_in_the_error(studio: Any, typed: str) -> None:
    with pytest.raises(NotFound, match=typed):
        budget_status(studio, WRITER, "demo", account=typed)
    with pytest.raises(NotFound, match=typed):
        set_spend_account(studio, PRODUCER, "demo", typed)


@pytest.mark.parametrize(("text", "framing", "angle"), CAMERA_CASES)
def test_camera_words_read_the_same_for_a_request_a_revision_and_its_picture(
    text: str, framing: str | None, angle: str | None
) -> None:
    plan = plan_revision(text)
    assert (plan.framing, plan.angle) == (framing, angle)
    assert framings_named(text) == ([framing] if framing else [])
    before = Depiction(setting="harbour", time_of_day="day", framing="medium", angle="eye-level")
    pictured = apply_words(before, text)
    assert (pictured.framing, pictured.angle) == (framing or "medium", angle or "eye-level")
