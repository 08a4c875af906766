"""Exports over HTTP: a cut with its frames zipped beside it, an animatic with SSE progress."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import av
import opentimelineio as otio
from fastapi.testclient import TestClient

from tests.api.conftest import Keys
from tools.context import Actor
from tools.exports import read_board
from tools.frames import render_frame


def events(text: str) -> list[tuple[str, Any]]:
    """An SSE body as (event, data) pairs."""
    pairs = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        pairs.append((lines["event"], json.loads(lines["data"])))
    return pairs


def test_exports_download_cut_animatic_and_progress(
    client: TestClient, keys: Keys, frameline: Any, tmp_path: Path
) -> None:
    for seed in (1, 2):
        render_frame(frameline, Actor("wren", "writer"), "demo", "1", seed=seed)
    # Whatever else the demo came with, every shot is held half a second.
    shots = [shot.code for shot in read_board(frameline, Actor("a", "admin"), "demo").shots]
    edl = client.get("/v1/projects/demo/exports/edl", params={"duration": ["1A=2"]})
    assert edl.status_code == 200 and "FROM CLIP NAME:  1A" in edl.text
    assert "demo-cut_media/1A_v" in edl.text

    bundle = client.get("/v1/projects/demo/exports/fcp7xml", params={"media": "true"})
    assert bundle.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as archive:
        archive.extractall(tmp_path)
    timeline = otio.adapters.read_from_file(str(tmp_path / "demo-cut-fcp7.xml"))
    clips = list(timeline.find_clips())
    assert [clip.name for clip in clips] == shots
    for clip in clips:
        url = clip.media_reference.target_url
        assert (tmp_path / url).read_bytes().startswith(b"\x89PNG")

    params = {"duration": [f"{code}=0.5" for code in shots], "timecode": "true"}
    with client.stream("GET", "/v1/projects/demo/exports/mp4/events", params=params) as answer:
        assert answer.headers["content-type"].startswith("text/event-stream")
        stream = events(answer.read().decode())
    names = [name for name, _ in stream]
    total = 12 * len(shots)
    assert names == ["progress"] * len(shots) + ["done"]
    assert stream[0][1] == {"done": 12, "total": total, "shot": shots[0]}
    done = stream[-1][1]
    assert done["frames"] == total and done["codec"] == "h264"
    movie = client.get(done["download"])
    assert movie.status_code == 200 and movie.headers["content-type"] == "video/mp4"
    with av.open(io.BytesIO(movie.content)) as container:
        assert sum(1 for _ in container.decode(video=0)) == total
    assert client.get(done["download"]).status_code == 404  # fetched once


def test_exports_refuse_bad_requests_as_problems(client: TestClient, keys: Keys) -> None:
    bad = client.get("/v1/projects/demo/exports/mp4", params={"duration": ["1A"]})
    assert bad.status_code == 422 and "SHOT=SECONDS" in bad.json()["detail"]
    unknown = client.get("/v1/projects/demo/exports/gif")
    assert unknown.status_code == 422 and "formats are" in unknown.json()["detail"]
    failing = client.get("/v1/projects/demo/exports/pdf/events", params={"audio": "scratch"})
    detail = "--audio and --timecode apply to the mp4 animatic only"
    assert events(failing.text) == [("error", {"status": 422, "detail": detail})]
    nobody = client.get("/v1/projects/demo/exports/csv", headers={"Authorization": "Bearer x"})
    assert nobody.status_code == 401
    other = client.get("/v1/projects/demo/exports/csv", headers=keys.header("other_project"))
    assert other.status_code == 404
