"""Where the cast stands for each framing: full figures on the ground in a wide shot, waist-up
in a medium, the named character filling a close-up with the others soft behind, or facing the
camera past a shoulder. Places come from the layout (stable for a shot), poses from the take."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter

from tools.backends.previz.canvas import (
    HEAD_FRACTION,
    INK,
    PERSON_HEIGHT,
    Backdrop,
    Light,
    Stage,
    lit,
    mix,
)
from tools.backends.previz.figures import Look, Pose, across_of, draw_figure, facing_of, read_look
from tools.backends.previz.shot import Person, Shot


@dataclass(frozen=True, slots=True)
class Tag:
    """A paper label to letter once the light is done, so names stay readable at night."""

    text: str
    x: int
    y: int


def draw_cast(
    picture: Image.Image,
    shot: Shot,
    stage: Stage,
    backdrop: Backdrop,
    light: Light,
    layout: random.Random,
    take: random.Random,
) -> tuple[Image.Image, list[Tag]]:
    """The characters placed by framing; returns the picture (close framings blur it) and tags."""
    people = list(shot.people)
    head = HEAD_FRACTION[shot.angle]
    width, height = stage.width, stage.height
    tags: list[Tag] = []
    if shot.framing == "wide":
        draw = ImageDraw.Draw(picture)
        for person, x, feet, tall in _place_standing(people[:6], stage, backdrop, layout):
            look = read_look(person.name, person.look)
            tall *= look.height
            _draw_shadow(picture, x, feet, tall, backdrop.sun_x, light)
            _draw_person(draw, person, look, x, feet - tall, tall, head, light, take)
            below = feet + tall * 0.04
            tags.append(
                Tag(person.name, x, round(below if below < height * 0.94 else feet - tall * 1.1))
            )
        return picture, tags

    if shot.framing == "medium":
        shown = people[:3]
        top = height * (
            {"eye-level": 0.17, "low": 0.1, "high": 0.26}[shot.angle] + layout.uniform(-0.03, 0.03)
        )
        tall = (height * 1.02 - top) / 0.44
        tall = min(tall, width / (2.4 * max(1, len(shown))) / head)
        places = _spread([across_of(p.position) for p in shown], width, 0.36, layout)
        placed = []
        for i, (person, x) in enumerate(zip(shown, places, strict=True)):
            scale = 1.0 if i == 0 else layout.uniform(0.86, 0.98)
            placed.append((scale, person, x))
        draw = ImageDraw.Draw(picture)
        for scale, person, x in sorted(placed, key=lambda item: item[0]):
            look = read_look(person.name, person.look)
            body = tall * scale * look.height
            figure_top = height * 1.02 - body * 0.44
            _draw_person(draw, person, look, x, figure_top, body, head, light, take)
            tags.append(
                Tag(person.name, x, round(min(figure_top + body * head * 2.4, height * 0.9)))
            )
        return picture, tags

    subject_index = shot.subject() if people else 0
    subject = people[subject_index] if people else None
    others = [p for i, p in enumerate(people) if i != subject_index]
    if shot.framing == "close-up":
        # the others stay small and soft in the background, behind a shallow focus
        draw = ImageDraw.Draw(picture)
        for person, x, feet, tall in _place_standing(others[:2], stage, backdrop, layout):
            look = read_look(person.name, person.look)
            _draw_person(draw, person, look, x, feet - tall, tall, head, light, take)
        picture = picture.filter(ImageFilter.GaussianBlur(max(2.0, width / 220)))
        if subject is None:
            return picture, tags
        draw = ImageDraw.Draw(picture)
        head_height = height * 0.44
        top = height * (
            {"eye-level": 0.12, "low": 0.1, "high": 0.18}[shot.angle] + layout.uniform(-0.03, 0.03)
        )
        across = across_of(subject.position)
        x = round(width * (across if across is not None else 0.5 + layout.uniform(-0.14, 0.14)))
        look = read_look(subject.name, subject.look)
        _draw_person(draw, subject, look, x, top, head_height / head, head, light, take)
        tags.append(Tag(subject.name, x, round(height * 0.9)))
        return picture, tags

    # over-the-shoulder: the subject faces camera past the other's shoulder
    picture = picture.filter(ImageFilter.GaussianBlur(max(1.5, width / 380)))
    draw = ImageDraw.Draw(picture)
    side = layout.choice((-1, 1))
    if subject is not None:
        x = round(width * (0.5 + side * layout.uniform(0.12, 0.2)))
        head_height = height * 0.24
        top = height * (
            {"eye-level": 0.18, "low": 0.12, "high": 0.26}[shot.angle] + layout.uniform(-0.03, 0.03)
        )
        look = read_look(subject.name, subject.look)
        _draw_person(draw, subject, look, x, top, head_height / head, head, light, take)
        tags.append(Tag(subject.name, x, round(min(top + head_height * 2.5, height * 0.9))))
    listener = others[0] if others else None
    fg_x = round(width * (0.5 - side * layout.uniform(0.3, 0.36)))
    _draw_shoulder(
        picture,
        fg_x,
        side,
        stage,
        read_look(listener.name, listener.look) if listener else None,
        light,
    )
    if listener is not None:
        tags.append(Tag(listener.name, fg_x, round(height * 0.9)))
    return picture, tags


def _draw_person(
    draw: ImageDraw.ImageDraw,
    person: Person,
    look: Look,
    x: float,
    top: float,
    tall: float,
    head: float,
    light: Light,
    take: random.Random,
) -> None:
    """One cast member, facing where the script put them, in a pose of this take."""
    draw_figure(draw, x, top, tall, look, _pose(take), head, light, facing_of(person.position))


def _place_standing(
    people: Sequence[Person], stage: Stage, backdrop: Backdrop, layout: random.Random
) -> list[tuple[Person, int, float, float]]:
    """Full figures on the ground as (person, x, feet y, height), far ones first."""
    height = stage.height
    target = height * 0.3
    base = stage.horizon + target * stage.camera_height / PERSON_HEIGHT
    places = _spread([across_of(p.position) for p in people], stage.width, 0.22, layout)
    placed = []
    for person, x in zip(people, places, strict=True):
        depth = person.position.lower()
        feet = base + layout.uniform(-0.05, 0.05) * height
        if "foreground" in depth or "near" in depth:
            feet += height * 0.12
        elif "background" in depth or "far" in depth:
            feet -= height * 0.1
        feet = min(max(feet, backdrop.floor_y + height * 0.03), height * 0.95)
        tall = min(stage.person_height_at(feet), feet - height * 0.04)
        placed.append((person, x, feet, tall))
    return sorted(placed, key=lambda item: item[2])


def _spread(asked: Sequence[float | None], width: int, gap: float, rng: random.Random) -> list[int]:
    """Horizontal places: where a position says, else off-centre for one and `gap` of the width
    apart for more (at most 64% of it in all)."""
    count = len(asked)
    if count == 0:
        return []
    if count == 1:
        default = [0.5 + rng.choice((-1, 1)) * rng.uniform(0.06, 0.18)]
    else:
        spread = min(0.64, gap * (count - 1))
        shift = rng.uniform(-0.06, 0.06)
        default = [
            0.5 + shift - spread / 2 + spread * i / (count - 1) + rng.uniform(-0.025, 0.025)
            for i in range(count)
        ]
    return [round(width * (a if a is not None else d)) for a, d in zip(asked, default, strict=True)]


def _pose(rng: random.Random) -> Pose:
    """Arms and stance for one figure, so the same cast looks different from take to take."""
    return Pose(
        rng.uniform(4, 28),
        rng.choice((0.0, rng.uniform(10, 80))),
        rng.uniform(4, 28),
        rng.choice((0.0, rng.uniform(10, 80))),
        rng.uniform(0.25, 0.65),
    )


def _draw_shoulder(
    picture: Image.Image, x: int, side: int, stage: Stage, look: Look | None, light: Light
) -> None:
    """The listener's back of head and shoulder, dark and out of focus, framing an OTS shot."""
    width, height = stage.width, stage.height
    layer = Image.new("RGBA", picture.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    jacket = lit(mix(look.coat if look else (80, 80, 90), INK, 0.5), light)
    hair = lit(mix(look.hair if look else (40, 32, 28), INK, 0.4), light)
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
    picture: Image.Image, x: float, feet: float, tall: float, sun_x: int, light: Light
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
    picture.paste(INK, (0, 0), mask.filter(ImageFilter.GaussianBlur(max(1.0, tall / 60))))
