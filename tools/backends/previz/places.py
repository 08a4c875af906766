"""Which set each setting of `memory.vocabulary.SETTINGS` is drawn as: the ground that fills the
lower half (water, sand, asphalt, foliage …), what stands on the horizon, and the features that
tell one place from another, outside and inside."""

from __future__ import annotations

from dataclasses import dataclass

from tools.backends.previz.canvas import RGB

GROUNDS: dict[str, RGB] = {
    "water": (34, 82, 122),
    "sand": (230, 198, 128),
    "grass": (104, 138, 78),
    "foliage": (54, 100, 50),
    "asphalt": (70, 71, 76),
    "mud": (92, 86, 62),
    "marsh": (88, 104, 66),
    "rock": (112, 106, 98),
    "snow": (236, 238, 242),
    "concrete": (158, 156, 150),
    "dirt": (150, 120, 86),
    "wheat": (204, 176, 96),
    "gravel": (146, 140, 130),
    "deck": (104, 108, 116),
    "tarmac": (92, 94, 98),
}
"""Ground colours by day: the colour a setting's lower half is made of."""


@dataclass(frozen=True, slots=True)
class Outside:
    """A setting seen outdoors: its ground, its horizon, and features drawn in order."""

    ground: str
    horizon: str
    features: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Inside:
    """A setting seen indoors: wall and floor colours and the furniture that names it."""

    wall: RGB
    floor: RGB
    features: tuple[str, ...] = ()
    window: str = "land"
    """What the window shows: `land`, `sea`, `city` or `none`."""


@dataclass(frozen=True, slots=True)
class Place:
    """How to draw a setting: outdoors and indoors (INT and EXT headings of the same place)."""

    outside: Outside
    inside: Inside


_ROOM = Inside((224, 208, 182), (146, 104, 70), ("door",))
_OFFICE = Inside((206, 210, 204), (120, 120, 124), ("desk", "filing", "door", "whiteboard"))
_SHED = Inside((150, 130, 104), (112, 98, 80), ("crates", "bulb"), window="land")


def _p(outside: Outside, inside: Inside = _ROOM) -> Place:
    return Place(outside, inside)


PLACES: dict[str, Place] = {
    "harbour": _p(
        Outside("water", "sea", ("houses", "boats", "quay")),
        Inside((200, 196, 184), (120, 100, 80), ("crates", "nets", "door"), window="sea"),
    ),
    "open water": _p(Outside("water", "sea", ("swell",))),
    "boat": _p(
        Outside("water", "sea", ("swell", "gunwale")),
        Inside((150, 120, 90), (110, 84, 60), ("portholes", "bench"), window="sea"),
    ),
    "ship deck": _p(
        Outside("water", "sea", ("swell", "deck", "railing")),
        Inside((170, 176, 180), (104, 108, 116), ("portholes", "pipes", "console"), window="sea"),
    ),
    "beach": _p(
        Outside("sand", "sea", ("shore",)),
        Inside((232, 222, 200), (200, 180, 140), ("door",), window="sea"),
    ),
    "marsh": _p(Outside("marsh", "flat", ("pools", "reeds"))),
    "river": _p(Outside("grass", "treeline", ("river", "reeds"))),
    "lake": _p(Outside("grass", "hills", ("lake", "reeds"))),
    "forest": _p(Outside("foliage", "treeline", ("forest", "undergrowth")), _SHED),
    "field": _p(Outside("grass", "hills", ("furrows",))),
    "farm": _p(Outside("grass", "hills", ("barn", "fence"))),
    "barn": _p(
        Outside("dirt", "hills", ("barn", "fence")),
        Inside((150, 104, 70), (170, 140, 90), ("hay", "beams", "door")),
    ),
    "desert": _p(Outside("sand", "dunes", ("cacti",))),
    "mountain": _p(Outside("rock", "mountains", ("boulders",))),
    "cliff": _p(Outside("grass", "sea", ("sea_far", "cliff_edge"))),
    "cave": _p(
        Outside("rock", "flat", ("cave_mouth",)),
        Inside((80, 72, 64), (96, 88, 78), ("cave",), window="none"),
    ),
    "road": _p(Outside("grass", "hills", ("road",))),
    "street": _p(Outside("asphalt", "skyline", ("street",))),
    "alley": _p(Outside("asphalt", "walls", ("alley",))),
    "rooftop": _p(Outside("concrete", "skyline_low", ("parapet", "water_tank"))),
    "bridge": _p(Outside("water", "hills", ("bridge",))),
    "parking lot": _p(
        Outside("asphalt", "skyline", ("parking",)),
        Inside((140, 140, 136), (96, 96, 98), ("pillars", "bays"), window="none"),
    ),
    "gas station": _p(Outside("asphalt", "hills", ("canopy",))),
    "car interior": _p(
        Outside("asphalt", "hills", ("road",)),
        Inside((40, 40, 44), (30, 30, 34), ("dashboard",), window="road"),
    ),
    "truck interior": _p(
        Outside("asphalt", "hills", ("road",)),
        Inside((60, 58, 54), (40, 40, 40), ("dashboard", "high_cab"), window="road"),
    ),
    "bus": _p(
        Outside("asphalt", "skyline", ("street",)),
        Inside(
            (200, 204, 200), (80, 84, 90), ("seat_rows", "side_windows", "poles"), window="city"
        ),
    ),
    "train": _p(
        Outside("gravel", "hills", ("rails", "platform")),
        Inside((206, 196, 170), (96, 90, 84), ("seat_rows", "side_windows"), window="land"),
    ),
    "airport": _p(
        Outside("tarmac", "flat", ("runway",)),
        Inside((220, 224, 228), (190, 190, 186), ("seat_rows", "big_windows"), window="runway"),
    ),
    "office": _p(Outside("concrete", "skyline", ("facade_office",)), _OFFICE),
    "kitchen": _p(
        Outside("grass", "hills", ("cottage",)),
        Inside((236, 226, 196), (170, 150, 120), ("cabinets", "stove", "table")),
    ),
    "bedroom": _p(
        Outside("grass", "skyline", ("house",)),
        Inside((208, 196, 214), (140, 100, 70), ("bed", "door")),
    ),
    "living room": _p(
        Outside("grass", "skyline", ("house",)),
        Inside((220, 200, 170), (130, 90, 60), ("sofa", "rug", "door")),
    ),
    "bathroom": _p(
        Outside("grass", "skyline", ("house",)),
        Inside((214, 230, 232), (230, 230, 226), ("tiles", "bath", "mirror_wall")),
    ),
    "hallway": _p(
        Outside("concrete", "skyline", ("house",)),
        Inside((210, 196, 170), (120, 84, 60), ("doors_side", "stairs"), window="none"),
    ),
    "bar": _p(
        Outside("asphalt", "skyline", ("facade_bar",)),
        Inside(
            (110, 64, 44), (80, 56, 40), ("bar_counter", "bottle_shelves", "stools"), window="none"
        ),
    ),
    "restaurant": _p(
        Outside("asphalt", "skyline", ("facade_shop",)),
        Inside((226, 210, 180), (150, 60, 50), ("tables", "counter")),
    ),
    "nightclub": _p(
        Outside("asphalt", "skyline", ("facade_bar",)),
        Inside((40, 30, 60), (30, 24, 40), ("dance_lights", "bar_counter"), window="none"),
    ),
    "shop": _p(
        Outside("asphalt", "skyline", ("facade_shop",)),
        Inside((230, 226, 214), (190, 186, 176), ("shelves", "counter")),
    ),
    "hospital": _p(
        Outside("concrete", "skyline", ("facade_hospital",)),
        Inside((214, 232, 226), (200, 206, 204), ("hospital_bed", "curtain", "monitor")),
    ),
    "police station": _p(
        Outside("asphalt", "skyline", ("facade_police",)),
        Inside((190, 196, 186), (120, 122, 120), ("desk", "filing", "interrogation_light")),
    ),
    "prison": _p(
        Outside("concrete", "flat", ("wall_wire",)),
        Inside((150, 150, 146), (110, 110, 108), ("cell_bars", "bunk"), window="small"),
    ),
    "school": _p(
        Outside("grass", "skyline", ("facade_school",)),
        Inside((220, 214, 170), (160, 120, 80), ("blackboard", "school_desks")),
    ),
    "library": _p(
        Outside("concrete", "skyline", ("facade_columns",)),
        Inside((150, 110, 80), (120, 80, 56), ("bookshelves", "table")),
    ),
    "laboratory": _p(
        Outside("concrete", "skyline", ("facade_office",)),
        Inside((226, 232, 236), (200, 204, 206), ("benches_lab", "shelves")),
    ),
    "courtroom": _p(
        Outside("concrete", "skyline", ("facade_columns",)),
        Inside((150, 104, 70), (110, 74, 50), ("bench_judge", "pews")),
    ),
    "church": _p(
        Outside("grass", "hills", ("church",)),
        Inside((206, 196, 176), (150, 140, 126), ("pews", "altar", "stained_glass"), window="none"),
    ),
    "cemetery": _p(Outside("grass", "treeline", ("graves", "church_far"))),
    "warehouse": _p(
        Outside("concrete", "flat", ("warehouse",)),
        Inside((120, 126, 130), (130, 128, 122), ("racks", "crates", "skylights"), window="none"),
    ),
    "factory": _p(
        Outside("concrete", "flat", ("factory",)),
        Inside((120, 116, 110), (100, 98, 94), ("machines", "pipes"), window="none"),
    ),
    "garage": _p(
        Outside("asphalt", "skyline", ("garage_door",)),
        Inside((150, 150, 146), (110, 108, 104), ("tool_wall", "bulb"), window="none"),
    ),
    "construction site": _p(Outside("dirt", "skyline", ("scaffold", "crane"))),
    "lighthouse": _p(
        Outside("grass", "sea", ("lighthouse",)),
        Inside((226, 222, 210), (120, 110, 100), ("lens",), window="sea"),
    ),
    "cottage": _p(
        Outside("grass", "hills", ("cottage",)),
        Inside((226, 214, 188), (130, 96, 66), ("fireplace", "table", "door")),
    ),
    "house": _p(
        Outside("grass", "skyline", ("house",)),
        Inside((220, 206, 180), (140, 100, 70), ("sofa", "door")),
    ),
    "hotel room": _p(
        Outside("asphalt", "skyline", ("facade_hotel",)),
        Inside((214, 200, 170), (120, 60, 56), ("bed", "lamp_table"), window="city"),
    ),
    "elevator": _p(
        Outside("concrete", "skyline", ("facade_office",)),
        Inside((170, 166, 156), (100, 96, 90), ("lift_doors", "panel"), window="none"),
    ),
    "basement": _p(
        Outside("grass", "skyline", ("house",)),
        Inside((130, 124, 112), (100, 96, 88), ("pipes", "bulb", "crates"), window="small"),
    ),
    "attic": _p(
        Outside("grass", "skyline", ("house",)),
        Inside((170, 130, 90), (140, 104, 70), ("rafters", "crates"), window="small"),
    ),
    "garden": _p(Outside("grass", "treeline", ("hedges", "flowerbeds", "fence"))),
    "park": _p(Outside("grass", "treeline", ("trees_near", "path", "benches"))),
    "stadium": _p(Outside("grass", "stands", ("pitch_lines", "floodlights"))),
    "subway": _p(
        Outside("concrete", "skyline", ("subway_entrance",)),
        Inside((220, 220, 210), (120, 120, 118), ("tiles", "rails_pit"), window="none"),
    ),
    "tunnel": _p(
        Outside("asphalt", "hills", ("tunnel_mouth",)),
        Inside((90, 90, 92), (70, 70, 72), ("tunnel",), window="none"),
    ),
    "room": _p(Outside("grass", "hills", ("house",)), _ROOM),
    "landscape": _p(Outside("grass", "hills", ())),
}
"""Every setting of the vocabulary; `room` and `landscape` are the fallbacks."""


def place_of(setting: str) -> Place:
    """The set for a canonical setting (an unknown one draws as a plain room or landscape)."""
    return PLACES.get(setting, PLACES["landscape"])
