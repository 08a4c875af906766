"""`continuity` and `characters add-reference`: faces, looks, light and facts, checked per frame."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from core.errors import InvalidInput, NotFound
from frameline.commands.support import (
    JsonOption,
    RoleOption,
    cli_actor,
    command_group,
    handles_errors,
    print_json,
    wired,
)

continuity_app = command_group(
    help="Continuity: identity, wardrobe, time of day and script facts.", no_args_is_help=True
)

ProjectOption = typer.Option("--project", help="Project slug.")
FORMATS = ("md", "json", "pdf")


@continuity_app.command("compare-face")
@handles_errors
def compare_face_command(
    reference: Annotated[Path, typer.Argument(help="Image of the actor's face.")],
    frame: Annotated[Path, typer.Argument(help="Frame to look for them in.")],
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Find the faces in FRAME and compare each with the largest face in REFERENCE."""
    from frameline.settings import Settings
    from tools.continuity.faces import compare_face

    comparison = compare_face(reference, frame, threshold=Settings().face_threshold)
    if as_json:
        print_json(comparison.to_json())
        return
    if not comparison.faces:
        typer.echo(f"no face found in {frame}")
    for match in comparison.faces:
        verdict = "same person" if match.same_person else "different person"
        box = ",".join(str(v) for v in match.box)
        typer.echo(f"{box}  distance {match.distance:.3f}  {verdict}")


@continuity_app.command("check")
@handles_errors
def check_command(
    version_id: Annotated[str, typer.Argument(help="The version, like v12.")],
    box: Annotated[
        list[str] | None,
        typer.Option("--box", help="NAME=X0,Y0,X1,Y1: a character's wardrobe (repeatable)."),
    ] = None,
    role: Annotated[str, RoleOption] = "admin",
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Run (again) the continuity check of a version and store the result with it."""
    from tools.continuity.check import run_check

    boxes = dict(_named_box(text) for text in box or [])
    with wired() as frameline:
        report = run_check(frameline, cli_actor(role), version_id, boxes or None)
    if as_json:
        print_json(report)
        return
    _print_check(report)


@continuity_app.command("report")
@handles_errors
def report_command(
    project: Annotated[str, ProjectOption],
    scene: Annotated[str | None, typer.Option("--scene", help="Only this scene.")] = None,
    output_format: Annotated[str, typer.Option("--format", help="md, json or pdf.")] = "md",
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file.")] = None,
    role: Annotated[str, RoleOption] = "admin",
) -> None:
    """Per scene and shot: identity, look, time of day, facts and open items."""
    from tools.continuity.report import continuity_report, render_markdown

    if output_format not in FORMATS:
        raise InvalidInput(f"unknown format {output_format!r}; formats are {', '.join(FORMATS)}")
    if output_format == "pdf":
        if out is None:
            raise InvalidInput("a pdf report needs --out PATH")
        from tools.exports.continuity_pdf import write_continuity_pdf

        with wired() as frameline:
            written = write_continuity_pdf(frameline, cli_actor(role), project, out, scene)
        typer.echo(written["path"])
        return
    with wired() as frameline:
        report = continuity_report(frameline, cli_actor(role), project, scene)
    if output_format == "json":
        import json

        text = json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n"
    else:
        text = render_markdown(report)
    if out is None:
        sys.stdout.write(text)
        return
    _write(out, text)
    typer.echo(str(out))


@continuity_app.command("confirm")
@handles_errors
def confirm_command(
    version_id: Annotated[str, typer.Argument(help="The version, like v12.")],
    item: Annotated[str, typer.Argument(help="The item id its check lists, like f3.")],
    note: Annotated[str, typer.Option("--note", help="What you saw.")] = "",
    role: Annotated[str, RoleOption] = "admin",
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Confirm by eye an item the check could not verify itself."""
    from tools.continuity.check import confirm_item

    with wired() as frameline:
        report = confirm_item(frameline, cli_actor(role), version_id, item, note)
    if as_json:
        print_json(report)
        return
    typer.echo(f"{version_id} {item} confirmed; {len(report['open_items'])} item(s) still open")


@continuity_app.command("consistency")
@handles_errors
def consistency_command(
    subject: Annotated[str, typer.Argument(help="A character or prop, like MARA.")],
    project: Annotated[str, ProjectOption],
    scene: Annotated[str, typer.Option("--scene", help="Scene number.")],
    role: Annotated[str, RoleOption] = "admin",
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Is SUBJECT consistent in a scene? The answer with its evidence, shot by shot."""
    from tools.continuity.report import consistency

    with wired() as frameline:
        answer = consistency(frameline, cli_actor(role), project, scene, subject)
    if as_json:
        print_json(answer)
        return
    typer.echo(f"{answer['answer']}: {answer['text']}")


@handles_errors
def add_reference_command(
    name: Annotated[str, typer.Argument(help="The character's name or an alias.")],
    image: Annotated[Path, typer.Argument(help="A photo of the actor's face.")],
    project: Annotated[str, ProjectOption],
    box: Annotated[
        str | None, typer.Option("--box", help="X0,Y0,X1,Y1: which face, when there are several.")
    ] = None,
    role: Annotated[str, RoleOption] = "admin",
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Add a reference image of a character's face (one face, or --box to pick one)."""
    from tools.continuity.references import add_reference
    from tools.revisions import parse_box

    chosen = list(parse_box(box)) if box is not None else None
    content = _read(image)
    with wired() as frameline:
        row = add_reference(frameline, cli_actor(role), project, name, content, str(image), chosen)
    if as_json:
        print_json(row)
        return
    face = ",".join(str(v) for v in row["box"])
    typer.echo(f"{row['character']}: reference {row['reference_id']} (face at {face})")


def _named_box(text: str) -> tuple[str, list[int]]:
    """`NAME=X0,Y0,X1,Y1` as given to --box."""
    from tools.revisions import parse_box

    name, equals, numbers = text.partition("=")
    if not equals or not name.strip():
        raise InvalidInput(f"--box {text!r} must look like MARA=X0,Y0,X1,Y1")
    return name.strip(), list(parse_box(numbers))


def _read(path: Path) -> bytes:
    """The file's bytes, with errors that name it."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InvalidInput(f"{path}: is a folder, not an image") from None
    except OSError as error:
        raise InvalidInput(f"{path}: cannot be read ({error.strerror})") from None


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise InvalidInput(f"{path}: cannot be written ({error.strerror})") from None


def _print_check(report: dict[str, Any]) -> None:
    typer.echo(f"{report['version_id']}  continuity {report['result'].replace('_', ' ')}")
    from tools.continuity.check import PARTS, describe

    for label, part in PARTS:
        typer.echo(describe(label, report[part]))
    for item in report["open_items"]:
        typer.echo(f"[ ] {item['item_id']}: {item['text']}")
    for item in report["confirmed_items"]:
        typer.echo(f"[x] {item['item_id']}: {item['text']}")


def register(app: typer.Typer) -> None:
    """Add `continuity` to the app and `add-reference` to the `characters` group."""
    from frameline.commands.cast import characters_app

    app.add_typer(continuity_app, name="continuity")
    characters_app.command("add-reference")(add_reference_command)
