"""The Slack door holds: replayed slash commands run once, `link` reveals no project, and a Slack
thread is readable through the API only by people who took part in it."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from memory.keys import create_key
from memory.store import get_or_create_project
from tests.fakes.slack_api import event_callback, mention, signed_headers, slash_command
from tests.integrations import test_slack as slack_suite
from tests.integrations.test_slack import (
    CHANNEL,
    FORM,
    OWNER,
    SECRET,
    WRITER,
    Bot,
    responded,
    versions,
    wait_for_cards,
)

# The Slack suite's fixtures: the real app with the bot, on a copy of the demo, and a fake Slack.
demo_home = slack_suite.demo_home
bot = slack_suite.bot


def test_a_replayed_slash_command_runs_once(bot: Bot) -> None:
    body = slash_command(WRITER, CHANNEL, "frame 3 Mara at the window", bot.slack.response_url())
    headers = signed_headers(body, SECRET)  # one signature, sent twice within the window
    before = versions(bot.frameline)
    assert bot.send(body, FORM, headers).status_code == 200
    assert bot.send(body, FORM, headers).status_code == 200
    [message] = bot.slack.wait_for(
        "chat.postMessage", where=lambda c: "asked for a frame of scene 3" in c.params["text"]
    )
    [posted] = bot.slack.posted(lambda m: "asked for a frame of scene 3" in m["text"])
    wait_for_cards(bot.slack, posted["ts"])
    time.sleep(2)  # a second run would have posted and rendered by now
    roots = bot.slack.posted(lambda m: "asked for a frame of scene 3" in m["text"])
    assert len(roots) == 1
    assert versions(bot.frameline) == before + 1


def test_link_to_an_unknown_project_reveals_no_project_names(bot: Bot) -> None:
    with bot.frameline.transaction() as session:
        get_or_create_project(session, "secret-heist")
    bot.command(OWNER, "link nosuchproject", channel="C0NEW")
    answer = responded(bot.slack, "nosuchproject")
    assert "demo" not in answer.params["text"]
    assert "secret-heist" not in answer.params["text"]


def test_a_slack_thread_is_read_only_by_those_who_took_part(bot: Bot) -> None:
    ts = "1700000090.000100"
    bot.post(event_callback(mention(WRITER, CHANNEL, "give me a frame of scene 3", ts)))
    wait_for_cards(bot.slack, ts)
    with bot.frameline.transaction() as session:
        # A key for the Slack writer's own person, and a director key of the same project.
        own = create_key(
            session, role="writer", name="wren-api", project="demo", person="Wren Writer"
        )
        other = create_key(session, role="director", name="dana-api", project="demo")
    thread = f"slack:{CHANNEL}:{ts}"
    http: TestClient = bot.http
    mine = http.get(f"/v1/conversations/{thread}", headers={"Authorization": f"Bearer {own}"})
    assert mine.status_code == 200 and mine.json()["project"] == "demo"
    stranger = {"Authorization": f"Bearer {other}"}
    assert http.get(f"/v1/conversations/{thread}", headers=stranger).status_code == 404
    posted = http.post(
        f"/v1/conversations/{thread}/messages",
        json={"project": "demo", "text": "what did they say?"},
        headers=stranger,
    )
    assert posted.status_code == 404
