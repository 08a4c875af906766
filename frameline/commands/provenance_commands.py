"""`provenance verify`: read an image's watermark and Content Credentials back."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from frameline.commands.support import JsonOption, command_group, handles_errors, print_json, wired

provenance_app = command_group(
    help="Marks on frames: the invisible watermark and signed C2PA Content Credentials.",
    no_args_is_help=True,
)


@provenance_app.command("verify")
@handles_errors
def verify(
    file: Annotated[Path, typer.Argument(help="An image: a frame, or a copy of one.")],
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Say whether an image carries Frameline's marks, which version it is and who signed it."""
    from core.errors import InvalidInput, NotFound
    from tools.verification import verify_image

    if not file.exists():
        raise NotFound(f"{file}: no such file")
    if not file.is_file():
        raise InvalidInput(f"{file} is not a file")
    data = file.read_bytes()
    with wired() as frameline:
        result = verify_image(frameline, data, str(file))
    if as_json:
        print_json(result)
        return
    typer.echo(_describe(result))


def _describe(result: dict[str, Any]) -> str:
    lines = []
    credentials, mark = result["c2pa"], result["watermark"]
    if credentials is None:
        lines.append("Content Credentials: none")
    else:
        state = "valid" if credentials["valid"] else "INVALID"
        trust = "" if credentials["trusted"] else " (signer not in a trust list)"
        lines.append(
            f"Content Credentials: {state}, signed by {credentials['signer']}{trust}; "
            f"version {credentials['version_id']}"
        )
    if mark is None:
        lines.append("Watermark: none found")
    elif mark["version_id"]:
        lines.append(f"Watermark: {mark['version_id']} of project {mark['project']}")
    else:
        lines.append(f"Watermark: found; {mark.get('note', 'version unknown here')}")
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    """Add these commands to the `frameline` app."""
    app.add_typer(provenance_app, name="provenance")
