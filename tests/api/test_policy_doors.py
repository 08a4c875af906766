"""Every render gate through the HTTP doors (the API and the web page's render form): a gated
render answers 202 with the approval and a `waiting` job, nothing is drawn or charged until a
producer approves at POST /v1/approvals/{id}, and a role that may not decide is refused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from frameline.commands.server import ADMIN_KEY_FILE, first_start
from frameline.settings import Settings
from frameline.wiring import open_frameline
from memory.keys import create_key
from tests.api.conftest import Keys
from tests.api.test_routes import job_events
from tests.api.test_web import BROWSER, csrf_of, sign_in
from tests.policy_cases import (
    GATE_IDS,
    GATES,
    GateCase,
    approval_state,
    arm,
    job_state,
    tally,
    tighten,
)


@dataclass
class Door:
    """The app with one gate armed, keys by role, and a client."""

    frameline: Any
    client: TestClient
    keys: dict[str, str]
    case: GateCase

    def header(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}"}


@pytest.fixture(params=GATES, ids=GATE_IDS)
def door(
    request: pytest.FixtureRequest, home: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Door]:
    case: GateCase = request.param
    arm(monkeypatch, case)
    with open_frameline(Settings()) as frameline:
        first_start(frameline, load_demo_production=True)
        tighten(frameline, case)
        with frameline.transaction() as session:
            keys = {
                role: create_key(session, role=role, name=f"{role}-person", project="demo")
                for role in ("writer", "director", "producer")
            }
        keys["admin"] = (home / ADMIN_KEY_FILE).read_text().strip()
        admin = {"Authorization": f"Bearer {keys['admin']}"}
        with TestClient(create_app(frameline), headers=admin) as client:
            yield Door(frameline, client, keys, case)


def check_waits_then_released(door: Door, job_id: str, approval: dict[str, Any]) -> None:
    """Nothing is made while the job waits; the wrong roles cannot release it; a producer can."""
    before = tally(door.frameline)
    assert job_state(door.frameline, job_id) == "waiting"
    job = door.client.get(f"/v1/jobs/{job_id}", headers=door.header("writer")).json()
    assert job["state"] == "waiting" and job["result"] == {}

    decide = f"/v1/approvals/{approval['approval_id']}"
    for role in ("writer", "director"):
        refused = door.client.post(decide, json={"decision": "approve"}, headers=door.header(role))
        assert refused.status_code == 403, refused.text
    assert approval_state(door.frameline, approval["approval_id"]) == "pending"
    assert tally(door.frameline) == before

    released = door.client.post(
        decide, json={"decision": "approve"}, headers=door.header("producer")
    )
    assert released.status_code == 200, released.text
    assert released.json()["approval"]["state"] == "approved"
    events = job_events(door.client, job_id)
    final = events[-1][1]
    assert events[-1][0] == "done" and final["state"] == "done", final
    assert len(final["result"]["versions"]) == door.case.count
    assert tally(door.frameline)["versions"] == before["versions"] + door.case.count
    assert tally(door.frameline)["ledger"] == before["ledger"] + door.case.count


def test_the_api_render_route_waits_for_a_producer(door: Door) -> None:
    before = tally(door.frameline)
    response = door.client.post(
        "/v1/projects/demo/renders",
        json={"scene": "3", "count": door.case.count},
        headers=door.header("writer"),
    )
    assert response.status_code == 202, response.text
    body = response.json()
    assert set(body) == {"job_id", "approval"}
    assert set(body["approval"]) == {"approval_id", "needs_role", "reason"}
    assert body["approval"]["needs_role"] == "producer"
    assert door.case.reason in body["approval"]["reason"]
    assert tally(door.frameline) == before
    pending = door.client.get("/v1/projects/demo/approvals", headers=door.header("producer"))
    assert body["approval"]["approval_id"] in [a["approval_id"] for a in pending.json()["items"]]
    check_waits_then_released(door, body["job_id"], body["approval"])


def test_a_rejected_api_render_is_cancelled(door: Door) -> None:
    before = tally(door.frameline)
    body = door.client.post(
        "/v1/projects/demo/renders",
        json={"scene": "2", "count": door.case.count},
        headers=door.header("writer"),
    ).json()
    rejected = door.client.post(
        f"/v1/approvals/{body['approval']['approval_id']}",
        json={"decision": "reject"},
        headers=door.header("producer"),
    )
    assert rejected.status_code == 200 and rejected.json()["job"]["state"] == "cancelled"
    assert job_state(door.frameline, body["job_id"]) == "cancelled"
    assert tally(door.frameline) == before


def test_the_web_render_form_waits_for_a_producer(door: Door) -> None:
    if door.case.count > 1:
        pytest.skip("the page's render form asks for one frame; the count gate cannot arise")
    with TestClient(door.client.app, headers=BROWSER) as browser:
        sign_in(browser, door.keys["writer"])
        token = csrf_of(browser.get("/p/demo").text)
        before = tally(door.frameline)
        response = browser.post(
            "/p/demo/renders", data={"csrf": token, "scene": "3"}, follow_redirects=False
        )
        assert response.status_code == 303
        job_id = re.search(r"job=(j[0-9a-f]+)", response.headers["location"]).group(1)
        page = browser.get(response.headers["location"])
        assert "producer" in page.text and "approval" in page.text
    assert tally(door.frameline) == before
    [asked] = [
        a
        for a in door.client.get(
            "/v1/projects/demo/approvals", headers=door.header("producer")
        ).json()["items"]
        if a["details"].get("job_id") == job_id
    ]
    check_waits_then_released(door, job_id, asked)


def test_an_admin_renders_at_once_and_the_answer_has_no_approval(door: Door) -> None:
    response = door.client.post(
        "/v1/projects/demo/renders",
        json={"scene": "3", "count": door.case.count},
        headers=door.header("admin"),
    )
    assert response.status_code == 202 and set(response.json()) == {"job_id"}
    final = job_events(door.client, response.json()["job_id"])[-1][1]
    assert final["state"] == "done"


def test_lock_rules_hold_through_the_api(client: TestClient, keys: Keys) -> None:
    accepted = client.post("/v1/projects/demo/renders", json={"scene": "2", "count": 2})
    final = job_events(client, accepted.json()["job_id"])[-1][1]
    first, second = (v["version_id"] for v in final["result"]["versions"])
    director = keys.header("director")

    def status(version_id: str, role: str = "director", **body: Any) -> Any:
        return client.post(
            f"/v1/versions/{version_id}/status", json=body, headers=keys.header(role)
        )

    draft = status(first, status="locked")
    assert draft.status_code == 409 and "approve it before locking" in draft.json()["detail"]
    assert status(first, status="locked", approve=True).json()["status"] == "locked"
    assert status(second, status="approved").json()["status"] == "approved"
    second_lock = status(second, status="locked")
    assert second_lock.status_code == 409 and first in second_lock.json()["detail"]

    assert status(first, "writer", status="approved", override_reason="recut").status_code == 403
    assert status(first, status="approved").status_code == 409  # an unlock needs a reason
    unlocked = status(first, status="approved", override_reason="the cut changed")
    assert unlocked.status_code == 200 and unlocked.json()["status"] == "approved"
    assert status(second, status="locked").json()["status"] == "locked"
    assert client.get(f"/v1/versions/{first}", headers=director).json()["status"] == "approved"
