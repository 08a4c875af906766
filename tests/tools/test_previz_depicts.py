"""Previz draws the shot description: settings by their colours, weather, practical lights,
looks and close-ups, plain captions, and region revisions that blend in without a seam while
every pixel outside the box stays the parent's. Pixels are measured, not eyeballed."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from memory import vocabulary
from tools.backends.base import Depiction, FigureInFrame, FrameSpec
from tools.backends.previz import PrevizBackend
from tools.backends.previz.places import PLACES
from tools.backends.previz.props import THINGS
from tools.continuity.look import rgb_to_lab
from tools.revisions import composite_inside, region_mask

MARA = FigureInFrame("MARA", "woman, 30s, dark hair, bright yellow oilskin coat, dark trousers")
TOMAS = FigureInFrame("TOMAS", "man, 40s, black hair, full beard, red jacket, canvas trousers")
WIDTH, HEIGHT = 768, 432


def frame(seed: int = 5, prompt: str = "", **changes: object) -> FrameSpec:
    """A harbour shot at day with Mara and Tomas, the description changed by `changes`."""
    depicts = replace(
        Depiction(
            setting="harbour",
            int_ext="ext",
            time_of_day="day",
            characters=(MARA, TOMAS),
            framing="wide",
        ),
        **changes,
    )
    return FrameSpec(
        prompt=prompt or "harbour",
        width=WIDTH,
        height=HEIGHT,
        scene_number="1",
        shot_code="1A",
        heading="EXT. HARBOUR - DAY",
        int_ext="EXT",
        action="Mara watches the boats.",
        depicts=depicts,
    )


def picture(image: Image.Image) -> np.ndarray:
    """The picture above the caption strip, inside the border, as signed integers."""
    pixels = np.asarray(image.convert("RGB"), dtype=np.int16)
    margin = max(6, round(image.width * 0.012)) + 3
    bottom = image.height - max(48, round(image.height * 0.12)) - 3
    return pixels[margin:bottom, margin:-margin]


def lightness(image: Image.Image) -> float:
    """Mean CIE L* of the picture."""
    return float(rgb_to_lab(picture(image).astype(np.uint8))[..., 0].mean())


@pytest.fixture(scope="module")
def previz() -> PrevizBackend:
    return PrevizBackend()


def test_the_vocabulary_is_drawn_whole() -> None:
    """Every setting, prop and vehicle a description can name has a drawing of its own."""
    settings = vocabulary.names("settings")
    things = (*vocabulary.names("props"), *vocabulary.names("vehicles"))
    assert len(settings) >= 40 and len(things) >= 60
    assert [s for s in settings if s not in PLACES] == []
    assert [t for t in things if t not in THINGS] == []


def test_the_same_description_and_seed_give_identical_pixels(previz: PrevizBackend) -> None:
    spec = frame(weather=("rain",), light=("lantern",), props=("crate", "car"))
    assert (
        previz.text_to_image(spec, 3).tobytes() == PrevizBackend().text_to_image(spec, 3).tobytes()
    )


def test_night_is_darker_than_day(previz: PrevizBackend) -> None:
    for setting, int_ext in (("harbour", "ext"), ("kitchen", "int"), ("street", "ext")):
        day = previz.text_to_image(frame(setting=setting, int_ext=int_ext), 2)
        night = previz.text_to_image(
            frame(setting=setting, int_ext=int_ext, time_of_day="night"), 2
        )
        assert lightness(night) + 15 < lightness(day), setting


@pytest.mark.parametrize(
    ("setting", "test"),
    [
        ("open water", lambda r, g, b: b > r + 40 and b > 90),
        ("beach", lambda r, g, b: r > b + 35 and r > 150),
        ("street", lambda r, g, b: max(r, g, b) - min(r, g, b) < 20 and 45 < g < 140),
        ("forest", lambda r, g, b: g > r + 15 and g > b + 15),
    ],
)
def test_a_settings_colour_fills_the_lower_half(previz: PrevizBackend, setting: str, test) -> None:
    """Water, sand, asphalt and foliage: the colour a setting stands on fills the ground."""
    image = previz.text_to_image(frame(setting=setting, characters=()), 4)
    lower = picture(image)[picture(image).shape[0] // 2 :]
    r, g, b = (float(np.median(lower[..., c])) for c in range(3))
    assert test(r, g, b), (setting, r, g, b)


def test_settings_look_different_from_each_other(previz: PrevizBackend) -> None:
    names = ("harbour", "marsh", "desert", "alley", "rooftop", "church", "lighthouse", "road")
    frames = {n: picture(previz.text_to_image(frame(setting=n, characters=()), 1)) for n in names}
    for a in names:
        for b in names:
            if a < b:
                assert np.abs(frames[a] - frames[b]).mean() > 8, (a, b)


@pytest.mark.parametrize("weather", ["rain", "snow", "fog", "storm", "wind"])
def test_weather_changes_the_frame(previz: PrevizBackend, weather: str) -> None:
    clear = picture(previz.text_to_image(frame(), 6))
    wet = picture(previz.text_to_image(frame(weather=(weather,)), 6))
    # wind is thin streaks over the picture; the others change it wholesale
    assert np.abs(clear - wet).mean() > (2 if weather == "wind" else 3), weather


def test_rain_is_visible_as_streaks_and_fog_swallows_contrast(previz: PrevizBackend) -> None:
    clear = picture(previz.text_to_image(frame(time_of_day="night"), 6)).astype(np.float64)
    rain = picture(previz.text_to_image(frame(time_of_day="night", weather=("rain",)), 6))
    sky = slice(0, clear.shape[0] // 4)
    # streaks are pale and vertical: the sky gains bright pixels and vertical coherence
    assert (rain[sky].mean(axis=2) > clear[sky].mean(axis=2) + 40).mean() > 0.02
    day = picture(previz.text_to_image(frame(), 6)).astype(np.float64)
    fog = picture(previz.text_to_image(frame(weather=("fog",)), 6)).astype(np.float64)
    assert fog.std() < day.std() * 0.7


def test_a_lantern_glows_warm_inside_the_region_it_is_added_to(previz: PrevizBackend) -> None:
    parent_spec = frame(time_of_day="night", characters=())
    parent = previz.text_to_image(parent_spec, 8)
    box = (420, 250, 560, 370)
    child = replace(parent_spec, depicts=replace(parent_spec.depicts, props=("lantern",)))
    edited = previz.inpaint(parent, region_mask(parent.size, box), child, 9)
    result = np.asarray(composite_inside(parent, edited, box), dtype=np.int16)
    before = np.asarray(parent, dtype=np.int16)

    def warm(pixels: np.ndarray) -> np.ndarray:
        r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
        return (r > 220) & (g > 150) & (r > b + 60)

    x0, y0, x1, y1 = box
    assert warm(before[y0:y1, x0:x1]).sum() == 0
    assert warm(result[y0:y1, x0:x1]).sum() >= 40, "a bright warm blob where the lantern stands"
    outside = np.ones(result.shape[:2], bool)
    outside[y0:y1, x0:x1] = False
    assert (result[outside] == before[outside]).all()


def coat_pixels(image: Image.Image, colour: tuple[int, int, int]) -> int:
    """How many pixels are within a small distance of a coat colour."""
    distance = np.abs(picture(image) - np.asarray(colour, dtype=np.int16)).sum(axis=2)
    return int((distance < 40).sum())


def test_a_close_up_frames_the_named_character(previz: PrevizBackend) -> None:
    """Whoever the close-up is on is the largest figure, whatever the cast's order."""
    yellow, red = (236, 196, 40), (190, 40, 40)
    on_mara = frame(
        framing="close-up", characters=(TOMAS, replace(MARA, position="close-up, centre"))
    )
    on_tomas = frame(framing="close-up", characters=(MARA, replace(TOMAS, position="close-up")))
    mara_shot, tomas_shot = previz.text_to_image(on_mara, 3), previz.text_to_image(on_tomas, 3)
    assert coat_pixels(mara_shot, yellow) > 5 * max(1, coat_pixels(mara_shot, red))
    assert coat_pixels(tomas_shot, red) > 5 * max(1, coat_pixels(tomas_shot, yellow))


def test_looks_colour_the_figures(previz: PrevizBackend) -> None:
    grey = replace(MARA, look="grey wool sweater, dark trousers")
    yellow_shot = previz.text_to_image(frame(characters=(MARA,), framing="medium"), 2)
    grey_shot = previz.text_to_image(frame(characters=(grey,), framing="medium"), 2)
    assert coat_pixels(yellow_shot, (236, 196, 40)) > 2000
    assert coat_pixels(grey_shot, (236, 196, 40)) < 50


def test_positions_place_the_figures(previz: PrevizBackend) -> None:
    def yellow_x(position: str) -> float:
        image = previz.text_to_image(frame(characters=(replace(MARA, position=position),)), 2)
        distance = np.abs(picture(image) - np.asarray((236, 196, 40))).sum(axis=2)
        return float(np.nonzero(distance < 40)[1].mean())

    assert yellow_x("left") + 150 < yellow_x("right")


def test_prompt_words_change_the_picture(previz: PrevizBackend) -> None:
    first = previz.text_to_image(frame(prompt="the harbour at rest"), 11)
    second = previz.text_to_image(frame(prompt="the harbour, gulls wheeling"), 11)
    assert np.abs(picture(first) - picture(second)).mean() > 1
    with_boat = previz.text_to_image(frame(prompt="the harbour at rest", props=("van",)), 11)
    assert np.abs(picture(first) - picture(with_boat)).mean() > 1


def test_captions_are_plain_text(previz: PrevizBackend) -> None:
    marked = replace(frame(), action="_Black water_, *no moon*. **Tomas** kills the engine.")
    plain = replace(frame(), action="Black water, no moon. Tomas kills the engine.")
    assert previz.text_to_image(marked, 1).tobytes() == previz.text_to_image(plain, 1).tobytes()


def test_long_prop_names_stay_inside_the_picture(previz: PrevizBackend) -> None:
    props = ("an extraordinarily long hand-painted sign reading closed for the season",) * 1
    image = previz.text_to_image(frame(props=(*props, "lantern", "crate", "car")), 2)
    pixels = np.asarray(image, dtype=np.int16)
    assert (pixels[1:-1, WIDTH - 3 : WIDTH - 1] == (244, 239, 226)).all()


def edge_steps(image: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """Differences between each pixel just outside the box and its neighbour just inside."""
    x0, y0, x1, y1 = box
    steps = [
        image[y0 - 1, x0:x1] - image[y0, x0:x1],
        image[y1, x0:x1] - image[y1 - 1, x0:x1],
        image[y0:y1, x0 - 1] - image[y0:y1, x0],
        image[y0:y1, x1] - image[y0:y1, x1 - 1],
    ]
    return np.abs(np.concatenate(steps)).astype(np.float64)


def test_a_region_revision_leaves_no_seam(previz: PrevizBackend) -> None:
    """Across the box's edge the picture steps no more than it does there in the parent."""
    parent_spec = frame(characters=(MARA,))
    parent = previz.text_to_image(parent_spec, 4)
    box = (180, 60, 600, 330)
    child = replace(parent_spec, depicts=replace(parent_spec.depicts, time_of_day="dusk",
                                                 weather=("rain",)))  # fmt: skip
    edited = previz.inpaint(parent, region_mask(parent.size, box), child, 5)
    blended = np.asarray(composite_inside(parent, edited, box), dtype=np.int16)
    original = np.asarray(parent, dtype=np.int16)
    own = edge_steps(original, box)
    seam = edge_steps(blended, box)
    assert seam.mean() <= own.mean() + 1.0
    assert seam.max() <= np.abs(np.diff(original, axis=1)).max()
    # the test can fail: pasting the edit in hard leaves a seam it catches
    pasted = original.copy()
    x0, y0, x1, y1 = box
    pasted[y0:y1, x0:x1] = np.asarray(edited, dtype=np.int16)[y0:y1, x0:x1]
    assert edge_steps(pasted, box).mean() > own.mean() + 5
    # and the change is there, inside
    assert (
        np.abs(
            blended[y0 + 60 : y1 - 60, x0 + 60 : x1 - 60]
            - original[y0 + 60 : y1 - 60, x0 + 60 : x1 - 60]
        ).mean()
        > 10
    )


@pytest.mark.parametrize(
    "box", [(0, 0, 768, 432), (40, 30, 41, 31), (600, 300, 756, 370), (20, 20, 24, 300)]
)
def test_outside_the_box_every_pixel_is_the_parents(previz: PrevizBackend, box) -> None:
    parent = previz.text_to_image(frame(), 4)
    edited = previz.inpaint(parent, region_mask(parent.size, box), frame(time_of_day="night"), 5)
    result = np.asarray(composite_inside(parent, edited, box))
    original = np.asarray(parent)
    x0, y0, x1, y1 = box
    outside = np.ones(original.shape[:2], bool)
    outside[y0:y1, x0:x1] = False
    assert (result[outside] == original[outside]).all()
    assert (result[~outside] != original[~outside]).any()
