"""Subcommands that work on the production: frame, revise, status, budget."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from core.errors import NotFound
from integrations.slack.blocks import clip
from integrations.slack.listeners.commands.invocation import Invocation
from integrations.slack.threads import follow_submission
from memory.records import Scene
from memory.store import (
    get_project,
    get_scene,
    get_shot,
    list_shots,
    shots_of_scene,
    versions_of_shot,
)
from tools.budget import budget_status
from tools.context import require
from tools.jobs import cancel_job
from tools.money_display import display_money
from tools.policy import submit


def frame(call: Invocation, rest: str) -> None:
    """`frame <scene> [words]`: a new frame, its progress and image in a thread of the channel."""
    if (member := call.member()) is None:
        return
    project, actor = member
    scene, _, words = rest.partition(" ")
    request = {"scene": scene, "prompt": words or None}
    submitted = submit(call.frameline, actor, project, "render", request)
    thread = call.thread(
        f"<@{call.user_id}> asked for a frame of scene {scene}" + (f": {words}" if words else "")
    )
    if thread is None:
        cancel_job(call.frameline, actor, submitted.job.job_id)
        return
    with thread.reporting():
        follow_submission(call.frameline, thread, submitted, f"Rendering scene {scene}")


def revise(call: Invocation, rest: str) -> None:
    """`revise <shot or version> <words>`: a child of the shot's latest frame (or the version)."""
    if (member := call.member()) is None:
        return
    project, actor = member
    target, _, words = rest.partition(" ")
    version_id = _version_to_revise(call.frameline, project, target)
    request = {"version_id": version_id, "instruction": words}
    submitted = submit(call.frameline, actor, project, "revise", request)
    thread = call.thread(f"<@{call.user_id}> asked to revise {version_id}: {words}")
    if thread is None:
        cancel_job(call.frameline, actor, submitted.job.job_id)
        return
    with thread.reporting():
        follow_submission(call.frameline, thread, submitted, f"Revising {version_id}")


def _version_to_revise(frameline: Any, project: str, target: str) -> str:
    """A version id as given, or the latest version of a shot code."""
    if re.fullmatch(r"[vV]\d{1,18}", target):
        return target.lower()
    with frameline.transaction() as session:
        shot = get_shot(session, get_project(session, project), target)
        versions = versions_of_shot(session, shot)
        if not versions:
            raise NotFound(f"shot {shot.code} has no frames yet; render one first")
        return versions[-1].version_id


def status(call: Invocation, rest: str) -> None:
    """`status [scene]`: the shots and where their latest frames stand."""
    if (member := call.member()) is None:
        return
    project, actor = member
    require(actor, "read", "read shots")
    scene = rest.split()[0] if rest else None
    lines = []
    with call.frameline.transaction() as session:
        record = get_project(session, project)
        if scene:
            shots = shots_of_scene(session, get_scene(session, record, scene))
        else:
            shots = list_shots(session, record)
        for shot in shots:
            versions = versions_of_shot(session, shot)
            scene_row = session.get(Scene, shot.scene_id)
            number = scene_row.number if scene_row else "?"
            if not versions:
                lines.append(f"• *{shot.code}* (scene {number}): no frames yet")
                continue
            latest = versions[-1]
            lines.append(
                f"• *{shot.code}* (scene {number}): {latest.version_id} {latest.status}, "
                f"continuity {latest.continuity.replace('_', ' ')} · {len(versions)} version(s)"
            )
    where = f"scene {scene} of `{project}`" if scene else f"`{project}`"
    call.respond(clip(f"*Shots of {where}*\n" + ("\n".join(lines) or "No shots yet.")))


def budget(call: Invocation, rest: str) -> None:
    """`budget`: each account's budget against actuals and forecast."""
    if (member := call.member()) is None:
        return
    project, actor = member
    report = budget_status(call.frameline, actor, project)
    currency = report["currency"]

    def shown(value: str) -> str:
        return display_money(value, currency, code=False)

    lines = [
        f"• {a['account']} {a['name']}: budget {shown(a['budget'])}, "
        f"actual {shown(a['actual'])}, estimate at completion "
        f"{shown(a['estimate_at_completion'])}, variance {shown(a['variance'])}"
        for a in report["accounts"]
    ]
    header = f"*Budget of `{project}`* ({currency}), ledger total {shown(report['ledger_total'])}"
    call.respond(clip("\n".join([header, *lines])))


SUBCOMMANDS: dict[str, Callable[[Invocation, str], None]] = {
    "frame": frame,
    "revise": revise,
    "status": status,
    "budget": budget,
}
