"""Vehicles side-on in perspective: cars and trucks with their headlights, boats, barges floodlit
at night, buses, trains, planes. Props too: `Depiction.props` holds props and vehicles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tools.backends.previz.canvas import INK, RGB, glow
from tools.backends.previz.light import WARM, draw_beam

if TYPE_CHECKING:
    from tools.backends.previz.canvas import Set


def lit_up(s: Set, source: str) -> bool:
    dark = s.light.night or s.light.sun is None or s.light.sun_height < 0.3
    return source in s.sources or dark


def halo(s: Set, x: float, y: float, radius: float, colour: RGB) -> None:
    """A bright core that burns out the middle of a practical light."""
    glow(s.picture, (x, y), radius * 2, colour, 0.95)


def _wheel(s: Set, x: float, y: float, r: float) -> None:
    s.draw.ellipse((x - r, y - r, x + r, y + r), fill=INK)
    s.draw.ellipse(
        (x - r * 0.45, y - r * 0.45, x + r * 0.45, y + r * 0.45), fill=s.c((150, 150, 150))
    )


def _headlights(s: Set, x: float, y: float, m: float, direction: int) -> None:
    if lit_up(s, "headlights"):
        draw_beam(
            s.picture,
            (x, y),
            (x + direction * 9 * m, y + 0.8 * m),
            2.2 * m,
            WARM["headlights"],
            170,
        )
        halo(s, x, y, 0.35 * m, WARM["headlights"])
    s.draw.ellipse((x - 0.12 * m, y - 0.1 * m, x + 0.12 * m, y + 0.1 * m), fill=(255, 250, 230))


def car(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    """A saloon side-on: body, cabin with windows, wheels, and its headlights."""
    length, direction = 4.4 * m, 1 if x < s.stage.vanish_x else -1
    body = s.c(colour)
    x0, x1 = x - length / 2, x + length / 2
    s.draw.rounded_rectangle(
        (x0, feet - 1.0 * m, x1, feet - 0.25 * m), radius=0.2 * m, fill=body, outline=INK, width=2
    )
    cab = [
        (x0 + 1.0 * m, feet - 1.0 * m),
        (x0 + 1.5 * m, feet - 1.5 * m),
        (x1 - 1.4 * m, feet - 1.5 * m),
        (x1 - 0.9 * m, feet - 1.0 * m),
    ]
    s.draw.polygon(cab, fill=body, outline=INK)
    glass = s.c((150, 180, 200)) if not s.light.night else (40, 50, 70)
    s.draw.polygon(
        [
            (x0 + 1.2 * m, feet - 1.02 * m),
            (x0 + 1.6 * m, feet - 1.4 * m),
            (x1 - 1.5 * m, feet - 1.4 * m),
            (x1 - 1.1 * m, feet - 1.02 * m),
        ],
        fill=glass,
        outline=INK,
    )
    for wx in (x0 + 0.9 * m, x1 - 0.9 * m):
        _wheel(s, wx, feet - 0.3 * m, 0.33 * m)
    _headlights(s, x1 - 0.1 * m if direction > 0 else x0 + 0.1 * m, feet - 0.7 * m, m, direction)


def taxi(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    car(s, x, feet, m, colour)
    s.draw.rectangle(
        (x - 0.3 * m, feet - 1.75 * m, x + 0.3 * m, feet - 1.5 * m),
        fill=(250, 240, 160),
        outline=INK,
    )


def truck(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    """A pickup or lorry: tall cab, long load bed, big wheels."""
    length, direction = 6.0 * m, 1 if x < s.stage.vanish_x else -1
    x0, x1 = x - length / 2, x + length / 2
    cab_x = x1 - 1.8 * m if direction > 0 else x0
    s.draw.rectangle(
        (
            x0 if direction > 0 else x0 + 1.8 * m,
            feet - 1.1 * m,
            x1 - 1.8 * m if direction > 0 else x1,
            feet - 0.4 * m,
        ),
        fill=s.c(colour, 0.8),
        outline=INK,
        width=2,
    )
    s.draw.rectangle(
        (cab_x, feet - 2.2 * m, cab_x + 1.8 * m, feet - 0.4 * m),
        fill=s.c(colour),
        outline=INK,
        width=2,
    )
    s.draw.rectangle(
        (cab_x + 0.3 * m, feet - 2.0 * m, cab_x + 1.5 * m, feet - 1.4 * m),
        fill=s.c((150, 180, 200)) if not s.light.night else (40, 50, 70),
        outline=INK,
    )
    for wx in (x0 + 1.0 * m, x1 - 1.0 * m):
        _wheel(s, wx, feet - 0.45 * m, 0.45 * m)
    _headlights(s, x1 - 0.1 * m if direction > 0 else x0 + 0.1 * m, feet - 0.9 * m, m, direction)


def van(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    length, direction = 5.0 * m, 1 if x < s.stage.vanish_x else -1
    x0, x1 = x - length / 2, x + length / 2
    s.draw.rounded_rectangle(
        (x0, feet - 2.1 * m, x1, feet - 0.3 * m),
        radius=0.3 * m,
        fill=s.c(colour),
        outline=INK,
        width=2,
    )
    wx = x1 - 1.3 * m if direction > 0 else x0 + 0.3 * m
    s.draw.rectangle(
        (wx, feet - 1.9 * m, wx + m, feet - 1.3 * m),
        fill=s.c((150, 180, 200)) if not s.light.night else (40, 50, 70),
        outline=INK,
    )
    for wx2 in (x0 + 0.9 * m, x1 - 0.9 * m):
        _wheel(s, wx2, feet - 0.35 * m, 0.36 * m)
    _headlights(s, x1 - 0.1 * m if direction > 0 else x0 + 0.1 * m, feet - 0.7 * m, m, direction)


def ambulance(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    van(s, x, feet, m, colour)
    s.draw.rectangle((x - 0.5 * m, feet - 1.5 * m, x + 0.5 * m, feet - 1.2 * m), fill=(210, 30, 30))
    s.draw.rectangle(
        (x - 0.15 * m, feet - 1.85 * m, x + 0.15 * m, feet - 0.85 * m), fill=(210, 30, 30)
    )


def bus(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    length = 10.0 * m
    x0, x1 = x - length / 2, x + length / 2
    s.draw.rounded_rectangle(
        (x0, feet - 3.0 * m, x1, feet - 0.3 * m),
        radius=0.3 * m,
        fill=s.c(colour),
        outline=INK,
        width=2,
    )
    for i in range(8):
        wx = x0 + 0.4 * m + i * 1.2 * m
        s.draw.rectangle(
            (wx, feet - 2.7 * m, wx + m, feet - 1.8 * m),
            fill=s.c((150, 180, 200)) if not s.light.night else (255, 220, 150),
            outline=INK,
        )
    for wx in (x0 + 1.5 * m, x1 - 1.5 * m):
        _wheel(s, wx, feet - 0.45 * m, 0.5 * m)


def motorcycle(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    _wheel(s, x - 0.7 * m, feet - 0.32 * m, 0.32 * m)
    _wheel(s, x + 0.7 * m, feet - 0.32 * m, 0.32 * m)
    s.draw.polygon(
        [
            (x - 0.6 * m, feet - 0.4 * m),
            (x + 0.5 * m, feet - 0.4 * m),
            (x + 0.3 * m, feet - 0.8 * m),
            (x - 0.4 * m, feet - 0.75 * m),
        ],
        fill=s.c(colour),
        outline=INK,
    )
    s.draw.line((x + 0.5 * m, feet - 0.4 * m, x + 0.6 * m, feet - 1.0 * m), fill=INK, width=3)


def bicycle(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    for wx in (x - 0.5 * m, x + 0.5 * m):
        s.draw.ellipse((wx - 0.33 * m, feet - 0.66 * m, wx + 0.33 * m, feet), outline=INK, width=2)
    s.draw.line(
        (
            x - 0.5 * m,
            feet - 0.33 * m,
            x,
            feet - 0.33 * m,
            x + 0.5 * m,
            feet - 0.33 * m,
            x + 0.35 * m,
            feet - 0.9 * m,
        ),
        fill=s.c(colour),
        width=3,
    )


def tractor(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    s.draw.rectangle(
        (x - 1.2 * m, feet - 1.4 * m, x + 0.6 * m, feet - 0.6 * m),
        fill=s.c(colour),
        outline=INK,
        width=2,
    )
    s.draw.rectangle(
        (x - 1.2 * m, feet - 2.4 * m, x - 0.2 * m, feet - 1.4 * m), outline=INK, width=3
    )
    _wheel(s, x - 0.8 * m, feet - 0.7 * m, 0.7 * m)
    _wheel(s, x + 0.5 * m, feet - 0.4 * m, 0.4 * m)


def draw_boat(
    s: Set, x: float, feet: float, length: float, direction: int, hull: RGB = (200, 200, 190)
) -> None:
    """A small boat on the water side-on: hull, a wheelhouse, a mast; floats at `feet`."""
    h = length * 0.22
    bow = x + direction * length / 2
    stern = x - direction * length / 2
    s.draw.polygon(
        [
            (stern, feet - h),
            (bow + direction * length * 0.08, feet - h * 1.2),
            (bow - direction * length * 0.1, feet),
            (stern + direction * length * 0.05, feet),
        ],
        fill=s.c(hull),
        outline=INK,
    )
    s.draw.line(
        (stern, feet - h * 0.75, bow, feet - h * 0.8),
        fill=s.c((250, 250, 250)),
        width=max(1, round(h * 0.1)),
    )
    cabin_x = x - direction * length * 0.15
    s.draw.rectangle(
        (cabin_x - length * 0.1, feet - h * 2.1, cabin_x + length * 0.1, feet - h),
        fill=s.c((230, 228, 220)),
        outline=INK,
    )
    s.draw.line(
        (x + direction * length * 0.1, feet - h, x + direction * length * 0.1, feet - h * 4),
        fill=INK,
        width=2,
    )


def boat(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    draw_boat(s, x, feet, 5.0 * m, 1 if x < s.stage.vanish_x else -1, colour)


def ship(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    length = 30 * m
    s.draw.polygon(
        [
            (x - length / 2, feet - 3 * m),
            (x + length / 2, feet - 3.5 * m),
            (x + length * 0.45, feet),
            (x - length * 0.48, feet),
        ],
        fill=s.c(colour),
        outline=INK,
    )
    s.draw.rectangle(
        (x - length * 0.35, feet - 7 * m, x - length * 0.15, feet - 3 * m),
        fill=s.c((236, 234, 226)),
        outline=INK,
    )
    s.draw.rectangle(
        (x - length * 0.3, feet - 10 * m, x - length * 0.25, feet - 7 * m),
        fill=s.c((60, 60, 60)),
        outline=INK,
    )


def barge(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    """A dredge barge: a long steel hull, a wheelhouse, a black crane arm; floodlit at night."""
    length = 26 * m
    x0, x1 = x - length / 2, x + length / 2
    s.draw.rectangle((x0, feet - 2.2 * m, x1, feet), fill=s.c(colour), outline=INK, width=2)
    s.draw.rectangle(
        (x1 - 6 * m, feet - 6 * m, x1 - 2 * m, feet - 2.2 * m),
        fill=s.c((200, 200, 196)),
        outline=INK,
    )
    s.draw.line(
        (x0 + 8 * m, feet - 2.2 * m, x0 + 3 * m, feet - 12 * m),
        fill=INK,
        width=max(2, round(0.4 * m)),
    )
    s.draw.line(
        (x0 + 3 * m, feet - 12 * m, x0 + 14 * m, feet - 9 * m),
        fill=INK,
        width=max(2, round(0.3 * m)),
    )
    if s.light.night or "floodlight" in s.sources:
        for fx in (0.2, 0.5, 0.8):
            lx = x0 + length * fx
            s.draw.ellipse(
                (lx - 0.5 * m, feet - 7 * m, lx + 0.5 * m, feet - 6 * m), fill=(255, 255, 240)
            )
            s.glow_at(lx, feet - 4 * m, 12 * m, WARM["floodlight"])
            halo(s, lx, feet - 6.5 * m, 1.5 * m, WARM["floodlight"])


def yacht(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    draw_boat(s, x, feet, 8 * m, 1, colour)
    s.draw.polygon(
        [(x + 0.8 * m, feet - 2 * m), (x + 0.8 * m, feet - 9 * m), (x + 4 * m, feet - 2 * m)],
        fill=s.c((246, 246, 240)),
        outline=INK,
    )


def helicopter(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    y = feet - 8 * m
    s.draw.ellipse((x - 2 * m, y - m, x + 1.5 * m, y + m), fill=s.c(colour), outline=INK)
    s.draw.line(
        (x + 1.5 * m, y, x + 5 * m, y - 0.4 * m), fill=s.c(colour), width=max(2, round(0.4 * m))
    )
    s.draw.line((x - 4 * m, y - 1.3 * m, x + 4 * m, y - 1.3 * m), fill=INK, width=2)


def plane(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    y = feet - 2.5 * m
    s.draw.rounded_rectangle(
        (x - 12 * m, y - 1.5 * m, x + 12 * m, y + 1.5 * m),
        radius=1.5 * m,
        fill=s.c(colour),
        outline=INK,
    )
    s.draw.polygon(
        [(x - 2 * m, y), (x + 2 * m, y), (x - 4 * m, y + 4 * m)], fill=s.c(colour), outline=INK
    )
    s.draw.polygon(
        [(x - 12 * m, y - 1.5 * m), (x - 10 * m, y - 1.5 * m), (x - 12 * m, y - 5 * m)],
        fill=s.c(colour),
        outline=INK,
    )


def train(s: Set, x: float, feet: float, m: float, colour: RGB) -> None:
    length = 20 * m
    x0 = x - length / 2
    s.draw.rectangle(
        (x0, feet - 3.6 * m, x0 + length, feet - 0.5 * m), fill=s.c(colour), outline=INK, width=2
    )
    for i in range(10):
        wx = x0 + 0.6 * m + i * 1.9 * m
        s.draw.rectangle(
            (wx, feet - 3.0 * m, wx + 1.3 * m, feet - 2.0 * m),
            fill=s.c((150, 180, 200)) if not s.light.night else (255, 220, 150),
            outline=INK,
        )
