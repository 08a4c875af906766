"""Previz: storyboard panels drawn on the CPU from the shot's description, with no model weights.

A panel shows the location lit for the time of day, the characters as labelled silhouettes placed
by framing and angle, the key props as labelled tags, and a caption strip with the scene, shot,
heading and action. Pixels depend only on the spec and the seed (never on time or global random
state), so the same inputs redraw the same frame. Heads are plain shapes with no features, so face
detectors find no faces in previz frames and continuity checks can tell them from real renders.

Everything is drawn in a one-point perspective: a horizon (the camera's eye line) and a vanishing
point. A person standing with their feet at `y` is `(y - horizon) * person / camera` pixels tall, so
a low camera makes figures tower over the horizon and a high camera shrinks them below it.
"""

from __future__ import annotations

import functools
import math
import random
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from core.errors import InvalidInput
from tools.backends.base import FRAMINGS, CharacterInFrame, FrameSpec, ImageBackend, Progress
from tools.fonts import dejavu

RGB = tuple[int, int, int]
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

_STAGES = 4
"""Drawing stages reported to progress: backdrop, cast, light and props, caption."""

_PAPER: RGB = (244, 239, 226)
_INK: RGB = (36, 33, 30)
_LAMP: RGB = (255, 198, 120)
_PERSON_HEIGHT = 1.75
"""Metres; with the camera height it sets how tall a figure is at each depth."""
_ROOM_DEPTH = 6.0
"""Metres from the camera to a room's back wall, to place furniture in perspective."""

_CAMERA_HEIGHT = {"eye-level": 1.6, "low": 0.6, "high": 2.4}
_HORIZON = {"eye-level": 0.46, "low": 0.74, "high": 0.24}
"""Where the eye line sits, as a fraction of the picture height: low cameras look up at the sky."""

_HEAD_FRACTION = {"eye-level": 1 / 7.2, "low": 1 / 8.0, "high": 1 / 6.0}
"""Head height over body height: looking up stretches the body, looking down foreshortens it."""

_JACKETS: tuple[RGB, ...] = (
    (160, 72, 60),
    (62, 96, 142),
    (90, 122, 78),
    (178, 140, 66),
    (112, 84, 132),
    (68, 122, 126),
    (150, 98, 62),
    (118, 118, 128),
)
_TROUSERS: tuple[RGB, ...] = ((58, 60, 72), (92, 80, 68), (48, 62, 84), (74, 74, 70))
_HAIR: tuple[RGB, ...] = (
    (40, 32, 28),
    (94, 62, 38),
    (150, 86, 46),
    (204, 170, 104),
    (150, 148, 146),
)
_SKIN: RGB = (222, 198, 176)

_WATER_WORDS = {
    "SEA",
    "BEACH",
    "HARBOR",
    "HARBOUR",
    "SHORE",
    "DOCK",
    "COAST",
    "OCEAN",
    "PIER",
    "LAKE",
    "RIVER",
    "PORT",
    "BAY",
    "SEASIDE",
    "SEAFRONT",
    "WATERFRONT",
    "CLIFF",
    "LIGHTHOUSE",
}
_ROAD_WORDS = {"ROAD", "STREET", "HIGHWAY", "AVENUE", "ALLEY", "BOULEVARD", "LANE", "ROADSIDE"}
_CITY_WORDS = {
    "STREET",
    "CITY",
    "DOWNTOWN",
    "ALLEY",
    "AVENUE",
    "ROOFTOP",
    "TOWN",
    "SQUARE",
    "SKYLINE",
    "BOULEVARD",
    "PARKING",
}
_TREE_WORDS = {"FOREST", "WOODS", "WOOD", "PARK", "GARDEN", "JUNGLE", "ORCHARD", "GROVE"}
_TABLE_WORDS = {
    "KITCHEN",
    "DINER",
    "CAFE",
    "RESTAURANT",
    "OFFICE",
    "BAR",
    "STUDY",
    "DINING",
    "PUB",
    "CLASSROOM",
    "LIBRARY",
    "CANTEEN",
}


@dataclass(frozen=True, slots=True)
class _Light:
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


_LIGHTS = {
    "dawn": _Light(
        sky_top=(96, 100, 164),
        sky_horizon=(255, 176, 146),
        tint=(1.0, 0.84, 0.8),
        sun=(255, 222, 180),
        sun_height=0.1,
        shadow_length=1.4,
        clouds=(250, 196, 190),
    ),
    "day": _Light(
        sky_top=(78, 140, 214),
        sky_horizon=(194, 222, 246),
        tint=(1.0, 1.0, 1.0),
        sun=(255, 250, 226),
        sun_height=0.78,
        shadow_length=0.3,
        clouds=(250, 250, 252),
    ),
    "dusk": _Light(
        sky_top=(56, 42, 102),
        sky_horizon=(250, 134, 70),
        tint=(0.86, 0.64, 0.58),
        sun=(255, 170, 88),
        sun_height=0.08,
        shadow_length=2.4,
        clouds=(196, 116, 140),
    ),
    "night": _Light(
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
    "neutral": _Light(
        sky_top=(150, 168, 188),
        sky_horizon=(214, 220, 226),
        tint=(0.94, 0.94, 0.94),
        sun=None,
        sun_height=0.0,
        shadow_length=0.15,
        clouds=(226, 228, 232),
    ),
}


@dataclass(frozen=True, slots=True)
class _Stage:
    """The picture's geometry: its size, the horizon, the vanishing point and the camera."""

    width: int
    height: int
    horizon: int
    vanish_x: int
    camera_height: float

    def person_height_at(self, feet_y: float) -> float:
        """Pixel height of a person whose feet touch the ground at `feet_y`."""
        return (feet_y - self.horizon) * _PERSON_HEIGHT / self.camera_height


@dataclass(slots=True)
class _Backdrop:
    """What the backdrop tells the cast: where people can stand, where the sun is, what glows."""

    floor_y: int
    sun_x: int
    pools: list[tuple[int, int, int]] = field(default_factory=list)
    """Practical lights at night as (x, y, radius)."""


@dataclass(frozen=True, slots=True)
class _Look:
    """A character's colours, fixed by their name so they match from shot to shot."""

    jacket: RGB
    trousers: RGB
    hair: RGB


@dataclass(frozen=True, slots=True)
class _Pose:
    """How a figure holds its arms and feet; drawn from the seed so takes differ."""

    arm_left: float
    elbow_left: float
    arm_right: float
    elbow_right: float
    stance: float


@dataclass(frozen=True, slots=True)
class _Tag:
    """A paper label to letter once the light is done, so names stay readable at night."""

    text: str
    x: int
    y: int


class PrevizBackend(ImageBackend):
    """Storyboard panels drawn with Pillow: instant, free, and clearly not final pictures."""

    name = "previz"
    model_id = "previz-1"
    device_class = "cpu"

    def text_to_image(
        self, spec: FrameSpec, seed: int, progress: Progress | None = None
    ) -> Image.Image:
        """A storyboard panel for the spec; the same spec and seed give the same pixels."""
        return _draw_panel(spec, seed, progress, _STAGES)

    def image_to_image(
        self,
        parent: Image.Image,
        spec: FrameSpec,
        strength: float,
        seed: int,
        progress: Progress | None = None,
    ) -> Image.Image:
        """The panel redrawn from the changed spec, blended over the parent with alpha `strength`.

        Previz has no latent to nudge, so a change of time of day or framing is a redraw; strength
        1 gives the redraw, 0 the parent, and between them a cross-fade at the parent's size.
        """
        if not 0.0 <= strength <= 1.0:
            raise InvalidInput(f"strength must be between 0 and 1, got {strength}")
        redrawn = _draw_panel(_sized_like(spec, parent), seed, progress, _STAGES + 1)
        blended = Image.blend(parent.convert("RGB"), redrawn, strength)
        if progress is not None:
            progress(_STAGES + 1, _STAGES + 1)
        return blended

    def inpaint(
        self,
        parent: Image.Image,
        mask: Image.Image,
        spec: FrameSpec,
        seed: int,
        progress: Progress | None = None,
    ) -> Image.Image:
        """The parent with the white part of the mask replaced by a fresh panel for the spec."""
        if mask.size != parent.size:
            raise InvalidInput(
                f"the mask is {mask.width}x{mask.height} but the frame is "
                f"{parent.width}x{parent.height}; they must match"
            )
        redrawn = _draw_panel(_sized_like(spec, parent), seed, progress, _STAGES + 1)
        painted = Image.composite(redrawn, parent.convert("RGB"), mask.convert("L"))
        if progress is not None:
            progress(_STAGES + 1, _STAGES + 1)
        return painted


def _sized_like(spec: FrameSpec, parent: Image.Image) -> FrameSpec:
    """The spec at the parent's size, because an edit never changes a frame's dimensions."""
    return replace(spec, width=parent.width, height=parent.height)


def _draw_panel(spec: FrameSpec, seed: int, progress: Progress | None, total: int) -> Image.Image:
    """The whole panel: picture, border and caption, reporting each stage of `total`."""
    if spec.width < 512 or spec.height < 160:
        raise InvalidInput(
            f"previz frames must be at least 512x160 pixels, got {spec.width}x{spec.height}"
        )
    rng = random.Random(seed)
    light = _LIGHTS[_time_of_day(spec.time_of_day)]
    margin = max(6, round(spec.width * 0.012))
    caption_height = max(48, round(spec.height * 0.12))
    picture_size = (spec.width - 2 * margin, spec.height - caption_height - margin)

    picture = _draw_picture(spec, picture_size, light, rng, progress, total)

    panel = Image.new("RGB", (spec.width, spec.height), _PAPER)
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
        outline=_INK,
        width=border,
    )
    draw.rectangle((0, 0, spec.width - 1, spec.height - 1), outline=(190, 184, 170), width=1)
    _draw_caption(
        draw,
        spec,
        (margin, margin + picture.height + border, spec.width - margin, spec.height),
        caption_height,
    )
    if progress is not None:
        progress(_STAGES, total)
    return panel


def _draw_picture(
    spec: FrameSpec,
    size: tuple[int, int],
    light: _Light,
    rng: random.Random,
    progress: Progress | None,
    total: int,
) -> Image.Image:
    """The picture inside the panel border, drawn back to front."""
    width, height = size
    angle = spec.angle if spec.angle in _CAMERA_HEIGHT else "eye-level"
    horizon = round(height * (_HORIZON[angle] + rng.uniform(-0.03, 0.03)))
    stage = _Stage(
        width,
        height,
        horizon,
        round(width * (0.5 + rng.uniform(-0.12, 0.12))),
        _CAMERA_HEIGHT[angle],
    )
    words = set(re.findall(r"[A-Z]+", (spec.location or spec.heading).upper()))
    words |= {word[:-1] for word in words if word.endswith("S")}

    picture = Image.new("RGB", size, light.sky_horizon)
    if _is_interior(spec):
        backdrop = _draw_interior(picture, stage, light, words, rng)
    else:
        backdrop = _draw_exterior(picture, stage, light, words, rng)
    if progress is not None:
        progress(1, total)

    picture, tags = _draw_cast(picture, spec, stage, backdrop, light, angle, rng)
    if progress is not None:
        progress(2, total)

    if backdrop.pools:
        _apply_light_pools(picture, backdrop.pools)
    picture = _vignette(picture)
    draw = ImageDraw.Draw(picture)
    label_size = max(11, round(height * 0.032))
    label_font = _font(label_size, bold=True)
    taken: list[tuple[int, int, int, int]] = []
    for tag in tags:
        taken.append(_draw_tag(draw, tag, label_font, max(2, round(label_size * 0.3)), size, taken))
    _draw_props(draw, spec.props, label_font, size)
    if progress is not None:
        progress(3, total)
    return picture


def _time_of_day(time_of_day: str | None) -> str:
    """The light for the heading's time of day; CONTINUOUS, LATER and unknown read as day."""
    text = (time_of_day or "").upper()
    if any(word in text for word in ("DAWN", "SUNRISE", "DAYBREAK", "FIRST LIGHT")):
        return "dawn"
    if any(word in text for word in ("DUSK", "SUNSET", "EVENING", "TWILIGHT", "MAGIC HOUR")):
        return "dusk"
    if "NIGHT" in text:
        return "night"
    if any(word in text for word in ("DAY", "MORNING", "NOON", "AFTERNOON")):
        return "day"
    return "neutral"


def _is_interior(spec: FrameSpec) -> bool:
    """Whether to draw a room; INT/EXT (usually a car) reads as outside."""
    prefix = (spec.int_ext or spec.heading).strip().upper()
    return prefix.startswith("INT") and re.match(r"INT\.?\s*/", prefix) is None


def _lit(colour: RGB, light: _Light, shade: float = 1.0) -> RGB:
    """A surface colour under the time of day's light, so night reads dark and blue."""
    r, g, b = (min(255, round(c * t * shade)) for c, t in zip(colour, light.tint, strict=True))
    return (r, g, b)


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    """A colour `t` of the way from a to b, for haze and reflections."""
    r, g, bl = (round(x + (y - x) * t) for x, y in zip(a, b, strict=True))
    return (r, g, bl)


def _gradient(size: tuple[int, int], top: RGB, bottom: RGB) -> Image.Image:
    """A vertical gradient, the base of skies, water and windows."""
    width, height = size
    t = np.linspace(0.0, 1.0, max(height, 1), dtype=np.float32)[:, None, None] ** 0.8
    rows = np.asarray(top, np.float32) + (np.asarray(bottom, np.float32) - top) * t
    pixels = np.broadcast_to(rows, (max(height, 1), width, 3)).round().astype(np.uint8)
    return Image.fromarray(np.ascontiguousarray(pixels), "RGB")


# --- exteriors -----------------------------------------------------------------------------


def _draw_exterior(
    picture: Image.Image, stage: _Stage, light: _Light, words: set[str], rng: random.Random
) -> _Backdrop:
    """Sky, horizon and ground with the motifs the location's words ask for."""
    width, height, horizon = stage.width, stage.height, stage.horizon
    draw = ImageDraw.Draw(picture)
    sun_x = round(width * rng.uniform(0.12, 0.88))
    if horizon > 0:
        picture.paste(_gradient((width, horizon), light.sky_top, light.sky_horizon), (0, 0))
        _draw_sky(picture, (0, 0, width, horizon), light, sun_x, rng)

    backdrop = _Backdrop(floor_y=horizon + round(height * 0.04), sun_x=sun_x)
    water = bool(words & _WATER_WORDS)
    city = bool(words & _CITY_WORDS)
    if city:
        _draw_skyline(draw, stage, light, rng)
    elif not water:
        _draw_hills(draw, stage, light, rng)

    ground = (214, 196, 152) if water else (150, 146, 138) if city else (104, 134, 80)
    far_ground = _mix(_lit(ground, light), _lit(light.sky_horizon, light), 0.45)
    if horizon < height:
        picture.paste(
            _gradient((width, height - horizon), far_ground, _lit(ground, light, 0.82)),
            (0, horizon),
        )
    draw.line((0, horizon, width, horizon), fill=_mix(far_ground, _INK, 0.3), width=1)

    if water:
        backdrop.floor_y = _draw_water(picture, stage, light, sun_x, rng)
    if not city:
        _draw_ground_marks(draw, stage, backdrop.floor_y, _lit(ground, light, 0.7), rng)
    if "LIGHTHOUSE" in words:
        _draw_lighthouse(picture, stage, light, backdrop, rng)
    if words & _TREE_WORDS:
        _draw_trees(draw, stage, light, rng)
    if words & _ROAD_WORDS:
        _draw_road(draw, stage, light, backdrop, rng)
    elif light.night and not water:
        _draw_lamp_post(
            draw,
            stage,
            light,
            backdrop,
            round(width * rng.choice((0.12, 0.88))),
            backdrop.floor_y + round((height - backdrop.floor_y) * 0.3),
        )
    return backdrop


def _draw_sky(
    picture: Image.Image,
    box: tuple[int, int, int, int],
    light: _Light,
    sun_x: int,
    rng: random.Random,
) -> None:
    """Sun, moon, stars and clouds in a sky box (a whole sky or a window's)."""
    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0
    draw = ImageDraw.Draw(picture)
    if light.night:
        for _ in range(int(width * height / 900)):
            x, y = x0 + rng.uniform(0, width), y0 + rng.uniform(0, height * 0.85)
            level = rng.randint(120, 255)
            radius = rng.choice((0.5, 0.5, 0.5, 1.0))
            draw.ellipse(
                (x - radius, y - radius, x + radius, y + radius),
                fill=(level, level, min(255, level + 20)),
            )
        moon_r = max(4, round(min(width, height * 2) * 0.035))
        mx, my = x0 + round(width * rng.uniform(0.15, 0.85)), y0 + round(height * 0.3)
        _glow(picture, (mx, my), moon_r * 5, (90, 110, 160), 0.5)
        draw.ellipse((mx - moon_r, my - moon_r, mx + moon_r, my + moon_r), fill=(236, 234, 214))
        draw.ellipse(
            (mx - moon_r * 0.4, my - moon_r * 0.2, mx - moon_r * 0.05, my + moon_r * 0.15),
            fill=(214, 212, 196),
        )
        return
    if light.sun is not None:
        sun_y = y1 - round(height * light.sun_height)
        sun_r = max(5, round(min(width, height * 2) * (0.05 if light.sun_height < 0.3 else 0.03)))
        _glow(picture, (sun_x, sun_y), sun_r * 7, light.sun, 0.75)
        draw.ellipse((sun_x - sun_r, sun_y - sun_r, sun_x + sun_r, sun_y + sun_r), fill=light.sun)
    if light.clouds is not None:
        mask = Image.new("L", (width, height), 0)
        cloud_draw = ImageDraw.Draw(mask)
        for _ in range(rng.randint(3, 5)):
            cx, cy = rng.uniform(0, width), rng.uniform(height * 0.12, height * 0.7)
            scale = rng.uniform(0.05, 0.1) * width
            for _ in range(rng.randint(4, 7)):
                dx, dy = rng.uniform(-1.4, 1.4) * scale, rng.uniform(-0.25, 0.2) * scale
                rx, ry = rng.uniform(0.45, 0.8) * scale, rng.uniform(0.18, 0.32) * scale
                cloud_draw.ellipse(
                    (cx + dx - rx, cy + dy - ry, cx + dx + rx, cy + dy + ry), fill=200
                )
        mask = mask.filter(ImageFilter.GaussianBlur(max(1.0, width / 400)))
        picture.paste(light.clouds, (x0, y0, x1, y1), mask)


def _glow(
    picture: Image.Image, centre: tuple[int, int], radius: int, colour: RGB, strength: float
) -> None:
    """A soft halo around a sun, moon or lamp."""
    x, y = centre
    box = (
        max(0, x - radius),
        max(0, y - radius),
        min(picture.width, x + radius),
        min(picture.height, y + radius),
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


def _draw_hills(
    draw: ImageDraw.ImageDraw, stage: _Stage, light: _Light, rng: random.Random
) -> None:
    """Hazy hills on the horizon, so an open exterior has depth."""
    for layer, haze in ((0, 0.65), (1, 0.4)):
        points = [(0.0, float(stage.horizon))]
        steps = 10
        for i in range(steps + 1):
            rise = rng.uniform(0.02, 0.09 - 0.03 * layer) * stage.height
            points.append((stage.width * i / steps, stage.horizon - rise))
        points.append((float(stage.width), float(stage.horizon)))
        colour = _mix(_lit((84, 112, 80), light), _lit(light.sky_horizon, light), haze)
        draw.polygon(_smooth(points), fill=colour)


def _smooth(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A ridge line with its corners cut, so hills roll instead of zig-zagging."""
    smoothed = [points[0]]
    for (xa, ya), (xb, yb) in zip(points, points[1:], strict=False):
        smoothed += [
            (xa * 0.75 + xb * 0.25, ya * 0.75 + yb * 0.25),
            (xa * 0.25 + xb * 0.75, ya * 0.25 + yb * 0.75),
        ]
    return [*smoothed, points[-1]]


def _draw_skyline(
    draw: ImageDraw.ImageDraw, stage: _Stage, light: _Light, rng: random.Random
) -> None:
    """Buildings along the horizon, windows lit at night."""
    x = -rng.uniform(0, 30)
    body = _mix(_lit((96, 100, 112), light), _lit(light.sky_horizon, light), 0.35)
    unit = stage.height * 0.02
    while x < stage.width:
        wide = rng.uniform(0.06, 0.14) * stage.width
        tall = rng.uniform(0.1, 0.36) * stage.height
        top = stage.horizon - tall
        shade = rng.uniform(0.85, 1.05)
        draw.rectangle(
            (x, top, x + wide - 2, stage.horizon),
            fill=tuple(min(255, round(c * shade)) for c in body),
        )
        for wy in np.arange(top + unit, stage.horizon - unit, unit * 1.8):
            for wx in np.arange(x + unit * 0.6, x + wide - unit * 1.2, unit * 1.4):
                if light.night:
                    colour = (255, 210, 130) if rng.random() < 0.35 else _mix(body, _INK, 0.3)
                else:
                    colour = _mix(body, _lit(light.sky_horizon, light), 0.35)
                draw.rectangle((wx, wy, wx + unit * 0.6, wy + unit * 0.8), fill=colour)
        x += wide


def _draw_water(
    picture: Image.Image, stage: _Stage, light: _Light, sun_x: int, rng: random.Random
) -> int:
    """Sea from the horizon to a shoreline, with waves and the sun's (or moon's) glitter path."""
    width, height, horizon = stage.width, stage.height, stage.horizon
    shore = horizon + round((height - horizon) * 0.38)
    deep = _lit((36, 84, 120), light)
    far = _mix(_lit(light.sky_horizon, light, 0.95), deep, 0.35)
    if shore > horizon:
        picture.paste(_gradient((width, shore - horizon), far, deep), (0, horizon))
    draw = ImageDraw.Draw(picture)
    crest = _mix(deep, (255, 255, 255), 0.35)
    for _ in range(60):
        y = rng.uniform(horizon + 2, shore - 2)
        depth = (y - horizon) / max(1, shore - horizon)
        x = rng.uniform(0, width)
        length = (4 + 26 * depth) * width / 768
        draw.line((x, y, x + length, y), fill=crest, width=1)
    glitter = light.sun if light.sun is not None else (200, 210, 230) if light.night else None
    if glitter is not None:
        for _ in range(40):
            y = rng.uniform(horizon + 2, shore - 2)
            depth = (y - horizon) / max(1, shore - horizon)
            x = sun_x + rng.gauss(0, 6 + 40 * depth)
            draw.line((x, y, x + 3 + 12 * depth, y), fill=glitter, width=1)
    foam = _mix(_lit((240, 240, 236), light), deep, 0.15)
    points = [(x, shore + math.sin(x / 23.0 + rng.random()) * 2.0) for x in range(0, width + 8, 8)]
    draw.line(points, fill=foam, width=max(2, round(height / 160)))
    return shore + round(height * 0.03)


def _draw_ground_marks(
    draw: ImageDraw.ImageDraw, stage: _Stage, from_y: int, colour: RGB, rng: random.Random
) -> None:
    """Tufts and pebbles that grow with nearness, so open ground reads as a receding plane."""
    depth = stage.height - from_y
    if depth <= 0:
        return
    for _ in range(90):
        y = from_y + depth * rng.random() ** 0.7
        near = (y - stage.horizon) / max(1, stage.height - stage.horizon)
        x, length = rng.uniform(0, stage.width), 2 + 14 * near * stage.width / 768
        draw.line((x, y, x + length, y - length * rng.uniform(0.0, 0.3)), fill=colour, width=1)


def _draw_lighthouse(
    picture: Image.Image, stage: _Stage, light: _Light, backdrop: _Backdrop, rng: random.Random
) -> None:
    """A striped tower on a headland, its beam sweeping at night."""
    draw = ImageDraw.Draw(picture)
    side = rng.choice((0.18, 0.82))
    x = round(stage.width * (side + rng.uniform(-0.04, 0.04)))
    tower = max(stage.horizon * 0.55, stage.height * 0.22)
    base = stage.horizon - stage.height * 0.03
    rock = _mix(_lit((86, 80, 74), light), _lit(light.sky_horizon, light), 0.3)
    land = stage.width * 0.16
    draw.polygon(
        [
            (x - land, stage.horizon),
            (x - land * 0.5, base + 2),
            (x + land * 0.4, base),
            (x + land, stage.horizon),
        ],
        fill=rock,
    )
    bottom_half, top_half = tower * 0.1, tower * 0.065
    top = base - tower

    def half_width(y: float) -> float:
        """The tapering tower's half width at height y."""
        return bottom_half + (top_half - bottom_half) * (base - y) / tower

    white, red = _lit((236, 232, 224), light), _lit((178, 54, 48), light)
    draw.polygon(
        [
            (x - bottom_half, base),
            (x + bottom_half, base),
            (x + top_half, top),
            (x - top_half, top),
        ],
        fill=white,
        outline=_INK,
    )
    for band in (0.18, 0.5):
        y_low, y_high = base - tower * band, base - tower * (band + 0.16)
        draw.polygon(
            [
                (x - half_width(y_low), y_low),
                (x + half_width(y_low), y_low),
                (x + half_width(y_high), y_high),
                (x - half_width(y_high), y_high),
            ],
            fill=red,
        )
    draw.rectangle((x - top_half * 1.5, top - 3, x + top_half * 1.5, top), fill=_INK)
    lantern = (255, 236, 160) if light.night else _lit((200, 214, 220), light)
    room = top_half * 1.6
    draw.rectangle((x - top_half, top - room, x + top_half, top - 3), fill=lantern, outline=_INK)
    draw.polygon(
        [(x - top_half * 1.3, top - room), (x + top_half * 1.3, top - room), (x, top - room * 1.9)],
        fill=_lit((120, 40, 36), light),
        outline=_INK,
    )
    if light.night:
        beam_y = top - room / 2
        mask = Image.new("L", picture.size, 0)
        direction = -1 if side > 0.5 else 1
        reach = stage.width * 0.9
        ImageDraw.Draw(mask).polygon(
            [
                (x, beam_y - 2),
                (x + direction * reach, beam_y - stage.height * 0.12),
                (x + direction * reach, beam_y + stage.height * 0.06),
                (x, beam_y + 2),
            ],
            fill=90,
        )
        picture.paste((255, 240, 190), (0, 0), mask.filter(ImageFilter.GaussianBlur(6)))
        _glow(picture, (x, round(beam_y)), round(room * 4), (255, 236, 170), 0.8)


def _draw_trees(
    draw: ImageDraw.ImageDraw, stage: _Stage, light: _Light, rng: random.Random
) -> None:
    """A far tree line and a few near trees cut by the frame edge."""
    far = _mix(_lit((46, 84, 58), light), _lit(light.sky_horizon, light), 0.35)
    x = 0.0
    while x < stage.width:
        tall = rng.uniform(0.05, 0.13) * stage.height
        half = tall * 0.3
        draw.polygon(
            [
                (x - half, stage.horizon + 1),
                (x + half, stage.horizon + 1),
                (x, stage.horizon - tall),
            ],
            fill=far,
        )
        x += rng.uniform(0.3, 0.8) * half
    near = _lit((38, 70, 44), light)
    trunk = _lit((84, 60, 42), light)
    for side in (rng.uniform(0.02, 0.12), rng.uniform(0.88, 0.98)):
        feet = stage.height * rng.uniform(0.86, 0.98)
        tall = (feet - stage.horizon) * 9.0 / stage.camera_height
        cx = stage.width * side
        half = tall * 0.16
        draw.rectangle((cx - half * 0.07, feet - tall * 0.25, cx + half * 0.07, feet), fill=trunk)
        for tier in range(4):
            low = feet - tall * (0.18 + tier * 0.2)
            draw.polygon(
                [
                    (cx - half * (1 - tier * 0.18), low),
                    (cx + half * (1 - tier * 0.18), low),
                    (cx, low - tall * 0.32),
                ],
                fill=near,
                outline=_mix(near, _INK, 0.5),
            )


def _draw_road(
    draw: ImageDraw.ImageDraw, stage: _Stage, light: _Light, backdrop: _Backdrop, rng: random.Random
) -> None:
    """A road running to the vanishing point, with lane dashes and street lamps."""
    vx, horizon, width, height = stage.vanish_x, stage.horizon, stage.width, stage.height
    near_half = width * 0.62
    asphalt = _lit((72, 72, 76), light)
    draw.polygon(
        [
            (vx - 2, horizon),
            (vx + 2, horizon),
            (vx + near_half, height + 40),
            (vx - near_half, height + 40),
        ],
        fill=asphalt,
    )
    edge = _lit((214, 210, 196), light)
    for sign in (-1, 1):
        draw.line((vx, horizon, vx + sign * near_half * 0.92, height + 40), fill=edge, width=2)
    dash = _lit((236, 206, 96), light)
    depth = height + 40 - horizon
    for i in range(1, 14, 2):
        y_a, y_b = horizon + depth * (i / 14) ** 2.2, horizon + depth * ((i + 0.8) / 14) ** 2.2
        wide = 1 + 5 * (y_a - horizon) / depth
        draw.polygon(
            [(vx - wide * 0.4, y_a), (vx + wide * 0.4, y_a), (vx + wide, y_b), (vx - wide, y_b)],
            fill=dash,
        )
    side = rng.choice((-1, 1))
    for t in (0.12, 0.3, 0.62):
        feet = horizon + (height - horizon) * t
        x = vx + side * near_half * 0.98 * (feet - horizon) / depth
        _draw_lamp_post(draw, stage, light, backdrop, round(x), round(feet))


def _draw_lamp_post(
    draw: ImageDraw.ImageDraw, stage: _Stage, light: _Light, backdrop: _Backdrop, x: int, feet: int
) -> None:
    """A street lamp standing at (x, feet) in perspective; at night it lights a pool."""
    tall = (feet - stage.horizon) * 4.5 / stage.camera_height
    if tall < 4:
        return
    pole = max(1, round(tall * 0.02))
    head_y = feet - tall
    arm = tall * 0.14 * (1 if x < stage.vanish_x else -1)
    colour = _mix(_lit((60, 62, 66), light), _INK, 0.3)
    draw.line((x, feet, x, head_y), fill=colour, width=pole)
    draw.line((x, head_y, x + arm, head_y), fill=colour, width=pole)
    lamp = _LAMP if light.night else _lit((230, 230, 220), light)
    draw.ellipse((x + arm - pole * 2.5, head_y, x + arm + pole * 2.5, head_y + pole * 3), fill=lamp)
    if light.night:
        backdrop.pools.append((round(x + arm), round(head_y + tall * 0.5), round(tall * 0.6)))


# --- interiors -----------------------------------------------------------------------------


def _draw_interior(
    picture: Image.Image, stage: _Stage, light: _Light, words: set[str], rng: random.Random
) -> _Backdrop:
    """A room in one-point perspective: back wall with a window and a door, floor, ceiling."""
    width, height, horizon, vx = stage.width, stage.height, stage.horizon, stage.vanish_x
    draw = ImageDraw.Draw(picture)
    floor_y = horizon + round((height - horizon) * 0.3)
    camera = stage.camera_height
    ceiling_y = horizon - round((floor_y - horizon) * (2.7 - camera) / camera)
    half = round(width * 0.3)
    left, right = vx - half, vx + half

    def far(x: float, y: float) -> tuple[float, float]:
        """A point pushed out along its ray from the vanishing point, past the frame's edge."""
        return (vx + (x - vx) * 12, horizon + (y - horizon) * 12)

    wall = _lit((224, 208, 182), light)
    line = _mix(wall, _INK, 0.45)
    draw.rectangle((0, 0, width, height), fill=_lit((224, 208, 182), light, 0.84))
    draw.polygon(
        [(left, ceiling_y), (right, ceiling_y), far(right, ceiling_y), far(left, ceiling_y)],
        fill=_lit((236, 230, 218), light, 0.92),
    )
    floor = _lit((146, 104, 70), light)
    draw.polygon(
        [(left, floor_y), (right, floor_y), far(right, floor_y), far(left, floor_y)], fill=floor
    )
    for i in range(-5, 6):
        x = vx + i * half / 5
        draw.line(((x, floor_y), far(x, floor_y)), fill=_mix(floor, _INK, 0.4), width=1)
    draw.rectangle((left, ceiling_y, right, floor_y), fill=wall)
    for corner in ((left, ceiling_y), (right, ceiling_y), (left, floor_y), (right, floor_y)):
        draw.line((corner, far(*corner)), fill=line, width=2)
    draw.rectangle((left, ceiling_y, right, floor_y), outline=line, width=2)
    draw.rectangle(
        (left, floor_y - (floor_y - ceiling_y) * 0.04, right, floor_y), fill=_mix(wall, _INK, 0.25)
    )

    wall_height = floor_y - ceiling_y
    window_side = rng.choice((-1, 1))
    window_x = vx + window_side * half * rng.uniform(0.3, 0.5)
    window_half = half * 0.24
    window = (
        round(window_x - window_half),
        round(ceiling_y + wall_height * 0.16),
        round(window_x + window_half),
        round(floor_y - wall_height * 0.36),
    )
    sun_x = round(window_x + rng.uniform(-1, 1) * window_half)
    _draw_window(picture, window, light, words, sun_x, rng)
    door_x = vx - window_side * half * rng.uniform(0.45, 0.7)
    door_half = half * 0.13
    door = (door_x - door_half, floor_y - wall_height * 0.74, door_x + door_half, floor_y)
    draw.rectangle(door, fill=_lit((122, 84, 56), light), outline=line, width=3)
    draw.rectangle(
        (door[0] + 4, door[1] + 4, door[2] - 4, door[1] + wall_height * 0.3),
        outline=_mix(_lit((122, 84, 56), light), _INK, 0.35),
        width=1,
    )
    knob_x = door[0] + door_half * 0.35 if window_side > 0 else door[2] - door_half * 0.35
    knob_y = floor_y - wall_height * 0.36
    draw.ellipse((knob_x - 2, knob_y - 2, knob_x + 2, knob_y + 2), fill=_lit((210, 180, 90), light))

    backdrop = _Backdrop(floor_y=floor_y + round(height * 0.04), sun_x=sun_x)
    if not light.night:
        mask = Image.new("L", picture.size, 0)
        reach = (height - floor_y) * 0.7
        drift = (window_x - vx) * 0.6
        ImageDraw.Draw(mask).polygon(
            [
                (window[0], floor_y + 2),
                (window[2], floor_y + 2),
                (window[2] + drift + window_half, floor_y + reach),
                (window[0] + drift - window_half, floor_y + reach),
            ],
            fill=60 if light.sun is not None else 30,
        )
        picture.paste(
            _lit((255, 240, 210), light), (0, 0), mask.filter(ImageFilter.GaussianBlur(8))
        )

    metre = (floor_y - horizon) / camera
    if "BEDROOM" in words:
        _draw_bed(draw, stage, light, floor_y, (window_x - vx) / metre)
    elif words & _TABLE_WORDS:
        _draw_table(draw, stage, light, floor_y, window_side * 1.2)
    if light.night:
        lamp_x = round(vx - window_side * half * 0.9)
        _draw_floor_lamp(draw, stage, light, backdrop, lamp_x, floor_y + 4)
    return backdrop


def _draw_window(
    picture: Image.Image,
    box: tuple[int, int, int, int],
    light: _Light,
    words: set[str],
    sun_x: int,
    rng: random.Random,
) -> None:
    """A window onto the time of day: its sky, a far horizon (sea or hills), frame and curtains."""
    x0, y0, x1, y1 = box
    if x1 - x0 < 6 or y1 - y0 < 6:
        return
    outside_horizon = y0 + round((y1 - y0) * 0.7)
    picture.paste(
        _gradient((x1 - x0, outside_horizon - y0), light.sky_top, light.sky_horizon), (x0, y0)
    )
    _draw_sky(picture, (x0, y0, x1, outside_horizon), light, sun_x, rng)
    draw = ImageDraw.Draw(picture)
    below = (36, 84, 120) if words & _WATER_WORDS else (84, 112, 80)
    draw.rectangle(
        (x0, outside_horizon, x1, y1),
        fill=_mix(_lit(below, light), _lit(light.sky_horizon, light), 0.3),
    )
    frame = _lit((240, 236, 226), light)
    draw.rectangle(box, outline=frame, width=4)
    draw.line(((x0 + x1) / 2, y0, (x0 + x1) / 2, y1), fill=frame, width=3)
    draw.line((x0, (y0 + y1) / 2, x1, (y0 + y1) / 2), fill=frame, width=3)
    draw.rectangle(box, outline=_INK, width=1)
    draw.rectangle((x0 - 6, y1, x1 + 6, y1 + 5), fill=frame, outline=_INK)
    curtain = _lit((150, 70, 64), light)
    width = (x1 - x0) * 0.22
    for cx0 in (x0 - width * 0.6, x1 - width * 0.4):
        draw.rectangle(
            (cx0, y0 - 6, cx0 + width, y1 + 12), fill=curtain, outline=_mix(curtain, _INK, 0.4)
        )
        for fold in (0.33, 0.66):
            draw.line(
                (cx0 + width * fold, y0, cx0 + width * fold, y1 + 10),
                fill=_mix(curtain, _INK, 0.3),
                width=1,
            )
    draw.line((x0 - width, y0 - 7, x1 + width, y0 - 7), fill=_INK, width=2)


def _room_point(
    stage: _Stage, floor_y: float, across: float, up: float, depth: float
) -> tuple[float, float]:
    """Where a point of the room lands, in metres across, up and in from the camera; the back
    wall stands `_ROOM_DEPTH` metres away with its foot at `floor_y`."""
    metre = (floor_y - stage.horizon) / stage.camera_height * _ROOM_DEPTH / depth
    return (stage.vanish_x + across * metre, stage.horizon + (stage.camera_height - up) * metre)


def _draw_table(
    draw: ImageDraw.ImageDraw, stage: _Stage, light: _Light, floor_y: float, across: float
) -> None:
    """A table standing in the room in perspective, for kitchens, diners and offices."""
    back, front = _ROOM_DEPTH - 1.6, _ROOM_DEPTH - 2.4
    wood, dark = _lit((170, 120, 80), light), _lit((112, 76, 50), light)
    for leg_across in (across - 0.7, across + 0.7):
        for depth in (back, front):
            foot, knee = (_room_point(stage, floor_y, leg_across, up, depth) for up in (0, 0.75))
            draw.line((foot, knee), fill=dark, width=max(2, round((foot[1] - knee[1]) * 0.06)))
    corners = [
        _room_point(stage, floor_y, across + dx, 0.75, depth)
        for dx, depth in ((-0.75, back), (0.75, back), (0.75, front), (-0.75, front))
    ]
    draw.polygon(corners, fill=wood, outline=_INK)
    apron = (
        *_room_point(stage, floor_y, across - 0.75, 0.75, front),
        *_room_point(stage, floor_y, across + 0.75, 0.68, front),
    )
    draw.rectangle(apron, fill=dark, outline=_INK)


def _draw_bed(
    draw: ImageDraw.ImageDraw, stage: _Stage, light: _Light, floor_y: float, across: float
) -> None:
    """A bed with its head against the back wall, under the window."""
    head, foot = _ROOM_DEPTH, _ROOM_DEPTH - 2.0
    wood, sheet = _lit((110, 80, 60), light), _lit((236, 232, 224), light)
    blanket = _lit((96, 120, 150), light)
    draw.rectangle(
        (
            *_room_point(stage, floor_y, across - 0.85, 1.1, head),
            *_room_point(stage, floor_y, across + 0.85, 0, head),
        ),
        fill=wood,
        outline=_INK,
    )
    top = [
        _room_point(stage, floor_y, across + dx, 0.55, depth)
        for dx, depth in ((-0.8, head), (0.8, head), (0.8, foot), (-0.8, foot))
    ]
    draw.polygon(top, fill=sheet, outline=_INK)
    cover = [
        _room_point(stage, floor_y, across + dx, 0.56, depth)
        for dx, depth in ((-0.8, head - 0.6), (0.8, head - 0.6), (0.8, foot), (-0.8, foot))
    ]
    draw.polygon(cover, fill=blanket, outline=_INK)
    draw.rectangle(
        (
            *_room_point(stage, floor_y, across - 0.8, 0.55, foot),
            *_room_point(stage, floor_y, across + 0.8, 0.1, foot),
        ),
        fill=_mix(blanket, _INK, 0.25),
        outline=_INK,
    )
    pillow = (
        *_room_point(stage, floor_y, across - 0.55, 0.7, head - 0.1),
        *_room_point(stage, floor_y, across + 0.55, 0.55, head - 0.3),
    )
    draw.rounded_rectangle(pillow, radius=3, fill=sheet, outline=_INK)


def _draw_floor_lamp(
    draw: ImageDraw.ImageDraw, stage: _Stage, light: _Light, backdrop: _Backdrop, x: int, feet: int
) -> None:
    """A standing lamp by the back wall: the practical that lights a room at night."""
    metre = (feet - stage.horizon) / stage.camera_height
    shade_y = feet - metre * 1.5
    draw.line((x, feet, x, shade_y), fill=_INK, width=max(1, round(metre * 0.03)))
    draw.ellipse(
        (x - metre * 0.15, feet - metre * 0.04, x + metre * 0.15, feet + metre * 0.02), fill=_INK
    )
    draw.polygon(
        [
            (x - metre * 0.14, shade_y - metre * 0.3),
            (x + metre * 0.14, shade_y - metre * 0.3),
            (x + metre * 0.24, shade_y),
            (x - metre * 0.24, shade_y),
        ],
        fill=_LAMP,
        outline=_INK,
    )
    backdrop.pools.append((x, round(shade_y), round(stage.width * 0.34)))


# --- cast ----------------------------------------------------------------------------------


def _draw_cast(
    picture: Image.Image,
    spec: FrameSpec,
    stage: _Stage,
    backdrop: _Backdrop,
    light: _Light,
    angle: str,
    rng: random.Random,
) -> tuple[Image.Image, list[_Tag]]:
    """The characters placed by framing; returns the picture (close framings blur it) and tags."""
    framing = spec.framing if spec.framing in FRAMINGS else "medium"
    characters = spec.characters
    tags: list[_Tag] = []
    width, height = stage.width, stage.height
    head = _HEAD_FRACTION[angle]

    if framing == "wide":
        draw = ImageDraw.Draw(picture)
        for character, x, feet, tall in _place_standing(characters[:6], stage, backdrop, rng):
            _draw_shadow(picture, x, feet, tall, backdrop.sun_x, light)
            _draw_figure(draw, x, feet - tall, tall, _look(character), _pose(rng), head, light)
            below = feet + tall * 0.04
            tags.append(
                _Tag(
                    character.name, x, round(below if below < height * 0.94 else feet - tall * 1.1)
                )
            )
        return picture, tags

    if framing == "medium":
        shown = characters[:3]
        top = height * (
            {"eye-level": 0.17, "low": 0.1, "high": 0.26}[angle] + rng.uniform(-0.03, 0.03)
        )
        tall = (height * 1.02 - top) / 0.44
        tall = min(tall, width / (2.4 * max(1, len(shown))) / head)
        placed = []
        for i, x in enumerate(_spread(len(shown), width, 0.36, rng)):
            scale = 1.0 if i == 0 else rng.uniform(0.86, 0.98)
            placed.append((scale, shown[i], x))
        draw = ImageDraw.Draw(picture)
        for scale, character, x in sorted(placed, key=lambda item: item[0]):
            body = tall * scale
            figure_top = height * 1.02 - body * 0.44
            _draw_figure(draw, x, figure_top, body, _look(character), _pose(rng), head, light)
            tags.append(
                _Tag(character.name, x, round(min(figure_top + body * head * 2.4, height * 0.9)))
            )
        return picture, tags

    if framing == "close-up":
        # the others stay soft in the background, behind a shallow focus
        draw = ImageDraw.Draw(picture)
        for character, x, feet, tall in _place_standing(characters[1:3], stage, backdrop, rng):
            _draw_figure(draw, x, feet - tall, tall, _look(character), _pose(rng), head, light)
        picture = picture.filter(ImageFilter.GaussianBlur(max(2.0, width / 220)))
        if not characters:
            return picture, tags
        draw = ImageDraw.Draw(picture)
        head_height = height * 0.44
        top = height * (
            {"eye-level": 0.12, "low": 0.1, "high": 0.18}[angle] + rng.uniform(-0.03, 0.03)
        )
        x = round(width * (0.5 + rng.uniform(-0.14, 0.14)))
        _draw_figure(
            draw, x, top, head_height / head, _look(characters[0]), _pose(rng), head, light
        )
        tags.append(_Tag(characters[0].name, x, round(height * 0.9)))
        return picture, tags

    # over-the-shoulder: the first character faces camera past the second's shoulder
    picture = picture.filter(ImageFilter.GaussianBlur(max(1.5, width / 380)))
    draw = ImageDraw.Draw(picture)
    side = rng.choice((-1, 1))
    if characters:
        x = round(width * (0.5 + side * rng.uniform(0.12, 0.2)))
        head_height = height * 0.24
        top = height * (
            {"eye-level": 0.18, "low": 0.12, "high": 0.26}[angle] + rng.uniform(-0.03, 0.03)
        )
        _draw_figure(
            draw, x, top, head_height / head, _look(characters[0]), _pose(rng), head, light
        )
        tags.append(_Tag(characters[0].name, x, round(min(top + head_height * 2.5, height * 0.9))))
    listener = characters[1] if len(characters) > 1 else None
    fg_x = round(width * (0.5 - side * rng.uniform(0.3, 0.36)))
    _draw_shoulder(picture, fg_x, side, stage, _look(listener) if listener else None, light)
    if listener is not None:
        tags.append(_Tag(listener.name, fg_x, round(height * 0.9)))
    return picture, tags


def _place_standing(
    characters: Sequence[CharacterInFrame],
    stage: _Stage,
    backdrop: _Backdrop,
    rng: random.Random,
) -> list[tuple[CharacterInFrame, int, float, float]]:
    """Full figures on the ground as (character, x, feet y, height), far ones first."""
    height = stage.height
    target = height * 0.3
    base = stage.horizon + target * stage.camera_height / _PERSON_HEIGHT
    placed = []
    for character, x in zip(
        characters, _spread(len(characters), stage.width, 0.22, rng), strict=True
    ):
        feet = base + rng.uniform(-0.05, 0.05) * height
        feet = min(max(feet, backdrop.floor_y + height * 0.03), height * 0.95)
        tall = min(stage.person_height_at(feet), feet - height * 0.04)
        placed.append((character, x, feet, tall))
    return sorted(placed, key=lambda item: item[2])


def _spread(count: int, width: int, gap: float, rng: random.Random) -> list[int]:
    """Horizontal places for `count` figures: off-centre for one, `gap` of the width apart for
    more (at most 64% of it in all)."""
    if count == 0:
        return []
    if count == 1:
        return [round(width * (0.5 + rng.choice((-1, 1)) * rng.uniform(0.06, 0.18)))]
    spread = min(0.64, gap * (count - 1))
    shift = rng.uniform(-0.06, 0.06)
    return [
        round(
            width
            * (0.5 + shift - spread / 2 + spread * i / (count - 1) + rng.uniform(-0.025, 0.025))
        )
        for i in range(count)
    ]


def _look(character: CharacterInFrame) -> _Look:
    """Colours keyed by a stable hash of the name (not Python's salted hash())."""
    key = zlib.crc32(character.name.strip().upper().encode())
    return _Look(
        _JACKETS[key % len(_JACKETS)],
        _TROUSERS[(key >> 8) % len(_TROUSERS)],
        _HAIR[(key >> 16) % len(_HAIR)],
    )


def _pose(rng: random.Random) -> _Pose:
    """Arms and stance for one figure, so the same cast looks different from seed to seed."""
    return _Pose(
        rng.uniform(4, 28),
        rng.choice((0.0, rng.uniform(10, 80))),
        rng.uniform(4, 28),
        rng.choice((0.0, rng.uniform(10, 80))),
        rng.uniform(0.25, 0.65),
    )


def _draw_figure(
    draw: ImageDraw.ImageDraw,
    x: float,
    top: float,
    tall: float,
    look: _Look,
    pose: _Pose,
    head_fraction: float,
    light: _Light,
) -> None:
    """A storyboard silhouette: plain head (no features), hair, shoulders, arms, legs, inked."""
    hh = tall * head_fraction
    neck_y, waist_y, hip_y, feet_y = (
        top + hh * 1.06,
        top + tall * 0.42,
        top + tall * 0.52,
        top + tall,
    )
    # people stay readable at night: they catch more of the practicals than the set does
    boost = 1.7 if light.night else 1.0
    jacket, trousers = _lit(look.jacket, light, boost), _lit(look.trousers, light, boost)
    sleeve = _mix(jacket, _INK, 0.12)
    skin, hair = _lit(_SKIN, light, boost), _lit(look.hair, light, boost)

    arms = []
    for sign, swing, bend in (
        (-1, pose.arm_left, pose.elbow_left),
        (1, pose.arm_right, pose.elbow_right),
    ):
        shoulder = (x + sign * hh * 0.8, top + hh * 1.45)
        upper, fore = math.radians(swing), math.radians(swing - bend)
        elbow = (
            shoulder[0] + sign * math.sin(upper) * tall * 0.18,
            shoulder[1] + math.cos(upper) * tall * 0.18,
        )
        hand = (
            elbow[0] + sign * math.sin(fore) * tall * 0.16,
            elbow[1] + math.cos(fore) * tall * 0.16,
        )
        arms.append((shoulder, elbow, hand))
    legs = [
        (
            (x + sign * hh * 0.36, hip_y - hh * 0.1),
            (x + sign * hh * pose.stance, feet_y - hh * 0.12),
        )
        for sign in (-1, 1)
    ]
    torso = [
        (x - hh * 0.3, neck_y),
        (x + hh * 0.3, neck_y),
        (x + hh * 0.82, top + hh * 1.26),
        (x + hh * 1.0, top + hh * 1.55),
        (x + hh * 0.66, waist_y),
        (x + hh * 0.74, hip_y),
        (x - hh * 0.74, hip_y),
        (x - hh * 0.66, waist_y),
        (x - hh * 1.0, top + hh * 1.55),
        (x - hh * 0.82, top + hh * 1.26),
    ]
    head_box = (x - hh * 0.4, top, x + hh * 0.4, top + hh)
    face_box = (x - hh * 0.38, top + hh * 0.3, x + hh * 0.38, top + hh)
    neck = (x - hh * 0.19, top + hh * 0.8, x + hh * 0.19, neck_y + hh * 0.1)
    arm_width, leg_width = max(2, round(hh * 0.34)), max(2, round(hh * 0.46))
    ink = max(1, min(4, round(hh * 0.04)))

    # legs, body and head are inked as one silhouette: each part first drawn fatter in ink
    for hip, foot in legs:
        draw.line((hip, foot), fill=_INK, width=leg_width + 2 * ink)
    draw.polygon(torso, fill=_INK)
    draw.line([*torso, torso[0]], fill=_INK, width=2 * ink, joint="curve")
    draw.rectangle((neck[0] - ink, neck[1], neck[2] + ink, neck[3]), fill=_INK)
    draw.ellipse(
        (head_box[0] - ink, head_box[1] - ink, head_box[2] + ink, head_box[3] + ink), fill=_INK
    )
    for hip, foot in legs:
        draw.line((hip, foot), fill=trousers, width=leg_width)
        draw.ellipse(
            (foot[0] - hh * 0.3, foot[1] - hh * 0.08, foot[0] + hh * 0.3, foot[1] + hh * 0.16),
            fill=_INK,
        )
    draw.polygon(torso, fill=jacket)
    draw.line(((x, neck_y + hh * 0.1), (x, hip_y - 2)), fill=_mix(jacket, _INK, 0.35), width=1)
    draw.rectangle(neck, fill=_mix(skin, _INK, 0.15))
    draw.ellipse(head_box, fill=hair)
    draw.ellipse(face_box, fill=skin)
    # arms are inked one by one so they read in front of the body
    for shoulder, elbow, hand in arms:
        draw.line((shoulder, elbow, hand), fill=_INK, width=arm_width + 2 * ink, joint="curve")
        draw.line((shoulder, elbow, hand), fill=sleeve, width=arm_width, joint="curve")
        radius = hh * 0.17
        draw.ellipse(
            (hand[0] - radius, hand[1] - radius, hand[0] + radius, hand[1] + radius),
            fill=skin,
            outline=_INK,
        )


def _draw_shoulder(
    picture: Image.Image, x: int, side: int, stage: _Stage, look: _Look | None, light: _Light
) -> None:
    """The listener's back of head and shoulder, dark and out of focus, framing an OTS shot."""
    width, height = stage.width, stage.height
    layer = Image.new("RGBA", picture.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    jacket = _lit(_mix(look.jacket if look else (80, 80, 90), _INK, 0.6), light)
    hair = _lit(_mix(look.hair if look else (40, 32, 28), _INK, 0.5), light)
    shoulder_x = x + side * width * 0.08
    draw.ellipse(
        (shoulder_x - width * 0.28, height * 0.62, shoulder_x + width * 0.28, height * 1.6),
        fill=(*jacket, 255),
    )
    head_h = height * 0.5
    draw.ellipse(
        (x - head_h * 0.4, height * 0.26, x + head_h * 0.4, height * 0.26 + head_h),
        fill=(*hair, 255),
    )
    layer = layer.filter(ImageFilter.GaussianBlur(max(3.0, width / 110)))
    picture.paste(layer, (0, 0), layer)


def _draw_shadow(
    picture: Image.Image, x: float, feet: float, tall: float, sun_x: int, light: _Light
) -> None:
    """A ground shadow: a pool underfoot by day, long and thrown away from a low sun."""
    mask = Image.new("L", picture.size, 0)
    draw = ImageDraw.Draw(mask)
    spread = tall * 0.16
    draw.ellipse((x - spread, feet - spread * 0.25, x + spread, feet + spread * 0.25), fill=120)
    if light.shadow_length > 0.5:
        away = 1 if x >= sun_x else -1
        reach = tall * light.shadow_length * 0.5
        draw.polygon(
            [
                (x - spread * 0.5, feet),
                (x + spread * 0.5, feet),
                (x + away * reach + spread * 0.3, feet + tall * 0.05),
                (x + away * reach - spread * 0.3, feet + tall * 0.05),
            ],
            fill=100,
        )
    picture.paste(_INK, (0, 0), mask.filter(ImageFilter.GaussianBlur(max(1.0, tall / 60))))


# --- light, props and lettering ------------------------------------------------------------


def _apply_light_pools(picture: Image.Image, pools: list[tuple[int, int, int]]) -> None:
    """Warm light from the practicals (lamps, a lighthouse) over everything they reach."""
    mask = Image.new("L", picture.size, 0)
    draw = ImageDraw.Draw(mask)
    for x, y, radius in pools:
        draw.ellipse(
            (x - radius * 0.6, y - radius * 0.6, x + radius * 0.6, y + radius * 0.6), fill=110
        )
    blurred = mask.filter(ImageFilter.GaussianBlur(max(4, max(r for _, _, r in pools) // 3)))
    picture.paste(_LAMP, (0, 0), blurred)


def _vignette(picture: Image.Image) -> Image.Image:
    """Darkened corners, so the eye goes to the middle as in a lens."""
    width, height = picture.size
    ys = np.linspace(-1.0, 1.0, height, dtype=np.float32)[:, None]
    xs = np.linspace(-1.0, 1.0, width, dtype=np.float32)[None, :]
    falloff = 1.0 - 0.22 * np.clip(xs * xs * 0.7 + ys * ys * 0.7, 0.0, 1.0) ** 1.5
    pixels = np.asarray(picture, np.float32) * falloff[:, :, None]
    return Image.fromarray(pixels.astype(np.uint8), "RGB")


def _draw_tag(
    draw: ImageDraw.ImageDraw,
    tag: _Tag,
    font: Font,
    pad: int,
    size: tuple[int, int],
    taken: Sequence[tuple[int, int, int, int]],
) -> tuple[int, int, int, int]:
    """A character's name on a paper tag inside the picture, stepped clear of earlier tags;
    returns the tag's box."""
    label = _fit(" ".join(tag.text.split()).upper(), font, size[0] * 0.3)
    left, top, right, bottom = draw.textbbox((0, 0), label, font=font)
    box_w, box_h = right - left + 2 * pad, bottom - top + 2 * pad
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
    draw.rounded_rectangle((x0, y0, x0 + box_w, y0 + box_h), radius=pad, fill=_PAPER, outline=_INK)
    draw.text((x0 + pad - left, y0 + pad - top), label, fill=_INK, font=font)
    return (x0, y0, x0 + box_w, y0 + box_h)


def _draw_props(
    draw: ImageDraw.ImageDraw, props: Sequence[str], font: Font, size: tuple[int, int]
) -> None:
    """Key props as icon tags along the top edge, as far as the picture's width allows."""
    x = 6
    for prop in props:
        label = prop.strip().upper()[:20]
        if not label:
            continue
        left, top, right, bottom = draw.textbbox((0, 0), label, font=font)
        pad = 4
        icon = bottom - top + 4
        box_w, box_h = icon + (right - left) + 3 * pad, icon + 2 * pad
        if x + box_w > size[0] - 6:
            break
        draw.rounded_rectangle((x, 6, x + box_w, 6 + box_h), radius=3, fill=_PAPER, outline=_INK)
        _draw_prop_icon(draw, label, (x + pad, 6 + pad, x + pad + icon, 6 + pad + icon))
        draw.text(
            (x + 2 * pad + icon - left, 6 + pad + (icon - (bottom - top)) / 2 - top),
            label,
            fill=_INK,
            font=font,
        )
        x += box_w + 6


def _draw_prop_icon(
    draw: ImageDraw.ImageDraw, label: str, box: tuple[float, float, float, float]
) -> None:
    """A tiny ink pictogram for a prop: letters, bottles, keys, bags, lights, else a crate."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    words = set(re.findall(r"[A-Z]+", label))
    if words & {"LETTER", "ENVELOPE", "NOTE", "PHOTO", "PHOTOGRAPH", "MAP", "BOOK", "FILE"}:
        draw.rectangle((x0, y0 + h * 0.2, x1, y1 - h * 0.15), outline=_INK, width=2)
        draw.line(
            (x0, y0 + h * 0.2, (x0 + x1) / 2, y0 + h * 0.55, x1, y0 + h * 0.2), fill=_INK, width=2
        )
    elif words & {"BOTTLE", "GLASS", "CUP", "MUG", "WINE", "FLASK", "DRINK"}:
        draw.rectangle((x0 + w * 0.42, y0, x0 + w * 0.58, y0 + h * 0.3), fill=_INK)
        draw.rounded_rectangle(
            (x0 + w * 0.25, y0 + h * 0.3, x0 + w * 0.75, y1), radius=2, fill=_INK
        )
    elif words & {"KEY", "KEYS"}:
        draw.ellipse((x0, y0 + h * 0.3, x0 + w * 0.4, y0 + h * 0.7), outline=_INK, width=2)
        draw.line((x0 + w * 0.4, y0 + h * 0.5, x1, y0 + h * 0.5), fill=_INK, width=2)
        draw.line((x1 - w * 0.15, y0 + h * 0.5, x1 - w * 0.15, y0 + h * 0.72), fill=_INK, width=2)
    elif words & {"BAG", "CASE", "SUITCASE", "BRIEFCASE", "SATCHEL", "BACKPACK"}:
        draw.rounded_rectangle((x0, y0 + h * 0.35, x1, y1), radius=2, fill=_INK)
        draw.rectangle(
            (x0 + w * 0.3, y0 + h * 0.1, x1 - w * 0.3, y0 + h * 0.35), outline=_INK, width=2
        )
    elif words & {"LAMP", "LANTERN", "TORCH", "FLASHLIGHT", "CANDLE", "LIGHT"}:
        draw.ellipse(
            (x0 + w * 0.2, y0 + h * 0.15, x1 - w * 0.2, y1 - h * 0.2),
            fill=(240, 190, 90),
            outline=_INK,
            width=2,
        )
        draw.line((x0 + w * 0.3, y1, x1 - w * 0.3, y1), fill=_INK, width=2)
    else:
        draw.rectangle((x0 + 1, y0 + h * 0.15, x1 - 1, y1), outline=_INK, width=2)
        draw.line((x0 + 1, y0 + h * 0.15, x1 - 1, y1), fill=_INK, width=1)
        draw.line((x1 - 1, y0 + h * 0.15, x0 + 1, y1), fill=_INK, width=1)


def _draw_caption(
    draw: ImageDraw.ImageDraw, spec: FrameSpec, box: tuple[int, int, int, int], caption_height: int
) -> None:
    """The panel's lettering: scene, shot, framing, angle and heading, then the action."""
    x0, y0, x1, y1 = box
    pad = max(3, round(caption_height * 0.08))
    title_font = _font(max(10, round(caption_height * 0.24)), bold=True)
    body_font = _font(max(9, round(caption_height * 0.2)))
    title = (
        f"SC {spec.scene_number} · SHOT {spec.shot_code} · {spec.framing.upper()} · "
        f"{spec.angle.upper()}"
    )
    title = _fit(title, title_font, x1 - x0 - 2 * pad)
    y = y0 + pad
    draw.text((x0 + pad, y), title, fill=_INK, font=title_font)
    title_end = x0 + pad + draw.textlength(title, font=title_font)
    heading, action = " ".join(spec.heading.split()).upper(), " ".join(spec.action.split())
    if title_end + 3 * pad + draw.textlength(heading, font=title_font) <= x1 - pad:
        draw.text((x1 - pad, y), heading, fill=(90, 84, 76), font=title_font, anchor="ra")
    elif heading:
        # a narrow panel letters the heading ahead of the action instead
        action = f"{heading} — {action}" if action else heading
    y += _line_height(title_font) + max(1, pad // 2)
    body_line = _line_height(body_font)
    lines = max(0, (y1 - pad - y) // body_line)
    for line in _wrap(action, body_font, x1 - x0 - 2 * pad, lines):
        draw.text((x0 + pad, y), line, fill=_INK, font=body_font)
        y += body_line


def _wrap(text: str, font: Font, width: float, lines: int) -> list[str]:
    """Text in at most `lines` lines of `width` pixels, ending in an ellipsis if it runs over."""
    wrapped: list[str] = []
    words = text.split()
    while words and len(wrapped) < lines:
        line = words.pop(0)
        while words and font.getlength(f"{line} {words[0]}") <= width:
            line = f"{line} {words.pop(0)}"
        wrapped.append(_fit(line, font, width))
    if words and wrapped:
        wrapped[-1] = _fit(wrapped[-1], font, width, cut=True)
    return wrapped


def _fit(text: str, font: Font, width: float, cut: bool = False) -> str:
    """Text shortened to `width` pixels with an ellipsis (always one when `cut`)."""
    if not cut and font.getlength(text) <= width:
        return text
    text = text[: max(1, int(width // 2))]  # no glyph is under 2 px, so the rest never fits
    while text and font.getlength(text + "…") > width:
        text = text[:-1]
    return f"{text.rstrip()}…" if text else ""


def _line_height(font: Font) -> int:
    """Distance between baselines for the font."""
    _, top, _, bottom = font.getbbox("Ag")
    return round((bottom - top) * 1.25)


@functools.lru_cache(maxsize=16)
def _font(size: int, bold: bool = False) -> Font:
    """DejaVu Sans (crisp when small, and the same on every install, so pixels match)."""
    return ImageFont.truetype(str(dejavu("B" if bold else "")), size)
