"""Scenes and cast drawn from a parsed screenplay: headings, story days, page eighths, who is where.

Pure functions over `Element`s, so an import and a re-import of the same script agree exactly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from memory.looks import gather_looks
from memory.screenplay.contents import SceneContents, read_contents, resolve_times
from memory.screenplay.elements import Element
from memory.vocabulary import canonical, is_thing

LINES_PER_PAGE = 55
ACTION_WIDTH = 60
DIALOGUE_WIDTH = 35

# Elements that print on the page, with the width (in characters) of the column they are typed in.
_WIDTHS = {
    "scene_heading": ACTION_WIDTH,
    "action": ACTION_WIDTH,
    "transition": ACTION_WIDTH,
    "centered": ACTION_WIDTH,
    "character": DIALOGUE_WIDTH,
    "parenthetical": DIALOGUE_WIDTH,
    "dialogue": DIALOGUE_WIDTH,
    "lyrics": DIALOGUE_WIDTH,
}
_DIALOGUE_PARTS = frozenset({"parenthetical", "dialogue", "lyrics"})

_PREFIX = re.compile(
    r"(?P<both>(?:INT|EXT|I|E)\.?\s*[/-]\s*(?:INT|EXT|I|E)(?:\.|(?=\s|$)))"
    r"|(?P<one>INT|EXT|EST)(?:\.|(?=\s|$))",
    re.IGNORECASE,
)

_PERIODS = {
    "DAWN": 0, "SUNRISE": 0, "DAYBREAK": 0, "MORNING": 0,
    "DAY": 1, "DAYTIME": 1, "NOON": 1, "MIDDAY": 1, "AFTERNOON": 1,
    "DUSK": 2, "SUNSET": 2, "SUNDOWN": 2, "TWILIGHT": 2, "EVENING": 2,
    "NIGHT": 3, "NIGHTTIME": 3, "MIDNIGHT": 3,
}  # fmt: skip
_EVENING = 2
_CONTINUITY = frozenset(
    {"CONTINUOUS", "CONT'D", "CONTD", "SAME", "LATER", "THAT", "SIMULTANEOUS", "MEANWHILE"}
)
_NUMBERS = {
    "A": 1, "AN": 1, "ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5, "SIX": 6,
    "SEVEN": 7, "EIGHT": 8, "NINE": 9, "TEN": 10, "ELEVEN": 11, "TWELVE": 12,
}  # fmt: skip
_UNIT_DAYS = {"DAY": 1, "WEEK": 7, "MONTH": 30, "YEAR": 365}
_TIME_WORD = re.compile(r"[A-Z0-9']+")
_NEXT_PERIOD = re.compile(r"\b(?:NEXT|FOLLOWING)\s+(DAY|MORNING|AFTERNOON|EVENING|NIGHT)\b")
_TIME_JUMP = re.compile(r"(?:\b(\w+)\s+)?\b(DAY|WEEK|MONTH|YEAR)S?\s+LATER\b")
_DAY_NUMBER = re.compile(r"DAY\s+(\w+)")

_EXTENSION = re.compile(r"\s*\([^()]*\)\s*$")
_OFF_SCREEN = re.compile(r"\(\s*O\.?\s*[SC]\.?\s*\)", re.IGNORECASE)
_VOICE_OVER = re.compile(r"\(\s*V\.?\s*O\.?\s*\)", re.IGNORECASE)
_EMPHASIS = re.compile(r"[*_]")
# The look-behind follows the first letter so that the scan can skip to capitals quickly.
_CAPS_WORD = re.compile(r"[A-Z](?<![\w'’.\-][A-Z])[A-Z'’.\-]*[A-Z]\.?(?![\w'’\-])")
_CARD = re.compile(r"[A-Z][A-Z' ]*:")
_AGE = re.compile(
    r"(?:\s*\(\s*|,\s*)(?:(?:about|around|early|mid|late)[\s-]*)?"
    r"(?:\d{1,3}'?s?|[a-z]*(?:teens|ties)|ageless|young|old|elderly)\b",
    re.IGNORECASE,
)
_INTRO_FOLLOWER = re.compile(r",|\s+[a-z][a-z'’]*s\b")
_HONORIFICS = frozenset(
    {
        "DR.", "MR.", "MRS.", "MS.", "ST.", "JR.", "SR.", "LT.", "SGT.", "CPT.", "CAPT.", "DET.",
        "OFC.", "PROF.", "REV.", "GEN.", "COL.", "MAJ."
    }
)  # fmt: skip
_FUNCTION_WORDS = frozenset(
    {
        "the", "a", "an", "his", "her", "its", "their", "our", "my", "your", "this", "that",
        "these", "those", "some", "another", "every", "no", "in", "at", "on", "to", "from", "into",
        "of", "near", "inside", "outside", "across", "through", "toward", "towards", "by", "under",
        "over", "with"
    }
)  # fmt: skip
_NOT_NAMES = frozenset(
    {
        "A", "AN", "AND", "AS", "AT", "BY", "FOR", "FROM", "IN", "INTO", "OF", "ON", "OR", "OUT",
        "OVER", "TO", "UP", "WITH", "THE", "THIS", "THAT", "NO", "NOT", "YES", "OK", "OKAY", "INT",
        "EXT", "EST", "CUT", "CUTS", "FADE", "FADES", "DISSOLVE", "DISSOLVES", "SMASH", "MATCH",
        "WIPE", "INTERCUT", "INSERT", "BACK", "CONTINUOUS", "CONT'D", "CONTD", "MORE", "SAME",
        "LATER", "MOMENTS", "MINUTES", "HOURS", "NEXT", "DAY", "DAYS", "NIGHT", "MORNING",
        "EVENING", "DUSK", "DAWN", "NOON", "V.O", "O.S", "O.C", "POV", "CLOSE", "CLOSE-UP",
        "CLOSEUP", "CU", "ECU", "ANGLE", "WIDE", "TIGHT", "SHOT", "SHOTS", "REVERSE", "ZOOM", "PAN",
        "TRACKING", "DOLLY", "AERIAL", "OVERHEAD", "SCENE", "SCENES", "SERIES", "MONTAGE",
        "FLASHBACK", "FLASH", "END", "BEGIN", "PRESENT", "TIME", "TITLE", "TITLES", "SUPER", "CARD",
        "CREDITS", "BLACK", "WHITE", "SFX", "VFX", "FX", "SOUND", "MUSIC", "SONG", "SILENCE",
        "NOISE", "BANG", "BOOM", "CRASH", "SLAM", "THUD", "WHAM", "BAM", "BLAM", "POW", "BEEP",
        "BUZZ", "RING", "RINGS", "CLICK", "SNAP", "CRACK", "THUMP", "KNOCK", "SPLASH", "WHOOSH",
        "SMACK", "HONK", "SCREAM", "SCREAMS", "GUNSHOT", "GUNSHOTS", "GUNFIRE", "EXPLOSION",
        "THUNDER", "STOP", "HELP", "HEY", "WHAT", "WHY", "NOW", "GO"
    }
)  # fmt: skip
_MAX_NAME_WORDS = 3
_WORD_NAMES = frozenset(
    {
        "WILL", "MAY", "GRACE", "HOPE", "FAITH", "JOY", "MARK", "BILL", "ROB", "SUE", "PAT", "ART",
        "GUY", "JACK", "FRANK", "ROSE", "IRIS", "LILY", "IVY", "DAWN", "SKY", "RIVER", "RAIN",
        "SUMMER", "WINTER", "STORM", "HUNTER", "PAGE", "CASH", "PENNY", "RAY", "DREW", "CHASE",
        "GRANT", "LANE", "WADE", "HAZEL", "AMBER", "RUBY", "CORAL", "SANDY", "KING", "PRINCE",
        "MAJOR", "DOC", "CHIEF", "BOSS", "MOM", "DAD", "MOTHER", "FATHER", "MA", "PA", "BUD",
    }
)  # fmt: skip
"""Names that are also ordinary words: in lower case they are the word, not the character."""


@dataclass(frozen=True)
class SceneDraft:
    """One scene as the script gives it, before it is stored."""

    position: int
    number: str
    heading: str
    int_ext: str | None
    location: str | None
    time_of_day: str | None
    story_day: int
    characters: tuple[str, ...]
    text: str
    page_start: float
    page_end: float
    eighths: int
    action_lines: tuple[str, ...]
    contents: SceneContents | None = None
    """What the scene shows, with its time of day resolved through CONTINUOUS/LATER/SAME."""


@dataclass(frozen=True)
class CastMember:
    """One character of the script under their canonical name."""

    name: str
    aliases: tuple[str, ...]
    lines: int
    scenes: tuple[str, ...]
    introduction: str
    look: str = ""
    """Age, build, hair, clothes and marks gathered from every description in the script."""


@dataclass(frozen=True)
class _Heading:
    int_ext: str | None
    location: str | None
    time_of_day: str | None


@dataclass
class _Character:
    """A character being gathered while the script is read: spellings, other names, first intro."""

    root: str
    written: str
    first_seen: int
    target: str | None = None
    spellings: dict[str, int] = field(default_factory=dict)
    forms: list[str] = field(default_factory=list)
    lines: int = 0
    introduction: str = ""

    def name(self) -> str:
        """The root's most frequent cue spelling (ties: first seen), else the map's or as read."""
        own = {
            spelling: n for spelling, n in self.spellings.items() if spelling.upper() == self.root
        }
        if own:
            return max(own, key=own.__getitem__)
        return self.target or self.written

    def add_form(self, form: str) -> None:
        """Remember another name this character goes by, once."""
        if form.upper() != self.root and all(form.upper() != seen.upper() for seen in self.forms):
            self.forms.append(form)


def strip_extension(cue: str) -> str:
    """A cue without its extensions ("MARA (V.O.) (CONT'D)" -> "MARA"): they say how, not who."""
    name = cue.strip().removesuffix("^").rstrip()
    while (match := _EXTENSION.search(name)) and match.start() > 0:
        name = name[: match.start()]
    return " ".join(name.split())


def build_scenes(
    elements: Sequence[Element], aliases: Mapping[str, str] | None = None
) -> list[SceneDraft]:
    """The script's scenes in order; elements before the first heading belong to no scene."""
    members, present = _read_cast(elements, aliases)
    names = {form for member in members for form in (member.name, *member.aliases)}
    openings = _block_openings(elements)
    starts, ends = _layout(elements, openings)
    scenes: list[SceneDraft] = []
    read: list[SceneContents] = []
    day, period, clock = 1, None, None
    for position, (first, stop) in enumerate(_scene_spans(elements), start=1):
        heading = elements[first]
        parsed = _parse_heading(heading.text)
        action = "\n\n".join(e.text for e in elements[first:stop] if e.type == "action")
        read.append(
            read_contents(parsed.int_ext, parsed.location, parsed.time_of_day, action, names)
        )
        day, period, clock = _advance_story_clock(
            day, period, clock, parsed.time_of_day, read[-1].clock
        )
        padding = sum(
            ends[i] - starts[i] for i in range(first, stop) if elements[i].type == "page_break"
        )
        length = ends[stop - 1] - starts[first] - padding
        scenes.append(
            SceneDraft(
                position=position,
                number=_scene_number(heading, position),
                heading=heading.text.strip(),
                int_ext=parsed.int_ext,
                location=parsed.location,
                time_of_day=parsed.time_of_day,
                story_day=day,
                characters=_unique(name for i in range(first, stop) for name in present.get(i, ())),
                text=_scene_text(elements[first:stop], openings[first:stop]),
                page_start=_page(starts[first]),
                page_end=_page(ends[stop - 1]),
                eighths=max(1, round(length * 8 / LINES_PER_PAGE)),
                action_lines=tuple(e.text for e in elements[first:stop] if e.type == "action"),
            )
        )
    _, looks = gather_looks(
        [scene.action_lines for scene in scenes], {m.name: m.aliases for m in members}
    )
    return [
        replace(
            scene,
            contents=replace(
                contents,
                looks={name: look[name] for name in scene.characters if name in look},
                offscreen=_offscreen(elements, present, span),
            ),
        )
        for scene, contents, look, span in zip(
            scenes, resolve_times(read), looks, _scene_spans(elements), strict=True
        )
    ]


def _offscreen(
    elements: Sequence[Element], present: Mapping[int, tuple[str, ...]], span: tuple[int, int]
) -> tuple[str, ...]:
    """Names a scene only hears: every cue of theirs is off screen and action never shows them."""
    heard: list[str] = []
    seen: set[str] = set()
    for index in range(*span):
        names = present.get(index, ())
        if elements[index].type == "character" and _OFF_SCREEN.search(elements[index].text):
            heard.extend(names)
        else:
            seen.update(names)
    return tuple(name for name in dict.fromkeys(heard) if name not in seen)


def build_cast(
    elements: Sequence[Element], aliases: Mapping[str, str] | None = None
) -> list[CastMember]:
    """Everyone who speaks or is introduced in action, merged by extension, alias map and intro."""
    members, present = _read_cast(elements, aliases)
    scenes: dict[str, list[str]] = {member.name: [] for member in members}
    spans = _scene_spans(elements)
    looks, _ = gather_looks(
        [[e.text for e in elements[a:b] if e.type == "action"] for a, b in spans],
        {m.name: m.aliases for m in members},
    )
    last_position: dict[str, int] = {}
    position, number = 0, None
    for index, element in enumerate(elements):
        if element.type == "scene_heading":
            position += 1
            number = _scene_number(element, position)
        if number is None:
            continue
        for name in present.get(index, ()):
            if last_position.get(name) != position:
                last_position[name] = position
                scenes[name].append(number)
    return [
        replace(member, scenes=tuple(scenes[member.name]), look=looks.get(member.name, ""))
        for member in members
    ]


def _parse_heading(heading: str) -> _Heading:
    """Prefix, location and time of day: the location runs to the heading's last " - "."""
    rest = heading.strip()
    int_ext = None
    if match := _PREFIX.match(rest):
        int_ext = "INT/EXT" if match.group("both") else match.group("one").upper()
        int_ext = "EXT" if int_ext == "EST" else int_ext
        rest = rest[match.end() :].lstrip(" -")
    location, separator, time_of_day = rest.rpartition(" - ")
    if not separator:
        location, time_of_day = rest, ""
    return _Heading(int_ext, location.strip() or None, time_of_day.strip().upper() or None)


def _advance_story_clock(
    day: int, period: int | None, clock: str | None, time_of_day: str | None, seen: str | None
) -> tuple[int, int | None, str | None]:
    """The story day, period and last clock time after a scene.

    A clock time in the heading or action ("4:32 AM") orders scenes within a day: a later time
    keeps the day, an earlier one starts the next; without a clock the heading's period decides.
    """
    explicit = bool(
        time_of_day and (_NEXT_PERIOD.search(time_of_day) or _TIME_JUMP.search(time_of_day))
    )
    if seen is None or explicit:
        new_day, new_period = _advance_story_day(day, period, time_of_day)
        return new_day, new_period, (seen if explicit else clock if new_day == day else None)
    minutes = int(seen[:2]) * 60 + int(seen[3:])
    if clock is not None:
        earlier = minutes < int(clock[:2]) * 60 + int(clock[3:])
    else:
        earlier = period is not None and _clock_period(minutes) < period
    return (day + 1 if earlier else day), _clock_period(minutes), seen


def _clock_period(minutes: int) -> int:
    """A clock time on the morning 0 < day 1 < evening 2 < night 3 scale; small hours are morning,
    so a scene at 4:32 after a NIGHT scene starts the next day, and 7:05 stays in it."""
    hour = minutes // 60
    return 0 if hour < 12 else 1 if hour < 17 else 2 if hour < 20 else 3


def _advance_story_day(
    day: int, period: int | None, time_of_day: str | None
) -> tuple[int, int | None]:
    """The story day and day period after a heading's time of day.

    NEXT DAY/NEXT MORNING/FOLLOWING DAY add a day; "N DAYS/WEEKS/MONTHS/YEARS LATER" add N days,
    N×7, N×30, N×365 (no or an unknown count is one); "DAY 2"/"DAY TWO" sets the day. CONTINUOUS,
    SAME, LATER and unknown words keep day and period; "LATER THAT NIGHT"/"SAME DAY" keep the day
    and take the period. Otherwise a period earlier in morning < day < evening < night than the
    previous scene's starts a new day; after a jump or DAY N with no period nothing is earlier.
    """
    if not time_of_day:
        return day, period
    if match := _NEXT_PERIOD.search(time_of_day):
        return day + 1, _PERIODS[match.group(1)]
    seen = _period(time_of_day)
    if match := _TIME_JUMP.search(time_of_day):
        return day + _count(match.group(1)) * _UNIT_DAYS[match.group(2)], seen
    if (match := _DAY_NUMBER.fullmatch(time_of_day)) and (explicit := _count(match.group(1), 0)):
        return explicit, None
    if seen is None:
        return day, period
    if _CONTINUITY.intersection(_TIME_WORD.findall(time_of_day)):
        return day, seen
    if period is not None and seen < period:
        return day + 1, seen
    return day, seen


def _period(time_of_day: str) -> int | None:
    """Morning 0, day 1, evening 2, night 3, from the first period word; None when there is none."""
    if "MAGIC HOUR" in time_of_day:
        return _EVENING
    for word in _TIME_WORD.findall(time_of_day):
        if word in _PERIODS:
            return _PERIODS[word]
    return None


def _count(word: str | None, unknown: int = 1) -> int:
    """A count written in digits or words ("3", "THREE", "A"); `unknown` when it is neither."""
    if word is None:
        return unknown
    if word.isdigit():
        return int(word)
    return _NUMBERS.get(word, unknown)


def _scene_spans(elements: Sequence[Element]) -> list[tuple[int, int]]:
    """(heading index, end index) of each scene: a scene runs to the next heading."""
    headings = [i for i, element in enumerate(elements) if element.type == "scene_heading"]
    if not headings:
        return []
    return list(zip(headings, [*headings[1:], len(elements)], strict=True))


def _scene_number(heading: Element, position: int) -> str:
    """The script's own scene number when it has one, else the scene's position."""
    return (heading.scene_number or "").strip() or str(position)


def _block_openings(elements: Sequence[Element]) -> list[bool]:
    """Whether each element starts a block: parentheticals, dialogue and lyrics join their cue's."""
    openings: list[bool] = []
    in_dialogue = False
    for element in elements:
        continues = in_dialogue and element.type in _DIALOGUE_PARTS
        openings.append(not continues)
        if element.type in _WIDTHS:
            in_dialogue = continues or element.type == "character"
    return openings


def _layout(elements: Sequence[Element], openings: Sequence[bool]) -> tuple[list[int], list[int]]:
    """Typed lines from the top of page 1 where each element starts and ends.

    A blank line separates blocks (not at the top of a page); a page break pads to the next page.
    """
    starts: list[int] = []
    ends: list[int] = []
    line = 0
    for element, opens in zip(elements, openings, strict=True):
        width = _WIDTHS.get(element.type)
        if element.type == "page_break":
            starts.append(line)
            line = -(-line // LINES_PER_PAGE) * LINES_PER_PAGE
        elif width is None:
            starts.append(line)
        else:
            if opens and line % LINES_PER_PAGE:
                line += 1
            starts.append(line)
            line += _wrapped_lines(element.text, width)
        ends.append(line)
    return starts, ends


def _wrapped_lines(text: str, width: int) -> int:
    """Lines the text fills when word-wrapped at `width` characters, as it would be typed."""
    total = 0
    for row in text.split("\n"):
        total += 1
        if len(row) <= width:
            continue
        row = " ".join(row.split())
        start = 0
        while len(row) - start > width:
            cut = row.rfind(" ", start, start + width + 1)
            # a word longer than the column is broken where the column ends
            start = cut + 1 if cut > start else start + width
            total += 1
    return total


def _page(line: int) -> float:
    """A line position as pages, 1.0 being the top of page 1."""
    return round(1 + line / LINES_PER_PAGE, 3)


def _scene_text(elements: Sequence[Element], openings: Sequence[bool]) -> str:
    """The scene typed as a screenplay: blocks apart by a blank line, dialogue under its cue."""
    blocks: list[list[str]] = []
    for element, opens in zip(elements, openings, strict=True):
        if element.type not in _WIDTHS:
            continue
        text = element.text.strip() if element.type == "scene_heading" else element.text
        if opens or not blocks:
            blocks.append([text])
        else:
            blocks[-1].append(text)
    return "\n\n".join("\n".join(block) for block in blocks)


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    """Names once each, in order of first appearance."""
    return tuple(dict.fromkeys(names))


def _alias_map(aliases: Mapping[str, str] | None) -> dict[str, str]:
    """People's alias map keyed like cues (upper case, no extension); empty entries are dropped."""
    tidy = {strip_extension(k).upper(): " ".join(v.split()) for k, v in (aliases or {}).items()}
    return {key: target for key, target in tidy.items() if key and target}


def _resolve(key: str, alias_map: Mapping[str, str]) -> tuple[str, str | None]:
    """Follow the alias map from an upper-case name: (canonical key, its spelling in the map)."""
    target = None
    seen = {key}
    while key in alias_map:
        target = alias_map[key]
        key = target.upper()
        if key in seen:
            break
        seen.add(key)
    return key, target


def _read_cast(
    elements: Sequence[Element], aliases: Mapping[str, str] | None
) -> tuple[list[CastMember], dict[int, tuple[str, ...]]]:
    """Cast members (scenes left empty) by first appearance, and the names each element shows.

    Cues are read before action so that an introduction can join the cue name it belongs to.
    """
    alias_map = _alias_map(aliases)
    characters: dict[str, _Character] = {}
    found: dict[int, list[str]] = {}
    spellings: dict[str, str] = {}  # cue as written -> without extension; cues repeat a lot
    for index, element in enumerate(elements):
        if element.type != "character":
            continue
        spelling = spellings.get(element.text)
        if spelling is None:
            spelling = spellings[element.text] = strip_extension(element.text)
        if spelling:
            character = _character(characters, alias_map, spelling, index)
            character.spellings[spelling] = character.spellings.get(spelling, 0) + 1
            character.lines += 1
            if not _VOICE_OVER.search(element.text):  # a voice over is heard, not there
                found[index] = [character.root]
    for index, element in enumerate(elements):
        if element.type != "action":
            continue
        for name, introduced in _caps_names(element.text):
            character = _named_in_action(characters, alias_map, name, introduced, index)
            if character is not None:
                character.introduction = character.introduction or element.text
                found.setdefault(index, []).append(character.root)
    _find_known_names(elements, characters, alias_map, found)
    mapped: dict[str, list[str]] = {}
    for key in alias_map:
        mapped.setdefault(_resolve(key, alias_map)[0], []).append(key)
    ordered = sorted(characters.values(), key=lambda character: character.first_seen)
    names = {character.root: character.name() for character in ordered}
    members = [
        CastMember(
            name=names[c.root],
            aliases=_other_names(names[c.root], [*c.forms, *mapped.get(c.root, ())]),
            lines=c.lines,
            scenes=(),
            introduction=c.introduction,
        )
        for c in ordered
    ]
    present = {index: _unique(names[root] for root in roots) for index, roots in found.items()}
    return members, present


def _character(
    characters: dict[str, _Character], alias_map: Mapping[str, str], name: str, index: int
) -> _Character:
    """The character a name belongs to after the alias map, made on first sight."""
    root, target = _resolve(name.upper(), alias_map)
    character = characters.get(root)
    if character is None:
        character = characters[root] = _Character(root=root, written=name, first_seen=index)
    character.first_seen = min(character.first_seen, index)
    character.target = character.target or target
    character.add_form(name)
    return character


def _find_known_names(
    elements: Sequence[Element],
    characters: Mapping[str, _Character],
    alias_map: Mapping[str, str],
    found: dict[int, list[str]],
) -> None:
    """Known characters named in action in any case ("Mara", "Tomas's boat", "the driver").

    Whole names and aliases only: a surname alone may be a company ("Crane Marine"). A role name
    ("DRIVER") counts in lower case only after "the", so "a driver" elsewhere is someone else.
    """
    forms: dict[str, str] = {}
    for root, character in characters.items():
        for form in (root, *character.forms):
            forms.setdefault(" ".join(form.upper().split()), root)
    for key in alias_map:
        root = _resolve(key, alias_map)[0]
        if root in characters:
            forms.setdefault(key, root)
    if not forms:
        return
    pattern = re.compile(
        r"(?<![\w'’])("
        + "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
        + r")(?:['’]s)?(?![\w])",
        re.IGNORECASE,
    )
    for index, element in enumerate(elements):
        if element.type != "action":
            continue
        text = _EMPHASIS.sub("", element.text)
        for match in pattern.finditer(text):
            written = match.group(1)
            if written.islower() and (
                not text[: match.start()].lower().endswith("the ")
                if canonical(written, "roles")
                else written.upper() in _WORD_NAMES
            ):
                continue
            root = forms[" ".join(written.upper().split())]
            if root not in found.get(index, ()):
                found.setdefault(index, []).append(root)


def _named_in_action(
    characters: dict[str, _Character],
    alias_map: Mapping[str, str],
    name: str,
    introduced: bool,
    index: int,
) -> _Character | None:
    """Who a capitalised name in action is: a known name, a longer form of a cue, or someone new.

    Unknown names count only when they read as an introduction; "MARA VOSS" joins the speaker
    "MARA" (or "VOSS") because a cue is usually the first or last word of the full name.
    """
    key = name.upper()
    if key in alias_map or _resolve(key, alias_map)[0] in characters:
        return _character(characters, alias_map, name, index)
    if is_thing(name):  # "the TRUCK", "a CAR": props and vehicles are not cast
        return None
    if canonical(name, "roles"):
        introduced = True  # "the DRIVER" is someone even after an article
    if not introduced:
        return None
    words = key.split()
    speakers = [
        character
        for word in dict.fromkeys((words[0], words[-1]))
        if len(words) > 1
        and (character := characters.get(_resolve(word, alias_map)[0])) is not None
        and character.lines
    ]
    if not speakers:
        return _character(characters, alias_map, name, index)
    speaker = max(speakers, key=lambda character: character.lines)
    speaker.first_seen = min(speaker.first_seen, index)
    speaker.add_form(name)
    return speaker


def _other_names(name: str, forms: Iterable[str]) -> tuple[str, ...]:
    """The forms other than the canonical name, once each regardless of case."""
    seen = {name.upper()}
    others: list[str] = []
    for form in forms:
        if form.upper() not in seen:
            seen.add(form.upper())
            others.append(form)
    return tuple(others)


def _caps_names(paragraph: str) -> list[tuple[str, bool]]:
    """Capitalised names of 1-3 words in an action paragraph, each with whether it reads as an
    introduction; sound effects, camera words and all-caps paragraphs are not names.
    """
    text = _EMPHASIS.sub("", paragraph) if "*" in paragraph or "_" in paragraph else paragraph
    if text.upper() == text or _CARD.match(text):
        return []
    runs: list[tuple[list[str], int, int]] = []  # words, start and end of adjacent name words
    closed = True
    for match in _CAPS_WORD.finditer(text):
        word = match.group()
        ends_sentence = word.endswith(".") and word not in _HONORIFICS
        core = word.removesuffix(".") if ends_sentence else word
        if core in _NOT_NAMES:
            closed = True
            continue
        end = match.start() + len(core)
        if not closed and text[runs[-1][2] : match.start()] == " ":
            words, start, _ = runs[-1]
            runs[-1] = ([*words, core], start, end)
        else:
            runs.append(([core], match.start(), end))
        closed = ends_sentence
    return [
        (" ".join(words), _reads_as_introduction(text, start, end))
        for words, start, end in runs
        if len(words) <= _MAX_NAME_WORDS and not any(w.endswith(("'S", "’S")) for w in words)
    ]


def _reads_as_introduction(text: str, start: int, end: int) -> bool:
    """An age ("(30s)", ", 40") always introduces; a comma or a present-tense verb ("lights")
    does unless an article or preposition comes before, as with props ("the PHONE rings").
    """
    after = text[end : end + 40]
    if _AGE.match(after):
        return True
    before = text[max(0, start - 10) : start]
    previous = before.split()[-1].lower() if before[-1:].isspace() and before.strip() else ""
    return bool(_INTRO_FOLLOWER.match(after)) and previous not in _FUNCTION_WORDS
