"""Reading a frame's marks back: is this image AI-made here, which version is it, is it signed?

Any image Pillow decodes is accepted: ours as stored, or a copy that was re-encoded, resized or
cropped on its way through a review tool. The credentials name the exact version; the watermark
survives what strips credentials and names the version (for a region revision, the lineage).
"""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, UnidentifiedImageError

from core.errors import InvalidInput
from memory.records import Project, Shot, Version
from tools.context import Studio

MAX_VERIFY_PIXELS = 40_000_000
"""Larger images are refused before decoding: a frame is a few megapixels."""

MIME_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp", "TIFF": "image/tiff"}
UNTRUSTED_ONLY = {"signingCredential.untrusted"}


def decode_image(data: bytes, name: str) -> tuple[Image.Image, str | None]:
    """The image in the upload and its format, or a clear error naming it."""
    if not data:
        raise InvalidInput(f"{name} is empty; send a PNG or JPEG frame")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if width * height > MAX_VERIFY_PIXELS:
                raise InvalidInput(
                    f"{name} is {width}×{height} pixels; frames up to "
                    f"{MAX_VERIFY_PIXELS // 1_000_000} megapixels can be verified"
                )
            return probe.convert("RGB"), probe.format
    except UnidentifiedImageError as error:
        raise InvalidInput(f"{name} is not an image Frameline can read") from error
    except (OSError, Image.DecompressionBombError, ValueError) as error:
        raise InvalidInput(f"{name} is not an image Frameline can read: {error}") from error


def credentials_summary(data: bytes, image_format: str | None) -> dict[str, Any] | None:
    """The C2PA layer: whether it validates, who signed it, what it asserts; None when absent."""
    from tools.signing import read_credentials

    mime = MIME_TYPES.get(image_format or "")
    if mime is None:
        return None
    store = read_credentials(data, mime)
    if not store or not store.get("active_manifest"):
        return None
    manifest = store["manifests"][store["active_manifest"]]
    problems = {status.get("code", "") for status in store.get("validation_status", []) or []}
    signature = manifest.get("signature_info") or {}
    provenance = next(
        (
            assertion.get("data", {})
            for assertion in manifest.get("assertions", [])
            if assertion.get("label") == "org.frameline.provenance"
        ),
        {},
    )
    return {
        "valid": problems <= UNTRUSTED_ONLY,
        "trusted": not problems,
        "signer": signature.get("common_name") or signature.get("issuer"),
        "issuer": signature.get("issuer"),
        "assertions": [assertion.get("label") for assertion in manifest.get("assertions", [])],
        "version_id": provenance.get("version_id"),
        "parent_id": provenance.get("parent"),
        "ingredients": [
            {"title": i.get("title"), "relationship": i.get("relationship")}
            for i in manifest.get("ingredients", [])
        ],
        "problems": sorted(problems),
    }


def watermark_summary(
    studio: Studio, image: Image.Image, visible: set[str] | None
) -> dict[str, Any] | None:
    """The watermark layer, matched against this installation's versions; None when absent.

    `visible` limits which projects the caller may learn about (None: all): a frame of a project
    the caller cannot see is reported as marked, without its version or project.
    """
    from tools.watermark import project_hash, read

    reading = read(image)
    if not reading.found:
        return None
    summary: dict[str, Any] = {"found": True, "version_id": None, "project": None}
    with studio.transaction() as session:
        version = session.get(Version, reading.version_number)
        shot = session.get(Shot, version.shot_id) if version is not None else None
        project = session.get(Project, shot.project_id) if shot is not None else None
        if project is None or project_hash(project.slug) != reading.project_hash:
            summary["note"] = "marked by Frameline, but not a frame of this installation"
        elif visible is not None and project.slug not in visible:
            summary["note"] = "a frame of a project this key cannot see"
        else:
            summary.update(version_id=version.version_id, project=project.slug)
    summary["sync_strength"] = round(reading.sync_strength, 2)
    return summary


def verify_image(
    studio: Studio, data: bytes, name: str, visible: set[str] | None = None
) -> dict[str, Any]:
    """Both layers of an image's provenance, each null where the image does not carry it."""
    image, image_format = decode_image(data, name)
    return {
        "c2pa": credentials_summary(data, image_format),
        "watermark": watermark_summary(studio, image, visible),
    }
