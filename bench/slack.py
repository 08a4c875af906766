"""Slack ack latency: how fast the bot answers a signed event while a render runs in-process.

Two apps are served by uvicorn in this process, side by side: Frameline's FastAPI app with the
bot at /slack/events, and a bare Bolt app whose app_mention listener only acks (the floor any
Bolt app pays). A thread renders frames without pause the whole time, and each mention also
starts a real agent turn after its ack. Signed app_mention events go to both apps in turn over
HTTP; the time to the HTTP answer is the ack latency Slack sees (goal: p95 ≤ 0.3 s; Slack gives
up at 3 s). Slack's Web API is the fake from tests/fakes.
Run: python bench/slack.py [--events 200] [--interval 0.05]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SECRET = "bench-signing-secret"
CHANNEL, WRITER = "C0BENCH", "U0WRITER"


def free_port() -> int:
    """A port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(app: Any) -> str:
    """Serve an ASGI app with uvicorn in a thread of this process; its URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}"


def bare_bolt_app(api_url: str, token: str) -> Any:
    """A Bolt app over FastAPI whose only listener acks, served as the bot is."""
    from fastapi import FastAPI
    from slack_bolt import Ack, App
    from slack_bolt.adapter.fastapi import SlackRequestHandler
    from slack_sdk import WebClient

    bolt = App(
        client=WebClient(token=token, base_url=api_url),
        signing_secret=SECRET,
        process_before_response=True,
    )

    def acknowledge(ack: Ack) -> None:
        ack()

    bolt.event("app_mention")(acknowledge)
    app = FastAPI()
    app.add_route("/slack/events", SlackRequestHandler(bolt).handle, methods=["POST"])
    return app


def keep_rendering(frameline: Any, stop: threading.Event, renders: list[float]) -> None:
    """Render frames one after another until told to stop (the in-process worker's thread)."""
    from tools.context import Actor
    from tools.jobs import submit_job

    actor = Actor("bench", "admin")
    while not stop.is_set():
        started = time.perf_counter()
        job = submit_job(frameline, actor, "demo", "render", {"scene": "4", "shot": "4Z"})
        frameline.worker.run(job.job_id)
        renders.append(time.perf_counter() - started)


def settle(slack: Any) -> None:
    """Wait until the turns started by the events stopped calling Slack."""
    calls = -1
    while calls != len(slack.calls):
        calls = len(slack.calls)
        time.sleep(1.0)


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values lie."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    """Print p50 and p95 ack latency of both apps and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=200, help="events sent to each app")
    parser.add_argument("--interval", type=float, default=0.05, help="seconds between events")
    args = parser.parse_args()
    import httpx

    from tests.fakes.slack_api import TOKEN, FakeSlack, event_callback, mention, signed_headers

    with tempfile.TemporaryDirectory() as folder, FakeSlack() as slack:
        os.environ.update(
            FRAMELINE_HOME=str(Path(folder) / "home"),
            FRAMELINE_SLACK_BOT_TOKEN=TOKEN,
            FRAMELINE_SLACK_SIGNING_SECRET=SECRET,
            FRAMELINE_SLACK_API_URL=slack.url,
        )
        from api.main import create_app
        from frameline.demo import load_demo
        from frameline.settings import Settings
        from frameline.wiring import open_frameline
        from integrations.slack.http import install_slack
        from integrations.slack.store import add_slack_person, link_channel
        from memory.store import get_project, set_role

        with open_frameline(Settings()) as frameline:
            load_demo(frameline)
            app = create_app(frameline, web=False)
            install_slack(app, frameline)
            with frameline.transaction() as session:
                project = get_project(session, "demo")
                link_channel(session, CHANNEL, project, "bench")
                writer = add_slack_person(session, WRITER, "Wren Writer")
                set_role(session, writer, project, "writer")
            urls = {"frameline": serve(app), "bare bolt": serve(bare_bolt_app(slack.url, TOKEN))}
            stop, renders = threading.Event(), []
            renderer = threading.Thread(target=keep_rendering, args=(frameline, stop, renders))
            renderer.start()
            acks: dict[str, list[float]] = {label: [] for label in urls}
            with httpx.Client(timeout=10) as client:
                for index in range(args.events + 5):
                    for label, url in urls.items():
                        ts = f"{1700000000 + index}.{len(acks[label]):06d}"
                        event = mention(WRITER, CHANNEL, "who is Mara", ts)
                        body = event_callback(event, f"Ev{label[0]}{index:08d}")
                        headers = {"Content-Type": "application/json"}
                        headers.update(signed_headers(body, SECRET))
                        started = time.perf_counter()
                        answer = client.post(f"{url}/slack/events", content=body, headers=headers)
                        took = time.perf_counter() - started
                        assert answer.status_code == 200, (label, answer.status_code, answer.text)
                        if index >= 5:  # the first events warm imports and connections
                            acks[label].append(took)
                        time.sleep(args.interval)
            stop.set()
            renderer.join()
            settle(slack)
    print(
        f"{args.events} signed app_mention events per app, {args.interval}s apart, "
        f"while {len(renders)} previz renders ran in the same process "
        f"(median {statistics.median(renders) * 1000:.0f} ms each)"
    )
    for label, values in acks.items():
        p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
        print(f"{label:>10}: ack p50 {p50 * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms")
    ours, bare = acks["frameline"], acks["bare bolt"]
    print(
        f"ratio frameline / bare bolt: p50 {percentile(ours, 0.5) / percentile(bare, 0.5):.2f}, "
        f"p95 {percentile(ours, 0.95) / percentile(bare, 0.95):.2f} "
        f"(goal: frameline p95 ≤ 300 ms)"
    )


if __name__ == "__main__":
    main()
