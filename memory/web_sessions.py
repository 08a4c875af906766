"""Server-side web sessions and the web chat's threads: what a browser cookie refers to."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from memory.keys import KeyHolder, key_by_id
from memory.records import WebChatThread, WebSession, utcnow
from memory.store import get_person, get_project


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def open_session(session: Session, key_id: int, *, max_age: int) -> str:
    """A new session for a key; returns its id (kept only as a hash here)."""
    now = utcnow()
    session.execute(delete(WebSession).where(WebSession.expires_at < now))
    session_id = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            id_sha256=_digest(session_id),
            key_id=key_id,
            created_at=now,
            expires_at=now + timedelta(seconds=max_age),
        )
    )
    session.flush()
    return session_id


def session_holder(session: Session, session_id: str) -> KeyHolder | None:
    """The holder of a live session: not ended, not expired, its key not revoked."""
    if len(session_id) > 100:
        return None
    row = session.get(WebSession, _digest(session_id))
    if row is None or row.expires_at <= utcnow():
        return None
    return key_by_id(session, row.key_id)


def end_session(session: Session, session_id: str) -> None:
    """Sign a browser out for good: its cookie, or any copy of it, is refused from now on."""
    session.execute(delete(WebSession).where(WebSession.id_sha256 == _digest(session_id)))


def end_sessions_of_key(session: Session, key_id: int) -> int:
    """End every web session made with a key (when it is revoked)."""
    result = session.execute(delete(WebSession).where(WebSession.key_id == key_id))
    return int(getattr(result, "rowcount", 0) or 0)


def chat_thread(session: Session, person: str, project: str) -> str:
    """The web chat thread of this person on this project, made on first use."""
    person_row = get_person(session, person)
    project_row = get_project(session, project)
    thread_id = session.scalar(
        select(WebChatThread.thread_id).where(
            WebChatThread.person_id == person_row.id, WebChatThread.project_id == project_row.id
        )
    )
    if thread_id is None:
        thread_id = f"web-{secrets.token_hex(8)}-{project}"
        session.add(
            WebChatThread(person_id=person_row.id, project_id=project_row.id, thread_id=thread_id)
        )
        session.flush()
    return thread_id
