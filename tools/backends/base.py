"""What every image backend can do, and the description of a frame they all draw from.

A backend never touches records: it turns a `FrameSpec` (built from the production's memory by
`tools/frames.py`) into pixels. Exactness outside an edited region is enforced by the caller,
so a backend may change what it likes; the caller composites.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

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
class FigureInFrame:
    """A character as a shot shows them: who, how they look, and where they stand."""

    name: str
    look: str = ""
    position: str = ""
    """Where in the frame and which way they face, in plain words ("left, facing right")."""


@dataclass(frozen=True, slots=True)
class Depiction:
    """What one shot shows: the one description every backend draws from.

    Built by `tools/` from the scene, the shot, the person's words and, for a revision, the
    parent's description changed by the instruction; stored with every version as `depicts`.
    All words are lower case.
    """

    setting: str = ""
    int_ext: str = ""
    time_of_day: str = ""
    weather: tuple[str, ...] = ()
    light: tuple[str, ...] = ()
    props: tuple[str, ...] = ()
    characters: tuple[FigureInFrame, ...] = ()
    framing: str = "medium"
    angle: str = "eye-level"
    lens: str = ""
    action: str = ""

    def to_json(self) -> dict[str, Any]:
        """The `depicts` object of a version's JSON."""
        return {
            "setting": self.setting,
            "int_ext": self.int_ext,
            "time_of_day": self.time_of_day,
            "weather": list(self.weather),
            "light": list(self.light),
            "props": list(self.props),
            "characters": [
                {"name": c.name, "look": c.look, "position": c.position} for c in self.characters
            ],
            "framing": self.framing,
            "angle": self.angle,
            "lens": self.lens,
            "action": self.action,
        }

    @classmethod
    def from_json(cls, document: dict[str, Any] | None) -> Depiction:
        """A description read back from its stored JSON (missing keys take their defaults)."""
        document = document or {}
        return cls(
            setting=str(document.get("setting") or ""),
            int_ext=str(document.get("int_ext") or ""),
            time_of_day=str(document.get("time_of_day") or ""),
            weather=tuple(document.get("weather") or ()),
            light=tuple(document.get("light") or ()),
            props=tuple(document.get("props") or ()),
            characters=tuple(
                FigureInFrame(
                    name=str(c.get("name", "")),
                    look=str(c.get("look") or ""),
                    position=str(c.get("position") or ""),
                )
                for c in document.get("characters") or ()
            ),
            framing=str(document.get("framing") or "medium"),
            angle=str(document.get("angle") or "eye-level"),
            lens=str(document.get("lens") or ""),
            action=str(document.get("action") or ""),
        )


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
    depicts: Depiction | None = None
    """The shot description; backends that understand it draw from it rather than the prompt."""


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
