"""One panel, back to front: the set, its props, the cast, the weather, the light, the lettering."""

from __future__ import annotations

import random

from PIL import Image, ImageDraw

from core.errors import InvalidInput
from tools.backends.base import FrameSpec, Progress
from tools.backends.previz.canvas import CAMERA_HEIGHT, HORIZON, INK, PAPER, Light, Stage, font
from tools.backends.previz.caption import draw_caption, draw_tag
from tools.backends.previz.cast import Tag, draw_cast
from tools.backends.previz.light import apply_pools, draw_sky_sources, light_for, vignette
from tools.backends.previz.props import place_things
from tools.backends.previz.settings import draw_set
from tools.backends.previz.shot import Shot, read_shot
from tools.backends.previz.weather import draw_weather

STAGES = 4
"""Drawing stages reported to progress: set, cast, weather and light, caption."""
Focus = tuple[int, int, int, int]

_OVERCAST = {"overcast", "storm", "rain", "snow", "fog"}


def draw_panel(
    spec: FrameSpec,
    seed: int,
    progress: Progress | None,
    total: int,
    focus: Focus | None = None,
) -> Image.Image:
    """The whole panel: picture, border and caption, reporting each stage of `total`.

    `focus` is a box of the panel (a region being revised) where the props are stood."""
    if spec.width < 512 or spec.height < 160:
        raise InvalidInput(
            f"previz frames must be at least 512x160 pixels, got {spec.width}x{spec.height}"
        )
    shot = read_shot(spec, seed)
    light = light_for(shot.period, shot.weather, shot.light)
    margin = max(6, round(spec.width * 0.012))
    caption_height = max(48, round(spec.height * 0.12))
    size = (spec.width - 2 * margin, spec.height - caption_height - margin)
    inner = None
    if focus is not None:
        inner = (
            max(0, focus[0] - margin),
            max(0, focus[1] - margin),
            min(size[0], focus[2] - margin),
            min(size[1], focus[3] - margin),
        )
        inner = inner if inner[0] < inner[2] and inner[1] < inner[3] else None
    picture = _draw_picture(shot, size, light, progress, total, inner)

    panel = Image.new("RGB", (spec.width, spec.height), PAPER)
    panel.paste(picture, (margin, margin))
    draw = ImageDraw.Draw(panel)
    border = max(2, round(spec.width / 400))
    draw.rectangle(
        (
            margin - border,
            margin - border,
            margin + picture.width + border - 1,
            margin + picture.height + border - 1,
        ),
        outline=INK,
        width=border,
    )
    draw.rectangle((0, 0, spec.width - 1, spec.height - 1), outline=(190, 184, 170), width=1)
    draw_caption(
        draw,
        spec,
        (margin, margin + picture.height + border, spec.width - margin, spec.height),
        caption_height,
    )
    if progress is not None:
        progress(STAGES, total)
    return panel


def _draw_picture(
    shot: Shot,
    size: tuple[int, int],
    light: Light,
    progress: Progress | None,
    total: int,
    focus: Focus | None,
) -> Image.Image:
    """The picture inside the panel border, drawn back to front."""
    width, height = size
    layout = random.Random(shot.layout_key)
    take = random.Random(shot.detail_key)
    horizon = round(height * (HORIZON[shot.angle] + layout.uniform(-0.03, 0.03)))
    stage = Stage(
        width,
        height,
        horizon,
        round(width * (0.5 + layout.uniform(-0.12, 0.12))),
        CAMERA_HEIGHT[shot.angle],
    )
    picture = Image.new("RGB", size, light.sky_horizon)
    overcast = bool(_OVERCAST & set(shot.weather))
    scene = draw_set(
        picture, stage, light, shot.setting, shot.interior, layout, overcast, take, set(shot.light)
    )
    labels = place_things(scene, shot, random.Random(shot.layout_key + 1), focus)
    if progress is not None:
        progress(1, total)

    # each part draws from its own stream, so adding a prop never moves a person
    cast_layout = random.Random(shot.layout_key + 2)
    picture, tags = draw_cast(picture, shot, stage, scene.backdrop, light, cast_layout, take)
    if progress is not None:
        progress(2, total)

    windows = scene.backdrop.windows if scene.backdrop.interior else None
    picture = draw_weather(picture, stage, light, shot.weather, take, windows)
    draw_sky_sources(picture, stage, light, shot.light, random.Random(shot.layout_key + 3))
    apply_pools(picture, scene.backdrop, light)
    picture = vignette(picture)
    _letter(picture, tags, labels, size)
    if progress is not None:
        progress(3, total)
    return picture


def _letter(
    picture: Image.Image, tags: list[Tag], labels: list[Tag], size: tuple[int, int]
) -> None:
    """Names on paper tags: characters first, then props; each steps clear of the others."""
    draw = ImageDraw.Draw(picture)
    label_size = max(11, round(size[1] * 0.032))
    taken: list[tuple[int, int, int, int]] = []
    for tag in tags:
        draw_tag(
            draw, tag, font(label_size, bold=True), max(2, round(label_size * 0.3)), size, taken
        )
    small = font(max(10, round(label_size * 0.8)))
    for tag in labels:
        draw_tag(draw, tag, small, max(2, round(label_size * 0.25)), size, taken, small=True)
