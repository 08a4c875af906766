"""Previz: storyboard panels drawn on the CPU from the shot's description, with no model weights.

A panel shows the setting (harbour, marsh, street, bar, car interior …) lit for the time of day
and its weather, the props and vehicles standing in it, the practical lights glowing, the
characters in their looks placed by framing, and a caption strip with the scene, shot, heading
and action. Pixels depend only on the spec and the seed (never on time or global random state),
so the same inputs redraw the same frame.
"""

from __future__ import annotations

from dataclasses import replace

from PIL import Image

from core.errors import InvalidInput
from tools.backends.base import FrameSpec, ImageBackend, Progress
from tools.backends.previz.panel import STAGES, draw_panel

__all__ = ["PrevizBackend"]


class PrevizBackend(ImageBackend):
    """Storyboard panels drawn with Pillow: instant, free, and clearly not final pictures."""

    name = "previz"
    model_id = "previz-1"
    device_class = "cpu"

    def text_to_image(
        self, spec: FrameSpec, seed: int, progress: Progress | None = None
    ) -> Image.Image:
        """A storyboard panel for the spec; the same spec and seed give the same pixels."""
        return draw_panel(spec, seed, progress, STAGES)

    def image_to_image(
        self,
        parent: Image.Image,
        spec: FrameSpec,
        strength: float,
        seed: int,
        progress: Progress | None = None,
    ) -> Image.Image:
        """The panel redrawn from the changed spec, blended over the parent with alpha `strength`.

        Previz has no latent to nudge, so a change of time of day or framing is a redraw; strength
        1 gives the redraw, 0 the parent, and between them a cross-fade at the parent's size.
        """
        if not 0.0 <= strength <= 1.0:
            raise InvalidInput(f"strength must be between 0 and 1, got {strength}")
        redrawn = draw_panel(_sized_like(spec, parent), seed, progress, STAGES + 1)
        blended = Image.blend(parent.convert("RGB"), redrawn, strength)
        if progress is not None:
            progress(STAGES + 1, STAGES + 1)
        return blended

    def inpaint(
        self,
        parent: Image.Image,
        mask: Image.Image,
        spec: FrameSpec,
        seed: int,
        progress: Progress | None = None,
    ) -> Image.Image:
        """The parent with the white part of the mask redrawn for the spec.

        The redraw shares the shot's layout (horizon, vanishing point, places), so what the
        region shows continues what surrounds it; the description's props stand inside the
        region, where the person asked for them.
        """
        if mask.size != parent.size:
            raise InvalidInput(
                f"the mask is {mask.width}x{mask.height} but the frame is "
                f"{parent.width}x{parent.height}; they must match"
            )
        grey = mask.convert("L")
        focus = grey.point(lambda v: 255 if v >= 128 else 0).getbbox()
        redrawn = draw_panel(_sized_like(spec, parent), seed, progress, STAGES + 1, focus)
        painted = Image.composite(redrawn, parent.convert("RGB"), grey)
        if progress is not None:
            progress(STAGES + 1, STAGES + 1)
        return painted


def _sized_like(spec: FrameSpec, parent: Image.Image) -> FrameSpec:
    """The spec at the parent's size, because an edit never changes a frame's dimensions."""
    return replace(spec, width=parent.width, height=parent.height)
