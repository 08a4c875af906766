"""Time our Fountain parser against screenplain and Jouvence on the same feature-length script.

Run: .venv/bin/python bench/parse.py [--runs N]. The goal is ours <= 1/3 of the faster other.
"""

from __future__ import annotations

import argparse
import io
import math
import statistics
import time
from collections.abc import Callable

from memory.screenplay.fountain import parse_fountain

TITLE_PAGE = """Title: THE LAST FERRY
Credit: Written by
Author: Ada Quill
Draft date: 1 May 2025

"""

# Four scenes of ordinary feature writing; {n} is replaced by the scene number.
SAMPLE = """EXT. HARBOUR - NIGHT #{n}#

Rain hammers the pier. The ferry's horn sounds, *long* and low, and the last lights of the
island blink out one by one behind the sheds.

MARA (30s), soaked through, runs into the lamplight with a suitcase banging against her knees.

MARA (O.S.)
(out of breath)
Hold the boat! Please, hold the boat!

CAPTAIN
Timetable's the timetable, miss. You know that as well as I do.

MARA ^
It's the last one before the storm.

The gangway rises. Mara stops at the edge of the pier and watches the wake spread. [[horn SFX]]

CAPTAIN
(calling back)
Thursday! If the weather holds!

MARA
And if it doesn't?

The Captain shrugs and disappears into the wheelhouse. The ferry turns its back on the island
and is swallowed by the rain, its lights shrinking to a single point and then to nothing at all.

CUT TO:

INT. FERRY OFFICE - CONTINUOUS #{n}A#

A cramped room of timetables and tide charts. OSKAR (60s) folds a newspaper with _great_ care.

OSKAR
Next boat's Thursday. If the weather holds. Which it won't.

MARA
Then I need a room. And a telephone.

OSKAR
(not looking up)
The inn has both. Neither works.

She drops the suitcase. It falls open: letters, hundreds of them, tied in blue ribbon.

Oskar looks at the letters for a long moment. Then he reaches under the counter, takes out a
brass key on a string, and slides it across without a word.

OSKAR
The lighthouse. Nobody's used it since the keeper died. It has a telephone that works, most
days, and a bed that doesn't, most nights.

MARA
Thank you.

OSKAR
Don't thank me. Thank the storm.

INT. INN - BAR - NIGHT #{n}B#

Low beams, a dying fire. /* was: a roaring fire */ Three FISHERMEN look up from their cards
and then, as one, look down. Somewhere a clock ticks too loudly for the size of the room.

FISHERMAN #1
Ferry's gone, then.

FISHERMAN #2
(dealing)
Ferry's always gone when you need it. That's what ferries are for.

MARA
Is there a room?

LANDLADY (O.S.)
There's always a room, dear. It's the leaving that's hard.

The LANDLADY (70s) appears from the cellar, a lantern in one hand and a key in the other.

~The sea keeps what it takes
~and gives back only stones

The fishermen join the last line without looking up. Mara takes the key. The Landlady watches
her climb the stairs, then crosses herself, once, quickly, as if nobody should see.

EXT. CLIFF PATH - DAWN #{n}C#

= Mara finds the lighthouse.

Wind flattens the grass. At the top of the path the LIGHTHOUSE stands dark, its door ajar.

MARA
(to herself)
Hello?

Nothing. Then, far below, the ferry's horn again.

She pushes the door. Inside, a spiral stair climbs into darkness. On the bottom step, a letter,
tied in blue ribbon, addressed to her in her own handwriting.

MARA
(whispering)
That's not possible.

She picks it up. The ribbon comes loose by itself. The wind drops, all at once.

> INTERCUT <

"""


def feature_script(minimum_scenes: int = 190) -> str:
    """The sample repeated and renumbered until it reaches a feature's number of scenes."""
    parts = [TITLE_PAGE]
    for block in range(math.ceil(minimum_scenes / 4)):
        parts.append(SAMPLE.replace("{n}", str(block + 1)))
    return "".join(parts)


def estimated_pages(text: str) -> float:
    """Rough page count: printed lines (dialogue wraps at 35 columns, the rest at 60) over 55."""
    printed = 0
    for element in parse_fountain(text).elements:
        width = 35 if element.type in ("dialogue", "parenthetical") else 60
        printed += sum(max(1, math.ceil(len(line) / width)) for line in element.text.split("\n"))
        printed += 0 if element.type in ("dialogue", "parenthetical") else 1
    return printed / 55


def median_seconds(parse: Callable[[str], object], text: str, runs: int) -> float:
    """Median wall time of `runs` parses after one warm-up."""
    parse(text)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        parse(text)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def parse_with_screenplain(text: str) -> object:
    """screenplain reads a stream."""
    from screenplain.parsers.fountain import parse

    return parse(io.StringIO(text))


def parse_with_jouvence(text: str) -> object:
    """Jouvence parses a string through its parser object."""
    from jouvence.parser import JouvenceParser

    return JouvenceParser().parseString(text)


def main() -> None:
    """Print each parser's median time and the ratio of ours to the faster other."""
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--runs", type=int, default=7)
    runs = options.parse_args().runs

    text = feature_script()
    scenes = sum(e.type == "scene_heading" for e in parse_fountain(text).elements)
    print(
        f"script: {scenes} scenes, {text.count(chr(10))} lines, "
        f"~{estimated_pages(text):.0f} pages; median of {runs} runs"
    )
    ours = median_seconds(parse_fountain, text, runs)
    others = {
        "screenplain": median_seconds(parse_with_screenplain, text, runs),
        "jouvence": median_seconds(parse_with_jouvence, text, runs),
    }
    print(f"frameline    {ours * 1000:8.1f} ms")
    for name, seconds in others.items():
        print(f"{name:<12} {seconds * 1000:8.1f} ms")
    fastest = min(others, key=others.__getitem__)
    ratio = ours / others[fastest]
    verdict = "meets" if ratio <= 1 / 3 else "misses"
    print(f"ours/{fastest} = {ratio:.3f} ({verdict} the goal of <= 0.333)")


if __name__ == "__main__":
    main()
