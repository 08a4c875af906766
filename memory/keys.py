"""API keys: made once, shown once, kept only as a hash, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import NotFound, PermissionDenied
from memory.records import ApiKey, Person, Project, utcnow
from memory.store import check_role, get_person, get_project

KEY_PREFIX = "fl_"


@dataclass(frozen=True)
class KeyHolder:
    """Who a valid key speaks for: a person, a role, and a project (None = every project)."""

    key_id: int
    person: str
    role: str
    project: str | None


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_key(
    session: Session, *, role: str, name: str, project: str | None, person: str | None = None
) -> str:
    """A new key (returned once); only its hash is stored."""
    check_role(role)
    project_row = get_project(session, project) if project is not None else None
    holder = get_person(session, person or name)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiKey(
            key_sha256=_digest(key),
            prefix=key[:10],
            name=name,
            person_id=holder.id,
            project_id=project_row.id if project_row else None,
            role=role,
        )
    )
    session.flush()
    return key


def verify_key(session: Session, key: str) -> KeyHolder | None:
    """The holder of a valid, unrevoked key, else None (no hint about why)."""
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    digest = _digest(key)
    row = session.scalar(select(ApiKey).where(ApiKey.key_sha256 == digest))
    if row is None or row.revoked_at is not None:
        return None
    if not hmac.compare_digest(row.key_sha256, digest):
        return None
    return holder_of(session, row)


def holder_of(session: Session, row: ApiKey) -> KeyHolder:
    """The holder a stored key speaks for."""
    person = session.get(Person, row.person_id)
    project = session.get(Project, row.project_id) if row.project_id else None
    return KeyHolder(
        row.id, person.name if person else "?", row.role, project.slug if project else None
    )


def key_by_id(session: Session, key_id: int) -> KeyHolder | None:
    """A key's holder by its row id (web sessions keep only the id), if still valid."""
    row = session.get(ApiKey, key_id)
    if row is None or row.revoked_at is not None:
        return None
    return holder_of(session, row)


def revoke_key(session: Session, prefix: str) -> int:
    """Revoke the keys that start with this prefix (as `keys list` shows them)."""
    rows = [
        row
        for row in session.scalars(select(ApiKey).where(ApiKey.revoked_at.is_(None)))
        if row.prefix.startswith(prefix[:10]) and len(prefix) >= 6
    ]
    if not rows:
        raise NotFound(f"no active key starts with {prefix!r}")
    if len(rows) > 1:
        raise PermissionDenied(f"{len(rows)} keys start with {prefix!r}; give more of the key")
    rows[0].revoked_at = utcnow()
    return rows[0].id


def list_keys(session: Session) -> list[dict[str, object]]:
    """Every key without its secret: prefix, name, role, project, state."""
    out = []
    for row in session.scalars(select(ApiKey).order_by(ApiKey.id)):
        holder = holder_of(session, row)
        out.append(
            {
                "prefix": row.prefix,
                "name": row.name,
                "person": holder.person,
                "role": row.role,
                "project": holder.project,
                "created_at": row.created_at.isoformat(),
                "revoked": row.revoked_at is not None,
            }
        )
    return out
