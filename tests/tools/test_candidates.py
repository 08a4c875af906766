"""`render --candidates N` on a backend that draws faces: N takes, the best kept by its
continuity score against the character's reference face and the day's approved look.

The backend is a fake hosted model whose takes are real photos: Eileen Collins (scikit-image's
astronaut) is MARA, Grace Hopper (matplotlib's sample) is somebody else. Faces are found and
compared by the real dlib models, versions are real records.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pytest
from PIL import Image
from skimage import data
from sqlalchemy import func, select

from core.errors import InvalidInput
from frameline.settings import Settings
from frameline.wiring import open_frameline
from memory.importer import import_screenplay
from memory.records import Shot
from memory.screenplay.reading import parse_screenplay_bytes
from memory.store import get_or_create_project, get_version
from tests.cli_runner import DEMO
from tools.backends.base import FrameSpec, ImageBackend, Progress
from tools.backends.previz import PrevizBackend
from tools.context import Actor
from tools.continuity.references import add_reference
from tools.frames import render_frame
from tools.versions import set_status

ADMIN = Actor("local", "admin")
DIRECTOR = Actor("dana", "director")
GREY = (128, 128, 128)


@pytest.fixture(scope="module")
def collins() -> Image.Image:
    """Eileen Collins to the chest in her orange suit (the crop leaves out the mission patch)."""
    photo = Image.fromarray(data.astronaut()).crop((40, 0, 400, 340))
    return photo.resize((270, 255), Image.Resampling.LANCZOS)


@pytest.fixture(scope="module")
def hopper() -> Image.Image:
    """Grace Hopper at half size."""
    with Image.open(Path(matplotlib.get_data_path(), "sample_data", "grace_hopper.jpg")) as image:
        return image.resize((image.width // 2, image.height // 2), Image.Resampling.LANCZOS)


def in_blue(photo: Image.Image) -> Image.Image:
    """The same face in a blue suit: the orange of the suit given other channels."""
    pixels = np.asarray(photo, dtype=np.int16).copy()
    orange = (pixels[..., 0] > pixels[..., 1] + 40) & (pixels[..., 0] > pixels[..., 2] + 40)
    pixels[orange] = pixels[orange][:, [2, 1, 0]]
    return Image.fromarray(pixels.astype(np.uint8))


class TakesBackend(ImageBackend):
    """A hosted model stand-in whose take for a seed is one of the photos it was given."""

    name = "bedrock"
    model_id = "fake-takes"

    def __init__(self, photos: Sequence[Image.Image]) -> None:
        self.photos = list(photos)
        self.seeds: list[int] = []

    def text_to_image(
        self, spec: FrameSpec, seed: int, progress: Progress | None = None
    ) -> Image.Image:
        self.seeds.append(seed)
        photo = self.photos[seed % len(self.photos)]
        canvas = Image.new("RGB", (spec.width, spec.height), GREY)
        canvas.paste(photo, ((spec.width - photo.width) // 2, 20))
        return canvas

    def image_to_image(self, parent, spec, strength, seed, progress=None):  # type: ignore[no-untyped-def]
        return parent

    def inpaint(self, parent, mask, spec, seed, progress=None):  # type: ignore[no-untyped-def]
        return parent


@pytest.fixture
def studio(home: Path, collins: Image.Image) -> Iterator[Any]:
    """The demo screenplay with a reference face for MARA."""
    with open_frameline(Settings()) as frameline:
        script = DEMO / "demo.fountain"
        content = script.read_bytes()
        with frameline.transaction() as session:
            project = get_or_create_project(session, "demo")
            import_screenplay(
                session, project, parse_screenplay_bytes(content, script.name), script.name, content
            )
        buffer = io.BytesIO()
        collins.save(buffer, format="PNG")
        add_reference(frameline, ADMIN, "demo", "MARA", buffer.getvalue(), "mara.png")
        yield frameline


def take(studio: Any, photos: Sequence[Image.Image], **options: Any) -> tuple[Any, dict]:
    """Render scene 1 with MARA on the fake backend; the view and its stored parameters."""
    studio._backend = TakesBackend(photos)
    [view] = render_frame(
        studio, ADMIN, "demo", "1", characters=["MARA"], size=(640, 360), **options
    )
    with studio.transaction() as session:
        return view, dict(get_version(session, view.version_id).parameters)


def test_keeps_the_take_that_shows_the_right_person(studio, collins, hopper) -> None:
    # seeds 20, 21, 22 → Hopper, Collins, Hopper (the photo is chosen by seed parity)
    view, parameters = take(studio, [hopper, collins], seed=20, candidates=3)
    assert view.seed == 21
    takes = parameters["candidates"]
    assert [t["seed"] for t in takes] == [20, 21, 22]
    assert [t["kept"] for t in takes] == [False, True, False]
    assert takes[1]["identity"]["MARA"] < 0.3
    assert all(t["score"] > takes[1]["score"] + 0.2 for t in (takes[0], takes[2]))
    assert any("kept take 2 of 3 (seed 21)" in note for note in view.notes)
    with studio.transaction() as session:
        report = get_version(session, view.version_id).continuity_report
    assert report["identity"]["verdict"] == "pass"


def test_the_first_take_wins_when_it_is_already_the_best(studio, collins, hopper) -> None:
    view, parameters = take(studio, [hopper, collins], seed=21, candidates=2)
    assert view.seed == 21
    assert [t["kept"] for t in parameters["candidates"]] == [True, False]


def test_the_days_approved_look_breaks_a_tie_between_right_faces(studio, collins) -> None:
    """Two takes of MARA, one in the orange she wore in the day's approved frame, one in blue."""
    approved, _ = take(studio, [collins], seed=1)
    set_status(studio, DIRECTOR, approved.version_id, "approved")
    # seeds 40, 41 → blue, orange
    view, parameters = take(studio, [in_blue(collins), collins], seed=40, candidates=2)
    assert view.seed == 41
    blue, orange = parameters["candidates"]
    assert orange["kept"] and orange["look"]["MARA"] < blue["look"]["MARA"]


def test_previz_refuses_candidates_and_makes_nothing(studio) -> None:
    studio._backend = PrevizBackend()
    with studio.transaction() as session:
        shots = session.scalar(select(func.count()).select_from(Shot))
    with pytest.raises(InvalidInput, match="previz"):
        render_frame(studio, ADMIN, "demo", "1", candidates=3)
    with pytest.raises(InvalidInput, match="1–8"):
        render_frame(studio, ADMIN, "demo", "1", candidates=9)
    with studio.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Shot)) == shots


def test_the_api_takes_candidates() -> None:
    from api.schemas import RenderIn

    assert RenderIn(scene="1", candidates=4).candidates == 4
    with pytest.raises(ValueError, match="candidates"):
        RenderIn(scene="1", candidates=0)
    assert json.loads(RenderIn(scene="1").model_dump_json())["candidates"] == 1
