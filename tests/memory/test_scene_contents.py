"""What a scene holds, read at import: cast, looks, setting, props, weather, light, time, days."""

from __future__ import annotations

from pathlib import Path

from memory.screenplay.fountain import parse_fountain
from memory.screenplay.scenes import build_cast, build_scenes

SCRIPT = """\
INT. TAXI - NIGHT

Rain streaks the windows. A DRIVER (60s), grey stubble, hunches over the wheel.

JUNE PARK (20s), slight, short black hair in a bob, a red raincoat over a white dress, \
sits in the back.

JUNE
The harbour, please.

The driver glances at her in the mirror.

EXT. HARBOUR - CONTINUOUS

The TRUCK idles by the quay, headlights on. A CAR, black and long, waits beside it. No moon.

June steps out. She pulls the red raincoat tight. A bandage on her left wrist.

INT. JUNE'S KITCHEN - 4:32 AM

June, now in a grey hoodie, fills a kettle. A lamp burns on the table.

EXT. STREET - 7:05 AM

Morning. June walks to the bus stop. She carries a briefcase.

EXT. ROOFTOP - LATER

Sun through a haze. june's phone buzzes in her hand.

EXT. BEACH - DUSK

The sun sets over the sand. The driver, smoking, watches June from the TAXI.
"""


def drafts():
    elements = parse_fountain(SCRIPT).elements
    return build_scenes(elements), build_cast(elements)


def test_silent_characters_and_characters_named_later_in_any_case_are_in_the_cast() -> None:
    scenes, cast = drafts()
    assert {member.name for member in cast} == {"DRIVER", "JUNE"}
    assert scenes[0].characters == ("DRIVER", "JUNE")
    assert "JUNE" in scenes[1].characters  # named in mixed case only
    assert scenes[4].characters == ("JUNE",)  # a possessive in lower case
    assert set(scenes[5].characters) == {"DRIVER", "JUNE"}  # "the driver" in lower case


def test_props_and_vehicles_in_capitals_are_props_not_characters() -> None:
    scenes, cast = drafts()
    assert not {"TRUCK", "CAR", "TAXI"} & {member.name for member in cast}
    harbour = scenes[1].contents
    assert harbour is not None
    assert {"truck", "car"} <= set(harbour.vehicles)
    assert "taxi" in scenes[5].contents.vehicles


def test_settings_weather_light_and_props_come_from_headings_and_action() -> None:
    scenes, _ = drafts()
    kinds = [scene.contents.setting for scene in scenes]
    assert kinds == ["car interior", "harbour", "kitchen", "street", "rooftop", "beach"]
    assert scenes[0].contents.weather == ("rain",)
    assert set(scenes[1].contents.light) == {"headlights", "no moon"}
    assert "lamp" in scenes[2].contents.light and "lamp" in scenes[2].contents.props
    assert "briefcase" in scenes[3].contents.props
    assert scenes[4].contents.weather == ("haze",)  # a haze is not fog


def test_time_of_day_follows_continuous_and_later_and_reads_clock_times() -> None:
    scenes, _ = drafts()
    times = [scene.contents.time_of_day for scene in scenes]
    assert times == ["night", "night", "night", "day", "day", "dusk"]
    assert scenes[2].contents.clock == "04:32"
    assert scenes[3].contents.clock == "07:05"


def test_clock_times_on_one_morning_share_a_story_day() -> None:
    scenes, _ = drafts()
    days = [scene.story_day for scene in scenes]
    # 4:32 after a night scene starts the next day; 7:05 the same morning stays in it.
    assert days == [1, 1, 2, 2, 2, 2]


def test_time_of_day_comes_from_the_action_when_the_heading_says_nothing() -> None:
    script = "EXT. MOOR - LATER\n\nBlack sky, no moon. Wind.\n\nEXT. MOOR - LATER\n\nFirst light.\n"
    scenes = build_scenes(parse_fountain(script).elements)
    assert [s.contents.time_of_day for s in scenes] == ["night", "dawn"]
    assert scenes[0].contents.weather == ("wind",)


def test_looks_gather_over_several_lines_and_change_with_the_clothes() -> None:
    scenes, cast = drafts()
    june = next(member for member in cast if member.name == "JUNE")
    for part in ("20s", "slight", "short black hair in a bob", "red raincoat", "white dress"):
        assert part in june.look
    assert "grey hoodie" in june.look
    assert "bandage on left wrist" in june.look
    assert "red raincoat" in scenes[1].contents.looks["JUNE"]
    kitchen = scenes[2].contents.looks["JUNE"]
    assert "grey hoodie" in kitchen and "raincoat" not in kitchen
    assert "white dress" in kitchen  # a hoodie replaces the coat, not the dress
    driver = next(member for member in cast if member.name == "DRIVER")
    assert "60s" in driver.look and "grey stubble" not in june.look


def test_demo_scene_casts(demo_script: Path) -> None:
    scenes = build_scenes(parse_fountain(demo_script.read_text()).elements)
    casts = {scene.number: set(scene.characters) for scene in scenes}
    assert casts["1"] == {"MARA", "TOMAS"}
    assert casts["5"] == {"ELLIS", "MARA"}  # Ada is only talked about
    assert casts["8"] == {"MARA"}  # Tomas is a voice on the radio
    assert scenes[3].contents.offscreen == ("ELLIS",)  # knocking at the door, not yet in shot
    assert casts["10"] == {"MARA", "ADA", "TOMAS"}  # Tomas named in action only
    boat = scenes[5].contents
    assert boat.time_of_day == "night" and "no moon" in boat.light
    assert "boat" in boat.vehicles and boat.setting == "boat"
    assert scenes[2].contents.time_of_day == "dusk"
    assert "rain" not in scenes[6].contents.weather  # "hard, clean light after the rain"
    assert "storm" not in scenes[2].contents.weather  # a storm lantern is a lantern
