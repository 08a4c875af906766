"""Subcommands that set the bot up: link a channel to a project, give people roles.

Allowed to a Slack workspace admin or owner (so a new workspace can start) and to an admin of
the project concerned.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from slack_sdk.errors import SlackClientError
from sqlalchemy import select

from integrations.slack.blocks import HOW_TO_LINK
from integrations.slack.listeners.commands.invocation import Invocation
from integrations.slack.store import add_slack_person, link_channel, linked_project, slack_person
from integrations.slack.threads import slack_actor, slack_code
from memory.records import Project
from memory.store import check_role, get_project, set_role

MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>(?:\s+(\S+))?$")


def link(call: Invocation, rest: str) -> None:
    """`link [project]`: show or set the project this channel works on."""
    if not rest:
        with call.frameline.transaction() as session:
            project = linked_project(session, call.channel_id)
        call.respond(f"This channel works on `{project.slug}`." if project else HOW_TO_LINK)
        return
    slug = rest.split()[0].lower()
    with call.frameline.transaction() as session:
        exists = session.scalar(select(Project.id).where(Project.slug == slug)) is not None
    # An unknown project gets the same answer as a forbidden one: no names, no existence oracle.
    if not exists or not _may_manage(call, slug):
        call.respond(
            f"Only a workspace admin or an admin of `{slug}` can link channels to it, and only "
            "to a project that exists."
        )
        return
    with call.frameline.transaction() as session:
        link_channel(session, call.channel_id, get_project(session, slug), call.user_id)
    call.respond(
        f"<@{call.user_id}> linked this channel to project `{slug}`; mention me to work on it.",
        response_type="in_channel",
    )


def role(call: Invocation, rest: str) -> None:
    """`role @person [role]`: show or set someone's role on this channel's project."""
    match = MENTION.match(rest)
    if match is None:
        call.respond(
            "Name the person as a mention, like `/frameline role @mara director`, so Slack "
            "tells me who they are."
        )
        return
    project = call.project()
    if project is None:
        return
    user_id, wanted = match.groups()
    if wanted is None:
        actor = slack_actor(call.frameline, project, user_id)
        has = f"is {actor.role}" if actor else "has no role"
        call.respond(f"<@{user_id}> {has} on `{project}`.")
        return
    wanted = check_role(wanted.lower())
    if not _may_manage(call, project):
        call.respond(f"Only a workspace admin or an admin of `{project}` can give roles.")
        return
    name = _slack_name(call, user_id)
    with call.frameline.transaction() as session:
        person = slack_person(session, user_id) or add_slack_person(session, user_id, name)
        set_role(session, person, get_project(session, project), wanted)
    call.respond(
        f"<@{user_id}> is now {wanted} on `{project}` (set by <@{call.user_id}>).",
        response_type="in_channel",
    )


def _may_manage(call: Invocation, project: str) -> bool:
    """An admin of the project, or an admin or owner of the Slack workspace."""
    actor = slack_actor(call.frameline, project, call.user_id)
    if actor is not None and actor.may("manage"):
        return True
    user = _slack_user(call, call.user_id)
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))


def _slack_name(call: Invocation, user_id: str) -> str:
    """How Slack shows a person: display name, else real name, else user name."""
    user = _slack_user(call, user_id)
    profile = user.get("profile", {})
    return str(profile.get("display_name") or user.get("real_name") or user.get("name") or user_id)


def _slack_user(call: Invocation, user_id: str) -> dict[str, object]:
    try:
        return dict(call.client.users_info(user=user_id)["user"])
    except SlackClientError as error:
        call.logger.warning("users.info failed: %s", slack_code(error))
        return {}


SUBCOMMANDS: dict[str, Callable[[Invocation, str], None]] = {"link": link, "role": role}
