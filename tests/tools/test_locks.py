"""Lock rules every front door gets from tools/versions.py: one locked version per shot, locking
needs an approved version (or approve-and-lock, recorded as both), unlocking needs a reason and a
director or admin; the status history keeps every step."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from core.errors import Conflict, PermissionDenied
from memory.records import Version
from memory.store import get_version
from tools.context import Actor
from tools.frames import render_frame
from tools.versions import set_status, unlock

ADMIN = Actor("local", "admin")
DIRECTOR = Actor("dee", "director")
PRODUCER = Actor("pia", "producer")
WRITER = Actor("wren", "writer")


def two_takes(studio: Any) -> tuple[str, str]:
    """Two drafts of one new shot."""
    first, second = render_frame(studio, ADMIN, "demo", "3", count=2, seed=4)
    assert first.shot == second.shot
    return first.version_id, second.version_id


def history(studio: Any, version_id: str) -> list[tuple[str, str, str | None]]:
    with studio.transaction() as session:
        rows = get_version(session, version_id).status_history
        return [(row["status"], row["by"], row.get("override")) for row in rows]


def test_a_draft_is_locked_only_by_an_explicit_approve_and_lock(studio: Any) -> None:
    first, _ = two_takes(studio)
    with pytest.raises(Conflict, match="approve it before locking"):
        set_status(studio, DIRECTOR, first, "locked")
    assert set_status(studio, DIRECTOR, first, "draft").status == "draft"
    assert history(studio, first) == []

    locked = set_status(studio, DIRECTOR, first, "locked", approve_first=True)
    assert locked.status == "locked"
    assert history(studio, first) == [("approved", "dee", None), ("locked", "dee", None)]


def test_a_second_lock_of_a_shot_is_refused_naming_the_locked_version(studio: Any) -> None:
    first, second = two_takes(studio)
    for version_id in (first, second):
        set_status(studio, DIRECTOR, version_id, "approved")
    set_status(studio, DIRECTOR, first, "locked")
    with pytest.raises(Conflict, match=f"already has a locked version, {first}"):
        set_status(studio, DIRECTOR, second, "locked")
    with pytest.raises(Conflict, match=first):
        set_status(studio, ADMIN, second, "locked", approve_first=True)
    assert set_status(studio, DIRECTOR, second, "approved").status == "approved"


def test_unlock_needs_a_reason_and_a_director_and_keeps_the_history(studio: Any) -> None:
    first, second = two_takes(studio)
    set_status(studio, DIRECTOR, first, "locked", approve_first=True)
    for refused in (WRITER, PRODUCER):
        with pytest.raises(PermissionDenied):
            unlock(studio, refused, first, "recut")
    with pytest.raises(Conflict, match="needs a reason"):
        unlock(studio, DIRECTOR, first, "  ")
    with pytest.raises(Conflict, match="needs a reason"):
        set_status(studio, DIRECTOR, first, "draft")

    assert unlock(studio, DIRECTOR, first, "the edit changed").status == "approved"
    assert history(studio, first)[-1] == ("approved", "dee", "the edit changed")
    assert len(history(studio, first)) == 3

    # With the first unlocked, the other take may be locked; a locked one may return to draft.
    set_status(studio, DIRECTOR, second, "locked", approve_first=True)
    back = set_status(studio, ADMIN, second, "draft", override_reason="reshoot")
    assert back.status == "draft"
    assert [s for s, _, _ in history(studio, second)] == ["approved", "locked", "draft"]


def test_two_concurrent_locks_of_one_shot_let_exactly_one_win(studio: Any) -> None:
    first, second = two_takes(studio)
    for version_id in (first, second):
        set_status(studio, DIRECTOR, version_id, "approved")
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def lock(version_id: str) -> None:
        barrier.wait()
        try:
            outcomes[version_id] = set_status(studio, DIRECTOR, version_id, "locked").status
        except Conflict as refused:
            outcomes[version_id] = refused.message

    threads = [threading.Thread(target=lock, args=(v,)) for v in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes.values()).count("locked") == 1, outcomes
    with studio.transaction() as session:
        statuses = sorted(get_version(session, v).status for v in (first, second))
    assert statuses == ["approved", "locked"]


def test_the_database_itself_refuses_a_second_locked_version(studio: Any) -> None:
    first, second = two_takes(studio)
    set_status(studio, DIRECTOR, first, "locked", approve_first=True)
    with pytest.raises(IntegrityError), studio.transaction() as session:
        session.execute(
            update(Version).where(Version.id == int(second[1:])).values(status="locked")
        )
