"""`budget` (status, ledger, imports, reversals, estimates), for producers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

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

budget_app = command_group(
    help="Budget and cost ledger: status against the budget, entries, imports.",
    no_args_is_help=True,
)

ProjectOption = typer.Option("--project", help="Project slug.")


def _read(path: Path) -> bytes:
    """The file's bytes, or one line naming the file that cannot be read."""
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    return path.read_bytes()


@budget_app.command("status")
@handles_errors
def status(
    project: Annotated[str, ProjectOption],
    account: Annotated[str | None, typer.Option("--account", help="One account only.")] = None,
    scene: Annotated[
        str | None, typer.Option("--scene", help="One scene's spend and share of the budget.")
    ] = None,
    role: Annotated[str, RoleOption] = "admin",
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Budget, actual, committed, forecast and variance per account, from the ledger."""
    from tools.budget import budget_status

    with wired() as frameline:
        document = budget_status(frameline, cli_actor(role), project, account, scene)
    if as_json:
        print_json(document)
        return
    from tools.money_display import display_money

    def shown(value: str) -> str:
        return display_money(value, document["currency"], code=False)

    print_table(
        [
            (
                a["account"],
                a["name"][:34],
                shown(a["budget"]),
                shown(a["actual"]),
                shown(a["committed"]),
                shown(a["estimate_to_complete"]),
                shown(a["estimate_at_completion"]),
                shown(a["variance"]),
                f"{a['variance_pct']}%" if a["variance_pct"] is not None else "",
            )
            for a in document["accounts"]
        ],
        ["account", "name", "budget", "actual", "committed", "to complete", "at completion"]
        + ["variance", "%"],
    )
    typer.echo(f"\nledger total {display_money(document['ledger_total'], document['currency'])}")
    typer.echo(f"forecast: {document['forecast_method']}")


@budget_app.command("ledger")
@handles_errors
def ledger(
    project: Annotated[str, ProjectOption],
    shot: Annotated[str | None, typer.Option("--shot", help="One shot's entries.")] = None,
    role: Annotated[str, RoleOption] = "admin",
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """The ledger's entries, oldest first."""
    from tools.budget import ledger_entries

    with wired() as frameline:
        entries = ledger_entries(frameline, cli_actor(role), project, shot)
        currency = frameline.settings.currency
    if as_json:
        print_json(entries)
        return
    from tools.money_display import display_money

    print_table(
        [
            (
                e["entry_id"],
                e["at"][:19],
                e["kind"],
                e["shot"] or "",
                e["version_id"] or "",
                e["person"],
                e["account"],
                f"{e['quantity']} {e['unit']}",
                e["rate"],
                display_money(e["amount"], currency, code=False),
            )
            for e in entries
        ],
        ["id", "at", "kind", "shot", "version", "person", "account", "quantity", "rate", "amount"],
    )


@budget_app.command("import")
@handles_errors
def import_budget_command(
    file: Annotated[Path, typer.Argument(help="CSV with columns account,name,category,budget.")],
    project: Annotated[str, ProjectOption],
    role: Annotated[str, RoleOption] = "admin",
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Replace the project's budget with a CSV's lines (all or nothing)."""
    from tools.budget import import_budget

    data = _read(file)
    with wired() as frameline:
        report = import_budget(frameline, cli_actor(role), project, data, file.name)
        currency = frameline.settings.currency
    from tools.money_display import display_money

    total = display_money(report["total"], currency)
    _print_report(report, as_json, f"{report['accounts']} accounts, total {total}")


@budget_app.command("import-costs")
@handles_errors
def import_costs_command(
    file: Annotated[
        Path, typer.Argument(help="CSV with columns account,kind,amount[,description][,date].")
    ],
    project: Annotated[str, ProjectOption],
    role: Annotated[str, RoleOption] = "admin",
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Replace the actuals and commitments booked outside Frameline with a CSV's."""
    from tools.budget import import_costs

    data = _read(file)
    with wired() as frameline:
        report = import_costs(frameline, cli_actor(role), project, data, file.name)
        currency = frameline.settings.currency
    from tools.money_display import display_money

    actual, committed = (display_money(report[k], currency) for k in ("actual", "committed"))
    summary = f"{report['lines']} lines: actual {actual}, committed {committed}"
    _print_report(report, as_json, summary)


@budget_app.command("reverse")
@handles_errors
def reverse(
    entry_id: Annotated[int, typer.Argument(help="The ledger entry to cancel.")],
    project: Annotated[str, ProjectOption],
    reason: Annotated[str, typer.Option("--reason", help="Why it is reversed.")],
    role: Annotated[str, RoleOption] = "admin",
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Cancel a ledger entry with a reversing entry (entries are never edited)."""
    from tools.budget import reverse_ledger_entry

    with wired() as frameline:
        entry = reverse_ledger_entry(frameline, cli_actor(role), project, entry_id, reason)
    _print_report(entry, as_json, f"entry {entry['entry_id']} reverses {entry_id}")


@budget_app.command("spend-account")
@handles_errors
def spend_account(
    account: Annotated[str, typer.Argument(help="The budget account Frameline's spend goes to.")],
    project: Annotated[str, ProjectOption],
    role: Annotated[str, RoleOption] = "admin",
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Charge the project's future renders and model calls to another account."""
    from tools.budget import set_spend_account

    with wired() as frameline:
        report = set_spend_account(frameline, cli_actor(role), project, account)
    _print_report(report, as_json, f"spend goes to account {report['spend_account']}")


@budget_app.command("estimate")
@handles_errors
def estimate(
    project: Annotated[str, ProjectOption],
    count: Annotated[int, typer.Option("--count", help="How many frames.")] = 1,
    width: Annotated[int, typer.Option("--width", help="Frame width in px.")] = 768,
    height: Annotated[int, typer.Option("--height", help="Frame height in px.")] = 432,
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """What rendering frames would cost with the configured backend, and whether it fits."""
    from tools.budget import estimate_render_cost, money, would_exceed_budget
    from tools.money_display import display_money

    with wired() as frameline:
        cost = estimate_render_cost(frameline, project, count, width, height)
        over = would_exceed_budget(frameline, project, cost)
        currency = frameline.settings.currency
    report = {
        "project": project,
        "currency": currency,
        "estimate": money(cost),
        "would_exceed_budget": over,
    }
    line = f"about {display_money(cost, currency)}"
    _print_report(report, as_json, f"{line} (over budget)" if over else line)


@budget_app.command("history")
@handles_errors
def history(
    project: Annotated[str, ProjectOption],
    kind: Annotated[
        str | None, typer.Option("--kind", help="Only `budget` or only `costs` imports.")
    ] = None,
    revision: Annotated[
        int | None, typer.Option("--revision", help="Show this revision's lines (needs --kind).")
    ] = None,
    role: Annotated[str, RoleOption] = "admin",
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Every budget and cost import as a revision, newest first; earlier ones stay readable."""
    from tools.budget import budget_history, budget_revision

    with wired() as frameline:
        if revision is not None:
            if kind is None:
                raise InvalidInput("--revision needs --kind budget or --kind costs")
            shown = budget_revision(frameline, cli_actor(role), project, kind, revision)
            if as_json:
                print_json(shown)
                return
            typer.echo(f"{kind} revision {revision}: {shown['filename']}, total {shown['total']}")
            headers = list(shown["lines"][0]) if shown["lines"] else []
            print_table([[line[h] for h in headers] for line in shown["lines"]], headers)
            return
        items = budget_history(frameline, cli_actor(role), project, kind)
    if as_json:
        print_json(items)
        return
    columns = ["kind", "revision", "filename", "lines", "total", "imported_by", "imported_at"]
    print_table([[item[c] for c in columns] for item in items], columns)


def _print_report(report: dict[str, Any], as_json: bool, line: str) -> None:
    if as_json:
        print_json(report)
        return
    typer.echo(line)
    for note in report.get("notes", []):
        typer.echo(f"note: {note}")


def register(app: typer.Typer) -> None:
    """Add `budget …` to the `frameline` app."""
    app.add_typer(budget_app, name="budget")
