"""Final Draft (.fdx) reader giving the same elements as the Fountain reader.

Only a paragraph's own `<Text>` runs make its text, so script notes and scene properties nested
inside it never leak; a scene's summary becomes a `synopsis` after its heading.
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET

from core.errors import InvalidInput
from core.limits import MAX_SCREENPLAY_CHARS, MAX_XML_DEPTH
from memory.screenplay.elements import Element, Screenplay

_ELEMENT_TYPES = {
    "Scene Heading": "scene_heading",
    "Action": "action",
    "General": "action",
    "Shot": "action",
    "Cast List": "action",
    "Character": "character",
    "Parenthetical": "parenthetical",
    "Dialogue": "dialogue",
    "Transition": "transition",
    "Lyrics": "lyrics",
    "New Act": "section",
    "Cold Opening": "section",
    "End of Act": "centered",
}

_CHUNK = 64 * 1024
_DECLARED_ENCODING = re.compile(rb"<\?xml[^>]{0,200}?encoding=[\"']([A-Za-z0-9._-]{1,40})[\"']")

# Fountain emphasis in the order it nests: _***underlined bold italics***_.
_EMPHASIS = (("Italic", "*"), ("Bold", "**"), ("Underline", "_"))


def parse_fdx(data: bytes, source: str = "<fdx>") -> Screenplay:
    """Parse a Final Draft document; anything else raises InvalidInput naming `source`."""
    root = _final_draft_root(data, source)
    elements: list[Element] = []
    content = root.find("Content")
    for paragraph in content.findall("Paragraph") if content is not None else ():
        _add_paragraph(paragraph, elements)
    return Screenplay(title_page=_title_page(root.find("TitlePage")), elements=elements)


def _final_draft_root(data: bytes, source: str) -> ET.Element:
    """The `<FinalDraft>` root element of a document with no DTD, of bounded size and depth.

    The checks run on the decoded text, since a UTF-16 file hides `<!ENTITY` from a byte search;
    depth is counted while parsing, so 800 nested elements fail fast instead of recursing.
    """
    text = _decoded(data, source)
    if len(text) > MAX_SCREENPLAY_CHARS:
        raise InvalidInput(
            f"{source}: too large ({len(text):,} characters after decoding; "
            f"at most {MAX_SCREENPLAY_CHARS:,})"
        )
    if "<!ENTITY" in text:
        raise InvalidInput(f"{source}: not a Final Draft file (it declares XML entities)")
    if "<!DOCTYPE" in text:
        raise InvalidInput(f"{source}: not a Final Draft file (it carries a DTD)")
    parser = ET.XMLPullParser(events=("start", "end"))
    root: ET.Element | None = None
    depth = 0
    try:
        for start in range(0, len(data), _CHUNK):
            parser.feed(data[start : start + _CHUNK])
            for event, element in parser.read_events():
                if event == "end":
                    depth -= 1
                    continue
                root = element if root is None else root
                depth += 1
                if depth > MAX_XML_DEPTH:
                    raise InvalidInput(
                        f"{source}: not a Final Draft file (elements nest deeper than "
                        f"{MAX_XML_DEPTH} levels)"
                    )
        parser.close()
    except ET.ParseError as error:
        raise InvalidInput(
            f"{source}: not a Final Draft file (not well-formed XML: {error})"
        ) from None
    if root is None:
        raise InvalidInput(f"{source}: not a Final Draft file (no root element)")
    if root.tag != "FinalDraft":
        raise InvalidInput(
            f"{source}: not a Final Draft file (its root element is <{root.tag}>, not <FinalDraft>)"
        )
    return root


def _decoded(data: bytes, source: str) -> str:
    """The document as text, in the encoding its byte-order mark or first bytes say."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif data.startswith(b"<\x00"):
        encoding = "utf-16-le"
    elif data.startswith(b"\x00<"):
        encoding = "utf-16-be"
    else:
        declared = _DECLARED_ENCODING.match(data)
        encoding = declared.group(1).decode("ascii") if declared else "utf-8-sig"
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        detail = f"cannot be decoded: {error}"
        raise InvalidInput(f"{source}: not a Final Draft file ({detail})") from None


def _add_paragraph(paragraph: ET.Element, elements: list[Element]) -> None:
    """Append the elements one top-level paragraph stands for."""
    dual = paragraph.find("DualDialogue")
    if dual is not None:
        _add_dual_dialogue(dual, elements)
        return
    if paragraph.get("StartsNewPage") == "Yes" and elements:
        elements.append(Element("page_break", ""))
    kind = _ELEMENT_TYPES.get(paragraph.get("Type", "Action"), "action")
    text = _paragraph_text(paragraph)
    if not text.strip():
        return  # empty paragraphs are only spacing in Final Draft
    if kind == "scene_heading":
        number = (paragraph.get("Number") or "").strip() or None
        elements.append(Element(kind, text.strip(), scene_number=number))
        summary = _summary(paragraph)
        if summary:
            elements.append(Element("synopsis", summary))
    elif kind == "section":
        elements.append(Element(kind, text.strip(), level=1))
    elif kind == "action":
        centered = paragraph.get("Alignment") == "Center"
        elements.append(Element("centered" if centered else kind, _trimmed_lines(text)))
    else:
        elements.append(Element(kind, _trimmed_lines(text).strip()))


def _add_dual_dialogue(dual: ET.Element, elements: list[Element]) -> None:
    """Append both speeches of dual dialogue; every cue after the first is marked dual."""
    cues = 0
    for paragraph in dual.findall("Paragraph"):
        if paragraph.get("Type") == "Character":
            text = _paragraph_text(paragraph).strip()
            if text:
                elements.append(Element("character", text, dual=cues > 0))
                cues += 1
        else:
            _add_paragraph(paragraph, elements)


def _summary(heading: ET.Element) -> str:
    """The scene summary Final Draft keeps in the heading's scene properties."""
    paragraphs = heading.findall("SceneProperties/Summary/Paragraph")
    texts = (_trimmed_lines(_paragraph_text(paragraph)).strip() for paragraph in paragraphs)
    return "\n".join(text for text in texts if text)


def _paragraph_text(paragraph: ET.Element) -> str:
    """A paragraph's own text runs, joined, with their styles written back as Fountain emphasis."""
    runs: list[tuple[str, str]] = []
    for run in paragraph.findall("Text"):
        style, text = run.get("Style", ""), run.text or ""
        if runs and runs[-1][0] == style:
            runs[-1] = (style, runs[-1][1] + text)
        else:
            runs.append((style, text))
    return "".join(_emphasised(text, style) for style, text in runs)


def _emphasised(text: str, style: str) -> str:
    """Wrap a run in Fountain emphasis, leaving its surrounding spaces outside the markers."""
    flags = set(style.split("+")) if style else set()
    if "AllCaps" in flags:
        text = text.upper()
    core = text.strip()
    if not core:
        return text
    for flag, marker in _EMPHASIS:
        if flag in flags:
            core = f"{marker}{core}{marker}"
    lead = text[: len(text) - len(text.lstrip())]
    return lead + core + text[len(text.rstrip()) :]


def _trimmed_lines(text: str) -> str:
    """Line ends normalised, trailing spaces and blank edge lines dropped, indentation kept."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def _title_page(title_page: ET.Element | None) -> dict[str, str]:
    """Map Final Draft's free-form title page onto Fountain's keys where the layout says which.

    Centred lines read as title, then credit ("Written by"), author and source ("Based on");
    right-aligned lines or lines naming a draft are the draft date; other lines are contact.
    """
    values: dict[str, list[str]] = {}
    centred_key = "title"
    paragraphs = title_page.findall("Content/Paragraph") if title_page is not None else []
    for paragraph in paragraphs:
        text = _trimmed_lines(_paragraph_text(paragraph)).strip()
        if not text:
            continue
        lower = text.lower()
        alignment = paragraph.get("Alignment", "Left")
        if "draft" in lower or alignment == "Right":
            key = "draft date"
        elif alignment != "Center":
            key = "contact"
        elif lower.startswith("based on"):
            key = centred_key = "source"
        elif lower == "by" or lower.endswith(" by"):
            key, centred_key = "credit", "author"
        else:
            key = centred_key
        values.setdefault(key, []).append(text)
    return {key: "\n".join(lines) for key, lines in values.items()}
