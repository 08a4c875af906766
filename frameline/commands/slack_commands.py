"""`slack`: run the Slack bot over Socket Mode, for workspaces that cannot reach this machine.

Over HTTP the bot is served by `frameline serve` at /slack/events instead; both run the same app.
"""

from __future__ import annotations

import logging
import threading

import typer

from core.errors import BackendUnavailable, InvalidInput
from frameline.commands.support import handles_errors, wired


@handles_errors
def slack() -> None:
    """Run the Slack bot over Socket Mode (needs FRAMELINE_SLACK_APP_TOKEN)."""
    from frameline.settings import Settings

    if not Settings().slack_app_token:
        raise InvalidInput(
            "FRAMELINE_SLACK_APP_TOKEN is not set; create an app-level token with the "
            "connections:write scope (see integrations/slack/README.md), or serve the bot over "
            "HTTP with `frameline serve`"
        )
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_sdk.errors import SlackApiError

    from integrations.slack.app import build_slack_app

    log = logging.getLogger("frameline.slack")
    log.setLevel(logging.INFO)
    if not log.handlers:
        log.addHandler(logging.StreamHandler())
    with wired() as frameline:
        # Listener loggers copy the bot logger's handler as the app is built.
        handler = SocketModeHandler(build_slack_app(frameline), frameline.settings.slack_app_token)
        try:
            handler.connect()
        except SlackApiError as error:
            raise BackendUnavailable(
                "Slack refused FRAMELINE_SLACK_APP_TOKEN for Socket Mode "
                f"({error.response.get('error')}); it needs the connections:write scope"
            ) from None
        # Running, the bot logs what Slack refuses; errors before this stay one stderr line.
        logging.disable(logging.NOTSET)
        typer.echo("Frameline's Slack bot is running over Socket Mode (Ctrl-C stops it)")
        try:
            threading.Event().wait()
        finally:
            handler.close()


def register(app: typer.Typer) -> None:
    """Add this command to the `frameline` app."""
    app.command("slack")(slack)
