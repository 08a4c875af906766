"""The continuity report as PDF, for the script supervisor's binder.

It prints what `tools.continuity.report.continuity_report` returns, nothing more: per scene the
facts in scope, then per shot its latest frame (a thumbnail), each part of the automatic check
with its verdict, the facts checked and the items still waiting for a human eye. A4 portrait,
DejaVu Sans embedded.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from PIL import Image
from sqlalchemy import select

from memory.records import Version
from tools.context import Actor, Studio
from tools.continuity.report import continuity_report
from tools.exports import handout_fonts, staged

PAGE_W, PAGE_H = 210.0, 297.0
MARGIN = 14.0
THUMB_W = 46.0
THUMB_H = THUMB_W * 9 / 16
TEXT_X = MARGIN + THUMB_W + 5
TEXT_W = PAGE_W - MARGIN - TEXT_X
INK = (30, 30, 32)
GREY = (110, 110, 116)
RULE = (200, 200, 205)
VERDICT_COLOURS = {
    "pass": (46, 125, 50),
    "fail": (198, 40, 40),
    "not_checkable": (110, 110, 116),
    "not_applicable": (110, 110, 116),
    "pending": (110, 110, 116),
    "drift": (200, 110, 0),
}


class _Report(FPDF):
    """A4 portrait pages with the project and page number in the footer."""

    def __init__(self, report: dict[str, Any]) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.report = report
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=16)
        for style, path in handout_fonts().items():
            self.add_font("DejaVu", style, str(path))
        self.set_title(f"Continuity report — {report.get('project', '')}")
        self.set_creator("Frameline")

    def footer(self) -> None:
        self.set_y(PAGE_H - 11)
        self.set_font("DejaVu", "", 7)
        self.set_text_color(*GREY)
        half = (PAGE_W - 2 * MARGIN) / 2
        self.cell(half, 5, f"Continuity report — {self.report.get('project', '')}")
        self.cell(half, 5, f"Page {self.page_no()} of {{nb}}", align="R")


def _thumbnail(path: Path) -> io.BytesIO:
    with Image.open(path) as image:
        frame = image.convert("RGB")
    frame.thumbnail((420, 420))
    buffer = io.BytesIO()
    frame.save(buffer, format="JPEG", quality=82)
    buffer.seek(0)
    return buffer


def _line(pdf: FPDF, text: str, size: float = 8.5, style: str = "", colour: Any = INK) -> None:
    """One wrapped paragraph in the text column beside the thumbnail."""
    pdf.set_font("DejaVu", style, size)
    pdf.set_text_color(*colour)
    pdf.set_x(TEXT_X)
    pdf.multi_cell(TEXT_W, size * 0.48, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _verdict(value: str | None) -> str:
    return (value or "pending").replace("_", " ")


def _summary_block(pdf: FPDF, report: dict[str, Any]) -> None:
    summary = report.get("summary", {})
    pdf.set_font("DejaVu", "B", 20)
    pdf.set_text_color(*INK)
    pdf.cell(0, 11, "Continuity report", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 10)
    pdf.set_text_color(*GREY)
    scope = f"scene {report['scene']}" if report.get("scene") else "all scenes"
    made = str(report.get("generated_at", ""))[:16].replace("T", " ")
    pdf.cell(0, 6, f"{report.get('project', '')} · {scope} · {made} UTC")
    pdf.ln(9)
    counts = [
        ("shots", summary.get("shots", 0), INK),
        ("pass", summary.get("pass", 0), VERDICT_COLOURS["pass"]),
        ("fail", summary.get("fail", 0), VERDICT_COLOURS["fail"]),
        ("not checkable", summary.get("not_checkable", 0), GREY),
        ("pending", summary.get("pending", 0), GREY),
        ("open items", summary.get("open_items", 0), VERDICT_COLOURS["drift"]),
        ("facts to review", summary.get("facts_to_review", 0), VERDICT_COLOURS["drift"]),
    ]
    width = (PAGE_W - 2 * MARGIN) / len(counts)
    top = pdf.get_y()
    for index, (label, value, colour) in enumerate(counts):
        x = MARGIN + index * width
        pdf.set_xy(x, top)
        pdf.set_font("DejaVu", "B", 16)
        pdf.set_text_color(*colour)
        pdf.cell(width, 8, str(value), align="C")
        pdf.set_xy(x, top + 8)
        pdf.set_font("DejaVu", "", 7)
        pdf.set_text_color(*GREY)
        pdf.cell(width, 4, label, align="C")
    pdf.set_y(top + 16)


def _scene(pdf: FPDF, frames: dict[str, Path], scene: dict[str, Any]) -> None:
    if pdf.get_y() > PAGE_H - 70:
        pdf.add_page()
    pdf.ln(3)
    pdf.set_fill_color(38, 42, 52)
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("DejaVu", "B", 11)
    title = f"  SCENE {scene.get('number', '')}   {scene.get('heading', '')}"
    pdf.cell(0, 8, title, fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 8)
    pdf.set_text_color(*GREY)
    details = f"Story day {scene.get('story_day', '')}"
    if scene.get("characters"):
        details += " · " + ", ".join(scene["characters"])
    pdf.cell(0, 5.5, details, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    facts = scene.get("facts", [])
    if facts:
        pdf.set_font("DejaVu", "B", 8.5)
        pdf.set_text_color(*INK)
        pdf.cell(0, 5, "Facts in scope", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("DejaVu", "", 8.5)
        for fact in facts:
            review = "  (review: the script changed)" if fact.get("needs_review") else ""
            text = f"• {fact.get('subject', '')}: {fact.get('statement', '')}{review}"
            pdf.multi_cell(0, 4.2, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if not scene.get("shots"):
        pdf.set_text_color(*GREY)
        pdf.cell(0, 6, "No shots yet.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for shot in scene.get("shots", []):
        _shot(pdf, frames, shot)


def _shot(pdf: FPDF, frames: dict[str, Path], shot: dict[str, Any]) -> None:
    if pdf.get_y() > PAGE_H - 16 - THUMB_H - 8:
        pdf.add_page()
    pdf.ln(2)
    pdf.set_draw_color(*RULE)
    pdf.line(MARGIN, pdf.get_y(), PAGE_W - MARGIN, pdf.get_y())
    top = pdf.get_y() + 2
    image = frames.get(str(shot.get("version_id")))
    if image is not None:
        pdf.image(_thumbnail(image), MARGIN, top, THUMB_W, THUMB_H, keep_aspect_ratio=True)
    pdf.rect(MARGIN, top, THUMB_W, THUMB_H)
    pdf.set_y(top)
    result = shot.get("continuity", "pending")
    stale = ", stale" if shot.get("stale") else ""
    heading = f"{shot.get('shot', '')}  ·  {shot.get('version_id', '')}  ·  "
    heading += f"{shot.get('status', '')}{stale}"
    _line(pdf, heading, 10, "B")
    _line(pdf, f"continuity {_verdict(result)}", 8.5, "B", VERDICT_COLOURS.get(result, GREY))
    for label, part in (("Identity", "identity"), ("Look", "look"), ("Time of day", "time_of_day")):
        check = shot.get(part)
        if isinstance(check, dict):
            verdict = check.get("verdict", "pending")
            colour = VERDICT_COLOURS.get(verdict, INK)
            _line(pdf, f"{label}: {_verdict(verdict)} — {check.get('reason', '')}", 8, "", colour)
    if not isinstance(shot.get("identity"), dict):
        _line(pdf, "Not checked yet.", 8, "I", GREY)
    for fact in shot.get("facts", []):
        automatic = "; ".join(
            f"{c.get('check')}: {c.get('result')}" for c in fact.get("automatic", [])
        )
        text = f"Fact: {fact.get('subject', '')}: {fact.get('statement', '')}"
        _line(pdf, text + (f" (automatic: {automatic})" if automatic else ""), 8)
    for item in shot.get("open_items", []):
        _line(pdf, f"☐ {item.get('text', '')}", 8, "", VERDICT_COLOURS["drift"])
    for item in shot.get("confirmed_items", []):
        confirmation = item.get("confirmation", {})
        note = f": {confirmation['note']}" if confirmation.get("note") else ""
        by = f" (by {confirmation.get('by', '?')}{note})"
        _line(pdf, f"☑ {item.get('text', '')}{by}", 8, "", GREY)
    pdf.set_y(max(pdf.get_y(), top + THUMB_H + 1))


def _frames(studio: Studio, report: dict[str, Any]) -> dict[str, Path]:
    """The PNG of every version the report names, read in one query."""
    numbers = [
        int(shot["version_id"][1:])
        for scene in report.get("scenes", [])
        for shot in scene.get("shots", [])
        if str(shot.get("version_id", ""))[1:].isdigit()
    ]
    with studio.transaction() as session:
        rows = session.execute(
            select(Version.id, Version.asset_sha256).where(Version.id.in_(numbers))
        ).all()
    paths = {f"v{number}": studio.assets.path(sha256) for number, sha256 in rows}
    return {version: path for version, path in paths.items() if path.is_file()}


def render_continuity(studio: Studio, report: dict[str, Any]) -> FPDF:
    """The report as a PDF ready to write."""
    pdf = _Report(report)
    pdf.add_page()
    _summary_block(pdf, report)
    frames = _frames(studio, report)
    for scene in report.get("scenes", []):
        _scene(pdf, frames, scene)
    return pdf


def write_continuity_pdf(
    studio: Studio, actor: Actor, project: str, out: Path, scene: str | None = None
) -> dict[str, Any]:
    """Write the project's (or one scene's) continuity report to `out` as PDF."""
    report = continuity_report(studio, actor, project, scene)
    pdf = render_continuity(studio, report)
    with staged(out) as temporary:
        pdf.output(str(temporary))
    return {
        "format": "continuity",
        "path": str(out.resolve()),
        "pages": pdf.pages_count,
        "shots": report.get("summary", {}).get("shots", 0),
        "bytes": out.stat().st_size,
    }
