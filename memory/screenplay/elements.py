"""The parsed form of a screenplay, shared by the Fountain and Final Draft readers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ELEMENT_TYPES = frozenset(
    {
        "scene_heading",
        "action",
        "character",
        "parenthetical",
        "dialogue",
        "transition",
        "centered",
        "lyrics",
        "page_break",
        "section",
        "synopsis",
    }
)


@dataclass(frozen=True, slots=True)
class Element:
    """One element of a screenplay, as `frameline script parse` prints it."""

    type: str
    text: str
    scene_number: str | None = None
    dual: bool = False
    level: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The element as INTERFACES.md defines it: optional keys only where they apply."""
        out: dict[str, Any] = {"type": self.type, "text": self.text}
        if self.type == "scene_heading" and self.scene_number is not None:
            out["scene_number"] = self.scene_number
        if self.dual:
            out["dual"] = True
        if self.type == "section" and self.level is not None:
            out["level"] = self.level
        return out


@dataclass(slots=True)
class Screenplay:
    """A title page and the elements in script order."""

    title_page: dict[str, str] = field(default_factory=dict)
    elements: list[Element] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The document `frameline script parse --json` prints."""
        return {
            "title_page": dict(self.title_page),
            "elements": [element.to_json() for element in self.elements],
        }
