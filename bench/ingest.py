"""Ingest time of a ~120-page screenplay, then memory search latency beside raw Chroma.

The screenplay is the demo repeated and renumbered until it passes 120 pages. Ingest is timed
twice: a first import (parse, records, embeddings) and an identical re-import, which must embed
nothing. Search latency comes from bench/memory_search.py at 10k and 100k items (ratio goal ≤ 1.2).
Run: python bench/ingest.py [--sizes 10000,100000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from memory_search import build_collection, query_texts, time_search  # noqa: E402

from frameline.demo import FOLDER  # noqa: E402

TARGET_PAGES = 120


def long_script(pages: int = TARGET_PAGES) -> tuple[str, int]:
    """The demo's scenes repeated with fresh numbers until the script passes `pages` pages."""
    from memory.screenplay.fountain import parse_fountain
    from memory.screenplay.scenes import build_scenes

    demo = (FOLDER / "demo.fountain").read_text()
    title, _, body = demo.partition("\n\n")
    copies, number = [], 0
    text = demo
    while True:
        copy = body
        for scene in range(1, 11):
            copy = copy.replace(f"#{scene}#", f"#@{number + scene}#")
        copies.append(copy.replace("#@", "#"))
        number += 10
        text = title + "\n\n" + "\n\n".join(copies)
        drafts = build_scenes(parse_fountain(text).elements)
        if drafts[-1].page_end >= pages:
            return text, len(drafts)


def main() -> None:
    """Print ingest times and the search table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    script, scenes = long_script()
    with tempfile.TemporaryDirectory() as home:
        os.environ["FRAMELINE_HOME"] = home
        from frameline.settings import Settings
        from frameline.wiring import open_frameline
        from memory.embeddings import embed_texts
        from tools.context import Actor
        from tools.scripts import import_script

        embed_texts(["warm the model up"])
        actor = Actor("bench", "admin")
        with open_frameline(Settings()) as frameline:
            started = time.perf_counter()
            first = import_script(frameline, actor, "long", "long.fountain", script.encode())
            first_seconds = time.perf_counter() - started
            started = time.perf_counter()
            again = import_script(frameline, actor, "long", "long.fountain", script.encode())
            again_seconds = time.perf_counter() - started
            print(f"screenplay: {scenes} scenes, ≥ {TARGET_PAGES} pages, {len(script) // 1024} KiB")
            print(f"first ingest:     {first_seconds:7.2f} s  ({first.added} scenes added)")
            print(
                f"same file again:  {again_seconds:7.2f} s  "
                f"({again.added} added, {again.changed} changed, {again.removed} removed)"
            )
            print()
            print("search over n items  ours p50/p95 ms   raw chroma p50/p95 ms   ratio p50")
            for size in (int(s) for s in args.sizes.split(",")):
                project = f"bench-{size}"
                build_collection(frameline.vectors, project, size)
                times = time_search(frameline.vectors, project, query_texts(60))
                ours, raw = times["ours scene"], times["raw chroma"]
                print(
                    f"{size:>18,}  {ours[0]:7.1f} / {ours[1]:7.1f}      "
                    f"{raw[0]:7.1f} / {raw[1]:7.1f}         {ours[0] / raw[0]:5.2f}"
                )


if __name__ == "__main__":
    main()
