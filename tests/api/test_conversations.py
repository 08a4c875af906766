"""Conversations over HTTP: a turn as SSE, its history, and approvals by role."""

from __future__ import annotations

import json
import uuid
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import Keys

PROBLEM = "application/problem+json"


def say(
    client: TestClient, keys: Keys, role: str, text: str, thread: str | None = None
) -> tuple[str, list[tuple[str, Any]]]:
    """Post a message and read its events until the stream ends."""
    thread = thread or uuid.uuid4().hex
    events: list[tuple[str, Any]] = []
    name = ""
    with client.stream(
        "POST",
        f"/v1/conversations/{thread}/messages",
        json={"project": "demo", "text": text},
        headers=keys.header(role),
    ) as stream:
        assert stream.status_code == 200, stream.read()
        assert stream.headers["content-type"].startswith("text/event-stream")
        for line in stream.iter_lines():
            if line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: "):
                events.append((name, json.loads(line.removeprefix("data: "))))
    return thread, events


def test_a_turn_streams_its_events_then_done(client: TestClient, keys: Keys) -> None:
    thread, events = say(
        client, keys, "writer", "give me two frames of scene 3, Mara in the doorway"
    )
    names = [name for name, _ in events]
    assert names[-1] == "done" and "error" not in names
    assert names.index("tool_call") < names.index("token") < names.index("done")
    assert events[names.index("tool_call")][1]["name"] == "render_frames"
    steps = [data for name, data in events if name == "progress" and "step" in data]
    assert steps and steps[-1]["step"] == steps[-1]["total"]
    done = events[-1][1]
    assert {"reply", "thread_id", "model", "tool_calls", "pending"} <= set(done)
    assert done["thread_id"] == thread and done["model"] == "offline-planner"
    assert done["reply"].startswith("Rendered 2 frame(s) of scene 3")

    history = client.get(f"/v1/conversations/{thread}", headers=keys.header("writer"))
    assert history.status_code == 200
    roles = [m["role"] for m in history.json()["messages"]]
    assert roles == ["user", "assistant", "tool", "assistant"]
    assert history.json()["project"] == "demo"


def test_another_projects_key_sees_no_conversation(client: TestClient, keys: Keys) -> None:
    thread, _ = say(client, keys, "admin", "what happens in scene 1?")
    outsider = keys.header("other_project")
    assert client.get(f"/v1/conversations/{thread}", headers=outsider).status_code == 404
    posted = client.post(
        f"/v1/conversations/{thread}/messages",
        json={"project": "demo", "text": "lock 1A"},
        headers=outsider,
    )
    assert posted.status_code == 404 and posted.headers["content-type"] == PROBLEM
    assert client.get("/v1/projects/demo/approvals", headers=outsider).status_code == 404


def test_bad_messages_are_problems(client: TestClient, keys: Keys) -> None:
    url = f"/v1/conversations/{uuid.uuid4().hex}/messages"
    empty = client.post(url, json={"project": "demo", "text": "  "})
    assert empty.status_code == 422 and "empty" in empty.json()["detail"]
    nowhere = client.post(url, json={"project": "nowhere", "text": "hello"})
    assert nowhere.status_code == 404
    assert (
        client.post(
            url, json={"project": "demo", "text": "hi"}, headers={"Authorization": ""}
        ).status_code
        == 401
    )
    assert client.get(f"/v1/conversations/{uuid.uuid4().hex}").status_code == 404


def test_a_lock_waits_for_a_director_over_http(client: TestClient, keys: Keys) -> None:
    _, rendered = say(client, keys, "admin", "give me a frame of scene 5")
    shot = rendered[-1][1]["reply"].split(" as shot ")[1].split(":")[0]
    say(client, keys, "admin", f"approve {shot}")  # a draft is approved before it is locked
    thread, events = say(client, keys, "producer", f"lock {shot}")
    [asked] = [data for name, data in events if name == "approval"]
    assert (asked["action"], asked["needs_role"]) == ("lock", "director")
    assert events[-1][1]["pending"][0]["approval_id"] == asked["approval_id"]

    listed = client.get("/v1/projects/demo/approvals", headers=keys.header("writer")).json()
    assert asked["approval_id"] in [a["approval_id"] for a in listed["items"]]
    assert listed["next"] is None

    url = f"/v1/approvals/{asked['approval_id']}"
    refused = client.post(url, json={"decision": "approve"}, headers=keys.header("writer"))
    assert refused.status_code == 403 and refused.headers["content-type"] == PROBLEM
    outsider = client.post(url, json={"decision": "approve"}, headers=keys.header("other_project"))
    assert outsider.status_code == 404
    assert client.post(url, json={"decision": "maybe"}).status_code == 422

    done = client.post(url, json={"decision": "approve"}, headers=keys.header("director"))
    assert done.status_code == 200
    assert done.json()["thread_id"] == thread and done.json()["pending"] == []
    assert "is now locked." in done.json()["reply"]
    assert done.json()["reply"].endswith("offline-planner (not a language model)")
    again = client.post(url, json={"decision": "approve"}, headers=keys.header("director"))
    assert again.status_code == 409
