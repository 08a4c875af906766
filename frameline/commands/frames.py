"""`render`, `revise`, `versions`, `approve`, `lock`: frames and their versions."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from core.errors import InvalidInput
from frameline.commands.support import (
    JsonOption,
    RoleOption,
    cli_actor,
    handles_errors,
    print_json,
    print_table,
    wired,
)


def run_job(frameline: Any, actor: Any, project: str, kind: str, request: dict[str, Any]) -> Any:
    """Submit through the policy and wait for the versions; a gated job's Submission instead.

    A job's failure is raised as the command's error.
    """
    from tools.jobs import job_failure
    from tools.policy import submit

    submitted = submit(frameline, actor, project, kind, request)
    if submitted.waiting:
        return submitted
    done = frameline.worker.run(submitted.job.job_id)
    if done.state != "done":
        raise job_failure(done)
    return done.result["versions"]


def print_waiting(submitted: Any, as_json: bool) -> None:
    """What a gated job waits for, and the command that releases it."""
    document = submitted.to_json()
    if as_json:
        print_json(document)
        return
    asked = document["approval"]
    typer.echo(
        f"job {document['job_id']} waits for a {asked['needs_role']}'s approval "
        f"{asked['approval_id']}: {asked['reason']}"
    )
    typer.echo(
        f"release it: frameline approvals resolve {asked['approval_id']} --decision approve "
        f"--as {asked['needs_role']}"
    )


def _print_version(version: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(version)
        return
    typer.echo(
        f"{version['version_id']}  shot {version['shot']} (scene {version['scene']})  "
        f"{version['width']}×{version['height']} seed {version['seed']} [{version['backend']}]  "
        f"{version['status']}, continuity {version['continuity']}"
    )
    typer.echo(version["image_path"])
    for note in version.get("notes", []):
        typer.echo(f"note: {note}")


@handles_errors
def render(
    project: Annotated[str, typer.Option("--project", help="Project slug.")],
    scene: Annotated[str, typer.Option("--scene", help="Scene number as `scenes` prints it.")],
    shot: Annotated[str | None, typer.Option("--shot", help="Shot code; new if unknown.")] = None,
    prompt: Annotated[str | None, typer.Option("--prompt", help="Your words.")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed for identical pixels.")] = None,
    framing: Annotated[
        str, typer.Option("--framing", help="wide, medium, close-up, over-the-shoulder.")
    ] = "medium",
    angle: Annotated[str, typer.Option("--angle", help="eye-level, low, high.")] = "eye-level",
    character: Annotated[
        list[str] | None, typer.Option("--character", help="Who is in frame (repeatable).")
    ] = None,
    width: Annotated[int | None, typer.Option("--width", help="Frame width in px.")] = None,
    height: Annotated[int | None, typer.Option("--height", help="Frame height in px.")] = None,
    count: Annotated[
        int | None,
        typer.Option("--count", help="Frames to render, 1–8 (--json prints a list).", min=1, max=8),
    ] = None,
    candidates: Annotated[
        int,
        typer.Option(
            "--candidates",
            help="Takes per frame, 1–8; keeps the best by continuity score (face backends).",
            min=1,
            max=8,
        ),
    ] = 1,
    role: Annotated[str, RoleOption] = "admin",
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Render a new frame of a scene (a new shot unless --shot names an existing one).

    A render that needs approval (more than 4 frames, over the approval cost or the budget)
    prints the approval it waits for and exits 0.
    """
    if (width is None) != (height is None):
        raise InvalidInput("give both --width and --height, or neither")
    request = {
        "scene": scene,
        "shot": shot,
        "prompt": prompt,
        "seed": seed,
        "framing": framing,
        "angle": angle,
        "characters": character or None,
        "width": width,
        "height": height,
        "count": count or 1,
        "candidates": candidates,
    }
    with wired() as frameline:
        made = run_job(frameline, cli_actor(role), project, "render", request)
    if not isinstance(made, list):
        print_waiting(made, as_json)
    elif count is None:
        _print_version(made[0], as_json)
    elif as_json:
        print_json(made)
    else:
        for version in made:
            _print_version(version, False)


@handles_errors
def revise(
    version_id: Annotated[str, typer.Argument(help="The version to revise, like v12.")],
    instruction: Annotated[str, typer.Option("--instruction", help="What to change.")],
    region: Annotated[
        str | None, typer.Option("--region", help="X0,Y0,X1,Y1 in pixels, or a named region.")
    ] = None,
    strength: Annotated[
        float | None, typer.Option("--strength", help="0–1: how far a global change goes.")
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed of the child.")] = None,
    role: Annotated[str, RoleOption] = "admin",
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """A child version; with --region, pixels outside the box stay exactly as they were."""
    from memory.store import get_version, project_of_version
    from tools.revisions import REGIONS, parse_box

    box: Any = None
    if region is not None:
        box = region if region.lower() in REGIONS else list(parse_box(region))
    request = {
        "version_id": version_id,
        "instruction": instruction,
        "region": box,
        "strength": strength,
        "seed": seed,
    }
    with wired() as frameline:
        with frameline.transaction() as session:
            project = project_of_version(session, get_version(session, version_id))
        made = run_job(frameline, cli_actor(role), project, "revise", request)
    if isinstance(made, list):
        _print_version(made[0], as_json)
    else:
        print_waiting(made, as_json)


@handles_errors
def versions(
    project: Annotated[str, typer.Option("--project", help="Project slug.")],
    shot: Annotated[str, typer.Option("--shot", help="Shot code.")],
    role: Annotated[str, RoleOption] = "admin",
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """A shot's versions, oldest first."""
    from tools.frames import list_versions

    with wired() as frameline:
        rows = [v.to_json() for v in list_versions(frameline, cli_actor(role), project, shot)]
    if as_json:
        print_json(rows)
        return
    print_table(
        [
            (
                r["version_id"],
                r["parent_id"] or "",
                r["status"],
                r["continuity"],
                "stale" if r["stale"] else "",
                r["seed"],
                r["backend"],
            )
            for r in rows
        ],
        ["version", "parent", "status", "continuity", "", "seed", "backend"],
    )


def _status_command(status: str, doc: str) -> Any:
    @handles_errors
    def command(
        version_id: Annotated[str, typer.Argument(help="The version, like v12.")],
        reason: Annotated[
            str | None,
            typer.Option("--override", help="Reason to override a failed or stale check."),
        ] = None,
        approve: Annotated[
            bool, typer.Option("--approve", help="lock: approve a draft and lock it at once.")
        ] = False,
        role: Annotated[str, RoleOption] = "admin",
        as_json: Annotated[bool, JsonOption] = False,
    ) -> None:
        from tools.versions import set_status

        with wired() as frameline:
            view = set_status(
                frameline,
                cli_actor(role),
                version_id,
                status,
                override_reason=reason,
                approve_first=approve and status == "locked",
            )
        _print_version(view.to_json(), as_json)

    command.__doc__ = doc
    return command


@handles_errors
def unlock(
    version_id: Annotated[str, typer.Argument(help="The locked version, like v12.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is unlocked (recorded).")],
    role: Annotated[str, RoleOption] = "admin",
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Return a locked version to approved (director, admin); the reason stays in its history."""
    from tools.versions import unlock as unlock_version

    with wired() as frameline:
        view = unlock_version(frameline, cli_actor(role), version_id, reason)
    _print_version(view.to_json(), as_json)


def register(app: typer.Typer) -> None:
    """Add these commands to the `frameline` app."""
    app.command("render")(render)
    app.command("revise")(revise)
    app.command("versions")(versions)
    app.command("approve")(_status_command("approved", "Approve a version (director, admin)."))
    app.command("lock")(
        _status_command(
            "locked",
            "Lock an approved version (director, admin); --approve locks a draft at once.",
        )
    )
    app.command("unlock")(unlock)
