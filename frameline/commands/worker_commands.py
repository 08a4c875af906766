"""`worker` (a GPU worker on the broker) and `queue` (where waiting jobs stand)."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from core.errors import InvalidInput
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

queue_app = command_group(help="Waiting jobs: their order, positions and estimated starts.")


@handles_errors
def worker(
    device: Annotated[
        str | None, typer.Option("--device", help="cpu, cuda or cuda:N (one worker per GPU).")
    ] = None,
    concurrency: Annotated[
        int, typer.Option("--concurrency", help="Jobs at once (they share the loaded model).")
    ] = 1,
    name: Annotated[
        str | None, typer.Option("--name", help="Celery node name, like gpu0@host.")
    ] = None,
    loglevel: Annotated[str, typer.Option("--loglevel", help="debug, info, warning.")] = "info",
) -> None:
    """Serve the `gpu` queue of FRAMELINE_BROKER_URL with the model loaded until stopped."""
    from frameline.settings import Settings
    from frameline.wiring import open_frameline
    from tools.celery_jobs import default_nodename, run_worker

    settings = Settings(device=device) if device else Settings()
    if not settings.broker_url:
        raise InvalidInput(
            "FRAMELINE_BROKER_URL is not set; point it at the Redis the API uses, "
            "like redis://127.0.0.1:6379/0"
        )
    if concurrency < 1:
        raise InvalidInput(f"--concurrency must be at least 1, not {concurrency}")
    logging.disable(logging.NOTSET)  # a service logs; one-line errors are for commands
    with open_frameline(settings) as frameline:
        run_worker(
            frameline,
            nodename=name or default_nodename(),
            concurrency=concurrency,
            loglevel=loglevel,
        )


@queue_app.callback(invoke_without_command=True)
@handles_errors
def queue(
    ctx: typer.Context,
    project: Annotated[str | None, typer.Option("--project", help="One project only.")] = None,
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Running and waiting jobs in the order they start, with estimated start times."""
    if ctx.invoked_subcommand is not None:
        return
    from memory.store import get_project
    from tools.celery_jobs import worker_slots
    from tools.scheduling import Limits, queue_entries

    with wired() as frameline:
        if project is not None:
            with frameline.transaction() as session:
                get_project(session, project)
        entries = queue_entries(
            frameline, worker_slots(frameline), Limits.from_settings(frameline.settings), project
        )
    if as_json:
        print_json([entry.to_json() for entry in entries])
        return
    print_table(
        [
            (
                e.position if e.position is not None else "-",
                e.job_id,
                e.project,
                e.kind,
                e.person,
                e.state,
                e.estimated_start.strftime("%H:%M:%S") if e.estimated_start else "-",
                e.waiting_for or "",
            )
            for e in entries
        ],
        ["#", "job", "project", "kind", "person", "state", "starts (UTC)", "waiting for"],
    )


@queue_app.command("approve")
@handles_errors
def approve(
    job_id: Annotated[str, typer.Argument(help="The job waiting for quota, like j3f…")],
    role: Annotated[str, RoleOption] = "admin",
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Let a job that waits for quota run today (producers and admins)."""
    from tools.scheduling import approve_over_quota

    with wired() as frameline:
        view = approve_over_quota(frameline, cli_actor(role), job_id)
        if frameline.settings.broker_url:
            frameline.worker.wake(job_id)
    if as_json:
        print_json(view.to_json())
        return
    typer.echo(f"{view.job_id} may run past today's quota; it starts on its turn")


def register(app: typer.Typer) -> None:
    """Add these commands to the `frameline` app."""
    app.command("worker")(worker)
    app.add_typer(queue_app, name="queue")
