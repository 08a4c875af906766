"""Fountain 1.1 reader: one linear pass over the lines, so a feature parses in milliseconds.

Element rules follow https://fountain.io/syntax; INTERFACES.md says what each element's text holds.
"""

from __future__ import annotations

import re

from memory.screenplay.elements import Element, Screenplay

# Hidden markup. A note may span lines but not an empty line (the two-space line joins a note's
# paragraphs) and holds no `[[`, so a failed match stops at the next opener: parsing stays linear.
_BONEYARD_RE = re.compile(r"/\*(?s:.*?)\*/")
_NOTE_RE = re.compile(r"\[\[(?:[^\[\]\n]|\[(?!\[)|\](?!\])|\n(?!\n))*\]\]")
_SPACES_RE = re.compile(r"[ \t]*")

_HEADING_RE = re.compile(r"(?:INT/EXT|INT|EXT|EST|I/E)[. ]", re.I)
_SCENE_NUMBER_RE = re.compile(r"#([\w.\-]+)#$")
_TITLE_KEY_RE = re.compile(r"([^\W\d_][\w '-]*):[ \t]*(.*)")

# Element types that gather consecutive lines of their own kind into one element.
_GATHERED = frozenset({"action", "dialogue", "lyrics", "centered"})


def parse_fountain(text: str) -> Screenplay:
    """Parse Fountain text (any line ends, with or without a BOM) into a title page and elements."""
    lines = _visible_text(text).split("\n")
    title_page, body_start = _title_page(lines)
    return Screenplay(title_page=title_page, elements=_body(lines, body_start))


def _visible_text(text: str) -> str:
    """The text with a BOM, CR line ends, boneyard and notes taken out."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "/*" in text:
        text = _without(_BONEYARD_RE, "*/", text)
    if "[[" in text:
        text = _without(_NOTE_RE, "]]", text)
    return text


def _without(markup: re.Pattern[str], closer: str, text: str) -> str:
    """Remove hidden markup so the text reads as if it had never been there.

    A line that held nothing else disappears with its line end, so a note between a cue and its
    dialogue does not split them; inside a line the markup and its spaces collapse to one space.
    Openers after the last closer are plain text; not searching past it keeps this linear.
    """
    kept: list[str] = []
    last = "\n"  # the last character kept so far
    position = 0
    for match in markup.finditer(text, 0, text.rfind(closer) + len(closer)):
        before = text[position : match.start()].rstrip(" \t")
        if before:
            kept.append(before)
            last = before[-1]
        position = _SPACES_RE.match(text, match.end()).end()
        following = text[position : position + 1]
        if last == "\n":
            if following == "\n":
                position += 1
        elif following not in ("\n", "") and last != " ":
            kept.append(" ")
            last = " "
    kept.append(text[position:])
    return "".join(kept)


def _title_page(lines: list[str]) -> tuple[dict[str, str], int]:
    """The title page's lower-cased keys and values, and the index of the first body line."""
    first = 0
    while first < len(lines) and not lines[first].strip():
        first += 1
    if first == len(lines) or not _opens_title_page(lines, first):
        return {}, 0
    values: dict[str, list[str]] = {}
    key = ""
    index = first
    while index < len(lines) and lines[index].strip():
        line = lines[index].rstrip()
        match = None if line[0] in " \t" else _TITLE_KEY_RE.fullmatch(line)
        if match:
            key = match.group(1).strip().lower()
            values.setdefault(key, [])
            if match.group(2):
                values[key].append(match.group(2))
        else:
            values[key].append(line.strip())
        index += 1
    return {name: "\n".join(parts) for name, parts in values.items()}, index


def _opens_title_page(lines: list[str], first: int) -> bool:
    """A `Key: value` line, or a `Key:` line with an indented value below (not `FADE IN:`)."""
    match = _TITLE_KEY_RE.fullmatch(lines[first].rstrip())
    if match is None:
        return False
    if match.group(2):
        return True
    following = lines[first + 1] if first + 1 < len(lines) else ""
    return following[:1] in (" ", "\t") and bool(following.strip())


def _body(lines: list[str], start: int) -> list[Element]:
    """Classify the body lines into elements in a single pass."""
    elements: list[Element] = []
    kind: str | None = None  # the gathered element still collecting lines
    buffer: list[str] = []
    in_dialogue = False
    dialogue_gap = False  # a two-space line inside dialogue keeps the block together
    paragraph_start = True
    count = len(lines)

    for index in range(start, count):
        raw = lines[index]
        line = raw.rstrip()
        if not line:
            if in_dialogue and raw == "  ":
                dialogue_gap = True
                continue
            if kind is not None:
                elements.append(Element(kind, "\n".join(buffer)))
                kind = None
            in_dialogue = dialogue_gap = False
            paragraph_start = True
            continue

        text = line.lstrip()
        first = text[0]

        if in_dialogue:
            if first == "(" and text[-1] == ")":
                new_kind, content = "parenthetical", text
            elif first == "~":
                new_kind, content = "lyrics", text[1:].strip()
            else:
                new_kind, content = "dialogue", text
                if dialogue_gap and kind == "dialogue":
                    buffer.append("")
            dialogue_gap = False
        else:
            at_start = paragraph_start
            paragraph_start = False
            next_blank = index + 1 == count or not lines[index + 1].strip()
            new_kind, content = _classify(line, text, first, at_start, next_blank, kind)

        if new_kind == kind:  # only gathered kinds are ever pending
            buffer.append(content)
            continue
        if kind is not None:
            elements.append(Element(kind, "\n".join(buffer)))
            kind = None
        if new_kind in _GATHERED:
            kind, buffer = new_kind, [content]
        elif new_kind == "character":
            elements.append(_character(content))
            in_dialogue = True
        else:
            elements.append(_single(new_kind, content))

    if kind is not None:
        elements.append(Element(kind, "\n".join(buffer)))
    return elements


def _classify(
    line: str, text: str, first: str, at_start: bool, next_blank: bool, kind: str | None
) -> tuple[str, str]:
    """The element type of a line outside dialogue and its text without forcing markers.

    `line` keeps its indentation (action keeps it); `text` is the line without it.
    """
    if first == "!":
        return "action", text[1:]
    if kind == "action":
        return "action", line
    if first == "~":
        return "lyrics", text[1:].strip()
    if first == "=":
        if text.startswith("===") and not text.strip("="):
            return "page_break", ""
        return "synopsis", text[1:].strip()
    if first == "#":
        return "section", text
    if first == ">":
        if text[-1] == "<" and len(text) > 1:
            return "centered", text[1:-1].strip()
        if at_start and len(text) > 1:
            return "transition", text[1:].strip()
    if not at_start:
        return "action", line
    if first == "." and len(text) > 1 and text[1].isalnum():
        return "scene_heading", text[1:]
    if first == "@" and len(text) > 1:
        return "character", text[1:].strip()
    if next_blank:
        if first in "IEie" and _HEADING_RE.match(text):
            return "scene_heading", text
        if text.endswith("TO:") and text.isupper():
            return "transition", text
    elif _is_cue(text):
        return "character", text
    return "action", line


def _is_cue(text: str) -> bool:
    """A character cue: the name before any extension is upper case with a letter in it."""
    paren = text.find("(")
    name = text if paren < 0 else text[:paren]
    return name.isupper()


def _character(text: str) -> Element:
    """A character cue; a trailing `^` makes it the second speaker of dual dialogue."""
    if text.endswith("^"):
        return Element("character", text[:-1].rstrip(), dual=True)
    return Element("character", text)


def _single(kind: str, text: str) -> Element:
    """A one-line element: headings lose their `#12A#` scene number, sections get their level."""
    if kind == "scene_heading":
        match = _SCENE_NUMBER_RE.search(text) if text.endswith("#") else None
        if match:
            return Element(kind, text[: match.start()].strip(), scene_number=match.group(1))
        return Element(kind, text.strip())
    if kind == "section":
        level = len(text) - len(text.lstrip("#"))
        return Element(kind, text[level:].strip(), level=level)
    return Element(kind, text)
