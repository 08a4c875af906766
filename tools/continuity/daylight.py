"""Time of day: does a frame's light agree with its scene heading (a NIGHT scene lit like noon)?

Two numbers describe the light: the mean CIELAB lightness L* of the frame (0 black, 100 white)
and a correlated colour temperature from the frame's mean chromaticity (McCamy's cubic, 1992).
The mean colour also carries what the frame shows (a yellow coat warms it), so the rules lean on
lightness and use temperature only to tell daylight from warm or dim light; they flag clear
contradictions and leave the subtle ones to a person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tools.continuity.look import rgb_to_xyz, xyz_to_lab

SAMPLE_SIDE = 128
"""Frames are sampled down to about this many pixels a side: the mean barely moves."""

PERIODS: dict[str, tuple[str, ...]] = {
    "night": ("NIGHT", "MIDNIGHT"),
    "dusk": ("DUSK", "SUNSET", "EVENING", "TWILIGHT", "MAGIC HOUR", "GOLDEN HOUR"),
    "dawn": ("DAWN", "SUNRISE", "FIRST LIGHT", "DAYBREAK"),
    "day": ("DAY", "MORNING", "AFTERNOON", "NOON", "MIDDAY"),
}
"""Words of a heading's time of day, by the light they promise; the first period that matches
wins, so "NIGHT" is not read as a kind of "DAY"."""

INHERITED = ("CONTINUOUS", "SAME", "MOMENTS LATER", "SAME TIME")
"""Times of day that carry the previous scene's light on."""

NIGHT_MAX_LIGHTNESS = 50.0
DAY_MIN_LIGHTNESS = 30.0
DAY_MIN_KELVIN = 2500.0
TWILIGHT_DAYLIGHT_LIGHTNESS = 55.0
DAYLIGHT_MIN_KELVIN = 5000.0
TWILIGHT_MIN_LIGHTNESS = 18.0
"""Mean L* and temperature bounds: a night frame averages well under mid-grey, a day frame is not
murky, a dusk or dawn frame that is both bright and neutral-to-cool is lit like full day, and one
darker than a night sky with stars is lit like night."""


@dataclass(frozen=True)
class LightReading:
    """The light of a frame: mean lightness L* (0–100) and colour temperature in kelvin."""

    lightness: float
    kelvin: float | None


@dataclass(frozen=True)
class DaylightCheck:
    """A frame's light against its scene's time of day."""

    time_of_day: str | None
    period: str | None
    reading: LightReading
    verdict: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        """The time-of-day part of a continuity report."""
        return {
            "time_of_day": self.time_of_day,
            "period": self.period,
            "lightness": self.reading.lightness,
            "kelvin": self.reading.kelvin,
            "verdict": self.verdict,
            "reason": self.reason,
        }


def period_of(time_of_day: str | None) -> str | None:
    """The light a heading's time of day promises: night, dusk, dawn, day, or None if unsaid."""
    if not time_of_day:
        return None
    words = f" {' '.join(time_of_day.upper().replace('-', ' ').split())} "
    for period, names in PERIODS.items():
        if any(f" {name} " in words for name in names):
            return period
    return None


def scene_time_of_day(times_in_script_order: Sequence[str | None], index: int) -> str | None:
    """A scene's time of day, following CONTINUOUS and SAME back to the scene they continue."""
    while index >= 0:
        time = times_in_script_order[index]
        if time is None or time.upper().strip() not in INHERITED:
            return time
        index -= 1
    return None


def read_light(pixels: np.ndarray) -> LightReading:
    """Mean L* and McCamy colour temperature of an RGB uint8 frame."""
    step = max(1, max(pixels.shape[:2]) // SAMPLE_SIDE)
    sample = np.ascontiguousarray(pixels[::step, ::step]).reshape(-1, 3)
    xyz = rgb_to_xyz(sample)
    lightness = float(np.mean(xyz_to_lab(xyz)[:, 0]))
    x_total, y_total, z_total = xyz.mean(axis=0)
    total = x_total + y_total + z_total
    kelvin = None
    if total > 1e-6:
        x, y = x_total / total, y_total / total
        n = (x - 0.3320) / (0.1858 - y)
        kelvin = round(float(449 * n**3 + 3525 * n**2 + 6823.3 * n + 5520.33))
    return LightReading(round(lightness, 2), kelvin)


def check_daylight(pixels: np.ndarray, time_of_day: str | None) -> DaylightCheck:
    """Compare a frame's light with the scene's time of day: pass, fail, or not_checkable."""
    reading = read_light(pixels)
    period = period_of(time_of_day)
    light = f"mean L* {reading.lightness:.0f}" + (
        f", about {reading.kelvin} K" if reading.kelvin is not None else ""
    )
    if period is None:
        said = f"{time_of_day!r}" if time_of_day else "no time of day"
        return DaylightCheck(
            time_of_day,
            None,
            reading,
            "not_checkable",
            f"the scene heading gives {said}, which says nothing about the light ({light})",
        )
    problem = _contradiction(period, reading)
    verdict = "fail" if problem else "pass"
    reason = f"{problem} ({light})" if problem else f"light fits {period} ({light})"
    return DaylightCheck(time_of_day, period, reading, verdict, reason)


def _contradiction(period: str, reading: LightReading) -> str | None:
    """What is wrong with the light for this period, or None when it fits."""
    kelvin = reading.kelvin
    if period == "night" and reading.lightness > NIGHT_MAX_LIGHTNESS:
        return f"a night scene lit like day: brighter than L* {NIGHT_MAX_LIGHTNESS:.0f}"
    if period == "day" and reading.lightness < DAY_MIN_LIGHTNESS:
        return f"a day scene darker than L* {DAY_MIN_LIGHTNESS:.0f}"
    if period == "day" and kelvin is not None and kelvin < DAY_MIN_KELVIN:
        return f"a day scene in candle-warm light, under {DAY_MIN_KELVIN:.0f} K"
    if period in {"dusk", "dawn"} and reading.lightness < TWILIGHT_MIN_LIGHTNESS:
        return f"a {period} scene dark as night: darker than L* {TWILIGHT_MIN_LIGHTNESS:.0f}"
    if (
        period in {"dusk", "dawn"}
        and reading.lightness > TWILIGHT_DAYLIGHT_LIGHTNESS
        and kelvin is not None
        and kelvin >= DAYLIGHT_MIN_KELVIN
    ):
        return (
            f"a {period} scene in full daylight: bright and {DAYLIGHT_MIN_KELVIN:.0f} K or cooler"
        )
    return None
