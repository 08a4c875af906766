"""The offline planner: deterministic rules standing in for a language model, and labelled so.

It maps the common requests of writers, directors and producers to tool calls (real
`AIMessage.tool_calls`, so the same graph, approvals and tools run) and words a reply from the
tool results. Only the person's own latest message decides what it does: tool results, scene text
and facts are quoted in replies, never read for actions.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable

from agent.prompts import CAPABILITIES
from tools.revisions import plan_revision

PLANNER_NAME = "offline-planner"
LABEL = "offline planner (deterministic rules, not a language model)"

CODE = r"\d+[A-Za-z]{1,3}(?:-[A-Za-z]+)?"
TARGET = rf"v\d+|{CODE}"
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
NUMBERS |= {"seven": 7, "eight": 8, "a couple of": 2, "a few": 3}
COUNT = re.compile(
    rf"\b({'|'.join(NUMBERS)}|\d+)\s+(?:more\s+)?(?:frames?|images?|takes?|options?)"
)
SCENE = re.compile(r"\bscene\s+(\d+[A-Za-z]?)\b", re.I)

Call = dict[str, Any]


def _call(tool: str, **args: Any) -> Call:
    """A tool call as a model would make it (None arguments are left out)."""
    clean = {key: value for key, value in args.items() if value is not None}
    return {"name": tool, "args": clean, "id": f"call_{uuid.uuid4().hex[:16]}", "type": "tool_call"}


def _target(text: str) -> dict[str, str]:
    return {"version_id": text.lower()} if text.lower().startswith("v") else {"shot": text.upper()}


def _fact(text: str, cast: Sequence[str]) -> str:
    """'Mara has a bandage …' → 'Mara: has a bandage …', the form facts are stated in."""
    if ":" in text:
        return text
    first, _, rest = text.partition(" ")
    return f"{first}: {rest}" if first.upper() in cast and rest else text


def plan(text: str, cast: Sequence[str]) -> list[Call]:
    """Tool calls for one request, or none when the request is not one the rules know."""
    words = " ".join(text.split())
    lowered = words.lower()
    scene = SCENE.search(words)
    if remember := re.match(r"^(?:please\s+)?remember(?:\s+that)?[:,]?\s+(.+)$", words, re.I):
        return [_call("remember_fact", fact=_fact(remember.group(1), cast))]
    if fact := re.match(r"^([A-Za-z][\w .'-]{0,40}):\s*(.+)$", words):
        subject = fact.group(1).strip()
        if subject.upper() in cast or re.search(r"\bscenes?\s+\d", fact.group(2), re.I):
            return [_call("remember_fact", fact=words)]
    if status := re.search(rf"\b(approve|lock)\s+(?:shot\s+|version\s+)?({TARGET})\b", words, re.I):
        reason = re.search(r"\boverrid(?:e|ing)\b[^:,]*[:,]?\s*(?:because\s+)?(.+)$", words, re.I)
        new = "locked" if status.group(1).lower() == "lock" else "approved"
        override = reason.group(1).strip() if reason else None
        return [_call("set_status", status=new, override_reason=override, **_target(status[2]))]
    if revise := re.match(rf"^(?:revise\s+)?(?:shot\s+)?({TARGET})\s*[:,]\s*(.+)$", words, re.I):
        instruction = revise.group(2).strip()
        return [_call("revise_frame", instruction=instruction, **_target(revise.group(1)))]
    versions = re.search(r"\bversions?\b|\btakes of\b|\bhistory of\b", lowered)
    if versions and (shot := re.search(rf"\b({CODE})\b", words)):
        return [_call("list_versions", shot=shot.group(1).upper())]
    if re.search(r"\b(?:list|show|what are)\b.*\bshots\b", lowered):
        return [_call("list_shots", scene=scene.group(1) if scene else None)]
    if scene and re.search(r"\b(?:give me|render|draw|sketch|storyboard|frames?)\b", lowered):
        return [_render(words, scene.group(1), cast)]
    if re.search(r"\b(?:consistent|continuity|match(?:es)?|still (?:has|have|wear))\b", lowered):
        return [_plan_continuity(words, cast)]
    if re.search(
        r"\b(?:budget|spend|spent|spending|costs?|against the|over on|under on)\b", lowered
    ):
        account = re.search(r"against (?:the )?([\w &/-]+?)\s+(?:line|account|budget)\b", lowered)
        number = re.search(r"\b(\d{4})\b", words)
        name = number.group(1) if number else (account.group(1) if account else None)
        return [_call("budget_status", account=name, scene=scene.group(1) if scene else None)]
    if scene and re.search(r"\b(?:what happens|what's in|tell me about|describe|summar)", lowered):
        return [_call("get_scene", scene=scene.group(1))]
    if shot := re.search(rf"\bshot\s+({CODE})\b", words, re.I):
        return [_call("get_shot", shot=shot.group(1).upper())]
    if who := re.search(r"\bwho(?:'s| is)\s+([A-Za-z][\w'-]*)", words, re.I):
        return [_call("get_character", name=who.group(1))]
    if query := re.match(
        r"^(?:find|search(?: for)?|look up|where does|which scene)\b\s*(.*)$", words, re.I
    ):
        wanted = query.group(1) or words
        kind = (
            "scene" if re.match(r"(?:the |a )?scenes? (?:where|in which|when)\b", wanted) else None
        )
        return [_call("search_script", query=wanted, kind=kind)]
    return []


def _plan_continuity(words: str, cast: Sequence[str]) -> Call:
    """A continuity question: of a frame, of someone or something in a scene, or of a scene."""
    if version := re.search(r"\b(v\d+)\b", words, re.I):
        return _call("check_continuity", version_id=version.group(1).lower())
    scene = re.search(r"\b(?:scene|in)\s+(?:scene\s+)?(\d+[A-Za-z]?)\b", words, re.I)
    who = next((name for name in cast if re.search(rf"\b{name}\b", words, re.I)), None)
    thing = re.search(r"\bis\s+(?:the |her |his |their )?([a-z][\w-]*)\s+consistent", words, re.I)
    subject = who or (thing.group(1) if thing else None)
    number = scene.group(1) if scene else None
    return _call("continuity_report", scene=number, subject=subject if number else None)


def _render(words: str, scene: str, cast: Sequence[str]) -> Call:
    """A render request: how many frames, of whom, framed how, from the person's words."""
    counted = COUNT.search(words.lower())
    count = (NUMBERS.get(counted.group(1)) or int(counted.group(1))) if counted else 1
    after = re.search(r"\bscene\s+\d+[A-Za-z]?\s*[,:;-]?\s*(?:with|of|showing)?\s*(.*)$", words)
    described = (after.group(1).strip() if after else "") or None
    named = [name for name in cast if re.search(rf"\b{re.escape(name)}\b", words, re.I)]
    look = plan_revision(words)
    return _call(
        "render_frames",
        scene=scene,
        count=count,
        prompt=described,
        characters=named or None,
        framing=look.framing,
        angle=look.angle,
    )


def reply(results: Sequence[ToolMessage]) -> str:
    """A plain reply written from the tool results of this turn."""
    return "\n".join(_describe(message) for message in results)


def _describe(message: ToolMessage) -> str:
    text = message.content if isinstance(message.content, str) else json.dumps(message.content)
    if message.status == "error":
        return f"I could not do that ({message.name}): {text}"
    try:
        result = json.loads(text)
    except ValueError:
        return text
    if isinstance(result, dict) and "not_done" in result:
        return f"Not done: {result['not_done']} (approval {result['approval_id']})."
    return WRITERS.get(message.name or "", _generic)(result)


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


def _shots(result: list[dict[str, Any]]) -> str:
    if not result:
        return "There are no shots yet."
    return "\n".join(
        f"- {s['shot']} (scene {s['scene']}): {s['versions']} version(s), latest "
        f"{s['latest_version'] or 'none'} {s['latest_status'] or ''}".rstrip()
        for s in result
    )


def _budget(result: dict[str, Any]) -> str:
    currency = result.get("currency", "")
    return "\n".join(
        f"- {a['account']} {a['name']}: budget {a['budget']} {currency}, actual {a['actual']}, "
        f"estimate at completion {a['estimate_at_completion']}, variance {a['variance']}"
        for a in result.get("accounts", [])
    ) or _generic(result)


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


WRITERS = {
    "continuity_report": _continuity,
    "check_continuity": _continuity,
    "search_script": _hits,
    "get_scene": _scene,
    "list_versions": _versions,
    "list_shots": _shots,
    "budget_status": _budget,
    "render_frames": lambda r: (
        f"Rendered {len(r['versions'])} frame(s) of scene "
        f"{r['versions'][0]['scene']} as shot {r['versions'][0]['shot']}: "
        + ", ".join(v["version_id"] for v in r["versions"])
        + " (drafts)."
    ),
    "revise_frame": lambda r: (
        f"Revised {r['revised']} into {r['version']['version_id']} "
        f"(shot {r['version']['shot']}, {r['version']['status']})."
    ),
    "set_status": lambda r: f"{r['version_id']} (shot {r['shot']}) is now {r['status']}.",
    "remember_fact": lambda r: (
        f"Remembered {r['fact_id']}: {r['subject']}: {r['statement']}"
        + (f" (scenes {r['from_scene']}–{r['to_scene']})." if r.get("from_scene") else ".")
    ),
    "get_character": lambda r: f"{r['name']}: {r['description'] or 'no description yet'}",
    "get_shot": lambda r: (
        f"Shot {r['shot']} (scene {r['scene']}): {r['framing']}, {r['angle']}; "
        f"{r['versions']} version(s), latest {r['latest_version'] or 'none'}."
    ),
}


class OfflinePlanner(BaseChatModel):
    """A chat model made of rules; its replies say so in their metadata."""

    cast: tuple[str, ...] = ()

    @property
    def _llm_type(self) -> str:
        return PLANNER_NAME

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> Runnable[Any, BaseMessage]:
        """The planner knows every tool of Frameline already; roles are checked by the tools."""
        return self

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        last = max(i for i, m in enumerate(messages) if isinstance(m, HumanMessage))
        results = [m for m in messages[last + 1 :] if isinstance(m, ToolMessage)]
        if results:
            message = AIMessage(reply(results))
        elif calls := plan(messages[last].text, self.cast):
            message = AIMessage("", tool_calls=calls)
        else:
            message = AIMessage(f"I did not understand that request. {CAPABILITIES}")
        message.response_metadata = {"model_name": PLANNER_NAME, "model_kind": LABEL}
        message.usage_metadata = {"input_tokens": 0, "output_tokens": 0, "total_tokens": 0}
        return ChatResult(generations=[ChatGeneration(message=message)])
