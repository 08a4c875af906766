"""A fake Amazon Bedrock runtime on 127.0.0.1 that speaks the real wire format.

The real boto3 client talks to it through `endpoint_url`, so signing, retries and error parsing are
exercised. `POST /model/{modelId}/{operation}` is routed by its last segment through `handlers`;
`invoke` answers as Amazon Nova Canvas does, checking requests the way the service does and
drawing deterministic pictures from the prompt, seed and task, so a test can tell what reached it.
Other operations (the Converse API) are added with `add_handler`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import re
import threading
import uuid
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any, NamedTuple
from urllib.parse import unquote

from PIL import Image

from tests.fakes.serving import LoopbackServer

RGB = tuple[int, int, int]


class EventStream(bytes):
    """A response body in AWS event-stream framing (ConverseStream), sent as it is."""


Handler = Callable[[str, dict[str, Any]], dict[str, Any] | EventStream]
"""Answers one operation: (model id, request JSON) to response JSON, or raises BedrockFault."""

NOVA_CANVAS_TASKS = {
    "TEXT_IMAGE": "textToImageParams",
    "IMAGE_VARIATION": "imageVariationParams",
    "INPAINTING": "inPaintingParams",
}
"""The Nova Canvas tasks the fake draws, with the field that holds each task's parameters."""

MIN_SIDE, MAX_SIDE, SIDE_STEP, MAX_PIXELS = 320, 4096, 16, 4_194_304
MAX_SEED = 858_993_459
MAX_TEXT = 1024

_PATH = re.compile(r"^/model/(?P<model>[^/]+)/(?P<operation>[^/]+)$")
_ERROR_NAMESPACE = "http://internal.amazon.com/coral/com.amazon.bedrock/"


class Recorded(NamedTuple):
    """One request as it arrived: the decoded path, its headers and its JSON body."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]


class BedrockFault(Exception):
    """An error answer in Bedrock's format: a status, an x-amzn-ErrorType and a message."""

    def __init__(self, status: int, error_type: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.message = message


class FakeBedrock(LoopbackServer):
    """A Bedrock runtime on a free port that records every request; use it as a context manager."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.handlers: dict[str, Handler] = {"invoke": self._invoke}
        self._scripted: deque[BedrockFault | dict[str, Any]] = deque()
        self._lock = threading.Lock()
        super().__init__(_request_handler(self))

    @property
    def url(self) -> str:
        """The endpoint URL to hand to boto3."""
        host, port = self.address
        return f"http://{host}:{port}"

    def add_handler(self, suffix: str, handler: Handler) -> None:
        """Answer `POST /model/{modelId}/{suffix}` with `handler` (for example "converse")."""
        self.handlers[suffix] = handler

    def fail_next(self, status: int, error_type: str, message: str, times: int = 1) -> None:
        """Answer the next `times` requests with this error, e.g. 429 ThrottlingException."""
        with self._lock:
            self._scripted.extend([BedrockFault(status, error_type, message)] * times)

    def reply_next(self, body: dict[str, Any], times: int = 1) -> None:
        """Answer the next `times` requests with 200 and this body, e.g. one with no images."""
        with self._lock:
            self._scripted.extend([body] * times)

    def answer(
        self, path: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, dict[str, str], dict[str, Any] | EventStream]:
        """Record a request and work out the status, extra headers and JSON body to send back."""
        path = unquote(path)  # botocore sends the model id's ':' as %3A
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        malformed = not isinstance(body, dict)
        with self._lock:
            self.requests.append(Recorded(path, headers, {} if malformed else body))
            scripted = self._scripted.popleft() if self._scripted else None
        try:
            if isinstance(scripted, BedrockFault):
                raise scripted
            if scripted is not None:
                return 200, {}, scripted
            if not headers.get("Authorization", "").startswith("AWS4-HMAC-SHA256"):
                raise BedrockFault(403, "MissingAuthenticationTokenException", "Missing token")
            match = _PATH.match(path)
            handler = self.handlers.get(match["operation"]) if match else None
            if match is None or handler is None:
                raise BedrockFault(404, "UnknownOperationException", f"No operation at {path}")
            if malformed:
                raise BedrockFault(400, "ValidationException", "Malformed input request")
            return 200, {}, handler(match["model"], body)
        except BedrockFault as fault:
            return (
                fault.status,
                {"x-amzn-ErrorType": f"{fault.error_type}:{_ERROR_NAMESPACE}"},
                {"message": fault.message},
            )

    def _invoke(self, model_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """InvokeModel for Amazon Nova Canvas: one deterministic picture per image asked for."""
        if not model_id.startswith("amazon.nova-canvas"):
            raise _invalid("The provided model identifier is invalid.")
        task = body.get("taskType")
        if task not in NOVA_CANVAS_TASKS:
            raise _invalid(f"taskType {task!r} is not supported")
        params = body.get(NOVA_CANVAS_TASKS[task])
        if not isinstance(params, dict):
            raise _invalid(f"{NOVA_CANVAS_TASKS[task]} is required for {task}")
        config = body.get("imageGenerationConfig", {})
        seed = config.get("seed", 12)
        if not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
            raise _invalid(f"seed must be between 0 and {MAX_SEED}, got {seed}")
        count = config.get("numberOfImages", 1)
        if not isinstance(count, int) or not 1 <= count <= 5:
            raise _invalid(f"numberOfImages must be between 1 and 5, got {count}")
        if not 1.1 <= config.get("cfgScale", 6.5) <= 10:
            raise _invalid("cfgScale must be between 1.1 and 10")
        if config.get("quality", "standard") not in ("standard", "premium"):
            raise _invalid("quality must be standard or premium")
        for field in ("text", "negativeText"):
            if field in params and not 1 <= len(params[field]) <= MAX_TEXT:
                raise _invalid(f"{field} must be between 1 and {MAX_TEXT} characters")
        text = params.get("text", "")
        if task == "TEXT_IMAGE" and not text:
            raise _invalid("text is required for TEXT_IMAGE")

        pictures = []
        for index in range(count):
            top, bottom = frame_colours(text, seed + index, task)
            if task == "INPAINTING":
                pictures.append(_inpainted(params, top, bottom))
                continue
            size = _checked_size(config.get("width", 1024), config.get("height", 1024))
            picture = _gradient(size, top, bottom)
            if task == "IMAGE_VARIATION":
                picture = _varied(params, picture)
            pictures.append(picture)
        return {"images": [_encode(picture) for picture in pictures]}


def frame_colours(text: str, seed: int, task_type: str) -> tuple[RGB, RGB]:
    """The top and bottom colours the fake paints for a prompt, seed and task."""
    digest = hashlib.sha256(f"{task_type}\x1f{seed}\x1f{text}".encode()).digest()
    return (digest[0], digest[1], digest[2]), (digest[3], digest[4], digest[5])


def _request_handler(fake: FakeBedrock) -> type[BaseHTTPRequestHandler]:
    """An http.server handler class bound to one fake."""

    class BedrockRequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            status, headers, body = fake.answer(
                self.path, dict(self.headers.items()), self.rfile.read(length)
            )
            streamed = isinstance(body, EventStream)
            payload = bytes(body) if streamed else json.dumps(body).encode()
            self.send_response(status)
            kind = "application/vnd.amazon.eventstream" if streamed else "application/json"
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: pytest shows failures, not every request."""

    return BedrockRequestHandler


def _invalid(message: str) -> BedrockFault:
    """A 400 ValidationException, Bedrock's answer to a request it will not run."""
    return BedrockFault(400, "ValidationException", message)


def _checked_size(width: Any, height: Any) -> tuple[int, int]:
    """The size if Nova Canvas accepts it, else the ValidationException it would send."""
    for name, side in (("width", width), ("height", height)):
        if not isinstance(side, int) or not MIN_SIDE <= side <= MAX_SIDE or side % SIDE_STEP:
            raise _invalid(
                f"{name} must be a multiple of {SIDE_STEP} between {MIN_SIDE} and {MAX_SIDE}, "
                f"got {side}"
            )
    if width * height > MAX_PIXELS:
        raise _invalid(f"{width}x{height} is more than {MAX_PIXELS:,} pixels")
    return width, height


def _decoded(field: str, data: Any) -> Image.Image:
    """An input image from its base64, held to the same rules as an output size."""
    try:
        image = Image.open(io.BytesIO(base64.b64decode(data, validate=True)))
        image.load()
    except (TypeError, binascii.Error, ValueError, OSError) as error:
        raise _invalid(f"{field} is not a base64 PNG or JPEG image") from error
    if image.mode not in ("RGB", "RGBA"):
        raise _invalid(f"{field} must have 8-bit RGB colour channels, got mode {image.mode}")
    _checked_size(image.width, image.height)
    return image.convert("RGB")


def _gradient(size: tuple[int, int], top: RGB, bottom: RGB) -> Image.Image:
    """A vertical gradient from `top` to `bottom`."""
    ramp = Image.linear_gradient("L").resize(size)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), ramp)


def _varied(params: dict[str, Any], picture: Image.Image) -> Image.Image:
    """IMAGE_VARIATION: the first input image mixed with the picture as similarityStrength says."""
    images = params.get("images")
    if not isinstance(images, list) or not 1 <= len(images) <= 5:
        raise _invalid("images must hold between 1 and 5 images")
    similarity = params.get("similarityStrength", 0.7)
    if not 0.2 <= similarity <= 1.0:
        raise _invalid(f"similarityStrength must be between 0.2 and 1.0, got {similarity}")
    source = _decoded("images[0]", images[0]).resize(picture.size)
    return Image.blend(picture, source, similarity)


def _inpainted(params: dict[str, Any], top: RGB, bottom: RGB) -> Image.Image:
    """INPAINTING: the input image with the mask's black part painted over by the gradient."""
    image = _decoded("image", params.get("image"))
    if "maskPrompt" in params:
        raise _invalid("FakeBedrock cannot segment a maskPrompt; send a maskImage")
    if "maskImage" not in params:
        raise _invalid("maskImage or maskPrompt is required for INPAINTING")
    mask = _decoded("maskImage", params["maskImage"])
    if mask.size != image.size:
        raise _invalid(
            f"maskImage is {mask.width}x{mask.height} but image is {image.width}x{image.height}"
        )
    colours = mask.getcolors(maxcolors=2)  # None when there are more than two
    if colours is None or {colour for _, colour in colours} - {(0, 0, 0), (255, 255, 255)}:
        raise _invalid("maskImage must contain only pure black and pure white pixels")
    # black marks the area to change
    return Image.composite(image, _gradient(image.size, top, bottom), mask.convert("L"))


def _encode(image: Image.Image) -> str:
    """A PNG in base64, as Nova Canvas returns its images."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def event_message(event_type: str, payload: dict[str, Any]) -> bytes:
    """One AWS event-stream message: prelude (lengths, CRC32), string headers, JSON, CRC32."""
    headers = b""
    for name, value in (
        (":event-type", event_type),
        (":content-type", "application/json"),
        (":message-type", "event"),
    ):
        encoded = value.encode()
        headers += bytes([len(name)]) + name.encode() + b"\x07"
        headers += len(encoded).to_bytes(2, "big") + encoded
    body = json.dumps(payload).encode()
    total = 12 + len(headers) + len(body) + 4
    prelude = total.to_bytes(4, "big") + len(headers).to_bytes(4, "big")
    prelude += (binascii.crc32(prelude) & 0xFFFFFFFF).to_bytes(4, "big")
    message = prelude + headers + body
    return message + (binascii.crc32(message) & 0xFFFFFFFF).to_bytes(4, "big")
