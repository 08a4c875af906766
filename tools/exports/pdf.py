"""The storyboard handout as PDF: a title page, then each boarded scene with its shots in a grid.

A4 landscape, three panels across and two down, as storyboard artists hand them out: the frame,
the shot code with its status and continuity marks, the caption and the dialogue the shot covers.
DejaVu Sans is embedded, so names and dialogue in any script print as written. Frames are
embedded as JPEG at handout resolution, which keeps a 500-shot board to tens of megabytes.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from PIL import Image

from tools.context import Actor, Studio
from tools.exports import Board, BoardScene, BoardShot, handout_fonts, read_board, staged

PAGE_W, PAGE_H = 297.0, 210.0
MARGIN = 12.0
COLUMNS, ROWS = 3, 2
GUTTER_X, GUTTER_Y = 8.0, 7.0
BAND_H = 13.0
GRID_TOP = MARGIN + BAND_H + 8.0
PANEL_W = (PAGE_W - 2 * MARGIN - (COLUMNS - 1) * GUTTER_X) / COLUMNS
IMAGE_H = PANEL_W * 9 / 16
PANEL_H = IMAGE_H + 31.0
CONTENTS_ROWS = 27
IMAGE_PIXELS = 1024
"""Longest side of an embedded frame: 768-px frames go in as drawn (about 230 dpi in a panel)."""

INK = (30, 30, 32)
GREY = (110, 110, 116)
RULE = (200, 200, 205)
BAND = (38, 42, 52)
STATUS_COLOURS = {
    "approved": (46, 125, 50),
    "locked": (30, 70, 140),
    "draft": (120, 120, 126),
}
MARK_STYLE = {
    "continuity pass": ("✓", (46, 125, 50)),
    "continuity fail": ("✗", (198, 40, 40)),
    "continuity pending": ("…", GREY),
    "continuity not checkable": ("–", GREY),
    "stale: scene changed": ("⚠", (200, 110, 0)),
}


class _Handout(FPDF):
    """A4 landscape pages with the production and page number in the footer."""

    def __init__(self, board: Board) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.board = board
        self.set_auto_page_break(False)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        for style, path in handout_fonts().items():
            self.add_font("DejaVu", style, str(path))
        self.set_title(f"{board.title} — storyboard")
        self.set_author(board.title_page.get("author", "") or board.title_page.get("authors", ""))
        self.set_creator("Frameline")
        self.set_creation_date(board.made_at)

    def footer(self) -> None:
        self.set_y(PAGE_H - 9)
        self.set_draw_color(*RULE)
        self.line(MARGIN, PAGE_H - 10, PAGE_W - MARGIN, PAGE_H - 10)
        self.set_font("DejaVu", "", 7)
        self.set_text_color(*GREY)
        third = (PAGE_W - 2 * MARGIN) / 3
        self.cell(third, 5, f"{self.board.title} — storyboard")
        self.cell(third, 5, f"Made {self.board.made_at:%Y-%m-%d %H:%M} UTC", align="C")
        self.cell(third, 5, f"Page {self.page_no()} of {{nb}}", align="R")


def _fit(pdf: FPDF, text: str, width: float, max_lines: int) -> list[str]:
    """The text wrapped to the width, cut to `max_lines` with an ellipsis when it runs over."""
    if not text:
        return []
    # No panel line holds 150 characters; wrapping less text keeps 500-shot boards quick.
    lines = pdf.multi_cell(width, 4, text[: 150 * max_lines], dry_run=True, output="LINES")
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    last = kept[-1].rstrip()
    while last and pdf.get_string_width(last + "…") > width - 1:
        last = last[:-1].rstrip()
    kept[-1] = last + "…"
    return kept


def _frame_jpeg(path: Path) -> io.BytesIO:
    """The frame scaled to handout resolution as JPEG."""
    with Image.open(path) as image:
        frame = image.convert("RGB")
    frame.thumbnail((IMAGE_PIXELS, IMAGE_PIXELS), Image.Resampling.BILINEAR, reducing_gap=2.0)
    buffer = io.BytesIO()
    frame.save(buffer, format="JPEG", quality=85)
    buffer.seek(0)
    return buffer


def _title_page(pdf: _Handout, board: Board) -> None:
    pdf.add_page()
    shots = board.shots
    boarded = [scene for scene in board.scenes if scene.shots]
    approved = sum(1 for shot in shots if shot.status in ("approved", "locked"))
    pdf.set_text_color(*GREY)
    pdf.set_font("DejaVu", "B", 10)
    pdf.set_y(34)
    pdf.cell(0, 6, "S T O R Y B O A R D", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_draw_color(*RULE)
    pdf.line(PAGE_W / 2 - 30, 44, PAGE_W / 2 + 30, 44)
    pdf.set_y(52)
    pdf.set_text_color(*INK)
    pdf.set_font("DejaVu", "B", 32)
    pdf.multi_cell(0, 14, board.title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.set_font("DejaVu", "", 12)
    credit = " ".join(
        part
        for part in (
            board.title_page.get("credit", ""),
            board.title_page.get("author", "") or board.title_page.get("authors", ""),
        )
        if part
    )
    for line in (credit, board.title_page.get("draft date", "")):
        if line:
            pdf.multi_cell(0, 7, line, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(10)
    pdf.set_font("DejaVu", "", 10)
    pdf.set_text_color(*GREY)
    summary = (
        f"{len(board.scenes)} scenes · {len(boarded)} boarded · {len(shots)} shots · "
        f"{approved} approved"
    )
    pdf.cell(0, 6, summary, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(8)
    if not board.has_frames:
        pdf.set_text_color(*INK)
        pdf.set_font("DejaVu", "B", 13)
        pdf.multi_cell(
            0,
            7,
            "No frames have been rendered for this production yet.",
            align="C",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.set_font("DejaVu", "", 10)
        pdf.set_text_color(*GREY)
        pdf.multi_cell(
            0,
            6,
            "Render frames with `frameline render` or the web page, then export again.",
            align="C",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        return
    _legend(pdf)
    if board.cut_scene_shots:
        pdf.set_font("DejaVu", "", 8.5)
        pdf.set_text_color(*GREY)
        note = f"{board.cut_scene_shots} shot(s) of scenes cut from the script are left out."
        pdf.cell(0, 5, note, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _first_pages(board: Board) -> dict[str, int]:
    """The page each boarded scene starts on: after the title page and the contents."""
    page = 2 + _contents_pages(board)
    first = {}
    for scene in board.scenes:
        if scene.shots:
            first[scene.number] = page
            page += -(-len(scene.shots) // (COLUMNS * ROWS))
    return first


def _contents_pages(board: Board) -> int:
    return -(-len(board.scenes) // CONTENTS_ROWS) if board.has_frames else 0


def _contents(pdf: _Handout, board: Board) -> None:
    """Every scene of the script with its length, shots, approvals and sheet, linked."""
    first = _first_pages(board)
    widths = {"Scene": 18.0, "Heading": 0.0, "Length": 22.0, "Shots": 18.0, "Approved": 22.0}
    widths["Sheet"] = 34.0
    widths["Heading"] = PAGE_W - 2 * MARGIN - sum(widths.values())
    for start in range(0, len(board.scenes), CONTENTS_ROWS):
        pdf.add_page()
        pdf.set_text_color(*INK)
        pdf.set_font("DejaVu", "B", 16)
        pdf.cell(0, 10, "Contents", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("DejaVu", "B", 8)
        pdf.set_text_color(*GREY)
        for name, width in widths.items():
            pdf.cell(width, 6, name.upper(), align="R" if name != "Heading" else "L")
        pdf.ln(6)
        pdf.set_draw_color(*RULE)
        pdf.line(MARGIN, pdf.get_y(), PAGE_W - MARGIN, pdf.get_y())
        for index, scene in enumerate(board.scenes[start : start + CONTENTS_ROWS]):
            approved = sum(1 for shot in scene.shots if shot.status in ("approved", "locked"))
            page = first.get(scene.number)
            link = pdf.add_link(page=page) if page else ""
            cells = {
                "Scene": scene.number,
                "Heading": _fit(pdf, scene.heading, widths["Heading"] - 4, 1)[0],
                "Length": f"{scene.pages} pg",
                "Shots": str(len(scene.shots)) if scene.shots else "—",
                "Approved": str(approved) if scene.shots else "—",
                "Sheet": f"page {page}" if page else "not yet boarded",
            }
            pdf.set_fill_color(246, 246, 248)
            pdf.set_font("DejaVu", "", 8.5)
            pdf.set_text_color(*(INK if page else GREY))
            for name, width in widths.items():
                align = "L" if name == "Heading" else "R"
                text = f"  {cells[name]}" if name == "Heading" else cells[name]
                pdf.cell(width, 5.6, text, align=align, fill=index % 2 == 1, link=link)
            pdf.ln(5.6)


def _legend(pdf: FPDF) -> None:
    """What the marks under each panel mean, in one centred row."""
    entries = [
        ("APPROVED", STATUS_COLOURS["approved"]),
        ("LOCKED", STATUS_COLOURS["locked"]),
        ("DRAFT", STATUS_COLOURS["draft"]),
    ]
    marks = [MARK_STYLE[key] + (key,) for key in MARK_STYLE]
    pdf.set_font("DejaVu", "B", 7)
    widths = [pdf.get_string_width(label) + 6 for label, _ in entries]
    pdf.set_font("DejaVu", "", 8)
    widths += [pdf.get_string_width(f"{glyph} {label}") + 6 for glyph, _, label in marks]
    x = (PAGE_W - sum(widths)) / 2
    y = pdf.get_y()
    for (label, colour), width in zip(entries, widths[: len(entries)], strict=True):
        _chip(pdf, x, y, label, colour)
        x += width
    pdf.set_font("DejaVu", "", 8)
    for (glyph, colour, label), width in zip(marks, widths[len(entries) :], strict=True):
        pdf.set_text_color(*colour)
        pdf.set_xy(x, y)
        pdf.cell(width, 4.5, f"{glyph} {label}")
        x += width
    pdf.set_y(y + 12)


def _chip(pdf: FPDF, x: float, y: float, label: str, colour: tuple[int, int, int]) -> float:
    """A small filled status label; returns its width."""
    pdf.set_font("DejaVu", "B", 6.5)
    width = pdf.get_string_width(label) + 3
    pdf.set_fill_color(*colour)
    pdf.set_text_color(255, 255, 255)
    pdf.set_xy(x, y)
    pdf.cell(width, 4.5, label, align="C", fill=True)
    return width


def _scene_band(pdf: FPDF, scene: BoardScene, part: int, parts: int) -> None:
    pdf.set_fill_color(*BAND)
    pdf.rect(MARGIN, MARGIN, PAGE_W - 2 * MARGIN, BAND_H, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_xy(MARGIN + 3, MARGIN + 2.5)
    pdf.set_font("DejaVu", "B", 13)
    label = f"SCENE {scene.number}"
    pdf.cell(pdf.get_string_width(label) + 5, 8, label)
    pdf.set_font("DejaVu", "", 11)
    details = f"Day {scene.story_day} · {scene.pages} pg · {len(scene.shots)} shots"
    if parts > 1:
        details += f" · sheet {part} of {parts}"
    details_w = pdf.get_string_width(details) + 4
    heading_w = PAGE_W - 2 * MARGIN - details_w - pdf.get_x() + MARGIN - 4
    pdf.cell(heading_w, 8, _fit(pdf, scene.heading, heading_w, 1)[0] if scene.heading else "")
    pdf.set_font("DejaVu", "", 9)
    pdf.cell(details_w, 8, details, align="R")
    if scene.characters:
        pdf.set_xy(MARGIN, MARGIN + BAND_H + 1.5)
        pdf.set_text_color(*GREY)
        pdf.set_font("DejaVu", "", 8)
        pdf.cell(0, 4.5, "Cast: " + ", ".join(scene.characters))


def _panel(pdf: FPDF, shot: BoardShot, x: float, y: float) -> None:
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.3)
    if shot.image_path is not None and shot.image_path.is_file():
        pdf.set_fill_color(18, 18, 20)
        pdf.rect(x, y, PANEL_W, IMAGE_H, style="F")
        pdf.image(_frame_jpeg(shot.image_path), x, y, PANEL_W, IMAGE_H, keep_aspect_ratio=True)
    else:
        pdf.set_fill_color(238, 238, 240)
        pdf.rect(x, y, PANEL_W, IMAGE_H, style="DF")
        pdf.set_text_color(*GREY)
        pdf.set_font("DejaVu", "", 9)
        pdf.set_xy(x, y + IMAGE_H / 2 - 3)
        pdf.cell(PANEL_W, 6, "no frame yet", align="C")
    pdf.rect(x, y, PANEL_W, IMAGE_H)
    top = y + IMAGE_H + 1.8
    pdf.set_xy(x, top)
    pdf.set_text_color(*INK)
    pdf.set_font("DejaVu", "B", 11)
    code_w = pdf.get_string_width(shot.code) + 2.5
    pdf.cell(code_w, 5, shot.code)
    pdf.set_font("DejaVu", "", 7.5)
    pdf.set_text_color(*GREY)
    takes = f" · {shot.versions} takes" if shot.versions > 1 else ""
    pdf.cell(40, 5, f"{shot.framing} · {shot.angle}{takes}")
    if shot.status:
        pdf.set_font("DejaVu", "B", 6.5)
        label = shot.status.upper()
        width = pdf.get_string_width(label) + 3
        _chip(pdf, x + PANEL_W - width, top + 0.3, label, STATUS_COLOURS.get(shot.status, GREY))
    pdf.set_xy(x, top + 5.3)
    pdf.set_font("DejaVu", "", 7)
    for mark in shot.marks:
        glyph, colour = MARK_STYLE[mark]
        pdf.set_text_color(*colour)
        text = f"{glyph} {mark}"
        pdf.cell(pdf.get_string_width(text) + 3, 3.8, text)
    if shot.version_id:
        pdf.set_text_color(*GREY)
        pdf.set_xy(x, top + 5.3)
        pdf.cell(PANEL_W, 3.8, shot.version_id, align="R")
    pdf.set_xy(x, top + 9.6)
    caption_lines = 2
    if shot.continuity_summary and shot.has_issue:
        pdf.set_text_color(*MARK_STYLE["continuity fail"][1])
        pdf.set_font("DejaVu", "B", 7.5)
        pdf.cell(PANEL_W, 3.7, _fit(pdf, shot.continuity_summary, PANEL_W, 1)[0])
        pdf.set_xy(x, top + 13.3)
        caption_lines = 1
    pdf.set_text_color(*INK)
    pdf.set_font("DejaVu", "", 8)
    for line in _fit(pdf, shot.description or "—", PANEL_W, caption_lines):
        pdf.set_x(x)
        pdf.cell(PANEL_W, 3.7, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_xy(x, top + 17.6)
    pdf.set_text_color(70, 70, 78)
    pdf.set_font("DejaVu", "I", 7.3)
    for line in _fit(pdf, "  ".join(shot.dialogue), PANEL_W, 3):
        pdf.set_x(x)
        pdf.cell(PANEL_W, 3.4, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _scene_pages(pdf: _Handout, scene: BoardScene) -> None:
    per_page = COLUMNS * ROWS
    sheets = [scene.shots[i : i + per_page] for i in range(0, len(scene.shots), per_page)]
    for number, sheet in enumerate(sheets, start=1):
        pdf.add_page()
        _scene_band(pdf, scene, number, len(sheets))
        for index, shot in enumerate(sheet):
            row, column = divmod(index, COLUMNS)
            x = MARGIN + column * (PANEL_W + GUTTER_X)
            y = GRID_TOP + row * (PANEL_H + GUTTER_Y)
            _panel(pdf, shot, x, y)


def render_storyboard(board: Board) -> FPDF:
    """The handout of a board, ready to write."""
    pdf = _Handout(board)
    _title_page(pdf, board)
    if board.has_frames:
        _contents(pdf, board)
    for scene in board.scenes:
        if scene.shots:
            _scene_pages(pdf, scene)
    return pdf


def write_storyboard_pdf(studio: Studio, actor: Actor, project: str, out: Path) -> dict[str, Any]:
    """Write the project's storyboard handout to `out`."""
    board = read_board(studio, actor, project)
    pdf = render_storyboard(board)
    with staged(out) as temporary:
        pdf.output(str(temporary))
    return {
        "format": "pdf",
        "path": str(out.resolve()),
        "pages": pdf.pages_count,
        "shots": len(board.shots),
        "bytes": out.stat().st_size,
    }
