"""Features that name an outdoor place: the quay and boats of a harbour, reeds and pools of a
marsh, a street's fronts, a church's spire, a lighthouse sweeping its beam …"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from tools.backends.previz.canvas import (
    INK,
    LAMP,
    RGB,
    Set,
    gradient,
    mix,
)
from tools.backends.previz.places import GROUNDS
from tools.backends.previz.settings import waves

# --- outside features ------------------------------------------------------------------------


def _shore(s: Set) -> None:
    """Sea from the horizon to a foaming shoreline; sand below it."""
    st = s.stage
    shore = s.ground_at(0.2)
    s.picture.paste(
        gradient(
            (st.width, round(shore - st.horizon)), s.far((40, 90, 120), 0.4), s.c((40, 100, 130))
        ),
        (0, st.horizon),
    )
    waves(s, st.horizon, shore)
    foam = s.c((240, 240, 236))
    points = [
        (x, shore + math.sin(x / 23.0 + s.rng.random()) * 2.0) for x in range(0, st.width + 8, 8)
    ]
    s.draw.line(points, fill=foam, width=max(2, round(st.height / 160)))
    s.backdrop.water = True


def _sea_far(s: Set) -> None:
    """The sea beyond a headland: water to a rocky edge a third of the way down the ground."""
    st = s.stage
    edge = s.ground_at(0.3)
    s.picture.paste(
        gradient(
            (st.width, max(1, round(edge - st.horizon))),
            s.far((40, 90, 120), 0.4),
            s.c((34, 82, 122)),
        ),
        (0, st.horizon),
    )
    waves(s, st.horizon, edge)
    rock = s.c((104, 98, 90))
    points = [(x, edge + s.take.uniform(-3, 3)) for x in range(0, st.width + 12, 12)]
    s.draw.polygon([*points, (st.width, edge + 12), (0, edge + 12)], fill=rock)
    s.draw.line(points, fill=s.c((236, 236, 230)), width=max(2, st.height // 160))
    s.backdrop.water = True


def _swell(s: Set) -> None:
    """Big near swells across open water."""
    st = s.stage
    dark = s.c((24, 62, 96))
    for t in (0.35, 0.6, 0.85):
        y = s.ground_at(t)
        amp = st.height * 0.01 * (1 + 3 * t)
        pts = [
            (x, y + math.sin(x / (st.width * 0.07) + s.rng.random()) * amp)
            for x in range(0, st.width + 10, 10)
        ]
        s.draw.line(pts, fill=dark, width=max(1, round(3 * t)))


def _quay(s: Set) -> None:
    """A stone quay along the bottom with bollards."""
    st = s.stage
    top = s.ground_at(0.78)
    stone = s.c((128, 122, 112))
    s.draw.rectangle((0, top, st.width, st.height), fill=stone)
    s.draw.line((0, top, st.width, top), fill=s.c((170, 164, 150)), width=max(2, st.height // 90))
    for y in np.arange(top + st.height * 0.04, st.height, st.height * 0.05):
        s.draw.line((0, y, st.width, y), fill=mix(stone, INK, 0.25), width=1)
    for x in (st.width * 0.1, st.width * 0.86):
        s.draw.rounded_rectangle(
            (x - 6, top - 14, x + 6, top + 4), radius=4, fill=s.c((40, 40, 44))
        )
    s.backdrop.floor_y = round(top + 2)


def _boats(s: Set) -> None:
    """Small fishing boats moored on the water, some listing."""
    from tools.backends.previz.vehicles import draw_boat

    st = s.stage
    for _ in range(3):
        feet = s.ground_at(s.rng.uniform(0.04, 0.2))
        x = st.width * s.rng.uniform(0.08, 0.92)
        draw_boat(
            s,
            x,
            feet,
            s.metre(feet) * s.rng.uniform(4, 6),
            s.rng.choice((-1, 1)),
            hull=s.rng.choice(((170, 60, 50), (60, 100, 140), (230, 230, 220))),
        )


def _houses(s: Set) -> None:
    """A row of houses with slate roofs along the far shore."""
    st = s.stage
    x = -10.0
    base = st.horizon + 1
    while x < st.width:
        wide = st.width * s.rng.uniform(0.05, 0.09)
        tall = st.height * s.rng.uniform(0.05, 0.09)
        if s.rng.random() < 0.75:
            wall = s.far(s.rng.choice(((230, 226, 214), (200, 190, 170), (176, 186, 196))), 0.3)
            s.draw.rectangle((x, base - tall, x + wide, base), fill=wall)
            s.draw.polygon(
                [
                    (x - 2, base - tall),
                    (x + wide + 2, base - tall),
                    (x + wide / 2, base - tall - tall * 0.6),
                ],
                fill=s.far((70, 76, 88), 0.3),
            )
            if s.light.night and s.rng.random() < 0.5:
                s.draw.rectangle(
                    (x + wide * 0.4, base - tall * 0.6, x + wide * 0.6, base - tall * 0.3),
                    fill=(255, 210, 130),
                )
        x += wide + st.width * s.rng.uniform(0.0, 0.03)


def _gunwale(s: Set) -> None:
    """The bow of an open boat in the foreground: two wooden sides meeting ahead."""
    st = s.stage
    wood, dark = s.c((150, 104, 64)), s.c((96, 64, 40))
    tip = (st.width * 0.5, s.ground_at(0.45))
    s.draw.polygon(
        [
            (0, st.height),
            (0, s.ground_at(0.7)),
            tip,
            (st.width, s.ground_at(0.7)),
            (st.width, st.height),
        ],
        fill=wood,
    )
    inner = [
        (st.width * 0.08, st.height),
        (st.width * 0.1, s.ground_at(0.78)),
        (st.width * 0.5, s.ground_at(0.52)),
        (st.width * 0.9, s.ground_at(0.78)),
        (st.width * 0.92, st.height),
    ]
    s.draw.polygon(inner, fill=dark)
    for t in (0.82, 0.93):
        y = s.ground_at(t)
        s.draw.rectangle(
            (st.width * 0.12, y, st.width * 0.88, y + st.height * 0.025), fill=wood, outline=INK
        )
    s.draw.line([(0, s.ground_at(0.7)), tip, (st.width, s.ground_at(0.7))], fill=INK, width=3)
    s.backdrop.floor_y = round(s.ground_at(0.6))


def _deck(s: Set) -> None:
    st = s.stage
    top = s.ground_at(0.55)
    steel = s.c(GROUNDS["deck"])
    s.draw.rectangle((0, top, st.width, st.height), fill=steel)
    for i in range(-6, 7):
        s.draw.line(
            (st.vanish_x + i * st.width * 0.02, top, st.vanish_x + i * st.width * 0.2, st.height),
            fill=mix(steel, INK, 0.3),
            width=1,
        )
    s.backdrop.floor_y = round(top + 4)


def _railing(s: Set) -> None:
    st = s.stage
    y = s.ground_at(0.5)
    colour = s.c((200, 200, 196))
    for dy in (0.0, st.height * 0.05):
        s.draw.line(
            (0, y - st.height * 0.12 + dy, st.width, y - st.height * 0.12 + dy),
            fill=colour,
            width=3,
        )
    for x in np.arange(0, st.width, st.width / 12):
        s.draw.line((x, y - st.height * 0.12, x, y), fill=colour, width=3)


def _pools(s: Set) -> None:
    """Flat pools of water among the mud of a marsh, catching the sky."""
    st = s.stage
    for _ in range(7):
        y = s.ground_at(s.rng.uniform(0.05, 0.8))
        near = (y - st.horizon) / max(1, st.height - st.horizon)
        w = st.width * (0.05 + 0.25 * near)
        x = st.width * s.rng.uniform(0, 1)
        s.draw.ellipse(
            (x - w, y - w * 0.06, x + w, y + w * 0.06),
            fill=mix(s.c(s.light.sky_horizon), s.c((40, 70, 90)), 0.5),
        )


def _reeds(s: Set) -> None:
    """Clumps of reeds, tall and dark near the camera."""
    st = s.stage
    colour = s.c((120, 110, 60))
    dark = s.c((70, 70, 40))
    for _ in range(70):
        y = st.horizon + (st.height - st.horizon) * s.take.random() ** 0.6
        near = (y - st.horizon) / max(1, st.height - st.horizon)
        x = s.take.uniform(0, st.width)
        tall = st.height * (0.01 + 0.16 * near)
        for _ in range(5):
            lean = s.take.uniform(-0.3, 0.3) * tall
            s.draw.line(
                (x, y, x + lean, y - tall * s.take.uniform(0.6, 1.0)),
                fill=s.take.choice((colour, dark)),
                width=max(1, round(near * 2)),
            )
            x += s.take.uniform(1, 4)


def _water_band(s: Set, top_t: float, bottom_t: float) -> None:
    st = s.stage
    top, bottom = s.ground_at(top_t), s.ground_at(bottom_t)
    s.draw.polygon(
        [(0, top), (st.width, top), (st.width, bottom), (0, bottom)], fill=s.c((48, 96, 130))
    )
    waves(s, top, bottom)
    s.backdrop.water = True


def _river(s: Set) -> None:
    _water_band(s, 0.18, 0.45)


def _lake(s: Set) -> None:
    _water_band(s, 0.0, 0.4)


def _forest(s: Set) -> None:
    """Trunks at every depth with dark canopies, the undergrowth between them."""
    st = s.stage
    canopy = s.c((46, 86, 48))
    for i in range(16):
        t = (i + s.rng.random()) / 16
        feet = s.ground_at(0.04 + 0.9 * t**1.6)
        m = s.metre(feet)
        x = s.rng.uniform(-0.05, 1.05) * st.width
        if abs(x - st.width / 2) < st.width * 0.12 and t > 0.4:
            continue
        trunk_w, tall = m * 0.4, m * 14
        s.draw.rectangle(
            (x - trunk_w / 2, feet - tall, x + trunk_w / 2, feet), fill=s.c((86, 64, 46))
        )
        s.draw.ellipse(
            (x - m * 2.4, feet - tall - m * 1.5, x + m * 2.4, feet - tall * 0.55),
            fill=mix(canopy, INK, 0.2 * s.rng.random()),
        )
    s.draw.rectangle((0, 0, st.width, st.height * 0.06), fill=mix(canopy, INK, 0.3))


def _undergrowth(s: Set) -> None:
    st = s.stage
    for _ in range(40):
        y = s.ground_at(s.take.random() ** 0.6)
        near = (y - st.horizon) / max(1, st.height - st.horizon)
        r = st.width * (0.01 + 0.05 * near)
        x = s.take.uniform(0, st.width)
        s.draw.ellipse(
            (x - r, y - r * 0.7, x + r, y + r * 0.2),
            fill=s.c((60, 110, 56), s.take.uniform(0.7, 1.0)),
        )


def _trees_near(s: Set) -> None:
    st = s.stage
    for side in (s.rng.uniform(0.02, 0.12), s.rng.uniform(0.88, 0.98)):
        feet = st.height * s.rng.uniform(0.86, 0.98)
        tall = (feet - st.horizon) * 9.0 / st.camera_height
        cx, half = st.width * side, tall * 0.16
        s.draw.rectangle(
            (cx - half * 0.07, feet - tall * 0.4, cx + half * 0.07, feet), fill=s.c((84, 60, 42))
        )
        s.draw.ellipse(
            (cx - half * 1.4, feet - tall, cx + half * 1.4, feet - tall * 0.35),
            fill=s.c((58, 104, 54)),
            outline=mix(s.c((58, 104, 54)), INK, 0.4),
        )


def _furrows(s: Set) -> None:
    st = s.stage
    for i in range(-14, 15):
        s.draw.line(
            (st.vanish_x + i * 4, st.horizon, st.vanish_x + i * st.width * 0.12, st.height),
            fill=s.c((80, 110, 60)),
            width=1,
        )


def _fence(s: Set) -> None:
    st = s.stage
    y = s.ground_at(0.2)
    wood = s.c((120, 96, 70))
    h = s.metre(y) * 1.1
    s.draw.line((0, y - h * 0.7, st.width, y - h * 0.7), fill=wood, width=2)
    s.draw.line((0, y - h * 0.3, st.width, y - h * 0.3), fill=wood, width=2)
    for x in np.arange(s.rng.uniform(0, 20), st.width, st.width / 14):
        s.draw.line((x, y, x, y - h), fill=wood, width=3)


def _building(
    s: Set,
    x: float,
    feet: float,
    wide_m: float,
    tall_m: float,
    wall: RGB,
    roof: str = "flat",
    roof_colour: RGB = (70, 74, 86),
    windows: RGB | None = None,
    door: bool = True,
) -> tuple[float, float, float, float]:
    """A building front standing on the ground at `feet`; returns its box."""
    m = s.metre(feet)
    w, h = wide_m * m, tall_m * m
    box = (x - w / 2, feet - h, x + w / 2, feet)
    s.draw.rectangle(box, fill=s.c(wall), outline=INK)
    if roof == "pitched":
        s.draw.polygon(
            [(box[0] - m * 0.4, box[1]), (box[2] + m * 0.4, box[1]), (x, box[1] - h * 0.5)],
            fill=s.c(roof_colour),
            outline=INK,
        )
    glass = (255, 210, 130) if s.light.night else s.c(windows or (150, 180, 200))
    rows = max(1, round(tall_m / 3.2))
    cols = max(1, round(wide_m / 2.8))
    for r in range(rows):
        for col in range(cols):
            wx = box[0] + (col + 0.3) * w / cols
            wy = box[1] + (r + 0.25) * h / rows
            if door and r == rows - 1 and col == cols // 2:
                continue
            s.draw.rectangle(
                (wx, wy, wx + w / cols * 0.4, wy + h / rows * 0.4), fill=glass, outline=INK
            )
    if door:
        s.draw.rectangle(
            (x - m * 0.5, feet - m * 2.1, x + m * 0.5, feet), fill=s.c((90, 60, 40)), outline=INK
        )
    if s.light.night:
        s.glow_at(x, feet - m * 1.2, m * 5)
    return box


def _front(
    wall: RGB, roof: str = "flat", wide: float = 14, tall: float = 9, **kw: object
) -> Callable[[Set], None]:
    def draw(s: Set) -> None:
        feet = s.ground_at(0.22)
        box = _building(s, s.stage.width * s.rng.uniform(0.35, 0.65), feet, wide, tall, wall, roof)
        sign = kw.get("sign")
        if isinstance(sign, tuple):
            m = s.metre(feet)
            cx = (box[0] + box[2]) / 2
            colour = sign if not s.light.night else tuple(min(255, c + 40) for c in sign)
            s.draw.rectangle(
                (cx - m * 2.5, box[1] + m * 0.3, cx + m * 2.5, box[1] + m * 1.2),
                fill=colour,
                outline=INK,
            )
            if s.light.night:
                s.glow_at(cx, box[1] + m, m * 4, colour)  # type: ignore[arg-type]
        if kw.get("cross"):
            m = s.metre(feet)
            cx, cy = (box[0] + box[2]) / 2, box[1] + m * 1.6
            s.draw.rectangle(
                (cx - m * 0.9, cy - m * 0.3, cx + m * 0.9, cy + m * 0.3), fill=(210, 40, 40)
            )
            s.draw.rectangle(
                (cx - m * 0.3, cy - m * 0.9, cx + m * 0.3, cy + m * 0.9), fill=(210, 40, 40)
            )
        if kw.get("columns"):
            m = s.metre(feet)
            for i in range(6):
                cx = box[0] + (i + 0.5) * (box[2] - box[0]) / 6
                s.draw.rectangle(
                    (cx - m * 0.3, box[1] + m, cx + m * 0.3, box[3]),
                    fill=s.c((236, 232, 220)),
                    outline=INK,
                )
            s.draw.polygon(
                [
                    (box[0], box[1] + m),
                    (box[2], box[1] + m),
                    ((box[0] + box[2]) / 2, box[1] - m * 2),
                ],
                fill=s.c((226, 222, 210)),
                outline=INK,
            )

    return draw


def _cottage(s: Set) -> None:
    feet = s.ground_at(0.2)
    x = s.stage.width * s.rng.choice((0.25, 0.75))
    _building(s, x, feet, 8, 4, (236, 232, 222), "pitched", (64, 70, 82))
    m = s.metre(feet)
    s.draw.rectangle(
        (x + m * 2, feet - m * 6.2, x + m * 2.8, feet - m * 4),
        fill=s.c((150, 140, 130)),
        outline=INK,
    )


def _barn(s: Set) -> None:
    feet = s.ground_at(0.18)
    x = s.stage.width * s.rng.choice((0.22, 0.78))
    _building(s, x, feet, 10, 5, (160, 56, 44), "pitched", (90, 50, 40), door=True)


def _church(s: Set) -> None:
    """A stone church with a spire and a cross."""
    feet = s.ground_at(0.2)
    x = s.stage.width * s.rng.uniform(0.35, 0.65)
    m = s.metre(feet)
    _building(s, x, feet, 12, 7, (190, 184, 170), "pitched", (80, 80, 90))
    tx = x - m * 4
    s.draw.rectangle(
        (tx - m * 1.5, feet - m * 14, tx + m * 1.5, feet), fill=s.c((180, 174, 160)), outline=INK
    )
    s.draw.polygon(
        [(tx - m * 1.7, feet - m * 14), (tx + m * 1.7, feet - m * 14), (tx, feet - m * 21)],
        fill=s.c((80, 80, 90)),
        outline=INK,
    )
    s.draw.line((tx, feet - m * 21, tx, feet - m * 23), fill=INK, width=2)
    s.draw.line((tx - m * 0.6, feet - m * 22.2, tx + m * 0.6, feet - m * 22.2), fill=INK, width=2)
    s.draw.ellipse(
        (x - m, feet - m * 6.5, x + m, feet - m * 4.5), fill=s.c((150, 60, 90)), outline=INK
    )


def _church_far(s: Set) -> None:
    st = s.stage
    x = st.width * s.rng.uniform(0.6, 0.85)
    s.draw.rectangle(
        (x, st.horizon - st.height * 0.08, x + st.width * 0.08, st.horizon),
        fill=s.far((150, 146, 140)),
    )
    s.draw.polygon(
        [
            (x - 2, st.horizon - st.height * 0.08),
            (x + st.width * 0.025, st.horizon - st.height * 0.2),
            (x + st.width * 0.05, st.horizon - st.height * 0.08),
        ],
        fill=s.far((90, 90, 100)),
    )


def _graves(s: Set) -> None:
    st = s.stage
    for row in range(5):
        feet = s.ground_at(0.15 + row * 0.17)
        m = s.metre(feet)
        for x in np.arange(s.rng.uniform(0, m * 3), st.width, m * 3.2):
            w, h = m * 0.6, m * s.rng.uniform(0.7, 1.0)
            s.draw.rounded_rectangle(
                (x - w / 2, feet - h, x + w / 2, feet),
                radius=w / 2.2,
                fill=s.c((170, 170, 166)),
                outline=INK,
            )


def _lighthouse(s: Set) -> None:
    """A striped tower on a headland, its lamp lit and beam sweeping at night."""
    st, light = s.stage, s.light
    side = s.rng.choice((0.2, 0.8))
    x = round(st.width * side)
    base = s.ground_at(0.12)
    tower = max(st.horizon * 0.85, st.height * 0.3)
    bottom_half, top_half = tower * 0.1, tower * 0.065
    top = base - tower

    def half_width(y: float) -> float:
        return bottom_half + (top_half - bottom_half) * (base - y) / tower

    white, red = s.c((236, 232, 224)), s.c((178, 54, 48))
    s.draw.polygon(
        [
            (x - bottom_half, base),
            (x + bottom_half, base),
            (x + top_half, top),
            (x - top_half, top),
        ],
        fill=white,
        outline=INK,
    )
    for band in (0.18, 0.5):
        y_low, y_high = base - tower * band, base - tower * (band + 0.16)
        s.draw.polygon(
            [
                (x - half_width(y_low), y_low),
                (x + half_width(y_low), y_low),
                (x + half_width(y_high), y_high),
                (x - half_width(y_high), y_high),
            ],
            fill=red,
        )
    s.draw.rectangle((x - top_half * 1.5, top - 3, x + top_half * 1.5, top), fill=INK)
    room = top_half * 1.6
    lamp_on = light.night or light.sun_height < 0.3 and light.sun is not None
    lantern = (255, 236, 160) if lamp_on else s.c((200, 214, 220))
    s.draw.rectangle((x - top_half, top - room, x + top_half, top - 3), fill=lantern, outline=INK)
    s.draw.polygon(
        [(x - top_half * 1.3, top - room), (x + top_half * 1.3, top - room), (x, top - room * 1.9)],
        fill=s.c((120, 40, 36)),
        outline=INK,
    )
    if lamp_on:
        from tools.backends.previz.light import draw_beam

        beam_y = top - room / 2
        direction = -1 if side > 0.5 else 1
        draw_beam(
            s.picture,
            (x, beam_y),
            (x + direction * st.width * 0.95, beam_y - st.height * 0.03),
            st.height * 0.09,
            (255, 240, 190),
            100 if light.night else 50,
        )
        s.glow_at(x, beam_y, room * 4, (255, 236, 170))


def _cliff_edge(s: Set) -> None:
    st = s.stage
    edge = s.ground_at(0.35)
    s.draw.polygon(
        [
            (0, edge),
            (st.width * 0.55, edge - st.height * 0.02),
            (st.width * 0.7, st.height),
            (0, st.height),
        ],
        fill=s.c((96, 128, 74)),
    )
    s.draw.polygon(
        [
            (st.width * 0.55, edge - st.height * 0.02),
            (st.width * 0.75, edge + st.height * 0.1),
            (st.width * 0.7, st.height),
        ],
        fill=s.c((120, 110, 100)),
        outline=INK,
    )
    s.draw.polygon(
        [
            (st.width * 0.58, st.horizon),
            (st.width, st.horizon),
            (st.width, st.height),
            (st.width * 0.74, st.height),
        ],
        fill=s.c((34, 82, 122)),
    )


def _road(s: Set) -> None:
    """A road running to the vanishing point, with lane dashes and street lamps."""
    st = s.stage
    vx, horizon, width, height = st.vanish_x, st.horizon, st.width, st.height
    near_half = width * 0.62
    s.draw.polygon(
        [
            (vx - 2, horizon),
            (vx + 2, horizon),
            (vx + near_half, height + 40),
            (vx - near_half, height + 40),
        ],
        fill=s.c(GROUNDS["asphalt"]),
    )
    edge = s.c((214, 210, 196))
    for sign in (-1, 1):
        s.draw.line((vx, horizon, vx + sign * near_half * 0.92, height + 40), fill=edge, width=2)
    dash = s.c((236, 206, 96))
    depth = height + 40 - horizon
    for i in range(1, 14, 2):
        y_a, y_b = horizon + depth * (i / 14) ** 2.2, horizon + depth * ((i + 0.8) / 14) ** 2.2
        wide = 1 + 5 * (y_a - horizon) / depth
        s.draw.polygon(
            [(vx - wide * 0.4, y_a), (vx + wide * 0.4, y_a), (vx + wide, y_b), (vx - wide, y_b)],
            fill=dash,
        )
    side = s.rng.choice((-1, 1))
    for t in (0.12, 0.3, 0.62):
        feet = horizon + (height - horizon) * t
        _lamp_post(s, round(vx + side * near_half * 0.98 * (feet - horizon) / depth), round(feet))


def _lamp_post(s: Set, x: int, feet: int) -> None:
    """A street lamp standing at (x, feet) in perspective; at night it lights a pool."""
    st = s.stage
    tall = (feet - st.horizon) * 4.5 / st.camera_height
    if tall < 4:
        return
    pole = max(1, round(tall * 0.02))
    head_y = feet - tall
    arm = tall * 0.14 * (1 if x < st.vanish_x else -1)
    colour = mix(s.c((60, 62, 66)), INK, 0.3)
    s.draw.line((x, feet, x, head_y), fill=colour, width=pole)
    s.draw.line((x, head_y, x + arm, head_y), fill=colour, width=pole)
    lamp = LAMP if s.light.night else s.c((230, 230, 220))
    s.draw.ellipse(
        (x + arm - pole * 2.5, head_y, x + arm + pole * 2.5, head_y + pole * 3), fill=lamp
    )
    if s.light.night:
        s.glow_at(x + arm, head_y + tall * 0.5, tall * 0.6)


def _street(s: Set) -> None:
    """Asphalt between two pavements and building fronts receding on both sides."""
    st = s.stage
    vx, hz, w, h = st.vanish_x, st.horizon, st.width, st.height
    kerb = s.c((180, 176, 168))
    for sign in (-1, 1):
        s.draw.polygon(
            [
                (vx + sign * 4, hz),
                (vx + sign * w * 0.75, h),
                (vx + sign * w * 1.6, h),
                (vx + sign * 12, hz),
            ],
            fill=s.c((150, 146, 138)),
        )
        s.draw.line((vx + sign * 4, hz, vx + sign * w * 0.75, h), fill=kerb, width=3)
        colour = s.c(s.rng.choice(((170, 110, 90), (190, 170, 140), (120, 120, 130))))
        top_far, top_near = hz - h * 0.1, -h * 0.6
        s.draw.polygon(
            [
                (vx + sign * 12, hz),
                (vx + sign * 12, top_far),
                (vx + sign * w * 1.6, top_near),
                (vx + sign * w * 1.6, h * 0.9),
            ],
            fill=colour,
            outline=INK,
        )
        for t in np.linspace(0.15, 0.9, 6):
            x = vx + sign * (12 + (w * 0.9) * t**1.6)
            y0 = hz - h * 0.08 - h * 0.5 * t**1.6
            y1 = hz - h * 0.01 + h * 0.1 * t**1.6
            glass = (255, 210, 130) if s.light.night else s.c((150, 180, 200))
            s.draw.rectangle(
                (min(x, x + sign * w * 0.03 * t), y0, max(x, x + sign * w * 0.03 * t) + 2, y1),
                fill=glass,
                outline=INK,
            )
    dash = s.c((230, 230, 220))
    for i in range(1, 12, 2):
        ya, yb = hz + (h - hz) * (i / 12) ** 2, hz + (h - hz) * ((i + 0.7) / 12) ** 2
        s.draw.line((vx, ya, vx, yb), fill=dash, width=max(1, round(6 * (ya - hz) / (h - hz))))
    if s.light.night:
        for t in (0.3, 0.6):
            _lamp_post(s, round(vx + w * 0.6 * t), round(hz + (h - hz) * t))


def _alley(s: Set) -> None:
    """Narrow brick walls closing in on both sides, a fire escape and bins."""
    st = s.stage
    vx, hz, w, h = st.vanish_x, st.horizon, st.width, st.height
    brick = s.c((140, 80, 64))
    for sign in (-1, 1):
        s.draw.polygon(
            [
                (vx + sign * w * 0.06, hz - h * 0.5),
                (vx + sign * w * 0.06, hz + h * 0.05),
                (vx + sign * w * 0.9, h),
                (vx + sign * w * 0.9, -h),
            ],
            fill=brick,
            outline=INK,
        )
        for i in range(12):
            t = i / 12
            y = hz - h * 0.45 + h * 1.4 * t
            s.draw.line(
                (vx + sign * w * 0.06, hz + (y - hz) * 0.1, vx + sign * w * 0.9, y),
                fill=mix(brick, INK, 0.35),
                width=1,
            )
    s.draw.rectangle(
        (vx - w * 0.06, hz - h * 0.5, vx + w * 0.06, hz + h * 0.05), fill=s.c((60, 60, 70))
    )
    s.backdrop.floor_y = round(hz + h * 0.1)


def _parapet(s: Set) -> None:
    st = s.stage
    y = s.ground_at(0.25)
    s.draw.rectangle((0, y - st.height * 0.05, st.width, y), fill=s.c((140, 136, 130)), outline=INK)


def _water_tank(s: Set) -> None:
    st = s.stage
    x = st.width * s.rng.choice((0.15, 0.85))
    feet = s.ground_at(0.2)
    m = s.metre(feet)
    s.draw.rectangle(
        (x - m * 1.5, feet - m * 6, x + m * 1.5, feet - m * 2.5),
        fill=s.c((130, 96, 70)),
        outline=INK,
    )
    s.draw.polygon(
        [(x - m * 1.6, feet - m * 6), (x + m * 1.6, feet - m * 6), (x, feet - m * 7.2)],
        fill=s.c((80, 70, 60)),
        outline=INK,
    )
    for dx in (-1.2, 1.2):
        s.draw.line((x + dx * m, feet - m * 2.5, x + dx * m, feet), fill=INK, width=2)


def _bridge(s: Set) -> None:
    st = s.stage
    y = s.ground_at(0.1)
    s.draw.rectangle(
        (0, y - st.height * 0.03, st.width, y + st.height * 0.02),
        fill=s.c((120, 116, 110)),
        outline=INK,
    )
    for x in np.arange(st.width * 0.1, st.width, st.width * 0.25):
        s.draw.rectangle((x - 4, y, x + 4, s.ground_at(0.35)), fill=s.c((110, 106, 100)))


def _parking(s: Set) -> None:
    st = s.stage
    for i in range(-8, 9):
        s.draw.line(
            (
                st.vanish_x + i * st.width * 0.03,
                s.ground_at(0.15),
                st.vanish_x + i * st.width * 0.15,
                s.ground_at(0.5),
            ),
            fill=s.c((230, 230, 220)),
            width=2,
        )


def _canopy(s: Set) -> None:
    st = s.stage
    feet = s.ground_at(0.25)
    m = s.metre(feet)
    x = st.width * 0.5
    s.draw.rectangle(
        (x - m * 8, feet - m * 5.5, x + m * 8, feet - m * 4.5), fill=s.c((220, 40, 40)), outline=INK
    )
    for dx in (-6, 6):
        s.draw.rectangle(
            (x + dx * m - m * 0.2, feet - m * 4.5, x + dx * m + m * 0.2, feet),
            fill=s.c((200, 200, 200)),
        )
    for dx in (-3, 3):
        s.draw.rectangle(
            (x + dx * m - m * 0.4, feet - m * 1.6, x + dx * m + m * 0.4, feet),
            fill=s.c((230, 230, 230)),
            outline=INK,
        )
    if s.light.night:
        s.glow_at(x, feet - m * 3, m * 10, (236, 242, 255))


def _rails(s: Set) -> None:
    st = s.stage
    vx, hz = st.vanish_x, st.horizon
    for off in (-0.18, -0.1, 0.1, 0.18):
        s.draw.line(
            (vx + off * 8, hz, vx + off * st.width * 1.4, st.height),
            fill=s.c((150, 150, 156)),
            width=3,
        )
    for i in range(1, 16):
        y = hz + (st.height - hz) * (i / 16) ** 2
        hw = (y - hz) / (st.height - hz) * st.width * 0.3
        s.draw.line((vx - hw, y, vx + hw, y), fill=s.c((90, 70, 50)), width=max(1, round(hw / 40)))


def _platform(s: Set) -> None:
    st = s.stage
    s.draw.polygon(
        [
            (st.vanish_x + 20, st.horizon),
            (st.width, st.horizon),
            (st.width, st.height),
            (st.vanish_x + st.width * 0.3, st.height),
        ],
        fill=s.c((170, 166, 156)),
        outline=INK,
    )
    s.draw.line(
        (st.vanish_x + 20, st.horizon, st.vanish_x + st.width * 0.3, st.height),
        fill=s.c((240, 220, 60)),
        width=4,
    )


def _runway(s: Set) -> None:
    st = s.stage
    for i in range(1, 12, 2):
        ya, yb = (
            st.horizon + (st.height - st.horizon) * (i / 12) ** 2,
            st.horizon + (st.height - st.horizon) * ((i + 0.6) / 12) ** 2,
        )
        s.draw.line(
            (st.vanish_x, ya, st.vanish_x, yb),
            fill=s.c((240, 240, 236)),
            width=max(2, round(10 * (ya - st.horizon) / st.height)),
        )


def _warehouse(s: Set) -> None:
    feet = s.ground_at(0.25)
    x = s.stage.width * s.rng.uniform(0.4, 0.6)
    _building(s, x, feet, 26, 9, (140, 150, 156), door=False)
    m = s.metre(feet)
    s.draw.rectangle(
        (x - m * 3, feet - m * 5, x + m * 3, feet), fill=s.c((100, 104, 108)), outline=INK
    )
    for y in np.arange(feet - m * 5, feet, m * 0.5):
        s.draw.line((x - m * 3, y, x + m * 3, y), fill=INK, width=1)


def _factory(s: Set) -> None:
    feet = s.ground_at(0.25)
    x = s.stage.width * 0.5
    _building(s, x, feet, 24, 8, (150, 120, 100), door=True)
    m = s.metre(feet)
    for dx in (-8, -5):
        s.draw.rectangle(
            (x + dx * m, feet - m * 18, x + dx * m + m * 1.4, feet - m * 8),
            fill=s.c((130, 90, 70)),
            outline=INK,
        )


def _garage_door(s: Set) -> None:
    _warehouse(s)


def _scaffold(s: Set) -> None:
    feet = s.ground_at(0.25)
    m = s.metre(feet)
    x0 = s.stage.width * 0.2
    for i in range(6):
        s.draw.line(
            (x0 + i * m * 2.5, feet, x0 + i * m * 2.5, feet - m * 12),
            fill=s.c((170, 170, 176)),
            width=2,
        )
    for j in range(5):
        s.draw.line(
            (x0, feet - j * m * 2.6, x0 + 5 * m * 2.5, feet - j * m * 2.6),
            fill=s.c((170, 170, 176)),
            width=2,
        )


def _crane(s: Set) -> None:
    st = s.stage
    x = st.width * s.rng.uniform(0.6, 0.85)
    top = st.horizon - st.height * 0.4
    colour = s.c((230, 180, 40))
    s.draw.line((x, st.horizon, x, top), fill=colour, width=4)
    s.draw.line((x - st.width * 0.3, top, x + st.width * 0.1, top), fill=colour, width=4)
    s.draw.line(
        (x - st.width * 0.25, top, x - st.width * 0.25, top + st.height * 0.15), fill=INK, width=1
    )


def _wall_wire(s: Set) -> None:
    st = s.stage
    top = st.horizon - st.height * 0.15
    s.draw.rectangle((0, top, st.width, st.horizon + 2), fill=s.c((170, 166, 156)), outline=INK)
    for x in np.arange(0, st.width, 10):
        s.draw.arc((x, top - 8, x + 10, top + 2), 180, 360, fill=INK, width=1)


def _hedges(s: Set) -> None:
    st = s.stage
    y = s.ground_at(0.15)
    s.draw.rectangle(
        (0, y - st.height * 0.08, st.width, y),
        fill=s.c((50, 100, 50)),
        outline=mix(s.c((50, 100, 50)), INK, 0.4),
    )


def _flowerbeds(s: Set) -> None:
    st = s.stage
    for _ in range(80):
        y = s.ground_at(s.take.uniform(0.2, 1.0))
        x = s.take.uniform(0, st.width)
        r = 1 + 4 * (y - st.horizon) / st.height
        s.draw.ellipse(
            (x - r, y - r, x + r, y + r),
            fill=s.c(s.take.choice(((220, 60, 80), (240, 200, 60), (200, 120, 220)))),
        )


def _path(s: Set) -> None:
    st = s.stage
    s.draw.polygon(
        [
            (st.vanish_x - 3, st.horizon),
            (st.vanish_x + 3, st.horizon),
            (st.vanish_x + st.width * 0.3, st.height),
            (st.vanish_x - st.width * 0.3, st.height),
        ],
        fill=s.c((190, 170, 130)),
    )


def _benches(s: Set) -> None:
    from tools.backends.previz.props import draw_thing

    st = s.stage
    feet = s.ground_at(0.3)
    draw_thing(s, "chair", st.width * 0.2, feet)


def _pitch_lines(s: Set) -> None:
    st = s.stage
    s.draw.line(
        (0, s.ground_at(0.3), st.width, s.ground_at(0.3)), fill=s.c((240, 240, 240)), width=3
    )
    s.draw.ellipse(
        (st.width * 0.35, s.ground_at(0.2), st.width * 0.65, s.ground_at(0.45)),
        outline=s.c((240, 240, 240)),
        width=3,
    )


def _floodlights(s: Set) -> None:
    st = s.stage
    for x in (st.width * 0.1, st.width * 0.9):
        s.draw.line((x, st.horizon, x, st.horizon - st.height * 0.4), fill=INK, width=3)
        s.draw.rectangle(
            (x - 14, st.horizon - st.height * 0.44, x + 14, st.horizon - st.height * 0.38),
            fill=(250, 250, 240),
        )
        if s.light.night:
            s.glow_at(x, st.horizon - st.height * 0.4, st.width * 0.3, (236, 242, 255))


def _cacti(s: Set) -> None:
    st = s.stage
    for _ in range(5):
        feet = s.ground_at(s.rng.uniform(0.1, 0.7))
        m = s.metre(feet)
        x = s.rng.uniform(0, st.width)
        col = s.c((70, 120, 70))
        s.draw.rounded_rectangle(
            (x - m * 0.3, feet - m * 3, x + m * 0.3, feet), radius=m * 0.3, fill=col, outline=INK
        )
        s.draw.rounded_rectangle(
            (x + m * 0.3, feet - m * 2.2, x + m * 0.9, feet - m * 1.6), radius=m * 0.2, fill=col
        )
        s.draw.rounded_rectangle(
            (x + m * 0.6, feet - m * 2.8, x + m * 0.9, feet - m * 1.8), radius=m * 0.2, fill=col
        )


def _boulders(s: Set) -> None:
    st = s.stage
    for _ in range(8):
        feet = s.ground_at(s.rng.uniform(0.1, 0.9))
        m = s.metre(feet)
        x = s.rng.uniform(0, st.width)
        r = m * s.rng.uniform(0.4, 1.2)
        s.draw.ellipse(
            (x - r * 1.4, feet - r, x + r * 1.4, feet + r * 0.2),
            fill=s.c((130, 124, 116)),
            outline=INK,
        )


def _cave_mouth(s: Set) -> None:
    st = s.stage
    x = st.width * 0.5
    s.draw.ellipse(
        (
            x - st.width * 0.2,
            st.horizon - st.height * 0.3,
            x + st.width * 0.2,
            st.horizon + st.height * 0.15,
        ),
        fill=s.c((30, 26, 24)),
    )


def _subway_entrance(s: Set) -> None:
    feet = s.ground_at(0.3)
    m = s.metre(feet)
    x = s.stage.width * 0.5
    s.draw.rectangle(
        (x - m * 2.5, feet - m * 1.2, x + m * 2.5, feet), fill=s.c((60, 60, 60)), outline=INK
    )
    s.draw.ellipse(
        (x - m * 0.7, feet - m * 3.5, x + m * 0.7, feet - m * 2.1),
        fill=(220, 40, 40) if not s.light.night else (255, 80, 80),
    )


def _tunnel_mouth(s: Set) -> None:
    st = s.stage
    _road(s)
    s.draw.pieslice(
        (
            st.vanish_x - st.width * 0.18,
            st.horizon - st.height * 0.2,
            st.vanish_x + st.width * 0.18,
            st.horizon + st.height * 0.2,
        ),
        180,
        360,
        fill=s.c((24, 24, 26)),
    )


FEATURES_OUT: dict[str, Callable[[Set], None]] = {
    "shore": _shore, "sea_far": _sea_far, "swell": _swell, "quay": _quay, "boats": _boats,
    "houses": _houses,
    "gunwale": _gunwale, "deck": _deck, "railing": _railing, "pools": _pools, "reeds": _reeds,
    "river": _river, "lake": _lake, "forest": _forest, "undergrowth": _undergrowth,
    "trees_near": _trees_near, "furrows": _furrows, "fence": _fence, "cottage": _cottage,
    "house": _front((214, 204, 184), "pitched", 10, 6), "barn": _barn, "church": _church,
    "church_far": _church_far, "graves": _graves, "lighthouse": _lighthouse,
    "cliff_edge": _cliff_edge, "road": _road, "street": _street, "alley": _alley,
    "parapet": _parapet, "water_tank": _water_tank, "bridge": _bridge, "parking": _parking,
    "canopy": _canopy, "rails": _rails, "platform": _platform, "runway": _runway,
    "warehouse": _warehouse, "factory": _factory, "garage_door": _garage_door,
    "scaffold": _scaffold, "crane": _crane, "wall_wire": _wall_wire, "hedges": _hedges,
    "flowerbeds": _flowerbeds, "path": _path, "benches": _benches, "pitch_lines": _pitch_lines,
    "floodlights": _floodlights, "cacti": _cacti, "boulders": _boulders,
    "cave_mouth": _cave_mouth, "subway_entrance": _subway_entrance,
    "tunnel_mouth": _tunnel_mouth,
    "facade_office": _front((170, 186, 196), wide=18, tall=16),
    "facade_bar": _front((110, 70, 56), sign=(230, 60, 160)),
    "facade_shop": _front((200, 190, 170), sign=(60, 130, 180)),
    "facade_hospital": _front((226, 230, 232), wide=22, tall=14, cross=True),
    "facade_police": _front((150, 160, 176), wide=18, tall=10, sign=(40, 70, 160)),
    "facade_school": _front((190, 120, 90), wide=22, tall=9),
    "facade_columns": _front((214, 210, 196), wide=20, tall=12, columns=True),
    "facade_hotel": _front((200, 180, 150), wide=16, tall=20, sign=(200, 160, 60)),
}  # fmt: skip
