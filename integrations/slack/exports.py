"""Exports asked for in a Slack conversation: made with `tools.exports` and uploaded into the
thread, so the file is where the request was (the reply already gives the API link).

The upload is bounded: a file over the limit is not sent, and the thread is told where to
download it instead. Every failure (the export, the upload) is said in the thread.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from urllib.error import HTTPError

from slack_sdk.errors import SlackClientError

from agent.export_tool import export_url
from core.errors import FramelineError
from integrations.slack.threads import Thread, slack_code, slack_words
from tools.context import Actor
from tools.exports import FORMATS, export_project

EXPORT_TOOL = "export_link"
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
"""The largest export uploaded into a thread; bigger ones are left to the download link."""


def exports_asked(result: dict[str, Any]) -> list[str]:
    """The formats a turn's export calls named, once each, in order."""
    formats = [
        str((call.get("args") or {}).get("format"))
        for call in result.get("tool_calls") or []
        if call.get("name") == EXPORT_TOOL
    ]
    return [name for name in dict.fromkeys(formats) if name in FORMATS]


def upload_export(studio: Any, thread: Thread, actor: Actor, project: str, format: str) -> None:
    """Make one export and upload it into the thread, or say why it is not there."""
    chosen = FORMATS[format]
    link = export_url(project, format)
    with tempfile.TemporaryDirectory(prefix="frameline-slack-export-") as folder:
        out = Path(folder) / chosen.filename(project)
        try:
            export_project(studio, actor, project, format, out)
        except FramelineError as error:
            thread.say(f"I could not make the {format} export: {error.message}")
            return
        size = out.stat().st_size
        if size > MAX_UPLOAD_BYTES:
            thread.say(
                f"The {format} export is {size / 1_048_576:.1f} MB, more than the "
                f"{MAX_UPLOAD_BYTES / 1_048_576:.0f} MB I upload into Slack; download it "
                f"from {link}."
            )
            return
        beside = " (its frames come with the zip export)" if chosen.media_folder else ""
        try:
            thread.client.files_upload_v2(
                channel=thread.channel,
                thread_ts=thread.ts,
                file=str(out),
                filename=out.name,
                title=f"{project} {format} export{beside}",
            )
        except (SlackClientError, HTTPError) as error:
            thread.logger.warning("upload of the %s export failed: %s", format, slack_code(error))
            thread.say(
                f"I could not upload the {format} export ({out.name}): {slack_words(error)}. "
                f"Download it from {link} instead."
            )


def post_exports(
    studio: Any, thread: Thread, actor: Actor, project: str, result: dict[str, Any]
) -> None:
    """Every export a turn asked for, uploaded into its thread."""
    for format in exports_asked(result):
        upload_export(studio, thread, actor, project, format)
