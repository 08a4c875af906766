"""A version's status: draft → approved → locked, decided by people whose role allows it.

Approving a frame whose continuity check failed, or whose scene changed since it was drawn,
needs an explicit override with a reason; the decision and who made it stay on the version.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.errors import Conflict, InvalidInput
from memory.records import Version, utcnow
from memory.store import get_version
from tools.context import Actor, Studio, require
from tools.frames import VersionView, version_view

TRANSITIONS = {
    ("draft", "approved"): "approve",
    ("approved", "locked"): "lock",
    ("draft", "locked"): "lock",
    ("approved", "draft"): "approve",
}


def set_status(
    studio: Studio,
    actor: Actor,
    version_id: str,
    status: str,
    *,
    override_reason: str | None = None,
) -> VersionView:
    """Move a version along draft → approved → locked; locked is final."""
    if status not in {"draft", "approved", "locked"}:
        raise InvalidInput(f"unknown status {status!r}; statuses are draft, approved, locked")
    with studio.transaction() as session:
        version = get_version(session, version_id)
        _check_transition(actor, version, status, override_reason)
        if version.status != status:
            version.status = status
            version.status_history = [
                *version.status_history,
                {
                    "status": status,
                    "by": actor.person,
                    "role": actor.role,
                    "at": utcnow().isoformat(),
                    "override": override_reason,
                },
            ]
        return version_view(session, studio, version)


def _check_transition(
    actor: Actor, version: Version, status: str, override_reason: str | None
) -> None:
    if version.status == status:
        return
    action = TRANSITIONS.get((version.status, status))
    if action is None:
        raise Conflict(f"{version.version_id} is {version.status}; it cannot become {status}")
    require(actor, action, f"{action} {version.version_id}")
    if status == "draft":
        return
    problems = []
    if version.continuity == "fail":
        problems.append("its continuity check failed")
    if version.stale:
        problems.append("its scene changed since it was drawn (stale)")
    if problems and not (override_reason and override_reason.strip()):
        raise Conflict(
            f"{version.version_id} cannot be {status}: {' and '.join(problems)}; "
            "a director may override with a reason"
        )
    if problems:
        require(actor, "override_continuity", "override a failed check")


def lineage(session: Session, version: Version) -> list[Version]:
    """The version's ancestors, oldest first, ending with the version itself."""
    chain = [version]
    while chain[0].parent_id is not None:
        parent = session.get(Version, chain[0].parent_id)
        if parent is None:
            break
        chain.insert(0, parent)
    return chain
