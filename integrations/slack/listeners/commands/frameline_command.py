"""`/frameline <subcommand>`: parsed while Slack waits (help and usage come back at once), done
after the ack; answers only the person who typed it, except work everyone should see.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from core.errors import FramelineError
from integrations.slack.blocks import HELP
from integrations.slack.listeners.commands import management, work
from integrations.slack.listeners.commands.invocation import Invocation
from integrations.slack.store import first_command
from integrations.slack.threads import frameline_of, slack_code, slack_words

HANDLERS: dict[str, Callable[[Invocation, str], None]] = {
    **work.SUBCOMMANDS,
    **management.SUBCOMMANDS,
}
ARGUMENTS_NEEDED = {"frame": 1, "revise": 2, "role": 1}

USAGE = {
    "frame": "`/frameline frame <scene> [words]`, for example "
    "`/frameline frame 3 Mara at the window`",
    "revise": "`/frameline revise <shot or version> <what to change>`, for example "
    "`/frameline revise 3A make it night`",
    "role": "`/frameline role @person [writer|director|producer|admin]`",
}


def split(text: str) -> tuple[str, str]:
    """The subcommand and the rest of the text."""
    name, _, rest = " ".join(text.split()).partition(" ")
    return name.lower(), rest


def problem(text: str) -> str | None:
    """What to answer at once: help for no, unknown or `help` subcommands, usage for missing
    arguments; None when the text asks for real work."""
    name, rest = split(text)
    if name not in HANDLERS:
        return HELP if name in ("", "help") else f"I don't know `{name}`.\n\n{HELP}"
    if len(rest.split(maxsplit=1)) < ARGUMENTS_NEEDED.get(name, 0):
        return f"Usage: {USAGE[name]}"
    return None


def acknowledge(ack: Ack, command: dict[str, Any]) -> None:
    """Answer Slack at once: help or usage right away, otherwise the work starts after this."""
    ack(problem(command.get("text", "")) or "")


def run_command(
    command: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
    logger: logging.Logger,
) -> None:
    """Do what the subcommand asks; every failure is told to the person who typed it."""
    text = command.get("text", "")
    if problem(text) is not None or not first_command(frameline_of(context), command):
        return  # usage was answered at once; a replayed command is not run twice
    name, rest = split(text)
    call = Invocation(
        frameline_of(context),
        client,
        respond,
        logger,
        command["user_id"],
        command["channel_id"],
        command.get("channel_name") == "directmessage",
    )
    try:
        HANDLERS[name](call, rest)
    except FramelineError as error:
        respond(error.message)
    except SlackClientError as error:
        logger.warning("Slack call failed: %s", slack_code(error))
        respond(f"That did not work: {slack_words(error)}.")
    except Exception:
        logger.exception("/frameline %s failed", name)
        respond("Something went wrong on Frameline's side; the details are in its log.")
