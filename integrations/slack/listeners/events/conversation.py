"""A conversation with the agent in a Slack thread: one Slack thread is one agent thread."""

from __future__ import annotations

import html
import logging
import re
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from core.errors import FramelineError
from integrations.slack.blocks import HOW_TO_LINK
from integrations.slack.exports import post_exports
from integrations.slack.progress import StatusMessage
from integrations.slack.threads import (
    Thread,
    channel_project,
    frameline_of,
    show_turn,
)
from memory.records import utcnow
from tools.context import Actor

EMPTY_REQUEST = (
    "Ask me in plain words, for example: _give me a frame of scene 3, Mara at the window_ "
    "(`/frameline help` lists the commands)."
)
TOOL_WORDS = {
    "render": "Rendering",
    "revise": "Revising",
    "render_frames": "Rendering frames",
    "revise_frame": "Revising the frame",
    "check_continuity": "Checking continuity",
    "search_script": "Searching the script",
    "budget_status": "Reading the budget",
    "export_link": "Finding the export",
    "list_jobs": "Reading the queue",
}


def is_direct_message(event: dict[str, Any]) -> bool:
    """A person's own message in a DM with the bot (not a bot's, not an edit)."""
    return event.get("channel_type") == "im" and "user" in event and "bot_id" not in event


def answer_mention(
    event: dict[str, Any], context: BoltContext, client: WebClient, logger: logging.Logger
) -> None:
    """A mention in a channel: the agent answers in the mention's thread."""
    _answer(event, context, client, logger, direct=False)


def answer_direct_message(
    event: dict[str, Any], context: BoltContext, client: WebClient, logger: logging.Logger
) -> None:
    """A direct message: the agent answers in its thread."""
    _answer(event, context, client, logger, direct=True)


def request_text(text: str, bot_user_id: str | None) -> str:
    """The person's words: without the mention of the bot, with Slack's escaping undone."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    return " ".join(html.unescape(text).split())


def _answer(
    event: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    logger: logging.Logger,
    direct: bool,
) -> None:
    channel, user_id = event["channel"], event.get("user")
    if not user_id:
        return  # another app's message: nobody to answer
    frameline = frameline_of(context)
    thread = Thread(client, channel, event.get("thread_ts") or event["ts"], logger)
    with thread.reporting():
        project = channel_project(frameline, channel, user_id, direct)
        if project is None:
            thread.say(HOW_TO_LINK)
            return
        actor = thread.actor(frameline, project, user_id)
        if actor is None:
            return
        text = request_text(event.get("text", ""), context.bot_user_id)
        if not text:
            thread.say(EMPTY_REQUEST)
            return
        thread.react(event["ts"], "eyes")
        take_turn(frameline, thread, actor, project, text)


def take_turn(frameline: Any, thread: Thread, actor: Actor, project: str, text: str) -> None:
    """One turn of the agent, its progress in a status message that becomes the reply."""
    from agent.service import stream_turn
    from tools.conversation_access import join_conversation

    status = thread.status()
    status.start(":hourglass_flowing_sand: Working on it…")
    since = utcnow()
    try:
        join_conversation(
            frameline, thread.conversation_id, project, actor.person, open_to_newcomers=True
        )
        events = stream_turn(frameline, actor, project, thread.conversation_id, text)
    except FramelineError as error:
        status.finish(error.message)
        return
    result = _follow(events, status)
    show_turn(frameline, thread, status, result, actor.person, since)
    post_exports(frameline, thread, actor, project, result)


def _follow(events: Any, status: StatusMessage) -> dict[str, Any]:
    """Show the turn's progress; hand back its result."""
    result: dict[str, Any] = {}
    for event, data in events:
        if event == "progress":
            status.update(f":hourglass_flowing_sand: {_progress_words(data)}")
        elif event == "tool_call":
            status.update(f":hourglass_flowing_sand: {_tool_words(data['name'])}…")
        elif event == "done":
            result = data
    return result


def _tool_words(name: str) -> str:
    return TOOL_WORDS.get(name, name.replace("_", " ").capitalize())


def _progress_words(data: dict[str, Any]) -> str:
    words = _tool_words(str(data.get("tool") or "working"))
    if data.get("total"):
        return f"{words}: step {data['step']} of {data['total']}"
    return f"{words}…"
