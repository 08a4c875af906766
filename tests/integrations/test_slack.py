"""The Slack bot end to end: the real Bolt app inside the real FastAPI app, signed requests over
HTTP, and a fake Slack Web API that records every call the bot makes.

Slow work runs in Bolt's lazy listeners (threads) after the ack, so tests wait, within a bound,
for the Web API calls they expect.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
import typer
from fastapi.testclient import TestClient
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import func, select
from typer.testing import CliRunner

from api.main import create_app
from frameline.commands import slack_commands
from frameline.demo import load_demo
from frameline.settings import Settings
from frameline.wiring import open_frameline
from integrations.slack.blocks import (
    APPROVAL_APPROVE,
    APPROVAL_REJECT,
    APPROVE,
    LOCK,
    REVISE,
    VARY,
)
from integrations.slack.http import install_slack
from integrations.slack.progress import StatusMessage
from integrations.slack.store import SlackEvent, add_slack_person, link_channel
from integrations.slack.threads import slack_actor
from memory.records import Version
from memory.store import get_project, set_role
from tests.fakes.slack_api import (
    TOKEN,
    Call,
    FakeSlack,
    button_press,
    event_callback,
    mention,
    signed_headers,
    slash_command,
    view_submission,
)
from tools.frames import find_version
from tools.revisions import REGIONS

SECRET = "frameline-test-signing-secret"
CHANNEL = "C0STORY"
WRITER, DIRECTOR, PRODUCER = "U0WRITER", "U0DIRECTOR", "U0PRODUCER"
STRANGER, OWNER = "U0STRANGER", "U0OWNER"
PEOPLE = {
    WRITER: ("Wren Writer", "writer"),
    DIRECTOR: ("Dana Director", "director"),
    PRODUCER: ("Pat Producer", "producer"),
}
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with the demo production, loaded once (it embeds the script) and copied per test."""
    home = tmp_path_factory.mktemp("slack-demo") / "home"
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith("FRAMELINE_"):
                patch.delenv(name)
        with open_frameline(Settings(home=home)) as frameline:
            load_demo(frameline)
    return home


@dataclass
class Bot:
    """The bot as Slack reaches it, and what it did to Slack."""

    frameline: Any
    slack: FakeSlack
    http: TestClient

    def post(self, body: str, content_type: str = "application/json", **headers: str) -> Any:
        """A request Slack signs now, with extra headers (such as X-Slack-Retry-Num)."""
        signed = {**signed_headers(body, SECRET), **headers}
        return self.send(body, content_type, signed)

    def send(self, body: str, content_type: str, headers: dict[str, str]) -> Any:
        """A request exactly as given (for forged ones)."""
        return self.http.post(
            "/slack/events", content=body, headers={"Content-Type": content_type, **headers}
        )

    def command(self, user: str, text: str, channel: str = CHANNEL) -> Any:
        """`/frameline <text>` typed by a user."""
        return self.post(slash_command(user, channel, text, self.slack.response_url()), FORM)


@pytest.fixture
def bot(home: Path, demo_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Bot]:
    """The FastAPI app with the bot, on a copy of the demo home, talking to a fake Slack; the
    storyboard channel is linked to `demo`, with a writer, a director and a producer."""
    shutil.copytree(demo_home, home)
    with FakeSlack() as slack:
        for user, (name, _) in PEOPLE.items():
            slack.add_user(user, name)
        slack.add_user(STRANGER, "Sam Stranger")
        slack.add_user(OWNER, "Olive Owner", admin=True)
        monkeypatch.setenv("FRAMELINE_SLACK_BOT_TOKEN", TOKEN)
        monkeypatch.setenv("FRAMELINE_SLACK_SIGNING_SECRET", SECRET)
        monkeypatch.setenv("FRAMELINE_SLACK_API_URL", slack.url)
        with open_frameline(Settings()) as frameline:
            app = create_app(frameline, web=False)
            assert install_slack(app, frameline) is not None
            with frameline.transaction() as session:
                project = get_project(session, "demo")
                link_channel(session, CHANNEL, project, OWNER)
                for user, (name, role) in PEOPLE.items():
                    set_role(session, add_slack_person(session, user, name), project, role)
            with TestClient(app) as http:
                yield Bot(frameline, slack, http)


def blocks_of(call_or_message: Call | dict[str, Any]) -> list[dict[str, Any]]:
    """The blocks of a posted message or of a call that posts one."""
    params = call_or_message.params if isinstance(call_or_message, Call) else call_or_message
    blocks = params.get("blocks") or []
    return json.loads(blocks) if isinstance(blocks, str) else blocks


def card_of(message: dict[str, Any]) -> str | None:
    """The version id of a frame card, or None for other messages."""
    for block in blocks_of(message):
        if block["type"] == "actions" and block["block_id"].startswith("frame:"):
            return str(block["block_id"].removeprefix("frame:"))
    return None


def wait_for_cards(slack: FakeSlack, thread_ts: str, count: int = 1) -> list[dict[str, Any]]:
    """The frame cards posted in a thread, once `count` of them arrived."""
    slack.wait_for(
        "chat.postMessage",
        count,
        where=lambda c: c.params.get("thread_ts") == thread_ts and card_of(c.params) is not None,
        timeout=60,
    )
    return slack.posted(lambda m: m.get("thread_ts") == thread_ts and card_of(m) is not None)


def said_in(slack: FakeSlack, thread_ts: str, words: str) -> list[Call]:
    """Wait for a message in the thread that contains these words."""

    def matches(call: Call) -> bool:
        return call.params.get("thread_ts") == thread_ts and words in call.params.get("text", "")

    return slack.wait_for("chat.postMessage", where=matches)


def responded(slack: FakeSlack, words: str) -> Call:
    """Wait for an answer through a command's response_url that contains these words."""
    return slack.wait_for("response_url", where=lambda c: words in c.params.get("text", ""))[-1]


def versions(frameline: Any) -> int:
    """How many versions exist."""
    with frameline.transaction() as session:
        return int(session.scalar(select(func.count(Version.id))) or 0)


def first_frame(bot: Bot, ts: str = "1700000000.000100") -> tuple[dict[str, Any], str]:
    """A frame of scene 3 asked for by the writer: its card message and version id."""
    bot.post(event_callback(mention(WRITER, CHANNEL, "give me a frame of scene 3", ts)))
    [card] = wait_for_cards(bot.slack, ts)
    return card, str(card_of(card))


def test_our_signatures_are_the_ones_slack_sdk_verifies() -> None:
    headers = signed_headers('{"a": 1}', SECRET)
    verifier = SignatureVerifier(SECRET)
    assert verifier.is_valid_request('{"a": 1}', headers)
    assert not verifier.is_valid_request('{"a": 2}', headers)


def test_a_mention_is_answered_in_its_thread_with_the_frame(bot: Bot) -> None:
    ts = "1700000001.000100"
    started = time.monotonic()
    answer = bot.post(event_callback(mention(WRITER, CHANNEL, "give me a frame of scene 3", ts)))
    assert answer.status_code == 200 and time.monotonic() - started < 3
    [card] = wait_for_cards(bot.slack, ts)
    version_id = card_of(card)
    view = find_version(bot.frameline, str(version_id))
    assert (view.scene, view.shot, view.created_by) == ("3", "3A", "Wren Writer")
    assert f"Scene 3 · shot 3A · {version_id}" in card["text"]
    [actions] = [b for b in blocks_of(card) if b["type"] == "actions"]
    assert [e["action_id"] for e in actions["elements"]] == [VARY, REVISE, APPROVE, LOCK]
    assert "Continuity:" in blocks_of(card)[0]["text"]["text"]

    [upload] = bot.slack.calls_to("files.completeUploadExternal")
    assert (upload.params["channel_id"], upload.params["thread_ts"]) == (CHANNEL, ts)
    [shared] = json.loads(upload.params["files"])
    assert bot.slack.uploads[shared["id"]] == Path(view.image_path).read_bytes()
    assert bot.slack.uploads[shared["id"]].startswith(b"\x89PNG")
    # Every message went into the thread; progress edited one status message into the reply.
    assert all(c.params.get("thread_ts") == ts for c in bot.slack.calls_to("chat.postMessage"))
    [status] = bot.slack.posted(lambda m: m["text"].startswith("Rendered 1 frame"))
    assert status["thread_ts"] == ts and "3A" in status["text"]
    assert "offline-planner (not a language model)" in status["text"]  # the planner is labelled
    assert [c.params["ts"] for c in bot.slack.calls_to("chat.update")][-1] == status["ts"]
    [seen] = bot.slack.calls_to("reactions.add")
    assert (seen.params["timestamp"], seen.params["name"]) == (ts, "eyes")


def test_a_direct_message_is_answered_for_the_one_project_of_its_person(bot: Bot) -> None:
    ts = "1700000002.000100"
    event = {
        "type": "message",
        "channel_type": "im",
        "channel": "D0WRITER",
        "user": WRITER,
        "text": "give me a frame of scene 2",
        "ts": ts,
    }
    assert bot.post(event_callback(event)).status_code == 200
    [card] = wait_for_cards(bot.slack, ts)
    assert card["channel"] == "D0WRITER" and find_version(bot.frameline, card_of(card)).shot == "2A"


def test_an_unlinked_channel_and_a_person_without_a_role_get_a_clear_message(bot: Bot) -> None:
    bot.post(event_callback(mention(WRITER, "C0ELSEWHERE", "give me a frame of scene 3", "5.1")))
    [how_to] = said_in(bot.slack, "5.1", "/frameline link")
    assert how_to.params["channel"] == "C0ELSEWHERE"
    bot.post(event_callback(mention(STRANGER, CHANNEL, "give me a frame of scene 3", "5.2")))
    said_in(bot.slack, "5.2", f"<@{STRANGER}>, you have no role on project `demo`")
    time.sleep(0.5)
    assert versions(bot.frameline) == 0 and not bot.slack.calls_to("files.getUploadURLExternal")


def test_a_retried_event_is_acknowledged_but_answered_once(bot: Bot) -> None:
    body = event_callback(mention(WRITER, CHANNEL, "give me a frame of scene 3", "6.1"), "EvRETRY1")
    assert bot.post(body).status_code == 200
    again = bot.post(body, **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert again.status_code == 200
    wait_for_cards(bot.slack, "6.1")
    time.sleep(1.0)
    assert versions(bot.frameline) == 1
    assert len(bot.slack.calls_to("files.completeUploadExternal")) == 1
    assert len(bot.slack.calls_to("reactions.add")) == 1


def test_forged_unsigned_and_stale_requests_are_refused_and_call_nothing(bot: Bot) -> None:
    body = event_callback(mention(WRITER, CHANNEL, "give me a frame of scene 3", "7.1"), "EvFORGED")
    now = int(time.time())
    refused = {
        "forged": signed_headers(body, "not-the-signing-secret"),
        "unsigned": {},
        "stale": signed_headers(body, SECRET, timestamp=now - 6 * 60),
        "from the future": signed_headers(body, SECRET, timestamp=now + 6 * 60),
        "tampered": signed_headers(body.replace("scene 3", "scene 9"), SECRET),
        "no timestamp": {"X-Slack-Signature": signed_headers(body, SECRET)["X-Slack-Signature"]},
        "odd timestamp": {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=00"},
    }
    before = len(bot.slack.calls)
    for why, headers in refused.items():
        assert bot.send(body, "application/json", headers).status_code == 401, why
    assert bot.send("{not json", "application/json", {}).status_code == 401
    form = slash_command(OWNER, CHANNEL, "link demo", bot.slack.response_url())
    assert bot.send(form, FORM, signed_headers(form, "not-the-signing-secret")).status_code == 401
    time.sleep(0.5)
    assert len(bot.slack.calls) == before
    with bot.frameline.transaction() as session:
        assert session.get(SlackEvent, "EvFORGED") is None
    assert versions(bot.frameline) == 0


def test_url_verification_is_answered_with_its_challenge(bot: Bot) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "c-123", "token": "t"})
    answer = bot.post(body)
    assert answer.status_code == 200 and answer.json() == {"challenge": "c-123"}


def test_the_revise_button_opens_a_form_whose_submission_revises_the_shot(bot: Bot) -> None:
    card, parent = first_frame(bot)
    press = button_press(DIRECTOR, card, REVISE, parent)
    assert bot.post(press, FORM).status_code == 200
    [opened] = bot.slack.wait_for("views.open")
    assert opened.params["trigger_id"] == json.loads(parse_qs(press)["payload"][0])["trigger_id"]
    form = opened.params["view"]
    form = json.loads(form) if isinstance(form, str) else form
    assert form["callback_id"] == "revise_frame"
    assert json.loads(form["private_metadata"])["version_id"] == parent
    values = {
        "instruction": {"value": {"type": "plain_text_input", "value": "make it night"}},
        "region": {"value": {"type": "static_select", "selected_option": {"value": "sky"}}},
        "strength": {"value": {"type": "number_input", "value": None}},
    }
    closed = bot.post(view_submission(DIRECTOR, form, values), FORM)
    assert closed.status_code == 200 and closed.text == ""
    cards = wait_for_cards(bot.slack, card["thread_ts"], count=2)
    child = find_version(bot.frameline, card_of(cards[-1]))
    assert (child.parent_id, child.shot, child.created_by) == (parent, "3A", "Dana Director")
    with bot.frameline.transaction() as session:
        made = session.get(Version, int(child.version_id[1:]))
        width, height = made.width, made.height
        assert made.parameters["region"] == [
            round(f * side)
            for f, side in zip(REGIONS["sky"], (width, height, width, height), strict=True)
        ]


def test_a_form_with_bad_fields_stays_open_with_their_errors(bot: Bot) -> None:
    card, parent = first_frame(bot)
    form = {
        "type": "modal",
        "callback_id": "revise_frame",
        "private_metadata": json.dumps(
            {"version_id": parent, "channel": CHANNEL, "thread_ts": card["thread_ts"]}
        ),
    }
    values = {
        "instruction": {"value": {"type": "plain_text_input", "value": "  "}},
        "strength": {"value": {"type": "number_input", "value": "3"}},
    }
    answer = bot.post(view_submission(DIRECTOR, form, values), FORM)
    assert answer.status_code == 200
    assert answer.json()["response_action"] == "errors"
    assert set(answer.json()["errors"]) == {"instruction", "strength"}
    time.sleep(0.5)
    assert versions(bot.frameline) == 1


def test_vary_approve_and_lock_buttons_act_by_role(bot: Bot) -> None:
    card, version_id = first_frame(bot)
    thread = card["thread_ts"]
    bot.post(button_press(WRITER, card, VARY, version_id), FORM)
    cards = wait_for_cards(bot.slack, thread, count=2)
    take = find_version(bot.frameline, card_of(cards[-1]))
    assert (take.shot, take.parent_id) == ("3A", None) and take.version_id != version_id

    bot.post(button_press(WRITER, card, APPROVE, version_id), FORM)
    said_in(bot.slack, thread, f"<@{WRITER}> Wren Writer (writer) may not approve {version_id}")
    assert find_version(bot.frameline, version_id).status == "draft"

    bot.post(button_press(DIRECTOR, card, APPROVE, version_id), FORM)
    [update] = bot.slack.wait_for("chat.update", where=lambda c: c.params["ts"] == card["ts"])
    assert "Status: *approved*" in blocks_of(update)[0]["text"]["text"]
    assert find_version(bot.frameline, version_id).status == "approved"
    said_in(bot.slack, thread, f"<@{DIRECTOR}> approved {version_id}")

    bot.post(button_press(DIRECTOR, card, LOCK, version_id), FORM)
    said_in(bot.slack, thread, f"<@{DIRECTOR}> locked {version_id}")
    assert find_version(bot.frameline, version_id).status == "locked"
    [locked] = bot.slack.posted(lambda m: m["ts"] == card["ts"])
    [actions] = [b for b in blocks_of(locked) if b["type"] == "actions"]
    assert [e["action_id"] for e in actions["elements"]] == [VARY]


def test_an_approval_is_refused_to_a_role_that_may_not_and_given_by_one_that_may(
    bot: Bot,
) -> None:
    from agent.approvals import find

    ts = "8.1"
    bot.post(event_callback(mention(WRITER, CHANNEL, "give me 6 frames of scene 3", ts)))
    bot.slack.wait_for(
        "chat.postMessage",
        where=lambda c: any(b.get("block_id", "").startswith("approval:") for b in blocks_of(c)),
    )
    [request] = bot.slack.posted(
        lambda m: any(b.get("block_id", "").startswith("approval:") for b in blocks_of(m))
    )
    assert (
        request["thread_ts"] == ts
        and "Render 6 frames of scene 3" in request["blocks"][0]["text"]["text"]
    )
    approval_id = request["blocks"][1]["elements"][0]["value"]
    assert [e["action_id"] for e in request["blocks"][1]["elements"]] == [
        APPROVAL_APPROVE,
        APPROVAL_REJECT,
    ]

    bot.post(button_press(DIRECTOR, request, APPROVAL_APPROVE, approval_id), FORM)
    said_in(bot.slack, ts, f"<@{DIRECTOR}> Dana Director (director) may not decide")
    assert find(bot.frameline, approval_id)["state"] == "pending"
    assert not [c for c in bot.slack.calls_to("chat.update") if c.params["ts"] == request["ts"]]

    bot.post(button_press(PRODUCER, request, APPROVAL_APPROVE, approval_id), FORM)
    [decided] = bot.slack.wait_for("chat.update", where=lambda c: c.params["ts"] == request["ts"])
    assert f"Approved by <@{PRODUCER}> (producer)" in blocks_of(decided)[0]["text"]["text"]
    assert len(blocks_of(decided)) == 1  # no buttons left
    wait_for_cards(bot.slack, ts, count=6)
    decision = find(bot.frameline, approval_id)
    assert (decision["state"], decision["decided_by"]) == ("approved", "Pat Producer")
    assert versions(bot.frameline) == 6


def test_the_slash_command_answers_help_links_gives_roles_and_renders(bot: Bot) -> None:
    unknown = bot.command(WRITER, "dance")
    assert unknown.status_code == 200 and "I don't know `dance`" in unknown.text
    assert "/frameline frame <scene>" in bot.command(WRITER, "").text
    assert bot.command(WRITER, "frame").text.startswith("Usage: `/frameline frame")

    bot.command(OWNER, "link demo", channel="C0NEW")
    linked = responded(bot.slack, "linked this channel to project `demo`")
    assert linked.params["response_type"] == "in_channel"
    bot.command(WRITER, "link demo", channel="C0OTHER")
    responded(bot.slack, "Only a workspace admin or an admin of `demo` can link")

    bot.command(WRITER, f"role <@{STRANGER}|sam> director")
    responded(bot.slack, "can give roles")
    assert slack_actor(bot.frameline, "demo", STRANGER) is None
    bot.command(OWNER, f"role <@{STRANGER}|sam> director")
    responded(bot.slack, f"<@{STRANGER}> is now director on `demo`")
    assert slack_actor(bot.frameline, "demo", STRANGER).person == "Sam Stranger"

    bot.command(WRITER, "frame 3 Mara at the window")
    [root] = bot.slack.wait_for(
        "chat.postMessage", where=lambda c: "asked for a frame of scene 3" in c.params["text"]
    )
    assert "thread_ts" not in root.params
    [message] = bot.slack.posted(lambda m: "asked for a frame of scene 3" in m["text"])
    [card] = wait_for_cards(bot.slack, message["ts"])
    assert find_version(bot.frameline, card_of(card)).shot == "3A"

    bot.command(DIRECTOR, "revise 3A make it night")
    [asked] = bot.slack.wait_for(
        "chat.postMessage", where=lambda c: "asked to revise" in c.params["text"]
    )
    [message] = bot.slack.posted(lambda m: "asked to revise" in m["text"])
    [child] = wait_for_cards(bot.slack, message["ts"])
    assert find_version(bot.frameline, card_of(child)).parent_id == card_of(card)

    bot.command(WRITER, "status 3")
    responded(bot.slack, "*3A* (scene 3)")
    bot.command(PRODUCER, "budget")
    responded(bot.slack, "*Budget of `demo`*")
    bot.command(WRITER, "frame 99")
    responded(bot.slack, "no scene '99'")


def test_rate_limits_are_waited_out_and_refusals_told_in_plain_words(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    bot.slack.fail_next("chat.postMessage", status=429, retry_after=0)
    _, first = first_frame(bot, ts="9.1")
    limited = [c for c in bot.slack.calls_to("chat.postMessage") if c.params["thread_ts"] == "9.1"]
    assert limited[0].params["text"] == limited[1].params["text"]  # the same post, retried

    bot.slack.fail_next("upload", error="request_too_large", status=413, retry_after=None)
    bot.post(event_callback(mention(WRITER, CHANNEL, "give me a frame of scene 4", "9.2")))
    said_in(bot.slack, "9.2", "larger than Slack takes")
    wait_for_cards(bot.slack, "9.2")
    assert any("http_413" in record.getMessage() for record in caplog.records)


def test_progress_edits_one_status_message_at_a_sensible_rate() -> None:
    with FakeSlack() as slack:
        client = WebClient(token=TOKEN, base_url=slack.url)
        status = StatusMessage(client, CHANNEL, "10.1", logging.getLogger("test"))
        status.start("step 0 of 50")
        for step in range(1, 50):
            status.update(f"step {step} of 50")
        status.finish("done")
        [posted] = slack.calls_to("chat.postMessage")
        [final] = slack.calls_to("chat.update")
        assert posted.params["thread_ts"] == "10.1" and final.params["text"] == "done"


def test_socket_mode_needs_an_app_token_and_says_so_in_one_line(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = typer.Typer()
    slack_commands.register(cli)
    missing = CliRunner().invoke(cli, [])
    assert missing.exit_code != 0 and missing.stdout == ""
    [line] = missing.stderr.strip().splitlines()
    assert "FRAMELINE_SLACK_APP_TOKEN is not set" in line

    with FakeSlack() as slack:
        monkeypatch.setenv("FRAMELINE_SLACK_APP_TOKEN", "xapp-frameline-test")
        monkeypatch.setenv("FRAMELINE_SLACK_BOT_TOKEN", TOKEN)
        monkeypatch.setenv("FRAMELINE_SLACK_SIGNING_SECRET", SECRET)
        monkeypatch.setenv("FRAMELINE_SLACK_API_URL", slack.url)
        refused = CliRunner().invoke(cli, [])
        [opened] = slack.calls_to("apps.connections.open")
    assert opened.headers["Authorization"] == "Bearer xapp-frameline-test"
    assert refused.exit_code != 0 and refused.stdout == ""
    [line] = refused.stderr.strip().splitlines()
    assert "Slack refused FRAMELINE_SLACK_APP_TOKEN" in line


def test_without_slack_settings_nothing_is_served(home: Path) -> None:
    with open_frameline(Settings()) as frameline:
        app = create_app(frameline, web=False)
        assert install_slack(app, frameline) is None
        with TestClient(app) as http:
            assert http.post("/slack/events", content="{}").status_code in (404, 405)


def test_the_manifest_asks_for_what_the_bot_listens_to_at_one_url() -> None:
    import yaml

    manifest = yaml.safe_load(
        (Path(__file__).parents[2] / "integrations/slack/manifest.yml").read_text()
    )
    settings, features = manifest["settings"], manifest["features"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {"app_mention", "message.im"}
    [command] = features["slash_commands"]
    assert command["command"] == "/frameline" and command["should_escape"] is True
    urls = {
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
        command["url"],
    }
    assert len(urls) == 1 and urls.pop().endswith("/slack/events")
    assert {"chat:write", "files:write", "commands", "users:read"} <= set(
        manifest["oauth_config"]["scopes"]["bot"]
    )


def test_a_refused_or_unreachable_slack_stops_the_bot_with_a_clear_error(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.errors import BackendUnavailable

    monkeypatch.setenv("FRAMELINE_SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.setenv("FRAMELINE_SLACK_BOT_TOKEN", "xoxb-revoked")
    with FakeSlack() as slack:
        monkeypatch.setenv("FRAMELINE_SLACK_API_URL", slack.url)
        refused = pytest.raises(BackendUnavailable, match="did not accept FRAMELINE_SLACK_BOT")
        with open_frameline(Settings()) as frameline, refused:
            install_slack(create_app(frameline, web=False), frameline)
    # The fake has stopped: nothing answers at its address any more.
    unreachable = pytest.raises(BackendUnavailable, match="cannot reach Slack")
    with open_frameline(Settings()) as frameline, unreachable:
        install_slack(create_app(frameline, web=False), frameline)


def test_a_note_on_a_frame_is_told_in_the_slack_thread_it_was_posted_in(bot: Bot) -> None:
    from integrations.slack.notes import share_note
    from tools.comments import add_comment
    from tools.context import Actor
    from tools.frames import render_frame

    _, version_id = first_frame(bot, ts="1700000000.000900")
    note = add_comment(bot.frameline, Actor("Dana Director", "director"), version_id, "more fog")
    worker = share_note(bot.frameline, note.to_json())
    assert worker is not None
    [told] = said_in(bot.slack, "1700000000.000900", "more fog")
    assert told.params["channel"] == CHANNEL
    assert f"Note on {version_id} by Dana Director (director)" in told.params["text"]
    [elsewhere] = render_frame(bot.frameline, Actor("local", "admin"), "demo", "2")
    unposted = add_comment(
        bot.frameline, Actor("local", "admin"), elsewhere.version_id, "never posted"
    )
    assert share_note(bot.frameline, unposted.to_json()) is None


def _export_uploads(bot: Bot, ts: str) -> list[tuple[bytes, str]]:
    """(bytes, title) of each file completed into the thread, once one arrived."""
    bot.slack.wait_for(
        "files.completeUploadExternal", where=lambda c: c.params.get("thread_ts") == ts
    )
    return [
        (bot.slack.uploads[shared["id"]], shared.get("title") or "")
        for call in bot.slack.calls_to("files.completeUploadExternal")
        if call.params.get("thread_ts") == ts
        for shared in json.loads(call.params["files"])
    ]


def test_an_export_asked_for_in_a_thread_is_uploaded_into_it(bot: Bot, tmp_path: Path) -> None:
    from tools.context import Actor
    from tools.exports import export_project

    ts = "1700000000.001000"
    bot.post(event_callback(mention(WRITER, CHANNEL, "export the shot list to csv", ts)))
    [(data, title)] = _export_uploads(bot, ts)
    expected = tmp_path / "expected.csv"
    export_project(bot.frameline, Actor("Wren Writer", "writer"), "demo", "csv", expected)
    assert data == expected.read_bytes() and data.startswith(b"scene")
    [asked] = bot.slack.calls_to("files.getUploadURLExternal")
    assert asked.params["filename"] == "demo-shotlist.csv"
    assert title == "demo csv export"
    [upload] = bot.slack.calls_to("files.completeUploadExternal")
    assert (upload.params["channel_id"], upload.params["thread_ts"]) == (CHANNEL, ts)
    [reply] = bot.slack.posted(lambda m: m.get("thread_ts") == ts and ".csv" in m["text"])
    assert "/v1/projects/demo/exports/csv" in reply["text"]
    assert "offline-planner (not a language model)" in reply["text"]


def test_an_export_slack_refuses_or_too_large_is_told_with_its_link(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from integrations.slack import exports

    bot.slack.fail_next("files.completeUploadExternal", error="missing_scope", status=200)
    bot.post(event_callback(mention(WRITER, CHANNEL, "export the shot list to csv", "9.3")))
    [refused] = said_in(bot.slack, "9.3", "I could not upload the csv export")
    assert "lacks a permission" in refused.params["text"]
    assert "Download it from /v1/projects/demo/exports/csv" in refused.params["text"]

    monkeypatch.setattr(exports, "MAX_UPLOAD_BYTES", 10)
    uploads = len(bot.slack.calls_to("files.getUploadURLExternal"))
    bot.post(event_callback(mention(WRITER, CHANNEL, "export the shot list to csv", "9.4")))
    [large] = said_in(bot.slack, "9.4", "more than the")
    assert "download it from /v1/projects/demo/exports/csv" in large.params["text"]
    assert len(bot.slack.calls_to("files.getUploadURLExternal")) == uploads  # nothing sent
