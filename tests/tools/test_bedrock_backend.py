"""The Bedrock backend through the real boto3 client, against a fake Nova Canvas on 127.0.0.1."""

from __future__ import annotations

import base64
import io
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from PIL import Image

from core.errors import BackendUnavailable, InvalidInput
from tests.fakes.bedrock_server import MAX_PIXELS, FakeBedrock, frame_colours
from tools.backends.base import FrameSpec
from tools.backends.bedrock import BedrockImageBackend

PROMPT = "Wide shot, a lighthouse keeper climbs the spiral stair at dusk, lantern in hand"
NOVA_SEEDS = 858_993_460


@pytest.fixture
def aws_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Dummy credentials from the environment and nothing from the machine's AWS set-up."""
    for name in (
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
        "AWS_MAX_ATTEMPTS",
        "AWS_RETRY_MODE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDFRAMELINETEST")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-a-real-secret")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def bedrock(aws_env: None) -> Iterator[FakeBedrock]:
    """A fake Bedrock runtime for one test."""
    with FakeBedrock() as fake:
        yield fake


@pytest.fixture
def backend(bedrock: FakeBedrock) -> BedrockImageBackend:
    """The backend pointed at the fake, as settings would build it."""
    return BedrockImageBackend("us-east-1", endpoint_url=bedrock.url)


def _spec(prompt: str = PROMPT, width: int = 1280, height: int = 720) -> FrameSpec:
    return FrameSpec(
        prompt=prompt,
        width=width,
        height=height,
        scene_number="14",
        shot_code="14B",
        heading="INT. LIGHTHOUSE - DUSK",
        negative_prompt="text, watermark",
    )


def _image(data: str) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(data)))


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_text_to_image_sends_a_nova_canvas_request(
    backend: BedrockImageBackend, bedrock: FakeBedrock
) -> None:
    steps: list[tuple[int, int]] = []

    frame = backend.text_to_image(_spec(), seed=42, progress=lambda *step: steps.append(step))

    assert frame.size == (1280, 720)
    assert steps == [(1, 2), (2, 2)]
    [request] = bedrock.requests
    assert request.path == "/model/amazon.nova-canvas-v1:0/invoke"
    assert request.headers["Authorization"].startswith("AWS4-HMAC-SHA256")
    assert "/us-east-1/bedrock/aws4_request" in request.headers["Authorization"]
    assert request.body == {
        "taskType": "TEXT_IMAGE",
        "textToImageParams": {"text": PROMPT, "negativeText": "text, watermark"},
        "imageGenerationConfig": {
            "numberOfImages": 1,
            "width": 1280,
            "height": 720,
            "cfgScale": 6.5,
            "seed": 42,
            "quality": "standard",
        },
    }
    top, _ = frame_colours(PROMPT, 42, "TEXT_IMAGE")
    assert frame.getpixel((640, 0)) == top
    assert (backend.name, backend.device_class) == ("bedrock", "bedrock")
    assert backend.model_hash == backend.model_id == "amazon.nova-canvas-v1:0"


@pytest.mark.parametrize(("width", "height"), [(1000, 563), (1920, 1080), (200, 100), (2400, 2000)])
def test_sizes_go_out_in_steps_of_16_and_come_back_as_asked(
    backend: BedrockImageBackend, bedrock: FakeBedrock, width: int, height: int
) -> None:
    frame = backend.text_to_image(_spec(width=width, height=height), seed=7)

    assert frame.size == (width, height)
    config = bedrock.requests[0].body["imageGenerationConfig"]
    sent = config["width"], config["height"]
    assert all(side % 16 == 0 and 320 <= side <= 4096 for side in sent)
    assert sent[0] * sent[1] <= MAX_PIXELS


def test_seeds_are_reduced_into_nova_canvas_range(
    backend: BedrockImageBackend, bedrock: FakeBedrock
) -> None:
    backend.text_to_image(_spec(), seed=2**40 + 3)

    assert bedrock.requests[0].body["imageGenerationConfig"]["seed"] == (2**40 + 3) % NOVA_SEEDS


@pytest.mark.parametrize(("strength", "similarity"), [(0.0, 1.0), (0.5, 0.6), (1.0, 0.2)])
def test_image_to_image_sends_an_image_variation(
    backend: BedrockImageBackend, bedrock: FakeBedrock, strength: float, similarity: float
) -> None:
    parent = Image.new("RGB", (640, 360), (10, 120, 200))

    frame = backend.image_to_image(parent, _spec(), strength=strength, seed=3)

    assert frame.size == parent.size
    body = bedrock.requests[0].body
    assert body["taskType"] == "IMAGE_VARIATION"
    params = body["imageVariationParams"]
    assert params["similarityStrength"] == pytest.approx(similarity)
    assert params["text"] == PROMPT
    [sent] = params["images"]
    assert _image(sent).size == (640, 352)
    config = body["imageGenerationConfig"]
    assert (config["width"], config["height"]) == (640, 352)


def test_inpaint_sends_black_where_our_mask_is_white(
    backend: BedrockImageBackend, bedrock: FakeBedrock
) -> None:
    parent = Image.new("RGB", (640, 368), (10, 120, 200))
    mask = Image.new("L", parent.size, 0)
    mask.paste(255, (320, 0, 640, 368))  # repaint the right half

    frame = backend.inpaint(parent, mask, _spec(), seed=5)

    body = bedrock.requests[0].body
    assert body["taskType"] == "INPAINTING"
    assert "width" not in body["imageGenerationConfig"]
    params = body["inPaintingParams"]
    sent_mask = _image(params["maskImage"])
    assert sent_mask.size == _image(params["image"]).size == parent.size
    assert sorted(colour for _, colour in sent_mask.getcolors()) == [(0, 0, 0), (255, 255, 255)]
    assert sent_mask.getpixel((500, 100)) == (0, 0, 0)
    assert sent_mask.getpixel((100, 100)) == (255, 255, 255)
    top, _ = frame_colours(PROMPT, 5, "INPAINTING")
    assert frame.size == parent.size
    assert frame.getpixel((500, 0)) == top
    assert frame.getpixel((100, 200)) == (10, 120, 200)


def test_inpaint_refuses_a_mask_of_another_size(
    backend: BedrockImageBackend, bedrock: FakeBedrock
) -> None:
    with pytest.raises(InvalidInput, match="must match"):
        backend.inpaint(Image.new("RGB", (640, 368)), Image.new("L", (320, 184)), _spec(), 1)
    assert bedrock.requests == []


def test_long_prompts_are_cut_at_a_word_boundary(
    backend: BedrockImageBackend, bedrock: FakeBedrock
) -> None:
    prompt = " ".join(f"lantern{n}" for n in range(250))
    assert len(prompt) > 2000

    fitted, note = backend.fit_prompt(prompt)
    backend.text_to_image(_spec(prompt=prompt), seed=1)

    assert len(fitted) <= 1024
    assert prompt.startswith(fitted) and prompt[len(fitted)] == " "
    assert note is not None and "1,024" in note
    assert bedrock.requests[0].body["textToImageParams"]["text"] == fitted
    assert backend.fit_prompt(PROMPT) == (PROMPT, None)


def test_throttling_after_retries_is_unavailable(aws_env: None, bedrock: FakeBedrock) -> None:
    # one retry keeps the test fast: botocore backs off up to 2**n seconds before each throttled one
    backend = BedrockImageBackend("us-east-1", endpoint_url=bedrock.url, max_retries=1)
    bedrock.fail_next(429, "ThrottlingException", "Too many requests, please wait.", times=5)

    with pytest.raises(BackendUnavailable, match="throttling .* try again shortly"):
        backend.text_to_image(_spec(), seed=1)
    assert len(bedrock.requests) == 2


def test_access_denied_names_the_model_and_region(
    backend: BedrockImageBackend, bedrock: FakeBedrock
) -> None:
    bedrock.fail_next(403, "AccessDeniedException", "You don't have access to the model.")

    with pytest.raises(BackendUnavailable) as raised:
        backend.text_to_image(_spec(), seed=1)
    assert "amazon.nova-canvas-v1:0" in raised.value.message
    assert "us-east-1" in raised.value.message
    assert "model access must be enabled" in raised.value.message
    assert len(bedrock.requests) == 1


def test_validation_errors_are_invalid_input_with_bedrocks_message(
    backend: BedrockImageBackend, bedrock: FakeBedrock
) -> None:
    bedrock.fail_next(400, "ValidationException", "This request has been blocked by our filters.")

    with pytest.raises(InvalidInput, match="blocked by our filters"):
        backend.text_to_image(_spec(), seed=1)


@pytest.mark.parametrize(
    "answer", [{"images": [], "error": "all images were filtered"}, {"images": ["not an image"]}]
)
def test_answers_without_a_readable_image_are_unavailable(
    backend: BedrockImageBackend, bedrock: FakeBedrock, answer: dict[str, object]
) -> None:
    bedrock.reply_next(answer)

    with pytest.raises(BackendUnavailable, match="try again"):
        backend.text_to_image(_spec(), seed=1)


def test_an_unreachable_endpoint_is_unavailable_quickly(aws_env: None) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    backend = BedrockImageBackend("us-east-1", endpoint_url=url, max_retries=1, connect_timeout=1)

    started = time.monotonic()
    with pytest.raises(BackendUnavailable, match=f"cannot reach Bedrock at {url}"):
        backend.text_to_image(_spec(), seed=1)
    assert time.monotonic() - started < 3


def test_the_fake_refuses_what_nova_canvas_refuses(aws_env: None, bedrock: FakeBedrock) -> None:
    client = boto3.session.Session().client(
        "bedrock-runtime",
        region_name="us-east-1",
        endpoint_url=bedrock.url,
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )
    body = {
        "taskType": "TEXT_IMAGE",
        "textToImageParams": {"text": PROMPT},
        "imageGenerationConfig": {"width": 1000, "height": 720},
    }

    with pytest.raises(client.exceptions.ValidationException, match="multiple of 16"):
        client.invoke_model(modelId="amazon.nova-canvas-v1:0", body=json.dumps(body))


def test_settings_nova_canvas_cannot_use_are_refused() -> None:
    with pytest.raises(InvalidInput, match="quality"):
        BedrockImageBackend("us-east-1", quality="ultra")
    with pytest.raises(InvalidInput, match="cfg_scale"):
        BedrockImageBackend("us-east-1", cfg_scale=20)
