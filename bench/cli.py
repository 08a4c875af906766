"""Process wall time of `frameline` commands as a person waits for them, beside their baselines.

Run: .venv/bin/python bench/cli.py [--runs N]. Measured in the same run: `python -c pass` (the
interpreter's floor), `--help`, `script parse` of a feature-length script against the peer
parsers' own command lines (screenplain, jouvence), and `search` and `ask` alone (each process
loads MiniLM) and beside a running `frameline serve` (commands run inside the warm server).
Goals: --help <= 0.3 s; script parse <= 1/3 of the faster peer's process time.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from parse import feature_script  # noqa: E402

BIN = Path(sys.executable).parent
DEMO = Path(__file__).resolve().parents[1] / "frameline" / "demo" / "demo.fountain"


def wall(command: list[str], env: dict[str, str], runs: int) -> float:
    """Median seconds of a whole process, start to exit; a failing command stops the bench."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed: {done.stderr.strip()}")
    return statistics.median(times)


def start_server(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], float]:
    """`frameline serve` on a free port; returns it and the seconds until /readyz said ready."""
    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.perf_counter()
    server = subprocess.Popen(
        [str(BIN / "frameline"), "serve", "--port", str(port), "--no-demo"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200:
                return server, time.perf_counter() - started
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            raise SystemExit("frameline serve stopped before it was ready")
        time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="Runs of each fast command.")
    parser.add_argument("--slow-runs", type=int, default=3, help="Runs of commands alone.")
    options = parser.parse_args()
    fl = str(BIN / "frameline")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        env = {k: v for k, v in os.environ.items() if not k.startswith("FRAMELINE_")}
        env["FRAMELINE_HOME"] = str(root / "home")
        script = root / "feature.fountain"
        script.write_text(feature_script())
        rows: list[tuple[str, float, str, float]] = []
        floor = wall([sys.executable, "-c", "pass"], env, options.runs)
        for args in (["--help"], ["search", "--help"], ["render", "--help"]):
            rows.append(
                (
                    f"frameline {' '.join(args)}",
                    wall([fl, *args], env, options.runs),
                    "python -c pass",
                    floor,
                )
            )
        ours = wall([fl, "script", "parse", str(script), "--json"], env, options.runs)
        peers = {
            "screenplain": wall(
                [str(BIN / "screenplain"), str(script), str(root / "s.html")], env, options.runs
            ),
            "jouvence": wall(
                [str(BIN / "jouvence"), str(script), str(root / "j.html")], env, options.runs
            ),
        }
        faster = min(peers, key=peers.__getitem__)
        rows.append(
            ("frameline script parse (feature)", ours, f"{faster} (process)", peers[faster])
        )
        for name, seconds in peers.items():
            rows.append((f"  {name} (process)", seconds, "python -c pass", floor))

        subprocess.run(
            [fl, "ingest", str(DEMO), "--project", "demo"], env=env, check=True, capture_output=True
        )
        search = [fl, "search", "harbour", "--project", "demo", "--json"]
        ask = [fl, "ask", "find the harbour scene", "--project", "demo", "--json"]
        alone = {
            "search": wall(search, env, options.slow_runs),
            "ask": wall(ask, env, options.slow_runs),
        }
        server, ready = start_server(env)
        try:
            warm = {"search": wall(search, env, options.runs), "ask": wall(ask, env, options.runs)}
        finally:
            server.terminate()
            server.wait(timeout=60)
        for name in ("search", "ask"):
            rows.append(
                (f"frameline {name} beside a server", warm[name], f"{name} alone", alone[name])
            )
        rows.append(("frameline serve until /readyz ready", ready, "python -c pass", floor))

    print(f"{'ours':<40} {'s':>7}   {'baseline':<26} {'s':>7}  ratio")
    for label, seconds, base, base_seconds in rows:
        ratio = seconds / base_seconds if base_seconds else float("nan")
        print(f"{label:<40} {seconds:7.3f}   {base:<26} {base_seconds:7.3f}  {ratio:5.2f}")


if __name__ == "__main__":
    main()
