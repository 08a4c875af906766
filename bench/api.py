"""HTTP cost of the API: `frameline serve` over loopback against the same app in-process.

Starts `frameline serve` on a temporary home and a free port, renders a few frames, then times
GET /v1/projects/demo/shots and GET /v1/versions/{id}/image through one keep-alive httpx client,
alternating each request with the same request through FastAPI's TestClient on an app built
in-process on the same home (routing, auth, validation and serialization, no socket and no
uvicorn). The ratio loopback/in-process is what the server and the network stack add. Last,
the latency of job events over SSE: from submitting a render to its first event, its first step
of real progress, and `done`. Run: python bench/api.py [--requests 300] [--renders 10]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient

from frameline.settings import Settings
from frameline.wiring import open_frameline

# Run as a script, this file's folder leads sys.path and its name would hide the `api` package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

FRAMES_BEFORE = 5
WARM_UP = 20
START_TIMEOUT_S = 180.0


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_server(home: Path) -> Iterator[tuple[str, str]]:
    """`frameline serve` on home: its base URL and the admin key it wrote; stopped on exit."""
    port = free_port()
    environment = {
        **{name: value for name, value in os.environ.items() if not name.startswith("FRAMELINE_")},
        "FRAMELINE_HOME": str(home),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
    }
    command = [str(Path(sys.executable).parent / "frameline"), "serve", "--port", str(port)]
    log = (home.parent / "serve.log").open("w")
    server = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base_url, server)
        yield base_url, (home / "admin.key").read_text().strip()
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def wait_until_healthy(base_url: str, server: subprocess.Popen[bytes]) -> None:
    """Wait for /readyz: the first start loads the demo and its embeddings in the background."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"frameline serve exited with {server.returncode}; see serve.log")
        try:
            if httpx.get(f"{base_url}/readyz", timeout=5.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"frameline serve did not answer within {START_TIMEOUT_S:.0f} s")


def render_and_follow(
    client: httpx.Client, scene: str, seed: int
) -> tuple[dict[str, Any], dict[str, float]]:
    """Submit a render and read its events: the version, and ms to first event, step and done."""
    started = time.perf_counter()
    accepted = client.post("/v1/projects/demo/renders", json={"scene": scene, "seed": seed})
    accepted.raise_for_status()
    marks: dict[str, float] = {}
    event = ""
    job: dict[str, Any] = {}
    with client.stream("GET", f"/v1/jobs/{accepted.json()['job_id']}/events") as stream:
        for line in stream.iter_lines():
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
                continue
            if not line.startswith("data: "):
                continue
            elapsed = (time.perf_counter() - started) * 1000.0
            data = json.loads(line.removeprefix("data: "))
            marks.setdefault("first event", elapsed)
            if event == "progress" and data["step"] >= 1:
                marks.setdefault("first step", elapsed)
            if event == "done":
                marks["done"] = elapsed
                job = data
    if job.get("state") != "done":
        raise SystemExit(f"render of scene {scene} did not finish: {job}")
    return job["result"]["versions"][0], marks


def time_pairs(
    calls: dict[str, Callable[[], httpx.Response]], requests: int
) -> dict[str, list[float]]:
    """Latencies in ms of each call, taking turns request by request so noise falls alike."""
    for call in calls.values():
        for _ in range(WARM_UP):
            call().raise_for_status()
    latencies: dict[str, list[float]] = {label: [] for label in calls}
    labels = list(calls)
    for n in range(requests):
        for label in labels[n % 2 :] + labels[: n % 2]:
            started = time.perf_counter()
            response = calls[label]()
            latencies[label].append((time.perf_counter() - started) * 1000.0)
            response.raise_for_status()
    return latencies


def p50_p95(latencies: list[float]) -> tuple[float, float]:
    """The median and 95th percentile of some latencies."""
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return cuts[49], cuts[94]


def main() -> None:
    """Print requests/s and latency of each route both ways, then SSE event latency."""
    from api.main import create_app

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300, help="timed requests per route")
    parser.add_argument("--renders", type=int, default=10, help="renders timed over SSE")
    args = parser.parse_args()
    for name in [name for name in os.environ if name.startswith("FRAMELINE_")]:
        del os.environ[name]  # both sides read the temporary home's defaults, nothing else
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "home"
        with running_server(home) as (base_url, key):
            headers = {"Authorization": f"Bearer {key}"}
            with httpx.Client(base_url=base_url, headers=headers, timeout=60.0) as loopback:
                versions = [
                    render_and_follow(loopback, str(1 + n % 10), n)[0] for n in range(FRAMES_BEFORE)
                ]
                image = f"/v1/versions/{versions[-1]['version_id']}/image"
                # Same home, so the same rows and files; the server keeps the vector store, which
                # these two routes never open, and no job is running when the lifespan starts.
                with (
                    open_frameline(Settings(home=home)) as frameline,
                    # web=True as `serve` builds it: both sides run the same middleware stack.
                    TestClient(create_app(frameline, web=True), headers=headers) as in_process,
                ):
                    rows = []
                    for route in ("/v1/projects/demo/shots", image):
                        latencies = time_pairs(
                            {
                                "loopback": lambda r=route: loopback.get(r),
                                "in-process": lambda r=route: in_process.get(r),
                            },
                            args.requests,
                        )
                        rows.append((route, latencies))
                sse = [
                    render_and_follow(loopback, str(1 + n % 10), 1000 + n)[1]
                    for n in range(args.renders)
                ]
    print_report(rows, sse, args.requests)


def print_report(
    rows: list[tuple[str, dict[str, list[float]]]], sse: list[dict[str, float]], requests: int
) -> None:
    """The tables: one sequential client per side, so requests/s is 1000 / mean latency."""
    print(f"{requests} sequential requests per route and side, keep-alive, after {WARM_UP} warm-up")
    print(f"{'route':<24} {'side':<11} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'ratio':>6}")
    for route, latencies in rows:
        shown = route if route.endswith("/shots") else "/v1/versions/{id}/image"
        in_process = statistics.fmean(latencies["in-process"])
        for side in ("loopback", "in-process"):
            p50, p95 = p50_p95(latencies[side])
            mean = statistics.fmean(latencies[side])
            ratio = mean / in_process
            print(f"{shown:<24} {side:<11} {1000 / mean:7.0f} {p50:7.2f} {p95:7.2f} {ratio:6.2f}")
    print("ratio: mean latency over the in-process mean (loopback/in-process)")
    print(f"\nSSE during a render (previz), {len(sse)} renders, ms from submit:")
    print(f"{'event':<14} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for mark in ("first event", "first step", "done"):
        values = [timing[mark] for timing in sse]
        p50, p95 = p50_p95(values)
        print(f"{mark:<14} {p50:8.1f} {p95:8.1f} {max(values):8.1f}")


if __name__ == "__main__":
    main()
