"""Modal submissions: the Revise… form."""

from __future__ import annotations

from slack_bolt import App

from integrations.slack.blocks import REVISE_VIEW
from integrations.slack.listeners.views.revise_form import check_revision, revise_from_form


def register(app: App) -> None:
    """Register the view listeners: the form is checked in the ack, the revision runs after."""
    app.view(REVISE_VIEW)(ack=check_revision, lazy=[revise_from_form])
