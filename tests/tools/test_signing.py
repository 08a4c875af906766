"""C2PA Content Credentials on frames, signed with a studio certificate made for the test."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.errors import BackendUnavailable, NotFound
from tools.context import Actor
from tools.frames import list_versions, render_frame

pytestmark = pytest.mark.slow

ADMIN = Actor("local", "admin")


def studio_certificate(folder: Path) -> tuple[Path, Path]:
    """A CA and a leaf signing certificate (ES256) as a studio's PKI would issue them."""
    from tools.signing import make_signing_chain

    return make_signing_chain(folder, "Test Studio", "Studio CA", days=30)


def test_frames_carry_signed_credentials_when_a_certificate_is_configured(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from frameline.demo import load_demo
    from frameline.settings import Settings
    from frameline.wiring import open_frameline
    from tools.signing import read_credentials

    monkeypatch.setenv("FRAMELINE_WATERMARK", "0")  # signing alone must not touch the pixels
    monkeypatch.setenv("FRAMELINE_C2PA", "0")
    with open_frameline(Settings()) as frameline:
        load_demo(frameline)
        [plain] = render_frame(frameline, ADMIN, "demo", "3", seed=4)
    monkeypatch.setenv("FRAMELINE_C2PA", "1")
    chain, key = studio_certificate(tmp_path)
    monkeypatch.setenv("FRAMELINE_C2PA_CERT", str(chain))
    monkeypatch.setenv("FRAMELINE_C2PA_KEY", str(key))
    with open_frameline(Settings()) as frameline:
        [signed] = render_frame(frameline, ADMIN, "demo", "3", shot=plain.shot, seed=4)
    data = Path(signed.image_path).read_bytes()
    store = read_credentials(data)
    assert store is not None
    manifest = store["manifests"][store["active_manifest"]]
    labels = {assertion["label"].removesuffix(".v2") for assertion in manifest["assertions"]}
    assert {"c2pa.actions", "cawg.training-mining", "org.frameline.provenance"} <= labels
    problems = {status["code"] for status in store.get("validation_status", [])}
    assert problems <= {"signingCredential.untrusted"}  # a private CA is not a public trust root
    image = Image.open(Path(signed.image_path))
    assert json.loads(image.text["frameline"])["seed"] == 4
    assert np.array_equal(
        np.asarray(image.convert("RGB")), np.asarray(Image.open(plain.image_path).convert("RGB"))
    )


def test_a_key_that_does_not_match_makes_no_version(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from frameline.demo import load_demo
    from frameline.settings import Settings
    from frameline.wiring import open_frameline

    chain, _ = studio_certificate(tmp_path / "a" if (tmp_path / "a").mkdir() is None else tmp_path)
    _, other_key = studio_certificate(
        tmp_path / "b" if (tmp_path / "b").mkdir() is None else tmp_path
    )
    monkeypatch.setenv("FRAMELINE_C2PA_CERT", str(chain))
    monkeypatch.setenv("FRAMELINE_C2PA_KEY", str(other_key))
    with open_frameline(Settings()) as frameline:
        load_demo(frameline)
        with pytest.raises(BackendUnavailable, match="chain.pem"):
            render_frame(frameline, ADMIN, "demo", "3", shot="3A", seed=4)
        with pytest.raises(NotFound, match="no shot"):
            list_versions(frameline, ADMIN, "demo", "3A")
