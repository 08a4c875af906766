"""Who typed `/frameline` where, and how the subcommands answer them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from integrations.slack.blocks import HOW_TO_LINK, no_role
from integrations.slack.threads import (
    Thread,
    channel_project,
    slack_actor,
    slack_code,
    slack_words,
)
from tools.context import Actor


@dataclass
class Invocation:
    """One use of the command: who typed it where, and how to answer them."""

    frameline: Any
    client: WebClient
    respond: Respond
    logger: logging.Logger
    user_id: str
    channel_id: str
    direct: bool

    def project(self) -> str | None:
        """The channel's project; says how to link one when there is none."""
        project = channel_project(self.frameline, self.channel_id, self.user_id, self.direct)
        if project is None:
            self.respond(HOW_TO_LINK)
        return project

    def actor(self, project: str) -> Actor | None:
        """The person who typed it, with their role; says how to get one when they have none."""
        actor = slack_actor(self.frameline, project, self.user_id)
        if actor is None:
            self.respond(no_role(self.user_id, project))
        return actor

    def member(self) -> tuple[str, Actor] | None:
        """The channel's project and the typer's role on it; says what is missing otherwise."""
        project = self.project()
        actor = self.actor(project) if project else None
        return (project, actor) if project and actor else None

    def thread(self, text: str) -> Thread | None:
        """A message in the channel that starts the thread where the work is shown."""
        try:
            posted = self.client.chat_postMessage(channel=self.channel_id, text=text)
        except SlackClientError as error:
            self.logger.warning("chat.postMessage failed: %s", slack_code(error))
            self.respond(f"I could not post in this channel: {slack_words(error)}.")
            return None
        return Thread(self.client, self.channel_id, str(posted["ts"]), self.logger)
