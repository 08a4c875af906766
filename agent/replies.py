"""The offline planner's replies: tool results in plain sentences, with ids, money to the cent and
what happens next. Tool results are quoted as data, never read for actions."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from langchain_core.messages import ToolMessage

from tools.money_display import display_money

PLANNER_NAME = "offline-planner"
LABEL = (
    "offline-planner: understands requests with rules and a small embedding model (MiniLM), "
    "not a language model"
)
SIGNATURE = "— offline-planner (not a language model)"


def signed(text: str) -> str:
    """A reply with the planner's label, so every front door shows who answered."""
    return text if SIGNATURE in text else f"{text.rstrip()}\n\n{SIGNATURE}"


def reply(results: Sequence[ToolMessage], currency: str = "USD") -> str:
    """A plain reply written from the tool results of this turn, one paragraph per result."""
    return "\n".join(describe(message, currency) for message in results)


def describe(message: ToolMessage, currency: str = "USD") -> str:
    """One tool result as sentences."""
    text = message.content if isinstance(message.content, str) else json.dumps(message.content)
    if message.status == "error":
        return f"I could not do that ({_verb(message.name)}): {text.removeprefix('Error: ')}"
    try:
        result = json.loads(text)
    except ValueError:
        return text
    if isinstance(result, dict) and "not_done" in result:
        return f"Not done: {result['not_done']} (approval {result['approval_id']})."
    writer = WRITERS.get(message.name or "")
    if writer is None:
        return _generic(result)
    if message.name in ("budget_status", "shot_ledger"):
        return (_budget if message.name == "budget_status" else _ledger)(result, currency)
    return writer(result)


def _verb(name: str | None) -> str:
    return (name or "tool").replace("_", " ")


def _generic(result: Any) -> str:
    return json.dumps(result, ensure_ascii=False, indent=1)[:1500]


def _hits(result: list[dict[str, Any]]) -> str:
    if not result:
        return "I found nothing that matches."
    lines = [f"- {hit['kind']} {hit['id']}: {hit['text'][:240]}" for hit in result]
    return "Here is what I found:\n" + "\n".join(lines)


def _scene(result: dict[str, Any]) -> str:
    cast = ", ".join(result["characters"]) or "nobody named"
    return (
        f"Scene {result['number']}: {result['heading']} (story day {result['story_day']}). "
        f"Characters: {cast}.\n{result['text'][:700]}"
    )


def _versions(result: list[dict[str, Any]]) -> str:
    if not result:
        return "There are no versions yet."
    return "\n".join(
        f"- {v['version_id']} (shot {v['shot']}): {v['status']}, continuity {v['continuity']}"
        + (f", from {v['parent_id']}" if v.get("parent_id") else "")
        for v in result
    )


def _compared(result: list[dict[str, Any]]) -> str:
    """Versions side by side, one line per property: status, continuity, then what differs."""
    rows = [
        ("shot", [v["shot"] for v in result]),
        ("status", [v["status"] for v in result]),
        ("continuity", [v["continuity"] for v in result]),
    ]
    keys = dict.fromkeys(k for v in result for k in (v.get("depicts") or {}))
    for key in keys:
        said = [_said((v.get("depicts") or {}).get(key)) for v in result]
        if any(said) and len(set(said)) > 1:
            rows.append((key.replace("_", " "), [s or "—" for s in said]))
    head = " | ".join(v["version_id"] for v in result)
    lines = [f"{name}: " + " | ".join(str(x) for x in values) for name, values in rows]
    same = [k for k in keys if len({_said((v.get("depicts") or {}).get(k)) for v in result}) == 1]
    tail = f"\nThe same in both: {', '.join(same)}." if same else ""
    return f"Side by side ({head}):\n" + "\n".join(f"- {line}" for line in lines) + tail


def _said(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(
            " ".join(str(x) for x in item.values() if x) if isinstance(item, dict) else str(item)
            for item in value
        )
    return "" if value is None else str(value)


def _shots(result: list[dict[str, Any]]) -> str:
    if not result:
        return "There are no shots yet: say “render scene N” to make the first one."
    lines = "\n".join(
        f"- {s['shot']} (scene {s['scene']}): {s['versions']} version(s), latest "
        f"{s['latest_version'] or 'none'} {s['latest_status'] or ''}".rstrip()
        for s in result
    )
    frames = sum(int(s["versions"]) for s in result)
    return f"{len(result)} shot(s), {frames} frame(s) in all:\n{lines}"


def _budget(result: dict[str, Any], fallback: str) -> str:
    currency = result.get("currency") or fallback

    def cash(value: Any) -> str:
        try:
            return display_money(str(value), currency)
        except ValueError:
            return str(value)

    lines = [
        f"- {a['account']} {a['name']}: budget {cash(a['budget'])}, spent {cash(a['actual'])}, "
        f"estimate at completion {cash(a['estimate_at_completion'])}, "
        f"variance {cash(a['variance'])}"
        for a in result.get("accounts", [])[:12]
    ]
    scope = result.get("scope") or {}
    where = f"Scene {scope['scene']}" if scope.get("scene") else "The project"
    head = f"{where} has spent {cash(result.get('ledger_total', '0'))} in all so far."
    people = ", ".join(
        f"{p['person']} {cash(p['actual'])}" for p in result.get("by_person", [])[:6]
    )
    tail = f"\nBy person: {people}." if people else ""
    return head + _top_scenes(result, cash) + ("\n" + "\n".join(lines) if lines else "") + tail


def _top_scenes(result: dict[str, Any], cash: Callable[[Any], str]) -> str:
    """The scenes that cost the most, so "which scene cost the most?" is answered first."""
    if (result.get("scope") or {}).get("scene"):
        return ""
    spent = [
        row for row in result.get("by_scene", []) if row.get("scene") and _amount(row["actual"]) > 0
    ]
    spent.sort(key=lambda row: -_amount(row["actual"]))
    if not spent:
        return ""
    named = ", ".join(f"scene {row['scene']} {cash(row['actual'])}" for row in spent[:3])
    return f"\nMost spent by scene: {named}."


def _amount(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return Decimal(0)


def _ledger(result: dict[str, Any], fallback: str) -> str:
    currency = result.get("currency") or fallback
    entries = result.get("entries", [])
    if not entries:
        return f"Nothing has been charged to shot {result['shot']} yet."
    total = sum(Decimal(str(e["amount"])) for e in entries)
    lines = [
        f"- entry {e['entry_id']}: {e['kind']} of {e['version_id'] or 'the shot'} by "
        f"{e['person']}, {display_money(str(e['amount']), currency)} to account {e['account']}"
        for e in entries[-12:]
    ]
    return (
        f"Shot {result['shot']} has cost {display_money(str(total), currency)} in "
        f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}:\n" + "\n".join(lines)
    )


def _scope(fact: dict[str, Any]) -> str:
    """Where a fact holds and who said so, as a script supervisor would write it."""
    start, end = fact.get("from_scene"), fact.get("to_scene")
    where = f"scene {start}" if start == end else f"scenes {start}–{end}"
    return f"{where}, from the {fact['source']}"


def _continuity(result: dict[str, Any]) -> str:
    if "answer" in result:
        facts = "; ".join(f"{f['statement']} ({_scope(f)})" for f in result.get("facts", []))
        frames = (
            f"{len(result['shots'])} shot(s) of the scene were checked"
            if result.get("shots")
            else "No frames of the scene exist yet, so nothing could be checked against them"
        )
        return (
            f"{result['subject']} in scene {result['scene']}: {result['answer']}. "
            f"{result['text'][:1].upper()}{result['text'][1:]}. "
            f"Facts that apply: {facts or 'none recorded'}. {frames}."
        )
    if isinstance(result.get("summary"), str):
        shot = f"{result['version_id']} (shot {result['shot']})"
        return f"{shot}: {result['result']}. {result['summary']}"
    counts = result["summary"]
    where = f"Scene {result['scene']}" if result.get("scene") else "The project"
    shown = ", ".join(f"{counts[k]} {k}" for k in ("pass", "fail", "pending") if k in counts)
    items = counts["open_items"]
    return f"{where}: {counts['shots']} shot(s) ({shown}); {items} item(s) need a human eye."


def _rendered(result: dict[str, Any]) -> str:
    made = result["versions"]
    ids = ", ".join(v["version_id"] for v in made)
    return (
        f"Rendered {len(made)} frame(s) of scene {made[0]['scene']} as shot {made[0]['shot']}: "
        f"{ids} (drafts). Next: approve the one you like (“approve {made[-1]['version_id']}”) "
        "or ask for a change (“make it dusk”)."
    )


def _revised(result: dict[str, Any]) -> str:
    child = result["version"]
    return (
        f"Revised {result['revised']} into {child['version_id']} (shot {child['shot']}, "
        f"{child['status']}); {result['revised']} stays as it was."
    )


def _status(result: dict[str, Any]) -> str:
    after = {
        "approved": " A director can lock it when it is final.",
        "locked": " It is final now; unlocking needs a director and a reason.",
        "draft": "",
    }.get(result["status"], "")
    return f"{result['version_id']} (shot {result['shot']}) is now {result['status']}.{after}"


def _fact(result: dict[str, Any]) -> str:
    start, end = result.get("from_scene"), result.get("to_scene")
    where = ""
    if start:
        where = f" (scene {start})" if start == end else f" (scenes {start}–{end})"
    return f"Remembered {result['fact_id']}: {result['subject']}: {result['statement']}{where}."


def _when(value: str | None) -> str:
    """An ISO time as a person reads it in a thread: 14:05 UTC."""
    return f"{value[11:16]} UTC" if value and len(value) >= 16 else "not yet known"


def _job_line(job: dict[str, Any]) -> str:
    state = job["state"]
    head = f"- {job['job_id']} ({job['kind']} by {job['person']}): "
    if state == "running":
        return head + f"running since {_when(job.get('estimated_start'))}"
    if state == "waiting":
        return head + "waiting for an approval"
    if job.get("position"):
        return head + f"queued, #{job['position']}, starts about {_when(job['estimated_start'])}"
    return head + f"queued, waiting for {job.get('waiting_for') or 'a worker'}"


def _finished_line(job: dict[str, Any]) -> str:
    made = f" made {', '.join(job['versions'])}" if job.get("versions") else ""
    why = f": {job['error']}" if job.get("error") and job["state"] == "failed" else ""
    return f"- {job['job_id']} ({job['kind']} by {job['person']}): {job['state']}{made}{why}"


def _queue(result: dict[str, Any]) -> str:
    whose = "of yours " if result.get("mine") else ""
    active = result.get("active") or []
    lines = [_job_line(job) for job in active]
    head = (
        f"{len(active)} job(s) {whose}waiting, queued or running:"
        if active
        else f"No job {whose}is waiting, queued or running."
    )
    recent = result.get("recent") or []
    if recent:
        lines += ["Finished lately:"] + [_finished_line(job) for job in recent]
    return "\n".join([head, *lines])


def _job(job: dict[str, Any]) -> str:
    state, name = job["state"], f"Job {job['job_id']} ({job['kind']} by {job['person']})"
    if state == "done":
        made = ", ".join(job.get("versions") or []) or "nothing new"
        return f"{name} is done: it made {made}."
    if state == "running":
        steps = f", step {job['step']} of {job['total_steps']}" if job.get("total_steps") else ""
        return f"{name} is running{steps}."
    if state == "waiting":
        return f"{name} waits for an approval; nothing runs until someone approves it."
    if state == "queued":
        if job.get("position"):
            return (
                f"{name} is queued, #{job['position']} in line; it should start about "
                f"{_when(job.get('estimated_start'))}."
            )
        return f"{name} is queued, waiting for quota or a worker."
    why = f": {job['error']}" if job.get("error") else ""
    return f"{name} {state}{why}."


def _export(result: dict[str, Any]) -> str:
    return (
        f"The {result['format']} export ({result['filename']}) is at {result['url']}, made from "
        f"the current shots when you open it; or run `{result['command']}`."
    )


WRITERS: dict[str, Callable[[Any], str]] = {
    "list_jobs": _queue,
    "get_job_status": _job,
    "export_link": _export,
    "continuity_report": _continuity,
    "check_continuity": _continuity,
    "search_script": _hits,
    "get_scene": _scene,
    "list_versions": _versions,
    "compare_versions": _compared,
    "list_shots": _shots,
    "budget_status": lambda r: _budget(r, "USD"),
    "shot_ledger": lambda r: _ledger(r, "USD"),
    "render_frames": _rendered,
    "revise_frame": _revised,
    "set_status": _status,
    "unlock_version": _status,
    "remember_fact": _fact,
    "get_character": lambda r: (
        f"{r['name']}"
        + (f" (also {', '.join(r['aliases'])})" if r.get("aliases") else "")
        + f": {r['description'] or 'no description yet'}"
    ),
    "get_shot": lambda r: (
        f"Shot {r['shot']} (scene {r['scene']}): {r['framing']}, {r['angle']}; "
        f"{r['versions']} version(s), latest {r['latest_version'] or 'none'}"
        + (f" ({r['latest_status']})." if r.get("latest_status") else ".")
    ),
}
