"""Button presses on frame cards and approval requests."""

from __future__ import annotations

from slack_bolt import Ack, App

from integrations.slack.blocks import (
    APPROVAL_APPROVE,
    APPROVAL_REJECT,
    APPROVE,
    LOCK,
    REVISE,
    VARY,
)
from integrations.slack.listeners.actions.approvals import approve_request, reject_request
from integrations.slack.listeners.actions.frames import (
    approve_frame,
    lock_frame,
    open_revise_form,
    vary_frame,
)


def acknowledge(ack: Ack) -> None:
    """Answer Slack at once; the press is handled after the ack."""
    ack()


def register(app: App) -> None:
    """Register the button listeners."""
    app.action(VARY)(ack=acknowledge, lazy=[vary_frame])
    app.action(REVISE)(ack=acknowledge, lazy=[open_revise_form])
    app.action(APPROVE)(ack=acknowledge, lazy=[approve_frame])
    app.action(LOCK)(ack=acknowledge, lazy=[lock_frame])
    app.action(APPROVAL_APPROVE)(ack=acknowledge, lazy=[approve_request])
    app.action(APPROVAL_REJECT)(ack=acknowledge, lazy=[reject_request])
