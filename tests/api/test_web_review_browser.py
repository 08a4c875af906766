"""A director's morning review in real headless Chromium against a real `frameline serve`:
the first start's board, a drawn-box revision, comparing takes, notes, the assistant's memory,
the keyboard, and sign-out. Screenshots go to test-artifacts/ (and one to docs/images/)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image, ImageChops

from tests.api.test_web_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

START_SECONDS = 180.0
BOARD_IMAGE = Path(__file__).resolve().parents[2] / "docs" / "images" / "board.png"


class Served:
    """A running `frameline serve` on a home of its own, and how to make keys for it."""

    def __init__(self, url: str, home: Path) -> None:
        self.url = url
        self.home = home
        self.admin_key = (home / "admin.key").read_text().strip()

    def api(self, method: str, path: str, **options: Any) -> httpx.Response:
        """A call to the API with the admin key."""
        headers = {"Authorization": f"Bearer {self.admin_key}"}
        return httpx.request(method, self.url + path, headers=headers, timeout=60, **options)

    def sign_in_link(self, role: str, name: str) -> str:
        """A one-time sign-in link for a new person, made as an admin makes one."""
        env = {**os.environ, "FRAMELINE_HOME": str(self.home), "FRAMELINE_URL": self.url}
        env["FRAMELINE_API_KEY"] = self.admin_key
        made = subprocess.run(
            [str(Path(sys.executable).with_name("frameline")), "keys", "create"]
            + ["--project", "demo", "--role", role, "--name", name, "--link"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert made.returncode == 0, made.stderr
        key, link = made.stdout.strip().splitlines()
        assert key.startswith("fl_") and link.startswith(self.url + "/signin/")
        return link

    def image(self, version_id: str) -> Image.Image:
        """A version's stored frame, read back through the API."""
        response = self.api("GET", f"/v1/versions/{version_id}/image")
        assert response.status_code == 200
        return Image.open(io.BytesIO(response.content)).convert("RGB")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One server for the module, started as a newcomer starts it: an empty home."""
    home = tmp_path_factory.mktemp("review") / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRAMELINE_")}
    env["FRAMELINE_HOME"] = str(home)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = home.parent / "serve.log"
    command = [str(Path(sys.executable).with_name("frameline")), "serve", "--port", str(port)]
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    try:
        deadline = time.monotonic() + START_SECONDS
        while not _ready(url):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"frameline serve did not get ready:\n{log_path.read_text()}")
            time.sleep(0.5)
        yield Served(url, home)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _ready(url: str) -> bool:
    try:
        return httpx.get(url + "/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Debian's Chromium, driven by Playwright."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash scripts/setup.sh --services`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def shoot(page: Any, name: str) -> Path:
    """A screenshot kept as a test artifact."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def signed_in(chromium: Any, served: Served, role: str, name: str, **options: Any) -> Any:
    """A fresh browser context signed in through a one-time link for a new person."""
    context = chromium.new_context(**{"viewport": {"width": 1400, "height": 900}, **options})
    page = context.new_page()
    page.goto(served.sign_in_link(role, name))
    page.get_by_test_id("signin-link").click()
    page.wait_for_url(served.url + "/")
    return page


def card(page: Any, shot: str) -> Any:
    return page.locator(f'[data-testid="shot-card"][data-shot="{shot}"]')


def test_first_start_shows_a_filled_board(served: Served, chromium: Any) -> None:
    from playwright.sync_api import expect

    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    first = page.goto(served.url + "/")
    assert first is not None and first.status == 200
    assert first.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in first.headers["content-security-policy"]
    assert first.headers["x-content-type-options"] == "nosniff"
    page.get_by_label("API key").fill(served.admin_key)
    page.get_by_role("button", name="Sign in").click()
    page.goto(served.url + "/p/demo")
    cards = page.get_by_test_id("shot-card")
    expect(cards.first.locator("img")).to_be_visible()
    assert cards.count() >= 10
    drawn = page.locator('[data-testid="shot-card"] img')
    assert drawn.count() == cards.count()
    expect(card(page, "1A").get_by_test_id("card-camera")).to_contain_text("wide")
    expect(page.get_by_test_id("who")).to_contain_text("admin")
    for image in page.locator("img").all()[:8]:
        image.scroll_into_view_if_needed()
        expect(image).to_have_js_property("complete", True, timeout=30_000)
        assert image.evaluate("image => image.naturalWidth") > 0, image.get_attribute("src")
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "board")
    BOARD_IMAGE.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(BOARD_IMAGE))
    context.close()


def test_a_drawn_box_revision_changes_only_the_box(served: Served, chromium: Any) -> None:
    from playwright.sync_api import expect

    # A narrow window: the frame is shown smaller than its pixels, so the box must be scaled.
    narrow = {"width": 720, "height": 700}
    page = signed_in(chromium, served, "director", "Ana Ruiz", viewport=narrow)
    page.goto(served.url + "/p/demo")
    shot = card(page, "2A")
    parent = shot.get_attribute("data-version")
    shot.get_by_test_id("revise-open").click()
    canvas = page.get_by_test_id("revise-region-canvas")
    expect(canvas).to_be_visible()
    expect(page.locator("[data-revise-img]")).to_have_js_property("complete", True, timeout=30_000)
    frame = served.api("GET", f"/v1/versions/{parent}").json()
    bounds = canvas.bounding_box()
    assert bounds["width"] < frame["width"] - 50, "the frame should be shown scaled down"
    start = (bounds["x"] + bounds["width"] * 0.25, bounds["y"] + bounds["height"] * 0.3)
    end = (bounds["x"] + bounds["width"] * 0.6, bounds["y"] + bounds["height"] * 0.8)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=8)
    page.mouse.up()
    box = [int(page.locator(f"input[name={n}]").input_value()) for n in ("x0", "y0", "x1", "y1")]
    scale = frame["width"] / bounds["width"]
    assert abs(box[0] - (start[0] - bounds["x"]) * scale) <= 2
    assert abs(box[2] - (end[0] - bounds["x"]) * scale) <= 2
    assert abs(box[3] - (end[1] - bounds["y"]) * frame["height"] / bounds["height"]) <= 2
    page.get_by_test_id("revise-instruction").fill("add a lantern")
    shoot(page, "revise-dialog")
    page.get_by_test_id("revise-submit").click()
    page.wait_for_url(lambda url: "job=" not in url and "/p/demo" in url, timeout=120_000)
    child = card(page, "2A").get_attribute("data-version")
    assert child != parent
    made = served.api("GET", f"/v1/versions/{child}").json()
    assert made["parent_id"] == parent
    before, after = served.image(parent), served.image(child)
    outside = ImageChops.difference(before, after)
    outside.paste((0, 0, 0), tuple(box))
    assert outside.getbbox() is None, "pixels outside the drawn box changed"
    assert ImageChops.difference(before, after).getbbox() is not None
    expect(card(page, "2A")).to_contain_text(f"← {parent}")
    shoot(page, "revised-board")

    card(page, "2A").get_by_test_id("compare-open").click()
    expect(page.get_by_test_id("compare-side")).to_have_count(2)
    expect(page.get_by_test_id("compare-differences")).to_be_visible()
    page.get_by_test_id("compare-slider").fill("30")
    shoot(page, "compare")
    left = page.get_by_test_id("compare-side").first
    assert left.get_attribute("data-version") == parent
    left.get_by_test_id("make-frame").click()
    page.goto(served.url + "/p/demo")
    assert card(page, "2A").get_attribute("data-version") == parent
    page.context.close()


def test_notes_round_trip(served: Served, chromium: Any) -> None:
    from playwright.sync_api import expect

    page = signed_in(chromium, served, "writer", "Sam Okafor")
    page.goto(served.url + "/p/demo/shots/3A")
    page.get_by_test_id("comment-input").fill("@ana.ruiz the marsh needs more fog")
    page.get_by_test_id("comment-submit").click()
    expect(page.get_by_test_id("comment")).to_contain_text("the marsh needs more fog")
    page.reload()
    note = page.get_by_test_id("comment")
    expect(note).to_contain_text("Sam Okafor (writer)")
    version = page.locator(".version-card .version-id").first.inner_text().strip()
    listed = served.api("GET", f"/v1/versions/{version}/comments").json()["items"]
    assert [(n["person"], n["role"], n["text"]) for n in listed] == [
        ("Sam Okafor", "writer", "@ana.ruiz the marsh needs more fog")
    ]
    assert listed[0]["mentions"] == ["Ana Ruiz"]
    shoot(page, "notes")
    page.context.close()


def test_the_chat_keeps_its_history_after_a_reload(served: Served, chromium: Any) -> None:
    from playwright.sync_api import expect

    page = signed_in(chromium, served, "producer", "Lee Park")
    page.goto(served.url + "/p/demo")
    page.get_by_test_id("chat-open").click()
    page.get_by_test_id("chat-input").fill("what happens in scene 3?")
    page.get_by_test_id("chat-send").click()
    expect(page.locator(".msg-label")).to_contain_text("planner", timeout=60_000)
    page.reload()
    if not page.locator("#chat").is_visible():
        page.get_by_test_id("chat-open").click()
    messages = page.get_by_test_id("chat-message")
    expect(messages.first).to_have_text("what happens in scene 3?")
    expect(messages.nth(1)).to_contain_text("SALT MARSH")
    shoot(page, "chat")
    page.context.close()


def test_keyboard_approve_by_role(served: Served, chromium: Any) -> None:
    from playwright.sync_api import expect

    writer = signed_in(chromium, served, "writer", "Kit Moss")
    writer.goto(served.url + "/p/demo")
    writer.keyboard.press("ArrowRight")
    expect(card(writer, "1A")).to_be_focused()
    writer.keyboard.press("a")
    expect(writer.locator(".flash-error")).to_contain_text("may not approve")
    expect(card(writer, "1A").locator(".pill-status")).to_have_text("draft")
    writer.context.close()

    director = signed_in(chromium, served, "director", "Jo Vance")
    director.goto(served.url + "/p/demo")
    director.keyboard.press("ArrowRight")
    director.keyboard.press("ArrowRight")
    expect(card(director, "1B")).to_be_focused()
    director.keyboard.press("a")
    expect(director.get_by_role("status")).to_contain_text("is approved")
    expect(card(director, "1B").locator(".pill-status")).to_have_text("approved")
    director.context.close()


def test_sign_out_ends_the_session_on_the_server(served: Served, chromium: Any) -> None:
    page = signed_in(chromium, served, "director", "Rae Lin")
    saved = page.context.cookies()
    page.goto(served.url + "/p/demo")
    page.get_by_test_id("sign-out").click()
    page.wait_for_url(served.url + "/")
    replay = chromium.new_context()
    replay.add_cookies(saved)
    again = replay.new_page().goto(served.url + "/p/demo")
    assert again is not None and again.status == 401
    page.context.close()
    replay.close()
