"""The whole continuity check of a 1024² frame against decoding it and calling dlib directly.

The frame holds two real faces (scikit-image's astronaut and matplotlib's Grace Hopper), both
characters have reference images, and the frame is stored as a version through
`tools.frames.store_frame`. The raw side is what a script using dlib alone does with the file:
decode the PNG with Pillow, then call dlib's detector, landmark predictor and embedding network;
the check side is `check_version`: the same decoding and dlib calls plus the records in and out,
the identity assignment, wardrobe palettes, light and facts. Goal: faces per
second of the check at least 1/1.1 of raw (ratio ≤ 1.1). Also printed: the check's share of a
previz render at the same size, and of a render of `--render-seconds` (a GPU model) if given.
Run: .venv/bin/python bench/continuity.py [--runs 5] [--render-seconds 3.0]
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
from PIL import Image
from skimage import data

from frameline.settings import Settings
from frameline.wiring import open_frameline
from memory.importer import import_screenplay
from memory.screenplay.reading import parse_screenplay_bytes
from memory.store import get_or_create_project, get_project, get_scene, get_shot
from tools.backends.bedrock import BedrockImageBackend
from tools.context import Actor
from tools.continuity.check import check_version
from tools.continuity.faces import face_models
from tools.continuity.references import add_reference
from tools.frames import render_frame, spec_parameters, store_frame
from tools.prompting import frame_spec

DEMO = Path(__file__).resolve().parents[1] / "frameline" / "demo"
ADMIN = Actor("bench", "admin")
SIDE = 1024


def timed(action: Callable[[], Any], runs: int) -> float:
    """Median wall time of `runs` calls after one warm-up call, in seconds."""
    return statistics.median(interleaved([action], runs)[0])


def interleaved(actions: list[Callable[[], Any]], runs: int) -> list[list[float]]:
    """Wall times of each action, taking turns so machine load hits all of them alike."""
    for action in actions:
        action()
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(runs):
        for action, spent in zip(actions, times, strict=True):
            started = time.perf_counter()
            action()
            spent.append(time.perf_counter() - started)
    return times


def photos() -> tuple[Image.Image, Image.Image]:
    """Collins and Hopper as they ship in scikit-image and matplotlib."""
    collins = Image.fromarray(data.astronaut()).crop((40, 0, 400, 340))
    with Image.open(Path(matplotlib.get_data_path(), "sample_data", "grace_hopper.jpg")) as image:
        hopper = image.convert("RGB")
    return collins, hopper


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def two_shot(collins: Image.Image, hopper: Image.Image) -> Image.Image:
    """A 1024² frame with both faces at a medium shot's size (about 150 px)."""
    frame = Image.new("RGB", (SIDE, SIDE), (96, 104, 112))
    frame.paste(collins.resize((504, 476)), (20, 260))
    frame.paste(hopper.resize((384, 450)), (600, 200))
    return frame


def raw_dlib(path: Path) -> int:
    """What a caller of dlib alone would write: decode, detect, landmarks, embeddings."""
    import dlib

    with Image.open(path) as image:
        pixels = np.asarray(image.convert("RGB"))
    models = face_models()
    rects = models.detector(pixels, 1)
    shapes = dlib.full_object_detections()
    for rect in rects:
        shapes.append(models.shape_predictor(pixels, rect))
    models.encoder.compute_face_descriptor(pixels, shapes, 1)
    return len(rects)


def main() -> None:
    """Print faces per second of both sides, their ratio, and the check's share of a render."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--render-seconds", type=float, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home, open_frameline(Settings(home=Path(home))) as studio:
        script = (DEMO / "demo.fountain").read_bytes()
        with studio.transaction() as session:
            project = get_or_create_project(session, "bench")
            screenplay = parse_screenplay_bytes(script, "demo.fountain")
            import_screenplay(session, project, screenplay, "demo.fountain", script)
        collins, hopper = photos()
        add_reference(studio, ADMIN, "bench", "MARA", png(collins), "collins.png")
        add_reference(studio, ADMIN, "bench", "TOMAS", png(hopper), "hopper.png")
        cast = ["MARA", "TOMAS"]
        drawn = []

        def draw() -> None:
            size = (SIDE, SIDE)
            drawn.extend(render_frame(studio, ADMIN, "bench", "1", characters=cast, size=size))

        render_seconds = timed(draw, args.runs)
        previz = drawn[-1]
        with studio.transaction() as session:
            record = get_project(session, "bench")
            spec = frame_spec(
                session, record, get_scene(session, record, "1"), previz.shot, characters=cast
            )
            version = store_frame(
                session,
                studio,
                shot=get_shot(session, record, previz.shot),
                image=two_shot(collins, hopper),
                spec=spec,
                seed=1,
                backend=BedrockImageBackend(region="us-east-1"),
                actor=ADMIN,
                parameters=spec_parameters(spec),
                render_seconds=1.0,
            )
            photo_id, photo_path = version.version_id, studio.assets.path(version.asset_sha256)

        faces = raw_dlib(photo_path)
        report = check_version(studio, photo_id)
        matched = [f["character"] for f in report["identity"]["faces"]]
        assert faces == 2 and matched == cast, (faces, report["summary"])
        raw_times, check_times = interleaved(
            [lambda: raw_dlib(photo_path), lambda: check_version(studio, photo_id)], args.runs
        )
        previz_check = timed(lambda: check_version(studio, previz.version_id), args.runs)

    raw, check = statistics.median(raw_times), statistics.median(check_times)
    # Each check against the raw run just before it: both saw the same load on the machine.
    paired = statistics.median(c / r for r, c in zip(raw_times, check_times, strict=True))
    print(f"frame {SIDE}×{SIDE}, {faces} faces, median of {args.runs} runs")
    print(f"raw decode + dlib          {raw * 1000:8.1f} ms   {faces / raw:6.2f} faces/s")
    print(f"check_version (photo)     {check * 1000:8.1f} ms   {faces / check:6.2f} faces/s")
    print(f"ratio check / raw         {paired:8.3f}   (goal ≤ 1.1; median of paired runs)")
    # render_frame checks every new version, so its time already holds one check: count it once.
    share = min(previz_check / render_seconds, 1.0)
    print(
        f"previz: render {render_seconds * 1000:.0f} ms, check {previz_check * 1000:.1f} ms, "
        f"check share {share:.1%}"
    )
    if args.render_seconds:
        share = check / (args.render_seconds + check)  # a model's time alone, without a check
        print(f"photo check beside a {args.render_seconds:.1f} s render: share {share:.1%}")


if __name__ == "__main__":
    main()
