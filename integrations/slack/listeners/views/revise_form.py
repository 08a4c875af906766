"""The Revise… form: checked while Slack waits (errors show beside the fields), then the
revision runs and its frame is posted in the thread of the card."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from integrations.slack.threads import Thread, follow_job, frameline_of
from memory.store import get_version, project_of_version
from tools.jobs import submit_job


@dataclass(frozen=True)
class Revision:
    """What the form asks for."""

    instruction: str
    region: str | None
    strength: float | None


def read_form(view: dict[str, Any]) -> tuple[Revision | None, dict[str, str]]:
    """The revision the form asks for, or the errors to show beside its fields."""
    values = view["state"]["values"]
    instruction = " ".join((values["instruction"]["value"].get("value") or "").split())
    selected = values.get("region", {}).get("value", {}).get("selected_option")
    typed = values.get("strength", {}).get("value", {}).get("value")
    errors = {}
    if not instruction:
        errors["instruction"] = "Say what should change."
    strength = _number(typed)
    if typed and (strength is None or not 0.0 < strength <= 1.0):
        errors["strength"] = "Strength is a number above 0 and at most 1."
    if errors:
        return None, errors
    region = selected["value"] if selected else None
    return Revision(instruction, region, strength), {}


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


def check_revision(ack: Ack, view: dict[str, Any]) -> None:
    """Close the form, or keep it open with the fields that need fixing."""
    _, errors = read_form(view)
    if errors:
        ack(response_action="errors", errors=errors)
    else:
        ack()


def revise_from_form(
    body: dict[str, Any],
    view: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    logger: logging.Logger,
) -> None:
    """Run the revision the form asks for; its frame comes into the card's thread."""
    revision, _ = read_form(view)
    if revision is None:
        return
    frameline = frameline_of(context)
    user_id = body["user"]["id"]
    where = json.loads(view["private_metadata"])
    thread = Thread(client, where["channel"], where["thread_ts"], logger)
    version_id = where["version_id"]
    with thread.reporting(user_id):
        with frameline.transaction() as session:
            project = project_of_version(session, get_version(session, version_id))
        actor = thread.actor(frameline, project, user_id)
        if actor is None:
            return
        request = {
            "version_id": version_id,
            "instruction": revision.instruction,
            "region": revision.region,
            "strength": revision.strength,
        }
        job = submit_job(frameline, actor, project, "revise", request)
        what = f"Revising {version_id} for <@{user_id}>: {revision.instruction}"
        follow_job(frameline, thread, job, what)
