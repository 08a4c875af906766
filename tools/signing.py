"""C2PA Content Credentials for frames, when the studio configures a signing certificate.

The signed manifest says the frame was made by an algorithm (trained or not), records our
provenance, and asserts that the frame may not be used to train or mine AI models. Signing
embeds the manifest in the PNG; the pixels do not change.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from core.errors import BackendUnavailable, InvalidInput

TRAINED = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
ALGORITHMIC = "http://cv.iptc.org/newscodes/digitalsourcetype/algorithmicMedia"
ALGORITHMS = ("es256", "es384", "es512", "ps256", "ps384", "ps512", "ed25519")


def c2pa_manifest(provenance: dict[str, Any], title: str, generator: str) -> dict[str, Any]:
    """The manifest definition: created by Frameline, source type, no training, our provenance."""
    source = ALGORITHMIC if provenance.get("backend") == "previz" else TRAINED
    action = "c2pa.edited" if provenance.get("parent") else "c2pa.created"
    return {
        "claim_generator_info": [{"name": "Frameline", "version": generator}],
        "title": title,
        "format": "image/png",
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {"actions": [{"action": action, "digitalSourceType": source}]},
            },
            {
                "label": "cawg.training-mining",
                "data": {
                    "entries": {
                        "cawg.ai_generative_training": {"use": "notAllowed"},
                        "cawg.ai_training": {"use": "notAllowed"},
                        "cawg.ai_inference": {"use": "notAllowed"},
                        "cawg.data_mining": {"use": "notAllowed"},
                    }
                },
            },
            {"label": "org.frameline.provenance", "data": provenance},
        ],
    }


def sign_png(
    png: bytes, manifest: dict[str, Any], cert_chain: Path, private_key: Path, alg: str = "es256"
) -> bytes:
    """The PNG with a signed C2PA manifest embedded; the certificate chain is PEM, leaf first."""
    if alg not in ALGORITHMS:
        raise InvalidInput(f"unknown C2PA signing algorithm {alg!r}; use one of {ALGORITHMS}")
    try:
        import c2pa
    except ImportError as error:
        raise BackendUnavailable(
            "C2PA signing is configured but c2pa-python is not installed; "
            "install it with pip install 'frameline[signing]'"
        ) from error
    try:
        chain, key = cert_chain.read_bytes(), private_key.read_bytes()
    except OSError as error:
        raise BackendUnavailable(f"cannot read the C2PA certificate or key: {error}") from error
    info = c2pa.C2paSignerInfo(alg=alg.encode(), sign_cert=chain, private_key=key, ta_url=None)
    signed = io.BytesIO()
    try:
        with c2pa.Signer.from_info(info) as signer, c2pa.Builder(json.dumps(manifest)) as builder:
            builder.sign(signer, "image/png", io.BytesIO(png), signed)
    except c2pa.C2paError as error:
        raise BackendUnavailable(
            f"C2PA signing failed with {cert_chain.name}: {error}; check that the chain is PEM "
            "(leaf first) and matches the key"
        ) from error
    return signed.getvalue()


def read_credentials(png: bytes) -> dict[str, Any] | None:
    """The C2PA manifest store a PNG carries (with its validation status), or None."""
    import c2pa

    try:
        with c2pa.Reader("image/png", io.BytesIO(png)) as reader:
            return json.loads(reader.json())
    except c2pa.C2paError:
        return None
