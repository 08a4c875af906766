"""Progress of long work as one status message in the thread, edited in place.

A render reports a step many times a second; posting each would flood the thread and hit
Slack's rate limits (about one chat.update a second per channel). Updates closer together than
MIN_INTERVAL are dropped, and `finish` always shows the last word.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

MIN_INTERVAL = 1.5


class StatusMessage:
    """The one message that says where a piece of work stands."""

    def __init__(
        self,
        client: WebClient,
        channel: str,
        thread_ts: str,
        logger: logging.Logger,
        min_interval: float = MIN_INTERVAL,
    ) -> None:
        self.client = client
        self.channel = channel
        self.thread_ts = thread_ts
        self.logger = logger
        self.min_interval = min_interval
        self.ts: str | None = None
        self._shown = ""
        self._shown_at = float("-inf")

    def start(self, text: str) -> None:
        """Post the status message."""
        self.ts = self._post(text, None)

    def update(self, text: str) -> None:
        """Show new progress, unless the last edit was too recent or said the same."""
        if text == self._shown or time.monotonic() - self._shown_at < self.min_interval:
            return
        self._edit(text, None)

    def finish(self, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        """The final word, always shown (posted anew when the status message is gone)."""
        if self.ts is None or not self._edit(text, blocks):
            self.ts = self._post(text, blocks)

    def _post(self, text: str, blocks: list[dict[str, Any]] | None) -> str | None:
        try:
            response = self.client.chat_postMessage(
                channel=self.channel, thread_ts=self.thread_ts, text=text, blocks=blocks
            )
        except SlackApiError as error:
            self.logger.warning("chat.postMessage failed: %s", error.response.get("error"))
            return None
        self._shown, self._shown_at = text, time.monotonic()
        return str(response["ts"])

    def _edit(self, text: str, blocks: list[dict[str, Any]] | None) -> bool:
        if self.ts is None:
            return False
        try:
            self.client.chat_update(channel=self.channel, ts=self.ts, text=text, blocks=blocks)
        except SlackApiError as error:
            self.logger.warning("chat.update failed: %s", error.response.get("error"))
            return False
        self._shown, self._shown_at = text, time.monotonic()
        return True
