"""Reading screenplay files and uploads: format by suffix, text checks, errors naming the file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.errors import InvalidInput, NotFound
from memory.screenplay.elements import Element
from memory.screenplay.reading import parse_screenplay_bytes, read_screenplay

DATA = Path(__file__).parent / "data"
SCENE = "EXT. HARBOUR - NIGHT\n\nRain.\n\nMARA\nHold the boat!\n"
ELEMENTS = [
    Element("scene_heading", "EXT. HARBOUR - NIGHT"),
    Element("action", "Rain."),
    Element("character", "MARA"),
    Element("dialogue", "Hold the boat!"),
]


@pytest.mark.parametrize("suffix", [".fountain", ".spmd", ".txt", ".FOUNTAIN"])
def test_fountain_suffixes(tmp_path: Path, suffix: str):
    path = tmp_path / f"ferry{suffix}"
    path.write_text(SCENE, encoding="utf-8")
    assert read_screenplay(path).elements == ELEMENTS


def test_fdx_suffix(tmp_path: Path):
    path = tmp_path / "ferry.fdx"
    shutil.copy(DATA / "ferry.fdx", path)
    screenplay = read_screenplay(path)
    assert screenplay.title_page["title"] == "THE LAST FERRY"
    assert screenplay.elements[1] == Element("scene_heading", "EXT. HARBOUR - NIGHT", "1")


@pytest.mark.parametrize(
    "data",
    [
        SCENE.encode(),
        b"\xef\xbb\xbf" + SCENE.encode(),
        SCENE.replace("\n", "\r\n").encode(),
        b"\xef\xbb\xbf" + SCENE.replace("\n", "\r").encode(),
    ],
    ids=["utf8", "bom", "crlf", "bom-cr"],
)
def test_bom_and_line_ends(tmp_path: Path, data: bytes):
    path = tmp_path / "ferry.fountain"
    path.write_bytes(data)
    assert read_screenplay(path).elements == ELEMENTS
    assert parse_screenplay_bytes(data, "ferry.fountain").elements == ELEMENTS


def test_non_ascii_text_survives(tmp_path: Path):
    path = tmp_path / "île.fountain"
    path.write_text("EXT. ÎLE D'OUESSANT - NUIT\n\nLe phare s'allume — enfin.\n", encoding="utf-8")
    assert [element.text for element in read_screenplay(path).elements] == [
        "EXT. ÎLE D'OUESSANT - NUIT",
        "Le phare s'allume — enfin.",
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "NUL bytes"),
        ("EXT. HARBOUR\n\nCafé".encode("cp1252"), "not UTF-8"),
        (SCENE.encode("utf-16"), "NUL bytes"),
    ],
)
def test_binary_or_undecodable_files_are_refused(tmp_path: Path, data: bytes, reason: str):
    path = tmp_path / "ferry.fountain"
    path.write_bytes(data)
    with pytest.raises(InvalidInput) as raised:
        read_screenplay(path)
    assert raised.value.message.startswith(f"{path}: not a text screenplay (")
    assert reason in raised.value.message


@pytest.mark.parametrize("name", ["ferry.pdf", "ferry.docx", "ferry"])
def test_wrong_suffix_is_refused_listing_the_accepted_types(tmp_path: Path, name: str):
    path = tmp_path / name
    path.write_text(SCENE, encoding="utf-8")
    with pytest.raises(InvalidInput) as raised:
        read_screenplay(path)
    assert raised.value.message.startswith(f"{path}: ")
    assert ".fountain" in raised.value.message and ".fdx" in raised.value.message
    with pytest.raises(InvalidInput, match=rf"^{name}: "):
        parse_screenplay_bytes(SCENE.encode(), name)


def test_missing_file_is_not_found(tmp_path: Path):
    path = tmp_path / "nowhere.fountain"
    with pytest.raises(NotFound) as raised:
        read_screenplay(path)
    assert raised.value.message.startswith(f"{path}: ")


def test_a_folder_is_not_a_screenplay(tmp_path: Path):
    path = tmp_path / "drafts.fountain"
    path.mkdir()
    with pytest.raises(InvalidInput, match="not a file"):
        read_screenplay(path)


def test_broken_fdx_upload_names_the_upload():
    with pytest.raises(InvalidInput, match=r"^upload\.fdx: not a Final Draft file"):
        parse_screenplay_bytes(b"<FinalDraft>", "upload.fdx")


def test_empty_file_parses_to_no_elements(tmp_path: Path):
    path = tmp_path / "empty.fountain"
    path.write_bytes(b"")
    assert read_screenplay(path).elements == []
