"""What a render will cost before it runs, from this machine's own render history."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from core.errors import InvalidInput
from memory.records import LedgerEntry, Version
from memory.store import get_project
from tools.context import Studio
from tools.ledger import amount_of

RECENT_RENDERS = 20
"""How many recent renders of the backend the cost estimate averages."""
RENDER_LOOKBACK = 400
"""Ledger entries scanned for them (model calls and other backends are skipped)."""
DEFAULT_FRAME_SIZE = (768, 432)
MEGAPIXEL = Decimal(1_000_000)
DEFAULT_SECONDS_PER_MEGAPIXEL = {
    ("previz", "cpu_second"): Decimal("0.5"),
    ("diffusers", "gpu_second"): Decimal("15"),
    ("diffusers", "cpu_second"): Decimal("600"),
}
"""Render time of one megapixel before a backend has any history here: previz draws a 768×432
panel in about 0.05 s; SD-class models take ~15 s/MP at 30 steps on a data-centre GPU and ~10
minutes/MP on CPU cores. A studio's own history replaces these after the first render."""
FALLBACK_SECONDS_PER_MEGAPIXEL = Decimal("60")
"""For a backend and device not in the table above."""


def _charged_unit(settings: Any) -> str:
    """The ledger unit the configured backend's renders are charged in, without loading it."""
    if settings.image_backend == "bedrock":
        return "image"
    if settings.image_backend == "diffusers" and settings.device != "cpu":
        return "gpu_second"  # `auto` is assumed to find the GPU it is meant for
    return "cpu_second"


def _unit_rate(settings: Any, unit: str) -> Decimal:
    rates = {
        "image": settings.rate_bedrock_image,
        "gpu_second": settings.rate_gpu_second,
        "cpu_second": settings.rate_cpu_second,
    }
    return Decimal(rates[unit])


def estimate_render_cost(
    studio: Studio, project: str, count: int, width: int, height: int
) -> Decimal:
    """The expected cost of rendering `count` frames of a size with the configured backend.

    Render time per pixel is averaged over the backend's last 20 renders and revisions here (any
    project: timing belongs to the machine), then priced at today's rate; a backend without
    history uses DEFAULT_SECONDS_PER_MEGAPIXEL. Hosted images cost their per-image price.
    """
    settings = studio.settings
    backend = settings.image_backend
    if count < 0 or width < 1 or height < 1:
        raise InvalidInput(f"cannot estimate {count} frames of {width}×{height}")
    with studio.transaction() as session:
        get_project(session, project)
        recent = [
            (entry.unit, Decimal(entry.quantity), int(entry.version_id[1:]))
            for entry in session.scalars(
                select(LedgerEntry)
                .where(
                    LedgerEntry.kind.in_(("render", "revise")),
                    LedgerEntry.version_id.is_not(None),
                )
                .order_by(LedgerEntry.id.desc())
                .limit(RENDER_LOOKBACK)
            )
            if entry.details.get("backend") == backend
        ][:RECENT_RENDERS]
        unit = recent[0][0] if recent else _charged_unit(settings)
        if unit == "image":
            return amount_of(Decimal(count), _unit_rate(settings, unit))
        sizes = dict(
            session.execute(
                select(Version.id, Version.width * Version.height).where(
                    Version.id.in_([version for _, _, version in recent])
                )
            ).all()
        )
    timed = [(seconds, sizes[v]) for u, seconds, v in recent if u == unit and sizes.get(v)]
    if timed:
        per_pixel = sum(s for s, _ in timed) / Decimal(sum(p for _, p in timed))
    else:
        per_megapixel = DEFAULT_SECONDS_PER_MEGAPIXEL.get(
            (backend, unit), FALLBACK_SECONDS_PER_MEGAPIXEL
        )
        per_pixel = per_megapixel / MEGAPIXEL
    seconds = (per_pixel * width * height * count).quantize(Decimal("0.001"))
    return amount_of(seconds, _unit_rate(settings, unit))
