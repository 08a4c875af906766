"""The cast: each character drawn with their look (hair, clothes and their colours, beard, age,
height, build, a bandage), placed and turned by the framing and their position words.

Heads are plain shapes with no features, so face detectors find no faces in previz frames and the
continuity check can tell them from real renders. Looks with no colour words fall back to colours
keyed by the name, so a character matches from shot to shot.
"""

from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass

from PIL import ImageDraw

from tools.backends.previz.canvas import INK, RGB, Light, lit, mix

COLOURS: dict[str, RGB] = {
    "yellow": (236, 196, 40),
    "mustard": (200, 160, 40),
    "gold": (210, 170, 60),
    "orange": (230, 120, 40),
    "red": (190, 40, 40),
    "scarlet": (210, 30, 40),
    "crimson": (170, 20, 40),
    "maroon": (110, 30, 40),
    "burgundy": (120, 30, 50),
    "pink": (230, 140, 170),
    "purple": (110, 60, 140),
    "violet": (130, 80, 170),
    "blue": (50, 90, 170),
    "navy": (36, 46, 84),
    "teal": (40, 120, 120),
    "turquoise": (60, 180, 180),
    "green": (60, 130, 60),
    "olive": (104, 110, 56),
    "khaki": (170, 160, 110),
    "tan": (190, 150, 100),
    "beige": (214, 196, 160),
    "cream": (236, 228, 200),
    "brown": (110, 70, 40),
    "chestnut": (130, 70, 40),
    "white": (238, 238, 234),
    "ivory": (240, 236, 220),
    "silver": (196, 198, 202),
    "grey": (130, 130, 132),
    "gray": (130, 130, 132),
    "charcoal": (64, 66, 70),
    "black": (34, 34, 38),
    "dark": (50, 44, 40),
    "blond": (222, 190, 120),
    "blonde": (222, 190, 120),
    "fair": (220, 196, 140),
    "ginger": (190, 100, 50),
    "auburn": (140, 60, 40),
    "copper": (180, 100, 50),
    "sandy": (200, 170, 120),
}
UPPER = {
    "coat",
    "oilskin",
    "jacket",
    "sweater",
    "jumper",
    "gilet",
    "shirt",
    "blouse",
    "hoodie",
    "cardigan",
    "vest",
    "parka",
    "overcoat",
    "raincoat",
    "uniform",
    "dress",
    "nightdress",
    "robe",
    "suit",
    "top",
    "t-shirt",
    "fleece",
    "cloak",
    "anorak",
    "waistcoat",
    "overalls",
    "scrubs",
    "gown",
    "tunic",
    "pullover",
    "windbreaker",
    "blazer",
    "mac",
    "trench",
}
LOWER = {"trousers", "jeans", "chinos", "skirt", "pants", "shorts", "slacks", "leggings"}
HATS = {"cap", "hat", "beanie", "hood", "helmet", "beret", "bonnet", "headscarf"}
_DRESSES = {"dress", "nightdress", "gown", "robe", "skirt"}

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
_HAIR: tuple[RGB, ...] = ((40, 32, 28), (94, 62, 38), (150, 86, 46), (204, 170, 104))
SKIN: RGB = (222, 198, 176)


@dataclass(frozen=True, slots=True)
class Look:
    """What the drawing needs to know of a character's appearance."""

    coat: RGB
    trousers: RGB
    hair: RGB
    beard: bool = False
    hat: RGB | None = None
    height: float = 1.0
    """Relative to an average adult."""
    build: float = 1.0
    """Relative shoulder width."""
    age: int | None = None
    bandage: bool = False
    dress: bool = False
    bald: bool = False


def read_look(name: str, text: str) -> Look:
    """A look from words ("70s, white hair, olive waxed jacket, rubber boots") and the name."""
    words = re.findall(r"[a-z]+(?:-[a-z]+)?", text.lower())
    key = zlib.crc32(name.strip().upper().encode())
    coat = _coloured(words, UPPER)
    trousers = _coloured(words, LOWER)
    hat = _coloured(words, HATS) if any(w in HATS for w in words) else None
    if hat is None and any(w in HATS for w in words):
        hat = (60, 60, 64)
    age = _age(text.lower())
    hair = _hair(words)
    if hair is None and age is not None and age >= 60:
        hair = COLOURS["white"] if age >= 70 else COLOURS["grey"]
    height = 1.0
    if any(w in words for w in ("tall", "towering", "lanky")):
        height = 1.1
    if any(w in words for w in ("short", "tiny", "small", "petite", "diminutive")):
        height = 0.9
    if any(w in words for w in ("child", "boy", "girl", "kid")) or (age is not None and age < 13):
        height = 0.7
    build = 1.0
    if any(
        w in words
        for w in (
            "broad",
            "heavy-set",
            "heavyset",
            "stocky",
            "burly",
            "heavy",
            "broad-shouldered",
            "big",
        )
    ):
        build = 1.22
    elif any(w in words for w in ("wiry", "thin", "slim", "slight", "skinny", "tiny", "gaunt")):
        build = 0.86
    return Look(
        coat=coat or _JACKETS[key % len(_JACKETS)],
        trousers=trousers or _TROUSERS[(key >> 8) % len(_TROUSERS)],
        hair=hair or _HAIR[(key >> 16) % len(_HAIR)],
        beard=any(w in words for w in ("beard", "bearded", "moustache", "mustache", "stubble")),
        hat=hat,
        height=height,
        build=build,
        age=age,
        bandage=any(w in words for w in ("bandage", "bandaged", "gauze")),
        dress=any(w in words for w in _DRESSES) and not any(w in words for w in ("over",)),
        bald="bald" in words,
    )


def _coloured(words: list[str], garments: set[str]) -> RGB | None:
    """The colour named within four words before the first garment of a kind."""
    for index, word in enumerate(words):
        if word in garments or word.rstrip("s") in garments:
            for back in range(index - 1, max(-1, index - 5), -1):
                colour = _colour(words[back])
                if colour is not None:
                    return colour
    return None


def _colour(word: str) -> RGB | None:
    for part in (word, *word.split("-")):
        if part in COLOURS and part not in {"fair", "dark"}:
            return COLOURS[part]
    return None


def _hair(words: list[str]) -> RGB | None:
    """The hair colour: a colour word just before "hair", or "silver-haired"."""
    for index, word in enumerate(words):
        if word.endswith("-haired") and word.split("-")[0] in COLOURS:
            return COLOURS[word.split("-")[0]]
        if word == "hair":
            for back in range(index - 1, max(-1, index - 5), -1):
                if words[back] in COLOURS:
                    return COLOURS[words[back]]
    if "blond" in words or "blonde" in words:
        return COLOURS["blond"]
    return None


def _age(text: str) -> int | None:
    """An age from "(30s)", "mid-40s", "in her seventies", "aged 62", "old"."""
    if match := re.search(r"\b(early|mid|late)?-?\s*(\d)0s\b", text):
        offset = {"early": 2, "mid": 5, "late": 8}.get(match.group(1) or "", 5)
        return int(match.group(2)) * 10 + offset
    if match := re.search(r"\b(?:aged?|age)\s+(\d{1,2})\b|\b(\d{1,2})[- ]years?[- ]old\b", text):
        return int(match.group(1) or match.group(2))
    decades = {
        "twenties": 25,
        "thirties": 35,
        "forties": 45,
        "fifties": 55,
        "sixties": 65,
        "seventies": 75,
        "eighties": 85,
    }
    for word, age in decades.items():
        if word in text:
            return age
    if re.search(r"\b(elderly|old man|old woman|aged)\b", text):
        return 75
    if re.search(r"\b(teen|teenager|teenage)\b", text):
        return 16
    return None


@dataclass(frozen=True, slots=True)
class Pose:
    """How a figure holds its arms and feet; drawn from the seed so takes differ."""

    arm_left: float
    elbow_left: float
    arm_right: float
    elbow_right: float
    stance: float


def facing_of(position: str) -> str:
    """Which way a figure faces: `camera`, `left`, `right` or `away`."""
    text = position.lower()
    if re.search(r"\baway\b|back to (?:the )?camera|from behind|turns? away", text):
        return "away"
    if match := re.search(
        r"facing (left|right)|looks? (left|right)|turn(?:s|ed)? (left|right)", text
    ):
        return next(g for g in match.groups() if g)
    return "camera"


def across_of(position: str) -> float | None:
    """Where across the frame a position puts someone (0 left … 1 right), if it says."""
    text = position.lower()
    text = re.sub(
        r"facing (?:left|right)|looks? (?:left|right)|turn(?:s|ed)? (?:left|right)", "", text
    )
    if re.search(r"\bfar left\b", text):
        return 0.12
    if re.search(r"\bfar right\b", text):
        return 0.88
    if re.search(r"\bleft\b", text):
        return 0.27
    if re.search(r"\bright\b", text):
        return 0.73
    if re.search(r"\b(centre|center|middle)\b", text):
        return 0.5
    return None


def draw_figure(
    draw: ImageDraw.ImageDraw,
    x: float,
    top: float,
    tall: float,
    look: Look,
    pose: Pose,
    head_fraction: float,
    light: Light,
    facing: str = "camera",
) -> None:
    """A storyboard figure: plain head (no features), hair, clothes in their colours, inked."""
    hh = tall * head_fraction
    wide = look.build
    neck_y, waist_y, hip_y, feet_y = (
        top + hh * 1.06,
        top + tall * 0.42,
        top + tall * 0.52,
        top + tall,
    )
    # people stay readable at night: they catch more of the practicals than the set does
    coat, trousers = _shade(look.coat, light), _shade(look.trousers, light)
    sleeve = mix(coat, INK, 0.1)
    skin, hair = _shade(SKIN, light), _shade(look.hair, light)
    stoop = hh * 0.25 if look.age is not None and look.age >= 70 else 0.0

    arms = []
    for sign, swing, bend in (
        (-1, pose.arm_left, pose.elbow_left),
        (1, pose.arm_right, pose.elbow_right),
    ):
        shoulder = (x + sign * hh * 0.8 * wide, top + hh * 1.45)
        upper, fore = math.radians(swing), math.radians(swing - bend)
        elbow = (
            shoulder[0] + sign * math.sin(upper) * tall * 0.18,
            shoulder[1] + math.cos(upper) * tall * 0.18,
        )
        hand = (
            elbow[0] + sign * math.sin(fore) * tall * 0.16,
            elbow[1] + math.cos(fore) * tall * 0.16,
        )
        arms.append((sign, shoulder, elbow, hand))
    legs = [
        (
            (x + sign * hh * 0.36 * wide, hip_y - hh * 0.1),
            (x + sign * hh * pose.stance * wide, feet_y - hh * 0.12),
        )
        for sign in (-1, 1)
    ]
    hem = hip_y if not look.dress else top + tall * 0.78
    torso = [
        (x - hh * 0.3, neck_y),
        (x + hh * 0.3, neck_y),
        (x + hh * 0.82 * wide, top + hh * 1.26),
        (x + hh * 1.0 * wide, top + hh * 1.55),
        (x + hh * 0.66 * wide, waist_y),
        (x + hh * (0.74 if not look.dress else 1.0) * wide, hem),
        (x - hh * (0.74 if not look.dress else 1.0) * wide, hem),
        (x - hh * 0.66 * wide, waist_y),
        (x - hh * 1.0 * wide, top + hh * 1.55),
        (x - hh * 0.82 * wide, top + hh * 1.26),
    ]
    hx = x + stoop * 0.3
    head_box = (hx - hh * 0.4, top + stoop, hx + hh * 0.4, top + hh + stoop)
    neck = (x - hh * 0.19, top + hh * 0.8, x + hh * 0.19, neck_y + hh * 0.1)
    arm_width, leg_width = max(2, round(hh * 0.34 * wide)), max(2, round(hh * 0.46 * wide))
    ink = max(1, min(4, round(hh * 0.04)))

    for _, hip, foot in ((0, *leg) for leg in legs):
        draw.line((hip, foot), fill=INK, width=leg_width + 2 * ink)
    draw.polygon(torso, fill=INK)
    draw.line([*torso, torso[0]], fill=INK, width=2 * ink, joint="curve")
    draw.rectangle((neck[0] - ink, neck[1], neck[2] + ink, neck[3]), fill=INK)
    draw.ellipse(
        (head_box[0] - ink, head_box[1] - ink, head_box[2] + ink, head_box[3] + ink), fill=INK
    )
    for hip, foot in legs:
        draw.line((hip, foot), fill=trousers, width=leg_width)
        draw.ellipse(
            (foot[0] - hh * 0.3, foot[1] - hh * 0.08, foot[0] + hh * 0.3, foot[1] + hh * 0.16),
            fill=INK,
        )
    draw.polygon(torso, fill=coat)
    draw.line(((x, neck_y + hh * 0.1), (x, hem - 2)), fill=mix(coat, INK, 0.35), width=1)
    draw.rectangle(neck, fill=mix(skin, INK, 0.15))
    _draw_head(draw, head_box, hh, skin, hair, look, facing)
    for sign, shoulder, elbow, hand in arms:
        draw.line((shoulder, elbow, hand), fill=INK, width=arm_width + 2 * ink, joint="curve")
        draw.line((shoulder, elbow, hand), fill=sleeve, width=arm_width, joint="curve")
        radius = hh * 0.17
        glove = (246, 246, 244) if look.bandage and sign < 0 else skin
        draw.ellipse(
            (hand[0] - radius, hand[1] - radius, hand[0] + radius, hand[1] + radius),
            fill=glove,
            outline=INK,
        )


def _shade(colour: RGB, light: Light) -> RGB:
    """A costume colour as the light shows it; at night people catch the practicals, so they
    stay readable and keep their colours rather than turning the sky's blue."""
    if light.night:
        r, g, b = colour
        return (round(r * 0.6), round(g * 0.58), round(b * 0.62))
    return lit(colour, light)


def _draw_head(
    draw: ImageDraw.ImageDraw,
    box: tuple[float, float, float, float],
    hh: float,
    skin: RGB,
    hair: RGB,
    look: Look,
    facing: str,
) -> None:
    """Hair and skin turned the way the figure faces; a beard and a hat where the look says."""
    x0, y0, x1, y1 = box
    cx = (x0 + x1) / 2
    if not look.bald:
        draw.ellipse(box, fill=hair)
    else:
        draw.ellipse(box, fill=skin)
    if facing != "away":
        shift = {"left": -0.12, "right": 0.12}.get(facing, 0.0) * hh
        face = (cx - hh * 0.36 + shift, y0 + hh * 0.3, cx + hh * 0.36 + shift, y1)
        draw.ellipse(face, fill=skin)
        if look.beard:
            draw.chord((face[0], y0 + hh * 0.45, face[2], y1 + hh * 0.06), 0, 180, fill=hair)
    if look.hat is not None:
        draw.chord(
            (x0 - hh * 0.02, y0 - hh * 0.12, x1 + hh * 0.02, y0 + hh * 0.5), 180, 360, fill=look.hat
        )
        draw.line(
            (x0, y0 + hh * 0.2, x1, y0 + hh * 0.2),
            fill=mix(look.hat, INK, 0.4),
            width=max(1, round(hh * 0.05)),
        )
