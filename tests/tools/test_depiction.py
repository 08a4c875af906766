"""The shot description: from the scene, changed by a person's words and by instructions."""

from __future__ import annotations

import numpy as np

from memory.screenplay.contents import SceneContents
from tools.backends.base import Depiction, FigureInFrame
from tools.continuity.daylight import check_daylight
from tools.depiction import CastLook, apply_words, build_depiction, first_action_text

CAST = [
    CastLook("MARA", "30s, dark hair, yellow oilskin", ("MARA VOSS",)),
    CastLook("TOMAS", "40s, bearded, navy pea coat", ("TOMAS REYES",)),
]
HARBOUR = SceneContents(
    setting="harbour",
    props=("compass",),
    vehicles=("truck", "boat"),
    weather=("overcast",),
    light=("sun",),
    time_of_day="day",
)


def harbour_shot() -> Depiction:
    return build_depiction(HARBOUR, "EXT", CAST, action="Mara stands at the bow.")


def test_a_scene_becomes_a_description_with_its_cast_placed() -> None:
    shot = harbour_shot()
    assert (shot.setting, shot.int_ext, shot.time_of_day) == ("harbour", "ext", "day")
    assert shot.props == ("compass", "truck", "boat")
    assert [(f.name, f.position) for f in shot.characters] == [
        ("MARA", "left, facing right"),
        ("TOMAS", "right, facing left"),
    ]
    assert shot.characters[0].look == "30s, dark hair, yellow oilskin"
    assert Depiction.from_json(shot.to_json()) == shot


def test_prompt_words_change_time_weather_and_light() -> None:
    shot = apply_words(harbour_shot(), "at night in the rain with a lantern", CAST, as_action=True)
    assert shot.time_of_day == "night"
    assert "rain" in shot.weather
    assert "lantern" in shot.light and "sun" not in shot.light
    assert shot.action == "at night in the rain with a lantern"


def test_instructions_add_and_remove_props() -> None:
    shot = apply_words(harbour_shot(), "add a lantern on the ground", CAST)
    assert "lantern" in shot.props and "lantern" in shot.light
    shot = apply_words(shot, "remove the truck", CAST)
    assert "truck" not in shot.props and "boat" in shot.props
    shot = apply_words(shot, "without the lantern", CAST)
    assert "lantern" not in shot.props and "lantern" not in shot.light


def test_rainy_night_and_clearing_weather() -> None:
    shot = apply_words(harbour_shot(), "rainy night", CAST)
    assert shot.time_of_day == "night" and "rain" in shot.weather
    assert apply_words(shot, "no rain", CAST).weather == ("overcast",)
    assert apply_words(shot, "make it dusk", CAST).time_of_day == "dusk"


def test_close_up_on_a_named_character_frames_them_first_and_centred() -> None:
    shot = apply_words(harbour_shot(), "close-up on Tomas", CAST)
    assert shot.framing == "close-up"
    assert shot.characters[0] == FigureInFrame(
        "TOMAS", "40s, bearded, navy pea coat", "centre, facing camera"
    )
    assert shot.characters[1].name == "MARA" and not shot.characters[1].position.startswith(
        "centre"
    )


def test_a_character_not_in_frame_is_brought_in_by_name_or_alias() -> None:
    alone = build_depiction(HARBOUR, "EXT", CAST[:1], action="")
    shot = apply_words(alone, "close-up on tomas reyes", CAST)
    assert shot.characters[0].name == "TOMAS"


def test_gaze_and_side_words_move_only_that_character() -> None:
    shot = apply_words(harbour_shot(), "Mara looks away", CAST)
    assert shot.characters[0].position == "left, looking away"
    assert shot.characters[1].position == "right, facing left"
    shot = apply_words(shot, "Tomas on the left looks at Mara", CAST)
    assert shot.characters[1].position == "left, looking at MARA"


def test_camera_words_set_angle_and_lens() -> None:
    shot = apply_words(harbour_shot(), "low angle, 85mm, wider", CAST)
    assert (shot.angle, shot.lens, shot.framing) == ("low", "85mm", "wide")


def test_captions_are_plain_text() -> None:
    text = "INT. ROOM - DAY\n\n_Black_ water, *no* **moon**. A boat."
    assert first_action_text(text) == "Black water, no moon. A boat."


def test_the_light_check_tells_dusk_from_night() -> None:
    starry_night = np.full((64, 64, 3), (8, 10, 30), dtype=np.uint8)
    starry_night[::9, ::7] = 255
    assert check_daylight(starry_night, "dusk").verdict == "fail"
    assert check_daylight(starry_night, "night").verdict == "pass"
    copper_dusk = np.full((64, 64, 3), (150, 90, 60), dtype=np.uint8)
    assert check_daylight(copper_dusk, "dusk").verdict == "pass"


def test_a_mark_stated_by_the_script_and_by_a_person_is_drawn_once(studio) -> None:
    from tools.context import Actor
    from tools.frames import render_frame

    # The demo states Mara's bandage in scene 7's action and again as a person's fact.
    [version] = render_frame(studio, Actor("local", "admin"), "demo", "7", seed=1)
    [mara] = [c for c in version.depicts["characters"] if c["name"] == "MARA"]
    assert mara["look"].count("bandage") == 1, mara["look"]
