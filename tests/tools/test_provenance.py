"""Every frame carries two marks by default; both read back, from ours and from altered copies."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.errors import InvalidInput
from tools.context import Actor
from tools.frames import render_frame
from tools.revisions import revise_frame
from tools.verification import verify_image

pytestmark = pytest.mark.slow

ADMIN = Actor("local", "admin")


def pixels(path: str | Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB"))


def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def altered_copies(path: str) -> dict[str, bytes]:
    """The frame after the trips a frame takes through review tools and chat apps."""
    image = Image.open(path).convert("RGB")
    width, height = image.size
    return {
        "jpeg q80": encoded(image, "JPEG", quality=80),
        "resized to 50 %": encoded(image.resize((width // 2, height // 2)), "PNG"),
        "cropped by 10 %": encoded(
            image.crop((int(width * 0.05), int(height * 0.05), int(width * 0.95), height)), "PNG"
        ),
        "cropped at a corner": encoded(
            image.crop((0, 0, int(width * 0.9), int(height * 0.9))), "PNG"
        ),
    }


def test_a_default_frame_carries_both_layers(studio) -> None:
    [version] = render_frame(studio, ADMIN, "demo", "3", seed=4)
    data = Path(version.image_path).read_bytes()
    result = verify_image(studio, data, "frame.png")
    credentials = result["c2pa"]
    assert credentials["valid"] is True and credentials["trusted"] is False
    assert credentials["problems"] == ["signingCredential.untrusted"]  # self-signed, documented
    assert credentials["version_id"] == version.version_id
    labels = {label.removesuffix(".v2") for label in credentials["assertions"]}
    assert {"c2pa.actions", "cawg.training-mining", "org.frameline.provenance"} <= labels
    assert result["watermark"]["found"] is True
    assert result["watermark"]["version_id"] == version.version_id
    assert result["watermark"]["project"] == "demo"
    key = studio.settings.home / "c2pa" / "signer.key"
    assert key.stat().st_mode & 0o777 == 0o600


def test_the_watermark_survives_re_encoding_resizing_and_cropping(studio) -> None:
    [version] = render_frame(studio, ADMIN, "demo", "7", seed=2)
    for change, data in altered_copies(version.image_path).items():
        result = verify_image(studio, data, change)
        assert result["c2pa"] is None, change  # re-encoding strips the credentials …
        mark = result["watermark"]
        assert mark is not None, change  # … the watermark stays
        assert (mark["version_id"], mark["project"]) == (version.version_id, "demo"), change


def test_the_mark_is_invisible_and_the_drawing_unchanged(studio, monkeypatch) -> None:
    from frameline.settings import Settings
    from frameline.wiring import open_frameline

    [marked] = render_frame(studio, ADMIN, "demo", "4", seed=5)
    monkeypatch.setenv("FRAMELINE_WATERMARK", "0")
    with open_frameline(Settings()) as plain_studio:
        [plain] = render_frame(plain_studio, ADMIN, "demo", "4", shot=marked.shot, seed=5)
    difference = pixels(marked.image_path).astype(float) - pixels(plain.image_path)
    psnr = 10 * np.log10(255**2 / np.mean(difference**2))
    assert psnr > 40, psnr


def test_a_frame_of_another_project_is_identified_and_hidden_from_its_keys(studio) -> None:
    from memory.store import get_or_create_project

    with studio.transaction() as session:
        get_or_create_project(session, "other", "Other")
    [ours] = render_frame(studio, ADMIN, "demo", "3", seed=1)
    data = Path(ours.image_path).read_bytes()
    assert verify_image(studio, data, "f.png")["watermark"]["project"] == "demo"
    hidden = verify_image(studio, data, "f.png", visible={"other"})["watermark"]
    assert hidden["found"] is True and hidden["version_id"] is None and hidden["project"] is None


def test_images_without_marks_answer_nulls(studio) -> None:
    from skimage import data as samples

    photo = encoded(Image.fromarray(samples.astronaut()), "PNG")
    assert verify_image(studio, photo, "astronaut.png") == {"c2pa": None, "watermark": None}
    flat = encoded(Image.new("RGB", (640, 360), (120, 140, 160)), "JPEG")
    assert verify_image(studio, flat, "flat.jpg") == {"c2pa": None, "watermark": None}


def test_bad_files_are_a_clear_error(studio) -> None:
    with pytest.raises(InvalidInput, match="notes.txt is not an image"):
        verify_image(studio, b"INT. OFFICE - DAY", "notes.txt")
    with pytest.raises(InvalidInput, match="empty"):
        verify_image(studio, b"", "empty.png")
    truncated = encoded(Image.new("RGB", (64, 64)), "PNG")[:60]
    with pytest.raises(InvalidInput, match="cut.png"):
        verify_image(studio, truncated, "cut.png")


def test_region_revisions_keep_the_parents_mark_and_name_their_own_version(studio) -> None:
    [parent] = render_frame(studio, ADMIN, "demo", "3", seed=9)
    child = revise_frame(
        studio, ADMIN, parent.version_id, "add a lantern", region=(100, 50, 400, 300), seed=2
    )
    before, after = pixels(parent.image_path), pixels(child.image_path)
    outside = np.ones(before.shape[:2], bool)
    outside[50:300, 100:400] = False
    assert np.array_equal(before[outside], after[outside])
    result = verify_image(studio, Path(child.image_path).read_bytes(), "child.png")
    assert result["watermark"]["version_id"] == parent.version_id  # the lineage
    assert result["c2pa"]["version_id"] == child.version_id  # the exact version
    assert result["c2pa"]["parent_id"] == parent.version_id
    assert {"title": f"{parent.version_id}.png", "relationship": "parentOf"} in result["c2pa"][
        "ingredients"
    ]
    whole = revise_frame(studio, ADMIN, parent.version_id, "make it night", seed=3)
    mark = verify_image(studio, Path(whole.image_path).read_bytes(), "whole.png")["watermark"]
    assert mark["version_id"] == whole.version_id


def test_each_layer_turns_off_and_prompts_stay_out_when_asked(home, monkeypatch) -> None:
    from frameline.demo import load_demo
    from frameline.settings import Settings
    from frameline.wiring import open_frameline

    monkeypatch.setenv("FRAMELINE_WATERMARK", "0")
    monkeypatch.setenv("FRAMELINE_C2PA", "0")
    monkeypatch.setenv("FRAMELINE_EMBED_PROMPTS", "0")
    with open_frameline(Settings()) as frameline:
        load_demo(frameline)
        [version] = render_frame(frameline, ADMIN, "demo", "3", prompt="a red kite", seed=1)
        data = Path(version.image_path).read_bytes()
        assert verify_image(frameline, data, "f.png") == {"c2pa": None, "watermark": None}
    assert "red kite" in version.prompt  # the records keep it …
    text = Image.open(io.BytesIO(data)).text
    assert "red kite" not in json.dumps(text) and "MARA" not in json.dumps(text)  # … the file not
    assert json.loads(text["frameline"])["prompts_embedded"] is False
    assert not (home / "c2pa").exists()


def test_provenance_names_where_a_frame_was_made() -> None:
    from tools.backends.bedrock import BedrockImageBackend
    from tools.provenance import backend_origin
    from tools.signing import TRAINED, c2pa_manifest

    bedrock = BedrockImageBackend(
        model_id="amazon.nova-canvas-v1:0", region="eu-west-1", endpoint_url="http://127.0.0.1:9"
    )
    origin = backend_origin(bedrock)
    assert origin["runs_on"] == "Amazon Bedrock (eu-west-1)" and origin["region"] == "eu-west-1"
    claim = c2pa_manifest({**origin, "version_id": "v3", "parent": "v2"}, "v3.png", "0")
    [actions] = [a for a in claim["assertions"] if a["label"] == "c2pa.actions"]
    assert actions["data"]["actions"][1] == {
        "action": "c2pa.edited",
        "digitalSourceType": TRAINED,
    }
