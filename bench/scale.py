"""Jobs through Celery workers on Redis and Postgres: throughput, queue overhead, fairness.

Starts its own redis-server, PostgreSQL and `frameline worker` processes (CPU, no GPU needed):
1. jobs per second through 1, 2 and 4 workers, and the scaling ratio against one worker;
2. seconds per job through one Celery worker against the in-process worker (the queue's cost);
3. how long one person's single job waits behind another person's batch of 40, beside the
   first-in-first-out wait measured on the same worker (a 41st job of the batch's own person).
The default pipeline is previz, the CPU stand-in; --pipeline tiny-sd uses the tiny random-weight
diffusers model (minutes on a small CPU). Needs the services: bash scripts/setup.sh --services.
Run: python bench/scale.py [--jobs 24] [--batch 40] [--pipeline previz|tiny-sd] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

WORKER_COUNTS = (1, 2, 4)


@contextmanager
def workers(count: int, folder: Path, env: dict[str, str]) -> Iterator[None]:
    """`count` worker processes on the bench's settings, ready when this enters."""
    from redis import Redis

    from tests.services import worker_command, worker_env
    from tools.celery_jobs import live_workers

    started = []
    for n in range(count):
        log = (folder / f"worker{n}.log").open("wb")
        started.append(
            subprocess.Popen(
                worker_command("worker", "--name", f"bench{n}@bench", "--loglevel", "warning"),
                stdout=log,
                stderr=subprocess.STDOUT,
                env=worker_env(env),
                start_new_session=True,
            )
        )
    client = Redis.from_url(env["FRAMELINE_BROKER_URL"])
    try:
        deadline = time.monotonic() + 120
        while len(live_workers(client)) < count:
            if time.monotonic() > deadline or any(p.poll() is not None for p in started):
                raise SystemExit(f"workers did not start; see {folder}")
            time.sleep(0.1)
        yield
    finally:
        client.close()
        for process in started:
            os.killpg(process.pid, signal.SIGTERM)
        for process in started:
            process.wait(timeout=60)


def run_batch(studio: Any, people: list[str], jobs: int, request: dict[str, Any]) -> float:
    """Submit `jobs` renders round the people, wait for all; seconds from first submit to end."""
    from tools.context import Actor
    from tools.jobs import submit_job

    began = time.perf_counter()
    futures = []
    for n in range(jobs):
        actor = Actor(people[n % len(people)], "writer")
        job = submit_job(studio, actor, "demo", "render", {**request, "seed": n})
        futures.append(studio.worker.enqueue(job.job_id))
    for future in futures:
        assert future.result(timeout=3600).state == "done"
    return time.perf_counter() - began


def per_job_seconds(studio: Any, jobs: int, request: dict[str, Any]) -> float:
    """Median seconds of one job submitted and waited for, one after another."""
    from tools.context import Actor
    from tools.jobs import submit_job

    times = []
    for n in range(jobs):
        began = time.perf_counter()
        job = submit_job(studio, Actor("bench", "writer"), "demo", "render", {**request, "seed": n})
        assert studio.worker.run(job.job_id).state == "done"
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def wait_behind_batch(
    studio: Any, batch: int, request: dict[str, Any], other: str = "ben"
) -> dict[str, float]:
    """Person A queues a batch, then `other` one job: how long it waits, against A's batch.

    With `other` = "ana" the last job is A's own, which no fairness lets ahead: that is the
    first-in-first-out wait, measured on the same workers.
    """
    from tools.context import Actor
    from tools.jobs import get_job, submit_job

    began = time.perf_counter()
    anas = []
    for n in range(batch):
        job = submit_job(studio, Actor("ana", "writer"), "demo", "render", {**request, "seed": n})
        anas.append(studio.worker.enqueue(job.job_id))
    ben = submit_job(studio, Actor(other, "writer"), "demo", "render", {**request, "seed": 99})
    submitted = time.perf_counter()
    done = studio.worker.enqueue(ben.job_id).result(timeout=3600)
    finished = time.perf_counter() - submitted
    for future in anas:
        future.result(timeout=3600)
    view = get_job(studio, ben.job_id)
    waited = datetime.fromisoformat(view.started_at or "") - datetime.fromisoformat(view.created_at)
    assert done.state == "done"
    return {
        "single_job_wait_s": round(waited.total_seconds(), 3),
        "single_job_done_after_s": round(finished, 3),
        "batch_done_after_s": round(time.perf_counter() - began, 3),
    }


def main() -> None:
    """Print the three measurements (as one JSON document with --json)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=24, help="jobs per throughput run")
    parser.add_argument("--batch", type=int, default=40, help="the other person's batch")
    parser.add_argument("--overhead-jobs", type=int, default=10)
    parser.add_argument("--pipeline", choices=("previz", "tiny-sd"), default="previz")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    from frameline.commands.support import quiet_libraries
    from frameline.demo import load_demo
    from frameline.settings import Settings
    from frameline.wiring import open_frameline
    from tests.services import postgres_server, redis_server
    from tools.context import Actor
    from tools.jobs import submit_job

    quiet_libraries()
    results: dict[str, Any] = {"pipeline": args.pipeline, "cpus": os.cpu_count()}
    with (
        tempfile.TemporaryDirectory() as folder,
        redis_server() as redis_url,
        postgres_server() as postgres,
    ):
        root = Path(folder)
        env = {
            "FRAMELINE_HOME": str(root / "home"),
            "FRAMELINE_DATABASE_URL": postgres.create_database("bench_demo"),
            "FRAMELINE_WORKER_LOST_AFTER": "10",
            "FRAMELINE_MAX_JOBS_PER_PERSON": "8",
            "FRAMELINE_MAX_JOBS_PER_PROJECT": "8",
        }
        # Takes of one existing shot: concurrent renders of *new* shots of one scene would race
        # for the same next free code.
        request: dict[str, Any] = {"scene": "3", "shot": "3A"}
        if args.pipeline == "tiny-sd":
            from tests.fakes.tiny_pipeline import build_tiny_sd_model

            model = build_tiny_sd_model(root / "tiny-sd")
            env |= {
                "FRAMELINE_IMAGE_BACKEND": "diffusers",
                "FRAMELINE_DIFFUSERS_MODEL": str(model),
                "FRAMELINE_DEVICE": "cpu",
            }
            request |= {"width": 64, "height": 64}
        os.environ.update(env)
        with open_frameline(Settings()) as frameline:
            load_demo(frameline)
            job = submit_job(frameline, Actor("bench", "admin"), "demo", "render", request)
            assert frameline.worker.run(job.job_id).state == "done"  # makes shot 3A
        # Every run starts from a copy of the loaded demo, so each one sees the same records.
        os.environ["FRAMELINE_DATABASE_URL"] = postgres.create_database(
            "bench_inproc", template="bench_demo"
        )
        with open_frameline(Settings()) as studio:
            per_job_seconds(studio, 2, request)  # warm-up
            inproc = per_job_seconds(studio, args.overhead_jobs, request)

        throughput = {}
        for count in WORKER_COUNTS:
            run_env = env | {
                "FRAMELINE_DATABASE_URL": postgres.create_database(
                    f"bench_w{count}", template="bench_demo"
                ),
                "FRAMELINE_BROKER_URL": f"{redis_url}/{count}",
            }
            with workers(count, root, run_env):
                os.environ.update(run_env)
                with open_frameline(Settings()) as studio:
                    run_batch(studio, ["warm"], count, request)
                    seconds = run_batch(studio, ["ana", "ben", "cy", "dee"], args.jobs, request)
                    throughput[count] = args.jobs / seconds
                    if count == 1:
                        celery_job = per_job_seconds(studio, args.overhead_jobs, request)
                        results["fairness"] = wait_behind_batch(studio, args.batch, request)
                        fifo = wait_behind_batch(studio, args.batch, request, other="ana")
        results["jobs_per_second"] = {str(n): round(v, 3) for n, v in throughput.items()}
        results["scaling_vs_1_worker"] = {
            str(n): round(v / throughput[1], 2) for n, v in throughput.items()
        }
        results["seconds_per_job"] = {
            "in_process": round(inproc, 4),
            "celery": round(celery_job, 4),
        }
        results["queue_overhead_ratio"] = round(celery_job / inproc, 2)
        results["queue_overhead_ms"] = round((celery_job - inproc) * 1000, 1)
        results["fairness"]["batch_jobs"] = args.batch
        results["fairness"]["first_in_first_out_wait_s"] = fifo["single_job_wait_s"]
        results["fairness"]["wait_vs_first_in_first_out"] = round(
            results["fairness"]["single_job_wait_s"] / max(fifo["single_job_wait_s"], 1e-9), 3
        )
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for key, value in results.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
