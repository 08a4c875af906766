"""The /v1 routes clients rely on, through the real app on a home with the demo production."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import func, select

from api.main import create_app
from frameline.commands.server import ADMIN_KEY_FILE, first_start
from frameline.settings import Settings
from frameline.wiring import open_frameline
from memory.records import Job, Version
from tests.api.conftest import Keys
from tests.cli_runner import DEMO

PROBLEM = "application/problem+json"
VERSION_FIELDS: dict[str, type | tuple[type, ...]] = {
    "version_id": str,
    "project": str,
    "scene": str,
    "shot": str,
    "parent_id": (str, type(None)),
    "image_path": str,
    "width": int,
    "height": int,
    "seed": int,
    "backend": str,
    "status": str,
    "stale": bool,
    "continuity": str,
}
DOCUMENTED_PATHS = {
    "/v1/projects",
    "/v1/projects/{slug}/scenes",
    "/v1/projects/{slug}/characters",
    "/v1/projects/{slug}/shots",
    "/v1/projects/{slug}/scripts",
    "/v1/projects/{slug}/renders",
    "/v1/versions/{version_id}",
    "/v1/versions/{version_id}/image",
    "/v1/jobs/{job_id}/events",
}


def job_events(client: TestClient, job_id: str) -> list[tuple[str, dict[str, Any]]]:
    """Every SSE event of a job, read until the stream ends (it ends after `done`)."""
    events: list[tuple[str, dict[str, Any]]] = []
    name = ""
    with client.stream("GET", f"/v1/jobs/{job_id}/events") as stream:
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        for line in stream.iter_lines():
            if line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: "):
                events.append((name, json.loads(line.removeprefix("data: "))))
    return events


def finish(client: TestClient, response: Any) -> dict[str, Any]:
    """The one version a 202-accepted job made, after following its events to `done`."""
    assert response.status_code == 202, response.text
    events = job_events(client, response.json()["job_id"])
    names = [name for name, _ in events]
    assert names[-1] == "done" and set(names[:-1]) == {"progress"}, names
    job = events[-1][1]
    assert job["state"] == "done", job
    [version] = job["result"]["versions"]
    return version


def render(client: TestClient, **request: Any) -> dict[str, Any]:
    """Render a frame of the demo through the API and wait for it."""
    return finish(client, client.post("/v1/projects/demo/renders", json=request))


def pixels(client: TestClient, version_id: str) -> np.ndarray:
    """A version's frame as decoded RGB pixels."""
    response = client.get(f"/v1/versions/{version_id}/image")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    return np.asarray(image.convert("RGB"))


def shot_codes(client: TestClient) -> list[tuple[str, int]]:
    """Each shot of the demo with its number of versions."""
    response = client.get("/v1/projects/demo/shots", params={"limit": 500})
    assert response.status_code == 200
    return [(shot["code"], shot["versions"]) for shot in response.json()["items"]]


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    """The response is a problem document with this status."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    document = response.json()
    assert document["status"] == status and document["detail"]
    return document


@pytest.fixture(scope="module")
def draft(client: TestClient) -> dict[str, Any]:
    """A fresh frame of scene 3 that tests may read but not change."""
    return render(client, scene="3", seed=5)


def test_health_and_openapi_list_the_v1_routes(client: TestClient) -> None:
    assert client.get("/healthz").status_code == 200
    schema = client.get("/openapi.json").json()
    assert set(schema["paths"]) >= DOCUMENTED_PATHS


@pytest.mark.parametrize(
    "path", ["/v1/projects", "/v1/projects/demo/scenes", "/v1/versions/v1", "/v1/jobs/j1/events"]
)
@pytest.mark.parametrize("authorization", [None, "Bearer fl_not-a-key", "Basic abc", "Bearer "])
def test_a_missing_or_wrong_key_is_401(app: FastAPI, path: str, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = TestClient(app).get(path, headers=headers)
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


def test_a_key_of_another_project_finds_nothing_of_demo(
    client: TestClient, keys: Keys, draft: dict[str, Any]
) -> None:
    accepted = client.post("/v1/projects/demo/renders", json={"scene": "1", "seed": 1})
    finish(client, accepted)
    job_id = accepted.json()["job_id"]
    outsider = keys.header("other_project")
    for path in (
        "/v1/projects/demo",
        "/v1/projects/demo/scenes",
        "/v1/projects/demo/shots",
        f"/v1/versions/{draft['version_id']}",
        f"/v1/versions/{draft['version_id']}/image",
        f"/v1/jobs/{job_id}",
        f"/v1/jobs/{job_id}/events",
    ):
        assert_problem(client.get(path, headers=outsider), 404)
    listed = client.get("/v1/projects", headers=outsider).json()["items"]
    assert [project["slug"] for project in listed] == ["other"]
    assert_problem(client.post(f"/v1/jobs/{job_id}/cancel", headers=outsider), 404)


def test_approval_needs_a_director_and_locked_versions_cannot_be_revised(
    client: TestClient, keys: Keys
) -> None:
    version_id = render(client, scene="2", seed=11)["version_id"]
    status = f"/v1/versions/{version_id}/status"
    refused = client.post(status, json={"status": "approved"}, headers=keys.header("writer"))
    assert_problem(refused, 403)
    assert client.get(f"/v1/versions/{version_id}").json()["status"] == "draft"

    approved = client.post(status, json={"status": "approved"}, headers=keys.header("director"))
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    locked = client.post(status, json={"status": "locked"}, headers=keys.header("director"))
    assert locked.status_code == 200 and locked.json()["status"] == "locked"

    revision = client.post(f"/v1/versions/{version_id}/revisions", json={"instruction": "night"})
    assert_problem(revision, 409)
    assert_problem(client.post(status, json={"status": "draft"}), 409)


def test_lists_page_with_a_cursor_until_next_is_null(client: TestClient) -> None:
    everything = client.get("/v1/projects/demo/scenes").json()
    assert everything["next"] is None and len(everything["items"]) == 10
    pages: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/v1/projects/demo/scenes", params=params).json()
        assert set(page) == {"items", "next"} and len(page["items"]) <= 2
        pages.extend(page["items"])
        cursor = page["next"]
        if cursor is None:
            break
    assert pages == everything["items"]
    for path in ("/v1/projects", "/v1/projects/demo/characters", "/v1/projects/demo/shots"):
        assert set(client.get(path).json()) == {"items", "next"}


@pytest.mark.parametrize("cursor", ["abc", "9999", "-1"])
def test_a_cursor_the_api_never_gave_is_422(client: TestClient, cursor: str) -> None:
    assert_problem(client.get("/v1/projects/demo/scenes", params={"cursor": cursor}), 422)


def test_a_render_streams_progress_then_done_with_a_documented_version(client: TestClient) -> None:
    accepted = client.post("/v1/projects/demo/renders", json={"scene": "3", "seed": 5})
    assert accepted.status_code == 202 and set(accepted.json()) == {"job_id"}
    version = finish(client, accepted)
    for field, kind in VERSION_FIELDS.items():
        assert isinstance(version[field], kind), (field, version[field])
    assert version["project"] == "demo" and version["scene"] == "3"
    assert version["parent_id"] is None and version["seed"] == 5
    assert version["backend"] in {"previz", "diffusers", "bedrock"}
    assert version["status"] == "draft" and version["stale"] is False
    assert version["continuity"] in {"pass", "fail", "not_checkable", "pending"}
    assert Path(version["image_path"]).is_absolute()
    assert client.get(f"/v1/versions/{version['version_id']}").json() == version

    frame = pixels(client, version["version_id"])
    assert frame.shape == (version["height"], version["width"], 3)


def test_the_same_seed_gives_the_same_drawing_each_marked_as_itself(
    client: TestClient, draft: dict[str, Any]
) -> None:
    again = render(client, scene="3", seed=5, shot=draft["shot"])
    assert again["version_id"] != draft["version_id"]
    difference = pixels(client, again["version_id"]).astype(float) - pixels(
        client, draft["version_id"]
    )
    assert 10 * np.log10(255**2 / max(np.mean(difference**2), 1e-9)) > 36
    for version in (draft, again):
        image = client.get(f"/v1/versions/{version['version_id']}/image").content
        answer = client.post(
            "/v1/provenance/verify", files={"file": ("frame.png", image, "image/png")}
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["watermark"]["version_id"] == version["version_id"]
        assert answer.json()["c2pa"]["version_id"] == version["version_id"]


def test_a_region_revision_keeps_every_pixel_outside_the_box(
    client: TestClient, draft: dict[str, Any]
) -> None:
    accepted = client.post(
        f"/v1/versions/{draft['version_id']}/revisions",
        json={"instruction": "make it night", "region": [0, 0, 100, 100]},
    )
    child = finish(client, accepted)
    assert child["parent_id"] == draft["version_id"] and child["shot"] == draft["shot"]
    parent_frame = pixels(client, draft["version_id"])
    child_frame = pixels(client, child["version_id"])
    outside = np.ones(parent_frame.shape[:2], dtype=bool)
    outside[0:100, 0:100] = False
    assert np.array_equal(child_frame[outside], parent_frame[outside])
    assert not np.array_equal(child_frame[~outside], parent_frame[~outside])


def test_an_unknown_scene_is_404_and_writes_nothing(client: TestClient, frameline: Any) -> None:
    shots = shot_codes(client)
    with frameline.transaction() as session:
        jobs = session.scalar(select(func.count()).select_from(Job))
        versions = session.scalar(select(func.count()).select_from(Version))
    problem = assert_problem(client.post("/v1/projects/demo/renders", json={"scene": "99"}), 404)
    assert "99" in problem["detail"]
    assert shot_codes(client) == shots
    with frameline.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Job)) == jobs
        assert session.scalar(select(func.count()).select_from(Version)) == versions


@pytest.mark.parametrize("region", [[500, 500, 5000, 5000], [-1, 0, 10, 10], [10, 10, 10, 20]])
def test_a_region_outside_the_frame_or_empty_is_422(
    client: TestClient, draft: dict[str, Any], region: list[int]
) -> None:
    response = client.post(
        f"/v1/versions/{draft['version_id']}/revisions",
        json={"instruction": "make it night", "region": region},
    )
    assert_problem(response, 422)


def test_an_unknown_version_is_404(client: TestClient) -> None:
    assert_problem(client.get("/v1/versions/v999999"), 404)
    assert_problem(client.get("/v1/versions/v999999/image"), 404)
    assert_problem(client.post("/v1/versions/v999999/revisions", json={"instruction": "x"}), 404)
    assert_problem(client.get("/v1/jobs/jnothing"), 404)


def test_reuploading_the_demo_script_changes_nothing(client: TestClient) -> None:
    script = (DEMO / "demo.fountain").read_bytes()
    response = client.post(
        "/v1/projects/demo/scripts", files={"file": ("demo.fountain", script, "text/plain")}
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["project"] == "demo" and report["scenes"] == 10
    assert (report["added"], report["changed"], report["removed"]) == (0, 0, 0)


def test_a_junk_upload_is_422_naming_the_file_and_changes_nothing(client: TestClient) -> None:
    before = client.get("/v1/projects/demo/scenes").json()
    junk = bytes(range(256)) * 64
    response = client.post(
        "/v1/projects/demo/scripts", files={"file": ("junk.fountain", junk, "text/plain")}
    )
    assert "junk.fountain" in assert_problem(response, 422)["detail"]
    assert client.get("/v1/projects/demo/scenes").json() == before


@pytest.fixture
def small_upload_app(home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """An app on an empty home whose upload limit is 1 MiB, signed in as its admin."""
    monkeypatch.setenv("FRAMELINE_MAX_UPLOAD_MB", "1")
    with open_frameline(Settings()) as wired:
        first_start(wired, load_demo_production=False)
        key = (home / ADMIN_KEY_FILE).read_text().strip()
        app = create_app(wired)
        with TestClient(app, headers={"Authorization": f"Bearer {key}"}) as client:
            yield client


def test_a_body_over_the_upload_limit_is_413(small_upload_app: TestClient) -> None:
    two_mib = b"INT. ROOM - DAY\n\n" + b"x" * (2 * 1024 * 1024)
    declared = small_upload_app.post(
        "/v1/projects/demo/scripts", files={"file": ("big.fountain", two_mib, "text/plain")}
    )
    assert_problem(declared, 413)
    streamed = small_upload_app.post(
        "/v1/projects/demo/scripts",
        content=iter([two_mib[i : i + 65536] for i in range(0, len(two_mib), 65536)]),
        headers={"Content-Type": "multipart/form-data; boundary=frameline"},
    )
    assert_problem(streamed, 413)


def test_a_wrong_content_type_is_415_and_malformed_json_422(client: TestClient) -> None:
    plain = client.post(
        "/v1/projects/demo/renders",
        content=b'{"scene": "3"}',
        headers={"Content-Type": "text/plain"},
    )
    assert_problem(plain, 415)
    malformed = client.post(
        "/v1/projects/demo/renders",
        content=b'{"scene": ',
        headers={"Content-Type": "application/json"},
    )
    assert_problem(malformed, 422)
    assert_problem(client.post("/v1/projects/demo/renders", json={"scene": "3", "frob": 1}), 422)


def test_a_fact_is_stored_and_one_about_an_unknown_scene_is_refused(client: TestClient) -> None:
    stored = client.post("/v1/projects/demo/facts", json={"text": "Mara: limps, scenes 3-4"})
    assert stored.status_code == 201, stored.text
    fact = stored.json()
    assert (fact["subject"], fact["from_scene"], fact["to_scene"]) == ("Mara", "3", "4")
    before = client.get("/v1/projects/demo/facts").json()["items"]
    assert fact in before

    refused = client.post("/v1/projects/demo/facts", json={"text": "Mara: limps, scenes 3-99"})
    assert refused.status_code in {404, 422}
    assert "99" in assert_problem(refused, refused.status_code)["detail"]
    assert client.get("/v1/projects/demo/facts").json()["items"] == before


def test_search_scores_hits_between_0_and_1(client: TestClient) -> None:
    response = client.get("/v1/projects/demo/search", params={"q": "bandage"})
    assert response.status_code == 200
    hits = response.json()
    assert hits and all(0.0 <= hit["score"] <= 1.0 for hit in hits)
    assert [hit["score"] for hit in hits] == sorted((hit["score"] for hit in hits), reverse=True)
    assert any("bandage" in hit["text"].lower() for hit in hits[:3])


def test_an_unusual_method_is_405(client: TestClient) -> None:
    assert_problem(client.request("QUERY", "/v1/projects"), 405)
    assert client.request("DELETE", "/v1/projects").status_code == 405


def test_a_jobs_place_in_the_queue_is_visible(client: TestClient, keys: Keys) -> None:
    job = client.post(
        "/v1/projects/demo/renders", json={"scene": "2", "seed": 3}, headers=keys.header()
    ).json()["job_id"]
    place = client.get(f"/v1/jobs/{job}/queue", headers=keys.header())
    assert place.status_code == 200
    body = place.json()
    assert body["job_id"] == job and body["state"] in {"queued", "running", "done"}
    if body["state"] != "done":
        assert body["position"] is not None and body["estimated_start"]
    other = client.get(f"/v1/jobs/{job}/queue", headers=keys.header("other_project"))
    assert other.status_code == 404
