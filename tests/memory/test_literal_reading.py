"""Figures of speech, verbs and modifiers name nothing a storyboard should draw."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from memory.screenplay.contents import read_contents
from memory.screenplay.fountain import parse_fountain
from memory.screenplay.scenes import build_cast, build_scenes


def things(action: str, names: tuple[str, ...] = ()) -> set[str]:
    """Every prop, vehicle, weather and light word read from one action paragraph."""
    contents = read_contents("EXT", "YARD", "DAY", action, names)
    return {*contents.props, *contents.vehicles, *contents.weather, *contents.light}


def test_similes_add_no_props_weather_or_light() -> None:
    found = things(
        "The coat hangs from the ladder, lit up like a flag. The crane swings, slow as a clock "
        "hand. She moves as if through a storm. Gulls sit like boats at anchor. A flag-like "
        "banner of smoke. As black as a barge, the hull slides past."
    )
    assert not found & {"flag", "clock", "storm", "boat", "car", "barge"}
    assert "ladder" in found


def test_words_used_as_verbs_are_not_things() -> None:
    found = things(
        "She takes the pen. Signs. He photographs the whiteboard. Ellis storms out. Mara "
        "waves, trying to flag down a taxi. She finds a binder and photographs page after page.",
        ("MARA", "ELLIS"),
    )
    assert not found & {"sign", "photograph", "flag", "storm"}
    assert {"taxi", "whiteboard", "book"} <= found


def test_things_that_only_qualify_another_or_a_place_are_not_drawn() -> None:
    found = things(
        "She lowers a glass sample jar. A binder of dredge logs. The lamp room is dark. "
        "They cross the car park."
    )
    assert "jar" in found
    assert not found & {"glass", "barge", "lamp", "car"}


def test_a_light_said_to_be_off_lights_nothing() -> None:
    contents = read_contents(
        "INT", "COTTAGE", "NIGHT", "One bare bulb. Its lamp has not turned in years. "
        "The torch goes out.",
    )  # fmt: skip
    assert contents.light == ("bulb",)


def test_a_haze_is_its_own_light_weather_not_fog() -> None:
    assert things("Its crane arm black against the haze.") == {"haze"}
    assert things("A thick haze swallows the quay.") == {"fog"}
    assert "fog" in things("Mist rolls over the quay.")


def test_adjectives_about_other_things_stay_out_of_looks() -> None:
    script = """\
INT. OFFICE - DAY

JUNE PARK (20s), slight and pale, a red raincoat over a white dress, studies the chart. Her \
finger stops on a cluster of small blue circles. June pulls on her brother's jumper, far too \
big for her.

LEO (40s), a tall man in a grey suit, waits.

JUNE
Here.

INT. STREET - NIGHT

Draped over Leo's arm is June's red raincoat, dripping. He drops a black coat at her feet.

June's left hand is wrapped in gauze. The bandage on her left hand is fresh.
"""
    elements = parse_fountain(script).elements
    cast = {member.name: member.look for member in build_cast(elements)}
    assert "slight" in cast["JUNE"] and "pale" in cast["JUNE"]
    assert "small" not in cast["JUNE"] and "big" not in cast["JUNE"]
    assert "tall" in cast["LEO"]
    street = build_scenes(elements)[1].contents
    assert street is not None
    assert "raincoat" not in street.looks.get("LEO", "") and "black coat" not in street.looks.get(
        "LEO", ""
    )
    assert "grey suit" in street.looks["LEO"]
    june = street.looks["JUNE"]
    assert june.count("left hand") == 1  # gauze and bandage are one mark


def test_demo_frames_read_as_a_writer_would(demo_script: Path) -> None:
    elements = parse_fountain(demo_script.read_text()).elements
    scenes = {scene.number: scene.contents for scene in build_scenes(elements)}
    assert "flag" not in scenes["6"].props  # "lit up like a flag"
    assert scenes["1"].weather == ("overcast", "haze")  # "black against the haze"
    assert not {"sign", "clock"} & set(scenes["2"].props)  # "Signs.", "slow as a clock hand"
    assert "glass" not in scenes["3"].props  # "a glass sample jar"
    assert "lamp" not in scenes["4"].light  # "its lamp has not turned in years"
    assert "barge" not in scenes["8"].vehicles and "photograph" not in scenes["8"].props
    assert "lamp" not in scenes["10"].props  # "the lamp room"
    for number, contents in scenes.items():
        for name, look in contents.looks.items():
            assert not {"small", "big"} & set(look.split(", ")), (number, name, look)
    assert "oilskin" not in scenes["7"].looks["ELLIS"]  # he carries it, she wore it
    assert "gilet" in scenes["7"].looks["ELLIS"]


HOSTILE = {
    "similes": "lit up like a flag " * 5_000,
    "as a": "slow as a clock hand as a car passes " * 2_500,
    "places around things": "the lamp room by the car park lamp " * 3_000,
    "verbs": "She photographs and photographs page " * 2_500,
    "held garments in one sentence": "he drops a coat and a jacket " * 3_500,
    "build words": "small blue small tall " * 5_000,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_literal_rules_read_a_100k_line_in_bounded_time(name: str) -> None:
    text = f"INT. SHED - DAY\n\nMARA (30s) waits.\n\nMara {HOSTILE[name]}\n\nMARA\nHello.\n"
    started = time.perf_counter()
    elements = parse_fountain(text).elements
    build_scenes(elements)
    build_cast(elements)
    assert time.perf_counter() - started < 5.0, name
