"""The parsed form of a screenplay, shared by the Fountain and Final Draft readers.

Hand-written classes, not dataclasses or namedtuples: `frameline script parse` is timed as a
whole process against other parsers' command lines, and importing `dataclasses` alone costs more
than parsing a feature (`collections` a third of it).
"""

from __future__ import annotations

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


class Element(tuple):
    """One element of a screenplay, as `frameline script parse` prints it: an immutable
    (type, text, scene_number, dual, level), compared and hashed as that tuple."""

    __slots__ = ()

    def __new__(
        cls,
        type: str,
        text: str,
        scene_number: str | None = None,
        dual: bool = False,
        level: int | None = None,
    ) -> Element:
        return tuple.__new__(cls, (type, text, scene_number, dual, level))

    def __getnewargs__(self) -> tuple[str, str, str | None, bool, int | None]:
        return tuple(self)

    def __repr__(self) -> str:
        return (
            f"Element(type={self[0]!r}, text={self[1]!r}, scene_number={self[2]!r}, "
            f"dual={self[3]!r}, level={self[4]!r})"
        )

    @property
    def type(self) -> str:
        return self[0]

    @property
    def text(self) -> str:
        return self[1]

    @property
    def scene_number(self) -> str | None:
        """The `#12A#` number of a scene heading, None on other elements."""
        return self[2]

    @property
    def dual(self) -> bool:
        """True on the second speaker's cue of dual dialogue."""
        return self[3]

    @property
    def level(self) -> int | None:
        """The depth of a section (`##` is 2), None on other elements."""
        return self[4]

    def to_json(self) -> dict[str, object]:
        """The element as INTERFACES.md defines it: optional keys only where they apply."""
        kind, text, scene_number, dual, level = self
        out: dict[str, object] = {"type": kind, "text": text}
        if kind == "scene_heading" and scene_number is not None:
            out["scene_number"] = scene_number
        if dual:
            out["dual"] = True
        if kind == "section" and level is not None:
            out["level"] = level
        return out


class Screenplay:
    """A title page and the elements in script order."""

    __slots__ = ("title_page", "elements")

    def __init__(
        self, title_page: dict[str, str] | None = None, elements: list[Element] | None = None
    ) -> None:
        self.title_page: dict[str, str] = {} if title_page is None else title_page
        self.elements: list[Element] = [] if elements is None else elements

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Screenplay):
            return NotImplemented
        return (self.title_page, self.elements) == (other.title_page, other.elements)

    __hash__ = None  # mutable, like the dataclass it replaces

    def __repr__(self) -> str:
        return f"Screenplay(title_page={self.title_page!r}, elements={self.elements!r})"

    def to_json(self) -> dict[str, object]:
        """The document `frameline script parse` prints."""
        return {
            "title_page": dict(self.title_page),
            "elements": [element.to_json() for element in self.elements],
        }
