"""Final Draft reading: the same elements as Fountain, with notes and scene properties kept out."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import InvalidInput
from memory.screenplay.elements import Element
from memory.screenplay.fdx import parse_fdx
from memory.screenplay.fountain import parse_fountain

DATA = Path(__file__).parent / "data"


def fdx(content: str, title_page: str = "") -> bytes:
    """A Final Draft document around the given `<Content>` paragraphs."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n'
        '<FinalDraft DocumentType="Script" Template="No" Version="5">'
        f"<Content>{content}</Content><TitlePage><Content>{title_page}</Content></TitlePage>"
        "</FinalDraft>"
    ).encode()


def paragraph(kind: str, text: str, attributes: str = "") -> str:
    """One Final Draft paragraph holding a single unstyled text run."""
    return f'<Paragraph Type="{kind}" {attributes}><Text>{text}</Text></Paragraph>'


def test_the_same_script_as_fountain_and_fdx_gives_the_same_elements():
    fountain = parse_fountain((DATA / "ferry.fountain").read_text(encoding="utf-8"))
    final_draft = parse_fdx((DATA / "ferry.fdx").read_bytes(), "ferry.fdx")
    assert final_draft.elements == fountain.elements
    assert final_draft.title_page == fountain.title_page


def test_paragraph_types_map_to_elements():
    content = "".join(
        [
            paragraph("Scene Heading", "INT. FERRY OFFICE - DAY", 'Number="4A"'),
            paragraph("Action", "Oskar reads."),
            paragraph("Shot", "CLOSE ON THE NEWSPAPER"),
            paragraph("General", "A gull cries."),
            paragraph("Character", "OSKAR (V.O.)"),
            paragraph("Parenthetical", "(dry)"),
            paragraph("Dialogue", "Thursday."),
            paragraph("Lyrics", "The sea keeps what it takes"),
            paragraph("Transition", "SMASH CUT TO:"),
            paragraph("New Act", "ACT TWO"),
            paragraph("End of Act", "END OF ACT TWO"),
            paragraph("Action", "THE END", 'Alignment="Center"'),
        ]
    )
    assert parse_fdx(fdx(content)).elements == [
        Element("scene_heading", "INT. FERRY OFFICE - DAY", scene_number="4A"),
        Element("action", "Oskar reads."),
        Element("action", "CLOSE ON THE NEWSPAPER"),
        Element("action", "A gull cries."),
        Element("character", "OSKAR (V.O.)"),
        Element("parenthetical", "(dry)"),
        Element("dialogue", "Thursday."),
        Element("lyrics", "The sea keeps what it takes"),
        Element("transition", "SMASH CUT TO:"),
        Element("section", "ACT TWO", level=1),
        Element("centered", "END OF ACT TWO"),
        Element("centered", "THE END"),
    ]


def test_heading_without_number_and_empty_paragraphs():
    content = paragraph("Scene Heading", "EXT. HARBOUR - NIGHT") + '<Paragraph Type="Action"/>'
    content += paragraph("Action", "   ")
    assert parse_fdx(fdx(content)).elements == [Element("scene_heading", "EXT. HARBOUR - NIGHT")]


def test_notes_and_scene_properties_never_leak_and_a_summary_becomes_a_synopsis():
    content = (
        '<Paragraph Type="Scene Heading" Number="1">'
        '<SceneProperties Length="1" Page="1" Title="Harbour">'
        "<Summary><Paragraph><Text>Mara misses </Text><Text>the ferry.</Text></Paragraph>"
        "<Paragraph><Text>She is stranded.</Text></Paragraph></Summary>"
        "</SceneProperties><Text>EXT. HARBOUR - NIGHT</Text></Paragraph>"
        '<Paragraph Type="Action"><Text>Rain </Text>'
        "<ScriptNote><Paragraph><Text>SECRET NOTE</Text></Paragraph></ScriptNote>"
        "<Text>falls.</Text></Paragraph>"
    )
    document = fdx(content).replace(
        b"</FinalDraft>",
        b"<ScriptNotes><ScriptNote><Paragraph><Text>OTHER NOTE</Text></Paragraph>"
        b"</ScriptNote></ScriptNotes></FinalDraft>",
    )
    elements = parse_fdx(document).elements
    assert elements == [
        Element("scene_heading", "EXT. HARBOUR - NIGHT", scene_number="1"),
        Element("synopsis", "Mara misses the ferry.\nShe is stranded."),
        Element("action", "Rain falls."),
    ]
    assert not any("NOTE" in element.text for element in elements)


def test_dual_dialogue_marks_the_second_character():
    content = (
        "<Paragraph><DualDialogue>"
        + paragraph("Character", "CAPTAIN")
        + paragraph("Dialogue", "Too late.")
        + paragraph("Character", "MARA")
        + paragraph("Parenthetical", "(pleading)")
        + paragraph("Dialogue", "Please.")
        + "</DualDialogue></Paragraph>"
    )
    assert parse_fdx(fdx(content)).elements == [
        Element("character", "CAPTAIN"),
        Element("dialogue", "Too late."),
        Element("character", "MARA", dual=True),
        Element("parenthetical", "(pleading)"),
        Element("dialogue", "Please."),
    ]


@pytest.mark.parametrize(
    ("style", "written"),
    [
        ("Bold", "**word**"),
        ("Italic", "*word*"),
        ("Underline", "_word_"),
        ("Bold+Italic", "***word***"),
        ("Bold+Italic+Underline", "_***word***_"),
        ("AllCaps", "WORD"),
        ("Strikeout", "word"),
    ],
)
def test_styles_become_fountain_emphasis(style: str, written: str):
    content = (
        '<Paragraph Type="Action"><Text>A </Text>'
        f'<Text Style="{style}">word </Text><Text>here.</Text></Paragraph>'
    )
    assert parse_fdx(fdx(content)).elements == [Element("action", f"A {written} here.")]


def test_a_new_page_paragraph_gives_a_page_break():
    content = paragraph("Action", "Rain.") + paragraph("Action", "Sun.", 'StartsNewPage="Yes"')
    assert [element.type for element in parse_fdx(fdx(content)).elements] == [
        "action",
        "page_break",
        "action",
    ]


def test_title_page_is_mapped_onto_fountain_keys():
    title_page = "".join(
        [
            paragraph("Action", "THE LAST FERRY", 'Alignment="Center"'),
            paragraph("Action", "Screenplay by", 'Alignment="Center"'),
            paragraph("Action", "Ada Quill", 'Alignment="Center"'),
            paragraph("Action", "Based on the novel by", 'Alignment="Center"'),
            paragraph("Action", "Tom Reed", 'Alignment="Center"'),
            paragraph("Action", "ada@example.com", 'Alignment="Left"'),
            paragraph("Action", "Blue revisions 2025-05-01", 'Alignment="Right"'),
        ]
    )
    assert parse_fdx(fdx("", title_page)).title_page == {
        "title": "THE LAST FERRY",
        "credit": "Screenplay by",
        "author": "Ada Quill",
        "source": "Based on the novel by\nTom Reed",
        "contact": "ada@example.com",
        "draft date": "Blue revisions 2025-05-01",
    }


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"INT. HOUSE - DAY\n\nNot XML at all.", "not well-formed XML"),
        (b"", "not well-formed XML"),
        (b"<html><body>hello</body></html>", "<html>"),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><FinalDraft>&a;</FinalDraft>',
            "entities",
        ),
    ],
)
def test_anything_but_a_final_draft_document_is_refused_naming_the_source(data, reason):
    with pytest.raises(InvalidInput) as raised:
        parse_fdx(data, "drafts/ferry.fdx")
    assert raised.value.message.startswith("drafts/ferry.fdx: not a Final Draft file")
    assert reason in raised.value.message


def test_empty_final_draft_document_has_no_elements():
    screenplay = parse_fdx(fdx(""))
    assert screenplay.elements == []
    assert screenplay.title_page == {}
