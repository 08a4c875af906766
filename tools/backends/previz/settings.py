"""The set: sky, horizon and ground outdoors, or a room in perspective indoors, with the
features that name the place (quay and boats, reeds, trees, street fronts, pews, a bar …)."""

from __future__ import annotations

import random
from collections.abc import Callable

import numpy as np
from PIL import Image

from tools.backends.previz.canvas import (
    INK,
    RGB,
    Backdrop,
    Light,
    Set,
    Stage,
    gradient,
    mix,
    smooth,
)
from tools.backends.previz.light import draw_sky
from tools.backends.previz.places import GROUNDS, Outside, place_of


def draw_set(
    picture: Image.Image,
    stage: Stage,
    light: Light,
    setting: str,
    interior: bool,
    rng: random.Random,
    overcast: bool,
    take: random.Random,
    sources: set[str],
) -> Set:
    """Draw the setting's set onto the picture; returns the pass, whose backdrop says where
    people may stand and what glows."""
    place = place_of(setting)
    backdrop = Backdrop(floor_y=stage.horizon, sun_x=round(stage.width * rng.uniform(0.12, 0.88)))
    scene = Set(picture, stage, light, rng, backdrop, overcast, take)
    scene.sources = sources
    if interior:
        from tools.backends.previz.interiors import draw_inside

        draw_inside(scene, place.inside)
    else:
        draw_outside(scene, place.outside)
    return scene


# --- outside --------------------------------------------------------------------------------


def draw_outside(s: Set, outside: Outside) -> None:
    width, height, horizon = s.stage.width, s.stage.height, s.stage.horizon
    if horizon > 0:
        s.picture.paste(gradient((width, horizon), s.light.sky_top, s.light.sky_horizon), (0, 0))
        draw_sky(s.picture, (0, 0, width, horizon), s.light, s.backdrop.sun_x, s.take, s.overcast)
    HORIZONS.get(outside.horizon, _horizon_flat)(s)
    ground = GROUNDS[outside.ground]
    near = s.c(ground, 0.82)
    far = mix(s.c(ground), s.c(s.light.sky_horizon), 0.35)
    if horizon < height:
        s.picture.paste(gradient((width, height - horizon), far, near), (0, horizon))
    s.backdrop.floor_y = horizon + round(height * 0.04)
    if outside.ground == "water":
        s.backdrop.water = True
        waves(s, horizon, height)
    else:
        ground_marks(s, outside.ground)
    for feature in outside.features:
        _features_out().get(feature, _nothing)(s)


def _nothing(s: Set) -> None:
    """A feature with no drawing of its own."""


def _horizon_flat(s: Set) -> None:
    s.draw.line((0, s.stage.horizon, s.stage.width, s.stage.horizon), fill=s.far((60, 70, 60)))


def _horizon_sea(s: Set) -> None:
    """The sea runs to the horizon; a far headland on one side."""
    st = s.stage
    s.picture.paste(
        gradient(
            (st.width, max(1, round(st.height * 0.05))),
            s.far((40, 90, 120), 0.5),
            s.c((34, 82, 122)),
        ),
        (0, st.horizon),
    )


def _horizon_hills(
    s: Set,
    layers: tuple[tuple[float, float], ...] = ((0.09, 0.65), (0.06, 0.4)),
    colour: RGB = (84, 112, 80),
    steps: int = 10,
) -> None:
    st = s.stage
    for rise_max, haze in layers:
        points = [(0.0, float(st.horizon))]
        for i in range(steps + 1):
            rise = s.rng.uniform(0.02, rise_max) * st.height
            points.append((st.width * i / steps, st.horizon - rise))
        points.append((float(st.width), float(st.horizon)))
        s.draw.polygon(smooth(points), fill=s.far(colour, haze))


def _horizon_mountains(s: Set) -> None:
    st = s.stage
    for layer, haze in ((0, 0.6), (1, 0.35)):
        points = [(0.0, float(st.horizon))]
        x = 0.0
        while x < st.width:
            peak = s.rng.uniform(0.12, 0.3 - 0.08 * layer) * st.height
            points.append((x + st.width * 0.08, st.horizon - peak))
            x += st.width * s.rng.uniform(0.12, 0.2)
            points.append((x, st.horizon - peak * s.rng.uniform(0.3, 0.6)))
        points.append((float(st.width), float(st.horizon)))
        s.draw.polygon(points, fill=s.far((96, 100, 112), haze))
        if layer == 0:
            for px, py in points[1:-1:2]:
                s.draw.polygon(
                    [
                        (px - st.width * 0.025, py + st.height * 0.04),
                        (px + st.width * 0.025, py + st.height * 0.04),
                        (px, py),
                    ],
                    fill=s.c((240, 242, 246)),
                )


def _horizon_dunes(s: Set) -> None:
    _horizon_hills(s, ((0.07, 0.45), (0.04, 0.2)), (214, 180, 120), steps=6)


def _horizon_trees(s: Set) -> None:
    st = s.stage
    colour = s.far((46, 84, 58), 0.35)
    x = 0.0
    while x < st.width:
        tall = s.rng.uniform(0.06, 0.15) * st.height
        half = tall * 0.3
        s.draw.polygon(
            [(x - half, st.horizon + 1), (x + half, st.horizon + 1), (x, st.horizon - tall)],
            fill=colour,
        )
        x += s.rng.uniform(0.3, 0.8) * half


def _horizon_skyline(s: Set, low: bool = False) -> None:
    """Buildings along the horizon, windows lit at night."""
    st = s.stage
    x = -s.rng.uniform(0, 30)
    body = s.far((96, 100, 112), 0.35)
    unit = st.height * 0.02
    base = st.horizon + (st.height * 0.1 if low else 0)
    while x < st.width:
        wide = s.rng.uniform(0.06, 0.14) * st.width
        tall = s.rng.uniform(0.1, 0.36) * st.height
        top = base - tall
        shade = s.rng.uniform(0.85, 1.05)
        s.draw.rectangle(
            (x, top, x + wide - 2, base), fill=tuple(min(255, round(c * shade)) for c in body)
        )
        for wy in np.arange(top + unit, base - unit, unit * 1.8):
            for wx in np.arange(x + unit * 0.6, x + wide - unit * 1.2, unit * 1.4):
                if s.light.night:
                    colour = (255, 210, 130) if s.rng.random() < 0.35 else mix(body, INK, 0.3)
                else:
                    colour = mix(body, s.c(s.light.sky_horizon), 0.35)
                s.draw.rectangle((wx, wy, wx + unit * 0.6, wy + unit * 0.8), fill=colour)
        x += wide


def _horizon_walls(s: Set) -> None:
    _horizon_skyline(s)


def _horizon_stands(s: Set) -> None:
    st = s.stage
    top = st.horizon - st.height * 0.22
    s.draw.rectangle((0, top, st.width, st.horizon), fill=s.far((120, 120, 130), 0.2))
    for y in np.arange(top + 4, st.horizon, st.height * 0.02):
        for x in np.arange(s.rng.uniform(0, 6), st.width, 5):
            s.draw.point(
                (x, y), fill=s.c(s.rng.choice(((200, 60, 60), (60, 80, 180), (230, 230, 230))))
            )


HORIZONS: dict[str, Callable[[Set], None]] = {
    "sea": _horizon_sea,
    "flat": _horizon_flat,
    "hills": _horizon_hills,
    "mountains": _horizon_mountains,
    "dunes": _horizon_dunes,
    "treeline": _horizon_trees,
    "skyline": _horizon_skyline,
    "skyline_low": lambda s: _horizon_skyline(s, low=True),
    "walls": _horizon_walls,
    "stands": _horizon_stands,
}


def waves(s: Set, top: float, bottom: float) -> None:
    """Wave crests that grow with nearness, and the sun's or moon's glitter path."""
    st = s.stage
    deep = s.c(GROUNDS["water"])
    crest = mix(deep, (255, 255, 255), 0.3)
    for _ in range(110):
        y = s.take.uniform(top + 2, bottom - 2)
        depth = (y - st.horizon) / max(1, st.height - st.horizon)
        x = s.take.uniform(0, st.width)
        length = (4 + 40 * depth) * st.width / 768
        s.draw.arc(
            (x, y - 2 * depth, x + length, y + 3 * depth + 1),
            200,
            340,
            fill=crest,
            width=1 + round(depth),
        )
    glitter = s.light.sun or ((200, 210, 230) if s.light.night and s.light.moon else None)
    if glitter is not None and not s.overcast:
        for _ in range(50):
            y = s.take.uniform(top + 2, bottom - 2)
            depth = (y - st.horizon) / max(1, st.height - st.horizon)
            x = s.backdrop.sun_x + s.take.gauss(0, 6 + 50 * depth)
            s.draw.line((x, y, x + 3 + 14 * depth, y), fill=glitter, width=1)


def ground_marks(s: Set, ground: str) -> None:
    """Tufts, pebbles or cracks that grow with nearness, so the ground reads as a plane."""
    st = s.stage
    colour = s.c(GROUNDS[ground], 0.68 if ground != "snow" else 0.9)
    if ground in {"asphalt", "concrete", "tarmac", "deck"}:
        return
    for _ in range(120):
        y = st.horizon + (st.height - st.horizon) * s.take.random() ** 0.7
        near = (y - st.horizon) / max(1, st.height - st.horizon)
        x, length = s.take.uniform(0, st.width), 2 + 14 * near * st.width / 768
        s.draw.line((x, y, x + length, y - length * s.take.uniform(0.0, 0.4)), fill=colour, width=1)


def _features_out() -> dict[str, Callable[[Set], None]]:
    from tools.backends.previz.exteriors import FEATURES_OUT

    return FEATURES_OUT
