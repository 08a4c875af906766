"""Provenance of a frame: what made it, marked into the file in two layers, and read back.

Every frame leaves here marked as AI-made (EU AI Act, Article 50): an invisible watermark in the
pixels naming its version and project (`tools/watermark.py`), and signed C2PA Content
Credentials (`tools/signing.py`) naming the exact version, its parent and the do-not-train
assertion. PNG text chunks and a JSON manifest beside the asset repeat the provenance for tools
that read neither. Nothing is sent anywhere.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PIL import Image, PngImagePlugin

SOFTWARE = "Frameline"
GENERATOR_VERSION = "0.2.0"
TECHNICAL_PARAMETERS = frozenset(
    {"framing", "angle", "time_of_day", "width", "height", "mode", "region", "strength"}
)
"""What a file keeps of its parameters when prompts stay out: nothing a person wrote."""


@dataclass(frozen=True)
class FrameMarks:
    """Which layers a frame gets; each is on unless a setting turns it off."""

    watermark: bool = True
    c2pa: bool = True
    embed_prompts: bool = True


def backend_origin(backend: Any) -> dict[str, Any]:
    """Which backend made a frame and where it ran, in words a validator can show."""
    origin: dict[str, Any] = {"backend": backend.name, "model_id": backend.model_id}
    if backend.name == "bedrock":
        origin["runs_on"] = f"Amazon Bedrock ({getattr(backend, 'region', '')})"
        origin["region"] = getattr(backend, "region", None)
        if getattr(backend, "endpoint_url", None):
            origin["endpoint_url"] = backend.endpoint_url
    else:
        device = getattr(backend, "device", None) or backend.device_class
        origin["runs_on"] = f"this studio's own machine ({device})"
    return origin


def frame_provenance(
    *,
    version_id: str,
    project: str,
    shot: str,
    parent: str | None,
    seed: int,
    backend: Any,
    prompt: str,
    negative_prompt: str,
    parameters: dict[str, Any],
    embed_prompts: bool,
) -> dict[str, Any]:
    """What the file says about how it was made; prompts left out when the studio says so."""
    provenance: dict[str, Any] = {
        "version_id": version_id,
        "project": project,
        "shot": shot,
        "parent": parent,
        "seed": seed,
        **backend_origin(backend),
        "model_hash": backend.model_hash,
        "ai_generated": True,
    }
    if embed_prompts:
        provenance["prompt"] = prompt
        provenance["negative_prompt"] = negative_prompt
        provenance["parameters"] = parameters
    else:
        provenance["prompts_embedded"] = False
        provenance["parameters"] = {
            key: value for key, value in parameters.items() if key in TECHNICAL_PARAMETERS
        }
    return provenance


def encode_png(image: Image.Image, provenance: dict[str, Any]) -> bytes:
    """The frame as PNG with its provenance in text chunks (pixels only depend on the image)."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Software", SOFTWARE)
    info.add_itxt("Description", str(provenance.get("prompt", "AI-generated frame")))
    info.add_itxt("frameline", json.dumps(provenance, sort_keys=True, ensure_ascii=False))
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG", pnginfo=info, optimize=False)
    return buffer.getvalue()


def read_png_provenance(data: bytes) -> dict[str, Any]:
    """The provenance a Frameline PNG carries, or an empty dict for other PNGs."""
    with Image.open(io.BytesIO(data)) as image:
        text = getattr(image, "text", {}) or {}
    try:
        return json.loads(text.get("frameline", "{}"))
    except json.JSONDecodeError:
        return {}


def manifest(version: dict[str, Any], provenance: dict[str, Any], sha256: str) -> bytes:
    """The JSON manifest that sits beside a version's PNG."""
    where = provenance.get("runs_on") or "this studio's own machine"
    document = {
        "claim_generator": SOFTWARE,
        "asset": {"sha256": sha256, "format": "image/png"},
        "version": version,
        "provenance": provenance,
        "ai_generated": True,
        "training": f"not to be used for training or data mining; generated on {where}",
    }
    return json.dumps(document, indent=2, sort_keys=True, default=str).encode("utf-8")


def mark_frame(
    image: Image.Image,
    provenance: dict[str, Any],
    *,
    version_number: int,
    project: str,
    marks: FrameMarks,
    signer: tuple[Any, Any, str] | None,
    ingredients: Sequence[Any] = (),
    keeps_parent_pixels: bool = False,
) -> bytes:
    """The frame's PNG with both layers: the watermark in its pixels, the credentials beside them.

    A region revision keeps its parent's pixels, and so its parent's watermark, byte for byte
    outside the box: it gets no watermark of its own (the mark names the lineage), while its
    credentials name the exact version and its parent as an ingredient.
    """
    if marks.watermark and not keeps_parent_pixels:
        from tools.watermark import embed

        image = embed(image, version_number, project)
    png = encode_png(image, provenance)
    if marks.c2pa and signer is not None:
        from tools.signing import c2pa_manifest, sign_png

        chain, key, alg = signer
        claim = c2pa_manifest(provenance, f"{provenance['version_id']}.png", GENERATOR_VERSION)
        png = sign_png(png, claim, chain, key, alg, ingredients)
    return png
