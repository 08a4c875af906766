"""Weather over the whole picture: rain streaks, falling snow, fog that swallows the distance,
storm light and lightning, wind-blown spray. Drawn after the set and cast, in front of them."""

from __future__ import annotations

import math
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from tools.backends.previz.canvas import Light, Stage, mix


def draw_weather(
    picture: Image.Image,
    stage: Stage,
    light: Light,
    weather: tuple[str, ...],
    rng: random.Random,
    windows: list[tuple[int, int, int, int]] | None = None,
) -> Image.Image:
    """The picture with the named weather over it (unknown words change nothing); indoors
    (`windows` given) the weather shows through the windows only."""
    if windows is not None:
        outside = _outdoors(picture.copy(), stage, light, weather, rng)
        mask = Image.new("L", picture.size, 0)
        for box in windows:
            ImageDraw.Draw(mask).rectangle(box, fill=255)
        return Image.composite(outside, picture, mask)
    return _outdoors(picture, stage, light, weather, rng)


def _outdoors(
    picture: Image.Image, stage: Stage, light: Light, weather: tuple[str, ...], rng: random.Random
) -> Image.Image:
    """Weather over a whole outdoor picture."""
    windy = "wind" in weather or "storm" in weather
    if "fog" in weather:
        picture = _fog(picture, stage, light)
    if "storm" in weather:
        picture = _storm(picture, stage, light, rng)
    if "rain" in weather or "storm" in weather:
        _rain(picture, stage, light, rng, slant=0.45 if windy else 0.15)
    if "snow" in weather:
        _snow(picture, stage, light, rng, drift=2.5 if windy else 0.6)
    if "wind" in weather:
        _wind(picture, stage, light, rng)
    return picture


def _rain(
    picture: Image.Image, stage: Stage, light: Light, rng: random.Random, slant: float
) -> None:
    """Long pale streaks, denser and longer near the camera, and splashes on the ground."""
    layer = Image.new("L", picture.size, 0)
    draw = ImageDraw.Draw(layer)
    width, height = stage.width, stage.height
    for _ in range(int(width * height / 260)):
        x, y = rng.uniform(-width * 0.2, width), rng.uniform(-20, height)
        near = rng.random()
        length = height * (0.03 + 0.07 * near)
        draw.line(
            (x, y, x + length * slant, y + length),
            fill=round(90 + 120 * near),
            width=1 if near < 0.8 else 2,
        )
    for _ in range(int(width / 6)):
        x, y = rng.uniform(0, width), rng.uniform(stage.horizon + 4, height)
        r = 1 + 3 * (y - stage.horizon) / max(1, height - stage.horizon)
        draw.ellipse((x - r * 2, y - r * 0.5, x + r * 2, y + r * 0.5), outline=120)
    colour = (200, 210, 228) if not light.night else (120, 134, 170)
    picture.paste(colour, (0, 0), layer.filter(ImageFilter.GaussianBlur(0.6)))


def _snow(
    picture: Image.Image, stage: Stage, light: Light, rng: random.Random, drift: float
) -> None:
    """Flakes of every size, and a white cover over the ground."""
    width, height = stage.width, stage.height
    cover = Image.new("L", picture.size, 0)
    ImageDraw.Draw(cover).rectangle((0, stage.horizon, width, height), fill=110)
    picture.paste(mix((238, 240, 246), (90, 100, 130), 0.6 if light.night else 0.0), (0, 0), cover)
    draw = ImageDraw.Draw(picture)
    flake = (246, 246, 250) if not light.night else (170, 178, 200)
    for _ in range(int(width * height / 500)):
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        r = 0.8 + 2.6 * rng.random() ** 2
        x += drift * r * rng.uniform(0, 3)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=flake)


def _fog(picture: Image.Image, stage: Stage, light: Light) -> Image.Image:
    """Pale grey that thickens towards the horizon, where the distance disappears."""
    width, height = stage.width, stage.height
    fog = np.asarray((196, 200, 204) if not light.night else (58, 64, 80), np.float32)
    ys = np.arange(height, dtype=np.float32)[:, None]
    distance = np.abs(ys - stage.horizon) / max(1.0, height * 0.6)
    amount = np.clip(0.66 - 0.5 * distance, 0.22, 0.66)[..., None]
    pixels = np.asarray(picture, np.float32)
    blended = pixels * (1 - amount) + fog * amount
    return Image.fromarray(np.broadcast_to(blended, (height, width, 3)).round().astype(np.uint8))


def _storm(picture: Image.Image, stage: Stage, light: Light, rng: random.Random) -> Image.Image:
    """A darker, bluer picture with a lightning fork in the sky."""
    pixels = np.asarray(picture, np.float32) * np.asarray((0.72, 0.76, 0.86), np.float32)
    picture = Image.fromarray(pixels.round().astype(np.uint8), "RGB")
    layer = Image.new("L", picture.size, 0)
    draw = ImageDraw.Draw(layer)
    x, y = stage.width * rng.uniform(0.2, 0.8), 0.0
    bottom = max(stage.horizon, stage.height * 0.2)
    while y < bottom:
        nx, ny = x + rng.uniform(-1, 1) * stage.width * 0.04, y + bottom / 7
        draw.line((x, y, nx, ny), fill=255, width=max(2, stage.width // 300))
        if rng.random() < 0.3:
            angle = rng.uniform(-1, 1)
            draw.line(
                (nx, ny, nx + math.sin(angle) * bottom * 0.2, ny + bottom * 0.15), fill=200, width=1
            )
        x, y = nx, ny
    halo = layer.filter(ImageFilter.GaussianBlur(stage.width / 80))
    picture.paste((170, 180, 255), (0, 0), halo.point(lambda v: min(255, v * 3)))
    picture.paste((250, 250, 255), (0, 0), layer)
    return picture


def _wind(picture: Image.Image, stage: Stage, light: Light, rng: random.Random) -> None:
    """Streaks of blown spray and dust driven sideways, and flying scraps, low over the ground."""
    layer = Image.new("L", picture.size, 0)
    draw = ImageDraw.Draw(layer)
    for _ in range(int(stage.width / 2)):
        x = rng.uniform(-60, stage.width)
        y = rng.uniform(stage.horizon - stage.height * 0.25, stage.height)
        length = stage.width * rng.uniform(0.03, 0.1)
        draw.line((x, y, x + length, y + length * 0.06), fill=rng.randint(70, 150), width=1)
    for _ in range(int(stage.width / 30)):
        x, y = rng.uniform(0, stage.width), rng.uniform(0, stage.height)
        r = rng.uniform(1.5, 3.5)
        draw.ellipse((x - r * 1.6, y - r * 0.6, x + r * 1.6, y + r * 0.6), fill=200)
    colour = (236, 238, 240) if not light.night else (120, 130, 160)
    picture.paste(colour, (0, 0), layer)
