"""What the agent adds to a render: a one-frame turn against the same render called directly.

The turn runs the offline planner through the whole graph (plan, approval check, tool, reply,
two ledger entries, SQLite checkpoints); the direct side submits and runs the same render job.
Frames come from a tiny random-weight SD 1.x pipeline on the CPU (or previz with --pipeline).
Goal: the turn takes at most 5% longer. Also prints checkpoint write and read time per turn.
Run: python bench/agent.py --turns 10 [--pipeline tiny-sd|previz]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from langgraph.checkpoint.sqlite import SqliteSaver

from frameline.demo import FOLDER
from frameline.settings import Settings
from frameline.wiring import open_frameline
from memory.importer import import_screenplay
from memory.screenplay.reading import parse_screenplay_bytes
from memory.store import get_or_create_project
from tools.context import Actor
from tools.jobs import submit_job

ACTOR = Actor("bench", "writer")
REQUEST = "give me a frame of scene 3"
WARM_UP = 3


def load_script(frameline: Any) -> None:
    """The demo screenplay's records without its embeddings: a render turn needs no search."""
    script = FOLDER / "demo.fountain"
    content = script.read_bytes()
    with frameline.transaction() as session:
        project = get_or_create_project(session, "demo")
        import_screenplay(
            session, project, parse_screenplay_bytes(content, script.name), script.name, content
        )


@contextmanager
def timed_checkpoints() -> Iterator[dict[str, list[float]]]:
    """Time every checkpoint write (put, put_writes) and read (get_tuple) of the SQLite saver."""
    spent: dict[str, list[float]] = {"write": [], "read": []}
    originals = {name: getattr(SqliteSaver, name) for name in ("put", "put_writes", "get_tuple")}

    def wrap(name: str, bucket: str) -> Callable[..., Any]:
        def timed(self: SqliteSaver, *args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return originals[name](self, *args, **kwargs)
            finally:
                spent[bucket].append(time.perf_counter() - started)

        return timed

    for name in originals:
        setattr(SqliteSaver, name, wrap(name, "read" if name == "get_tuple" else "write"))
    try:
        yield spent
    finally:
        for name, original in originals.items():
            setattr(SqliteSaver, name, original)


def direct_render(frameline: Any) -> float:
    started = time.perf_counter()
    job = submit_job(frameline, ACTOR, "demo", "render", {"scene": "3"})
    assert frameline.worker.run(job.job_id).state == "done"
    return time.perf_counter() - started


def agent_service() -> Any:
    """agent.service; as a script, bench/ leads sys.path and this file would hide `agent`."""
    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    from agent import service

    return service


def agent_turn(frameline: Any) -> float:
    started = time.perf_counter()
    result = agent_service().run_turn(frameline, ACTOR, "demo", None, REQUEST)
    assert result.tool_calls[0]["name"] == "render_frames", result
    return time.perf_counter() - started


def settings_for(pipeline: str, folder: Path) -> Settings:
    """Settings of a throw-away home rendering with previz or a tiny SD 1.x model built here."""
    if pipeline == "previz":
        return Settings(home=folder / "home", database_url=None, image_backend="previz")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.fakes.tiny_pipeline import build_tiny_sd_model

    model = build_tiny_sd_model(folder / "tiny-sd")
    return Settings(
        home=folder / "home",
        database_url=None,
        image_backend="diffusers",
        diffusers_model=model,
        device="cpu",
    )


def main() -> None:
    """Print both medians, their ratio and the checkpoint cost per turn."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=10, help="Measured turns (and renders).")
    parser.add_argument("--pipeline", choices=("tiny-sd", "previz"), default="tiny-sd")
    args = parser.parse_args()
    turns = args.turns
    with (
        tempfile.TemporaryDirectory() as folder,
        open_frameline(settings_for(args.pipeline, Path(folder))) as frameline,
    ):
        load_script(frameline)
        for _ in range(WARM_UP):
            direct_render(frameline)
            agent_turn(frameline)
        direct, agent = [], []
        with timed_checkpoints() as spent:
            for _ in range(turns):  # interleaved, so drift hits both sides alike
                direct.append(direct_render(frameline))
                agent.append(agent_turn(frameline))
    render, turn = statistics.median(direct), statistics.median(agent)
    print(f"{args.pipeline} render, direct: {render * 1000:8.1f} ms (median of {turns})")
    print(f"same render as an agent turn:{turn * 1000:8.1f} ms")
    print(f"ratio {turn / render:.3f} ({(turn / render - 1) * 100:+.1f}% overhead, goal <= +5%)")
    for kind in ("write", "read"):
        calls = spent[kind]
        print(
            f"checkpoint {kind}s per turn: {len(calls) / turns:.1f} calls, "
            f"{sum(calls) / turns * 1000:.2f} ms"
        )


if __name__ == "__main__":
    main()
