"""What every part of a previz panel shares: colours, the picture's geometry and soft light.

Everything is drawn in a one-point perspective: a horizon (the camera's eye line) and a vanishing
point. A person standing with their feet at `y` is `(y - horizon) * person / camera` pixels tall,
so a low camera makes figures tower over the horizon and a high camera shrinks them below it.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from tools.fonts import dejavu

RGB = tuple[int, int, int]
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
Box = tuple[float, float, float, float]

PAPER: RGB = (244, 239, 226)
INK: RGB = (36, 33, 30)
LAMP: RGB = (255, 198, 120)
PERSON_HEIGHT = 1.75
"""Metres; with the camera height it sets how tall a figure is at each depth."""
ROOM_DEPTH = 6.0
"""Metres from the camera to a room's back wall, to place furniture in perspective."""

CAMERA_HEIGHT = {"eye-level": 1.6, "low": 0.6, "high": 2.4}
HORIZON = {"eye-level": 0.46, "low": 0.74, "high": 0.24}
"""Where the eye line sits, as a fraction of the picture height: low cameras look up at the sky."""
HEAD_FRACTION = {"eye-level": 1 / 7.2, "low": 1 / 8.0, "high": 1 / 6.0}
"""Head height over body height: looking up stretches the body, looking down foreshortens it."""


@dataclass(frozen=True, slots=True)
class Light:
    """How a time of day looks: the sky, the tint on every lit surface, the sun and shadows."""

    sky_top: RGB
    sky_horizon: RGB
    tint: tuple[float, float, float]
    sun: RGB | None
    sun_height: float
    """Fraction of the sky between the horizon and the top of the picture."""
    shadow_length: float
    """Ground shadow length in figure heights; long when the sun is low."""
    clouds: RGB | None
    night: bool = False
    moon: bool = True


@dataclass(frozen=True, slots=True)
class Stage:
    """The picture's geometry: its size, the horizon, the vanishing point and the camera."""

    width: int
    height: int
    horizon: int
    vanish_x: int
    camera_height: float

    def person_height_at(self, feet_y: float) -> float:
        """Pixel height of a person whose feet touch the ground at `feet_y`."""
        return (feet_y - self.horizon) * PERSON_HEIGHT / self.camera_height

    def metre_at(self, feet_y: float) -> float:
        """Pixels per metre at a depth whose ground line is `feet_y`."""
        return max(0.5, (feet_y - self.horizon) / self.camera_height)


@dataclass(slots=True)
class Backdrop:
    """What the set tells the rest: where people can stand, where the sun is, what glows."""

    floor_y: int
    sun_x: int
    pools: list[tuple[int, int, int, RGB]] = field(default_factory=list)
    """Practical lights as (x, y, radius, colour), applied once everything is drawn."""
    interior: bool = False
    water: bool = False
    windows: list[tuple[int, int, int, int]] = field(default_factory=list)
    """Where an interior shows the outside: its weather is seen there only."""


def lit(colour: RGB, light: Light, shade: float = 1.0) -> RGB:
    """A surface colour under the time of day's light, so night reads dark and blue."""
    r, g, b = (min(255, round(c * t * shade)) for c, t in zip(colour, light.tint, strict=True))
    return (r, g, b)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """A colour `t` of the way from a to b, for haze and reflections."""
    r, g, bl = (round(x + (y - x) * t) for x, y in zip(a, b, strict=True))
    return (r, g, bl)


def gradient(size: tuple[int, int], top: RGB, bottom: RGB) -> Image.Image:
    """A vertical gradient, the base of skies, water and windows."""
    width, height = max(size[0], 1), max(size[1], 1)
    t = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None] ** 0.8
    rows = np.asarray(top, np.float32) + (np.asarray(bottom, np.float32) - top) * t
    pixels = np.broadcast_to(rows, (height, width, 3)).round().astype(np.uint8)
    return Image.fromarray(np.ascontiguousarray(pixels), "RGB")


def glow(
    picture: Image.Image, centre: tuple[float, float], radius: float, colour: RGB, strength: float
) -> None:
    """A soft halo around a sun, moon or lamp."""
    x, y = centre
    radius = max(2.0, radius)
    box = (
        max(0, round(x - radius)),
        max(0, round(y - radius)),
        min(picture.width, round(x + radius)),
        min(picture.height, round(y + radius)),
    )
    if box[0] >= box[2] or box[1] >= box[3]:
        return
    mask = Image.new("L", (box[2] - box[0], box[3] - box[1]), 0)
    inner = radius * 0.5
    ImageDraw.Draw(mask).ellipse(
        (x - inner - box[0], y - inner - box[1], x + inner - box[0], y + inner - box[1]),
        fill=round(255 * strength),
    )
    picture.paste(colour, box, mask.filter(ImageFilter.GaussianBlur(radius * 0.3)))


def smooth(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A ridge line with its corners cut, so hills roll instead of zig-zagging."""
    smoothed = [points[0]]
    for (xa, ya), (xb, yb) in zip(points, points[1:], strict=False):
        smoothed += [
            (xa * 0.75 + xb * 0.25, ya * 0.75 + yb * 0.25),
            (xa * 0.25 + xb * 0.75, ya * 0.25 + yb * 0.75),
        ]
    return [*smoothed, points[-1]]


@functools.lru_cache(maxsize=16)
def font(size: int, bold: bool = False) -> Font:
    """DejaVu Sans (crisp when small, and the same on every install, so pixels match)."""
    return ImageFont.truetype(str(dejavu("B" if bold else "")), size)


class Set:
    """One drawing pass over the picture: what every feature drawer needs."""

    def __init__(
        self,
        picture: Image.Image,
        stage: Stage,
        light: Light,
        rng: random.Random,
        backdrop: Backdrop,
        overcast: bool,
        take: random.Random | None = None,
    ) -> None:
        self.picture = picture
        self.take = take or rng
        """The take's own randomness: clouds, waves and textures vary by take, geometry does not."""
        self.draw = ImageDraw.Draw(picture)
        self.stage = stage
        self.light = light
        self.rng = rng
        self.backdrop = backdrop
        self.overcast = overcast
        self.sources: set[str] = set()
        self.glow_limit: float | None = None
        """While a thing is drawn into a revised region, its light stays inside the region."""
        """Light sources the shot names: their props glow even by day."""

    def c(self, colour: RGB, shade: float = 1.0) -> RGB:
        """A colour under this light."""
        return lit(colour, self.light, shade)

    def far(self, colour: RGB, haze: float = 0.4) -> RGB:
        """A lit colour hazed towards the horizon sky, for things far away."""
        return mix(self.c(colour), self.c(self.light.sky_horizon), haze)

    def ground_at(self, t: float) -> float:
        """The y of a ground line `t` of the way from the horizon to the picture's bottom."""
        return self.stage.horizon + (self.stage.height - self.stage.horizon) * t

    def metre(self, feet: float) -> float:
        """Pixels per metre at a ground line."""
        return self.stage.metre_at(feet)

    def glow_at(self, x: float, y: float, radius: float, colour: RGB = LAMP) -> None:
        """A practical light that the light pass spreads at night (no wider than `glow_limit`)."""
        if self.glow_limit is not None:
            radius = min(radius, self.glow_limit)
        self.backdrop.pools.append((round(x), round(y), round(radius), colour))
