"""Scenes and cast from parsed elements: headings, story days, pages and who is where."""

from __future__ import annotations

import time

import pytest

from memory.screenplay.elements import Element
from memory.screenplay.scenes import CastMember, build_cast, build_scenes, strip_extension


def heading(text: str, number: str | None = None) -> Element:
    """A scene heading element as the parsers make it."""
    return Element("scene_heading", text, scene_number=number)


def action(text: str) -> Element:
    """One action paragraph."""
    return Element("action", text)


def speech(cue: str, *lines: str) -> list[Element]:
    """A dialogue block: the cue, then parentheticals (in brackets) or dialogue."""
    return [Element("character", cue)] + [
        Element("parenthetical" if line.startswith("(") else "dialogue", line) for line in lines
    ]


def days(*times: str) -> list[int]:
    """The story days of scenes whose headings end in the given times of day."""
    return [scene.story_day for scene in build_scenes([heading(f"INT. ROOM - {t}") for t in times])]


def member(cast: list[CastMember], name: str) -> CastMember:
    """The cast member of that canonical name."""
    return next(person for person in cast if person.name == name)


@pytest.mark.parametrize(
    ("text", "int_ext", "location", "time_of_day"),
    [
        ("INT. HOUSE - DAY", "INT", "HOUSE", "DAY"),
        ("EXT. HARBOUR - NIGHT", "EXT", "HARBOUR", "NIGHT"),
        ("INT./EXT. CAR - MOVING - DAY", "INT/EXT", "CAR - MOVING", "DAY"),
        ("INT/EXT CAR - DAY", "INT/EXT", "CAR", "DAY"),
        ("I/E CAR - DUSK", "INT/EXT", "CAR", "DUSK"),
        ("EXT/INT GARAGE - DAY", "INT/EXT", "GARAGE", "DAY"),
        ("INT-EXT GARAGE - DAY", "INT/EXT", "GARAGE", "DAY"),
        ("EST. CITY SKYLINE - DAWN", "EXT", "CITY SKYLINE", "DAWN"),
        ("INT. HOUSE - KITCHEN - NIGHT", "INT", "HOUSE - KITCHEN", "NIGHT"),
        ("INT. LIGHTHOUSE", "INT", "LIGHTHOUSE", None),
        ("int. diner - moments later", "INT", "diner", "MOMENTS LATER"),
        ("SNIPER SCOPE POV - NIGHT", None, "SNIPER SCOPE POV", "NIGHT"),
        ("INTERCUT PHONE CALL", None, "INTERCUT PHONE CALL", None),
        ("EXT. - HARBOUR - DAY", "EXT", "HARBOUR", "DAY"),
    ],
)
def test_headings_split_into_prefix_location_and_time(
    text: str, int_ext: str | None, location: str | None, time_of_day: str | None
) -> None:
    (scene,) = build_scenes([heading(text)])
    assert (scene.heading, scene.int_ext, scene.location, scene.time_of_day) == (
        text,
        int_ext,
        location,
        time_of_day,
    )


def test_scenes_keep_script_numbers_and_number_the_rest_by_position() -> None:
    scenes = build_scenes(
        [
            action("FADE IN on a title card nobody films."),
            heading("INT. HOUSE - DAY", "12A"),
            heading("EXT. YARD - DAY"),
            heading("EXT. ROAD - DAY", "14"),
        ]
    )
    assert [(s.position, s.number) for s in scenes] == [(1, "12A"), (2, "2"), (3, "14")]
    assert all("title card" not in s.text for s in scenes)


def test_no_heading_means_no_scenes() -> None:
    assert build_scenes([action("Rain."), *speech("MARA", "Hello.")]) == []


@pytest.mark.parametrize(
    ("times", "expected"),
    [
        (("NIGHT", "DAY"), [1, 2]),
        (("DAY", "DUSK", "NIGHT"), [1, 1, 1]),
        (("DAY", "MORNING"), [1, 2]),
        (("EVENING", "DAY"), [1, 2]),
        (("NIGHT", "CONTINUOUS", "NIGHT"), [1, 1, 1]),
        (("NIGHT", "CONTINUOUS", "DAY"), [1, 1, 2]),
        (("DAY", "LATER", "MOMENTS LATER", "SAME"), [1, 1, 1, 1]),
        (("NIGHT", "LATER", "DAWN"), [1, 1, 2]),
        (("DAY", "NEXT MORNING"), [1, 2]),
        (("MORNING", "THE NEXT DAY", "NIGHT"), [1, 2, 2]),
        (("NIGHT", "FOLLOWING DAY"), [1, 2]),
        (("DAY", "TWO DAYS LATER", "NIGHT"), [1, 3, 3]),
        (("DAY", "3 DAYS LATER"), [1, 4]),
        (("DAY", "A WEEK LATER"), [1, 8]),
        (("DAY", "WEEKS LATER"), [1, 8]),
        (("NIGHT", "LATER THAT NIGHT"), [1, 1]),
        (("NIGHT", "MAGIC HOUR"), [1, 2]),
        (("DAY", "FLASHBACK", "NIGHT"), [1, 1, 1]),
        (("DAY", "DAY 4", "NIGHT"), [1, 4, 4]),
        (("DAY", "DAY THREE"), [1, 3]),
        (("LATE NIGHT", "EARLY MORNING"), [1, 2]),
    ],
)
def test_story_days_follow_the_clock(times: tuple[str, ...], expected: list[int]) -> None:
    assert days(*times) == expected


def test_a_heading_without_time_keeps_the_day() -> None:
    scenes = build_scenes(
        [heading("INT. HOUSE - NIGHT"), heading("INT. CELLAR"), heading("EXT. HOUSE - DAY")]
    )
    assert [s.story_day for s in scenes] == [1, 1, 2]


def test_scene_text_reads_like_a_screenplay() -> None:
    (scene,) = build_scenes(
        [
            heading("INT. LIGHTHOUSE - NIGHT", "3"),
            action("Wind howls."),
            *speech("MARA (V.O.)", "(quietly)", "Anyone here?"),
            Element("section", "ACT ONE", level=1),
            Element("synopsis", "Mara arrives."),
            Element("transition", "CUT TO:"),
        ]
    )
    assert scene.text == (
        "INT. LIGHTHOUSE - NIGHT\n\nWind howls.\n\nMARA (V.O.)\n(quietly)\nAnyone here?\n\nCUT TO:"
    )
    assert scene.action_lines == ("Wind howls.",)


def test_scene_text_is_deterministic() -> None:
    elements = [heading("INT. HOUSE - DAY"), action("A door."), *speech("TOM", "Hi.")]
    assert build_scenes(elements) == build_scenes(list(elements))


def test_pages_grow_with_length_and_eighths_are_at_least_one() -> None:
    short = [heading("INT. HALL - DAY"), action("Quiet.")]
    long = [heading("EXT. FIELD - DAY")] + [action("Wind bends the grass. " * 8)] * 12
    first, second = build_scenes(short + long)
    assert first.eighths == 1
    assert second.eighths > first.eighths
    assert first.page_start == 1.0
    assert first.page_start < first.page_end <= second.page_start < second.page_end
    assert second.page_end - second.page_start == pytest.approx(second.eighths / 8, abs=1 / 16)


def test_dialogue_wraps_narrower_than_action() -> None:
    words = "word " * 30
    (in_action,) = build_scenes([heading("INT. A - DAY"), action(words)])
    (in_dialogue,) = build_scenes([heading("INT. A - DAY"), *speech("MARA", words)])
    assert in_dialogue.page_end - in_dialogue.page_start > in_action.page_end - in_action.page_start


def test_a_page_break_starts_a_new_page() -> None:
    scenes = build_scenes(
        [
            heading("INT. A - DAY"),
            action("Short."),
            Element("page_break", ""),
            heading("INT. B - DAY"),
            action("Short."),
        ]
    )
    assert scenes[1].page_start == 2.0
    assert scenes[0].eighths == 1


def test_strip_extension() -> None:
    assert strip_extension("MARA (V.O.) (CONT'D)") == "MARA"
    assert strip_extension("MOM (O.S.)") == "MOM"
    assert strip_extension("OLD  TOM^") == "OLD TOM"
    assert strip_extension("MARA'S VOICE") == "MARA'S VOICE"
    assert strip_extension("(V.O.)") == "(V.O.)"


def test_extensions_merge_and_lines_count_dialogue_blocks() -> None:
    elements = [
        heading("INT. LIGHTHOUSE - NIGHT", "1"),
        *speech("MARA", "One."),
        *speech("MARA (V.O.)", "Two."),
        heading("EXT. CLIFF - NIGHT", "2"),
        *speech("MARA (CONT'D)", "(shouting)", "Three."),
        *speech("TOM", "Four."),
    ]
    cast = build_cast(elements)
    assert [(c.name, c.lines, c.scenes) for c in cast] == [
        ("MARA", 3, ("1", "2")),
        ("TOM", 1, ("2",)),
    ]
    assert member(cast, "MARA").aliases == ()


def test_alias_map_target_is_canonical_even_when_rarer() -> None:
    elements = [
        heading("INT. PRECINCT - DAY"),
        *speech("DET. VOSS", "One."),
        *speech("DET. VOSS", "Two."),
        *speech("mara", "Three."),
        *speech("TOM", "Four."),
    ]
    cast = build_cast(elements, {"det. voss (V.O.)": "MARA", "MARA VOSS": "MARA"})
    mara = member(cast, "mara")
    assert mara.lines == 3
    assert mara.aliases == ("DET. VOSS", "MARA VOSS")
    scene = build_scenes(elements, {"DET. VOSS": "MARA"})[0]
    assert scene.characters == ("mara", "TOM")


def test_alias_target_that_never_speaks_still_names_the_character() -> None:
    cast = build_cast(
        [heading("INT. A - DAY"), *speech("THE STRANGER", "Hm.")], {"THE STRANGER": "JACK"}
    )
    assert [(c.name, c.aliases, c.lines) for c in cast] == [("JACK", ("THE STRANGER",), 1)]


def test_most_frequent_spelling_is_canonical_ties_first_seen() -> None:
    elements = [heading("INT. A - DAY")]
    elements += speech("McCLANE", "a") + speech("MCCLANE", "b") + speech("MCCLANE", "c")
    elements += speech("Ana", "d") + speech("ANA", "e")
    assert [c.name for c in build_cast(elements)] == ["MCCLANE", "Ana"]


def test_introduction_in_action_joins_the_shorter_cue() -> None:
    elements = [
        heading("INT. LIGHTHOUSE - NIGHT", "1"),
        action("MARA VOSS (30s), soaked, pushes the door."),
        action("Behind her, OLD TOM lights a pipe."),
        heading("INT. LAMP ROOM - NIGHT", "2"),
        *speech("MARA", "Tom?"),
        *speech("TOM", "Up here."),
    ]
    cast = build_cast(elements)
    mara, tom = member(cast, "MARA"), member(cast, "TOM")
    assert mara.aliases == ("MARA VOSS",)
    assert mara.introduction == "MARA VOSS (30s), soaked, pushes the door."
    assert mara.scenes == ("1", "2")
    assert tom.aliases == ("OLD TOM",)
    assert tom.introduction == "Behind her, OLD TOM lights a pipe."
    assert [c.name for c in cast] == ["MARA", "TOM"]
    assert build_scenes(elements)[0].characters == ("MARA", "TOM")


def test_silent_characters_introduced_in_action_are_cast() -> None:
    elements = [
        heading("INT. DINER - DAY"),
        action("A WAITRESS, 20s, pours coffee. The OLD MAN (70s) watches."),
        action("DR. HALE sits at the counter."),
    ]
    cast = build_cast(elements)
    assert [(c.name, c.lines, c.scenes) for c in cast] == [
        ("WAITRESS", 0, ("1",)),
        ("OLD MAN", 0, ("1",)),
        ("DR. HALE", 0, ("1",)),
    ]
    assert member(cast, "DR. HALE").introduction == "DR. HALE sits at the counter."


@pytest.mark.parametrize(
    "paragraph",
    [
        "BANG!",
        "CUT TO:",
        "BANG! The door flies open.",
        "SUPER: Harbour Town, 1962",
        "The PHONE rings.",
        "A LOUD BANG echoes, then CRASH, glass everywhere.",
        "She reads the sign: NO ENTRY.",
        "In LONDON, rain falls.",
        "Suddenly GUNFIRE erupts.",
        "We see the WHOLE TOWN FROM ABOVE tonight, rooftops glinting.",
        "CLOSE ON the letter. ANGLE ON Mara. POV: the window.",
        "She hums softly (V.O.) over black.",
        "He grabs MARA'S phone.",
        "He sees the red DOOR.",
    ],
)
def test_sound_effects_camera_words_and_props_are_not_characters(paragraph: str) -> None:
    assert build_cast([heading("INT. A - DAY"), action(paragraph)]) == []


def test_a_name_in_caps_that_speaks_counts_even_without_an_introduction() -> None:
    elements = [
        heading("INT. A - DAY", "1"),
        action("Mara hands TOM the keys."),
        heading("INT. B - DAY", "2"),
        *speech("TOM", "Thanks."),
    ]
    tom = member(build_cast(elements), "TOM")
    assert tom.scenes == ("1", "2")
    assert tom.introduction == "Mara hands TOM the keys."


def test_characters_before_the_first_heading_count_for_the_cast_only() -> None:
    elements = [*speech("NARRATOR", "Once."), heading("INT. A - DAY"), *speech("MARA", "Hi.")]
    assert [(c.name, c.scenes) for c in build_cast(elements)] == [
        ("NARRATOR", ()),
        ("MARA", ("1",)),
    ]
    assert build_scenes(elements)[0].characters == ("MARA",)


def test_scene_characters_are_in_order_of_first_appearance() -> None:
    elements = [
        heading("INT. A - DAY"),
        *speech("TOM", "One."),
        action("JUNE (8) runs in."),
        *speech("MARA", "Two."),
        *speech("TOM", "Three."),
    ]
    assert build_scenes(elements)[0].characters == ("TOM", "JUNE", "MARA")


def test_a_long_script_builds_quickly() -> None:
    times = ["DAY", "NIGHT", "CONTINUOUS", "LATER", "DUSK"]
    extras = ["ADA", "BEN", "CY"]
    elements: list[Element] = []
    for n in range(190):
        elements.append(heading(f"INT. ROOM {n} - {times[n % len(times)]}"))
        elements.append(action(f"{extras[n % len(extras)]} (30s) enters. " * 4))
        for cue in ("MARA", "TOM (O.S.)", "JUNE"):
            elements += speech(cue, "(beat)", "A line of dialogue that wraps a little. " * 2)
    started = time.perf_counter()
    scenes = build_scenes(elements)
    cast = build_cast(elements)
    assert time.perf_counter() - started < 1.0
    assert len(scenes) == 190
    assert {"MARA", "TOM", "JUNE"} <= {c.name for c in cast}
