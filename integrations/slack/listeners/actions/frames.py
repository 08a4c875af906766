"""The buttons of a frame card: Vary, Revise…, Approve and Lock.

Roles are checked by the tools, so a press by someone whose role may not do it is refused there
and told in the thread.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from integrations.slack.blocks import frame_card, frame_title, revise_modal
from integrations.slack.listeners.actions.pressed import card_thread, card_ts
from integrations.slack.threads import follow_submission, frameline_of
from memory.store import get_version, place_of_version, project_of_version
from tools.policy import submit
from tools.versions import set_status


def vary_frame(
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    logger: logging.Logger,
) -> None:
    """Vary: a fresh take of the frame's shot with the same words and framing, a new seed."""
    frameline = frameline_of(context)
    user_id, version_id = body["user"]["id"], action["value"]
    thread = card_thread(body, client, logger)
    with thread.reporting(user_id):
        project, request = _fresh_take(frameline, version_id)
        actor = thread.actor(frameline, project, user_id)
        if actor is None:
            return
        submitted = submit(frameline, actor, project, "render", request)
        follow_submission(frameline, thread, submitted, f"Varying {version_id} for <@{user_id}>")


def open_revise_form(
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    logger: logging.Logger,
) -> None:
    """Revise…: the modal that asks what to change (its submission does the revision)."""
    frameline = frameline_of(context)
    user_id, version_id = body["user"]["id"], action["value"]
    thread = card_thread(body, client, logger)
    with thread.reporting(user_id):
        with frameline.transaction() as session:
            project = project_of_version(session, get_version(session, version_id))
        if thread.actor(frameline, project, user_id) is None:
            return
        where = {"version_id": version_id, "channel": thread.channel, "thread_ts": thread.ts}
        form = revise_modal(version_id, json.dumps(where))
        client.views_open(trigger_id=body["trigger_id"], view=form)


def approve_frame(
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    logger: logging.Logger,
) -> None:
    """Approve: the frame becomes approved (directors and admins)."""
    _change_status(body, action, context, client, logger, "approved")


def lock_frame(
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    logger: logging.Logger,
) -> None:
    """Lock: the frame becomes final (directors and admins)."""
    _change_status(body, action, context, client, logger, "locked")


def _change_status(
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    logger: logging.Logger,
    status: str,
) -> None:
    frameline = frameline_of(context)
    user_id, version_id = body["user"]["id"], action["value"]
    thread = card_thread(body, client, logger)
    with thread.reporting(user_id):
        with frameline.transaction() as session:
            version = get_version(session, version_id)
            project = project_of_version(session, version)
            summary = version.continuity_report.get("summary")
        actor = thread.actor(frameline, project, user_id)
        if actor is None:
            return
        view = set_status(frameline, actor, version_id, status).to_json()
        client.chat_update(
            channel=thread.channel,
            ts=card_ts(body),
            text=frame_title(view),
            blocks=frame_card(view, summary),
        )
        thread.say(f"<@{user_id}> {status} {version_id}.")


def _fresh_take(frameline: Any, version_id: str) -> tuple[str, dict[str, Any]]:
    """The project and render request of a new take like this version."""
    with frameline.transaction() as session:
        version = get_version(session, version_id)
        shot, scene, project = place_of_version(session, version)
        made_with = version.parameters
        request = {
            "scene": scene.number,
            "shot": shot.code,
            "prompt": made_with.get("words") or None,
            "characters": made_with.get("characters") or None,
            "framing": made_with.get("framing"),
            "angle": made_with.get("angle"),
        }
        return project.slug, request
