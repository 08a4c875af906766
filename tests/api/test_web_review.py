"""The review tools of the web page through the real app: sessions ended on the server, security
headers, one-time sign-in links, notes on frames, comparing takes, revising a drawn box, and the
assistant's conversation kept per person and project."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image, ImageChops
from sqlalchemy import func, select

from api.main import create_app
from memory.records import Job
from tests.api.conftest import Keys
from tests.api.test_web import BROWSER, csrf_of, render, sign_in
from tools.context import Actor
from tools.jobs import submit_job


@pytest.fixture
def browser(app: FastAPI) -> Iterator[TestClient]:
    """A browser of its own (its own cookie jar) on the module's app."""
    with TestClient(app, headers=BROWSER) as client:
        yield client


def test_a_cookie_saved_before_sign_out_is_refused_after_it(
    app: FastAPI, browser: TestClient, keys: Keys
) -> None:
    sign_in(browser, keys.director)
    board = browser.get("/p/demo")
    saved = dict(browser.cookies)
    browser.post("/signout", data={"csrf": csrf_of(board.text)})
    with TestClient(app, headers=BROWSER, cookies=saved) as thief:
        replayed = thief.get("/p/demo")
        assert replayed.status_code == 401 and 'name="key"' in replayed.text
        refused = thief.post("/p/demo/chat", json={"text": "hi"}, headers={"X-CSRF-Token": "x"})
        assert refused.status_code == 401


def test_every_response_carries_the_security_headers(browser: TestClient, keys: Keys) -> None:
    for path in ("/", "/healthz", "/v1/projects", "/static/storyboard.css", "/no-such-page"):
        response = browser.get(path)
        assert response.headers["x-frame-options"] == "DENY", path
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["referrer-policy"], path
        policy = response.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy, path
        assert "'unsafe-inline'" not in policy, path


def test_session_cookies_are_secure_when_set(frameline: Any, keys: Keys) -> None:
    frameline.settings.secure_cookies = True
    try:
        with TestClient(create_app(frameline), headers=BROWSER) as client:
            response = sign_in(client, keys.admin)
    finally:
        frameline.settings.secure_cookies = None
    assert "secure" in response.headers["set-cookie"].lower()


def test_cookies_are_secure_by_default_off_the_loopback() -> None:
    from frameline.commands.server import loopback

    assert loopback("127.0.0.1") and loopback("::1") and loopback("localhost")
    assert not loopback("0.0.0.0") and not loopback("192.168.1.20") and not loopback("studio")


def test_a_link_from_keys_create_signs_in_once(api_home: Path, browser: TestClient) -> None:
    env = {**os.environ, "FRAMELINE_HOME": str(api_home)}
    frameline_cli = str(Path(sys.executable).with_name("frameline"))
    made = subprocess.run(
        [frameline_cli, "keys", "create", "--project", "demo", "--role", "director"]
        + ["--name", "Dana Reyes", "--link"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    key, link = made.stdout.strip().splitlines()
    assert key.startswith("fl_") and "/signin/" in link
    path = "/signin/" + link.rsplit("/signin/", 1)[1]
    page = browser.get(path)
    assert page.status_code == 200 and "one-time link" in page.text
    assert browser.get("/p/demo").status_code == 401  # looking at the link signs no one in
    signed = browser.post(path, data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert signed.status_code == 303
    board = browser.get("/p/demo")
    assert "Dana Reyes" in board.text and "director" in board.text
    browser.post("/signout", data={"csrf": csrf_of(board.text)})
    again = browser.post(path, data={"csrf": csrf_of(browser.get(path).text)})
    assert again.status_code == 401 and "already used" in again.text


def test_notes_round_trip_through_the_api(client: TestClient, keys: Keys, frameline: Any) -> None:
    version = render(frameline, "4")
    url = f"/v1/versions/{version['version_id']}/comments"
    assert client.get(url).json() == {"items": [], "next": None}
    made = client.post(
        url, json={"text": "@director-person the lamp is too warm"}, headers=keys.header("writer")
    )
    assert made.status_code == 201, made.text
    note = made.json()
    assert note["person"] == "writer-person" and note["role"] == "writer"
    assert note["version_id"] == version["version_id"] and note["at"]
    assert note["mentions"] == ["director-person"]
    listed = client.get(url).json()["items"]
    assert [n["comment_id"] for n in listed] == [note["comment_id"]]
    assert client.post(url, json={"text": "   "}).status_code == 422
    assert client.post(url, json={"text": "a\u202eb"}).status_code == 422
    lone = b'{"text": "a\\ud800b"}'
    assert (
        client.post(url, content=lone, headers={"Content-Type": "application/json"}).status_code
        == 422
    )
    assert client.get(url, headers=keys.header("other_project")).status_code == 404
    assert len(client.get(url).json()["items"]) == 1


def test_compare_shows_two_takes_and_what_differs(
    browser: TestClient, keys: Keys, frameline: Any
) -> None:
    first = render(frameline, "3")
    job = submit_job(
        frameline,
        Actor("local", "admin"),
        "demo",
        "render",
        {"scene": "3", "shot": first["shot"], "prompt": "a lantern on the ground"},
    )
    second = frameline.worker.run(job.job_id).result["versions"][0]
    sign_in(browser, keys.director)
    page = browser.get(
        f"/p/demo/shots/{first['shot']}/compare",
        params={"a": first["version_id"], "b": second["version_id"]},
    )
    assert page.status_code == 200
    assert page.text.count('data-testid="compare-side"') == 2
    assert "a lantern on the ground" in page.text and 'data-testid="make-frame"' in page.text


def test_a_drawn_box_revision_keeps_every_pixel_outside_it(
    browser: TestClient, client: TestClient, keys: Keys, frameline: Any
) -> None:
    parent = render(frameline, "5")
    sign_in(browser, keys.writer)
    board = browser.get("/p/demo")
    box = {"x0": "40", "y0": "30", "x1": "200", "y1": "150"}
    answer = browser.post(
        f"/p/demo/versions/{parent['version_id']}/revise",
        data={"csrf": csrf_of(board.text), "instruction": "add a lantern", **box},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and "job=" in answer.headers["location"]
    job_id = answer.headers["location"].split("job=")[1].split("#")[0]
    child = frameline.worker.run(job_id).result["versions"][0]
    assert child["parent_id"] == parent["version_id"]
    before = _image(client, parent["version_id"])
    after = _image(client, child["version_id"])
    outside = ImageChops.difference(before, after)
    outside.paste((0, 0, 0), (40, 30, 200, 150))
    assert outside.getbbox() is None
    assert ImageChops.difference(before, after).getbbox() is not None


@pytest.mark.parametrize(
    ("form", "told"),
    [
        (
            {"x0": "40", "y0": "30", "x1": "2OO", "y1": "150"},
            "region: Input should be a valid integer",
        ),
        ({"strength": "1.5"}, "strength: Input should be less than or equal to 1"),
        ({"strength": "half"}, "strength: Input should be a valid number"),
        ({"instruction": "   "}, "instruction: "),
    ],
)
def test_a_refused_revision_form_says_which_field_and_queues_nothing(
    browser: TestClient, keys: Keys, frameline: Any, form: dict[str, str], told: str
) -> None:
    parent = render(frameline, "5")
    sign_in(browser, keys.writer)
    board = browser.get("/p/demo")
    with frameline.transaction() as session:
        jobs = session.scalar(select(func.count()).select_from(Job))
    answer = browser.post(
        f"/p/demo/versions/{parent['version_id']}/revise",
        data={"csrf": csrf_of(board.text), "instruction": "add a lantern", **form},
    )
    assert answer.status_code == 200 and "job=" not in str(answer.url)
    assert told in answer.text
    with frameline.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Job)) == jobs


def test_the_chat_keeps_its_conversation_per_person(browser: TestClient, keys: Keys) -> None:
    sign_in(browser, keys.producer)
    token = csrf_of(browser.get("/p/demo").text)
    browser.post(
        "/p/demo/chat", json={"text": "what happens in scene 2?"}, headers={"X-CSRF-Token": token}
    )
    first = browser.get("/p/demo/chat").json()
    assert [m["text"] for m in first["messages"] if m["role"] == "user"] == [
        "what happens in scene 2?"
    ]
    browser.post("/signout", data={"csrf": csrf_of(browser.get("/p/demo").text)})
    sign_in(browser, keys.producer)
    assert browser.get("/p/demo/chat").json()["thread_id"] == first["thread_id"]
    sign_in(browser, keys.writer)
    assert browser.get("/p/demo/chat").json()["messages"] == []


def _image(client: TestClient, version_id: str) -> Image.Image:
    response = client.get(f"/v1/versions/{version_id}/image")
    assert response.status_code == 200
    return Image.open(io.BytesIO(response.content)).convert("RGB")


def test_an_approval_button_in_the_panel_decides_by_role(
    browser: TestClient, keys: Keys, frameline: Any
) -> None:
    from tools.policy import submit

    asked = submit(
        frameline, Actor("writer-person", "writer"), "demo", "render", {"scene": "6", "count": 5}
    )
    assert asked.waiting and asked.approval is not None
    url = f"/p/demo/approvals/{asked.approval['approval_id']}"
    sign_in(browser, keys.writer)
    token = csrf_of(browser.get("/p/demo").text)
    refused = browser.post(url, json={"decision": "approve"}, headers={"X-CSRF-Token": token})
    assert refused.status_code == 403
    sign_in(browser, keys.producer)
    token = csrf_of(browser.get("/p/demo").text)
    assert browser.post(url, json={"decision": "approve"}).status_code == 403  # no form token
    released = browser.post(url, json={"decision": "approve"}, headers={"X-CSRF-Token": token})
    assert released.status_code == 200, released.text
    assert released.json()["job"]["state"] in {"queued", "running", "done"}


def test_keys_revoke_ends_the_web_sessions_of_the_key(
    api_home: Path, browser: TestClient, frameline: Any
) -> None:
    from sqlalchemy import func, select

    from memory.keys import verify_key
    from memory.records import WebSession
    from tests.api.test_web import new_key

    key = new_key(frameline, "director")
    with frameline.transaction() as session:
        holder = verify_key(session, key)
    assert holder is not None
    sign_in(browser, key)
    assert browser.get("/p/demo").status_code == 200

    def sessions() -> int:
        with frameline.transaction() as session:
            query = select(func.count()).where(WebSession.key_id == holder.key_id)
            return int(session.scalar(query) or 0)

    assert sessions() == 1
    env = {**os.environ, "FRAMELINE_HOME": str(api_home)}
    frameline_cli = str(Path(sys.executable).with_name("frameline"))
    subprocess.run([frameline_cli, "keys", "revoke", key[:16]], env=env, check=True)
    assert browser.get("/p/demo").status_code == 401
    assert sessions() == 0
