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
    from core.errors import FramelineError
    from frameline.console import debug_enabled, error_line
    from frameline.script_listing import script_listing
    from memory.screenplay.reading import read_screenplay

    try:
        screenplay = read_screenplay(file)
    except FramelineError as error:
        if debug_enabled():
            raise
        return error_line(error.message, error.exit_code)
    sys.stdout.write(script_listing(screenplay, as_json))
    return 0


def main() -> None:
    """Entry point of the `frameline` command."""
    request = parse_request(sys.argv[1:])
    if request is not None:
        sys.exit(parse_screenplay(*request))
    from frameline.cli import main as cli_main

    cli_main()
