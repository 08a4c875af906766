"""Notes on frames in Slack: every thread a frame was posted in hears of new notes on it."""

from __future__ import annotations

import logging
import threading
from typing import Any

from slack_sdk.errors import SlackClientError
from sqlalchemy import select

from memory.records import SlackFramePost
from memory.store import get_version

log = logging.getLogger("frameline.slack")


def record_frame_post(studio: Any, version_id: str, channel: str, thread_ts: str) -> None:
    """Remember that a frame was posted in this thread (once per thread)."""
    with studio.transaction() as session:
        version = get_version(session, version_id)
        known = session.scalar(
            select(SlackFramePost.id).where(
                SlackFramePost.version_id == version.id,
                SlackFramePost.channel_id == channel,
                SlackFramePost.thread_ts == thread_ts,
            )
        )
        if known is None:
            session.add(
                SlackFramePost(version_id=version.id, channel_id=channel, thread_ts=thread_ts)
            )


def frame_threads(studio: Any, version_id: str) -> list[tuple[str, str]]:
    """The (channel, thread) pairs a frame was posted in, oldest first."""
    with studio.transaction() as session:
        version = get_version(session, version_id)
        rows = session.execute(
            select(SlackFramePost.channel_id, SlackFramePost.thread_ts)
            .where(SlackFramePost.version_id == version.id)
            .order_by(SlackFramePost.id)
        )
        return [(channel, ts) for channel, ts in rows]


def note_text(note: dict[str, Any]) -> str:
    """A note as its Slack message reads."""
    return (
        f":memo: Note on {note['version_id']} by {note['person']} ({note['role']}): {note['text']}"
    )


def share_note(studio: Any, note: dict[str, Any]) -> threading.Thread | None:
    """Tell the frame's Slack threads about a new note, off the request (Slack may be slow).

    Returns the thread doing it, or None when Slack is not configured or the frame was never
    posted there."""
    settings = studio.settings
    if not settings.slack_bot_token:
        return None
    threads = frame_threads(studio, note["version_id"])
    if not threads:
        return None

    def tell() -> None:
        from integrations.slack.app import build_client

        client = build_client(settings)
        for channel, ts in threads:
            try:
                client.chat_postMessage(channel=channel, thread_ts=ts, text=note_text(note))
            except SlackClientError as error:
                log.warning("a note could not be posted to Slack %s: %s", channel, error)

    worker = threading.Thread(target=tell, name="frameline-slack-note", daemon=True)
    worker.start()
    return worker
