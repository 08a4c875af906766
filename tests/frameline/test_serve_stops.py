"""`serve` stops on SIGTERM within 10 s, even in the middle of a long screenplay import."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.frameline.test_serve import FRAMELINE, free_port

pytestmark = pytest.mark.slow

WORDS = "Mara walks along the harbour wall as the gulls wheel over the grey water and Tom follows. "


def test_sigterm_stops_serve_within_10_s_during_a_long_import(home: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [FRAMELINE, "serve", "--port", str(port)],
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail("frameline serve did not become ready")
        key = (home / "admin.key").read_text().strip()
        script = "".join(f"INT. HOUSE {n} - DAY\n\n{WORDS * 40}\n\n" for n in range(600))

        def upload() -> None:
            # The server goes away mid-request, as it should.
            with contextlib.suppress(httpx.HTTPError):
                httpx.post(
                    f"{url}/v1/projects/demo/scripts",
                    files={"file": ("long.fountain", script.encode())},
                    headers={"Authorization": f"Bearer {key}"},
                    timeout=120,
                )

        threading.Thread(target=upload, daemon=True).start()
        time.sleep(3)
        assert process.poll() is None
        process.send_signal(signal.SIGTERM)
        started = time.monotonic()
        process.wait(timeout=30)
        assert time.monotonic() - started < 10
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
