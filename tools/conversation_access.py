"""Who may read or post to a conversation: its project's people who take part in it.

Thread ids can be guessed (a Slack thread's is `slack:<channel>:<ts>`), so knowing one gives
nothing: another key of the same project gets 404 just as another project's key does.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.errors import NotFound
from memory.records import ConversationMember, Project
from memory.store import get_project
from tools.context import Studio


def join_conversation(
    studio: Studio, thread_id: str, project: str, person: str, *, open_to_newcomers: bool = False
) -> None:
    """Let `person` post in the thread: a new thread becomes theirs; an existing one must be of
    this project and have them as a member, unless `open_to_newcomers` (a Slack thread, whose
    channel membership Slack itself checks) lets a new voice join."""
    try:
        with studio.transaction() as session:
            record = get_project(session, project)
            members = session.scalars(
                select(ConversationMember).where(ConversationMember.thread_id == thread_id)
            ).all()
            if any(m.project_id != record.id for m in members):
                raise NotFound(f"no conversation {thread_id!r} in project {project!r}")
            if any(m.person == person for m in members):
                return
            if members and not open_to_newcomers:
                raise NotFound(f"no conversation {thread_id!r} in project {project!r}")
            session.add(
                ConversationMember(thread_id=thread_id, project_id=record.id, person=person)
            )
    except IntegrityError:
        return  # the same person joined from two requests at once


def conversation_project(studio: Studio, thread_id: str, person: str) -> str:
    """The slug of the thread's project when `person` takes part in it; NotFound otherwise."""
    with studio.transaction() as session:
        project = session.scalar(
            select(Project)
            .join(ConversationMember, ConversationMember.project_id == Project.id)
            .where(ConversationMember.thread_id == thread_id, ConversationMember.person == person)
        )
        if project is None:
            raise NotFound(f"no conversation {thread_id!r}")
        return project.slug
