"""A room in one-point perspective and the furniture that names it (pews and an altar, a bar
counter, a hospital bed, racks of crates …), and the cab of a car or truck."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from tools.backends.previz.canvas import (
    INK,
    LAMP,
    RGB,
    ROOM_DEPTH,
    Set,
    gradient,
    mix,
)
from tools.backends.previz.light import draw_sky
from tools.backends.previz.places import Inside, Outside
from tools.backends.previz.settings import draw_outside

# --- inside ----------------------------------------------------------------------------------


class Room:
    """The room's geometry in one-point perspective, to place furniture in metres."""

    def __init__(self, s: Set, floor_y: float, ceiling_y: float, half: float) -> None:
        self.s = s
        self.floor_y = floor_y
        self.ceiling_y = ceiling_y
        self.half = half
        self.left = s.stage.vanish_x - half
        self.right = s.stage.vanish_x + half

    def point(self, across: float, up: float, depth: float) -> tuple[float, float]:
        """Where a point lands, in metres across, up and in from the camera; the back wall
        stands `ROOM_DEPTH` metres away with its foot at `floor_y`."""
        st = self.s.stage
        metre = (self.floor_y - st.horizon) / st.camera_height * ROOM_DEPTH / depth
        return (st.vanish_x + across * metre, st.horizon + (st.camera_height - up) * metre)

    def block(
        self,
        across: float,
        depth: float,
        wide: float,
        deep: float,
        tall: float,
        colour: RGB,
        up: float = 0.0,
    ) -> None:
        """A box standing in the room (tables, counters, beds, pews), lit and inked."""
        s = self.s
        fill, top = s.c(colour), s.c(colour, 1.15)
        back, front = depth + deep / 2, depth - deep / 2
        corners = [
            self.point(across + dx, up + tall, d)
            for dx, d in (
                (-wide / 2, back),
                (wide / 2, back),
                (wide / 2, front),
                (-wide / 2, front),
            )
        ]
        s.draw.polygon(corners, fill=top, outline=INK)
        a = self.point(across - wide / 2, up + tall, front)
        b = self.point(across + wide / 2, up, front)
        s.draw.rectangle((a[0], a[1], b[0], b[1]), fill=fill, outline=INK)

    def on_wall(
        self, fx0: float, fy0: float, fx1: float, fy1: float
    ) -> tuple[float, float, float, float]:
        """A box on the back wall given as fractions of its width and height."""
        w, h = self.right - self.left, self.floor_y - self.ceiling_y
        return (
            self.left + w * fx0,
            self.ceiling_y + h * fy0,
            self.left + w * fx1,
            self.ceiling_y + h * fy1,
        )


def draw_inside(s: Set, inside: Inside) -> None:
    """A room in one-point perspective: back wall (window, door), floor, ceiling, furniture."""
    st = s.stage
    width, height, horizon, vx = st.width, st.height, st.horizon, st.vanish_x
    if "dashboard" in inside.features:
        _vehicle_cab(s, inside)
        return
    floor_y = horizon + round((height - horizon) * 0.3)
    ceiling_y = horizon - round((floor_y - horizon) * (2.7 - st.camera_height) / st.camera_height)
    half = round(width * 0.3)
    room = Room(s, floor_y, ceiling_y, half)
    left, right = room.left, room.right

    def far(x: float, y: float) -> tuple[float, float]:
        return (vx + (x - vx) * 12, horizon + (y - horizon) * 12)

    wall = s.c(inside.wall)
    line = mix(wall, INK, 0.45)
    s.draw.rectangle((0, 0, width, height), fill=s.c(inside.wall, 0.84))
    s.draw.polygon(
        [(left, ceiling_y), (right, ceiling_y), far(right, ceiling_y), far(left, ceiling_y)],
        fill=s.c(mix(inside.wall, (240, 236, 226), 0.5), 0.92),
    )
    floor = s.c(inside.floor)
    s.draw.polygon(
        [(left, floor_y), (right, floor_y), far(right, floor_y), far(left, floor_y)], fill=floor
    )
    for i in range(-5, 6):
        x = vx + i * half / 5
        s.draw.line(((x, floor_y), far(x, floor_y)), fill=mix(floor, INK, 0.3), width=1)
    s.draw.rectangle((left, ceiling_y, right, floor_y), fill=wall)
    for corner in ((left, ceiling_y), (right, ceiling_y), (left, floor_y), (right, floor_y)):
        s.draw.line((corner, far(*corner)), fill=line, width=2)
    s.draw.rectangle((left, ceiling_y, right, floor_y), outline=line, width=2)
    s.backdrop.floor_y = floor_y + round(height * 0.04)
    s.backdrop.interior = True
    window_side = s.rng.choice((-1, 1))
    if inside.window != "none":
        size = 0.12 if inside.window == "small" else 0.24
        window_x = vx + window_side * half * s.rng.uniform(0.3, 0.5)
        wh = floor_y - ceiling_y
        box = (
            round(window_x - half * size),
            round(ceiling_y + wh * 0.16),
            round(window_x + half * size),
            round(floor_y - wh * (0.36 if size > 0.2 else 0.6)),
        )
        s.backdrop.sun_x = round(window_x)
        s.backdrop.windows.append(box)
        _window(s, box, inside.window)
        if not s.light.night and s.light.sun is not None:
            mask = Image.new("L", s.picture.size, 0)
            reach = (height - floor_y) * 0.7
            drift = (window_x - vx) * 0.6
            ImageDraw.Draw(mask).polygon(
                [
                    (box[0], floor_y + 2),
                    (box[2], floor_y + 2),
                    (box[2] + drift + half * size, floor_y + reach),
                    (box[0] + drift - half * size, floor_y + reach),
                ],
                fill=60,
            )
            s.picture.paste(s.c((255, 240, 210)), (0, 0), mask.filter(ImageFilter.GaussianBlur(8)))
    for feature in inside.features:
        FEATURES_IN.get(feature, lambda room, side: None)(room, window_side)


def _window(s: Set, box: tuple[int, int, int, int], view: str) -> None:
    """A window onto the time of day: its sky, what lies outside (sea, land, city), its frame."""
    x0, y0, x1, y1 = box
    if x1 - x0 < 6 or y1 - y0 < 6:
        return
    outside_horizon = y0 + round((y1 - y0) * 0.7)
    s.picture.paste(
        gradient((x1 - x0, outside_horizon - y0), s.light.sky_top, s.light.sky_horizon), (x0, y0)
    )
    draw_sky(
        s.picture, (x0, y0, x1, outside_horizon), s.light, s.backdrop.sun_x, s.take, s.overcast
    )
    below = {"sea": (36, 84, 120), "city": (100, 100, 110), "runway": (90, 92, 96)}.get(
        view, (84, 112, 80)
    )
    s.draw.rectangle(
        (x0, outside_horizon, x1, y1), fill=mix(s.c(below), s.c(s.light.sky_horizon), 0.3)
    )
    frame = s.c((240, 236, 226))
    s.draw.rectangle(box, outline=frame, width=4)
    s.draw.line(((x0 + x1) / 2, y0, (x0 + x1) / 2, y1), fill=frame, width=3)
    s.draw.line((x0, (y0 + y1) / 2, x1, (y0 + y1) / 2), fill=frame, width=3)
    s.draw.rectangle(box, outline=INK, width=1)


def _door(room: Room, side: int) -> None:
    s = room.s
    wh = room.floor_y - room.ceiling_y
    x = s.stage.vanish_x - side * room.half * 0.6
    dh = room.half * 0.13
    s.draw.rectangle(
        (x - dh, room.floor_y - wh * 0.74, x + dh, room.floor_y),
        fill=s.c((122, 84, 56)),
        outline=INK,
        width=2,
    )
    s.draw.ellipse(
        (
            x + dh * 0.5 - 2,
            room.floor_y - wh * 0.37 - 2,
            x + dh * 0.5 + 2,
            room.floor_y - wh * 0.37 + 2,
        ),
        fill=s.c((210, 180, 90)),
    )


def _wall_pattern(
    room: Room,
    box: tuple[float, float, float, float],
    colour: RGB,
    rows: int,
    cols: int,
    items: tuple[RGB, ...],
) -> None:
    s = room.s
    s.draw.rectangle(box, fill=s.c(colour), outline=INK)
    x0, y0, x1, y1 = box
    for r in range(rows):
        y = y0 + (r + 1) * (y1 - y0) / rows
        s.draw.line((x0, y, x1, y), fill=INK, width=2)
        for col in range(cols):
            cx = x0 + (col + 0.5) * (x1 - x0) / cols
            h = (y1 - y0) / rows * s.rng.uniform(0.5, 0.85)
            s.draw.rectangle(
                (cx - (x1 - x0) / cols * 0.3, y - h, cx + (x1 - x0) / cols * 0.3, y - 1),
                fill=s.c(s.rng.choice(items)),
            )


def _shelves(room: Room, side: int, bottles: bool = False) -> None:
    box = (
        room.on_wall(0.05, 0.12, 0.42 if side > 0 else 0.95, 0.75)
        if side < 0
        else room.on_wall(0.55, 0.12, 0.95, 0.75)
    )
    items = (
        ((60, 120, 60), (150, 90, 40), (200, 190, 140), (90, 60, 40))
        if bottles
        else ((160, 50, 40), (40, 70, 130), (200, 170, 80), (60, 100, 60), (120, 90, 60))
    )
    _wall_pattern(room, box, (110, 80, 56), 4, 12 if bottles else 16, items)


def _bar_counter(room: Room, side: int) -> None:
    room.block(side * -0.3, 3.8, 3.6, 0.6, 1.1, (100, 60, 40))
    s = room.s
    if s.light.night or s.light.sun is None:
        a = room.point(-side * 0.3 - 1.8, 2.2, 4.0)
        b = room.point(-side * 0.3 + 1.8, 2.2, 4.0)
        for t in (0.2, 0.5, 0.8):
            x, y = a[0] + (b[0] - a[0]) * t, a[1]
            s.draw.ellipse((x - 5, y - 5, x + 5, y + 5), fill=LAMP, outline=INK)
            s.glow_at(x, y + 10, s.stage.width * 0.12)


def _table(room: Room, side: int) -> None:
    s = room.s
    across = side * 1.2
    back, front = ROOM_DEPTH - 1.6, ROOM_DEPTH - 2.4
    dark = s.c((112, 76, 50))
    for leg in (across - 0.7, across + 0.7):
        for depth in (back, front):
            foot, knee = room.point(leg, 0, depth), room.point(leg, 0.75, depth)
            s.draw.line((foot, knee), fill=dark, width=max(2, round((foot[1] - knee[1]) * 0.06)))
    room.block(across, (back + front) / 2, 1.5, back - front, 0.07, (170, 120, 80), up=0.68)


def _bed(room: Room, side: int) -> None:
    room.block(side * 1.0, ROOM_DEPTH - 1.0, 1.6, 2.0, 0.55, (236, 232, 224))
    room.block(side * 1.0, ROOM_DEPTH - 1.3, 1.62, 1.4, 0.58, (96, 120, 150))
    room.block(side * 1.0, ROOM_DEPTH - 0.05, 1.7, 0.1, 1.1, (110, 80, 60))


def _hospital_bed(room: Room, side: int) -> None:
    room.block(side * 0.9, ROOM_DEPTH - 1.2, 1.0, 2.0, 0.7, (240, 244, 246))
    room.block(side * 0.9, ROOM_DEPTH - 1.5, 1.02, 1.3, 0.72, (170, 200, 214))


def _curtain(room: Room, side: int) -> None:
    box = room.on_wall(0.0, 0.0, 0.3, 1.0) if side > 0 else room.on_wall(0.7, 0.0, 1.0, 1.0)
    s = room.s
    s.draw.rectangle(box, fill=s.c((150, 200, 190)), outline=INK)
    for i in range(1, 6):
        x = box[0] + (box[2] - box[0]) * i / 6
        s.draw.line((x, box[1], x, box[3]), fill=s.c((110, 160, 150)), width=2)


def _monitor(room: Room, side: int) -> None:
    s = room.s
    x, y = room.point(side * 2.0, 1.5, ROOM_DEPTH - 0.3)
    s.draw.rectangle((x - 18, y - 14, x + 18, y + 14), fill=INK)
    s.draw.line(
        (x - 14, y, x - 6, y, x - 3, y - 8, x + 2, y + 8, x + 5, y, x + 14, y),
        fill=(80, 250, 120),
        width=2,
    )


def _desk(room: Room, side: int) -> None:
    room.block(side * 1.0, ROOM_DEPTH - 1.8, 1.6, 0.8, 0.76, (140, 100, 70))
    s = room.s
    x, y = room.point(side * 1.0, 0.76, ROOM_DEPTH - 1.8)
    s.draw.rectangle((x - 16, y - 26, x + 16, y - 4), fill=INK)
    s.draw.rectangle(
        (x - 13, y - 23, x + 13, y - 7),
        fill=(150, 190, 230) if not s.light.night else (140, 180, 255),
    )


def _filing(room: Room, side: int) -> None:
    for i in range(3):
        room.block(-side * (2.2 - i * 0.55), ROOM_DEPTH - 0.3, 0.5, 0.5, 1.3, (150, 156, 160))


def _whiteboard(room: Room, side: int) -> None:
    box = room.on_wall(0.3, 0.15, 0.7, 0.55)
    s = room.s
    s.draw.rectangle(box, fill=s.c((246, 246, 244)), outline=INK, width=2)
    for i in range(4):
        y = box[1] + (box[3] - box[1]) * (0.2 + 0.18 * i)
        s.draw.line(
            (box[0] + 8, y, box[0] + (box[2] - box[0]) * s.rng.uniform(0.4, 0.9), y),
            fill=(200, 40, 40),
            width=2,
        )


def _blackboard(room: Room, side: int) -> None:
    box = room.on_wall(0.2, 0.15, 0.8, 0.55)
    s = room.s
    s.draw.rectangle(box, fill=s.c((40, 70, 50)), outline=s.c((150, 110, 70)), width=4)


def _cabinets(room: Room, side: int) -> None:
    s = room.s
    box = room.on_wall(0.0, 0.1, 1.0, 0.35)
    _wall_pattern(room, box, (220, 210, 180), 1, 1, ((220, 210, 180),))
    room.block(0.0, ROOM_DEPTH - 0.35, 4.0, 0.6, 0.9, (200, 190, 160))
    del s


def _stove(room: Room, side: int) -> None:
    room.block(side * 1.4, ROOM_DEPTH - 0.4, 0.7, 0.6, 0.92, (230, 230, 226))


def _sofa(room: Room, side: int) -> None:
    room.block(-side * 1.0, ROOM_DEPTH - 1.2, 2.0, 0.9, 0.45, (150, 70, 60))
    room.block(-side * 1.0, ROOM_DEPTH - 0.8, 2.0, 0.2, 0.9, (140, 64, 56))


def _rug(room: Room, side: int) -> None:
    s = room.s
    pts = [room.point(dx, 0.01, d) for dx, d in ((-1.2, 4.5), (1.2, 4.5), (1.4, 2.8), (-1.4, 2.8))]
    s.draw.polygon(pts, fill=s.c((150, 60, 60)), outline=INK)


def _tiles(room: Room, side: int) -> None:
    s = room.s
    x0, y0, x1, y1 = room.on_wall(0, 0, 1, 1)
    for x in np.arange(x0, x1, (x1 - x0) / 10):
        s.draw.line((x, y0, x, y1), fill=s.c((180, 200, 200)), width=1)
    for y in np.arange(y0, y1, (y1 - y0) / 8):
        s.draw.line((x0, y, x1, y), fill=s.c((180, 200, 200)), width=1)


def _bath(room: Room, side: int) -> None:
    room.block(side * 1.0, ROOM_DEPTH - 0.5, 1.7, 0.8, 0.55, (246, 246, 244))


def _mirror_wall(room: Room, side: int) -> None:
    box = room.on_wall(0.38, 0.15, 0.62, 0.5)
    room.s.draw.rectangle(box, fill=room.s.c((190, 210, 220)), outline=INK, width=3)


def _doors_side(room: Room, side: int) -> None:
    s = room.s
    for d in (2.5, 4.0, 5.2):
        for sign in (-1, 1):
            a, b = room.point(sign * 1.6, 2.1, d), room.point(sign * 1.6, 0, d - 0.9)
            s.draw.polygon(
                [a, (b[0], a[1] + (b[1] - a[1]) * 0.0), b, (a[0], b[1])],
                fill=s.c((122, 84, 56)),
                outline=INK,
            )


def _stairs(room: Room, side: int) -> None:
    for i in range(6):
        room.block(side * 1.4, ROOM_DEPTH - 0.4 - i * 0.3, 1.0, 0.3, 0.18 * (6 - i), (140, 104, 70))


def _stools(room: Room, side: int) -> None:
    for i in range(3):
        room.block(side * -0.3 + (i - 1) * 1.1, 3.0, 0.35, 0.35, 0.75, (60, 40, 30))


def _tables(room: Room, side: int) -> None:
    for across, depth in ((-1.6, 4.6), (1.6, 4.6), (0, 3.4)):
        room.block(across, depth, 0.9, 0.9, 0.75, (230, 226, 216))


def _counter(room: Room, side: int) -> None:
    room.block(-side * 1.2, ROOM_DEPTH - 0.8, 2.4, 0.6, 1.0, (170, 130, 90))


def _dance_lights(room: Room, side: int) -> None:
    s = room.s
    for _ in range(8):
        x = s.rng.uniform(room.left, room.right)
        colour = s.rng.choice(((255, 60, 160), (60, 200, 255), (255, 220, 60)))
        s.glow_at(x, room.ceiling_y + s.rng.uniform(0, 60), s.stage.width * 0.12, colour)


def _bookshelves(room: Room, side: int) -> None:
    _wall_pattern(
        room,
        room.on_wall(0.02, 0.05, 0.98, 0.95),
        (100, 70, 48),
        5,
        22,
        ((160, 50, 40), (40, 70, 130), (200, 170, 80), (60, 100, 60), (120, 90, 60)),
    )


def _interrogation_light(room: Room, side: int) -> None:
    s = room.s
    x, y = room.point(0, 2.4, 3.5)
    s.draw.line((x, room.ceiling_y, x, y), fill=INK, width=2)
    s.draw.pieslice((x - 20, y - 10, x + 20, y + 14), 180, 360, fill=s.c((60, 60, 60)))
    s.glow_at(x, y + 40, s.stage.width * 0.25, (255, 236, 190))


def _cell_bars(room: Room, side: int) -> None:
    s = room.s
    for x in np.arange(0, s.stage.width, s.stage.width / 14):
        s.draw.rectangle((x - 4, 0, x + 4, s.stage.height), fill=s.c((70, 70, 76)), outline=INK)


def _bunk(room: Room, side: int) -> None:
    room.block(side * 1.4, ROOM_DEPTH - 1.0, 0.8, 2.0, 0.45, (120, 120, 110))


def _school_desks(room: Room, side: int) -> None:
    for depth in (4.8, 3.6):
        for across in (-1.5, 0, 1.5):
            room.block(across, depth, 0.8, 0.5, 0.72, (170, 130, 90))


def _benches_lab(room: Room, side: int) -> None:
    room.block(0, ROOM_DEPTH - 1.6, 3.2, 0.8, 0.9, (220, 226, 230))
    s = room.s
    for i in range(5):
        x, y = room.point(-1.2 + i * 0.6, 0.9, ROOM_DEPTH - 1.6)
        s.draw.rectangle(
            (x - 3, y - 16, x + 3, y),
            fill=s.c(s.rng.choice(((120, 200, 120), (120, 160, 230)))),
            outline=INK,
        )


def _bench_judge(room: Room, side: int) -> None:
    room.block(0, ROOM_DEPTH - 0.6, 3.0, 0.8, 1.4, (120, 80, 50))


def _pews(room: Room, side: int) -> None:
    for depth in (5.0, 4.2, 3.4, 2.6):
        for sign in (-1, 1):
            room.block(sign * 1.2, depth, 1.8, 0.35, 0.9, (120, 80, 50))


def _altar(room: Room, side: int) -> None:
    room.block(0, ROOM_DEPTH - 0.4, 1.6, 0.6, 1.0, (236, 232, 220))
    s = room.s
    x, y = room.point(0, 2.2, ROOM_DEPTH - 0.05)
    s.draw.rectangle((x - 3, y - 30, x + 3, y + 30), fill=s.c((200, 170, 80)))
    s.draw.rectangle((x - 16, y - 18, x + 16, y - 12), fill=s.c((200, 170, 80)))


def _stained_glass(room: Room, side: int) -> None:
    s = room.s
    box = room.on_wall(0.38, 0.08, 0.62, 0.6)
    s.draw.rounded_rectangle(box, radius=(box[2] - box[0]) / 2, fill=INK)
    x0, y0, x1, y1 = box
    for i in range(24):
        gx, gy = x0 + (i % 4 + 0.5) * (x1 - x0) / 4, y0 + (i // 4 + 0.5) * (y1 - y0) / 6
        colour = s.rng.choice(((200, 40, 60), (40, 80, 200), (240, 200, 60), (60, 160, 80)))
        lit_colour = colour if not s.light.night else mix(colour, INK, 0.6)
        s.draw.rectangle(
            (gx - (x1 - x0) / 9, gy - (y1 - y0) / 14, gx + (x1 - x0) / 9, gy + (y1 - y0) / 14),
            fill=lit_colour,
        )


def _racks(room: Room, side: int) -> None:
    for sign in (-1, 1):
        for d in (5.2, 4.0, 2.8):
            room.block(sign * 2.2, d, 0.8, 1.0, 2.6, (90, 110, 150))
            room.block(sign * 2.2, d, 0.82, 0.9, 0.6, (170, 130, 80), up=1.0)


def _crates(room: Room, side: int) -> None:
    for i, (across, depth) in enumerate(
        ((-side * 1.8, 4.8), (-side * 1.2, 4.9), (-side * 1.5, 4.85))
    ):
        room.block(across, depth, 0.6, 0.6, 0.6, (170, 130, 80), up=0.6 if i == 2 else 0.0)


def _skylights(room: Room, side: int) -> None:
    s = room.s
    for fx in (0.2, 0.5, 0.8):
        x = room.left + (room.right - room.left) * fx
        s.draw.rectangle(
            (x - 20, room.ceiling_y - 30, x + 20, room.ceiling_y - 10),
            fill=s.c(s.light.sky_horizon),
            outline=INK,
        )


def _machines(room: Room, side: int) -> None:
    for across in (-1.8, 0.2, 2.0):
        room.block(across, 4.4, 1.2, 1.0, 1.6, (90, 110, 100))


def _pipes(room: Room, side: int) -> None:
    s = room.s
    for i in range(3):
        y = room.ceiling_y + 10 + i * 10
        s.draw.line((0, y, s.stage.width, y), fill=s.c((120, 110, 100)), width=5)


def _tool_wall(room: Room, side: int) -> None:
    _wall_pattern(
        room,
        room.on_wall(0.1, 0.15, 0.9, 0.6),
        (160, 150, 130),
        2,
        10,
        ((60, 60, 60), (180, 40, 40)),
    )


def _bulb(room: Room, side: int) -> None:
    s = room.s
    x = s.stage.vanish_x + side * 20
    y = room.ceiling_y + (room.floor_y - room.ceiling_y) * 0.25
    s.draw.line((x, 0, x, y), fill=INK, width=1)
    s.draw.ellipse(
        (x - 6, y - 2, x + 6, y + 12),
        fill=(255, 236, 190) if s.light.night else s.c((230, 230, 220)),
    )
    s.glow_at(x, y + 20, s.stage.width * 0.4, (255, 226, 170))


def _lens(room: Room, side: int) -> None:
    """The great lens of a lighthouse's lamp room, glowing when lit."""
    s = room.s
    x, y = room.point(0, 1.6, 3.6)
    r = (room.floor_y - room.ceiling_y) * 0.45
    s.draw.ellipse(
        (x - r * 0.6, y - r, x + r * 0.6, y + r), fill=s.c((200, 220, 210)), outline=INK, width=2
    )
    for i in range(1, 6):
        s.draw.line(
            (x - r * 0.6, y - r + i * r / 3, x + r * 0.6, y - r + i * r / 3),
            fill=s.c((150, 180, 170)),
            width=2,
        )
    if s.light.night:
        s.glow_at(x, y, r * 3, (255, 240, 190))


def _fireplace(room: Room, side: int) -> None:
    s = room.s
    box = room.on_wall(0.62 if side < 0 else 0.08, 0.45, 0.92 if side < 0 else 0.38, 1.0)
    s.draw.rectangle(box, fill=s.c((150, 140, 130)), outline=INK, width=2)
    inner = (
        box[0] + (box[2] - box[0]) * 0.2,
        box[1] + (box[3] - box[1]) * 0.35,
        box[2] - (box[2] - box[0]) * 0.2,
        box[3],
    )
    s.draw.rectangle(inner, fill=(30, 20, 16))


def _lamp_table(room: Room, side: int) -> None:
    room.block(-side * 2.0, ROOM_DEPTH - 0.6, 0.5, 0.5, 0.6, (110, 80, 60))


def _lift_doors(room: Room, side: int) -> None:
    s = room.s
    box = room.on_wall(0.25, 0.1, 0.75, 1.0)
    s.draw.rectangle(box, fill=s.c((190, 192, 196)), outline=INK, width=2)
    s.draw.line(((box[0] + box[2]) / 2, box[1], (box[0] + box[2]) / 2, box[3]), fill=INK, width=2)


def _panel(room: Room, side: int) -> None:
    s = room.s
    box = room.on_wall(0.82, 0.4, 0.92, 0.65)
    s.draw.rectangle(box, fill=s.c((60, 60, 64)), outline=INK)


def _rafters(room: Room, side: int) -> None:
    s = room.s
    for i in range(-4, 5):
        s.draw.line(
            (
                s.stage.vanish_x + i * 30,
                room.ceiling_y,
                s.stage.vanish_x + i * s.stage.width * 0.3,
                0,
            ),
            fill=s.c((110, 80, 50)),
            width=6,
        )


def _hay(room: Room, side: int) -> None:
    for across in (-2.0, -1.2, 1.6):
        room.block(across, 5.0, 0.8, 0.5, 0.5, (214, 190, 110))


def _beams(room: Room, side: int) -> None:
    _rafters(room, side)


def _cave(room: Room, side: int) -> None:
    s = room.s
    st = s.stage
    s.draw.rectangle((0, 0, st.width, st.height), fill=s.c((70, 62, 56)))
    s.draw.ellipse(
        (
            st.width * 0.25,
            st.horizon - st.height * 0.35,
            st.width * 0.75,
            st.horizon + st.height * 0.2,
        ),
        fill=s.c((40, 36, 32)),
    )
    s.draw.rectangle((0, s.backdrop.floor_y, st.width, st.height), fill=s.c((96, 88, 78)))


def _tunnel(room: Room, side: int) -> None:
    s = room.s
    st = s.stage
    for i in range(8, 0, -1):
        r = st.width * 0.08 * i
        s.draw.ellipse(
            (st.vanish_x - r, st.horizon - r * 0.7, st.vanish_x + r, st.horizon + r * 0.7),
            fill=s.c((90, 90, 92), 0.5 + i * 0.06),
            outline=INK,
        )
        if s.light.night or s.light.sun is None:
            s.glow_at(st.vanish_x - r * 0.8, st.horizon - r * 0.5, 10, (255, 200, 120))


def _pillars(room: Room, side: int) -> None:
    for across in (-2.2, 2.2):
        for d in (5.0, 3.5):
            room.block(across, d, 0.4, 0.4, 2.7, (160, 160, 156))


def _bays(room: Room, side: int) -> None:
    s = room.s
    for i in range(-3, 4):
        a, b = room.point(i * 1.2, 0, 5.5), room.point(i * 1.2, 0, 2.5)
        s.draw.line((a, b), fill=s.c((240, 240, 230)), width=2)


def _portholes(room: Room, side: int) -> None:
    s = room.s
    for fx in (0.25, 0.5, 0.75):
        x0, y0, x1, y1 = room.on_wall(fx - 0.06, 0.2, fx + 0.06, 0.45)
        s.draw.ellipse(
            (x0, y0, x1, y1), fill=s.c((60, 100, 130)), outline=s.c((180, 160, 100)), width=3
        )


def _bench(room: Room, side: int) -> None:
    room.block(-side * 1.6, 4.2, 1.2, 0.4, 0.45, (140, 100, 60))


def _console(room: Room, side: int) -> None:
    room.block(0, ROOM_DEPTH - 0.5, 3.0, 0.6, 1.0, (70, 76, 84))


def _seat_rows(room: Room, side: int) -> None:
    for depth in (5.0, 4.2, 3.4, 2.6):
        for sign in (-1, 1):
            room.block(sign * 1.0, depth, 1.0, 0.4, 1.0, (70, 90, 140))


def _side_windows(room: Room, side: int) -> None:
    s = room.s
    for sign in (-1, 1):
        for d in (5.4, 4.4, 3.4, 2.4):
            a = room.point(sign * 1.9, 2.0, d)
            b = room.point(sign * 1.9, 1.1, d - 0.7)
            s.draw.polygon(
                [a, (b[0], a[1] + (b[1] - a[1]) * 0), b, (a[0], b[1])],
                fill=s.c(s.light.sky_horizon),
                outline=INK,
            )


def _big_windows(room: Room, side: int) -> None:
    s = room.s
    box = room.on_wall(0.0, 0.05, 1.0, 0.8)
    s.picture.paste(
        gradient(
            (round(box[2] - box[0]), round(box[3] - box[1])), s.light.sky_top, s.light.sky_horizon
        ),
        (round(box[0]), round(box[1])),
    )
    for fx in np.linspace(0, 1, 7):
        x = box[0] + (box[2] - box[0]) * fx
        s.draw.line((x, box[1], x, box[3]), fill=INK, width=3)


def _poles(room: Room, side: int) -> None:
    s = room.s
    for across in (-0.6, 0.6):
        for d in (4.5, 3.0):
            a, b = room.point(across, 0, d), room.point(across, 2.3, d)
            s.draw.line((a, b), fill=s.c((200, 180, 60)), width=3)


def _nets(room: Room, side: int) -> None:
    s = room.s
    box = room.on_wall(0.55, 0.1, 0.95, 0.7)
    for x in np.arange(box[0], box[2], 8):
        s.draw.line((x, box[1], x + 10, box[3]), fill=s.c((90, 80, 60)), width=1)
    for y in np.arange(box[1], box[3], 8):
        s.draw.line((box[0], y, box[2], y + 6), fill=s.c((90, 80, 60)), width=1)


def _rails_pit(room: Room, side: int) -> None:
    s = room.s
    pts = [room.point(dx, 0.01, d) for dx, d in ((-0.8, 5.9), (0.8, 5.9), (0.8, 1.5), (-0.8, 1.5))]
    s.draw.polygon(pts, fill=s.c((40, 40, 44)))


FEATURES_IN: dict[str, Callable[[Room, int], None]] = {
    "door": _door, "crates": _crates, "nets": _nets, "portholes": _portholes, "bench": _bench,
    "pipes": _pipes, "console": _console, "hay": _hay, "beams": _beams, "cave": _cave,
    "pillars": _pillars, "bays": _bays, "seat_rows": _seat_rows, "side_windows": _side_windows,
    "poles": _poles, "big_windows": _big_windows, "desk": _desk, "filing": _filing,
    "whiteboard": _whiteboard, "cabinets": _cabinets, "stove": _stove, "table": _table,
    "bed": _bed, "sofa": _sofa, "rug": _rug, "tiles": _tiles, "bath": _bath,
    "mirror_wall": _mirror_wall, "doors_side": _doors_side, "stairs": _stairs,
    "bar_counter": _bar_counter, "bottle_shelves": lambda room, side: _shelves(room, side, True),
    "stools": _stools, "tables": _tables, "counter": _counter, "dance_lights": _dance_lights,
    "shelves": _shelves, "hospital_bed": _hospital_bed, "curtain": _curtain, "monitor": _monitor,
    "interrogation_light": _interrogation_light, "cell_bars": _cell_bars, "bunk": _bunk,
    "blackboard": _blackboard, "school_desks": _school_desks, "bookshelves": _bookshelves,
    "benches_lab": _benches_lab, "bench_judge": _bench_judge, "pews": _pews, "altar": _altar,
    "stained_glass": _stained_glass, "racks": _racks, "skylights": _skylights,
    "machines": _machines, "tool_wall": _tool_wall, "bulb": _bulb, "lens": _lens,
    "fireplace": _fireplace, "lamp_table": _lamp_table,
    "lift_doors": _lift_doors, "panel": _panel, "rafters": _rafters, "rails_pit": _rails_pit,
    "tunnel": _tunnel,
}  # fmt: skip


def _vehicle_cab(s: Set, inside: Inside) -> None:
    """Inside a car or truck: the road through the windscreen, pillars, dashboard and wheel."""
    st = s.stage
    high = "high_cab" in inside.features
    draw_outside(s, Outside("grass", "hills", ("road",)))
    dash_top = st.height * (0.62 if high else 0.68)
    s.backdrop.windows.append((0, 0, st.width, round(dash_top)))
    shell = s.c(inside.wall)
    s.draw.polygon(
        [(0, 0), (st.width * 0.12, 0), (st.width * 0.02, dash_top), (0, dash_top)], fill=shell
    )
    s.draw.polygon(
        [(st.width, 0), (st.width * 0.88, 0), (st.width * 0.98, dash_top), (st.width, dash_top)],
        fill=shell,
    )
    s.draw.rectangle((0, 0, st.width, st.height * 0.06), fill=shell)
    s.draw.rectangle(
        (st.width * 0.44, st.height * 0.06, st.width * 0.56, st.height * 0.12), fill=INK
    )
    s.draw.rectangle((0, dash_top, st.width, st.height), fill=s.c((52, 50, 48)))
    s.draw.line((0, dash_top, st.width, dash_top), fill=s.c((90, 88, 84)), width=3)
    cx, cy, r = st.width * 0.28, dash_top + st.height * 0.2, st.height * 0.22
    s.draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=INK, width=max(6, round(r * 0.14)))
    s.draw.line((cx - r, cy, cx + r, cy), fill=INK, width=max(4, round(r * 0.1)))
    for i, colour in enumerate(((240, 160, 60), (120, 220, 255))):
        gx = st.width * (0.5 + i * 0.06)
        s.draw.ellipse(
            (gx - 10, dash_top + 14, gx + 10, dash_top + 34), fill=INK, outline=s.c((120, 120, 120))
        )
        if s.light.night:
            s.glow_at(gx, dash_top + 24, 26, colour)
    s.backdrop.floor_y = round(dash_top)
    s.backdrop.interior = True
