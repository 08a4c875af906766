"""What every image backend can do, and the description of a frame they all draw from.

A backend never touches records: it turns a `FrameSpec` (built from the production's memory by
`tools/frames.py`) into pixels. Exactness outside an edited region is enforced by the caller,
so a backend may change what it likes; the caller composites.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from PIL import Image

Progress = Callable[[int, int], None]
"""Called as progress(step, total_steps) while a backend works."""

FRAMINGS = ("wide", "medium", "close-up", "over-the-shoulder")
ANGLES = ("eye-level", "low", "high")


@dataclass(frozen=True, slots=True)
class CharacterInFrame:
    """A character the frame shows, with the description that keeps their look consistent."""

    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class FrameSpec:
    """Everything a backend needs to draw one frame of a shot."""

    prompt: str
    width: int
    height: int
    scene_number: str
    shot_code: str
    heading: str
    int_ext: str | None = None
    location: str | None = None
    time_of_day: str | None = None
    characters: tuple[CharacterInFrame, ...] = ()
    framing: str = "medium"
    angle: str = "eye-level"
    props: tuple[str, ...] = ()
    action: str = ""
    negative_prompt: str = ""
    reference_images: tuple[str, ...] = field(default=())


class ImageBackend(ABC):
    """A way of making frames: previz drawings, diffusers pipelines or Bedrock image models."""

    name: str
    model_id: str
    model_hash: str = ""
    default_size: tuple[int, int] = (768, 432)
    """16:9 frames at the size the model draws best, when a request names no size."""
    device_class: str = "cpu"

    def fit_prompt(self, prompt: str) -> tuple[str, str | None]:
        """The prompt as the model will read it, and a note for the person when it was cut."""
        return prompt, None

    def text_to_images(
        self, specs: Sequence[FrameSpec], seeds: Sequence[int], progress: Progress | None = None
    ) -> list[Image.Image]:
        """Several frames at once; backends that batch on a device override this."""
        return [
            self.text_to_image(spec, seed, progress)
            for spec, seed in zip(specs, seeds, strict=True)
        ]

    @abstractmethod
    def text_to_image(
        self, spec: FrameSpec, seed: int, progress: Progress | None = None
    ) -> Image.Image:
        """A new frame for the spec."""

    @abstractmethod
    def image_to_image(
        self,
        parent: Image.Image,
        spec: FrameSpec,
        strength: float,
        seed: int,
        progress: Progress | None = None,
    ) -> Image.Image:
        """A global change of the parent frame towards the spec (strength 0 keeps, 1 redraws)."""

    @abstractmethod
    def inpaint(
        self,
        parent: Image.Image,
        mask: Image.Image,
        spec: FrameSpec,
        seed: int,
        progress: Progress | None = None,
    ) -> Image.Image:
        """The parent with the white part of the mask (mode L) repainted towards the spec."""
