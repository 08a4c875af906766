"""Props and vehicles standing in the set, drawn in perspective at a ground line: every prop and
vehicle of `memory.vocabulary` has a pictogram (a lantern, a crate, a car, a boat …); light
sources among them (lantern, lamp, candle, torch) glow when the shot is dark or names them lit."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from tools.backends.previz.canvas import INK, RGB, mix
from tools.backends.previz.cast import Tag
from tools.backends.previz.light import WARM, draw_beam
from tools.backends.previz.shot import Shot
from tools.backends.previz.vehicles import (
    ambulance,
    barge,
    bicycle,
    boat,
    bus,
    car,
    halo,
    helicopter,
    lit_up,
    motorcycle,
    plane,
    ship,
    taxi,
    tractor,
    train,
    truck,
    van,
    yacht,
)

if TYPE_CHECKING:
    from tools.backends.previz.canvas import Set

Drawer = Callable[["Set", float, float, float, RGB], None]


def _box(s: Set, x: float, feet: float, m: float, colour: RGB, w: float, h: float) -> None:
    fill = s.c(colour)
    s.draw.rectangle(
        (x - w * m / 2, feet - h * m, x + w * m / 2, feet), fill=fill, outline=INK, width=2
    )
    s.draw.polygon(
        [
            (x - w * m / 2, feet - h * m),
            (x + w * m / 2, feet - h * m),
            (x + w * m * 0.35, feet - h * m * 1.18),
            (x - w * m * 0.65, feet - h * m * 1.18),
        ],
        fill=s.c(colour, 1.2),
        outline=INK,
    )


def crate(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    _box(s, x, feet, m, colour, 0.8, 0.6)
    s.draw.line((x - 0.4 * m, feet - 0.6 * m, x + 0.4 * m, feet), fill=INK, width=2)


def case(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    s.draw.rounded_rectangle(
        (x - 0.35 * m, feet - 0.45 * m, x + 0.35 * m, feet),
        radius=0.06 * m,
        fill=s.c(colour),
        outline=INK,
        width=2,
    )
    s.draw.rectangle(
        (x - 0.1 * m, feet - 0.53 * m, x + 0.1 * m, feet - 0.45 * m), outline=INK, width=2
    )


def bag(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    s.draw.rounded_rectangle(
        (x - 0.3 * m, feet - 0.4 * m, x + 0.3 * m, feet),
        radius=0.15 * m,
        fill=s.c(colour),
        outline=INK,
        width=2,
    )
    s.draw.arc(
        (x - 0.15 * m, feet - 0.6 * m, x + 0.15 * m, feet - 0.3 * m), 180, 360, fill=INK, width=2
    )


def barrel(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    w, h = 0.3 * m, 0.9 * m
    s.draw.rectangle((x - w, feet - h, x + w, feet), fill=s.c(colour), outline=INK, width=2)
    s.draw.ellipse(
        (x - w, feet - h - w * 0.3, x + w, feet - h + w * 0.3), fill=s.c(colour, 1.2), outline=INK
    )
    for t in (0.25, 0.75):
        s.draw.line((x - w, feet - h * t, x + w, feet - h * t), fill=INK, width=2)


def bottle(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    w, h = 0.06 * m, 0.3 * m
    s.draw.rounded_rectangle(
        (x - w, feet - h, x + w, feet), radius=w * 0.5, fill=s.c(colour), outline=INK
    )
    s.draw.rectangle(
        (x - w * 0.4, feet - h * 1.45, x + w * 0.4, feet - h), fill=s.c(colour), outline=INK
    )


def cup(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    w, h = 0.06 * m, 0.1 * m
    s.draw.rectangle((x - w, feet - h, x + w, feet), fill=s.c(colour), outline=INK)
    s.draw.arc(
        (x + w * 0.5, feet - h * 0.9, x + w * 1.8, feet - h * 0.2), 270, 90, fill=INK, width=2
    )


def lantern(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    """A storm lantern: frame, glass, ring; its flame glows warm."""
    w, h = 0.14 * m, 0.36 * m
    on = lit_up(s, "lantern")
    glass = WARM["lantern"] if on else s.c((210, 200, 170))
    if on:
        s.glow_at(x, feet - h * 0.5, max(14, m * 2.2), WARM["lantern"])
        halo(s, x, feet - h * 0.5, max(6.0, w * 2.6), WARM["lantern"])
    s.draw.rectangle((x - w, feet - h * 0.15, x + w, feet), fill=s.c((60, 56, 50)), outline=INK)
    s.draw.rounded_rectangle(
        (x - w * 0.8, feet - h * 0.8, x + w * 0.8, feet - h * 0.15),
        radius=w * 0.5,
        fill=glass,
        outline=INK,
        width=max(1, round(w * 0.15)),
    )
    if on:
        s.draw.ellipse(
            (x - w * 0.3, feet - h * 0.6, x + w * 0.3, feet - h * 0.3), fill=(255, 250, 220)
        )
    s.draw.rectangle(
        (x - w * 0.9, feet - h * 0.9, x + w * 0.9, feet - h * 0.8),
        fill=s.c((60, 56, 50)),
        outline=INK,
    )
    s.draw.arc(
        (x - w * 0.6, feet - h * 1.2, x + w * 0.6, feet - h * 0.75), 180, 360, fill=INK, width=2
    )


def lamp(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    on = lit_up(s, "lamp")
    s.draw.line((x, feet, x, feet - 1.3 * m), fill=INK, width=max(1, round(m * 0.03)))
    s.draw.ellipse((x - 0.15 * m, feet - 0.04 * m, x + 0.15 * m, feet + 0.02 * m), fill=INK)
    shade = WARM["lamp"] if on else s.c(colour)
    s.draw.polygon(
        [
            (x - 0.14 * m, feet - 1.6 * m),
            (x + 0.14 * m, feet - 1.6 * m),
            (x + 0.24 * m, feet - 1.3 * m),
            (x - 0.24 * m, feet - 1.3 * m),
        ],
        fill=shade,
        outline=INK,
    )
    if on:
        s.glow_at(x, feet - 1.2 * m, max(30, m * 4), WARM["lamp"])
        halo(s, x, feet - 1.45 * m, 0.35 * m, WARM["lamp"])


def candle(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    on = lit_up(s, "candles")
    for dx in (-0.12, 0.0, 0.12):
        cx = x + dx * m * 2
        s.draw.rectangle(
            (cx - 0.03 * m, feet - 0.25 * m, cx + 0.03 * m, feet),
            fill=s.c((240, 232, 210)),
            outline=INK,
        )
        if on:
            s.draw.ellipse(
                (cx - 0.025 * m, feet - 0.33 * m, cx + 0.025 * m, feet - 0.25 * m),
                fill=(255, 220, 120),
            )
            halo(s, cx, feet - 0.3 * m, max(4.0, 0.08 * m), WARM["candles"])
    if on:
        s.glow_at(x, feet - 0.3 * m, max(16, m * 1.5), WARM["candles"])


def flashlight(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    s.draw.rectangle(
        (x - 0.12 * m, feet - 0.06 * m, x + 0.12 * m, feet), fill=s.c(colour), outline=INK
    )
    if lit_up(s, "flashlight"):
        draw_beam(
            s.picture,
            (x + 0.12 * m, feet - 0.03 * m),
            (x + 3 * m, feet - 0.6 * m),
            0.6 * m,
            WARM["flashlight"],
            150,
        )


def fire(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    """A small fire: logs and flames, glowing orange."""
    s.draw.line(
        (x - 0.4 * m, feet, x + 0.4 * m, feet - 0.1 * m),
        fill=s.c((90, 60, 40)),
        width=max(2, round(0.08 * m)),
    )
    s.draw.line(
        (x - 0.4 * m, feet - 0.1 * m, x + 0.4 * m, feet),
        fill=s.c((90, 60, 40)),
        width=max(2, round(0.08 * m)),
    )
    for dx, h, c in (
        (-0.15, 0.6, (255, 120, 30)),
        (0.12, 0.5, (255, 160, 40)),
        (0.0, 0.8, (255, 210, 90)),
    ):
        cx = x + dx * m
        s.draw.polygon(
            [
                (cx - 0.15 * m, feet - 0.05 * m),
                (cx + 0.15 * m, feet - 0.05 * m),
                (cx, feet - h * m),
            ],
            fill=c,
        )
    s.glow_at(x, feet - 0.4 * m, max(40, m * 4), WARM["fire"])
    halo(s, x, feet - 0.4 * m, 0.6 * m, WARM["fire"])


def bulb(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    """A bare bulb hanging on its flex from the top of the picture."""
    y = max(8.0, s.stage.horizon - 1.2 * m)
    s.draw.line((x, 0, x, y), fill=INK, width=1)
    r = max(4.0, 0.08 * m)
    s.draw.ellipse((x - r, y, x + r, y + r * 2.4), fill=WARM["bulb"], outline=INK)
    s.glow_at(x, y + r * 3, max(60, 5 * m), WARM["bulb"])
    halo(s, x, y + r * 1.2, r * 2.5, WARM["bulb"])


def neon(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    """A neon sign high on a wall, glowing pink."""
    y = max(10.0, s.stage.horizon - 1.5 * m)
    s.draw.rounded_rectangle(
        (x - 1.0 * m, y - 0.3 * m, x + 1.0 * m, y + 0.3 * m),
        radius=0.2 * m,
        outline=WARM["neon"],
        width=max(2, round(0.06 * m)),
    )
    s.glow_at(x, y, max(40, 3 * m), WARM["neon"])


def screen(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    """A screen on a stand, throwing cold blue light."""
    s.draw.rectangle(
        (x - 0.4 * m, feet - 1.1 * m, x + 0.4 * m, feet - 0.6 * m),
        fill=WARM["screen"],
        outline=INK,
        width=2,
    )
    s.draw.line((x, feet - 0.6 * m, x, feet), fill=INK, width=2)
    s.glow_at(x, feet - 0.85 * m, max(40, 3 * m), WARM["screen"])


def flood(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    """A work light on a tall stand, burning white."""
    s.draw.line((x, feet, x, feet - 3 * m), fill=INK, width=max(2, round(0.05 * m)))
    s.draw.rectangle(
        (x - 0.3 * m, feet - 3.3 * m, x + 0.3 * m, feet - 2.9 * m),
        fill=(255, 255, 240),
        outline=INK,
    )
    s.glow_at(x, feet - 2.5 * m, max(60, 6 * m), WARM["floodlight"])
    halo(s, x, feet - 3.1 * m, 0.5 * m, WARM["floodlight"])


def streetlight(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    """A street lamp on its post."""
    s.draw.line((x, feet, x, feet - 4.5 * m), fill=INK, width=max(2, round(0.06 * m)))
    s.draw.line(
        (x, feet - 4.5 * m, x + 0.6 * m, feet - 4.5 * m), fill=INK, width=max(2, round(0.05 * m))
    )
    s.draw.ellipse(
        (x + 0.4 * m, feet - 4.5 * m, x + 0.8 * m, feet - 4.3 * m), fill=WARM["streetlight"]
    )
    if lit_up(s, "streetlight"):
        s.glow_at(x + 0.6 * m, feet - 2 * m, max(50, 4 * m), WARM["streetlight"])
        halo(s, x + 0.6 * m, feet - 4.4 * m, 0.4 * m, WARM["streetlight"])


def flat(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    """Paper, photographs, charts: a sheet lying on the ground, drawn large enough to read."""
    w = 0.3 * m
    s.draw.polygon(
        [
            (x - w, feet),
            (x + w, feet),
            (x + w * 0.8, feet - w * 0.5),
            (x - w * 0.8, feet - w * 0.5),
        ],
        fill=s.c(colour),
        outline=INK,
    )
    s.draw.line((x - w * 0.5, feet - w * 0.25, x + w * 0.5, feet - w * 0.25), fill=INK, width=1)


def small(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    """Something held in a hand (a phone, a key, a compass): a small bright token."""
    r = max(3.0, 0.09 * m)
    s.draw.ellipse((x - r, feet - r * 2, x + r, feet), fill=s.c(colour), outline=INK, width=2)
    s.draw.line((x, feet - r, x + r * 0.6, feet - r * 1.6), fill=INK, width=1)


def long_thing(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    """Guns, tools, swords: a long shape leaning on the ground."""
    s.draw.line(
        (x - 0.5 * m, feet, x + 0.4 * m, feet - 0.35 * m),
        fill=s.c(colour),
        width=max(3, round(0.06 * m)),
    )
    s.draw.line((x - 0.5 * m, feet, x + 0.4 * m, feet - 0.35 * m), fill=INK, width=1)


def pole(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    """Flags and signs: a board or cloth on a post."""
    s.draw.line((x, feet, x, feet - 2.2 * m), fill=INK, width=max(2, round(0.05 * m)))
    s.draw.rectangle(
        (x, feet - 2.2 * m, x + 0.9 * m, feet - 1.6 * m), fill=s.c(colour), outline=INK
    )


def ladder(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    for dx in (-0.22, 0.22):
        s.draw.line((x + dx * m, feet, x + dx * m * 0.8, feet - 2.4 * m), fill=s.c(colour), width=3)
    for i in range(1, 8):
        y = feet - i * 0.3 * m
        s.draw.line((x - 0.21 * m, y, x + 0.21 * m, y), fill=s.c(colour), width=2)


def table(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    s.draw.rectangle(
        (x - 0.8 * m, feet - 0.78 * m, x + 0.8 * m, feet - 0.7 * m), fill=s.c(colour), outline=INK
    )
    for dx in (-0.7, 0.7):
        s.draw.line(
            (x + dx * m, feet - 0.7 * m, x + dx * m, feet), fill=INK, width=max(2, round(0.05 * m))
        )


def chair(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    s.draw.rectangle(
        (x - 0.25 * m, feet - 0.48 * m, x + 0.25 * m, feet - 0.42 * m),
        fill=s.c(colour),
        outline=INK,
    )
    s.draw.rectangle(
        (x + 0.19 * m, feet - 1.0 * m, x + 0.25 * m, feet), fill=s.c(colour), outline=INK
    )
    s.draw.line((x - 0.23 * m, feet - 0.42 * m, x - 0.23 * m, feet), fill=INK, width=2)


def bed(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    s.draw.rectangle(
        (x - 1.0 * m, feet - 0.55 * m, x + 1.0 * m, feet - 0.2 * m), fill=s.c(colour), outline=INK
    )
    s.draw.rectangle(
        (x - 1.0 * m, feet - 0.55 * m, x - 0.6 * m, feet - 0.4 * m),
        fill=s.c((250, 250, 250)),
        outline=INK,
    )
    for dx in (-0.95, 0.95):
        s.draw.line((x + dx * m, feet - 0.2 * m, x + dx * m, feet), fill=INK, width=2)


def panel(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    """Doors, windows, boards, mirrors: a framed upright panel."""
    s.draw.rectangle(
        (x - 0.5 * m, feet - 2.0 * m, x + 0.5 * m, feet), fill=s.c(colour), outline=INK, width=3
    )


def coffin(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    s.draw.polygon(
        [
            (x - 1.0 * m, feet - 0.2 * m),
            (x - 0.6 * m, feet - 0.55 * m),
            (x + 1.0 * m, feet - 0.45 * m),
            (x + 1.0 * m, feet),
            (x - 0.6 * m, feet),
        ],
        fill=s.c(colour),
        outline=INK,
    )


def flowers(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    for i in range(7):
        dx = (i - 3) * 0.06 * m
        s.draw.line((x, feet, x + dx, feet - 0.4 * m), fill=s.c((60, 120, 60)), width=2)
        s.draw.ellipse(
            (x + dx - 0.05 * m, feet - 0.46 * m, x + dx + 0.05 * m, feet - 0.36 * m),
            fill=s.c(colour),
        )


def wellhead(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    """An old stone well: a low round wall of stones with a dark mouth."""
    w, h = 0.6 * m, 0.55 * m
    s.draw.rectangle((x - w, feet - h, x + w, feet), fill=s.c(colour), outline=INK, width=2)
    for t in (0.33, 0.66):
        s.draw.line(
            (x - w, feet - h * t, x + w, feet - h * t), fill=mix(s.c(colour), INK, 0.4), width=1
        )
    s.draw.ellipse(
        (x - w, feet - h - w * 0.3, x + w, feet - h + w * 0.3), fill=s.c(colour, 1.1), outline=INK
    )
    s.draw.ellipse(
        (x - w * 0.7, feet - h - w * 0.18, x + w * 0.7, feet - h + w * 0.18), fill=(20, 24, 28)
    )


def buoy(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    r = 0.35 * m
    s.draw.ellipse((x - r, feet - r * 2, x + r, feet), fill=s.c(colour), outline=INK, width=2)
    s.draw.line((x, feet - r * 2, x, feet - r * 3), fill=INK, width=2)


def net(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    w, h = 0.9 * m, 0.5 * m
    for i in range(7):
        s.draw.line(
            (x - w + i * w / 3, feet, x - w * 0.5 + i * w / 4, feet - h), fill=s.c(colour), width=1
        )
        s.draw.line((x - w, feet - i * h / 6, x + w, feet - i * h / 7), fill=s.c(colour), width=1)


def rope(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    for r in (0.3, 0.22, 0.14):
        s.draw.ellipse(
            (x - r * m, feet - r * m * 0.5, x + r * m, feet + r * m * 0.1),
            outline=s.c(colour),
            width=3,
        )


def clock(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    r = 0.2 * m
    s.draw.ellipse(
        (x - r, feet - 2 * r, x + r, feet), fill=s.c((240, 236, 220)), outline=INK, width=2
    )
    s.draw.line((x, feet - r, x, feet - r * 1.7), fill=INK, width=2)
    s.draw.line((x, feet - r, x + r * 0.5, feet - r), fill=INK, width=2)


def umbrella(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    s.draw.pieslice(
        (x - 0.5 * m, feet - 1.8 * m, x + 0.5 * m, feet - 1.2 * m),
        180,
        360,
        fill=s.c(colour),
        outline=INK,
    )
    s.draw.line((x, feet - 1.5 * m, x, feet), fill=INK, width=2)


def guitar(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    s.draw.ellipse((x - 0.2 * m, feet - 0.45 * m, x + 0.2 * m, feet), fill=s.c(colour), outline=INK)
    s.draw.line((x, feet - 0.4 * m, x, feet - 1.0 * m), fill=INK, width=3)


# --- the table ----------------------------------------------------------------------------------

THINGS: dict[str, tuple[Drawer, RGB, float]] = {
    "lantern": (lantern, (60, 56, 50), 1.2),
    "lamp": (lamp, (220, 200, 160), 1.0),
    "candle": (candle, (240, 232, 210), 1.8),
    "candles": (candle, (240, 232, 210), 1.8),
    "flashlight": (flashlight, (60, 60, 66), 2.0),
    "fire": (fire, (255, 140, 50), 1.0),
    "phone": (small, (40, 40, 44), 1.6),
    "radio": (small, (60, 70, 60), 1.6),
    "gun": (long_thing, (50, 50, 54), 1.6),
    "knife": (long_thing, (200, 200, 206), 1.4),
    "compass": (small, (196, 160, 70), 1.8),
    "chart": (flat, (236, 228, 200), 1.5),
    "binoculars": (small, (40, 40, 40), 1.6),
    "camera": (small, (30, 30, 30), 1.6),
    "laptop": (flat, (120, 124, 130), 1.5),
    "book": (flat, (140, 50, 40), 1.5),
    "letter": (flat, (246, 242, 230), 1.5),
    "photograph": (flat, (220, 214, 200), 1.5),
    "bottle": (bottle, (60, 110, 60), 1.4),
    "glass": (cup, (200, 220, 230), 1.8),
    "mug": (cup, (236, 236, 230), 1.8),
    "jar": (bottle, (190, 210, 200), 1.2),
    "suitcase": (case, (120, 80, 50), 1.3),
    "bag": (bag, (90, 70, 50), 1.3),
    "briefcase": (case, (60, 40, 30), 1.3),
    "crate": (crate, (170, 130, 80), 1.0),
    "barrel": (barrel, (90, 100, 120), 1.0),
    "rope": (rope, (190, 160, 110), 1.3),
    "ladder": (ladder, (160, 160, 166), 1.0),
    "table": (table, (160, 110, 70), 1.0),
    "chair": (chair, (130, 90, 60), 1.0),
    "bed": (bed, (200, 200, 210), 1.0),
    "desk": (table, (120, 90, 60), 1.0),
    "door": (panel, (122, 84, 56), 1.0),
    "window": (panel, (160, 190, 210), 1.0),
    "umbrella": (umbrella, (40, 40, 60), 1.0),
    "cigarette": (small, (240, 240, 240), 1.6),
    "key": (small, (220, 40, 40), 1.8),
    "money": (flat, (140, 180, 130), 1.5),
    "clock": (clock, (240, 236, 220), 1.5),
    "flag": (pole, (200, 50, 50), 1.0),
    "sign": (pole, (240, 220, 90), 1.0),
    "buoy": (buoy, (240, 120, 30), 1.0),
    "net": (net, (90, 120, 100), 1.0),
    "bucket": (barrel, (160, 160, 170), 0.6),
    "shovel": (long_thing, (120, 100, 80), 1.4),
    "axe": (long_thing, (140, 90, 60), 1.4),
    "sword": (long_thing, (210, 210, 216), 1.4),
    "badge": (small, (210, 180, 60), 1.8),
    "guitar": (guitar, (180, 110, 60), 1.2),
    "flowers": (flowers, (220, 60, 90), 1.5),
    "coffin": (coffin, (110, 70, 44), 1.0),
    "fire extinguisher": (bottle, (210, 30, 30), 2.0),
    "whiteboard": (panel, (246, 246, 244), 1.0),
    "wellhead": (wellhead, (150, 146, 134), 1.0),
    "meter": (small, (230, 200, 60), 1.6),
    "corer": (long_thing, (170, 170, 176), 1.6),
    "first-aid kit": (case, (220, 220, 220), 1.0),
    "tray": (flat, (180, 180, 186), 1.4),
    "mirror": (panel, (190, 210, 220), 1.0),
    "bulb": (bulb, (255, 226, 170), 1.0),
    "neon": (neon, (255, 70, 170), 1.0),
    "screen": (screen, (130, 170, 255), 1.0),
    "floodlight": (flood, (255, 255, 240), 1.0),
    "streetlight": (streetlight, (255, 190, 110), 1.0),
    "car": (car, (150, 40, 40), 1.0),
    "taxi": (taxi, (240, 200, 40), 1.0),
    "truck": (truck, (70, 90, 120), 1.0),
    "van": (van, (230, 230, 226), 1.0),
    "bus": (bus, (200, 50, 40), 1.0),
    "motorcycle": (motorcycle, (40, 40, 44), 1.0),
    "bicycle": (bicycle, (60, 110, 160), 1.0),
    "ambulance": (ambulance, (240, 240, 236), 1.0),
    "fire engine": (truck, (210, 30, 30), 1.0),
    "tractor": (tractor, (60, 140, 60), 1.0),
    "boat": (boat, (200, 200, 190), 1.0),
    "ship": (ship, (90, 60, 50), 1.0),
    "ferry": (ship, (236, 236, 230), 1.0),
    "barge": (barge, (110, 70, 50), 1.0),
    "yacht": (yacht, (246, 246, 240), 1.0),
    "helicopter": (helicopter, (60, 70, 80), 1.0),
    "plane": (plane, (236, 236, 240), 1.0),
    "train": (train, (60, 90, 130), 1.0),
}
"""Every prop and vehicle: its pictogram, its colour, and how much larger than life it is
drawn (small things are enlarged so a storyboard reads them)."""

VEHICLES = {
    "car",
    "taxi",
    "truck",
    "van",
    "bus",
    "motorcycle",
    "bicycle",
    "ambulance",
    "fire engine",
    "tractor",
    "boat",
    "ship",
    "ferry",
    "barge",
    "yacht",
    "helicopter",
    "plane",
    "train",
}
AFLOAT = {"boat", "ship", "ferry", "barge", "yacht"}
LIGHT_PROPS = {
    "lantern": "lantern",
    "lamp": "lamp",
    "candles": "candles",
    "fire": "fire",
    "flashlight": "flashlight",
    "bulb": "bulb",
    "neon": "neon",
    "screen": "screen",
    "streetlight": "streetlight",
}
"""Light sources a shot names that stand in the set as things."""


def draw_thing(s: Set, name: str, x: float, feet: float, scale: float = 1.0) -> bool:
    """Draw one prop or vehicle standing at (x, feet); False when it has no pictogram."""
    entry = THINGS.get(name)
    if entry is None:
        return False
    drawer, colour, enlarge = entry
    drawer(s, x, feet, s.metre(feet) * enlarge * scale, colour)
    return True


def things_to_draw(shot: Shot) -> list[str]:
    """The props and vehicles to stand in the set: those named, plus the light sources named
    that are things (a lantern, candles, a fire) and a car for headlights with no vehicle."""
    things = [
        thing
        for thing in shot.props
        if thing not in _ARCHITECTURE and thing not in _IS_THE_SETTING.get(shot.setting, ())
    ]
    for source in shot.light:
        thing = LIGHT_PROPS.get(source)
        if (
            thing is not None
            and thing not in things
            and not (thing == "candles" and "candle" in things)
        ):
            things.append(thing)
    if "headlights" in shot.light and not any(t in VEHICLES for t in things) and not shot.interior:
        things.append("car")
    return things


_FAR = {"barge", "ship", "ferry"}
"""Big vessels lie off, near the horizon."""
_ARCHITECTURE = {"door", "window"}
"""Parts of the set rather than things in it: rooms and buildings draw their own."""
_IS_THE_SETTING = {
    "boat": ("boat",),
    "harbour": ("boat",),
    "ship deck": ("ship", "ferry", "barge"),
    "car interior": ("car", "taxi"),
    "truck interior": ("truck", "van"),
    "bus": ("bus",),
    "train": ("train",),
}
"""Vehicles a setting already is: the boat of a scene set in a boat is the one we stand in."""
MOST_THINGS = {"wide": 7, "medium": 4, "close-up": 2, "over-the-shoulder": 2}
"""How many props a framing has room for; the first named are the ones shown."""


def place_things(
    s: Set, shot: Shot, layout: random.Random, focus: tuple[int, int, int, int] | None
) -> list[Tag]:
    """Stand the shot's props and vehicles in the set (inside `focus` when a region is being
    redrawn); returns the labels to letter, including props that have no pictogram."""
    st = s.stage
    labels: list[Tag] = []
    things = [t for t in things_to_draw(shot) if t in THINGS]
    unknown = [t for t in things_to_draw(shot) if t not in THINGS]
    things = things[: MOST_THINGS.get(shot.framing, 7)]
    if focus is not None:
        # the region is where the latest addition ("add a lantern") stands; the rest stay put
        newest = next(reversed([t for t in things_to_draw(shot) if t in THINGS]), None)
        if newest is not None and newest not in things:
            things.append(newest)
    else:
        newest = None
    close = shot.framing in {"close-up", "over-the-shoulder"}
    slots = [0.14, 0.86, 0.3, 0.7, 0.06, 0.94, 0.22, 0.78]
    layout.shuffle(slots)
    small_index = 0
    drawn: list[tuple[str, float, float, float]] = []
    for name in things:
        # every place is drawn from the layout whether or not it is used, so places never shift
        vehicle_t = layout.uniform(0.02, 0.06) if name in _FAR else layout.uniform(0.22, 0.4)
        vehicle_x = st.width * layout.choice((0.2, 0.78, 0.5))
        prop_t = 0.92 if close else layout.uniform(0.7, 0.88)
        if name == newest and focus is not None:
            x0, y0, x1, y1 = focus
            x = (x0 + x1) / 2
            feet = min(max(y1 - (y1 - y0) * 0.12, st.horizon + 4), st.height - 2)
            scale = _fit_scale(s, name, feet, (x1 - x0) * 0.8, (y1 - y0) * 0.8)
            s.glow_limit = min(x1 - x0, y1 - y0) * 0.45
        elif name in VEHICLES:
            if shot.interior:
                continue
            feet, x, scale = s.ground_at(vehicle_t), vehicle_x, 1.0
        else:
            feet = s.ground_at(prop_t)
            if s.backdrop.interior:
                feet = max(feet, s.backdrop.floor_y + 6)
            places = slots if not close and shot.framing != "medium" else _EDGES
            x = st.width * places[small_index % len(places)]
            small_index += 1
            scale = 0.5 if close else 1.0
        draw_thing(s, name, x, feet, scale)
        s.glow_limit = None
        drawn.append((name, x, feet, scale))
    for name, x, feet, _ in drawn:
        if name not in shot.props:
            continue  # a light source named in the light: its glow says what it is
        below = round(min(feet + 4, st.height - 20))
        labels.append(
            Tag(
                name,
                round(x),
                round(focus[1] + (focus[3] - focus[1]) * 0.3)
                if name == newest and focus
                else below,
            )
        )
    for i, name in enumerate(unknown):
        labels.append(Tag(name, round(st.width * (0.12 + 0.2 * (i % 5))), 6 + 22 * (i // 5)))
    return labels


_EDGES = (0.06, 0.94, 0.15, 0.85)
"""Where props stand when people fill the middle of the frame."""


def _fit_scale(s: Set, name: str, feet: float, width: float, height: float) -> float:
    """How much to shrink a thing so it fits a region being redrawn."""
    _, _, enlarge = THINGS[name]
    metre = s.metre(feet) * enlarge
    size = 6.0 if name in VEHICLES else 0.9
    return max(0.2, min(1.0, width / (size * metre), height / (size * metre)))
