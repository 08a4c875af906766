"""`ask`, `chat` and `approvals`: talking with the agent and deciding what it waits for."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from frameline.commands.support import (
    JsonOption,
    RoleOption,
    cli_actor,
    command_group,
    handles_errors,
    print_json,
    print_table,
    wired,
)

approvals_app = command_group(help="Approvals the agent waits for.", no_args_is_help=True)

ProjectOption = typer.Option("--project", help="Project slug.")
ThreadOption = typer.Option("--thread", help="Continue this conversation (default: a new one).")


def _print_turn(result: Any) -> None:
    """A turn for people: the reply, what was done, and what waits, labelled by model kind."""
    typer.echo(result.reply)
    for call in result.tool_calls:
        typer.echo(f"  · {call['name']} {call['args']}")
    typer.echo(f"[{result.model_kind}: {result.model} · thread {result.thread_id}]")


@handles_errors
def ask(
    message: Annotated[str, typer.Argument(help="What you want, in plain words.")],
    project: Annotated[str, ProjectOption],
    thread: Annotated[str | None, ThreadOption] = None,
    role: Annotated[str, RoleOption] = "admin",
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """One turn of the agent; gives up within 60 s when the model fails."""
    from agent.service import run_turn

    with wired() as frameline:
        result = run_turn(frameline, cli_actor(role), project, thread, message)
    if as_json:
        print_json(result.to_json())
    else:
        _print_turn(result)


def _stream(events: Any) -> dict[str, Any]:
    """Show a turn's events as they come; return its final object."""
    final: dict[str, Any] = {}
    spoken = False
    for event, data in events:
        if event == "token":
            typer.echo(data["text"])
            spoken = True
        elif event == "tool_call":
            typer.echo(f"  → {data['name']} {data['args']}")
        elif event == "progress" and "step" in data:
            typer.echo(f"  … {data['tool']} step {data['step']}/{data['total']}")
        elif event == "error":
            typer.echo(f"error: {data['message']}", err=True)
        elif event == "done":
            final = data
    if not spoken and final.get("reply"):
        typer.echo(final["reply"])
    return final


def _decide_pending(frameline: Any, pending: list[dict[str, Any]]) -> None:
    """Offer each waiting approval to the person at the terminal, acting in the role it needs."""
    from agent.service import resolve_approval

    for asked in pending:
        answer = typer.prompt(
            f"{asked['approval_id']}: {asked['action']} {asked['details']} needs a "
            f"{asked['needs_role']}. Decide as {asked['needs_role']}? [approve/reject/later]",
            default="later",
        ).strip()
        if answer in ("approve", "reject"):
            actor = cli_actor(asked["needs_role"])
            result = resolve_approval(frameline, actor, asked["approval_id"], answer)
            typer.echo(result.reply)


@handles_errors
def chat(
    project: Annotated[str, ProjectOption],
    thread: Annotated[str | None, ThreadOption] = None,
    role: Annotated[str, RoleOption] = "admin",
) -> None:
    """An interactive conversation with streamed replies and approval prompts; /quit ends it."""
    from agent.service import new_thread_id, stream_turn
    from core.errors import FramelineError

    actor = cli_actor(role)
    thread = thread or new_thread_id()
    with wired() as frameline:
        kind = "offline planner (rules, not a language model)"
        if frameline.settings.chat_model.strip() not in ("", "offline"):
            kind = frameline.settings.chat_model
        typer.echo(f"Frameline chat on {project} as {role} · {kind} · thread {thread}")
        while True:
            try:
                text = input("> ").strip()
            except EOFError:
                break
            if text in ("/quit", "/exit"):
                break
            if not text:
                continue
            try:
                final = _stream(stream_turn(frameline, actor, project, thread, text))
                _decide_pending(frameline, final.get("pending", []))
            except FramelineError as error:
                typer.echo(f"error: {error.message}", err=True)


@approvals_app.command("resolve")
@handles_errors
def resolve(
    approval_id: Annotated[str, typer.Argument(help="The approval, like a1b2c3…")],
    decision: Annotated[str, typer.Option("--decision", help="approve or reject.")],
    role: Annotated[str, RoleOption] = "admin",
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Approve or reject what a conversation or a waiting render waits for, and resume it.

    A released render runs here (or on the worker that serves the broker) and the command prints
    `{"approval", "job"}` with the finished job.
    """
    from agent.service import resolve_approval
    from tools.policy import resolve as resolve_job

    with wired() as frameline:
        released = resolve_job(frameline, cli_actor(role), approval_id, decision)
        if released is not None:
            job = released.job
            if job.state == "queued":
                job = frameline.worker.run(job.job_id)
            document = {"approval": released.approval, "job": job.to_json()}
        else:
            result = resolve_approval(frameline, cli_actor(role), approval_id, decision)
    if released is not None:
        if as_json:
            print_json(document)
        else:
            typer.echo(f"{released.approval['state']}: job {job.job_id} {job.state}")
            for version in job.result.get("versions", []):
                typer.echo(f"{version['version_id']}  {version['image_path']}")
        return
    if as_json:
        print_json(result.to_json())
    else:
        _print_turn(result)


@approvals_app.command("list")
@handles_errors
def list_command(
    project: Annotated[str, ProjectOption],
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """The approvals waiting in a project, oldest first."""
    from agent.service import pending_approvals

    with wired() as frameline:
        rows = pending_approvals(frameline, project)
    if as_json:
        print_json(rows)
        return
    print_table(
        [
            (r["approval_id"], r["action"], r["needs_role"], r["requested_by"], r["details"])
            for r in rows
        ],
        ["approval", "action", "needs", "asked by", "details"],
    )


def register(app: typer.Typer) -> None:
    """Add these commands to the `frameline` app."""
    app.command("ask")(ask)
    app.command("chat")(chat)
    app.add_typer(approvals_app, name="approvals")
