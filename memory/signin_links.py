"""One-time sign-in links: an admin hands a person a URL instead of a key file."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy.orm import Session

from memory.records import ApiKey, SignInLink, utcnow

LINK_LIFETIME = timedelta(days=7)
"""Long enough to reach someone by mail over a weekend; a spent or old link signs no one in."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def make_link_token(session: Session, key_id: int) -> str:
    """A new one-time token for a key (returned once; only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    session.add(
        SignInLink(token_sha256=_digest(token), key_id=key_id, expires_at=utcnow() + LINK_LIFETIME)
    )
    session.flush()
    return token


def redeem_link(session: Session, token: str) -> int | None:
    """The key id of an unspent, unexpired link whose key is still valid; the link is spent."""
    if len(token) > 100:
        return None
    row = session.get(SignInLink, _digest(token))
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    row.used_at = utcnow()
    key = session.get(ApiKey, row.key_id)
    if key is None or key.revoked_at is not None:
        return None
    return row.key_id
