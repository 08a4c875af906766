"""Fountain 1.1 reader: one linear pass over the lines, so a feature parses in milliseconds.

Element rules follow https://fountain.io/syntax; INTERFACES.md says what each element's text holds.
Lines are classified and markup found with string methods, not regular expressions:
`frameline script parse` is timed as a whole process, and importing `re` (with `enum`) costs
more than parsing a feature.
"""

from __future__ import annotations

from memory.screenplay.elements import Element, Screenplay

# Scene heading prefixes, longest first; a heading has one followed by "." or " ", in any case.
_HEADING_PREFIXES = ("INT/EXT", "INT", "EXT", "EST", "I/E")

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
        text = _without(text, _boneyard(text))
    if "[[" in text:
        text = _without(text, _notes(text))
    return text


def _boneyard(text: str) -> list[tuple[int, int]]:
    """Start and end of each `/* ... */`, which may span anything, empty lines included."""
    spans = []
    start = text.find("/*")
    while start >= 0:
        end = text.find("*/", start + 2)
        if end < 0:
            break
        spans.append((start, end + 2))
        start = text.find("/*", end + 2)
    return spans


def _notes(text: str) -> list[tuple[int, int]]:
    """Start and end of each `[[ ... ]]`.

    A note may span lines but not an empty line (the two-space line joins a note's paragraphs)
    and holds no `[[`. An opener whose note would hold either is plain text, and so is every
    opener before that `[[` or empty line (they would hold it too). The closer found for one
    opener serves the next until it is passed, so a hostile script still parses in linear time.
    """
    spans = []
    start = text.find("[[")
    end = -1
    while start >= 0:
        if end < start + 2:
            end = text.find("]]", start + 2)
            if end < 0:
                break
        nested = text.find("[[", start + 2, end)
        blank = text.find("\n\n", start + 2, end if nested < 0 else nested)
        if blank >= 0:
            start = text.find("[[", blank + 2)
        elif nested >= 0:
            start = text.find("[[", nested - 1)
        else:
            spans.append((start, end + 2))
            start = text.find("[[", end + 2)
    return spans


def _without(text: str, spans: list[tuple[int, int]]) -> str:
    """Remove hidden markup so the text reads as if it had never been there.

    A line that held nothing else disappears with its line end, so a note between a cue and its
    dialogue does not split them; inside a line the markup and its spaces collapse to one space.
    """
    kept: list[str] = []
    last = "\n"  # the last character kept so far
    position = 0
    for start, end in spans:
        before = text[position:start].rstrip(" \t")
        if before:
            kept.append(before)
            last = before[-1]
        position = end
        while text[position : position + 1] in (" ", "\t"):
            position += 1
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
        pair = None if line[0] in " \t" else _title_pair(line)
        if pair:
            key = pair[0].strip().lower()
            values.setdefault(key, [])
            if pair[1]:
                values[key].append(pair[1])
        else:
            values[key].append(line.strip())
        index += 1
    return {name: "\n".join(parts) for name, parts in values.items()}, index


def _opens_title_page(lines: list[str], first: int) -> bool:
    """A `Key: value` line, or a `Key:` line with an indented value below (not `FADE IN:`)."""
    pair = _title_pair(lines[first].rstrip())
    if pair is None:
        return False
    if pair[1]:
        return True
    following = lines[first + 1] if first + 1 < len(lines) else ""
    return following[:1] in (" ", "\t") and bool(following.strip())


def _title_pair(line: str) -> tuple[str, str] | None:
    """A `Key: value` line's key and value: a key starts with a letter and holds only letters,
    digits, `_`, spaces, `'` and `-`; the value is what follows the colon and its blanks."""
    colon = line.find(":")
    if colon < 1:
        return None
    key = line[:colon]
    if not key[0].isalnum() or key[0].isdecimal():
        return None
    if not all(char.isalnum() or char in "_ '-" for char in key):
        return None
    return key, line[colon + 1 :].lstrip(" \t")


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
        if first in "IEie" and _is_heading(text):
            return "scene_heading", text
        if text.endswith("TO:") and text.isupper():
            return "transition", text
    elif _is_cue(text):
        return "character", text
    return "action", line


def _is_heading(text: str) -> bool:
    """Starts with INT, EXT, EST, INT/EXT or I/E (any case) and then "." or " "."""
    for prefix in _HEADING_PREFIXES:
        size = len(prefix)
        if text[size : size + 1] in (".", " ") and text[:size].upper() == prefix:
            return True
    return False


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
        opener = text.rfind("#", 0, -1) if text.endswith("#") else -1
        number = text[opener + 1 : -1]
        if opener >= 0 and number and all(c.isalnum() or c in "_.-" for c in number):
            return Element(kind, text[:opener].strip(), scene_number=number)
        return Element(kind, text.strip())
    if kind == "section":
        level = len(text) - len(text.lstrip("#"))
        return Element(kind, text[level:].strip(), level=level)
    return Element(kind, text)
