"""`frameline --help` stays instant: nothing heavy is imported before a command needs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = (
    "torch",
    "diffusers",
    "transformers",
    "sentence_transformers",
    "onnxruntime",
    "chromadb",
    "langchain",
    "langchain_core",
    "langgraph",
    "boto3",
    "botocore",
    "dlib",
    "matplotlib",
    "fastapi",
    "uvicorn",
    "slack_bolt",
    "sqlalchemy",
    "numpy",
    "PIL",
)

PROBE = """
import sys
from pathlib import Path
from frameline.cli import run
code = run(sys.argv[1:])
heavy = sorted(name for name in {HEAVY!r} if name in sys.modules)
sys.stderr.write("HEAVY=" + ",".join(heavy) + "\\n")
sys.exit(code)
"""


def imported_by(*args: str) -> list[str]:
    """The heavy modules a `frameline` command line imported, run in a fresh interpreter."""
    probe = PROBE.replace("{HEAVY!r}", repr(HEAVY))
    done = subprocess.run(
        [sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stderr.splitlines() if x.startswith("HEAVY="))
    return [name for name in line.removeprefix("HEAVY=").split(",") if name]


@pytest.mark.parametrize(
    "args",
    [["--help"], ["search", "--help"], ["script", "parse", "--help"], ["render", "--help"]],
)
def test_help_imports_nothing_heavy(args: list[str]) -> None:
    assert imported_by(*args) == []


@pytest.mark.parametrize("args", [["--help"], ["search", "--help"], ["budget", "status", "--help"]])
def test_help_leaves_out_pydantic_and_http(args: list[str]) -> None:
    """Typer's unused group --help once built a pydantic adapter; help needs no HTTP client."""
    probe = (
        "import sys\nfrom frameline.cli import run\nrun(sys.argv[1:])\n"
        "print(sorted(n for n in ('pydantic', 'http.client', 'click') if n in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_script_parse_fast_path_imports_only_the_parser(demo_script) -> None:
    """`script parse` is timed as a whole process: beyond what the interpreter loads anyway,
    it imports no regex engine, JSON package, pathlib, dataclasses, typing or CLI library."""
    avoided = ("re", "json", "pathlib", "dataclasses", "typing", "enum", "typer", "pydantic")
    probe = (
        "import sys\nbefore = set(sys.modules)\n"
        "from frameline.launcher import parse_screenplay\n"
        "code = parse_screenplay(sys.argv[1], True)\n"
        f"sys.stderr.write('ADDED=' + ','.join(sorted(n for n in {avoided!r} "
        "if n in sys.modules and n not in before)) + '\\n')\n"
        "sys.exit(code)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(demo_script)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert '"elements": [' in done.stdout
    assert done.stderr.splitlines()[-1] == "ADDED="


def test_every_command_group_has_help_without_heavy_imports() -> None:
    import typer.main

    from frameline.cli import app

    names = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    probe = "\n".join(f"run([{name!r}, '--help'])" for name in names)
    script = (
        "import sys\nfrom frameline.cli import run\n"
        f"{probe}\n"
        f"print(sorted(n for n in {HEAVY!r} if n in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_script_parse_needs_only_the_parser(demo_script) -> None:
    heavy = imported_by("script", "parse", str(demo_script), "--json")
    assert heavy == []


def test_script_parse_prints_the_same_by_its_short_way(cli, demo_script) -> None:
    frameline = str(Path(sys.executable).with_name("frameline"))
    for extra in (["--json"], []):
        direct = subprocess.run(
            [frameline, "script", "parse", str(demo_script), *extra],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert direct.returncode == 0, direct.stderr
        assert direct.stdout == cli("script", "parse", demo_script, *extra).stdout
    missing = subprocess.run(
        [frameline, "script", "parse", "absent.fountain"], capture_output=True, text=True
    )
    assert missing.returncode == 3 and missing.stdout == ""
    assert missing.stderr.startswith("error: ") and "absent.fountain" in missing.stderr
