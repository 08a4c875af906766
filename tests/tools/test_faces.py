"""Face identity with the real dlib models on real photos that ship inside installed packages.

Eileen Collins comes from scikit-image (`data.astronaut()`), Grace Hopper from matplotlib's sample
data. Both are cropped or halved so each face is ~100 px: big enough for dlib, small enough to
keep the module fast on two cores.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from PIL import Image, ImageEnhance, ImageOps
from skimage import data

from core.errors import InvalidInput, NotFound
from tools.continuity.faces import (
    Face,
    FaceComparison,
    FaceMatch,
    compare_face,
    detect_faces,
    face_distance,
    face_models,
    load_image,
)

GREY = (128, 128, 128)


@pytest.fixture(scope="session")
def astronaut() -> Image.Image:
    """Eileen Collins' head and shoulders; the crop leaves out a suit patch HOG takes for a face."""
    return Image.fromarray(data.astronaut()).crop((90, 0, 350, 260))


@pytest.fixture(scope="session")
def hopper() -> Image.Image:
    """Grace Hopper at half size (256×300, face ~110 px)."""
    with Image.open(Path(matplotlib.get_data_path(), "sample_data", "grace_hopper.jpg")) as image:
        return image.resize((image.width // 2, image.height // 2), Image.Resampling.LANCZOS)


@pytest.fixture(scope="session")
def photos(tmp_path_factory: pytest.TempPathFactory, astronaut, hopper) -> Path:
    """A folder holding both photos as files, as a continuity supervisor would upload them."""
    folder = tmp_path_factory.mktemp("photos")
    face_models()  # load dlib's models once, before any test is timed
    astronaut.save(folder / "collins.png")
    hopper.save(folder / "hopper.jpg", quality=95)
    return folder


def save(image: Image.Image, path: Path, **options) -> Path:
    image.save(path, **options)
    return path


def gradient(width: int, height: int) -> Image.Image:
    ramp = np.linspace(0, 255, width * height).reshape(height, width).astype(np.uint8)
    return Image.fromarray(ramp).convert("RGB")


def assert_boxes_inside(comparison: FaceComparison, path: Path) -> None:
    with Image.open(path) as image:
        width, height = image.size
    for match in comparison.faces:
        assert all(type(v) is int for v in match.box)
        x0, y0, x1, y1 = match.box
        assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height


def test_same_photo_is_the_same_person(photos: Path) -> None:
    comparison = compare_face(photos / "collins.png", photos / "collins.png")

    assert comparison.threshold == 0.6
    assert len(comparison.faces) == 1
    assert comparison.faces[0].distance == pytest.approx(0.0, abs=1e-6)
    assert comparison.faces[0].same_person is True
    assert_boxes_inside(comparison, photos / "collins.png")


def _crop(image: Image.Image) -> Image.Image:
    return image.crop((40, 30, 230, 230))


def _scale(factor: float) -> Callable[[Image.Image], Image.Image]:
    def scale(image: Image.Image) -> Image.Image:
        size = (round(image.width * factor), round(image.height * factor))
        return image.resize(size, Image.Resampling.LANCZOS)

    return scale


def _colour_shift(image: Image.Image) -> Image.Image:
    warmer = np.asarray(image, dtype=np.float64) * np.array([1.25, 1.0, 0.75]) + 25
    return Image.fromarray(np.clip(warmer, 0, 255).astype(np.uint8))


def _on_transparent_canvas(image: Image.Image) -> Image.Image:
    """The photo inside an RGBA canvas whose transparent border hides random colours."""
    noise = np.random.default_rng(7).integers(0, 256, (360, 360, 4), dtype=np.uint8)
    noise[..., 3] = 0
    canvas = Image.fromarray(noise, mode="RGBA")
    canvas.paste(image.convert("RGBA"), (50, 50))
    return canvas


TRANSFORMS = {
    "crop": (_crop, "frame.png"),
    "scale 0.5": (_scale(0.5), "frame.png"),
    "scale 1.5": (_scale(1.5), "frame.png"),
    "horizontal flip": (ImageOps.mirror, "frame.png"),
    "colour shift": (_colour_shift, "frame.png"),
    "darker": (lambda image: ImageEnhance.Brightness(image).enhance(0.6), "frame.png"),
    "greyscale L": (lambda image: image.convert("L"), "frame.png"),
    "RGBA PNG": (_on_transparent_canvas, "frame.png"),
    "JPEG": (lambda image: image, "frame.jpg"),  # Pillow's default quality 75
}


@pytest.mark.parametrize("name", TRANSFORMS)
def test_transformed_photo_keeps_the_identity(photos: Path, astronaut, tmp_path, name) -> None:
    transform, filename = TRANSFORMS[name]
    frame = save(transform(astronaut), tmp_path / filename)

    comparison = compare_face(photos / "collins.png", frame)

    assert len(comparison.faces) == 1
    assert comparison.faces[0].same_person is True, comparison
    assert comparison.faces[0].distance < 0.4
    assert_boxes_inside(comparison, frame)


def test_different_people_are_not_the_same_person(photos: Path) -> None:
    for reference, frame in (("collins.png", "hopper.jpg"), ("hopper.jpg", "collins.png")):
        comparison = compare_face(photos / reference, photos / frame)

        assert len(comparison.faces) == 1
        assert comparison.faces[0].distance > 0.6
        assert comparison.faces[0].same_person is False


@pytest.mark.parametrize("collins_on_the_left", [True, False])
def test_group_frame_lists_faces_left_to_right(
    photos: Path, astronaut, hopper, tmp_path, collins_on_the_left
) -> None:
    left, right = (astronaut, hopper) if collins_on_the_left else (hopper, astronaut)
    canvas = Image.new("RGB", (620, 360), GREY)
    canvas.paste(left, (20, 40))
    canvas.paste(right, (340, 20))
    frame = save(canvas, tmp_path / "group.png")

    comparison = compare_face(photos / "collins.png", frame)

    assert len(comparison.faces) == 2
    first, second = comparison.faces
    assert first.box[0] < second.box[0]
    assert first.box[2] <= 320 < second.box[0]  # each box lies on its own photo's half
    assert first.same_person is collins_on_the_left
    assert second.same_person is not collins_on_the_left
    assert_boxes_inside(comparison, frame)


def test_largest_reference_face_is_the_one_compared(photos: Path, astronaut, hopper, tmp_path):
    canvas = Image.new("RGB", (700, 420), GREY)
    canvas.paste(hopper.resize((205, 240)), (20, 60))  # Hopper's face shrinks to ~90 px
    canvas.paste(astronaut.resize((390, 390)), (280, 10))  # Collins' face grows to ~135 px
    reference = save(canvas, tmp_path / "cast.png")

    comparison = compare_face(reference, photos / "collins.png")

    assert [m.same_person for m in comparison.faces] == [True]


def test_frame_without_a_face_has_no_faces(photos: Path, tmp_path) -> None:
    frame = save(gradient(512, 384), tmp_path / "sky.png")

    comparison = compare_face(photos / "collins.png", frame)

    assert comparison.faces == []
    assert comparison.to_json() == {"threshold": 0.6, "faces": []}


def test_reference_without_a_face_is_refused_naming_the_file(photos: Path, tmp_path) -> None:
    reference = save(gradient(320, 240), tmp_path / "empty-plate.png")

    with pytest.raises(InvalidInput, match="no face found in the reference image") as raised:
        compare_face(reference, photos / "collins.png")

    assert "empty-plate.png" in raised.value.message


def test_face_touching_the_edge_has_a_clipped_integer_box(photos: Path, astronaut, tmp_path):
    canvas = Image.new("RGB", (400, 300), GREY)
    canvas.paste(astronaut, (-100, 20))  # Collins' face starts ~14 px left of the frame
    canvas.paste(astronaut, (200, 148))  # and again, her chin ~15 px below the bottom edge
    frame = save(canvas, tmp_path / "edge.png")

    comparison = compare_face(photos / "collins.png", frame)

    assert len(comparison.faces) == 2
    assert comparison.faces[0].box[0] == 0
    assert comparison.faces[1].box[3] == 300
    assert all(m.same_person for m in comparison.faces)
    assert_boxes_inside(comparison, frame)


def test_threshold_decides_same_person(photos: Path) -> None:
    strict = compare_face(photos / "collins.png", photos / "hopper.jpg", threshold=0.8)

    assert strict.threshold == 0.8
    assert strict.faces[0].same_person is True
    assert strict.to_json() == {
        "threshold": 0.8,
        "faces": [
            {
                "box": list(strict.faces[0].box),
                "distance": strict.faces[0].distance,
                "same_person": True,
            }
        ],
    }
    with pytest.raises(InvalidInput, match="threshold"):
        compare_face(photos / "collins.png", photos / "hopper.jpg", threshold=float("nan"))


@pytest.mark.parametrize("contents", [b"", "random", "truncated"])
@pytest.mark.parametrize("position", ["reference", "frame"])
def test_unreadable_image_is_invalid_input_naming_it(photos, tmp_path, contents, position):
    if contents == "random":
        contents = np.random.default_rng(3).bytes(4096)
    elif contents == "truncated":
        contents = (photos / "collins.png").read_bytes()[:5000]
    broken = tmp_path / "broken.png"
    broken.write_bytes(contents)
    paths = {"reference": photos / "collins.png", "frame": photos / "collins.png"}
    paths[position] = broken

    with pytest.raises(InvalidInput) as raised:
        compare_face(paths["reference"], paths["frame"])

    assert str(broken) in raised.value.message


@pytest.mark.parametrize("position", ["reference", "frame"])
def test_missing_file_is_not_found_naming_it(photos: Path, tmp_path, position) -> None:
    missing = tmp_path / "take-3.png"
    paths = {"reference": photos / "collins.png", "frame": photos / "collins.png"}
    paths[position] = missing

    with pytest.raises(NotFound) as raised:
        compare_face(paths["reference"], paths["frame"])

    assert str(missing) in raised.value.message


def test_folder_is_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=str(tmp_path)):
        load_image(tmp_path)


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "LA", "P", "1", "CMYK", "I;16", "F"])
def test_load_image_gives_rgb_uint8_for_any_mode(astronaut, tmp_path, mode) -> None:
    suffix = {"CMYK": ".jpg", "F": ".tiff", "I;16": ".png"}.get(mode, ".png")
    path = save(astronaut.convert(mode), tmp_path / f"frame{suffix}")

    pixels = load_image(path)

    assert pixels.dtype == np.uint8
    assert pixels.shape == (astronaut.height, astronaut.width, 3)


def test_load_image_scales_16_bit_samples(astronaut, tmp_path) -> None:
    grey = np.asarray(astronaut.convert("L"))
    deep = Image.fromarray(grey.astype(np.uint16) * 257)  # the full 16-bit range
    path = save(deep, tmp_path / "deep.png")

    pixels = load_image(path)

    np.testing.assert_array_equal(pixels[..., 0], grey)
    np.testing.assert_array_equal(pixels[..., 2], grey)


def test_load_image_lays_transparency_over_white(tmp_path) -> None:
    path = save(Image.new("RGBA", (8, 8), (255, 0, 0, 0)), tmp_path / "clear.png")

    assert (load_image(path) == 255).all()


def test_load_image_applies_exif_orientation(astronaut, tmp_path) -> None:
    sideways = astronaut.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    path = save(sideways, tmp_path / "phone.png", exif=exif)

    np.testing.assert_array_equal(load_image(path), np.asarray(astronaut))
    assert len(detect_faces(load_image(path))) == 1


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("limit", [260 * 260 - 1, 1000])
def test_load_image_respects_the_pixel_limit(photos, monkeypatch, limit) -> None:
    import tools.continuity.faces as faces

    monkeypatch.setattr(faces, "MAX_IMAGE_PIXELS", limit)

    with pytest.raises(InvalidInput, match="collins.png"):
        load_image(photos / "collins.png")


def test_detect_faces_returns_embeddings(astronaut) -> None:
    faces = detect_faces(np.asarray(astronaut))

    assert len(faces) == 1
    assert isinstance(faces[0], Face)
    assert len(faces[0].embedding) == 128
    assert all(isinstance(v, float) for v in faces[0].embedding)


def test_detect_faces_finds_a_small_face_with_a_finer_pass(astronaut) -> None:
    # A ~45 px face is under HOG's 80 px window at upsample 0, so only the retry can find it.
    small = np.asarray(astronaut.resize((130, 130), Image.Resampling.LANCZOS))

    assert len(detect_faces(small, upsample=0)) == 1


def test_detect_faces_refuses_what_is_not_rgb_uint8(astronaut) -> None:
    with pytest.raises(InvalidInput, match="RGB uint8"):
        detect_faces(np.asarray(astronaut.convert("L")))
    with pytest.raises(InvalidInput, match="RGB uint8"):
        detect_faces(np.asarray(astronaut, dtype=np.float32))
    with pytest.raises(InvalidInput, match="upsample"):
        detect_faces(np.asarray(astronaut), upsample=-1)


def test_face_distance() -> None:
    assert face_distance([0.0, 0.0], [3.0, 4.0]) == 5.0
    assert isinstance(face_distance((1.0,), (1.0,)), float)
    with pytest.raises(InvalidInput, match="128 and 127"):
        face_distance([0.0] * 128, [0.0] * 127)


def test_models_are_loaded_once() -> None:
    assert face_models() is face_models()


def test_results_are_frozen() -> None:
    match = FaceMatch(box=(0, 0, 1, 1), distance=0.1, same_person=True)
    with pytest.raises(AttributeError):
        match.distance = 0.7  # type: ignore[misc]
