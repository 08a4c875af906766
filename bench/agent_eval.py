"""How well the offline planner understands requests, and how fast it decides.

Runs the evaluation set of tests/agent/eval_requests.txt (writers', directors' and producers'
requests, each with its expected tool calls or "changes nothing") against the demo production,
loaded into a temporary FRAMELINE_HOME with its memory (scenes named by description are found by
the real memory search). Prints accuracy per role and per intent, the safety score (negations,
questions and hypotheticals that changed nothing) and the planner's latency per request, warm:
the bank's vectors and MiniLM are loaded before timing starts; no tool runs.
Goals: accuracy >= 95 %, safety 100 %, p95 <= 50 ms.
Run: python bench/agent_eval.py [--failures] [--threads N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    """Load the demo, run the set, print the scores; exit 1 when a goal is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--failures", action="store_true", help="print each request missed")
    parser.add_argument(
        "--threads", type=int, default=0, help="torch CPU threads (0: torch's default)"
    )
    options = parser.parse_args()
    if options.threads:
        import torch

        torch.set_num_threads(options.threads)  # on a busy shared machine one thread varies less

    from agent.production import read_production
    from agent.service import _scene_finder
    from frameline.demo import load_demo
    from frameline.settings import Settings
    from frameline.wiring import open_frameline
    from tests.agent.evaluation import run, summary

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            home=Path(folder) / "home", database_url=None, chroma_url=None, image_backend="previz"
        )
        with open_frameline(settings) as frameline:
            load_demo(frameline)
            finder = _scene_finder(frameline, "bench", "writer", "demo")
            outcomes = run(read_production(frameline, "demo", finder))
    scores = summary(outcomes)
    print(f"requests: {scores['requests']}")
    print(f"accuracy: {scores['accuracy']:.1%} (goal >= 95%)")
    print(f"safety:   {scores['safety']:.1%} of {scores['safety_cases']} requests (goal 100%)")
    print("accuracy by role:")
    for role, value in scores["by_role"].items():
        print(f"  {role:<10} {value:.1%}")
    print("accuracy by intent:")
    for intent, (value, count) in scores["by_intent"].items():
        print(f"  {intent:<13} {value:6.1%} of {count}")
    print(f"planner latency, warm: p50 {scores['p50_ms']:.1f} ms, p95 {scores['p95_ms']:.1f} ms")
    if options.failures:
        for outcome in outcomes:
            if not outcome.correct:
                print(f"MISSED [{outcome.case.intent}] {outcome.case.text!r} → {outcome.calls}")
    met = scores["accuracy"] >= 0.95 and scores["safety"] == 1.0 and scores["p95_ms"] <= 50
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
