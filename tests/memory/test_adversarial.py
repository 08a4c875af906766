"""Hostile screenplays: every reader and extractor stays linear and refuses what it cannot bound."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest

from core.errors import InvalidInput
from core.limits import MAX_SCREENPLAY_CHARS
from memory.screenplay.fdx import parse_fdx
from memory.screenplay.reading import parse_screenplay_bytes
from memory.screenplay.scenes import build_cast, build_scenes
from tools.continuity.script_facts import extract_script_facts

LONG = 100_000

ADVERSARIAL_LINES = {
    "one long word": "A" * LONG,
    "letters in pairs": "Ab" * (LONG // 2),
    "hyphenated capitals": "A-" * (LONG // 2),
    "dotted capitals": "A." * (LONG // 2),
    "wrapping without a dressing": "wraps her left hand " * (LONG // 20),
    "garments in one long paragraph": "Mara in a yellow coat. " * (LONG // 23),
    "possessives": "Mara's " * (LONG // 7),
    "pronouns": "she wears her " * (LONG // 14),
    "spaces": "a" + " " * LONG + "b",
    "open parentheses": "(" * LONG,
    "commas": ", " * (LONG // 2),
}


@dataclass
class Cast:
    name: str
    aliases: tuple[str, ...] = ()


def _read_everything(text: str) -> float:
    """Seconds to parse, build scenes and cast and extract facts, as an import does."""
    started = time.perf_counter()
    screenplay = parse_screenplay_bytes(text.encode(), "hostile.fountain")
    scenes = build_scenes(screenplay.elements)
    build_cast(screenplay.elements)
    extract_script_facts(scenes, [Cast("MARA", ("Mara Quill",)), Cast("TOM")])
    return time.perf_counter() - started


@pytest.mark.parametrize("name", sorted(ADVERSARIAL_LINES))
def test_a_100k_character_action_line_reads_in_bounded_time(name: str) -> None:
    line = ADVERSARIAL_LINES[name]
    opening = "INT. HOUSE - DAY\n\nMARA walks in.\n\n"
    text = f"{opening}{line}\n\nMARA\nHello.\n\nEXT. DECK - NIGHT\n\n{line}\n"
    # Linear code reads these in well under a second even on a busy machine; the quadratic
    # regexes took minutes on some of them.
    assert _read_everything(text) < 5.0, name


def test_facts_are_still_found_after_the_linear_rewrite() -> None:
    text = (
        "INT. HOUSE - DAY\n\nMARA walks in and she sits. Mara waits; she smiles.\n\n"
        "Mara stands at the bow in a yellow coat. She wraps her left hand in gauze.\n"
    )
    screenplay = parse_screenplay_bytes(text.encode(), "fine.fountain")
    facts = extract_script_facts(build_scenes(screenplay.elements), [Cast("MARA")])
    assert {(f.subject, f.statement) for f in facts} == {
        ("MARA", "wears a yellow coat"),
        ("MARA", "bandage on her left hand"),
    }


def _fdx(content: str, declaration: str = '<?xml version="1.0" encoding="UTF-8"?>') -> str:
    return f"{declaration}<FinalDraft><Content>{content}</Content></FinalDraft>"


def test_deeply_nested_dual_dialogue_is_refused_cleanly() -> None:
    nested = "<Paragraph><DualDialogue>" * 800 + "</DualDialogue></Paragraph>" * 800
    started = time.perf_counter()
    with pytest.raises(InvalidInput, match="nest deeper than"):
        parse_fdx(_fdx(nested).encode(), "nested.fdx")
    assert time.perf_counter() - started < 2.0


def test_entities_hidden_in_utf16_are_refused() -> None:
    bomb = (
        '<?xml version="1.0" encoding="UTF-16"?>'
        '<!DOCTYPE FinalDraft [<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<FinalDraft><Content><Paragraph Type="Action"><Text>&b;&b;&b;</Text></Paragraph>'
        "</Content></FinalDraft>"
    )
    data = bomb.encode("utf-16")
    assert b"<!ENTITY" not in data  # a byte search alone would let this through
    with pytest.raises(InvalidInput, match="declares XML entities"):
        parse_fdx(data, "bomb.fdx")


def test_a_dtd_without_entities_is_refused_too() -> None:
    document = _fdx("", '<?xml version="1.0"?><!DOCTYPE FinalDraft SYSTEM "http://x/y.dtd">')
    with pytest.raises(InvalidInput, match="DTD"):
        parse_fdx(document.encode(), "dtd.fdx")


def test_utf16_final_draft_files_still_read() -> None:
    content = '<Paragraph Type="Scene Heading"><Text>INT. HOUSE - DAY</Text></Paragraph>'
    document = _fdx(content, '<?xml version="1.0" encoding="UTF-16"?>')
    screenplay = parse_fdx(document.encode("utf-16"), "wide.fdx")
    assert [e.text for e in screenplay.elements] == ["INT. HOUSE - DAY"]


def test_oversized_screenplays_are_refused_by_decoded_size() -> None:
    huge = "INT. HOUSE - DAY\n\n" + "x" * MAX_SCREENPLAY_CHARS
    with pytest.raises(InvalidInput, match="too large"):
        parse_screenplay_bytes(huge.encode(), "huge.fountain")
    text = "x" * MAX_SCREENPLAY_CHARS
    paragraph = f'<Paragraph Type="Action"><Text>{text}</Text></Paragraph>'
    with pytest.raises(InvalidInput, match="too large"):
        parse_fdx(_fdx(paragraph).encode(), "huge.fdx")
