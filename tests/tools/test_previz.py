"""The previz backend draws real storyboard panels: the same inputs give the same pixels, the
time of day reads in the light, framings and angles change the picture, edits keep what they
should."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from core.errors import InvalidInput
from tools.backends.base import ANGLES, FRAMINGS, CharacterInFrame, FrameSpec
from tools.backends.previz import PrevizBackend

MARA = CharacterInFrame("MARA", "keeper's daughter, thirties, yellow oilskin")
JONAH = CharacterInFrame("JONAH", "fisherman, fifties, grey beard")


def shot(**changes: object) -> FrameSpec:
    """Scene 12's first shot at the lighthouse, with `changes` applied."""
    spec = FrameSpec(
        prompt="Mara and Jonah at the foot of the lighthouse",
        width=768,
        height=432,
        scene_number="12",
        shot_code="12A",
        heading="EXT. LIGHTHOUSE - NIGHT",
        int_ext="EXT",
        location="LIGHTHOUSE",
        time_of_day="NIGHT",
        characters=(MARA, JONAH),
        framing="wide",
        angle="eye-level",
        props=("LANTERN", "LETTER"),
        action="Mara climbs the last rocks. Jonah holds the lantern high against the wind.",
    )
    return replace(spec, **changes)


def pixels(image: Image.Image) -> np.ndarray:
    """The image as a signed array, so differences do not wrap around."""
    return np.asarray(image.convert("RGB"), dtype=np.int16)


def luminance(image: Image.Image) -> float:
    """Mean brightness of the whole panel, 0 to 255."""
    return float(np.asarray(image.convert("L"), dtype=np.float64).mean())


def picture_difference(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference of the pictures above the caption strips."""
    top = round(a.height * 0.8)
    return float(np.abs(pixels(a)[:top] - pixels(b)[:top]).mean())


@pytest.fixture(scope="module")
def previz() -> PrevizBackend:
    return PrevizBackend()


def test_names_itself_as_a_cpu_backend(previz: PrevizBackend) -> None:
    assert (previz.name, previz.model_id, previz.device_class) == ("previz", "previz-1", "cpu")


def test_the_same_spec_and_seed_give_identical_pixels() -> None:
    first = PrevizBackend().text_to_image(shot(), seed=41)
    second = PrevizBackend().text_to_image(shot(), seed=41)
    assert first.tobytes() == second.tobytes()


@pytest.mark.parametrize("framing", FRAMINGS)
def test_another_seed_gives_a_visibly_different_frame(previz: PrevizBackend, framing: str) -> None:
    spec = shot(framing=framing, time_of_day="DAY")
    assert picture_difference(previz.text_to_image(spec, 1), previz.text_to_image(spec, 2)) > 3


@pytest.mark.parametrize(
    ("heading", "int_ext", "location"),
    [
        ("EXT. LIGHTHOUSE", "EXT", "LIGHTHOUSE"),
        ("EXT. FOREST ROAD", "EXT", "FOREST ROAD"),
        ("INT. KITCHEN", "INT", "KITCHEN"),
    ],
)
@pytest.mark.parametrize("seed", [0, 7])
def test_night_reads_darker_than_dusk_and_dusk_darker_than_day(
    previz: PrevizBackend, tmp_path: Path, heading: str, int_ext: str, location: str, seed: int
) -> None:
    light = {}
    for time_of_day in ("DAWN", "DAY", "DUSK", "NIGHT", "CONTINUOUS"):
        spec = shot(
            heading=f"{heading} - {time_of_day}",
            int_ext=int_ext,
            location=location,
            time_of_day=time_of_day,
        )
        frame = previz.text_to_image(spec, seed)
        frame.save(tmp_path / f"{location.lower().replace(' ', '-')}-{time_of_day.lower()}.png")
        light[time_of_day] = luminance(frame)
    assert light["NIGHT"] + 20 < light["DUSK"] < light["DAY"]
    assert light["NIGHT"] < light["DAWN"] < light["DAY"]
    assert light["CONTINUOUS"] > light["DUSK"], "an unknown time of day reads as day"


@pytest.mark.parametrize("size", [(768, 432), (512, 512), (1024, 576), (512, 200)])
def test_draws_at_the_size_asked(previz: PrevizBackend, size: tuple[int, int]) -> None:
    frame = previz.text_to_image(shot(width=size[0], height=size[1]), seed=3)
    assert (frame.size, frame.mode) == (size, "RGB")


def test_refuses_frames_narrower_than_previz_draws(previz: PrevizBackend) -> None:
    with pytest.raises(InvalidInput, match="at least 512"):
        previz.text_to_image(shot(width=320, height=240), seed=1)


@pytest.mark.parametrize("framing", FRAMINGS)
@pytest.mark.parametrize("angle", ANGLES)
@pytest.mark.parametrize("cast", [0, 1, 2, 7])
def test_every_framing_and_angle_draws(
    previz: PrevizBackend, framing: str, angle: str, cast: int
) -> None:
    characters = tuple(CharacterInFrame(f"EXTRA {i}") for i in range(cast))
    frame = previz.text_to_image(shot(framing=framing, angle=angle, characters=characters), 5)
    assert frame.size == (768, 432)


def test_each_framing_gives_a_different_picture(previz: PrevizBackend) -> None:
    frames = {framing: previz.text_to_image(shot(framing=framing), 9) for framing in FRAMINGS}
    for a in FRAMINGS:
        for b in FRAMINGS:
            if a < b:
                assert picture_difference(frames[a], frames[b]) > 3, (a, b)


def test_angles_move_the_horizon(previz: PrevizBackend) -> None:
    """A low camera sees more sky, a high one more ground: compare how blue the top half is."""

    def sky_share(angle: str) -> float:
        frame = pixels(previz.text_to_image(shot(angle=angle, time_of_day="DAY", props=()), 4))
        rows = frame[: round(frame.shape[0] * 0.85)]
        blue = (rows[..., 2] > rows[..., 0] + 40) & (rows[..., 2] > 150)
        return float(blue.mean())

    assert sky_share("low") > sky_share("eye-level") > sky_share("high")


@pytest.mark.parametrize("framing", ["medium", "close-up", "over-the-shoulder"])
def test_previz_heads_are_not_faces_to_a_face_detector(previz: PrevizBackend, framing: str) -> None:
    dlib = pytest.importorskip("dlib")
    detector = dlib.get_frontal_face_detector()
    for time_of_day in ("DAY", "NIGHT"):
        frame = previz.text_to_image(shot(framing=framing, time_of_day=time_of_day), 11)
        assert len(detector(np.asarray(frame), 1)) == 0


def test_long_text_is_cut_to_the_caption(previz: PrevizBackend) -> None:
    spec = shot(
        width=512,
        height=288,
        heading="EXT. THE VERY LONG AND WINDING COASTAL ROAD ABOVE THE OLD HARBOUR - DUSK",
        action=" ".join(["Mara runs along the harbour wall as the storm breaks."] * 200)
        + " "
        + "A" * 400,
        props=tuple(f"PROP NUMBER {i}" for i in range(20)),
        characters=(CharacterInFrame("A CHARACTER WITH A VERY LONG NAME INDEED"), JONAH),
    )
    frame = previz.text_to_image(spec, 2)
    # the strip between the picture's border and the panel's edge stays blank paper
    right_margin = pixels(frame)[1:-1, spec.width - 3 : spec.width - 1]
    assert (right_margin == (244, 239, 226)).all(), "no lettering runs past the panel's margin"


def test_inpaint_keeps_every_pixel_outside_the_mask(previz: PrevizBackend) -> None:
    parent = previz.text_to_image(shot(time_of_day="DAY"), 8)
    mask = Image.new("L", parent.size, 0)
    ImageDraw.Draw(mask).rectangle((200, 100, 499, 299), fill=255)
    painted = previz.inpaint(parent, mask, shot(time_of_day="NIGHT"), 8)
    outside = np.asarray(mask) == 0
    assert painted.size == parent.size
    assert (pixels(painted)[outside] == pixels(parent)[outside]).all()
    assert (pixels(painted)[~outside] != pixels(parent)[~outside]).any()


def test_inpaint_refuses_a_mask_of_another_size(previz: PrevizBackend) -> None:
    parent = previz.text_to_image(shot(), 8)
    with pytest.raises(InvalidInput, match="mask"):
        previz.inpaint(parent, Image.new("L", (100, 100), 255), shot(), 8)


def test_image_to_image_redraws_at_the_parents_size_and_blends_by_strength(
    previz: PrevizBackend,
) -> None:
    parent = previz.text_to_image(shot(width=640, height=360, time_of_day="DAY"), 3)
    dusk = shot(time_of_day="DUSK", framing="medium")
    full = previz.image_to_image(parent, dusk, strength=1.0, seed=3)
    half = previz.image_to_image(parent, dusk, strength=0.5, seed=3)
    kept = previz.image_to_image(parent, dusk, strength=0.0, seed=3)
    assert full.size == half.size == kept.size == (640, 360)
    assert full.tobytes() == previz.text_to_image(replace(dusk, width=640, height=360), 3).tobytes()
    assert kept.tobytes() == parent.tobytes()
    assert luminance(full) < luminance(half) < luminance(parent)


@pytest.mark.parametrize("strength", [-0.1, 1.5])
def test_image_to_image_refuses_a_strength_outside_zero_to_one(
    previz: PrevizBackend, strength: float
) -> None:
    parent = previz.text_to_image(shot(), 3)
    with pytest.raises(InvalidInput, match="strength"):
        previz.image_to_image(parent, shot(), strength=strength, seed=3)


def test_reports_progress_in_increasing_steps_to_the_end(previz: PrevizBackend) -> None:
    parent = previz.text_to_image(shot(), 1)
    mask = Image.new("L", parent.size, 255)
    for edit in (
        lambda progress: previz.text_to_image(shot(), 1, progress),
        lambda progress: previz.image_to_image(parent, shot(), 0.6, 1, progress),
        lambda progress: previz.inpaint(parent, mask, shot(), 1, progress),
    ):
        calls: list[tuple[int, int]] = []
        edit(lambda step, total, calls=calls: calls.append((step, total)))
        steps = [step for step, _ in calls]
        assert len(calls) >= 4
        assert steps == sorted(set(steps)) and steps[0] >= 1
        assert calls[-1][0] == calls[-1][1] and len({total for _, total in calls}) == 1
