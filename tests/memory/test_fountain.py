"""Fountain 1.1 conformance of our own parser, one element rule at a time."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from memory.screenplay.elements import Element
from memory.screenplay.fountain import parse_fountain

DATA = Path(__file__).parent / "data"


def pairs(text: str) -> list[tuple[str, str]]:
    """The (type, text) of every element of a Fountain snippet."""
    return [(element.type, element.text) for element in parse_fountain(text).elements]


def test_title_page_keys_are_lower_cased_and_multi_line_values_join():
    screenplay = parse_fountain(
        "Title:\n    _**THE LAST FERRY**_\n    a sea story\nCredit: Written by\n"
        "Author: Ada Quill\nDraft date: 1 May 2025\nContact:\n\tQuill & Page\n\t12 Harbour Row\n"
        "\nEXT. HARBOUR - NIGHT\n\nRain.\n"
    )
    assert screenplay.title_page == {
        "title": "_**THE LAST FERRY**_\na sea story",
        "credit": "Written by",
        "author": "Ada Quill",
        "draft date": "1 May 2025",
        "contact": "Quill & Page\n12 Harbour Row",
    }
    assert [element.type for element in screenplay.elements] == ["scene_heading", "action"]


def test_no_title_page_when_the_script_starts_with_fade_in():
    screenplay = parse_fountain("FADE IN:\n\nEXT. HARBOUR - NIGHT\n\nRain.\n")
    assert screenplay.title_page == {}
    assert pairs("FADE IN:\n\nRain.\n")[0] == ("action", "FADE IN:")


@pytest.mark.parametrize(
    "heading",
    [
        "INT. FERRY OFFICE - DAY",
        "EXT. HARBOUR - NIGHT",
        "EST. THE ISLAND - DAWN",
        "INT./EXT. MARA'S CAR - MOVING",
        "INT/EXT MARA'S CAR - MOVING",
        "I/E MARA'S CAR - MOVING",
        "int. ferry office - day",
        "EXT HARBOUR - NIGHT",
    ],
)
def test_scene_heading_prefixes(heading: str):
    assert pairs(f"Before.\n\n{heading}\n\nAfter.\n") == [
        ("action", "Before."),
        ("scene_heading", heading),
        ("action", "After."),
    ]


def test_heading_prefix_needs_a_dot_or_space_and_blank_lines_around():
    assert pairs("INTERIOR DESIGN\n\n")[0][0] == "action"
    # Without a blank line after it, an all-caps heading-like line is a character cue.
    assert pairs("\nEXT. HARBOUR - NIGHT\nRain falls.\n")[0] == (
        "character",
        "EXT. HARBOUR - NIGHT",
    )
    assert pairs("Rain.\nEXT. HARBOUR - NIGHT\n\n") == [("action", "Rain.\nEXT. HARBOUR - NIGHT")]


def test_forced_scene_heading_keeps_its_case_but_not_the_dot():
    assert pairs(".Under the pier\n\n") == [("scene_heading", "Under the pier")]
    assert pairs("...and then silence.\n\n") == [("action", "...and then silence.")]


@pytest.mark.parametrize(
    ("line", "text", "number"),
    [
        ("INT. FERRY OFFICE - DAY #12#", "INT. FERRY OFFICE - DAY", "12"),
        ("INT. FERRY OFFICE - DAY #12A#", "INT. FERRY OFFICE - DAY", "12A"),
        ("EXT. HARBOUR #I-1-A#", "EXT. HARBOUR", "I-1-A"),
        (".FLASHBACK #110.#", "FLASHBACK", "110."),
        ("INT. FERRY OFFICE - DAY", "INT. FERRY OFFICE - DAY", None),
    ],
)
def test_scene_numbers_leave_the_heading_text(line: str, text: str, number: str | None):
    [heading] = parse_fountain(f"{line}\n\n").elements
    assert heading == Element("scene_heading", text, scene_number=number)


def test_action_is_one_element_per_paragraph_and_keeps_indentation():
    assert pairs("Rain falls.\n    The pier creaks.\n\tA gull.   \n\nMara waits.\n") == [
        ("action", "Rain falls.\n    The pier creaks.\n\tA gull."),
        ("action", "Mara waits."),
    ]


def test_forced_action_drops_the_exclamation_mark():
    assert pairs("!SCANNING THE PIER...\nWhere is she?\n") == [
        ("action", "SCANNING THE PIER...\nWhere is she?")
    ]


def test_character_dialogue_and_parentheticals():
    assert pairs("MARA (O.S.)\n(out of breath)\nHold the boat!\n(beat)\nPlease.\n") == [
        ("character", "MARA (O.S.)"),
        ("parenthetical", "(out of breath)"),
        ("dialogue", "Hold the boat!"),
        ("parenthetical", "(beat)"),
        ("dialogue", "Please."),
    ]


def test_character_cue_rules():
    assert pairs("HANS (on the radio)\nCome in.\n")[0] == ("character", "HANS (on the radio)")
    assert pairs("R2D2\nBeep.\n")[0] == ("character", "R2D2")
    assert pairs("23\nSkidoo.\n")[0] == ("action", "23\nSkidoo.")
    assert pairs("MARA\n\nShe waits.\n")[0] == ("action", "MARA")
    assert pairs("@McCLANE\nYippee.\n") == [("character", "McCLANE"), ("dialogue", "Yippee.")]


def test_dialogue_lines_join_and_the_two_space_line_keeps_them_together():
    assert pairs("MARA\nHold the boat!\nPlease.\n  \nAnyone?\n\nSilence.\n") == [
        ("character", "MARA"),
        ("dialogue", "Hold the boat!\nPlease.\n\nAnyone?"),
        ("action", "Silence."),
    ]
    # Any other whitespace-only line ends the dialogue.
    assert pairs("MARA\nHold it!\n \nSilence.\n")[-1] == ("action", "Silence.")


def test_dual_dialogue_marks_the_second_character():
    elements = parse_fountain("CAPTAIN\nToo late.\n\nMARA ^\nIt's the last one.\n").elements
    assert elements == [
        Element("character", "CAPTAIN"),
        Element("dialogue", "Too late."),
        Element("character", "MARA", dual=True),
        Element("dialogue", "It's the last one."),
    ]
    assert elements[2].to_json() == {"type": "character", "text": "MARA", "dual": True}


def test_transitions():
    assert pairs("Rain.\n\nCUT TO:\n\nINT. OFFICE - DAY\n\n")[1] == ("transition", "CUT TO:")
    assert pairs(">Fade to black.\n\n") == [("transition", "Fade to black.")]
    # Not followed by a blank line: a cue; not upper case: action.
    assert pairs("\nCUT TO:\nMara.\n")[0] == ("character", "CUT TO:")
    assert pairs("Cut to:\n\n") == [("action", "Cut to:")]


def test_centered_text_loses_its_brackets():
    assert pairs("> THE END <\n") == [("centered", "THE END")]
    assert pairs(">INTERMISSION<\n>ten minutes<\n") == [("centered", "INTERMISSION\nten minutes")]


def test_lyrics():
    assert pairs("~The sea keeps\n~what it takes\n") == [("lyrics", "The sea keeps\nwhat it takes")]
    assert pairs("MARA\n~Row, row\n~row your boat\n") == [
        ("character", "MARA"),
        ("lyrics", "Row, row\nrow your boat"),
    ]


def test_page_break():
    elements = parse_fountain("Rain.\n\n===\n\nSun.\n\n=====\n").elements
    assert [(element.type, element.text) for element in elements] == [
        ("action", "Rain."),
        ("page_break", ""),
        ("action", "Sun."),
        ("page_break", ""),
    ]


def test_sections_have_levels():
    elements = parse_fountain("# Act One\n\n## The harbour\n\n### Mara arrives \n").elements
    assert elements == [
        Element("section", "Act One", level=1),
        Element("section", "The harbour", level=2),
        Element("section", "Mara arrives", level=3),
    ]
    assert elements[1].to_json() == {"type": "section", "text": "The harbour", "level": 2}


def test_synopsis():
    assert pairs("EXT. HARBOUR - NIGHT\n\n= Mara misses the ferry.\n") == [
        ("scene_heading", "EXT. HARBOUR - NIGHT"),
        ("synopsis", "Mara misses the ferry."),
    ]


def test_notes_are_removed_even_across_lines():
    assert pairs("Rain falls. [[sound: real rain]] Mara waits.\n") == [
        ("action", "Rain falls. Mara waits.")
    ]
    assert pairs("Rain falls. [[a note\nover two lines]]\n\nMARA\n[[alone]]\nHello.\n") == [
        ("action", "Rain falls."),
        ("character", "MARA"),
        ("dialogue", "Hello."),
    ]


def test_several_notes_on_a_line_leave_one_space_or_no_line():
    assert pairs("Rain [[a]] [[b]] falls.\n[[c]] [[d]]  \nMara waits.\n") == [
        ("action", "Rain falls.\nMara waits.")
    ]


def test_an_unclosed_note_is_text():
    assert pairs("Rain [[falls.\n\nMara.\n") == [("action", "Rain [[falls."), ("action", "Mara.")]


def test_boneyard_is_removed_entirely_even_across_blank_lines():
    text = (
        "Rain.\n\n/* OLD SCENE\n\nEXT. NOWHERE - DAY\n\nGone.\n*/\n\nMara waits. /* cut */ Alone.\n"
    )
    assert pairs(text) == [("action", "Rain."), ("action", "Mara waits. Alone.")]


def test_emphasis_and_escapes_are_kept_as_written():
    text = "She reads *slowly*, **loudly**, _underlined_ and ***both***: \\*9765\\*.\n"
    assert pairs(text) == [("action", text.rstrip("\n"))]


def test_crlf_cr_and_bom():
    expected = [("scene_heading", "EXT. HARBOUR - NIGHT"), ("action", "Rain.")]
    assert pairs("\ufeffEXT. HARBOUR - NIGHT\r\n\r\nRain.\r\n") == expected
    assert pairs("EXT. HARBOUR - NIGHT\r\rRain.\r") == expected


def test_trailing_whitespace_is_stripped():
    assert pairs("MARA   \nHello.   \n") == [("character", "MARA"), ("dialogue", "Hello.")]


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t\n", "\ufeff\r\n"])
def test_empty_file_has_no_elements(text: str):
    screenplay = parse_fountain(text)
    assert screenplay.elements == []
    assert screenplay.title_page == {}


def test_sample_script_in_order():
    screenplay = parse_fountain((DATA / "ferry.fountain").read_text(encoding="utf-8"))
    assert [element.type for element in screenplay.elements] == [
        "section",
        "scene_heading",
        "synopsis",
        "action",
        "character",
        "parenthetical",
        "dialogue",
        "action",
        "character",
        "dialogue",
        "character",
        "dialogue",
        "transition",
        "scene_heading",
        "action",
        "character",
        "dialogue",
        "lyrics",
        "centered",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "[[" * 20_000 + "\n",
        "[[a\n" * 20_000 + "]]",
        "*/" + "/*" * 20_000,
        "INT. " + " " * 50_000 + "#1#",
    ],
)
def test_unclosed_or_odd_markup_parses_in_linear_time(text: str):
    started = time.perf_counter()
    parse_fountain(text)
    assert time.perf_counter() - started < 1.0


def test_a_feature_length_script_parses_quickly():
    scene = (DATA / "ferry.fountain").read_text(encoding="utf-8").split("# ACT ONE", 1)[1]
    feature = "".join(scene.replace("#1#", f"#{n}#").replace("#2#", f"#{n}A#") for n in range(100))
    started = time.perf_counter()
    screenplay = parse_fountain(feature)
    elapsed = time.perf_counter() - started
    assert sum(element.type == "scene_heading" for element in screenplay.elements) == 200
    assert elapsed < 0.25  # about 5 ms on 2 busy cores; only a pathological slowdown fails
