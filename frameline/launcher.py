"""The `frameline` executable: `script parse` goes straight to the parser, the rest to the CLI.

Importing the command line (typer, click, every command's options) costs ~0.1 s, several times
what parsing a feature screenplay takes; a person timing our parser against others' should time
the parser. Everything else, help included, is `frameline.cli`'s.
"""

from __future__ import annotations

import sys


def parse_request(args: list[str]) -> tuple[str, bool] | None:
    """The file and --json of a plain `script parse FILE [--json]`, None for any other line."""
    words = [word for word in args if word != "--json"]
    if len(words) != 3 or words[:2] != ["script", "parse"] or words[2].startswith("-"):
        return None
    return words[2], "--json" in args


def parse_screenplay(file: str, as_json: bool) -> int:
    """Print a screenplay's title page and elements as `frameline script parse` does."""
    import json
    import os
    from pathlib import Path

    from core.errors import FramelineError
    from memory.screenplay.reading import read_screenplay

    try:
        screenplay = read_screenplay(Path(file))
    except FramelineError as error:
        if os.environ.get("FRAMELINE_DEBUG", "").strip().lower() in {"1", "true", "yes"}:
            raise
        sys.stderr.write(f"error: {' '.join(error.message.split())}\n")
        return error.exit_code
    if as_json:
        document = screenplay.to_json()
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n")
        return 0
    lines = [f"{key}: {value}" for key, value in screenplay.title_page.items()]
    lines += [f"{element.type:<14} {element.text}" for element in screenplay.elements]
    sys.stdout.write("".join(f"{line}\n" for line in lines))
    return 0


def main() -> None:
    """Entry point of the `frameline` command."""
    request = parse_request(sys.argv[1:])
    if request is not None:
        sys.exit(parse_screenplay(*request))
    from frameline.cli import main as cli_main

    cli_main()
