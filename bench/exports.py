"""Time the storyboard exports of a 500-shot board and the budget status of a 100 k-entry ledger.

Run: .venv/bin/python bench/exports.py [--shots 500] [--entries 100000] [--runs 5]
The frames are real previz renders (distinct pictures, so the PDF embeds every one); the ledger
rows are inserted in bulk. The goal is a budget status in under 100 ms at 100 k entries.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from frameline.settings import Settings
from frameline.wiring import open_frameline
from memory.importer import import_screenplay
from memory.records import LedgerEntry
from memory.screenplay.reading import parse_screenplay_bytes
from memory.store import active_scenes, get_or_create_project, get_project
from tools.budget import budget_status, import_budget, ledger_entries
from tools.context import Actor
from tools.exports import export_project
from tools.frames import render_frame

DEMO = Path(__file__).resolve().parents[1] / "frameline" / "demo"
ADMIN = Actor("bench", "admin")
BATCH = 8


def timed(action: Callable[[], Any], runs: int) -> tuple[float, float]:
    """Median and best wall time of `runs` calls, in seconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times)


def import_demo(studio: Any, slug: str) -> None:
    """The demo screenplay and budget in a project, without embedding (not what is timed)."""
    data = (DEMO / "demo.fountain").read_bytes()
    with studio.transaction() as session:
        project = get_or_create_project(session, slug)
        screenplay = parse_screenplay_bytes(data, "demo.fountain")
        import_screenplay(session, project, screenplay, "demo.fountain", data)
    import_budget(studio, ADMIN, slug, (DEMO / "budget.csv").read_bytes(), "budget.csv")


def board_of(studio: Any, slug: str, shots: int) -> float:
    """Render `shots` frames spread over the scenes, each shot with its own picture."""
    with studio.transaction() as session:
        scenes = [s.number for s in active_scenes(session, get_project(session, slug))]
    started = time.perf_counter()
    for index in range(shots):
        render_frame(studio, ADMIN, slug, scenes[index % len(scenes)], seed=index)
    return time.perf_counter() - started


def fill_ledger(studio: Any, slug: str, entries: int) -> None:
    """`entries` render entries over 10 scenes, 200 shots and 7 people, in one bulk insert."""
    with studio.transaction() as session:
        project_id = get_project(session, slug).id
        session.execute(
            insert(LedgerEntry),
            [
                {
                    "project_id": project_id,
                    "kind": "render",
                    "scene": str(n % 10 + 1),
                    "shot": f"{n % 10 + 1}{chr(65 + n % 20)}",
                    "version_id": None,
                    "person": f"artist-{n % 7}",
                    "account": "5400",
                    "quantity": "2.5",
                    "unit": "gpu_second",
                    "rate": "0.0011",
                    "amount": "0.002750",
                    "amount_micros": 2750,
                    "currency": "USD",
                    "details": {},
                }
                for n in range(entries)
            ],
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", type=int, default=500)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        with open_frameline(Settings(home=home / "home")) as studio:
            import_demo(studio, "board")
            rendered = board_of(studio, "board", args.shots)
            print(f"setup: {args.shots} previz frames rendered in {rendered:.1f} s")
            rows = []
            for name in ("pdf", "otio", "csv", "zip"):
                out = home / f"board.{name}"
                median, best = timed(
                    lambda n=name, o=out: export_project(studio, ADMIN, "board", n, o),
                    max(1, args.runs // 2),
                )
                size = out.stat().st_size / 1e6
                rows.append((f"export {name}, {args.shots} shots", median, best, f"{size:.1f} MB"))

            import_demo(studio, "ledger")
            fill_ledger(studio, "ledger", args.entries)
            label = f"{args.entries:,} entries"
            status = budget_status(studio, ADMIN, "ledger")
            expected = Decimal("0.00275") * args.entries
            assert Decimal(status["ledger_total"]) == expected, status["ledger_total"]
            for title, action in (
                (f"budget status, {label}", lambda: budget_status(studio, ADMIN, "ledger")),
                (
                    f"budget status --account 5400, {label}",
                    lambda: budget_status(studio, ADMIN, "ledger", account="5400"),
                ),
                (
                    f"budget status --scene 3, {label}",
                    lambda: budget_status(studio, ADMIN, "ledger", scene="3"),
                ),
                (
                    f"ledger page of 200, {label}",
                    lambda: ledger_entries(studio, ADMIN, "ledger", after=50_000, limit=200),
                ),
                (f"whole ledger as JSON, {label}", lambda: ledger_entries(studio, ADMIN, "ledger")),
            ):
                median, best = timed(action, args.runs)
                rows.append((title, median, best, ""))
    width = max(len(row[0]) for row in rows)
    print(f"{'what':<{width}}  {'median':>10}  {'best':>10}  size")
    for title, median, best, size in rows:
        print(f"{title:<{width}}  {median * 1000:>8.1f}ms  {best * 1000:>8.1f}ms  {size}")


if __name__ == "__main__":
    main()
