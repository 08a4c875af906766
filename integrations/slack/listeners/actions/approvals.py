"""Approve and Reject on an approval request: only a role that may decide it can; the request
then says who decided, and the paused conversation (or the waiting render) goes on in its thread."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from integrations.slack.blocks import approval_decided, approval_summary
from integrations.slack.listeners.actions.pressed import card_thread, card_ts
from integrations.slack.threads import follow_job, frameline_of, show_turn
from memory.records import utcnow


def approve_request(
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    logger: logging.Logger,
) -> None:
    """Approve the request and go on."""
    _decide(body, action, context, client, logger, "approve")


def reject_request(
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    logger: logging.Logger,
) -> None:
    """Reject the request; the conversation goes on without it."""
    _decide(body, action, context, client, logger, "reject")


def _decide(
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    logger: logging.Logger,
    decision: str,
) -> None:
    from agent import approvals
    from agent.service import resolve_approval
    from tools.policy import resolve

    frameline = frameline_of(context)
    user_id = body["user"]["id"]
    thread = card_thread(body, client, logger)
    with thread.reporting(user_id):
        asked = approvals.find(frameline, action["value"])
        actor = thread.actor(frameline, asked["project"], user_id)
        if actor is None:
            return
        released = resolve(frameline, actor, asked["approval_id"], decision, asked["project"])
        if released is None:
            approvals.decide(frameline, actor, asked["approval_id"], decision)
        client.chat_update(
            channel=thread.channel,
            ts=card_ts(body),
            text=f"{approvals.DECISIONS[decision]}: {approval_summary(asked)}",
            blocks=approval_decided(asked, user_id, actor.role, decision),
        )
        if released is not None:
            what = f"{approval_summary(asked)}, approved by <@{user_id}>"
            if released.job.state == "queued":
                follow_job(frameline, thread, released.job, what)
            else:
                thread.say(f"Rejected by <@{user_id}>: job {released.job.job_id} is cancelled.")
            return
        status = thread.status()
        status.start(":hourglass_flowing_sand: Going on with the conversation…")
        since = utcnow()
        approval_id, project = asked["approval_id"], asked["project"]
        result = resolve_approval(frameline, actor, approval_id, decision, project)
        show_turn(frameline, thread, status, result.to_json(), asked["requested_by"], since)
