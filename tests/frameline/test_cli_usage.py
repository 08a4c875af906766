"""A command line that cannot be taken is a usage error (exit 2, usage in the one stderr line),
never an "internal error"."""

from __future__ import annotations

from pathlib import Path

import pytest

from frameline.cli import run


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["render"], "Missing option '--project'"),
        (["render", "--project", "demo", "--scene", "1", "--count", "abc"], "--count"),
        (["--bogus"], "No such option: --bogus"),
        (["nosuchcommand"], "No such command 'nosuchcommand'"),
        (["render", "--scene"], "requires an argument"),
    ],
)
def test_usage_errors_exit_2_with_a_usage_message(
    home: Path, capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    assert run(args) == 2
    out, err = capsys.readouterr()
    assert out == ""
    [line] = err.splitlines()
    assert line.startswith("error: ") and words in line
    assert "internal error" not in line


def test_a_missing_option_names_the_commands_usage(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["render"]) == 2
    assert "Usage: frameline render [OPTIONS]" in capsys.readouterr().err
