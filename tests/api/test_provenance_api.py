"""`POST /v1/provenance/verify`: any key may ask; a key learns names only of its own project."""

from __future__ import annotations

import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from tests.api.conftest import Keys
from tests.api.test_routes import render

pytestmark = pytest.mark.slow


def upload(client: TestClient, data: bytes, role: str, keys: Keys, name: str = "f.png") -> Any:
    return client.post(
        "/v1/provenance/verify",
        files={"file": (name, data, "image/png")},
        headers=keys.header(role),
    )


def test_verify_names_the_version_for_its_project_and_hides_it_from_others(
    client: TestClient, keys: Keys
) -> None:
    draft = render(client, scene="3", seed=5)
    image = client.get(f"/v1/versions/{draft['version_id']}/image").content
    buffer = io.BytesIO()
    Image.open(io.BytesIO(image)).convert("RGB").save(buffer, "JPEG", quality=80)
    for data in (image, buffer.getvalue()):
        answer = upload(client, data, "writer", keys)
        assert answer.status_code == 200
        assert answer.json()["watermark"]["version_id"] == draft["version_id"]
    other = upload(client, image, "other_project", keys).json()
    assert other["watermark"] == {
        "found": True,
        "version_id": None,
        "project": None,
        "note": "a frame of a project this key cannot see",
        "sync_strength": other["watermark"]["sync_strength"],
    }


def test_verify_refuses_what_is_not_an_image_and_needs_a_key(
    client: TestClient, keys: Keys
) -> None:
    answer = upload(client, b"FADE IN:", "writer", keys, name="script.fountain")
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert "script.fountain" in answer.json()["detail"]
    assert (
        client.post(
            "/v1/provenance/verify",
            files={"file": ("f.png", b"x", "image/png")},
            headers={"Authorization": "Bearer nope"},
        ).status_code
        == 401
    )
