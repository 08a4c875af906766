"""Provenance of a frame: PNG text chunks and a JSON manifest saying how it was made.

Nothing here is sent anywhere; it travels with the file so a frame found later on a shared drive
still says what made it, from which parent, with which model.
"""

from __future__ import annotations

import io
import json
from typing import Any

from PIL import Image, PngImagePlugin

SOFTWARE = "Frameline"


def encode_png(image: Image.Image, provenance: dict[str, Any]) -> bytes:
    """The frame as PNG with its provenance in text chunks (pixels only depend on the image)."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Software", SOFTWARE)
    info.add_itxt("Description", str(provenance.get("prompt", "")))
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
    document = {
        "claim_generator": SOFTWARE,
        "asset": {"sha256": sha256, "format": "image/png"},
        "version": version,
        "provenance": provenance,
        "training": "not used for training; generated inside the studio's own infrastructure",
    }
    return json.dumps(document, indent=2, sort_keys=True, default=str).encode("utf-8")
