"""The words Frameline knows for what a shot shows: settings, props, vehicles, weather, light.

One canonical list for the whole product: scene import reads scripts with it, the shot
description (`Depiction`) is written in it, and backends draw it (previz keys its drawings on these
canonical names). Each canonical name (lower case) maps to the phrases that mean it in a script
or in a person's words; the canonical name itself always matches too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache

SETTINGS: dict[str, tuple[str, ...]] = {
    "harbour": ("harbor", "port", "quay", "wharf", "dock", "docks", "pier", "marina", "jetty",
                "breakwater", "fishing village"),
    "open water": ("sea", "ocean", "open sea", "bay", "channel", "reef", "offshore", "waves"),
    "boat": ("boat deck", "dinghy", "rowboat", "fishing boat", "trawler", "skiff", "launch"),
    "ship deck": ("ship", "deck", "barge", "ferry deck", "tanker", "freighter", "wheelhouse"),
    "beach": ("shore", "shoreline", "sand", "dunes", "coast", "seafront", "boardwalk"),
    "marsh": ("salt marsh", "swamp", "bog", "wetland", "wetlands", "fen", "mudflat", "mudflats",
              "reeds"),
    "river": ("riverbank", "stream", "creek", "canal", "waterfront"),
    "lake": ("pond", "lakeside", "reservoir", "lagoon"),
    "forest": ("woods", "woodland", "jungle", "trees", "grove", "thicket", "clearing"),
    "field": ("meadow", "pasture", "farmland", "cornfield", "wheat field", "prairie", "grassland"),
    "farm": ("farmyard", "ranch", "orchard", "vineyard", "stable"),
    "barn": ("hayloft", "shed", "outbuilding"),
    "desert": ("dunes of sand", "wasteland", "badlands", "salt flats", "canyon"),
    "mountain": ("mountains", "hillside", "hills", "hilltop", "summit", "ridge", "valley", "moor",
                 "moors"),
    "cliff": ("cliffs", "cliff top", "clifftop", "headland", "bluff"),
    "cave": ("cavern", "grotto", "mineshaft"),
    "road": ("highway", "motorway", "country road", "track", "lane", "dirt road", "shore road",
             "freeway"),
    "street": ("avenue", "boulevard", "sidewalk", "pavement", "main street", "crossroads",
               "intersection", "plaza", "town", "city", "downtown"),
    "alley": ("alleyway", "back alley", "side street", "backstreet", "passage"),
    "rooftop": ("roof", "rooftops", "roof terrace"),
    "bridge": ("overpass", "footbridge", "viaduct"),
    "parking lot": ("car park", "parking garage", "parking structure"),
    "gas station": ("petrol station", "service station", "filling station"),
    "car interior": ("car", "sedan", "taxi", "cab", "police car", "squad car", "limo",
                     "limousine", "jeep", "suv"),
    "truck interior": ("truck", "pickup", "pickup truck", "lorry", "van", "truck cab"),
    "bus": ("bus interior", "coach", "school bus"),
    "train": ("train carriage", "railway carriage", "subway car", "train compartment",
              "platform", "station platform", "railway station", "train station"),
    "airport": ("terminal", "departure lounge", "runway", "hangar", "airplane", "plane cabin"),
    "office": ("site office", "study", "boardroom", "conference room", "cubicle", "newsroom",
               "precinct"),
    "kitchen": ("galley", "pantry", "scullery"),
    "bedroom": ("bed", "dormitory", "nursery"),
    "living room": ("lounge", "sitting room", "parlour", "parlor", "den", "front room"),
    "bathroom": ("toilet", "restroom", "washroom", "shower"),
    "hallway": ("corridor", "hall", "stairwell", "staircase", "lobby", "foyer"),
    "bar": ("pub", "tavern", "saloon", "inn", "taproom"),
    "restaurant": ("diner", "cafe", "café", "coffee shop", "canteen", "cafeteria", "bistro"),
    "nightclub": ("club", "dance floor", "disco"),
    "shop": ("store", "shopfront", "market", "supermarket", "pharmacy", "bookshop", "boutique"),
    "hospital": ("ward", "clinic", "emergency room", "operating theatre", "operating room",
                 "infirmary", "surgery"),
    "police station": ("interrogation room", "holding cell", "station house"),
    "prison": ("jail", "cell", "penitentiary"),
    "school": ("classroom", "schoolyard", "playground", "gymnasium", "university", "campus",
               "lecture hall"),
    "library": ("archive", "archives", "reading room"),
    "laboratory": ("lab", "research station"),
    "courtroom": ("court", "courthouse", "judge's chambers"),
    "church": ("chapel", "cathedral", "nave", "vestry", "abbey", "temple", "mosque",
               "synagogue"),
    "cemetery": ("graveyard", "churchyard", "grave", "crypt"),
    "warehouse": ("storeroom", "depot", "loading dock", "container yard", "boathouse"),
    "factory": ("mill", "workshop", "foundry", "refinery"),
    "garage": ("auto shop", "workshop garage"),
    "construction site": ("building site", "scaffolding", "quarry"),
    "lighthouse": ("lamp room", "lighthouse tower", "gallery of the lighthouse"),
    "cottage": ("cabin", "hut", "shack", "croft", "bungalow", "farmhouse"),
    "house": ("apartment", "townhouse", "mansion", "villa", "porch", "doorstep"),
    "hotel room": ("hotel", "motel", "suite", "guest room"),
    "elevator": ("lift shaft",),
    "basement": ("cellar", "bunker", "vault"),
    "attic": ("loft", "garret"),
    "garden": ("backyard", "yard", "garden gate", "greenhouse"),
    "park": ("playing field", "botanical garden"),
    "stadium": ("arena", "ballpark", "racetrack"),
    "subway": ("underground", "metro", "tube station", "subway station"),
    "tunnel": ("underpass", "sewer", "culvert"),
    "room": ("interior", "chamber"),
    "landscape": ("exterior", "countryside", "open ground", "wilderness"),
}  # fmt: skip
"""Where a scene plays. `room` and `landscape` are the fallbacks for INT and EXT scenes."""

INTERIOR_FALLBACK = "room"
EXTERIOR_FALLBACK = "landscape"

PROPS: dict[str, tuple[str, ...]] = {
    "lantern": ("storm lantern", "oil lamp", "hurricane lamp"),
    "lamp": ("desk lamp", "table lamp", "floor lamp", "standard lamp"),
    "candle": ("candles", "candlestick", "candelabra"),
    "flashlight": ("torch", "head torch", "headlamp"),
    "phone": ("cellphone", "cell phone", "mobile", "smartphone", "telephone", "payphone"),
    "radio": ("walkie-talkie", "walkie talkie", "transceiver", "loudhailer", "megaphone"),
    "gun": ("pistol", "revolver", "rifle", "shotgun", "handgun", "sniper rifle", "scope"),
    "knife": ("blade", "dagger", "switchblade", "machete"),
    "compass": ("brass compass",),
    "chart": ("map", "charts", "maps", "blueprint", "plans"),
    "binoculars": ("field glasses", "telescope", "spyglass"),
    "camera": ("video camera", "camcorder"),
    "laptop": ("computer", "monitor", "screen", "tablet"),
    "book": ("notebook", "binder", "ledger", "diary", "journal", "logbook"),
    "letter": ("envelope", "note", "postcard", "contract", "document", "documents", "file",
               "folder", "papers"),
    "photograph": ("photo", "photos", "photographs", "picture", "polaroid"),
    "bottle": ("whiskey bottle", "beer bottle", "wine bottle", "flask", "beers", "beer"),
    "glass": ("wine glass", "tumbler", "shot glass"),
    "mug": ("mugs", "cup", "teacup", "coffee cup", "tea"),
    "jar": ("sample jar", "jars", "vial", "test tube"),
    "suitcase": ("luggage", "hard case", "trunk", "holdall"),
    "bag": ("backpack", "rucksack", "duffel bag", "handbag", "purse", "satchel", "sack"),
    "briefcase": ("attache case", "attaché case"),
    "crate": ("crates", "box", "boxes", "carton", "chest"),
    "barrel": ("drum", "oil drum", "keg"),
    "rope": ("cord", "cable", "chain"),
    "ladder": ("mooring ladder", "stepladder", "rope ladder"),
    "table": ("kitchen table", "folding table", "dining table", "workbench"),
    "chair": ("stool", "bench", "armchair", "sofa", "couch", "thwart"),
    "bed": ("cot", "bunk", "hospital bed", "stretcher", "gurney"),
    "desk": ("filing cabinet", "filing drawers", "counter"),
    "door": ("doorway", "gate", "hatch"),
    "window": ("windows", "porthole", "skylight"),
    "umbrella": ("parasol",),
    "cigarette": ("cigar", "pipe", "lighter"),
    "key": ("keys", "firing key", "keycard"),
    "money": ("cash", "banknotes", "wallet", "coins"),
    "clock": ("wall clock", "alarm clock", "wristwatch", "stopwatch"),
    "flag": ("banner", "pennant"),
    "sign": ("signpost", "billboard", "placard", "poster"),
    "buoy": ("buoys", "marker buoy"),
    "net": ("fishing net", "nets", "lobster pot"),
    "bucket": ("pail", "basin"),
    "shovel": ("spade", "pickaxe", "crowbar", "hammer", "wrench", "stake", "stakes"),
    "axe": ("hatchet",),
    "sword": ("sabre", "saber", "rapier"),
    "badge": ("id card", "warrant card", "lanyard"),
    "guitar": ("violin", "piano", "instrument"),
    "flowers": ("bouquet", "wreath", "rose", "roses"),
    "coffin": ("casket",),
    "fire extinguisher": ("extinguisher",),
    "whiteboard": ("blackboard", "chalkboard", "noticeboard", "corkboard"),
    "wellhead": ("wells",),
    "meter": ("gauge", "conductivity meter", "dial", "instrument panel", "firing panel"),
    "corer": ("sediment corer", "sediment core", "core sample", "drill"),
    "first-aid kit": ("first-aid tin", "first aid kit", "medical kit", "bandages"),
    "tray": ("platter",),
    "mirror": ("looking glass",),
}  # fmt: skip
"""Things people hold, use or stand beside."""

VEHICLES: dict[str, tuple[str, ...]] = {
    "car": ("sedan", "hatchback", "coupe", "convertible", "station wagon", "estate car", "limo",
            "limousine", "jeep", "suv", "cruiser", "police car", "squad car"),
    "taxi": ("cab", "taxicab"),
    "truck": ("lorry", "pickup", "pickup truck", "semi", "tow truck", "dump truck",
              "eighteen-wheeler"),
    "van": ("minivan", "camper van", "delivery van", "panel van", "water-board van"),
    "bus": ("coach", "school bus", "minibus"),
    "motorcycle": ("motorbike", "scooter", "moped", "dirt bike"),
    "bicycle": ("bike", "cycle"),
    "ambulance": ("paramedic truck",),
    "fire engine": ("fire truck",),
    "tractor": ("combine", "combine harvester"),
    "boat": ("dinghy", "rowboat", "skiff", "fishing boat", "trawler", "launch", "speedboat",
             "lifeboat", "open boat", "motorboat", "canoe", "kayak"),
    "ship": ("freighter", "tanker", "liner", "cargo ship", "warship", "tug", "tugboat"),
    "ferry": ("ferryboat",),
    "barge": ("dredge barge", "dredger", "dredge", "pontoon"),
    "yacht": ("sailboat", "sailing boat", "catamaran"),
    "helicopter": ("chopper",),
    "plane": ("airplane", "aeroplane", "aircraft", "jet", "seaplane"),
    "train": ("locomotive", "tram", "streetcar", "subway train"),
}  # fmt: skip
"""Things that carry people: props too (`Depiction.props` holds props and vehicles)."""

WEATHER: dict[str, tuple[str, ...]] = {
    "rain": ("raining", "rains", "rainy", "drizzle", "downpour", "rainfall", "showers",
             "raindrops", "rain-streaked", "rain beading"),
    "snow": ("snowing", "snowy", "snowfall", "blizzard", "sleet", "flurries", "snowflakes"),
    "fog": ("foggy", "mist", "misty", "smog", "thick haze"),
    "haze": ("hazy", "heat haze", "light haze", "sea haze"),
    "storm": ("stormy", "thunder", "thunderstorm", "lightning", "gale", "squall", "tempest"),
    "wind": ("windy", "gusts", "gust", "wind-blown", "windswept", "breeze"),
    "overcast": ("grey sky", "gray sky", "cloudy", "clouds", "cloud line", "low grey sky"),
    "clear": ("clear sky", "cloudless", "sunny", "blue sky"),
}  # fmt: skip
"""The weather a shot shows. A haze is not fog: it softens the distance and leaves the frame
clear, so a storyboard draws it lightly or not at all."""

LIGHT_SOURCES: dict[str, tuple[str, ...]] = {
    "no moon": ("moonless", "no moonlight", "without a moon"),
    "moon": ("moonlight", "moonlit", "full moon", "crescent moon"),
    "stars": ("starlight", "starry", "starlit"),
    "sun": ("sunlight", "sunshine", "sunlit", "low sun", "sunbeam", "sun glare", "morning glare",
            "midday glare", "blinding glare"),
    "lantern": ("storm lantern", "oil lamp", "hurricane lamp", "lanterns"),
    "lamp": ("desk lamp", "table lamp", "lamplight", "floor lamp"),
    "candles": ("candle", "candlelight", "candlelit", "candlestick"),
    "headlights": ("headlight", "headlamps", "high beams", "car lights"),
    "fire": ("fireplace", "campfire", "bonfire", "flames", "firelight", "hearth"),
    "flashlight": ("torch beam", "torchlight", "head torch", "flashlights", "torch"),
    "searchlight": ("searchlights", "spotlight"),
    "floodlight": ("floodlights", "floodlit", "arc lights", "work lights"),
    "streetlight": ("streetlights", "street lamp", "street lamps", "lamppost"),
    "neon": ("neon sign", "neon light", "neon lights"),
    "bulb": ("bare bulb", "light bulb", "fluorescent", "fluorescents", "strip light",
             "overhead light"),
    "screen": ("screen glow", "monitor glow", "tv glow", "television"),
    "lighthouse beam": ("beam sweeps", "lamp room", "great lens"),
}  # fmt: skip
"""What lights a shot besides the sky."""

TIMES_OF_DAY: dict[str, tuple[str, ...]] = {
    "dawn": ("sunrise", "daybreak", "first light", "early morning", "break of day"),
    "day": ("daytime", "morning", "noon", "midday", "afternoon", "daylight", "broad daylight"),
    "dusk": ("sunset", "sundown", "twilight", "evening", "golden hour", "magic hour",
             "nightfall"),
    "night": ("nighttime", "midnight", "darkness", "after dark", "no moon", "moonlight",
              "moonless", "starlight", "small hours"),
}  # fmt: skip
"""The light of the day a shot is in: the four periods `Depiction.time_of_day` takes."""

CHARACTER_ROLES: tuple[str, ...] = (
    "driver", "guard", "guards", "nurse", "doctor", "officer", "cop", "cops", "policeman",
    "policewoman", "detective", "sergeant", "bartender", "barman", "barmaid", "waiter",
    "waitress", "crewman", "crewmen", "deckhand", "sailor", "fisherman", "fishermen", "pilot",
    "soldier", "soldiers", "priest", "vicar", "clerk", "receptionist", "secretary", "janitor",
    "technician", "technicians", "worker", "workers", "foreman", "stranger", "man", "woman",
    "boy", "girl", "kid", "child", "old man", "old woman", "passenger", "cabbie", "chauffeur",
    "gunman", "thug", "thugs", "henchman", "neighbour", "neighbor", "landlord", "shopkeeper",
    "paramedic", "medic", "judge", "lawyer", "reporter", "photographer", "mechanic", "captain",
)  # fmt: skip
"""Nouns that name people: a capitalised `DRIVER` is someone, a capitalised `TRUCK` is a prop."""


_WORD = re.compile(r"[^\W\d_]+")
_JOINER = re.compile(r"[\s-]+")


@cache
def _matcher(name: str) -> tuple[dict[str, str], int, frozenset[str]]:
    """A vocabulary's phrases (words joined by one space, lower case) mapped to their canonical
    name, the most words a phrase has, and the words phrases start with."""
    vocabulary = _VOCABULARIES[name]
    canonical: dict[str, str] = {}
    for term, phrases in vocabulary.items():
        for phrase in (term, *phrases):
            canonical.setdefault(" ".join(_JOINER.split(phrase.lower().strip())), term)
    longest = max(len(phrase.split()) for phrase in canonical)
    return canonical, longest, frozenset(phrase.split()[0] for phrase in canonical)


def _lookup(key: str, canonical: Mapping[str, str]) -> str | None:
    """The canonical term of a lower-case phrase, perhaps plural ("lanterns", "boxes")."""
    term = canonical.get(key)
    if term is None and key.endswith("s"):
        term = canonical.get(key[:-1]) or (canonical.get(key[:-2]) if key.endswith("es") else None)
    return term


def _canonical_of(found: str, canonical: Mapping[str, str]) -> str | None:
    """The canonical term a phrase (perhaps plural) stands for."""
    return _lookup(" ".join(_JOINER.split(found.lower().strip())), canonical)


def find_spans(text: str, vocabulary: str) -> list[tuple[str, int, int]]:
    """(canonical term, start, end) of every mention, in order, longest phrase first.

    Word by word with dictionary look-ups, so any text reads in linear time. Words joined by a
    hyphen belong together: "wind-burned" is not wind.
    """
    canonical, longest, openers = _matcher(vocabulary)
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    lowered = [text[a:b].lower() for a, b in words]
    spans: list[tuple[str, int, int]] = []
    index = 0
    while index < len(words):
        start = words[index][0]
        first = lowered[index]
        if (start and text[start - 1] in "-'’") or not (
            first in openers or first[:-1] in openers or first[:-2] in openers
        ):
            index += 1
            continue
        matched = None
        key = first
        for last in range(index, min(len(words), index + longest)):
            if last > index:
                if not _JOINER.fullmatch(text[words[last - 1][1] : words[last][0]]):
                    break
                key = f"{key} {lowered[last]}"
            if not text.startswith("-", words[last][1]):
                term = _lookup(key, canonical)
                if term is not None:
                    matched = (term, start, words[last][1], last)
        if matched is None:
            index += 1
            continue
        spans.append(matched[:3])
        index = matched[3] + 1
    return spans


def find_terms(text: str, vocabulary: str) -> list[str]:
    """Canonical terms of one vocabulary (`settings`, `props`, `vehicles`, `weather`, `light`,
    `times`, `roles`) named in the text, in order of first mention, each once."""
    return list(dict.fromkeys(term for term, _, _ in find_spans(text, vocabulary)))


def canonical(word: str, vocabulary: str) -> str | None:
    """The canonical term for one word or phrase, or None when the vocabulary lacks it."""
    return _canonical_of(word.strip(), _matcher(vocabulary)[0])


def is_thing(word: str) -> bool:
    """Whether a capitalised word from action names a prop or vehicle rather than a person."""
    if canonical(word, "roles") is not None:
        return False
    return canonical(word, "props") is not None or canonical(word, "vehicles") is not None


def names(vocabulary: str) -> tuple[str, ...]:
    """The canonical terms of a vocabulary, in the list's order."""
    return tuple(_VOCABULARIES[vocabulary])


def _roles(words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    return {word: () for word in words}


_VOCABULARIES: dict[str, Mapping[str, tuple[str, ...]]] = {
    "settings": SETTINGS,
    "props": PROPS,
    "vehicles": VEHICLES,
    "weather": WEATHER,
    "light": LIGHT_SOURCES,
    "times": TIMES_OF_DAY,
    "roles": _roles(CHARACTER_ROLES),
}
