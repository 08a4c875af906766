"""A version's status: draft → approved → locked, decided by people whose role allows it.

Every front door changes status here, so the rules hold alike for all of them:
- a shot has at most one locked version (the database holds it too, against concurrent locks);
- locking needs an approved version, or an explicit approve-and-lock, recorded as both;
- a locked version returns to approved (or draft) only by an unlock with a reason, by a director
  or admin; every change stays in the status history and nothing is deleted;
- approving a frame whose continuity check failed, or whose scene changed since it was drawn,
  needs an explicit override with a reason.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.errors import Conflict, InvalidInput
from memory.records import Shot, Version, utcnow
from memory.store import get_version
from tools.context import Actor, Studio, require
from tools.frames import VersionView, version_view

STATUSES = ("draft", "approved", "locked")
TRANSITIONS = {
    ("draft", "approved"): "approve",
    ("approved", "draft"): "approve",
    ("approved", "locked"): "lock",
    ("draft", "locked"): "lock",
    ("locked", "approved"): "lock",
    ("locked", "draft"): "lock",
}
"""(from, to) → the permission it needs; leaving `locked` is an unlock and needs a reason."""


def set_status(
    studio: Studio,
    actor: Actor,
    version_id: str,
    status: str,
    *,
    override_reason: str | None = None,
    approve_first: bool = False,
) -> VersionView:
    """Move a version along draft → approved → locked, or unlock a locked one with a reason.

    `approve_first` approves a draft and locks it in one request (both steps are recorded).
    """
    if status not in STATUSES:
        raise InvalidInput(f"unknown status {status!r}; statuses are {', '.join(STATUSES)}")
    try:
        with studio.transaction() as session:
            version = get_version(session, version_id)
            steps = _steps(session, actor, version, status, override_reason, approve_first)
            for step in steps:
                _record(version, step, actor, override_reason)
            session.flush()
            return version_view(session, studio, version)
    except IntegrityError:
        # Another request locked a version of this shot between our check and our write.
        with studio.transaction() as session:
            version = get_version(session, version_id)
            raise Conflict(_second_lock(session, version)) from None


def unlock(studio: Studio, actor: Actor, version_id: str, reason: str) -> VersionView:
    """Return a locked version to approved (director, admin), with the reason recorded."""
    with studio.transaction() as session:
        current = get_version(session, version_id).status
    if current != "locked":
        raise Conflict(f"{version_id} is not locked (it is {current}); there is nothing to unlock")
    return set_status(studio, actor, version_id, "approved", override_reason=reason)


def _steps(
    session: Session,
    actor: Actor,
    version: Version,
    status: str,
    reason: str | None,
    approve_first: bool,
) -> list[str]:
    """The statuses the version passes through, after checking each step is allowed."""
    current = version.status
    if current == status:
        return []
    action = TRANSITIONS[(current, status)]
    require(actor, action, f"{action} {version.version_id}")
    if current == "locked":
        if not (reason and reason.strip()):
            raise Conflict(
                f"{version.version_id} is locked; unlocking needs a reason "
                f"(frameline unlock {version.version_id} --reason TEXT)"
            )
        return [status]
    if status == "locked":
        _check_no_other_lock(session, version)
        if current == "draft" and not approve_first:
            raise Conflict(
                f"{version.version_id} is a draft; approve it before locking it, or approve and "
                "lock in one request (frameline lock --approve)"
            )
    if status != "draft":
        _check_continuity(actor, version, status, reason)
    if current == "draft" and status == "locked":
        require(actor, "approve", f"approve {version.version_id}")
        return ["approved", "locked"]
    return [status]


def _check_continuity(actor: Actor, version: Version, status: str, reason: str | None) -> None:
    problems = []
    if version.continuity == "fail":
        problems.append("its continuity check failed")
    if version.stale:
        problems.append("its scene changed since it was drawn (stale)")
    if problems and not (reason and reason.strip()):
        raise Conflict(
            f"{version.version_id} cannot be {status}: {' and '.join(problems)}; "
            "a director may override with a reason"
        )
    if problems:
        require(actor, "override_continuity", "override a failed check")


def _check_no_other_lock(session: Session, version: Version) -> None:
    other = session.scalar(
        select(Version.id).where(
            Version.shot_id == version.shot_id,
            Version.status == "locked",
            Version.id != version.id,
        )
    )
    if other is not None:
        raise Conflict(_second_lock(session, version))


def _second_lock(session: Session, version: Version) -> str:
    """Why a second version of a shot cannot be locked, naming the one that is."""
    locked = session.scalar(
        select(Version).where(Version.shot_id == version.shot_id, Version.status == "locked")
    )
    shot = session.get(Shot, version.shot_id)
    code = shot.code if shot else "?"
    held = locked.version_id if locked is not None else "another version"
    return (
        f"shot {code} already has a locked version, {held}; a shot holds one locked version "
        f"(a director may `frameline unlock {held} --reason TEXT` first)"
    )


def _record(version: Version, status: str, actor: Actor, reason: str | None) -> None:
    version.status = status
    entry: dict[str, Any] = {
        "status": status,
        "by": actor.person,
        "role": actor.role,
        "at": utcnow().isoformat(),
        "override": reason,
    }
    version.status_history = [*version.status_history, entry]


def lineage(session: Session, version: Version) -> list[Version]:
    """The version's ancestors, oldest first, ending with the version itself."""
    chain = [version]
    while chain[0].parent_id is not None:
        parent = session.get(Version, chain[0].parent_id)
        if parent is None:
            break
        chain.insert(0, parent)
    return chain
