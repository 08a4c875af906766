"""Wardrobe and palette: the dominant colours a character wears, compared across shots in CIELAB.

The colours come from the region below a matched face (the chest and shoulders) or from a box a
person gives, clustered with k-means in CIELAB, where distances follow what the eye sees. Palettes
are compared with CIEDE2000 using the textile industry's lightness weight (kL = 2), so a coat seen
in brighter or dimmer light still reads as the same coat while a change of hue or saturation does
not. CIELAB and CIEDE2000 are written out here (Sharma, Wu & Dalal 2005) so the product needs
nothing beyond numpy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.errors import InvalidInput
from tools.continuity.faces import Box

LOOK_THRESHOLD = 15.0
"""Palette difference (ΔE2000, kL = 2) above which a character's look is flagged. Measured on a
real photo: brightness ±30%, rescaling, JPEG and a mild white-balance shift stay under 8; a
garment recoloured (orange to blue, grey or yellow) is over 25."""

SIGNIFICANT_SHARE = 0.1
"""Colours covering less of the region than this are stitching, shadow or noise, not wardrobe."""

TEXTILE_KL = 2.0
"""CIEDE2000's lightness weight for textiles: lighting changes lightness more than hue."""

DOMINANT_COLOURS = 3
SAMPLE_SIDE = 48
"""A region is averaged down to at most this many pixels a side before clustering: fast, and
stray pixels (stitching, specular glints) do not become colours of their own."""

_MIN_REGION_SIDE = 8
_SAME_COLOUR = 2.0
"""Lab distance under which a further cluster centre would repeat a colour already found."""
_KMEANS_ROUNDS = 12

# sRGB (D65) to CIE XYZ, and the D65 white point (IEC 61966-2-1).
_RGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
_D65 = np.array([0.95047, 1.0, 1.08883])


@dataclass(frozen=True)
class PaletteColour:
    """One dominant colour: CIELAB, the sRGB hex people recognise, and its share of the region."""

    lab: tuple[float, float, float]
    hex: str
    share: float

    def to_json(self) -> dict[str, Any]:
        """The colour as continuity reports store it."""
        return {"lab": list(self.lab), "hex": self.hex, "share": self.share}

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> PaletteColour:
        """A colour read back from a stored report."""
        lab = document["lab"]
        return cls(
            (float(lab[0]), float(lab[1]), float(lab[2])), document["hex"], document["share"]
        )


def _linearise(unit: np.ndarray) -> np.ndarray:
    return np.where(unit <= 0.04045, unit / 12.92, ((unit + 0.055) / 1.055) ** 2.4)


_LINEAR_OF_BYTE = _linearise(np.arange(256) / 255.0)
"""The transfer curve for every 8-bit value: a table lookup instead of a power per pixel."""


def srgb_to_linear(rgb: np.ndarray) -> np.ndarray:
    """sRGB values in 0–255 to linear light in 0–1 (the sRGB transfer curve undone)."""
    if isinstance(rgb, np.ndarray) and rgb.dtype == np.uint8:
        return _LINEAR_OF_BYTE[rgb]
    return _linearise(np.asarray(rgb, dtype=np.float64) / 255.0)


def rgb_to_xyz(rgb: np.ndarray) -> np.ndarray:
    """sRGB values in 0–255 (last axis R, G, B) to CIE XYZ with Y of white = 1."""
    return srgb_to_linear(rgb) @ _RGB_TO_XYZ.T


def xyz_to_lab(xyz: np.ndarray) -> np.ndarray:
    """CIE XYZ (D65, Y of white = 1) to CIELAB."""
    ratio = np.asarray(xyz, dtype=np.float64) / _D65
    epsilon, kappa = 216 / 24389, 24389 / 27
    f = np.where(ratio > epsilon, np.cbrt(ratio), (kappa * ratio + 16) / 116)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])],
        axis=-1,
    )


def rgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB values in 0–255 to CIELAB (D65)."""
    return xyz_to_lab(rgb_to_xyz(rgb))


def delta_e_2000(
    lab1: np.ndarray, lab2: np.ndarray, k_l: float = 1.0, k_c: float = 1.0, k_h: float = 1.0
) -> np.ndarray:
    """CIEDE2000 colour difference between Lab colours (broadcast over leading axes)."""
    lab1, lab2 = np.asarray(lab1, dtype=np.float64), np.asarray(lab2, dtype=np.float64)
    l1, a1, b1 = lab1[..., 0], lab1[..., 1], lab1[..., 2]
    l2, a2, b2 = lab2[..., 0], lab2[..., 1], lab2[..., 2]
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean**7 / (c_mean**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    chroma_zero = (c1p * c2p) == 0
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(chroma_zero, 0.0, dh)
    d_lp, d_cp = l2 - l1, c2p - c1p
    d_hp = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    l_mean, cp_mean = (l1 + l2) / 2, (c1p + c2p) / 2
    h_sum = h1p + h2p
    h_mean = np.where(
        np.abs(h1p - h2p) <= 180,
        h_sum / 2,
        np.where(h_sum < 360, (h_sum + 360) / 2, (h_sum - 360) / 2),
    )
    h_mean = np.where(chroma_zero, h_sum, h_mean)
    t = (
        1
        - 0.17 * np.cos(np.radians(h_mean - 30))
        + 0.24 * np.cos(np.radians(2 * h_mean))
        + 0.32 * np.cos(np.radians(3 * h_mean + 6))
        - 0.20 * np.cos(np.radians(4 * h_mean - 63))
    )
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / np.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * cp_mean
    s_h = 1 + 0.015 * cp_mean * t
    rotation = (
        -2
        * np.sqrt(cp_mean**7 / (cp_mean**7 + 25.0**7))
        * np.sin(np.radians(60 * np.exp(-(((h_mean - 275) / 25) ** 2))))
    )
    lightness, chroma, hue = d_lp / (k_l * s_l), d_cp / (k_c * s_c), d_hp / (k_h * s_h)
    return np.sqrt(lightness**2 + chroma**2 + hue**2 + rotation * chroma * hue)


def check_box(box: Sequence[int], width: int, height: int) -> Box:
    """A box given by a person: four integers, X1/Y1 exclusive, clipped to the frame, not empty."""
    if len(box) != 4 or not all(isinstance(v, int) and not isinstance(v, bool) for v in box):
        raise InvalidInput(f"a box is four integers X0,Y0,X1,Y1, not {list(box)}")
    x0, y0, x1, y1 = max(0, box[0]), max(0, box[1]), min(width, box[2]), min(height, box[3])
    if x1 <= x0 or y1 <= y0:
        raise InvalidInput(
            f"box {','.join(str(v) for v in box)} has no pixels inside the {width}×{height} frame"
        )
    return x0, y0, x1, y1


def region_below_face(face: Box, width: int, height: int) -> Box | None:
    """The chest and shoulders under a face box, or None when the frame cuts them off."""
    x0, y0, x1, y1 = face
    side = x1 - x0
    # Skip the chin and neck (about a third of a face height), then take about a face and a
    # half of clothing, a little wider than the face so collars and lapels count.
    top = y1 + round(0.35 * (y1 - y0))
    box = (
        max(0, x0 - round(0.15 * side)),
        min(height, top),
        min(width, x1 + round(0.15 * side)),
        min(height, top + round(1.5 * (y1 - y0))),
    )
    if box[2] - box[0] < _MIN_REGION_SIDE or box[3] - box[1] < _MIN_REGION_SIDE:
        return None
    return box


def dominant_colours(
    pixels: np.ndarray, box: Box, count: int = DOMINANT_COLOURS
) -> list[PaletteColour]:
    """The region's dominant colours, most of the region first (k-means in CIELAB)."""
    x0, y0, x1, y1 = box
    region = np.asarray(pixels[y0:y1, x0:x1], dtype=np.float64)
    if region.size == 0:
        raise InvalidInput(f"box {x0},{y0},{x1},{y1} has no pixels")
    region = _average_down(region)
    rgb = region.reshape(-1, 3)
    lab = rgb_to_lab(rgb)
    labels, centres = _kmeans(lab, count)
    colours = []
    for index, centre in enumerate(centres):
        members = labels == index
        mean_rgb = np.clip(np.rint(rgb[members].mean(axis=0)), 0, 255).astype(int)
        colours.append(
            PaletteColour(
                lab=(
                    round(float(centre[0]), 2),
                    round(float(centre[1]), 2),
                    round(float(centre[2]), 2),
                ),
                hex="#{:02x}{:02x}{:02x}".format(*mean_rgb),
                share=round(float(members.mean()), 4),
            )
        )
    return sorted(colours, key=lambda colour: -colour.share)


def _average_down(region: np.ndarray) -> np.ndarray:
    """Block-average the region to at most SAMPLE_SIDE pixels a side."""
    height, width = region.shape[:2]
    step = max(1, math.ceil(max(height, width) / SAMPLE_SIDE))
    if step == 1:
        return region
    rows, columns = height // step, width // step
    if rows == 0 or columns == 0:
        return region[::step, ::step]
    blocks = region[: rows * step, : columns * step].reshape(rows, step, columns, step, 3)
    return blocks.mean(axis=(1, 3))


def _kmeans(points: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Lloyd's k-means from farthest-point seeds: deterministic, and a flat region is one colour."""
    seeds = [points[np.argmin(np.linalg.norm(points - np.median(points, axis=0), axis=1))]]
    while len(seeds) < count:
        gaps = np.min(
            np.linalg.norm(points[:, None, :] - np.asarray(seeds)[None, :, :], axis=2), axis=1
        )
        if gaps.max() < _SAME_COLOUR:
            break
        seeds.append(points[int(np.argmax(gaps))])
    centres = np.asarray(seeds)
    labels = np.full(len(points), -1)
    for _ in range(_KMEANS_ROUNDS):
        nearest = np.argmin(((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2), axis=1)
        if np.array_equal(nearest, labels):
            break
        sizes = np.bincount(nearest, minlength=len(centres))
        sums = np.stack(
            [
                np.bincount(nearest, weights=points[:, axis], minlength=len(centres))
                for axis in range(3)
            ],
            axis=1,
        )
        used = sizes > 0
        centres = sums[used] / sizes[used, None]
        labels = (np.cumsum(used) - 1)[nearest]  # renumbered past clusters left empty
    return labels, centres


def palette_difference(
    reference: Sequence[PaletteColour], candidate: Sequence[PaletteColour]
) -> float:
    """The largest ΔE2000 (kL = 2) from a dominant colour of either palette to its nearest
    colour in the other: a scarf that changed colour counts even when it is a fifth of the
    region, where a share-weighted mean would dilute it under the lighting's noise."""
    if not reference or not candidate:
        raise InvalidInput("a palette comparison needs a colour on each side")
    table = delta_e_2000(
        np.asarray([c.lab for c in reference])[:, None, :],
        np.asarray([c.lab for c in candidate])[None, :, :],
        k_l=TEXTILE_KL,
    )
    forward = [table[i].min() for i, c in enumerate(reference) if c.share >= SIGNIFICANT_SHARE]
    backward = [table[:, j].min() for j, c in enumerate(candidate) if c.share >= SIGNIFICANT_SHARE]
    return round(float(max(forward + backward, default=0.0)), 3)
