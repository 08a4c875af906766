"""The `/frameline` slash command."""

from __future__ import annotations

from slack_bolt import App

from integrations.slack.listeners.commands.frameline_command import acknowledge, run_command


def register(app: App) -> None:
    """Register the slash command: parsed in the ack, done after it."""
    app.command("/frameline")(ack=acknowledge, lazy=[run_command])
