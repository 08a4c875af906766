"""Events API listeners: mentions in channels and direct messages go to the agent."""

from __future__ import annotations

from slack_bolt import Ack, App

from integrations.slack.listeners.events.conversation import (
    answer_direct_message,
    answer_mention,
    is_direct_message,
)


def acknowledge(ack: Ack) -> None:
    """Answer Slack at once; the turn runs after the ack."""
    ack()


def register(app: App) -> None:
    """Register the event listeners."""
    app.event("app_mention")(ack=acknowledge, lazy=[answer_mention])
    app.event({"type": "message", "subtype": None}, matchers=[is_direct_message])(
        ack=acknowledge, lazy=[answer_direct_message]
    )
