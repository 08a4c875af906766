"""Scoring the offline planner on its evaluation set (`eval_requests.txt`).

Used by the pytest (`test_evaluation.py`) and the bench (`bench/agent_eval.py`): it reads the
set, builds the demo production as the planner sees it (plus a few shots and versions so that
requests can name several), plans each request and scores accuracy, safety and latency.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from agent.planner import plan
from agent.production import Production, VersionInfo
from agent.understanding import canonical

SET = Path(__file__).with_name("eval_requests.txt")
CHANGING_TOOLS = {"render_frames", "revise_frame", "set_status", "remember_fact", "unlock_version"}
EXTRA_SHOTS = {"3A": "3", "3B": "3", "4A": "4", "5A": "5", "6A": "6", "8A": "8"}
EXTRA_VERSIONS = {
    "v1": "3A",
    "v2": "4A",
    "v3": "3A",
    "v4": "3B",
    "v5": "5A",
    "v6": "6A",
    "v7": "8A",
}


@dataclass(frozen=True)
class Expected:
    """A request and what should come of it."""

    role: str
    intent: str
    text: str
    calls: list[tuple[str, dict[str, Any]]]
    safe: bool  # nothing may change
    exact: bool  # the calls must be exactly these (else any read-only calls pass)
    after: str | None = None
    offer: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


@dataclass
class Outcome:
    """One request's score."""

    case: Expected
    calls: list[tuple[str, dict[str, Any]]]
    correct: bool
    safe: bool
    seconds: float


def _calls(text: str) -> list[tuple[str, dict[str, Any]]]:
    calls = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        name, *pairs = re.split(r"\s+(?=[a-z_]+=)", part)
        args: dict[str, Any] = {}
        for pair in pairs:
            key, _, value = pair.partition("=")
            value = value.strip()
            if key == "count":
                args[key] = int(value)
            elif key == "characters":
                args[key] = value.split("+")
            elif value in ("true", "false"):
                args[key] = value == "true"
            else:
                args[key] = value
        calls.append((name.strip(), args))
    return calls


def load_set(path: Path = SET) -> list[Expected]:
    """The evaluation set."""
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        role, intent, text, outcome = (part.strip() for part in line.split(" | "))
        after = None
        offer: list[tuple[str, dict[str, Any]]] = []
        if context := re.match(r"^\[(after|offer) ([^\]]+)\]\s*", text):
            if context.group(1) == "after":
                after = context.group(2)
            else:
                offer = _calls(context.group(2))
            text = text[context.end() :]
        safe = outcome == "none" or outcome.startswith("safe")
        exact = outcome == "none" or outcome.startswith("safe:") or not safe
        calls = [] if outcome in ("none", "safe") else _calls(outcome.removeprefix("safe:"))
        cases.append(Expected(role, intent, text, calls, safe, exact, after, offer))
    return cases


def evaluation_production(production: Production) -> Production:
    """The demo production with the shots and versions the set's requests name."""
    versions = {
        version: VersionInfo(version, shot, "draft", "v1" if version == "v3" else None)
        for version, shot in EXTRA_VERSIONS.items()
    }
    return replace(production, shots=dict(EXTRA_SHOTS), versions=versions)


def history(case: Expected, production: Production) -> list[BaseMessage]:
    """The thread before the request: the frame it last made, or the action it last offered."""
    if case.after:
        info = production.versions[case.after]
        scene = production.shots[info.shot]
        call = {
            "name": "list_versions",
            "args": {"shot": info.shot},
            "id": "c0",
            "type": "tool_call",
        }
        shown = [
            {
                "version_id": case.after,
                "shot": info.shot,
                "scene": scene,
                "parent_id": None,
                "status": "draft",
                "continuity": "pending",
                "stale": False,
                "seed": 1,
            }
        ]
        return [
            HumanMessage(f"show me {case.after}"),
            AIMessage("", tool_calls=[call]),
            ToolMessage(json.dumps(shown), tool_call_id="c0", name="list_versions"),
            AIMessage("Here it is."),
        ]
    if case.offer:
        offered = [
            {"name": n, "args": a, "id": f"o{i}", "type": "tool_call"}
            for i, (n, a) in enumerate(case.offer)
        ]
        return [
            HumanMessage("should we?"),
            AIMessage("Shall I?", additional_kwargs={"frameline": {"offer": offered}}),
        ]
    return []


def _matches(got: list[tuple[str, dict[str, Any]]], want: list[tuple[str, dict[str, Any]]]) -> bool:
    if len(got) != len(want):
        return False
    for (name, args), (wanted, keys) in zip(got, want, strict=True):
        if name != wanted:
            return False
        for key, value in keys.items():
            if key == "instruction" or key == "fact" or key == "override_reason":
                if str(args.get(key, "")).strip(" .").lower() != str(value).strip(" .").lower():
                    return False
            elif key == "characters":
                if sorted(args.get(key) or []) != sorted(value):
                    return False
            elif args.get(key) != value:
                return False
    return True


def score(case: Expected, production: Production) -> Outcome:
    """Plan one request and judge it."""
    thread = history(case, production)
    started = time.perf_counter()
    planned = plan(case.text, production, thread)
    seconds = time.perf_counter() - started
    got = [(call["name"], call["args"]) for call in planned.calls]
    changed = any(name in CHANGING_TOOLS for name, _ in got)
    safe = not (case.safe and changed)
    correct = _matches(got, case.calls) if case.exact else not changed
    return Outcome(case, got, correct and safe, safe, seconds)


def run(
    production: Production, cases: list[Expected] | None = None, batched: bool = False
) -> list[Outcome]:
    """Score every request of the set (after one warm-up request).

    `batched` embeds all requests in one batch first, which is much faster on a busy machine
    but makes the per-request latency meaningless: the bench leaves it off.
    """
    production = evaluation_production(production)
    cases = cases or load_set()
    plan("warm up the embedding model", production)
    if batched:
        from memory.embeddings import embed_texts

        shots, cast = set(production.shots), production.cast
        embed_texts([canonical(" ".join(case.text.split()), shots, cast) for case in cases])
    return [score(case, production) for case in cases]


def summary(outcomes: list[Outcome]) -> dict[str, Any]:
    """Accuracy per role and intent, the safety score and latency percentiles."""
    by_role: dict[str, list[bool]] = defaultdict(list)
    by_intent: dict[str, list[bool]] = defaultdict(list)
    for outcome in outcomes:
        by_role[outcome.case.role].append(outcome.correct)
        by_intent[outcome.case.intent].append(outcome.correct)
    guarded = [o for o in outcomes if o.case.safe]
    times = sorted(o.seconds * 1000 for o in outcomes)
    return {
        "requests": len(outcomes),
        "accuracy": sum(o.correct for o in outcomes) / len(outcomes),
        "safety": sum(o.safe for o in guarded) / len(guarded),
        "safety_cases": len(guarded),
        "by_role": {k: sum(v) / len(v) for k, v in sorted(by_role.items())},
        "by_intent": {k: (sum(v) / len(v), len(v)) for k, v in sorted(by_intent.items())},
        "p50_ms": statistics.median(times),
        "p95_ms": times[int(0.95 * (len(times) - 1))],
    }
