"""Notes on frames: who said what about a version, in which role, and whom they asked.

Every door (API, web page, Slack) reads and writes notes here, so a note is the same everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import InvalidInput
from memory.records import Person, VersionComment
from memory.store import get_version
from tools.context import Actor, Studio, require

MAX_COMMENT = 4000
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9][\w.-]{0,63})")
CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


@dataclass(frozen=True)
class CommentView:
    """A note as every door shows it."""

    comment_id: str
    version_id: str
    person: str
    role: str
    text: str
    at: str
    mentions: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The documented fields, and the people the note mentions."""
        return dict(self.__dict__)


def _view(row: VersionComment) -> CommentView:
    return CommentView(
        comment_id=row.comment_id,
        version_id=f"v{row.version_id}",
        person=row.person,
        role=row.role,
        text=row.text,
        at=row.created_at.isoformat(),
        mentions=list(row.mentions),
    )


def _handle(name: str) -> str:
    """How a person's name is written after an @: lower case, spaces as dots."""
    return ".".join(name.lower().split())


def mentioned_people(session: Session, text: str) -> list[str]:
    """The known people a note mentions by @name (full name with dots, or first name)."""
    wanted = {m.group(1).lower().rstrip(".") for m in MENTION.finditer(text)}
    if not wanted:
        return []
    found = []
    for person in session.scalars(select(Person).order_by(Person.id)):
        handle = _handle(person.name)
        if handle in wanted or handle.split(".")[0] in wanted:
            found.append(person.name)
    return found


def add_comment(studio: Studio, actor: Actor, version_id: str, text: str) -> CommentView:
    """Leave a note on a version, as the actor; an empty or over-long note changes nothing."""
    require(actor, "read", "comment on frames")
    words = text.strip()
    if not words:
        raise InvalidInput("a note needs some text")
    if len(words) > MAX_COMMENT:
        raise InvalidInput(f"a note is at most {MAX_COMMENT} characters; this one has {len(words)}")
    if CONTROL.search(words):
        raise InvalidInput(
            "a note may not contain control, text-direction or unpaired surrogate characters"
        )
    with studio.transaction() as session:
        version = get_version(session, version_id)
        row = VersionComment(
            version_id=version.id,
            person=actor.person,
            role=actor.role,
            text=words,
            mentions=mentioned_people(session, words),
        )
        session.add(row)
        session.flush()
        return _view(row)


def list_comments(studio: Studio, actor: Actor, version_id: str) -> list[CommentView]:
    """A version's notes, oldest first."""
    require(actor, "read", "read notes on frames")
    with studio.transaction() as session:
        version = get_version(session, version_id)
        rows = session.scalars(
            select(VersionComment)
            .where(VersionComment.version_id == version.id)
            .order_by(VersionComment.id)
        )
        return [_view(row) for row in rows]
