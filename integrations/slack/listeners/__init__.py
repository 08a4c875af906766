"""The bot's listeners, by what Slack sends: events, slash commands, button actions, views."""

from __future__ import annotations

from slack_bolt import App

from integrations.slack.listeners import actions, commands, events, views


def register_listeners(app: App) -> None:
    """Register every listener on the app."""
    for package in (events, commands, actions, views):
        package.register(app)
