"""The panel's lettering: the caption strip (scene, shot, framing, heading, action) and the paper
tags naming characters and props, in plain text (Fountain's emphasis marks removed), cut to fit
with an ellipsis rather than running off the panel."""

from __future__ import annotations

import re

from PIL import ImageDraw

from tools.backends.base import FrameSpec
from tools.backends.previz.canvas import INK, PAPER, Font, font
from tools.backends.previz.cast import Tag

_EMPHASIS = re.compile(r"(\*{1,3}|_)(?=\S)(.+?)(?<=\S)\1")


def plain(text: str) -> str:
    """Text without Fountain emphasis (`*italic*`, `**bold**`, `_underline_`) or stray marks."""
    previous = None
    while previous != text:
        previous, text = text, _EMPHASIS.sub(r"\2", text)
    text = re.sub(r"\[\[.*?\]\]", "", text)
    text = re.sub(r"(?<!\w)[*_]+|[*_]+(?!\w)", "", text)
    return " ".join(text.split())


def draw_caption(
    draw: ImageDraw.ImageDraw, spec: FrameSpec, box: tuple[int, int, int, int], caption_height: int
) -> None:
    """Scene, shot, framing, angle and heading, then the action, wrapped to the strip."""
    x0, y0, x1, y1 = box
    pad = max(3, round(caption_height * 0.08))
    title_font = font(max(10, round(caption_height * 0.24)), bold=True)
    body_font = font(max(9, round(caption_height * 0.2)))
    framing = (spec.depicts.framing if spec.depicts else spec.framing) or spec.framing
    angle = (spec.depicts.angle if spec.depicts else spec.angle) or spec.angle
    shot = f"SC {plain(spec.scene_number)} · SHOT {plain(spec.shot_code)}"
    title = f"{shot} · {framing.upper()} · {angle.upper()}"
    title = fit(title, title_font, x1 - x0 - 2 * pad)
    y = y0 + pad
    draw.text((x0 + pad, y), title, fill=INK, font=title_font)
    title_end = x0 + pad + draw.textlength(title, font=title_font)
    heading = plain(spec.heading).upper()
    action = plain(spec.action)
    if title_end + 3 * pad + draw.textlength(heading, font=title_font) <= x1 - pad:
        draw.text((x1 - pad, y), heading, fill=(90, 84, 76), font=title_font, anchor="ra")
    elif heading:
        # a narrow panel letters the heading ahead of the action instead
        action = f"{heading} — {action}" if action else heading
    y += line_height(title_font) + max(1, pad // 2)
    body_line = line_height(body_font)
    lines = max(0, (y1 - pad - y) // body_line)
    for line in wrap(action, body_font, x1 - x0 - 2 * pad, lines):
        draw.text((x0 + pad, y), line, fill=INK, font=body_font)
        y += body_line


def draw_tag(
    draw: ImageDraw.ImageDraw,
    tag: Tag,
    label_font: Font,
    pad: int,
    size: tuple[int, int],
    taken: list[tuple[int, int, int, int]],
    small: bool = False,
) -> None:
    """A name on a paper tag inside the picture, stepped clear of earlier tags; long names wrap
    onto two lines and then end in an ellipsis."""
    limit = size[0] * (0.22 if small else 0.3)
    lines = wrap(plain(tag.text).upper(), label_font, limit, 2)
    if not lines:
        return
    height_line = line_height(label_font)
    box_w = round(max(label_font.getlength(line) for line in lines)) + 2 * pad
    box_h = height_line * len(lines) + 2 * pad
    x0 = min(max(2, tag.x - box_w // 2), size[0] - box_w - 2)
    y0 = min(max(2, tag.y), size[1] - box_h - 2)
    step = -(box_h + 3) if y0 > size[1] / 2 else box_h + 3
    while (
        any(
            x0 < bx1 and bx0 < x0 + box_w and y0 < by1 and by0 < y0 + box_h
            for bx0, by0, bx1, by1 in taken
        )
        and 0 < y0 + step < size[1] - box_h
    ):
        y0 += step
    draw.rounded_rectangle((x0, y0, x0 + box_w, y0 + box_h), radius=pad, fill=PAPER, outline=INK)
    for i, line in enumerate(lines):
        draw.text((x0 + pad, y0 + pad + i * height_line), line, fill=INK, font=label_font)
    taken.append((x0, y0, x0 + box_w, y0 + box_h))


def wrap(text: str, text_font: Font, width: float, lines: int) -> list[str]:
    """Text in at most `lines` lines of `width` pixels, ending in an ellipsis if it runs over."""
    wrapped: list[str] = []
    words = text.split()
    while words and len(wrapped) < lines:
        line = words.pop(0)
        while words and text_font.getlength(f"{line} {words[0]}") <= width:
            line = f"{line} {words.pop(0)}"
        wrapped.append(fit(line, text_font, width))
    if words and wrapped:
        wrapped[-1] = fit(wrapped[-1], text_font, width, cut=True)
    return wrapped


def fit(text: str, text_font: Font, width: float, cut: bool = False) -> str:
    """Text shortened to `width` pixels with an ellipsis (always one when `cut`)."""
    if not cut and text_font.getlength(text) <= width:
        return text
    text = text[: max(1, int(width // 2))]  # no glyph is under 2 px, so the rest never fits
    while text and text_font.getlength(text + "…") > width:
        text = text[:-1]
    return f"{text.rstrip()}…" if text else ""


def line_height(text_font: Font) -> int:
    """Distance between baselines for the font."""
    _, top, _, bottom = text_font.getbbox("Ag")
    return round((bottom - top) * 1.25)
