"""No single request can freeze, crash or fool the server: hostile uploads, names and ids.

Each case asserts a clear 4xx (or a fast success), a bounded time, and records left unchanged.
"""

from __future__ import annotations

import io
import logging
import statistics
import threading
import time
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import func, select

import tools.scripts
from memory.records import CharacterReference, ContinuityFact, Job, Scene, ScriptImport
from tests.api.conftest import OTHER_PROJECT, Keys

PROBLEM = "application/problem+json"
LONG = 100_000


def count(frameline: Any, record: Any) -> int:
    with frameline.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(record)) or 0)


def upload(client: TestClient, keys: Keys, name: str, content: bytes, role: str = "admin") -> Any:
    return client.post(
        f"/v1/projects/{OTHER_PROJECT}/scripts",
        files={"file": (name, content, "application/octet-stream")},
        headers=keys.header("other_project" if role == "admin" else role),
    )


def hostile_fountain() -> bytes:
    """Long action lines that made the old fact regexes backtrack for minutes."""
    lines = ["A" * LONG, "Ab" * (LONG // 2), "wraps her left hand " * (LONG // 20)]
    scenes = (f"INT. HOUSE {n} - DAY\n\nMARA walks in.\n\n{line}" for n, line in enumerate(lines))
    body = "\n\n".join(scenes)
    return body.encode()


def test_a_hostile_screenplay_imports_fast_and_healthz_stays_responsive(
    client: TestClient, keys: Keys
) -> None:
    outcome: dict[str, Any] = {}

    def send() -> None:
        started = time.perf_counter()
        outcome["response"] = upload(client, keys, "hostile.fountain", hostile_fountain())
        outcome["seconds"] = time.perf_counter() - started

    worker = threading.Thread(target=send)
    worker.start()
    latencies = []
    while worker.is_alive():
        started = time.perf_counter()
        assert client.get("/healthz").status_code == 200
        latencies.append(time.perf_counter() - started)
        time.sleep(0.02)
    worker.join()
    assert outcome["response"].status_code == 200, outcome["response"].text
    assert outcome["response"].json()["scenes"] == 3
    assert outcome["seconds"] < 30
    assert latencies and max(latencies) < 1.0
    assert statistics.median(latencies) < 0.1


def test_a_runaway_import_is_stopped_with_a_clear_422_and_nothing_written(
    client: TestClient, keys: Keys, frameline: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = (count(frameline, Scene), count(frameline, ScriptImport))
    monkeypatch.setattr(tools.scripts, "SCREENPLAY_SECONDS", 0.001)
    started = time.perf_counter()
    answer = upload(client, keys, "slow.fountain", b"INT. HOUSE - DAY\n\nMara waits.\n")
    assert time.perf_counter() - started < 10
    assert answer.status_code == 422 and answer.headers["content-type"] == PROBLEM
    assert "took longer than" in answer.json()["detail"]
    assert (count(frameline, Scene), count(frameline, ScriptImport)) == before


def test_nested_final_draft_is_a_clear_422_without_a_traceback(
    client: TestClient, keys: Keys, frameline: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    before = count(frameline, Scene)
    nested = "<Paragraph><DualDialogue>" * 800 + "</DualDialogue></Paragraph>" * 800
    document = f"<?xml version='1.0'?><FinalDraft><Content>{nested}</Content></FinalDraft>"
    started = time.perf_counter()
    answer = upload(client, keys, "nested.fdx", document.encode())
    assert time.perf_counter() - started < 10
    assert answer.status_code == 422, answer.text
    assert "nest deeper than" in answer.json()["detail"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert count(frameline, Scene) == before


def test_an_entity_bomb_in_utf16_is_refused(client: TestClient, keys: Keys) -> None:
    bomb = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE FinalDraft [<!ENTITY a "aaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><FinalDraft><Content><Paragraph>'
        "<Text>&b;&b;</Text></Paragraph></Content></FinalDraft>"
    )
    answer = upload(client, keys, "bomb.fdx", bomb.encode("utf-16"))
    assert answer.status_code == 422 and "entities" in answer.json()["detail"]


def test_a_huge_reference_image_is_refused_quickly(client: TestClient, frameline: Any) -> None:
    png = io.BytesIO()
    Image.new("L", (8000, 8000)).save(png, format="PNG")
    assert len(png.getvalue()) < 200_000  # small on the wire, 64 megapixels decoded
    before = count(frameline, CharacterReference)
    started = time.perf_counter()
    answer = client.post(
        "/v1/projects/demo/characters/MARA/references",
        files={"file": ("huge.png", png.getvalue(), "image/png")},
    )
    assert time.perf_counter() - started < 5
    assert answer.status_code == 422 and "8000×8000" in answer.json()["detail"]
    assert count(frameline, CharacterReference) == before


@pytest.mark.parametrize(
    "body",
    [
        {"scene": "1", "width": 640},
        {"scene": "1", "height": 480},
        {"scene": "1", "shot": "../../x"},
        {"scene": "1", "shot": "1\u202eA"},
        {"scene": "1", "shot": "1A\x00"},
        {"scene": "1\x00"},
        {"scene": "1", "characters": ["MA\u202eRA"]},
    ],
)
def test_bad_render_requests_are_refused_before_any_job(
    client: TestClient, frameline: Any, body: dict[str, Any]
) -> None:
    before = count(frameline, Job)
    answer = client.post("/v1/projects/demo/renders", json=body)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == PROBLEM
    assert count(frameline, Job) == before


def test_a_revision_with_a_malformed_region_is_a_422_not_a_500(
    client: TestClient, frameline: Any
) -> None:
    accepted = client.post("/v1/projects/demo/renders", json={"scene": "1", "seed": 3})
    job_id = accepted.json()["job_id"]
    with client.stream("GET", f"/v1/jobs/{job_id}/events") as stream:
        stream.read()
    [version] = client.get(f"/v1/jobs/{job_id}").json()["result"]["versions"]
    before = count(frameline, Job)
    for region in ([], [1, 2], [0, 0, 10, 10, 20], "\u202esky"):
        answer = client.post(
            f"/v1/versions/{version['version_id']}/revisions",
            json={"instruction": "make it night", "region": region},
        )
        assert answer.status_code == 422, (region, answer.text)
    assert count(frameline, Job) == before


def test_fact_subjects_with_bidi_or_control_characters_are_refused(
    client: TestClient, frameline: Any
) -> None:
    before = count(frameline, ContinuityFact)
    for text in ("MA\u202eRA: bandage on left hand", "Mara\x00: coat", "Tom: hat\u2066 on"):
        answer = client.post("/v1/projects/demo/facts", json={"text": text})
        assert answer.status_code == 422, (text, answer.text)
    assert count(frameline, ContinuityFact) == before


def test_a_script_file_name_with_bidi_characters_is_refused(client: TestClient, keys: Keys) -> None:
    answer = upload(client, keys, "evil\u202etnuof.fountain", b"INT. HOUSE - DAY\n\nHi.\n")
    assert answer.status_code == 422 and "file name" in answer.json()["detail"]


def test_a_conversation_is_read_and_continued_only_by_its_participants(
    client: TestClient, keys: Keys
) -> None:
    thread = uuid.uuid4().hex
    url = f"/v1/conversations/{thread}/messages"
    said = client.post(
        url, json={"project": "demo", "text": "what is scene 3?"}, headers=keys.header("writer")
    )
    assert said.status_code == 200
    mine = client.get(f"/v1/conversations/{thread}", headers=keys.header("writer"))
    assert mine.status_code == 200 and mine.json()["project"] == "demo"
    for role in ("director", "producer", "admin", "other_project"):
        seen = client.get(f"/v1/conversations/{thread}", headers=keys.header(role))
        assert seen.status_code == 404, role
        posted = client.post(
            url, json={"project": "demo", "text": "and scene 4?"}, headers=keys.header(role)
        )
        assert posted.status_code == 404, role
    again = client.get(f"/v1/conversations/{thread}", headers=keys.header("writer"))
    assert [m["role"] for m in again.json()["messages"]] == [
        m["role"] for m in mine.json()["messages"]
    ]
