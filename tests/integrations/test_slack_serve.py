"""The Slack bot inside a real `frameline serve`, reached over HTTP with signed requests, talking
to a fake Slack Web API in the test process."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fakes.slack_api import (
    TOKEN,
    FakeSlack,
    event_callback,
    mention,
    signed_headers,
    slash_command,
)

pytestmark = pytest.mark.slow

FRAMELINE = str(Path(sys.executable).with_name("frameline"))
SECRET = "frameline-serve-signing-secret"
CHANNEL, OWNER, WRITER = "C0SERVE", "U0OWNER", "U0WRITER"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(home: Path) -> Iterator[tuple[str, FakeSlack]]:
    """`frameline serve` on a free port and a fresh home, its Slack settings pointing at a fake."""
    with FakeSlack() as slack:
        slack.add_user(OWNER, "Olive Owner", admin=True)
        slack.add_user(WRITER, "Wren Writer")
        env = {
            **os.environ,
            "FRAMELINE_SLACK_BOT_TOKEN": TOKEN,
            "FRAMELINE_SLACK_SIGNING_SECRET": SECRET,
            "FRAMELINE_SLACK_API_URL": slack.url,
        }
        port = free_port()
        process = subprocess.Popen(
            [FRAMELINE, "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and process.poll() is None:
            # Ready, not only alive: the demo production loads in the background on a first start.
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        else:
            process.kill()
            output = process.stdout.read() if process.stdout else ""
            pytest.fail(f"frameline serve did not start: {output}")
        try:
            yield url, slack
        finally:
            process.terminate()
            process.wait(timeout=60)


def post(url: str, body: str, content_type: str) -> httpx.Response:
    """A request signed as Slack signs it."""
    headers = {"Content-Type": content_type, **signed_headers(body, SECRET)}
    return httpx.post(f"{url}/slack/events", content=body, headers=headers, timeout=10)


def test_a_signed_mention_over_http_is_answered_in_its_thread(
    served: tuple[str, FakeSlack],
) -> None:
    url, slack = served
    assert slack.calls_to("auth.test"), "the bot checks its token with the fake as it starts"
    form = "application/x-www-form-urlencoded"
    for user, text in ((OWNER, "link demo"), (OWNER, f"role <@{WRITER}|wren> writer")):
        assert post(url, slash_command(user, CHANNEL, text, slack.response_url()), form).is_success
    slack.wait_for("response_url", where=lambda c: "is now writer" in c.params.get("text", ""))

    ts = "1700000100.000100"
    started = time.monotonic()
    body = event_callback(mention(WRITER, CHANNEL, "give me a frame of scene 3", ts))
    assert post(url, body, "application/json").status_code == 200
    assert time.monotonic() - started < 3
    [upload] = slack.wait_for("files.completeUploadExternal", timeout=120)
    assert (upload.params["channel_id"], upload.params["thread_ts"]) == (CHANNEL, ts)
    [shared] = json.loads(upload.params["files"])
    assert slack.uploads[shared["id"]].startswith(b"\x89PNG")
    slack.wait_for(
        "chat.postMessage",
        # A new shot of scene 3 (the first start's demo frames already took 3A and 3B).
        where=lambda c: (
            c.params.get("thread_ts") == ts
            and re.search(r"shot 3[A-Z]+\b", c.params.get("text", "")) is not None
        ),
    )

    before = len(slack.calls)
    unsigned = httpx.post(f"{url}/slack/events", content=body, timeout=10)
    assert unsigned.status_code == 401
    time.sleep(0.5)
    assert len(slack.calls) == before
