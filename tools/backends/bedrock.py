"""Frames from Amazon Nova Canvas on Amazon Bedrock, through the runtime's InvokeModel API.

Nova Canvas accepts sides of 320 to 4,096 pixels in steps of 16 and at most 4,194,304 pixels in
all, so each request goes out at the nearest size it accepts and the answer is resized back to the
size asked for. Its seeds run from 0 to 858,993,459 and its prompts to 1,024 characters.

Its inpainting mask is the reverse of ours: Nova Canvas changes the pure black pixels and keeps the
pure white ones (Amazon Nova user guide, "Image generation and editing", masking images), while a
Frameline mask is white where the frame is repainted.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import math
import re
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PIL import Image

from core.errors import BackendUnavailable, FramelineError, InvalidInput
from tools.backends.base import FrameSpec, ImageBackend, Progress

if TYPE_CHECKING:
    from botocore.exceptions import ClientError

DEFAULT_MODEL_ID = "amazon.nova-canvas-v1:0"

_MIN_SIDE = 320
_MAX_SIDE = 4096
_SIDE_STEP = 16
_MAX_PIXELS = 4_194_304
_SEEDS = 858_993_460
"""Nova Canvas seeds run from 0 to 858,993,459; ours are reduced modulo this."""

_MAX_TEXT = 1024
_QUALITIES = ("standard", "premium")
_MIN_SIMILARITY = 0.2
_MASK_THRESHOLD = 128
"""Mask values from here up count as white (repaint), below as black (keep)."""


class BedrockImageBackend(ImageBackend):
    """Frames from a hosted Bedrock image model: no local weights, billed per image by AWS."""

    name = "bedrock"
    device_class = "bedrock"
    default_size = (1280, 720)

    def __init__(
        self,
        region: str,
        endpoint_url: str | None = None,
        model_id: str = DEFAULT_MODEL_ID,
        quality: str = "standard",
        cfg_scale: float = 6.5,
        *,
        max_retries: int = 4,
        connect_timeout: float = 10,
        read_timeout: float = 120,
    ) -> None:
        """Settings only; the client is made on first use, so building a backend opens nothing.

        `max_retries` is botocore's retries max_attempts: retries after the first try, with
        standard-mode backoff between them.
        """
        if not region:
            raise InvalidInput("Bedrock needs an AWS region, such as us-east-1")
        if quality not in _QUALITIES:
            raise InvalidInput(f"Nova Canvas quality must be standard or premium, got {quality!r}")
        if not 1.1 <= cfg_scale <= 10.0:
            raise InvalidInput(f"Nova Canvas cfg_scale must be between 1.1 and 10, got {cfg_scale}")
        self.region = region
        self.endpoint_url = endpoint_url
        self.model_id = model_id
        self.model_hash = model_id  # a hosted model has no local weights to hash
        self.quality = quality
        self.cfg_scale = cfg_scale
        self._max_retries = max_retries
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._client: Any = None
        self._client_lock = threading.Lock()

    def fit_prompt(self, prompt: str) -> tuple[str, str | None]:
        """The prompt cut at a word boundary to Nova Canvas's 1,024 characters; a note if cut."""
        fitted = _fit_text(prompt)
        if fitted == prompt:
            return prompt, None
        return fitted, (
            f"Nova Canvas reads at most {_MAX_TEXT:,} characters, so the prompt was cut at a word "
            f"boundary from {len(prompt):,} to {len(fitted):,} characters"
        )

    def text_to_image(
        self, spec: FrameSpec, seed: int, progress: Progress | None = None
    ) -> Image.Image:
        """A new frame for the spec at the spec's size."""
        text = _fit_text(spec.prompt)
        if not text.strip():
            raise InvalidInput(f"shot {spec.shot_code} has no prompt to draw from")
        width, height = _nova_size(spec.width, spec.height)
        body = {
            "taskType": "TEXT_IMAGE",
            "textToImageParams": {"text": text, **_negative(spec)},
            "imageGenerationConfig": self._generation_config(seed, width, height),
        }
        return self._generate(body, (spec.width, spec.height), progress)

    def image_to_image(
        self,
        parent: Image.Image,
        spec: FrameSpec,
        strength: float,
        seed: int,
        progress: Progress | None = None,
    ) -> Image.Image:
        """An IMAGE_VARIATION of the parent towards the spec, at the parent's size.

        Nova Canvas has no denoising strength; its similarityStrength (0.2 to 1.0) says how close
        to stay, so strength 0 asks for 1.0 and strength 1 for 0.2: similarity = 1 - 0.8 strength.
        """
        if not 0.0 <= strength <= 1.0:
            raise InvalidInput(f"strength must be between 0 and 1, got {strength}")
        size = _nova_size(parent.width, parent.height)
        text = _fit_text(spec.prompt)
        body = {
            "taskType": "IMAGE_VARIATION",
            "imageVariationParams": {
                "images": [_encode(parent.convert("RGB").resize(size, Image.Resampling.LANCZOS))],
                "similarityStrength": max(_MIN_SIMILARITY, min(1.0, 1.0 - strength * 0.8)),
                **({"text": text} if text.strip() else {}),
                **_negative(spec),
            },
            "imageGenerationConfig": self._generation_config(seed, *size),
        }
        return self._generate(body, parent.size, progress)

    def inpaint(
        self,
        parent: Image.Image,
        mask: Image.Image,
        spec: FrameSpec,
        seed: int,
        progress: Progress | None = None,
    ) -> Image.Image:
        """INPAINTING of the mask's white part, sent as Nova Canvas's black; at the parent's size.

        With no prompt, Nova Canvas removes what the mask covers.
        """
        if mask.size != parent.size:
            raise InvalidInput(
                f"the mask is {mask.width}x{mask.height} but the frame is "
                f"{parent.width}x{parent.height}; they must match"
            )
        size = _nova_size(parent.width, parent.height)
        nova_mask = (
            mask.convert("L")
            .resize(size, Image.Resampling.NEAREST)
            .point(lambda value: 0 if value >= _MASK_THRESHOLD else 255)
            .convert("RGB")
        )
        text = _fit_text(spec.prompt)
        body = {
            "taskType": "INPAINTING",
            "inPaintingParams": {
                "image": _encode(parent.convert("RGB").resize(size, Image.Resampling.LANCZOS)),
                "maskImage": _encode(nova_mask),
                **({"text": text} if text.strip() else {}),
                **_negative(spec),
            },
            # an edit comes back at the input image's size, so no width or height is sent
            "imageGenerationConfig": {
                "numberOfImages": 1,
                "cfgScale": self.cfg_scale,
                "seed": seed % _SEEDS,
                "quality": self.quality,
            },
        }
        return self._generate(body, parent.size, progress)

    def _generation_config(self, seed: int, width: int, height: int) -> dict[str, Any]:
        """The imageGenerationConfig shared by generation tasks: one image at a Nova size."""
        return {
            "numberOfImages": 1,
            "width": width,
            "height": height,
            "cfgScale": self.cfg_scale,
            "seed": seed % _SEEDS,
            "quality": self.quality,
        }

    def _generate(
        self, body: dict[str, Any], size: tuple[int, int], progress: Progress | None
    ) -> Image.Image:
        """Send one request and return its first image at `size`."""
        answer = self._invoke(body)
        if progress is not None:
            progress(1, 2)
        image = self._decode(answer)
        if image.size != size:
            image = image.resize(size, Image.Resampling.LANCZOS)
        if progress is not None:
            progress(2, 2)
        return image

    def _invoke(self, body: dict[str, Any]) -> dict[str, Any]:
        """InvokeModel with the body, turning every AWS failure into one a person can act on."""
        from botocore.exceptions import (
            BotoCoreError,
            ClientError,
            EndpointConnectionError,
            NoCredentialsError,
        )

        try:
            response = self._runtime().invoke_model(
                modelId=self.model_id,
                body=json.dumps(body),
                contentType="application/json",
                accept="application/json",
            )
            payload = response["body"].read()
        except ClientError as error:
            raise self._explain(error) from error
        except EndpointConnectionError as error:
            raise BackendUnavailable(
                f"cannot reach Bedrock at {self._client.meta.endpoint_url}; check the network and "
                "the endpoint URL"
            ) from error
        except NoCredentialsError as error:
            raise BackendUnavailable(
                "no AWS credentials were found for Bedrock; set AWS_PROFILE or AWS_ACCESS_KEY_ID "
                "and AWS_SECRET_ACCESS_KEY, or run where an IAM role applies"
            ) from error
        except BotoCoreError as error:
            raise BackendUnavailable(f"the request to Bedrock failed: {error}") from error
        try:
            answer = json.loads(payload)
        except ValueError as error:
            raise BackendUnavailable(f"Bedrock answered {self.model_id} with no JSON") from error
        if not isinstance(answer, dict):
            raise BackendUnavailable(f"Bedrock answered {self.model_id} with no JSON object")
        return answer

    def _decode(self, answer: dict[str, Any]) -> Image.Image:
        """The first image of a Nova Canvas answer, or why there is none."""
        images = answer.get("images")
        if not isinstance(images, list) or not images or not isinstance(images[0], str):
            reason = f" ({answer['error']})" if answer.get("error") else ""
            raise BackendUnavailable(
                f"{self.model_id} on Bedrock returned no image{reason}; try again"
            )
        try:
            image = Image.open(io.BytesIO(base64.b64decode(images[0], validate=True)))
            image.load()
        except (binascii.Error, ValueError, OSError) as error:
            raise BackendUnavailable(
                f"{self.model_id} on Bedrock returned an image that cannot be read; try again"
            ) from error
        return image.convert("RGB")

    def _explain(self, error: ClientError) -> FramelineError:
        """A Bedrock error response as a Frameline error that says what to do next."""
        code = error.response.get("Error", {}).get("Code", "")
        message = error.response.get("Error", {}).get("Message", "") or str(error)
        if code == "ThrottlingException":
            return BackendUnavailable(
                f"Bedrock is throttling image requests for {self.model_id} in {self.region} even "
                f"after {self._max_retries} retries; try again shortly"
            )
        if code == "AccessDeniedException":
            return BackendUnavailable(
                f"Bedrock denied access to {self.model_id} in {self.region}: model access must be "
                "enabled for it in the Bedrock console of that region and the credentials allowed "
                f"bedrock:InvokeModel ({message})"
            )
        if code == "ValidationException":
            return InvalidInput(f"Bedrock refused the image request: {message}")
        return BackendUnavailable(
            f"Bedrock could not run {self.model_id} in {self.region}: {code or 'error'}: {message}"
        )

    def _runtime(self) -> Any:
        """The bedrock-runtime client, made once; boto3 is imported here so start-up stays fast."""
        with self._client_lock:
            if self._client is None:
                import boto3
                from botocore.config import Config

                self._client = boto3.session.Session().client(
                    "bedrock-runtime",
                    region_name=self.region,
                    endpoint_url=self.endpoint_url,
                    config=Config(
                        retries={"max_attempts": self._max_retries, "mode": "standard"},
                        connect_timeout=self._connect_timeout,
                        read_timeout=self._read_timeout,
                    ),
                )
            return self._client


def _fit_text(text: str) -> str:
    """Text within Nova Canvas's 1,024 characters, cut at the last word boundary that fits."""
    if len(text) <= _MAX_TEXT:
        return text
    head = text[: _MAX_TEXT + 1]
    boundary = re.search(r"\s\S*$", head)
    if boundary is None or boundary.start() == 0:
        return text[:_MAX_TEXT]  # one word longer than the limit: no boundary to cut at
    return head[: boundary.start()].rstrip()


def _negative(spec: FrameSpec) -> dict[str, str]:
    """The negativeText field when the spec has one; Nova Canvas refuses an empty one."""
    negative = _fit_text(spec.negative_prompt)
    return {"negativeText": negative} if negative.strip() else {}


def _nova_size(width: int, height: int) -> tuple[int, int]:
    """The nearest size Nova Canvas accepts: sides of 320-4,096 in 16s, ≤ 4,194,304 pixels."""
    if width <= 0 or height <= 0:
        raise InvalidInput(f"a frame needs a positive size, got {width}x{height}")
    scale = min(1.0, math.sqrt(_MAX_PIXELS / (width * height)))
    size = _snapped(width * scale, height * scale, round)
    if size[0] * size[1] > _MAX_PIXELS:
        # rounding up both sides can pass the limit; rounding down never does
        size = _snapped(width * scale, height * scale, math.floor)
    return size


def _snapped(width: float, height: float, snap: Callable[[float], int]) -> tuple[int, int]:
    """Both sides snapped to a multiple of 16 and clamped to 320-4,096."""

    def side(length: float) -> int:
        return max(_MIN_SIDE, min(_MAX_SIDE, snap(length / _SIDE_STEP) * _SIDE_STEP))

    return side(width), side(height)


def _encode(image: Image.Image) -> str:
    """A PNG in base64, as Nova Canvas takes its input images (lossless, so masks stay pure)."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")
