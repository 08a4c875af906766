"""What Frameline does in a Slack thread, for every listener: replies, frames, approvals, jobs
followed to their end, and failures told in plain words.

Every listener answers in the thread of the request; none lets an error pass silently. Slack API
errors are logged with their error code and, where the thread still takes messages, explained.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.error import HTTPError

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy import select

from core.errors import FramelineError
from integrations.slack.blocks import (
    approval_request,
    approval_summary,
    clip,
    frame_card,
    frame_title,
    no_role,
)
from integrations.slack.notes import record_frame_post
from integrations.slack.progress import StatusMessage
from integrations.slack.store import linked_project, projects_with_role, slack_person
from memory.records import Job, Version
from memory.store import get_project, role_of
from tools.context import Actor
from tools.frames import find_version
from tools.jobs import JobView, stream_events

SLACK_ERRORS = {
    "ratelimited": "Slack is rate-limiting Frameline right now; try again in a minute",
    "not_in_channel": "Frameline is not in this channel; invite it with `/invite @Frameline`",
    "channel_not_found": "Frameline cannot see this channel; invite it with `/invite @Frameline`",
    "is_archived": "this channel is archived",
    "missing_scope": "the Slack app lacks a permission; reinstall it from its manifest",
    "file_too_large": "the image is larger than Slack takes",
    "request_too_large": "the image is larger than Slack takes",
    "msg_too_long": "the message is longer than Slack takes",
    "expired_trigger_id": "the form could not open in time; press the button again",
    "invalid_auth": "Frameline's Slack token is not valid; an admin must set it again",
    "token_revoked": "Frameline's Slack token was revoked; an admin must set a new one",
}


def slack_words(error: SlackClientError | HTTPError) -> str:
    """A Slack failure as a person can act on it."""
    if isinstance(error, HTTPError):
        if error.code == 413:
            return SLACK_ERRORS["request_too_large"]
        return f"Slack's upload service answered {error.code}"
    if isinstance(error, SlackApiError):
        code = str(error.response.get("error", "unknown_error"))
        return SLACK_ERRORS.get(code, f"Slack refused it ({code})")
    return "Slack could not be reached"


def slack_code(error: SlackClientError | HTTPError) -> str:
    """The error code to log."""
    if isinstance(error, HTTPError):
        return f"http_{error.code}"
    if isinstance(error, SlackApiError):
        return str(error.response.get("error", "unknown_error"))
    return type(error).__name__


class Shared:
    """Frameline as Bolt's context carries it to listeners.

    Bolt deep-copies context values for lazy listeners; the wired Frameline (database engine,
    job worker) must be shared, never copied.
    """

    __slots__ = ("frameline",)

    def __init__(self, frameline: Any) -> None:
        self.frameline = frameline

    def __deepcopy__(self, memo: dict[int, Any]) -> Shared:
        return self


def frameline_of(context: BoltContext) -> Any:
    """The wired Frameline a listener works with."""
    shared: Shared = context["frameline"]
    return shared.frameline


@dataclass
class Thread:
    """A Slack thread Frameline answers in."""

    client: WebClient
    channel: str
    ts: str
    logger: logging.Logger

    @property
    def conversation_id(self) -> str:
        """The agent's thread id for this Slack thread: one conversation per thread."""
        return f"slack:{self.channel}:{self.ts}"

    def say(self, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        """Post in the thread; a refusal is logged with its code (the thread can't be told)."""
        try:
            self.client.chat_postMessage(
                channel=self.channel, thread_ts=self.ts, text=text, blocks=blocks
            )
        except SlackClientError as error:
            self.logger.warning("chat.postMessage failed: %s", slack_code(error))

    def react(self, message_ts: str, name: str) -> None:
        """Mark a message as seen; a failure here is not worth telling anyone."""
        try:
            self.client.reactions_add(channel=self.channel, timestamp=message_ts, name=name)
        except SlackClientError as error:
            self.logger.info("reactions.add failed: %s", slack_code(error))

    def actor(self, studio: Any, project: str, user_id: str) -> Actor | None:
        """The person acting, with their role; told how to get one when they have none."""
        actor = slack_actor(studio, project, user_id)
        if actor is None:
            self.say(no_role(user_id, project))
        return actor

    def status(self) -> StatusMessage:
        """A status message for long work in this thread."""
        return StatusMessage(self.client, self.channel, self.ts, self.logger)

    @contextmanager
    def reporting(self, user_id: str | None = None) -> Iterator[None]:
        """Tell the thread (and the person acting) what went wrong, instead of failing silently
        in a background thread."""
        try:
            yield
        except FramelineError as error:
            self.say(f"<@{user_id}> {error.message}" if user_id else error.message)
        except SlackClientError as error:
            self.logger.warning("Slack call failed: %s", slack_code(error))
            self.say(f"That did not work: {slack_words(error)}.")
        except Exception:
            self.logger.exception("Slack listener failed")
            self.say("Something went wrong on Frameline's side; the details are in its log.")

    def post_frames(self, studio: Any, version_ids: list[str]) -> None:
        """Each frame into the thread: the image, then its card with the buttons."""
        for version_id in version_ids:
            summary = _check_continuity(studio, version_id, self.logger)
            view = find_version(studio, version_id).to_json()
            title = frame_title(view)
            try:
                self.client.files_upload_v2(
                    channel=self.channel,
                    thread_ts=self.ts,
                    file=view["image_path"],
                    filename=f"{version_id}.png",
                    title=title,
                    alt_txt=view["prompt"][:1000] or title,
                )
            except (SlackClientError, HTTPError) as error:
                self.logger.warning("upload of %s failed: %s", version_id, slack_code(error))
                self.say(
                    f"I could not upload the image of {title}: {slack_words(error)}. "
                    f"It is kept in Frameline as {version_id}."
                )
            record_frame_post(studio, version_id, self.channel, self.ts)
            self.say(title, blocks=frame_card(view, summary))

    def post_approvals(self, pending: list[dict[str, Any]]) -> None:
        """Each approval a turn waits for, with Approve and Reject buttons."""
        for asked in pending:
            self.say(f"Waiting for approval: {approval_summary(asked)}", approval_request(asked))


def _check_continuity(studio: Any, version_id: str, logger: logging.Logger) -> str | None:
    """Check a new frame so its card shows a result; a failed check leaves it pending."""
    from tools.continuity.check import check_version  # loads the face models' libraries

    try:
        return str(check_version(studio, version_id).get("summary") or "") or None
    except Exception:  # a broken check must not keep the frame out of the thread
        logger.exception("continuity check of %s failed", version_id)
        return None


def slack_actor(studio: Any, project: str, user_id: str) -> Actor | None:
    """The Slack user as the person and role they have on the project, or None without one."""
    with studio.transaction() as session:
        person = slack_person(session, user_id)
        role = role_of(session, person, get_project(session, project)) if person else None
        return Actor(person.name, role) if person and role else None


def channel_project(studio: Any, channel_id: str, user_id: str, direct: bool) -> str | None:
    """The project a channel works on; in a DM also the one project where the person has a role."""
    with studio.transaction() as session:
        project = linked_project(session, channel_id)
        if project is not None:
            return project.slug
        person = slack_person(session, user_id) if direct else None
        projects = projects_with_role(session, person) if person else []
        return projects[0].slug if len(projects) == 1 else None


def versions_made(studio: Any, project: str, person: str, since: datetime) -> list[str]:
    """The versions of jobs the person started on the project since a moment: a turn's frames."""
    with studio.transaction() as session:
        record = get_project(session, project)
        rows = session.scalars(
            select(Version)
            .join(Job, Version.job_id == Job.id)
            .where(Job.project_id == record.id, Job.person == person, Job.created_at >= since)
            .order_by(Version.id)
        )
        return [row.version_id for row in rows]


def follow_submission(studio: Any, thread: Thread, submitted: Any, what: str) -> None:
    """Follow a job the policy queued, or show whose approval it waits for (with the buttons)."""
    if submitted.waiting and submitted.approval is not None:
        asked = submitted.approval
        thread.say(f"{what} waits for a {asked['needs_role']}'s approval: {asked['reason']}.")
        thread.post_approvals([asked])
        return
    follow_job(studio, thread, submitted.job, what)


def follow_job(studio: Any, thread: Thread, job: JobView, what: str) -> None:
    """Run a queued job, its progress in one status message, then its frames in the thread."""
    status = thread.status()
    status.start(f":hourglass_flowing_sand: {what}: queued")
    worker = studio.worker
    worker.enqueue(job.job_id)
    final: dict[str, Any] = {}
    for event, data in stream_events(worker.events, studio, job.job_id):
        if event == "progress" and data.get("total"):
            step = f"step {data['step']} of {data['total']}"
            status.update(f":hourglass_flowing_sand: {what}: {step}")
        elif event == "done":
            final = data
    if final.get("state") != "done":
        status.finish(f":x: {what} did not finish: {final.get('error') or final.get('state')}")
        return
    made = [v["version_id"] for v in final["result"]["versions"]]
    status.finish(f":white_check_mark: {what}: done ({', '.join(made)}).")
    thread.post_frames(studio, made)


def _labelled(text: str, result: dict[str, Any]) -> str:
    """The offline planner's label on a message that stands in for its reply."""
    from agent.replies import PLANNER_NAME, signed

    return signed(text) if result.get("model") == PLANNER_NAME else text


def show_turn(
    studio: Any,
    thread: Thread,
    status: StatusMessage,
    result: dict[str, Any],
    person: str,
    since: datetime,
) -> None:
    """The end of a turn in its thread: the reply, the frames it made, what waits for approval."""
    pending = result.get("pending") or []
    if result.get("error"):
        status.finish(f":x: I could not finish that: {result['error']}")
    elif pending:
        roles = " or ".join(sorted({asked["needs_role"] for asked in pending}))
        waiting = f"This waits for a {roles}'s approval; they can approve or reject it below."
        status.finish(_labelled(waiting, result))
    else:
        status.finish(_labelled(clip(result.get("reply") or "Done."), result))
    if result.get("project"):
        thread.post_frames(studio, versions_made(studio, result["project"], person, since))
    thread.post_approvals(pending)
