"""Re-import matching: new scenes find their old selves in time linear in the script's length."""

from __future__ import annotations

import random
import time

from memory.importer import match_scenes
from memory.records import Scene
from memory.screenplay.scenes import SceneDraft

VOCABULARY = [f"word{n}" for n in range(1000)]


def long_text(rng: random.Random, size: int = 20_000) -> str:
    """Paragraphs of words drawn from one shared vocabulary: every pair of scenes looks alike
    word by word (what makes a sequence matcher do its full, quadratic work)."""
    paragraphs: list[str] = []
    while sum(len(p) + 2 for p in paragraphs) < size:
        paragraphs.append(" ".join(rng.choice(VOCABULARY) for _ in range(60)) + ".")
    return "\n\n".join(paragraphs)


def edited(rng: random.Random, text: str) -> str:
    """The text with one word in fifty replaced: a revised scene."""
    words = text.split(" ")
    for index in range(0, len(words), 50):
        words[index] = rng.choice(VOCABULARY)
    return " ".join(words)


def draft(position: int, heading: str, text: str) -> SceneDraft:
    return SceneDraft(
        position=position,
        number=str(position),
        heading=heading,
        int_ext="INT",
        location=heading,
        time_of_day="DAY",
        story_day=1,
        characters=(),
        text=text,
        page_start=1.0,
        page_end=2.0,
        eighths=8,
        action_lines=(),
    )


def test_a_long_script_whose_every_scene_changed_matches_within_seconds() -> None:
    rng = random.Random(16)
    count = 150
    texts = [long_text(rng) for _ in range(count)]
    old = [
        Scene(id=n + 1, number=str(n + 1), heading=f"INT. ROOM {n} - DAY", text=texts[n])
        for n in range(count)
    ]
    # every scene moved, renamed and rewritten a little: only the text can pair them
    new = [
        draft(position, f"INT. HALL {position} - NIGHT", edited(rng, texts[count - position]))
        for position in range(1, count + 1)
    ]
    started = time.perf_counter()
    pairs = match_scenes(old, new)
    elapsed = time.perf_counter() - started
    assert elapsed < 3.0, f"matching took {elapsed:.1f} s"
    assert {position: scene.id for position, scene in pairs.items()} == {
        position: count - position + 1 for position in range(1, count + 1)
    }


def test_short_scenes_pair_by_text_and_unrelated_ones_do_not() -> None:
    old = [
        Scene(id=1, number="1", heading="EXT. PIER - DAY", text="Gulls wheel over the pier."),
        Scene(
            id=2,
            number="2",
            heading="INT. SHED - NIGHT",
            text="INT. SHED - NIGHT\n\nMara opens the chart on the bench and lights a lamp.",
        ),
    ]
    new = [
        draft(
            1,
            "INT. BOATHOUSE - NIGHT",
            "INT. BOATHOUSE - NIGHT\n\nMara opens the chart on the bench and lights a lamp.",
        ),  # fmt: skip
        draft(2, "EXT. FIELD - DAY", "Cows graze in the rain."),
    ]
    pairs = match_scenes(old, new)
    assert pairs[1].id == 2
    assert 2 not in pairs
