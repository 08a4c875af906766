"""Continuity checks with real parts: dlib on real photos, real records, real previz frames.

Eileen Collins comes from scikit-image (`data.astronaut()`), Grace Hopper from matplotlib's sample
data; both are scaled so each face is ~60–110 px. Photo versions are stored through
`tools.frames.store_frame` as a hosted backend would store them, previz versions are rendered.
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
from PIL import Image, ImageEnhance
from skimage import data
from skimage.color import deltaE_ciede2000, rgb2lab
from sqlalchemy import func, select

from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from frameline.settings import Settings
from frameline.wiring import open_frameline
from memory.facts import FactStatement, add_fact
from memory.importer import import_screenplay
from memory.records import CharacterReference, Version
from memory.screenplay.reading import parse_screenplay_bytes
from memory.screenplay.scenes import build_cast, build_scenes
from memory.store import get_project, get_scene, get_shot, get_version, list_facts
from tests.cli_runner import DEMO
from tools.backends.bedrock import BedrockImageBackend
from tools.context import Actor
from tools.continuity.check import check_version, confirm_item, read_check, run_check
from tools.continuity.daylight import check_daylight, period_of, read_light, scene_time_of_day
from tools.continuity.faces import Face, detect_faces, face_models
from tools.continuity.identity import CharacterReferences, match_faces
from tools.continuity.look import (
    LOOK_THRESHOLD,
    PaletteColour,
    delta_e_2000,
    dominant_colours,
    palette_difference,
    region_below_face,
    rgb_to_lab,
)
from tools.continuity.references import add_reference
from tools.continuity.report import consistency, continuity_report, render_markdown
from tools.continuity.script_facts import ScriptFact, extract_script_facts
from tools.frames import render_frame, spec_parameters, store_frame
from tools.prompting import frame_spec
from tools.revisions import revise_frame
from tools.versions import set_status

ADMIN = Actor("local", "admin")
DIRECTOR = Actor("dana", "director")
WRITER = Actor("wes", "writer")
GREY = (128, 128, 128)


# --- photos -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def collins() -> Image.Image:
    """Eileen Collins to the chest in her orange suit (270×255, face ~64 px); the crop leaves
    out the mission patch that HOG takes for a face."""
    photo = Image.fromarray(data.astronaut()).crop((40, 0, 400, 340))
    return photo.resize((270, 255), Image.Resampling.LANCZOS)


@pytest.fixture(scope="session")
def hopper() -> Image.Image:
    """Grace Hopper at half size (256×300, face ~110 px)."""
    with Image.open(Path(matplotlib.get_data_path(), "sample_data", "grace_hopper.jpg")) as image:
        return image.resize((image.width // 2, image.height // 2), Image.Resampling.LANCZOS)


@pytest.fixture(scope="session")
def models_loaded() -> None:
    """dlib's models, loaded once before anything is timed."""
    face_models()


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def side_by_side(left: Image.Image, right: Image.Image) -> Image.Image:
    """Two photos pasted on one grey canvas, the first on the left."""
    canvas = Image.new("RGB", (620, 360), GREY)
    canvas.paste(left, (20, 30))
    canvas.paste(right, (340, 20))
    return canvas


def recoloured(photo: Image.Image, channels: Sequence[int]) -> Image.Image:
    """The photo with its orange (the suit) given other channels: the same face, new clothes."""
    pixels = np.asarray(photo, dtype=np.int16).copy()
    orange = (pixels[..., 0] > pixels[..., 1] + 40) & (pixels[..., 0] > pixels[..., 2] + 40)
    pixels[orange] = pixels[orange][:, list(channels)]
    return Image.fromarray(pixels.astype(np.uint8))


BLUE_SUIT = (2, 1, 0)
YELLOW_SUIT = (0, 0, 2)


# --- records ------------------------------------------------------------------------------------


@pytest.fixture
def studio(home: Path) -> Iterator[Any]:
    """Frameline on the test's home with the demo screenplay and its continuity facts."""
    with open_frameline(Settings()) as frameline:
        script = DEMO / "demo.fountain"
        content = script.read_bytes()
        with frameline.transaction() as session:
            from memory.store import get_or_create_project

            project = get_or_create_project(session, "demo")
            import_screenplay(
                session, project, parse_screenplay_bytes(content, script.name), script.name, content
            )
            for fact in json.loads((DEMO / "facts.json").read_text()):
                add_fact(
                    session,
                    project,
                    FactStatement(
                        fact["subject"], fact["statement"], fact["from_scene"], fact["to_scene"]
                    ),
                )
        yield frameline


def photo_version(
    studio: Any,
    scene: str,
    photo: Image.Image,
    characters: Sequence[str],
    shot: str | None = None,
) -> str:
    """A version of a shot whose frame is the photo, stored as a hosted backend stores a render.

    A new shot starts with a previz panel, as on a real production."""
    if shot is None:
        shot = render_frame(studio, ADMIN, "demo", scene, characters=characters, seed=3)[0].shot
    with studio.transaction() as session:
        project = get_project(session, "demo")
        spec = frame_spec(
            session, project, get_scene(session, project, scene), shot, characters=characters
        )
        version = store_frame(
            session,
            studio,
            shot=get_shot(session, project, shot),
            image=photo,
            spec=spec,
            seed=3,
            backend=BedrockImageBackend(region="us-east-1"),
            actor=ADMIN,
            parameters=spec_parameters(spec),
            render_seconds=1.0,
        )
        return version.version_id


def unchecked_take(studio: Any, scene: str) -> str:
    """A new take of a fresh shot, stored without the check every render runs on creation."""
    from tools.backends.previz import PrevizBackend

    shot = render_frame(studio, ADMIN, "demo", scene, seed=2)[0].shot
    backend = PrevizBackend()
    with studio.transaction() as session:
        project = get_project(session, "demo")
        spec = frame_spec(session, project, get_scene(session, project, scene), shot)
        version = store_frame(
            session,
            studio,
            shot=get_shot(session, project, shot),
            image=backend.text_to_image(spec, 7),
            spec=spec,
            seed=7,
            backend=backend,
            actor=ADMIN,
            parameters=spec_parameters(spec),
            render_seconds=0.1,
        )
        return version.version_id


def stored(studio: Any, version_id: str) -> tuple[str, dict[str, Any]]:
    with studio.transaction() as session:
        version = get_version(session, version_id)
        return version.continuity, version.continuity_report


def reference_count(studio: Any) -> int:
    with studio.transaction() as session:
        return session.scalar(select(func.count()).select_from(CharacterReference)) or 0


def asset_files(studio: Any) -> set[Path]:
    root = studio.assets.root
    return {p for p in root.rglob("*.png")} if root.exists() else set()


# --- identity: optimal assignment ----------------------------------------------------------------


def face(x: float, left: int = 0) -> Face:
    """A face whose 2-d embedding sits at (x, 0)."""
    return Face(box=(left, 0, left + 10, 10), embedding=(x, 0.0))


def test_assignment_is_optimal_where_greedy_would_lose_a_character() -> None:
    # A is closest to X, but B can only be X: greedy gives X to A and leaves B and Y unmatched.
    x_ref = CharacterReferences("X", ((0.0, 0.0),))
    y_ref = CharacterReferences("Y", ((0.6, 0.0),))
    a, b = face(0.28, left=0), face(-0.45, left=20)

    result = match_faces([a, b], [x_ref, y_ref], threshold=0.6, drift_band=0.1)

    assert [(f.character, f.verdict) for f in result.faces] == [("Y", "match"), ("X", "match")]
    assert result.faces[0].distance == pytest.approx(0.32)
    assert result.missing == []


def test_verdicts_match_drift_and_unknown_face() -> None:
    expected = [CharacterReferences("X", ((0.0, 0.0), (5.0, 0.0)))]

    for position, verdict in ((0.2, "match"), (4.45, "drift"), (0.59, "drift"), (2.0, None)):
        result = match_faces([face(position)], expected, threshold=0.6, drift_band=0.1)
        only = result.faces[0]
        if verdict is None:
            assert only.verdict == "unknown_face" and only.character is None
            assert only.nearest == "X" and result.missing == ["X"]
        else:
            assert (only.verdict, only.character) == (verdict, "X")
            assert result.drift_below == 0.5


def test_characters_without_references_are_listed_not_matched() -> None:
    result = match_faces(
        [face(0.1)], [CharacterReferences("X", ((0.0, 0.0),)), CharacterReferences("Y", ())]
    )

    assert result.without_references == ["Y"]
    assert result.missing == []
    assert result.faces[0].character == "X"


def test_threshold_and_band_must_make_sense() -> None:
    with pytest.raises(InvalidInput, match="threshold"):
        match_faces([], [], threshold=float("nan"))
    with pytest.raises(InvalidInput, match="drift band"):
        match_faces([], [], threshold=0.4, drift_band=0.5)


@pytest.mark.slow
def test_real_faces_are_assigned_to_the_right_characters(collins, hopper, models_loaded) -> None:
    references = [
        CharacterReferences("COLLINS", (detect_faces(np.asarray(collins))[0].embedding,)),
        CharacterReferences("HOPPER", (detect_faces(np.asarray(hopper))[0].embedding,)),
    ]
    for left, right in ((collins, hopper), (hopper, collins)):
        group = np.asarray(side_by_side(left, right))

        result = match_faces(detect_faces(group), references)

        names = ["COLLINS" if photo is collins else "HOPPER" for photo in (left, right)]
        assert [f.character for f in result.faces] == names
        assert all(f.verdict == "match" for f in result.faces)


@pytest.mark.slow
def test_someone_else_in_the_frame_is_an_unknown_face(collins, hopper, models_loaded) -> None:
    expected = [CharacterReferences("COLLINS", (detect_faces(np.asarray(collins))[0].embedding,))]

    result = match_faces(detect_faces(np.asarray(hopper)), expected)

    assert [f.verdict for f in result.faces] == ["unknown_face"]
    assert result.faces[0].distance > 0.6
    assert result.missing == ["COLLINS"]


# --- look: colours and palettes ------------------------------------------------------------------


def test_ciede2000_agrees_with_scikit_image_and_sharma() -> None:
    rng = np.random.default_rng(5)
    first = np.column_stack([rng.uniform(0, 100, 500), rng.uniform(-90, 90, (500, 2))])
    second = np.column_stack([rng.uniform(0, 100, 500), rng.uniform(-90, 90, (500, 2))])
    second[:20, 1:] = 0  # achromatic colours take CIEDE2000's special hue branch

    for k_l in (1.0, 2.0):
        np.testing.assert_allclose(
            delta_e_2000(first, second, k_l=k_l), deltaE_ciede2000(first, second, kL=k_l), atol=1e-9
        )
    # Pairs 1 and 17 of Sharma, Wu & Dalal's test data.
    assert delta_e_2000([50, 2.6772, -79.7751], [50, 0, -82.7485]) == pytest.approx(
        2.0425, abs=1e-4
    )
    assert delta_e_2000([50, 2.5, 0], [73, 25, -18]) == pytest.approx(27.1492, abs=1e-4)


def test_rgb_to_lab_agrees_with_scikit_image() -> None:
    rgb = np.random.default_rng(6).integers(0, 256, (400, 3))

    np.testing.assert_allclose(rgb_to_lab(rgb), rgb2lab(rgb[None] / 255.0)[0], atol=0.01)


def block_image(colours: Sequence[tuple[tuple[int, int, int], int]], width: int = 60) -> np.ndarray:
    """Horizontal bands of flat colour, each `rows` tall."""
    return np.concatenate([np.full((rows, width, 3), rgb, dtype=np.uint8) for rgb, rows in colours])


def test_dominant_colours_of_a_synthetic_palette() -> None:
    pixels = block_image([((228, 190, 40), 60), ((30, 40, 80), 30), ((240, 240, 240), 10)])

    palette = dominant_colours(pixels, (0, 0, 60, 100))

    assert [c.hex for c in palette] == ["#e4be28", "#1e2850", "#f0f0f0"]
    assert [c.share for c in palette] == pytest.approx([0.6, 0.3, 0.1], abs=0.02)
    np.testing.assert_allclose(palette[0].lab, rgb_to_lab(np.array([228, 190, 40])), atol=0.05)


def test_a_flat_region_is_one_colour() -> None:
    palette = dominant_colours(block_image([((90, 90, 90), 40)]), (0, 0, 60, 40))

    assert [(c.hex, c.share) for c in palette] == [("#5a5a5a", 1.0)]


def test_palettes_tolerate_light_but_not_a_new_colour() -> None:
    coat = [((228, 190, 40), 70), ((40, 40, 40), 30)]
    same = dominant_colours(block_image(coat), (0, 0, 60, 100))
    dimmer = dominant_colours(
        np.asarray(ImageEnhance.Brightness(Image.fromarray(block_image(coat))).enhance(0.75)),
        (0, 0, 60, 100),
    )
    grey_sweater = dominant_colours(
        block_image([((120, 120, 125), 70), ((40, 40, 40), 30)]), (0, 0, 60, 100)
    )
    scarf = dominant_colours(
        block_image([((228, 190, 40), 70), ((40, 40, 40), 10), ((180, 30, 30), 20)]),
        (0, 0, 60, 100),
    )

    assert palette_difference(same, same) == 0.0
    assert palette_difference(same, dimmer) < LOOK_THRESHOLD
    assert palette_difference(same, grey_sweater) > 2 * LOOK_THRESHOLD
    assert palette_difference(same, scarf) > LOOK_THRESHOLD
    assert palette_difference(same, scarf) == palette_difference(scarf, same)


def test_palette_colours_survive_json() -> None:
    colour = PaletteColour((52.5, 10.25, -3.0), "#8a7a8c", 0.5)

    assert PaletteColour.from_json(json.loads(json.dumps(colour.to_json()))) == colour


def test_region_below_a_face_is_clipped_or_absent() -> None:
    assert region_below_face((100, 50, 160, 110), 400, 300) == (91, 131, 169, 221)
    assert region_below_face((100, 50, 160, 110), 400, 150) == (91, 131, 169, 150)
    assert region_below_face((100, 200, 160, 290), 400, 300) is None


@pytest.mark.slow
def test_a_recoloured_suit_is_a_new_look_and_dimmer_light_is_not(collins, models_loaded) -> None:
    def palette(photo: Image.Image) -> list[PaletteColour]:
        pixels = np.asarray(photo)
        found = detect_faces(pixels)
        box = region_below_face(found[0].box, photo.width, photo.height)
        assert box is not None
        return dominant_colours(pixels, box)

    reference = palette(collins)

    assert palette_difference(reference, palette(collins.resize((216, 252)))) < LOOK_THRESHOLD
    darker = ImageEnhance.Brightness(collins).enhance(0.75)
    assert palette_difference(reference, palette(darker)) < LOOK_THRESHOLD
    for channels in (BLUE_SUIT, YELLOW_SUIT):
        assert palette_difference(reference, palette(recoloured(collins, channels))) > 20


# --- time of day --------------------------------------------------------------------------------


def flat(rgb: tuple[int, int, int]) -> np.ndarray:
    return np.full((120, 160, 3), rgb, dtype=np.uint8)


def test_light_reading_of_known_colours() -> None:
    white = read_light(flat((255, 255, 255)))
    assert white.lightness == pytest.approx(100, abs=0.01)
    assert white.kelvin == pytest.approx(6504, abs=5)  # D65
    assert read_light(flat((255, 170, 90))).kelvin < 3500  # candle-warm
    assert read_light(flat((150, 180, 255))).kelvin > 9000  # blue sky
    assert read_light(flat((0, 0, 0))) == read_light(flat((0, 0, 0)))
    assert read_light(flat((0, 0, 0))).kelvin is None


@pytest.mark.parametrize(
    ("time_of_day", "rgb", "verdict"),
    [
        ("NIGHT", (200, 205, 210), "fail"),  # a night scene in daylight
        ("NIGHT", (20, 28, 55), "pass"),
        ("DAY", (180, 185, 190), "pass"),
        ("DAY", (25, 25, 30), "fail"),
        ("NEXT MORNING", (190, 190, 185), "pass"),
        ("DUSK", (200, 205, 215), "fail"),
        ("DUSK", (150, 90, 50), "pass"),
        ("LATER", (200, 205, 210), "not_checkable"),
        (None, (200, 205, 210), "not_checkable"),
    ],
)
def test_light_against_the_time_of_day(time_of_day, rgb, verdict) -> None:
    check = check_daylight(flat(rgb), time_of_day)

    assert check.verdict == verdict, check.reason
    assert check.to_json()["lightness"] == check.reading.lightness


def test_time_of_day_words_and_continuous_scenes() -> None:
    assert [period_of(t) for t in ("DAY", "NIGHT", "DUSK", "DAWN", "MIDNIGHT", None)] == [
        "day",
        "night",
        "dusk",
        "dawn",
        "night",
        None,
    ]
    assert period_of("DAY FOR NIGHT") == "night"
    times = ["DAY", "NIGHT", "CONTINUOUS", "SAME", "LATER"]
    assert [scene_time_of_day(times, i) for i in range(5)] == [
        "DAY",
        "NIGHT",
        "NIGHT",
        "NIGHT",
        "LATER",
    ]
    assert scene_time_of_day(["CONTINUOUS"], 0) is None


# --- script facts -------------------------------------------------------------------------------


def test_explicit_facts_are_extracted_from_the_demo_action_lines() -> None:
    script = DEMO / "demo.fountain"
    elements = parse_screenplay_bytes(script.read_bytes(), script.name).elements

    facts = extract_script_facts(build_scenes(elements), build_cast(elements))

    assert all(isinstance(f, ScriptFact) for f in facts)
    bandage = [f.scene_number for f in facts if f.statement == "bandage on her left hand"]
    assert bandage == ["3", "4", "5", "6", "7", "8", "9"]  # scene 10 names two women: skipped
    assert {f.subject for f in facts if "bandage" in f.statement} == {"MARA"}
    assert ScriptFact("MARA", "wears a bright yellow oilskin coat", "1") in facts
    assert ScriptFact("TOMAS", "wears a salt-stained navy pea coat", "1") in facts
    assert ScriptFact("MARA", "wears the grey wool sweater", "8") in facts


def scenes_of(fountain: str) -> tuple[list[Any], list[Any]]:
    elements = parse_screenplay_bytes(fountain.encode(), "pages.fountain").elements
    return build_scenes(elements), build_cast(elements)


def test_extraction_leaves_unclear_owners_alone() -> None:
    fountain = """INT. KITCHEN - DAY

Ruth stirs the pot, humming as her hands work. Ruth frowns at her spoon.

June dries her hair. June laces her boots.

Ruth sits with June, the bandage on her left hand.

SAM sits in a red raincoat beside June.

RUTH
Well?

JUNE
Salt.

SAM
More salt.
"""
    facts = extract_script_facts(*scenes_of(fountain))

    # "her" could be Ruth's or June's; Sam is the one character named before the raincoat.
    assert facts == [ScriptFact("SAM", "wears a red raincoat", "1")]


def test_extraction_reads_possessives_and_pronouns() -> None:
    fountain = """EXT. DOCK - NIGHT

Noor climbs out. Noor wipes her face with her sleeve.

Noor checks her knife.

NOOR
Go.

INT. CABIN - NIGHT

The bandage on Noor's left wrist is soaked through.
"""
    facts = extract_script_facts(*scenes_of(fountain))

    assert ScriptFact("NOOR", "bandage on her left wrist", "2") in facts


# --- references ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_reference_is_stored_with_its_embedding(studio, collins, models_loaded) -> None:
    row = add_reference(studio, ADMIN, "demo", "mara voss", png(collins), "collins.png")

    assert row["character"] == "MARA" and row["faces_in_image"] == 1
    assert row["references"] == 1
    assert Path(row["image_path"]).is_file()
    with studio.transaction() as session:
        reference = session.scalars(select(CharacterReference)).one()
        assert len(reference.embedding) == 128 and reference.box == row["box"]


@pytest.mark.slow
def test_several_faces_need_a_box_and_the_box_picks_one(
    studio, collins, hopper, models_loaded
) -> None:
    group = png(side_by_side(collins, hopper))
    before = asset_files(studio)

    with pytest.raises(InvalidInput, match=r"cast\.png has 2 faces; say which with --box") as error:
        add_reference(studio, ADMIN, "demo", "ADA", group, "cast.png")
    assert " and " in error.value.message  # both boxes are listed
    assert reference_count(studio) == 0 and asset_files(studio) == before

    row = add_reference(studio, ADMIN, "demo", "ADA", group, "cast.png", box=(330, 0, 620, 360))

    assert row["box"][0] >= 340 and row["faces_in_image"] == 2
    hopper_alone = detect_faces(np.asarray(hopper))[0].embedding
    with studio.transaction() as session:
        embedding = session.scalars(select(CharacterReference.embedding)).one()
    assert np.linalg.norm(np.subtract(embedding, hopper_alone)) < 0.3


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "content", "box", "error", "message"),
    [
        ("MARA", "no face", None, InvalidInput, "plate.png: no face found"),
        ("MARA", b"not a picture", None, InvalidInput, "plate.png: not an image"),
        ("MARA", "truncated", None, InvalidInput, "plate.png"),
        ("NOBODY", "face", None, NotFound, "no character 'NOBODY'"),
        ("MARA", "face", (900, 900, 950, 950), InvalidInput, "no pixels inside"),
        ("MARA", "face", (0, 200, 40, 255), InvalidInput, "no face inside box"),
    ],
)
def test_bad_reference_images_are_refused_and_nothing_is_stored(
    studio, collins, models_loaded, name, content, box, error, message
) -> None:
    photo = png(collins)
    content = {
        "no face": png(Image.new("RGB", (200, 200), GREY)),
        "truncated": photo[:3000],
        "face": photo,
    }.get(content, content)
    before = asset_files(studio)

    with pytest.raises(error, match=message):
        add_reference(studio, ADMIN, "demo", name, content, "plate.png", box=box)

    assert reference_count(studio) == 0
    assert asset_files(studio) == before


# --- the check of a version ---------------------------------------------------------------------


def test_previz_frames_are_not_checkable_and_never_pass(studio) -> None:
    view = render_frame(studio, ADMIN, "demo", "4", characters=["MARA"], seed=2)[0]

    report = check_version(studio, view.version_id)

    assert report["result"] == "not_checkable"
    assert report["identity"]["verdict"] == "not_checkable"
    assert report["identity"]["reason"].startswith("not checkable: previz")
    assert report["time_of_day"]["verdict"] == "pass"  # scene 4 is NIGHT, previz draws it so
    assert [f["item_id"] for f in report["facts"]] == [i["item_id"] for i in report["open_items"]]
    assert {f["statement"] for f in report["facts"]} >= {"bandage on her left hand"}
    assert stored(studio, view.version_id) == ("not_checkable", report)
    summary = continuity_report(studio, ADMIN, "demo")["summary"]
    assert (summary["pass"], summary["not_checkable"]) == (0, 1)


def test_a_night_scene_redrawn_in_daylight_fails_and_needs_an_override(studio) -> None:
    night = render_frame(studio, ADMIN, "demo", "4", seed=2)[0]
    day = revise_frame(studio, ADMIN, night.version_id, "make it daytime", seed=2)

    report = check_version(studio, day.version_id)

    assert report["time_of_day"]["verdict"] == "fail"
    assert "night scene lit like day" in report["time_of_day"]["reason"]
    assert report["result"] == "fail"
    with pytest.raises(Conflict, match="continuity check failed"):
        set_status(studio, DIRECTOR, day.version_id, "approved")
    with pytest.raises(PermissionDenied, match="may not"):
        set_status(studio, WRITER, day.version_id, "approved", override_reason="ok")
    view = set_status(studio, DIRECTOR, day.version_id, "approved", override_reason="dream")
    assert view.status == "approved" and view.continuity == "fail"


@pytest.mark.slow
def test_a_photo_of_the_actor_passes(studio, collins, models_loaded) -> None:
    add_reference(studio, ADMIN, "demo", "MARA", png(collins), "collins.png")
    version_id = photo_version(
        studio, "1", ImageEnhance.Brightness(collins).enhance(0.95), ["MARA"]
    )

    report = check_version(studio, version_id)

    assert report["result"] == "pass", report["summary"]
    face = report["identity"]["faces"][0]
    assert (face["character"], face["verdict"]) == ("MARA", "match")
    assert face["distance"] < 0.3
    assert report["look"]["characters"][0]["verdict"] == "no_baseline"
    assert report["time_of_day"]["verdict"] == "pass"
    presence = report["facts"][0]["automatic"][0]
    assert (presence["check"], presence["result"]) == ("MARA in frame", "pass")
    with studio.transaction() as session:
        assert get_version(session, version_id).continuity == "pass"


@pytest.mark.slow
def test_someone_else_playing_the_character_fails(studio, collins, hopper, models_loaded) -> None:
    add_reference(studio, ADMIN, "demo", "MARA", png(collins), "collins.png")
    version_id = photo_version(studio, "1", hopper, ["MARA"])

    report = check_version(studio, version_id)

    assert report["result"] == "fail"
    assert report["identity"]["missing"] == ["MARA"]
    assert report["identity"]["faces"][0]["verdict"] == "unknown_face"
    assert any(item["item_id"].startswith("face-") for item in report["open_items"])
    with pytest.raises(Conflict):
        set_status(studio, DIRECTOR, version_id, "approved")


@pytest.mark.slow
def test_the_threshold_setting_decides_and_near_misses_are_drift(
    studio, collins, hopper, models_loaded
) -> None:
    add_reference(studio, ADMIN, "demo", "MARA", png(collins), "collins.png")
    version_id = photo_version(studio, "1", hopper, ["MARA"])
    distance = check_version(studio, version_id)["identity"]["faces"][0]["distance"]

    with open_frameline(Settings(face_threshold=round(distance + 0.05, 2))) as lenient:
        report = check_version(lenient, version_id)

    face = report["identity"]["faces"][0]
    assert (face["character"], face["verdict"]) == ("MARA", "drift")
    assert report["identity"]["verdict"] == "pass"
    assert "close to the threshold" in report["identity"]["reason"]
    assert "drift-MARA" in [item["item_id"] for item in report["open_items"]]


@pytest.mark.slow
def test_two_characters_in_one_frame(studio, collins, hopper, models_loaded) -> None:
    add_reference(studio, ADMIN, "demo", "MARA", png(collins), "collins.png")
    add_reference(studio, ADMIN, "demo", "TOMAS", png(hopper), "hopper.png")
    version_id = photo_version(studio, "1", side_by_side(hopper, collins), ["MARA", "TOMAS"])

    report = check_version(studio, version_id)

    assert [f["character"] for f in report["identity"]["faces"]] == ["TOMAS", "MARA"]
    assert report["identity"]["verdict"] == "pass"


@pytest.mark.slow
def test_expected_characters_without_references_are_not_checkable(
    studio, collins, models_loaded
) -> None:
    version_id = photo_version(studio, "1", collins, ["MARA"])

    report = check_version(studio, version_id)

    assert report["result"] == "not_checkable"
    assert "no reference images for MARA" in report["identity"]["reason"]
    assert "add-reference" in report["identity"]["reason"]


@pytest.mark.slow
def test_the_look_is_compared_with_the_first_approved_shot_of_the_day(
    studio, collins, models_loaded
) -> None:
    add_reference(studio, ADMIN, "demo", "MARA", png(collins), "collins.png")
    first = photo_version(studio, "1", collins, ["MARA"])
    check_version(studio, first)
    set_status(studio, DIRECTOR, first, "approved")
    assert check_version(studio, first)["look"]["characters"][0]["verdict"] == "reference"

    same_suit = photo_version(studio, "2", ImageEnhance.Brightness(collins).enhance(0.8), ["MARA"])
    blue_suit = photo_version(studio, "2", recoloured(collins, BLUE_SUIT), ["MARA"])
    next_day = photo_version(studio, "7", recoloured(collins, BLUE_SUIT), ["MARA"])

    kept = check_version(studio, same_suit)["look"]
    assert kept["verdict"] == "pass"
    assert kept["characters"][0]["baseline"]["version_id"] == first
    changed = check_version(studio, blue_suit)
    assert changed["look"]["verdict"] == "fail"
    assert changed["look"]["characters"][0]["delta_e"] > LOOK_THRESHOLD
    assert changed["result"] == "fail"
    assert check_version(studio, next_day)["look"]["characters"][0]["verdict"] == "no_baseline"


def test_a_box_gives_the_look_of_a_previz_figure(studio) -> None:
    version = render_frame(studio, ADMIN, "demo", "1", characters=["MARA"], seed=4)[0]

    report = check_version(studio, version.version_id, boxes={"mara voss": [180, 200, 300, 330]})

    entry = report["look"]["characters"][0]
    assert (entry["character"], entry["source"], entry["box"]) == (
        "MARA",
        "given box",
        [180, 200, 300, 330],
    )
    assert entry["palette"]
    again = check_version(studio, version.version_id)  # the box stays with the version
    assert again["look"]["boxes"] == {"MARA": [180, 200, 300, 330]}
    with pytest.raises(InvalidInput, match="no character 'NOBODY'"):
        check_version(studio, version.version_id, boxes={"NOBODY": [0, 0, 10, 10]})


def test_an_unreadable_frame_is_not_checkable_never_an_error(studio) -> None:
    version = render_frame(studio, ADMIN, "demo", "1", seed=5)[0]
    Path(version.image_path).write_bytes(b"\x89PNG\r\n\x1a\n broken by the disk")

    report = check_version(studio, version.version_id)

    assert report["result"] == "not_checkable"
    assert "cannot be read" in report["identity"]["reason"]
    Path(version.image_path).unlink()
    assert check_version(studio, version.version_id)["result"] == "not_checkable"


def test_an_unknown_version_is_not_found(studio) -> None:
    with pytest.raises(NotFound, match="v999"):
        check_version(studio, "v999")


def test_checks_are_idempotent_and_keep_confirmations(studio) -> None:
    version = render_frame(studio, ADMIN, "demo", "4", characters=["MARA"], seed=6)[0]
    first = check_version(studio, version.version_id)
    item = first["open_items"][0]["item_id"]

    confirmed = confirm_item(studio, DIRECTOR, version.version_id, item, " bandage is there ")
    again = check_version(studio, version.version_id)

    assert [i["item_id"] for i in confirmed["confirmed_items"]] == [item]
    assert confirmed["confirmed_items"][0]["confirmation"]["by"] == "dana"
    assert confirmed["confirmed_items"][0]["confirmation"]["note"] == "bandage is there"
    drop = {"checked_at", "open_items", "confirmed_items", "confirmations"}
    assert {k: v for k, v in again.items() if k not in drop} == {
        k: v for k, v in first.items() if k not in drop
    }
    assert again["confirmed_items"] == confirmed["confirmed_items"]
    assert len(again["open_items"]) == len(first["open_items"]) - 1
    assert read_check(studio, ADMIN, version.version_id) == again
    with pytest.raises(InvalidInput, match="no continuity item 'f999'; items are"):
        confirm_item(studio, DIRECTOR, version.version_id, "f999")


def test_every_render_is_checked_on_creation(studio) -> None:
    version = render_frame(studio, ADMIN, "demo", "1", seed=7)[0]
    assert version.continuity == "not_checkable"
    assert stored(studio, version.version_id)[1]["result"] == "not_checkable"


def test_an_unchecked_version_reads_as_pending(studio) -> None:
    version_id = unchecked_take(studio, "1")

    assert read_check(studio, ADMIN, version_id) == {"version_id": version_id, "result": "pending"}
    with pytest.raises(InvalidInput, match="not been checked yet"):
        confirm_item(studio, ADMIN, version_id, "f1")
    assert run_check(studio, WRITER, version_id)["result"] in {"pass", "not_checkable"}


def test_facts_about_characters_outside_the_shot_do_not_apply(studio) -> None:
    version = render_frame(studio, ADMIN, "demo", "3", characters=["TOMAS"], seed=8)[0]

    report = check_version(studio, version.version_id)

    assert {f["subject"] for f in report["facts"]} == {"TOMAS"}


def test_a_fact_naming_a_scene_that_does_not_exist_is_refused(studio) -> None:
    with studio.transaction() as session:
        before = len(list_facts(session, get_project(session, "demo")))

    with pytest.raises(NotFound, match="no scene '40'"), studio.transaction() as session:
        add_fact(session, get_project(session, "demo"), FactStatement("Mara", "limps", "3", "40"))

    with studio.transaction() as session:
        assert len(list_facts(session, get_project(session, "demo"))) == before


def test_facts_to_review_are_marked_in_the_check(studio) -> None:
    with studio.transaction() as session:
        project = get_project(session, "demo")
        fact = add_fact(session, project, FactStatement("Mara", "limps", "3", "4"))
        fact.needs_review = True
    version = render_frame(studio, ADMIN, "demo", "4", characters=["MARA"], seed=9)[0]

    report = check_version(studio, version.version_id)

    limp = next(f for f in report["facts"] if f["statement"] == "limps")
    assert limp["needs_review"] and "review it" in limp["text"]


# --- reports ------------------------------------------------------------------------------------


def test_report_per_scene_and_shot_in_every_form(studio) -> None:
    checked = render_frame(studio, ADMIN, "demo", "4", characters=["MARA"], seed=2)[0]
    check_version(studio, checked.version_id)
    pending_id = unchecked_take(studio, "1")

    report = continuity_report(studio, WRITER, "demo")
    scene_four = continuity_report(studio, WRITER, "demo", "4")

    assert [s["number"] for s in report["scenes"]] == [str(n) for n in range(1, 11)]
    assert report["summary"]["shots"] == 2
    assert (report["summary"]["pending"], report["summary"]["not_checkable"]) == (1, 1)
    shot = scene_four["scenes"][0]["shots"][0]
    assert (shot["version_id"], shot["continuity"]) == (checked.version_id, "not_checkable")
    assert shot["open_items"]
    assert scene_four["scene"] == "4" and len(scene_four["scenes"]) == 1
    first_shot = report["scenes"][0]["shots"][0]
    assert (first_shot["version_id"], first_shot["continuity"]) == (pending_id, "pending")
    markdown = render_markdown(scene_four)
    assert "## Scene 4: INT. LIGHTHOUSE COTTAGE - NIGHT" in markdown
    assert "identity: not checkable: previz" in markdown.lower()
    assert "- [ ] f1: check by eye: MARA bandage on her left hand" in markdown
    with pytest.raises(NotFound, match="no scene '40'"):
        continuity_report(studio, WRITER, "demo", "40")


@pytest.mark.slow
def test_is_mara_consistent_in_a_scene(studio, collins, hopper, models_loaded) -> None:
    add_reference(studio, ADMIN, "demo", "MARA", png(collins), "collins.png")
    in_yellow = recoloured(collins, YELLOW_SUIT)  # the oilskin the facts say she wears
    check_version(studio, photo_version(studio, "1", in_yellow, ["MARA"]))

    yes = consistency(studio, WRITER, "demo", "1", "mara")
    check_version(studio, photo_version(studio, "2", hopper, ["MARA"]))
    no = consistency(studio, WRITER, "demo", "2", "Mara")
    nothing = consistency(studio, WRITER, "demo", "5", "MARA")

    assert (yes["subject"], yes["answer"]) == ("MARA", "consistent")
    assert no["answer"] == "inconsistent" and "MARA's face is not in the frame" in no["text"]
    assert nothing["answer"] == "unverified"
    assert [f["statement"] for f in yes["facts"]][:1] == ["wears a bright yellow oilskin coat"]


def test_previz_checks_are_fast_enough_to_run_on_every_version(studio) -> None:
    import time

    version = render_frame(studio, ADMIN, "demo", "4", seed=1)[0]
    started = time.perf_counter()
    check_version(studio, version.version_id)
    assert time.perf_counter() - started < 1.0
    with studio.transaction() as session:
        assert session.get(Version, int(version.version_id[1:])).continuity == "not_checkable"
