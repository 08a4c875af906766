"""Light: the time of day's sky (sun, moon or none, stars, clouds) and the practical sources a
shot names (lanterns, lamps, candles, headlights, fire, searchlights …), glowing warm at night."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from tools.backends.previz.canvas import RGB, Backdrop, Light, Stage, glow

LIGHTS = {
    "dawn": Light(
        sky_top=(96, 100, 164),
        sky_horizon=(255, 176, 146),
        tint=(1.0, 0.84, 0.8),
        sun=(255, 222, 180),
        sun_height=0.1,
        shadow_length=1.4,
        clouds=(250, 196, 190),
    ),
    "day": Light(
        sky_top=(78, 140, 214),
        sky_horizon=(194, 222, 246),
        tint=(1.0, 1.0, 1.0),
        sun=(255, 250, 226),
        sun_height=0.78,
        shadow_length=0.3,
        clouds=(250, 250, 252),
    ),
    "dusk": Light(
        sky_top=(56, 42, 102),
        sky_horizon=(250, 134, 70),
        tint=(0.86, 0.64, 0.58),
        sun=(255, 170, 88),
        sun_height=0.08,
        shadow_length=2.4,
        clouds=(196, 116, 140),
    ),
    "night": Light(
        sky_top=(6, 10, 30),
        sky_horizon=(28, 40, 80),
        tint=(0.3, 0.34, 0.52),
        sun=None,
        sun_height=0.0,
        shadow_length=0.0,
        clouds=None,
        night=True,
    ),
    # an unknown time of day (CONTINUOUS, LATER) reads as an overcast day
    "neutral": Light(
        sky_top=(150, 168, 188),
        sky_horizon=(214, 220, 226),
        tint=(0.94, 0.94, 0.94),
        sun=None,
        sun_height=0.0,
        shadow_length=0.15,
        clouds=(226, 228, 232),
    ),
}

WARM: dict[str, RGB] = {
    "lantern": (255, 196, 96),
    "lamp": (255, 204, 130),
    "candles": (255, 184, 90),
    "fire": (255, 140, 50),
    "bulb": (255, 226, 170),
    "streetlight": (255, 190, 110),
    "flashlight": (250, 246, 220),
    "headlights": (250, 246, 226),
    "searchlight": (236, 242, 255),
    "floodlight": (236, 242, 255),
    "neon": (255, 70, 170),
    "screen": (130, 170, 255),
    "lighthouse beam": (255, 240, 190),
}
"""The colour each practical throws."""


def light_for(period: str, weather: tuple[str, ...], sources: tuple[str, ...]) -> Light:
    """The time of day's light, greyed by overcast, storm or fog, and moonless when said so."""
    light = LIGHTS.get(period, LIGHTS["neutral"])
    if "no moon" in sources:
        light = (
            replace(
                light,
                moon=False,
                sky_top=(2, 4, 12),
                sky_horizon=(12, 16, 30),
                tint=(0.2, 0.22, 0.32),
            )
            if light.night
            else light
        )
    grey = {"storm": 0.6, "overcast": 0.45, "fog": 0.35, "rain": 0.4, "snow": 0.35}
    amount = max((grey[w] for w in weather if w in grey), default=0.0)
    if amount and not light.night:
        cloud = (150, 154, 160) if "storm" not in weather else (92, 96, 108)
        light = replace(
            light,
            sky_top=_towards(light.sky_top, cloud, amount),
            sky_horizon=_towards(light.sky_horizon, cloud, amount),
            tint=tuple(t * (1 - 0.25 * amount) for t in light.tint),  # type: ignore[arg-type]
            sun=None if amount >= 0.4 else light.sun,
            clouds=_towards(light.clouds or cloud, cloud, 0.6),
            shadow_length=light.shadow_length * (1 - amount),
        )
    return light


def _towards(a: RGB, b: RGB, t: float) -> RGB:
    r, g, bl = (round(x + (y - x) * t) for x, y in zip(a, b, strict=True))
    return (r, g, bl)


def draw_sky(
    picture: Image.Image,
    box: tuple[int, int, int, int],
    light: Light,
    sun_x: int,
    rng: random.Random,
    overcast: bool = False,
) -> None:
    """Sun, moon (or none), stars and clouds in a sky box (a whole sky or a window's)."""
    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0
    if width <= 0 or height <= 0:
        return
    draw = ImageDraw.Draw(picture)
    if light.night:
        stars = 0 if overcast else int(width * height / (900 if light.moon else 1400))
        for _ in range(stars):
            x, y = x0 + rng.uniform(0, width), y0 + rng.uniform(0, height * 0.85)
            level = rng.randint(110, 235)
            radius = rng.choice((0.5, 0.5, 0.5, 1.0))
            draw.ellipse(
                (x - radius, y - radius, x + radius, y + radius),
                fill=(level, level, min(255, level + 20)),
            )
        if light.moon and not overcast:
            moon_r = max(4, round(min(width, height * 2) * 0.035))
            mx, my = x0 + round(width * rng.uniform(0.15, 0.85)), y0 + round(height * 0.3)
            glow(picture, (mx, my), moon_r * 5, (90, 110, 160), 0.5)
            draw.ellipse((mx - moon_r, my - moon_r, mx + moon_r, my + moon_r), fill=(236, 234, 214))
            draw.ellipse(
                (mx - moon_r * 0.4, my - moon_r * 0.2, mx - moon_r * 0.05, my + moon_r * 0.15),
                fill=(214, 212, 196),
            )
        return
    if light.sun is not None:
        sun_y = y1 - round(height * light.sun_height)
        sun_r = max(5, round(min(width, height * 2) * (0.05 if light.sun_height < 0.3 else 0.03)))
        glow(picture, (sun_x, sun_y), sun_r * 7, light.sun, 0.75)
        draw.ellipse((sun_x - sun_r, sun_y - sun_r, sun_x + sun_r, sun_y + sun_r), fill=light.sun)
    if light.clouds is not None:
        mask = Image.new("L", (width, height), 0)
        cloud_draw = ImageDraw.Draw(mask)
        for _ in range(rng.randint(3, 5) + (4 if overcast else 0)):
            cx, cy = rng.uniform(0, width), rng.uniform(height * 0.12, height * 0.7)
            scale = rng.uniform(0.05, 0.1) * width * (1.6 if overcast else 1.0)
            for _ in range(rng.randint(4, 7)):
                dx, dy = rng.uniform(-1.4, 1.4) * scale, rng.uniform(-0.25, 0.2) * scale
                rx, ry = rng.uniform(0.45, 0.8) * scale, rng.uniform(0.18, 0.32) * scale
                cloud_draw.ellipse(
                    (cx + dx - rx, cy + dy - ry, cx + dx + rx, cy + dy + ry), fill=200
                )
        mask = mask.filter(ImageFilter.GaussianBlur(max(1.0, width / 400)))
        picture.paste(light.clouds, (x0, y0, x1, y1), mask)


def apply_pools(picture: Image.Image, backdrop: Backdrop, light: Light) -> None:
    """The practicals' light over everything they reach: strong at night, faint by day."""
    if not backdrop.pools:
        return
    strength = 1.0 if light.night else 0.55 if light.sun is None or light.sun_height < 0.3 else 0.3
    for x, y, radius, colour in backdrop.pools:
        mask = Image.new("L", picture.size, 0)
        ImageDraw.Draw(mask).ellipse(
            (x - radius * 0.6, y - radius * 0.6, x + radius * 0.6, y + radius * 0.6),
            fill=round(120 * strength),
        )
        picture.paste(colour, (0, 0), mask.filter(ImageFilter.GaussianBlur(max(4, radius // 3))))


def draw_beam(
    picture: Image.Image,
    origin: tuple[float, float],
    target: tuple[float, float],
    spread: float,
    colour: RGB,
    strength: int,
) -> None:
    """A cone of light (headlights, a torch, a searchlight) from origin towards target."""
    (ox, oy), (tx, ty) = origin, target
    dx, dy = tx - ox, ty - oy
    length = max(1.0, (dx * dx + dy * dy) ** 0.5)
    nx, ny = -dy / length * spread, dx / length * spread
    mask = Image.new("L", picture.size, 0)
    ImageDraw.Draw(mask).polygon([(ox, oy), (tx + nx, ty + ny), (tx - nx, ty - ny)], fill=strength)
    picture.paste(colour, (0, 0), mask.filter(ImageFilter.GaussianBlur(max(3.0, spread / 6))))


def draw_sky_sources(
    picture: Image.Image, stage: Stage, light: Light, sources: tuple[str, ...], rng: random.Random
) -> None:
    """Sources that sweep the whole picture: searchlights and a lighthouse's beam."""
    if "searchlight" in sources:
        x = stage.width * rng.uniform(0.6, 0.85)
        y = stage.horizon - stage.height * 0.08
        draw_beam(
            picture,
            (x, y),
            (stage.width * rng.uniform(0.05, 0.35), stage.height * 0.05),
            stage.width * 0.08,
            WARM["searchlight"],
            110 if light.night else 50,
        )
        glow(picture, (x, y), stage.width * 0.03, WARM["searchlight"], 0.9)


def vignette(picture: Image.Image) -> Image.Image:
    """Darkened corners, so the eye goes to the middle as in a lens."""
    width, height = picture.size
    ys = np.linspace(-1.0, 1.0, height, dtype=np.float32)[:, None]
    xs = np.linspace(-1.0, 1.0, width, dtype=np.float32)[None, :]
    falloff = 1.0 - 0.22 * np.clip(xs * xs * 0.7 + ys * ys * 0.7, 0.0, 1.0) ** 1.5
    pixels = np.asarray(picture, np.float32) * falloff[:, :, None]
    return Image.fromarray(pixels.astype(np.uint8), "RGB")
