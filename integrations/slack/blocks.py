"""Block Kit for what Frameline posts: frame cards, approval requests, the revise modal, help.

Pure functions from Frameline's views (version and approval JSON) to Slack payloads, so the
listeners stay about what happens and this file about how it looks.
"""

from __future__ import annotations

from typing import Any

from tools.revisions import REGIONS

Blocks = list[dict[str, Any]]

VARY, REVISE, APPROVE, LOCK = "frame_vary", "frame_revise", "frame_approve", "frame_lock"
APPROVAL_APPROVE, APPROVAL_REJECT = "approval_approve", "approval_reject"
REVISE_VIEW = "revise_frame"
MAX_TEXT = 2900
"""Slack refuses section text over 3000 characters."""

CONTINUITY = {
    "pass": ":white_check_mark: pass",
    "fail": ":x: fail",
    "not_checkable": ":heavy_minus_sign: not checkable",
    "pending": ":hourglass_flowing_sand: pending",
}

HELP = """*Frameline in Slack*
Mention me in a linked channel (or DM me) and ask in plain words: _@Frameline give me a frame \
of scene 3, Mara at the window_. I answer in the thread.

`/frameline frame <scene> [words]` render a new frame of a scene
`/frameline revise <shot or version> <words>` revise a shot's latest frame (`3A`) or `v7`
`/frameline status [scene]` the shots and where their frames stand
`/frameline budget` the budget against spend
`/frameline link <project>` link this channel to a project (admins)
`/frameline role @person <writer|director|producer|admin>` give someone a role here (admins)
`/frameline help` this text"""

HOW_TO_LINK = (
    "This channel is not linked to a Frameline project yet, so I don't know which production "
    "you mean. An admin can link it with `/frameline link <project>` (for example "
    "`/frameline link demo`); then mention me again."
)


def no_role(user_id: str, project: str) -> str:
    """What a person without a role on the project is told."""
    return (
        f"<@{user_id}>, you have no role on project `{project}` yet, so I can't act for you. "
        f"Ask an admin to run `/frameline role @you writer` (roles: writer, director, "
        "producer, admin)."
    )


def clip(text: str, limit: int = MAX_TEXT) -> str:
    """Text that fits a Slack section."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text(markdown: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": clip(markdown)}


def _button(label: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": label},
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def frame_title(version: dict[str, Any]) -> str:
    """`Scene 3 · shot 3A · v7`: what a frame is called in the thread."""
    return f"Scene {version['scene']} · shot {version['shot']} · {version['version_id']}"


def frame_card(version: dict[str, Any], continuity_summary: str | None = None) -> Blocks:
    """A frame's card: what it is, its status and continuity, and what people can do with it."""
    status = version["status"]
    lines = [
        f"*{frame_title(version)}*",
        f"Status: *{status}*  ·  Continuity: {CONTINUITY.get(version['continuity'], '?')}",
    ]
    if continuity_summary:
        lines.append(f"_{continuity_summary}_")
    about = [f"seed {version['seed']}", version["backend"]]
    if version.get("parent_id"):
        about.append(f"revised from {version['parent_id']}")
    if version.get("stale"):
        about.append(":warning: its scene changed since it was drawn")
    blocks: Blocks = [
        {"type": "section", "text": _text("\n".join(lines))},
        {"type": "context", "elements": [_text(" · ".join(about))]},
    ]
    version_id = version["version_id"]
    buttons = [_button("Vary", VARY, version_id)]
    if status != "locked":
        buttons.append(_button("Revise…", REVISE, version_id))
    if status == "draft":
        buttons.append(_button("Approve", APPROVE, version_id, "primary"))
    if status != "locked":
        lock = _button("Lock", LOCK, version_id)
        lock["confirm"] = {
            "title": {"type": "plain_text", "text": f"Lock {version_id}?"},
            "text": _text("A locked frame is final: it can't be revised, only re-shot."),
            "confirm": {"type": "plain_text", "text": "Lock"},
            "deny": {"type": "plain_text", "text": "Cancel"},
        }
        buttons.append(lock)
    blocks.append({"type": "actions", "block_id": f"frame:{version_id}", "elements": buttons})
    return blocks


def _estimate(details: dict[str, Any]) -> str:
    """A render estimate in the currency's minor unit (approvals before currencies were noted
    are in the default currency)."""
    from tools.money_display import display_estimate

    return display_estimate(details["estimate"], details.get("currency") or "USD")


def approval_summary(asked: dict[str, Any]) -> str:
    """What an approval is for, in a line."""
    details = asked.get("details", {})
    return {
        "render": f"Render {details.get('count')} frames of scene {details.get('scene')}"
        + (f" (estimated {_estimate(details)})" if details.get("estimate") else ""),
        "lock": f"Lock {details.get('version_id')}",
        "override": f"Set {details.get('version_id')} to {details.get('status')} over a failed "
        f"check ({details.get('override_reason')})",
    }.get(asked["action"], asked["action"])


def approval_request(asked: dict[str, Any]) -> Blocks:
    """An approval waiting for a role, with Approve and Reject buttons."""
    approval_id = asked["approval_id"]
    text = (
        f"*Waiting for a {asked['needs_role']}'s approval* ({approval_id})\n"
        f"{approval_summary(asked)}"
    )
    return [
        {"type": "section", "text": _text(text)},
        {
            "type": "actions",
            "block_id": f"approval:{approval_id}",
            "elements": [
                _button("Approve", APPROVAL_APPROVE, approval_id, "primary"),
                _button("Reject", APPROVAL_REJECT, approval_id, "danger"),
            ],
        },
    ]


def approval_decided(asked: dict[str, Any], user_id: str, role: str, decision: str) -> Blocks:
    """The approval once decided: who decided what, and no buttons left to press."""
    mark = ":white_check_mark: Approved" if decision == "approve" else ":no_entry: Rejected"
    text = f"{mark} by <@{user_id}> ({role}): {approval_summary(asked)} ({asked['approval_id']})"
    return [{"type": "section", "text": _text(text)}]


def _regions() -> list[dict[str, Any]]:
    """The named regions, one option per distinct box ("centre" and "center" are one)."""
    seen: set[tuple[float, ...]] = set()
    options = []
    for name, box in REGIONS.items():
        if box not in seen:
            seen.add(box)
            options.append({"text": {"type": "plain_text", "text": name}, "value": name})
    return options


def revise_modal(version_id: str, private_metadata: str) -> dict[str, Any]:
    """The Revise… modal: an instruction, an optional region and an optional strength."""
    return {
        "type": "modal",
        "callback_id": REVISE_VIEW,
        "private_metadata": private_metadata,
        "title": {"type": "plain_text", "text": f"Revise {version_id}"[:24]},
        "submit": {"type": "plain_text", "text": "Revise"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {
                "type": "input",
                "block_id": "instruction",
                "label": {"type": "plain_text", "text": "What should change?"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": "value",
                    "multiline": True,
                    "max_length": 2000,
                    "placeholder": {"type": "plain_text", "text": "make it night, lower camera"},
                },
            },
            {
                "type": "input",
                "block_id": "region",
                "optional": True,
                "label": {"type": "plain_text", "text": "Only in this region"},
                "hint": {
                    "type": "plain_text",
                    "text": "Leave empty to revise the whole frame; outside the region every "
                    "pixel stays as it was.",
                },
                "element": {"type": "static_select", "action_id": "value", "options": _regions()},
            },
            {
                "type": "input",
                "block_id": "strength",
                "optional": True,
                "label": {"type": "plain_text", "text": "Strength (0.05 to 1)"},
                "hint": {"type": "plain_text", "text": "How far the frame may move; empty: auto."},
                "element": {
                    "type": "number_input",
                    "action_id": "value",
                    "is_decimal_allowed": True,
                    "min_value": "0.05",
                    "max_value": "1",
                },
            },
        ],
    }
