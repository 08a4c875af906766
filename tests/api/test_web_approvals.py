"""Gated renders on the storyboard page through the real app: a writer's render waits and the
board says who must decide; a writer cannot decide; a producer approves from the board and the
frame is drawn (followed on the page's event stream) or rejects and the job is cancelled."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from frameline.commands.server import first_start
from frameline.settings import Settings
from frameline.wiring import open_frameline
from memory.records import Approval
from tests.api.conftest import Keys
from tests.api.test_web import BROWSER, csrf_of, sign_in
from tests.policy_cases import approval_state, job_state, tally


@pytest.fixture(scope="module")
def frameline(api_home: Path) -> Iterator[Any]:
    """Frameline as `serve` starts it, with every render's estimate above the approval limit."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FRAMELINE_APPROVAL_COST", "0")
        with open_frameline(Settings()) as wired:
            wired.own_memory()
            first_start(wired, load_demo_production=True)
            yield wired


def browser_as(app: FastAPI, key: str) -> TestClient:
    """A browser of its own, signed in with the key."""
    client = TestClient(app, headers=BROWSER)
    client.__enter__()
    sign_in(client, key)
    return client


@pytest.fixture
def writer(app: FastAPI, keys: Keys) -> Iterator[TestClient]:
    client = browser_as(app, keys.writer)
    yield client
    client.__exit__(None, None, None)


@pytest.fixture
def producer(app: FastAPI, keys: Keys) -> Iterator[TestClient]:
    client = browser_as(app, keys.producer)
    yield client
    client.__exit__(None, None, None)


def ask_render(browser: TestClient, scene: str) -> tuple[str, str]:
    """Post the board's render form; the job id and the approval it waits for."""
    token = csrf_of(browser.get("/p/demo").text)
    response = browser.post(
        "/p/demo/renders", data={"csrf": token, "scene": scene}, follow_redirects=False
    )
    assert response.status_code == 303
    job_id = re.search(r"job=(j[0-9a-f]+)", response.headers["location"]).group(1)
    page = browser.get(response.headers["location"])
    match = re.search(r"waits for a producer(?:'|&#39;)s approval \((a[0-9a-f]+)\)", page.text)
    assert match, "the page does not say whose approval the render waits for"
    assert "Waiting for an approval before it renders" in page.text
    return job_id, match.group(1)


def decide(browser: TestClient, approval_id: str, decision: str, csrf: str | None = None) -> Any:
    """Press Approve or Reject on the board's approval panel."""
    token = csrf if csrf is not None else csrf_of(browser.get("/p/demo").text)
    return browser.post(
        f"/p/demo/approvals/{approval_id}/decision",
        data={"csrf": token, "decision": decision, "back": "/p/demo"},
        follow_redirects=False,
    )


def page_job_events(browser: TestClient, job_id: str) -> list[tuple[str, dict[str, Any]]]:
    """The events the page's progress bar follows, read until the stream ends."""
    events: list[tuple[str, dict[str, Any]]] = []
    name = ""
    with browser.stream("GET", f"/p/demo/jobs/{job_id}/events") as stream:
        assert stream.status_code == 200
        for line in stream.iter_lines():
            if line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: "):
                events.append((name, json.loads(line.removeprefix("data: "))))
    return events


def approval_panel(html: str, approval_id: str) -> str:
    """The board's entry for one approval."""
    match = re.search(rf'<li class="approval" id="approval-{approval_id}".*?</li>', html, re.S)
    assert match, f"the board does not show approval {approval_id}"
    return match.group(0)


def test_a_writers_render_waits_and_the_board_says_who_decides(
    frameline: Any, writer: TestClient, producer: TestClient
) -> None:
    before = tally(frameline)
    job_id, approval_id = ask_render(writer, "3")
    assert job_state(frameline, job_id) == "waiting"
    assert tally(frameline) == before

    seen_by_writer = approval_panel(writer.get("/p/demo").text, approval_id)
    assert "a <b>producer</b> decides" in seen_by_writer
    assert "above the approval limit" in seen_by_writer
    assert "writer-person" in seen_by_writer and "scene 3" in seen_by_writer
    assert "approval-approve" not in seen_by_writer and "Waiting for a producer" in seen_by_writer

    seen_by_producer = approval_panel(producer.get("/p/demo").text, approval_id)
    assert 'data-testid="approval-approve"' in seen_by_producer
    assert 'data-testid="approval-reject"' in seen_by_producer
    assert decide(producer, approval_id, "reject").status_code == 303  # leave the board clean


def test_a_writer_cannot_decide_from_the_board(frameline: Any, writer: TestClient) -> None:
    job_id, approval_id = ask_render(writer, "2")
    refused = decide(writer, approval_id, "approve")
    assert refused.status_code == 303
    page = writer.get(refused.headers["location"])
    assert "may not" in page.text and "flash-error" in page.text
    chat_button = writer.post(
        f"/p/demo/approvals/{approval_id}",
        json={"decision": "approve"},
        headers={"X-CSRF-Token": csrf_of(page.text)},
    )
    assert chat_button.status_code == 403
    assert approval_state(frameline, approval_id) == "pending"
    assert job_state(frameline, job_id) == "waiting"


def test_a_forged_decision_is_refused_and_changes_nothing(
    frameline: Any, writer: TestClient, producer: TestClient
) -> None:
    job_id, approval_id = ask_render(writer, "2")
    forged = decide(producer, approval_id, "approve", csrf="forged")
    assert forged.status_code == 403
    assert approval_state(frameline, approval_id) == "pending"
    assert job_state(frameline, job_id) == "waiting"


def test_a_producer_approves_from_the_board_and_the_frame_is_drawn(
    frameline: Any, writer: TestClient, producer: TestClient
) -> None:
    before = tally(frameline)
    job_id, approval_id = ask_render(writer, "4")
    approved = decide(producer, approval_id, "approve")
    assert approved.status_code == 303
    location = approved.headers["location"]
    assert location == f"/p/demo?job={job_id}#scene-4"
    board = producer.get(location)
    assert f"/p/demo/jobs/{job_id}/events" in board.text
    assert f'id="approval-{approval_id}"' not in board.text

    events = page_job_events(producer, job_id)
    final = events[-1][1]
    assert events[-1][0] == "done" and final["state"] == "done", final
    [made] = final["result"]["versions"]
    assert job_state(frameline, job_id) == "done"
    after = tally(frameline)
    assert after["versions"] == before["versions"] + 1
    assert after["ledger"] == before["ledger"] + 1
    with frameline.transaction() as session:
        row = session.get(Approval, approval_id)
        assert row is not None
        assert (row.state, row.decided_by, row.decided_role) == (
            "approved",
            "producer-person",
            "producer",
        )
    image = producer.get(f"/p/demo/versions/{made['version_id']}/image")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")


def test_a_writer_following_the_job_sees_the_rejection(
    frameline: Any, writer: TestClient, producer: TestClient
) -> None:
    before = tally(frameline)
    job_id, approval_id = ask_render(writer, "1")
    rejected = decide(producer, approval_id, "reject")
    assert rejected.status_code == 303 and "job=" not in rejected.headers["location"]
    page = producer.get(rejected.headers["location"])
    assert "Rejected" in page.text and f'id="approval-{approval_id}"' not in page.text
    assert job_state(frameline, job_id) == "cancelled"
    final = page_job_events(writer, job_id)[-1]
    assert final[0] == "done" and final[1]["state"] == "cancelled"
    assert "rejected by producer-person" in final[1]["error"]
    assert tally(frameline) == before
    again = decide(producer, approval_id, "approve")
    assert "already rejected" in producer.get(again.headers["location"]).text


def test_the_chat_panels_button_releases_through_the_same_policy(
    frameline: Any, writer: TestClient, producer: TestClient
) -> None:
    before = tally(frameline)
    job_id, approval_id = ask_render(writer, "3")
    answer = producer.post(
        f"/p/demo/approvals/{approval_id}",
        json={"decision": "approve"},
        headers={"X-CSRF-Token": csrf_of(producer.get("/p/demo").text)},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["approval"]["state"] == "approved"
    final = page_job_events(producer, job_id)[-1][1]
    assert final["state"] == "done", final
    assert tally(frameline)["ledger"] == before["ledger"] + 1
