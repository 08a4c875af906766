"""The storyboard page's routes through the real app: sign-in, pages, status changes, sign-out."""

from __future__ import annotations

import base64
import re
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.main import create_app
from frameline.commands.server import first_start
from frameline.settings import Settings
from frameline.wiring import open_frameline
from memory.keys import create_key, revoke_key
from tests.api.conftest import OTHER_PROJECT, Keys
from tools.context import Actor
from tools.jobs import submit_job

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


@pytest.fixture
def browser(app: FastAPI) -> Iterator[TestClient]:
    """A browser of its own (its own cookie jar) on the module's app."""
    with TestClient(app, headers=BROWSER) as client:
        yield client


def render(frameline: Any, scene: str = "1") -> dict[str, Any]:
    """A fresh shot of the scene (each test draws its own, so tests run in any order)."""
    job = submit_job(frameline, Actor("local", "admin"), "demo", "render", {"scene": scene})
    view = frameline.worker.run(job.job_id)
    assert view.state == "done", view.error
    return view.result["versions"][0]


def new_key(frameline: Any, role: str) -> str:
    """A key of its own for a test that revokes it."""
    with frameline.transaction() as session:
        return create_key(session, role=role, name=f"{role}-{secrets.token_hex(3)}", project="demo")


def csrf_of(html: str) -> str:
    """The CSRF token a page's forms carry."""
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def sign_in(client: TestClient, key: str) -> Any:
    """Sign in as a person would: load the sign-in page, post the key."""
    token = csrf_of(client.get("/").text)
    return client.post("/signin", data={"key": key, "csrf": token}, follow_redirects=False)


def test_home_is_a_sign_in_page_naming_the_demo(browser: TestClient) -> None:
    response = browser.get("/", follow_redirects=False)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "demo" in response.text and "SALT LINE" in response.text
    assert 'name="key"' in response.text


def test_home_without_the_demo_names_none(home: Path) -> None:
    with open_frameline(Settings()) as frameline:
        first_start(frameline, False)
        with TestClient(create_app(frameline), headers=BROWSER) as client:
            response = client.get("/", follow_redirects=False)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "demo production" not in response.text
    assert stat.S_IMODE((home / "session.key").stat().st_mode) == 0o600


def test_a_wrong_key_shows_an_error(browser: TestClient) -> None:
    response = sign_in(browser, "fl_not-a-real-key")
    assert response.status_code == 401
    assert "not valid" in response.text
    assert "set-cookie" not in response.headers or "key_id" not in _session(response)
    assert browser.get("/").text.count('name="key"') == 1


def test_sign_in_without_the_form_token_is_refused_politely(browser: TestClient) -> None:
    response = browser.post("/signin", data={"key": "fl_x", "csrf": "forged"})
    assert response.status_code == 400
    assert "expired" in response.text


def test_a_good_key_sets_an_httponly_session_without_the_key(
    browser: TestClient, keys: Keys
) -> None:
    response = sign_in(browser, keys.admin)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("frameline_session=")
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert keys.admin not in cookie and keys.admin not in _session(response)
    projects = browser.get("/")
    assert "Open storyboard" in projects.text and 'href="/p/demo"' in projects.text


def test_pages_show_scenes_shots_lineage_and_images(
    browser: TestClient, keys: Keys, frameline: Any
) -> None:
    version = render(frameline, "2")
    sign_in(browser, keys.admin)
    board = browser.get("/p/demo")
    assert board.status_code == 200
    assert "INT. CRANE MARINE SITE OFFICE - DAY" in board.text
    assert f'id="shot-{version["shot"]}"' in board.text
    image_url = f"/p/demo/versions/{version['version_id']}/image"
    assert image_url in board.text
    image = browser.get(image_url)
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")
    shot = browser.get(f"/p/demo/shots/{version['shot']}")
    assert shot.status_code == 200
    assert "Lineage" in shot.text and version["version_id"] in shot.text


def test_a_render_from_the_page_is_followed_to_its_end(browser: TestClient, keys: Keys) -> None:
    sign_in(browser, keys.admin)
    token = csrf_of(browser.get("/p/demo").text)
    response = browser.post(
        "/p/demo/renders",
        data={"csrf": token, "scene": "4", "prompt": "the unlit lamp"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    job_id = re.search(r"job=(j[0-9a-f]+)", response.headers["location"]).group(1)
    page = browser.get(response.headers["location"])
    assert f"/p/demo/jobs/{job_id}/events" in page.text
    events = browser.get(f"/p/demo/jobs/{job_id}/events")
    assert events.headers["content-type"].startswith("text/event-stream")
    assert "event: done" in events.text and '"state": "done"' in events.text


def test_a_writer_may_not_approve_and_is_told_why(
    browser: TestClient, keys: Keys, frameline: Any
) -> None:
    version = render(frameline)
    sign_in(browser, keys.writer)
    board = browser.get("/p/demo")
    assert ">Approve<" not in board.text
    response = browser.post(
        f"/p/demo/versions/{version['version_id']}/status",
        data={"csrf": csrf_of(board.text), "status": "approved"},
    )
    assert response.status_code == 200
    assert "may not approve" in response.text and "director" in response.text
    panel = _panel(response.text, version["shot"])
    assert ">draft<" in panel


def test_a_director_approves_and_the_panel_shows_it(
    browser: TestClient, keys: Keys, frameline: Any
) -> None:
    version = render(frameline)
    sign_in(browser, keys.director)
    board = browser.get("/p/demo")
    assert ">Approve<" in _panel(board.text, version["shot"])
    response = browser.post(
        f"/p/demo/versions/{version['version_id']}/status",
        data={"csrf": csrf_of(board.text), "status": "approved"},
    )
    assert f"{version['version_id']} of shot {version['shot']} is approved" in response.text
    assert ">approved<" in _panel(response.text, version["shot"])


def test_a_post_without_the_session_token_changes_nothing(
    browser: TestClient, keys: Keys, frameline: Any
) -> None:
    version = render(frameline)
    sign_in(browser, keys.admin)
    response = browser.post(
        f"/p/demo/versions/{version['version_id']}/status", data={"status": "approved"}
    )
    assert response.status_code == 403
    assert "reload the page" in response.text and "Traceback" not in response.text
    assert ">draft<" in _panel(browser.get("/p/demo").text, version["shot"])


def test_a_project_key_sees_only_its_project(
    browser: TestClient, keys: Keys, frameline: Any
) -> None:
    version = render(frameline)
    sign_in(browser, keys.other_project)
    projects = browser.get("/").text
    assert f'href="/p/{OTHER_PROJECT}"' in projects and 'href="/p/demo"' not in projects
    assert browser.get("/p/demo").status_code == 404
    stolen = browser.get(f"/p/{OTHER_PROJECT}/versions/{version['version_id']}/image")
    assert stolen.status_code == 404 and "image/png" not in stolen.headers["content-type"]


def test_sign_out_ends_the_session(browser: TestClient, keys: Keys) -> None:
    sign_in(browser, keys.admin)
    board = browser.get("/p/demo")
    response = browser.post("/signout", data={"csrf": csrf_of(board.text)})
    assert response.status_code == 200 and 'name="key"' in response.text
    again = browser.get("/p/demo")
    assert again.status_code == 401 and 'name="key"' in again.text


def test_a_revoked_key_is_signed_out(browser: TestClient, keys: Keys, frameline: Any) -> None:
    key = new_key(frameline, "producer")
    sign_in(browser, key)
    assert browser.get("/p/demo").status_code == 200
    with frameline.transaction() as session:
        revoke_key(session, key[:16])
    assert browser.get("/p/demo").status_code == 401


def test_the_chat_panel_streams_the_assistant(browser: TestClient, keys: Keys) -> None:
    sign_in(browser, keys.admin)
    token = csrf_of(browser.get("/p/demo").text)
    refused = browser.post("/p/demo/chat", json={"text": "hello"})
    assert refused.status_code == 403
    answer = browser.post(
        "/p/demo/chat",
        json={"text": "what happens in scene 3?"},
        headers={"X-CSRF-Token": token},
    )
    assert answer.headers["content-type"].startswith("text/event-stream")
    assert "event: tool_call" in answer.text and "event: done" in answer.text
    assert "SALT MARSH" in answer.text
    assert "offline-planner (not a language model)" in answer.text  # the label reaches the page


def test_errors_are_pages_for_browsers_and_problems_for_the_api(browser: TestClient) -> None:
    page = browser.get("/no-such-page")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    api = browser.get("/v1/projects")
    assert api.status_code == 401
    assert api.headers["content-type"] == "application/problem+json"


def _session(response: Any) -> str:
    """The readable part of the signed session cookie (its payload is base64 JSON)."""
    value = response.headers.get("set-cookie", "").split(";")[0].partition("=")[2]
    payload = value.split(".")[0]
    return base64.b64decode(payload + "=" * (-len(payload) % 4)).decode()


def _panel(html: str, shot: str) -> str:
    """The storyboard panel of one shot."""
    start = html.index(f'id="shot-{shot}"')
    return html[start : html.index("</li>", start)]
