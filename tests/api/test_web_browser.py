"""The storyboard page in real headless Chromium against a real `frameline serve`."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
START_SECONDS = 120.0


@dataclass
class Server:
    """A running `frameline serve`: where it answers and the admin key it wrote."""

    url: str
    admin_key: str


def free_port() -> int:
    """A port no one listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(home: Path, tmp_path: Path) -> Iterator[Server]:
    """`frameline serve` on a free port and the test's home, with the demo loaded."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "serve.log"
    command = [str(Path(sys.executable).with_name("frameline")), "serve", "--port", str(port)]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=os.environ)
    try:
        deadline = time.monotonic() + START_SECONDS
        # /healthz answers at once; /readyz once the first start's demo (and its frames) is in.
        while not _answers(url + "/readyz"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"frameline serve did not start:\n{log_path.read_text()}")
            time.sleep(0.3)
        yield Server(url, (home / "admin.key").read_text().strip())
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def render_through_the_api(server: Server, scene: str) -> dict[str, Any]:
    """Queue a render with the admin key and wait on the job's events for the new version."""
    headers = {"Authorization": f"Bearer {server.admin_key}"}
    accepted = httpx.post(
        f"{server.url}/v1/projects/demo/renders", json={"scene": scene}, headers=headers
    )
    assert accepted.status_code == 202, accepted.text
    job_id = accepted.json()["job_id"]
    event = ""
    with httpx.stream(
        "GET", f"{server.url}/v1/jobs/{job_id}/events", headers=headers, timeout=120
    ) as stream:
        for line in stream.iter_lines():
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
            elif line.startswith("data: ") and event == "done":
                job = json.loads(line.removeprefix("data: "))
                assert job["state"] == "done", job["error"]
                return job["result"]["versions"][0]
    pytest.fail(f"job {job_id} ended its events without `done`")


def test_sign_in_open_the_demo_and_approve_a_shot(server: Server) -> None:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium; "
            "run `bash scripts/setup.sh --services`"
        )
    from playwright.sync_api import expect, sync_playwright

    version = render_through_the_api(server, "1")
    outside: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.on(
                "request",
                lambda request: (
                    None
                    if request.url.startswith((server.url, "data:"))
                    else outside.append(request.url)
                ),
            )
            page.goto(server.url + "/")
            expect(page.get_by_text("The demo production")).to_contain_text("SALT LINE")

            page.get_by_label("API key").fill(server.admin_key)
            page.get_by_role("button", name="Sign in").click()
            page.get_by_role("link", name="Open the storyboard of SALT LINE").click()
            expect(page.get_by_role("heading", name="SALT LINE")).to_be_visible()

            panel = page.locator(f"#shot-{version['shot']}")
            image = panel.locator("img")
            expect(image).to_be_visible()
            image.scroll_into_view_if_needed()  # the board's frames load lazily
            # width/height attributes make the <img> visible before its bytes arrive
            expect(image).to_have_js_property("complete", True, timeout=30_000)
            assert image.evaluate("img => img.naturalWidth") == version["width"]
            expect(panel.locator(".pill-status")).to_have_text("draft")

            panel.get_by_role("button", name="Approve").click()
            expect(panel.locator(".pill-status")).to_have_text("approved")
            expect(page.get_by_role("status")).to_contain_text("is approved")

            page.evaluate("window.scrollTo(0, 0)")  # the whole board's head, not just the panel
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "storyboard.png"))
        finally:
            browser.close()
    assert not outside, f"the page loaded from outside the server: {outside}"
