"""What the Slack bot keeps: which channel works on which project, who a Slack user is, and
which events it already took (Slack retries an event it thinks was missed).
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from memory.records import Membership, Person, Project, SlackChannel, SlackEvent, utcnow

KEEP_EVENTS = timedelta(days=1)
"""Slack retries an event for minutes, not days: older event ids are forgotten."""


def link_channel(session: Session, channel_id: str, project: Project, linked_by: str) -> None:
    """Point a channel at a project, replacing an earlier link."""
    link = session.scalar(select(SlackChannel).where(SlackChannel.channel_id == channel_id))
    if link is None:
        session.add(SlackChannel(channel_id=channel_id, project_id=project.id, linked_by=linked_by))
        return
    link.project_id, link.linked_by, link.linked_at = project.id, linked_by, utcnow()


def linked_project(session: Session, channel_id: str) -> Project | None:
    """The project a channel is linked to, if any."""
    return session.scalar(
        select(Project)
        .join(SlackChannel, SlackChannel.project_id == Project.id)
        .where(SlackChannel.channel_id == channel_id)
    )


def slack_person(session: Session, user_id: str) -> Person | None:
    """The Frameline person a Slack user is, once they have been seen."""
    return session.scalar(select(Person).where(Person.slack_user_id == user_id))


def add_slack_person(session: Session, user_id: str, name: str) -> Person:
    """A person for a Slack user, named as Slack shows them.

    A name already taken gets the user id added: a Slack user never becomes an existing
    person (a namesake of `local` must not inherit its rights).
    """
    name = " ".join(name.split())[:150] or user_id
    if session.scalar(select(Person.id).where(Person.name == name)) is not None:
        name = f"{name} ({user_id})"
    person = Person(name=name, slack_user_id=user_id)
    session.add(person)
    session.flush()
    return person


def projects_with_role(session: Session, person: Person) -> list[Project]:
    """The projects where the person has a role, by slug."""
    return list(
        session.scalars(
            select(Project)
            .join(Membership, Membership.project_id == Project.id)
            .where(Membership.person_id == person.id)
            .order_by(Project.slug)
        )
    )


def first_delivery(studio: Any, event_id: str) -> bool:
    """Record an event id; False when it was taken before (a retry, or a concurrent copy)."""
    try:
        with studio.transaction() as session:
            if session.get(SlackEvent, event_id) is not None:
                return False
            forgotten = utcnow() - KEEP_EVENTS
            session.execute(delete(SlackEvent).where(SlackEvent.received_at < forgotten))
            session.add(SlackEvent(event_id=event_id))
    except IntegrityError:
        return False
    return True


def first_command(studio: Any, command: dict[str, Any]) -> bool:
    """Record a slash command; False when the same command came before.

    A command has no event id: its trigger id is unique per invocation, and a replayed signed
    body carries the same one (without one, a hash of the whole command stands in for it).
    """
    trigger = str(command.get("trigger_id") or "")
    if not trigger:
        trigger = json.dumps(command, sort_keys=True, default=str)
    return first_delivery(studio, "command:" + hashlib.sha256(trigger.encode()).hexdigest()[:48])
