"""Where a button was pressed: the thread and message of the card it belongs to."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient

from integrations.slack.threads import Thread


def card_thread(body: dict[str, Any], client: WebClient, logger: logging.Logger) -> Thread:
    """The thread of the message whose button was pressed."""
    container = body.get("container", {})
    message = body.get("message", {})
    channel = container.get("channel_id") or body["channel"]["id"]
    ts = message.get("thread_ts") or container.get("thread_ts") or container["message_ts"]
    return Thread(client, channel, ts, logger)


def card_ts(body: dict[str, Any]) -> str:
    """The timestamp of the card message itself, to update it."""
    return str(body.get("container", {}).get("message_ts") or body["message"]["ts"])
