"""C2PA Content Credentials for frames, signed by the studio's certificate or this installation's.

The signed manifest says the frame was made by an algorithm (trained or not), names the exact
version, its parent and the character references as ingredients, records our provenance, and
asserts that the frame may not be used to train or mine AI models. Signing embeds the manifest
in the PNG; the pixels do not change.

Without a studio certificate, frames are signed with a per-installation certificate made on
first use under `FRAMELINE_HOME/c2pa/`: a self-signed CA and a leaf. Validators show that signer
as untrusted until the studio installs its own chain (`FRAMELINE_C2PA_CERT`/`_KEY`); the marks
and the do-not-train assertion are there either way.
"""

from __future__ import annotations

import datetime
import fcntl
import io
import json
import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import BackendUnavailable, InvalidInput

TRAINED = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
ALGORITHMIC = "http://cv.iptc.org/newscodes/digitalsourcetype/algorithmicMedia"
PARENT_LABEL = "parent_frame"
ALGORITHMS = ("es256", "es384", "es512", "ps256", "ps384", "ps512", "ed25519")


@dataclass(frozen=True)
class Ingredient:
    """An image a frame was made from: its parent frame or a character's reference."""

    title: str
    relationship: str
    """`parentOf` for the frame a revision edits, `componentOf` for a reference image."""
    data: bytes
    mime: str = "image/png"
    label: str | None = None
    """How the actions refer to it (the parent frame is the one an edit opens)."""


def c2pa_manifest(provenance: dict[str, Any], title: str, generator: str) -> dict[str, Any]:
    """The manifest definition: created by Frameline, source type, no training, our provenance."""
    # Previz drawings come from a rule-based renderer, not a trained model: saying so is the
    # truthful source type; every other backend is a trained generative model.
    source = ALGORITHMIC if provenance.get("backend") == "previz" else TRAINED
    if provenance.get("parent"):
        # C2PA 2: an edit opens its parent (the parentOf ingredient) before editing it.
        actions = [
            {"action": "c2pa.opened", "parameters": {"ingredientIds": [PARENT_LABEL]}},
            {"action": "c2pa.edited", "digitalSourceType": source},
        ]
    else:
        actions = [{"action": "c2pa.created", "digitalSourceType": source}]
    return {
        "claim_generator_info": [{"name": "Frameline", "version": generator}],
        "title": title,
        "format": "image/png",
        "assertions": [
            {"label": "c2pa.actions", "data": {"actions": actions}},
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
    png: bytes,
    manifest: dict[str, Any],
    cert_chain: Path,
    private_key: Path,
    alg: str = "es256",
    ingredients: Sequence[Ingredient] = (),
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
            for ingredient in ingredients:
                builder.add_ingredient(
                    {
                        "title": ingredient.title,
                        "relationship": ingredient.relationship,
                        **({"label": ingredient.label} if ingredient.label else {}),
                    },
                    ingredient.mime,
                    io.BytesIO(ingredient.data),
                )
            builder.sign(signer, "image/png", io.BytesIO(png), signed)
    except c2pa.C2paError as error:
        raise BackendUnavailable(
            f"C2PA signing failed with {cert_chain.name}: {error}; check that the chain is PEM "
            "(leaf first) and matches the key"
        ) from error
    return signed.getvalue()


def read_credentials(data: bytes, mime: str = "image/png") -> dict[str, Any] | None:
    """The C2PA manifest store an image carries (with its validation status), or None."""
    import c2pa

    try:
        with c2pa.Reader(mime, io.BytesIO(data)) as reader:
            return json.loads(reader.json())
    except c2pa.C2paError:
        return None


def installation_certificate(home: Path) -> tuple[Path, Path]:
    """This installation's signing chain and key, made once (key mode 0600) on first use."""
    folder = home / "c2pa"
    chain, key = folder / "chain.pem", folder / "signer.key"
    if chain.is_file() and key.is_file():
        return chain, key
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as lock:
        # Two processes' first frames at once must not leave one's key beside the other's chain.
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (chain.is_file() and key.is_file()):
            organisation = f"Frameline installation on {socket.gethostname()}"
            make_signing_chain(folder, organisation, "Frameline self-signed CA", days=3650)
    return chain, key


def make_signing_chain(
    folder: Path, organisation: str, ca_name: str, days: int
) -> tuple[Path, Path]:
    """A CA and an ES256 leaf it issued, as C2PA signing needs: `chain.pem` (leaf first) and
    `signer.key` (mode 0600) in `folder`, written under temporary names and then renamed."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    def name(common: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, common),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
            ]
        )

    def usage(*, cert_sign: bool) -> x509.KeyUsage:
        return x509.KeyUsage(
            digital_signature=True,
            content_commitment=False,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=cert_sign,
            crl_sign=cert_sign,
            encipher_only=False,
            decipher_only=False,
        )

    now = datetime.datetime.now(datetime.UTC)
    start, end = now - datetime.timedelta(days=1), now + datetime.timedelta(days=days)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder(issuer_name=name(ca_name), subject_name=name(ca_name))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(usage(cert_sign=True), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder(issuer_name=ca.subject, subject_name=name("Frameline"))
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    key_bytes = leaf_key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    # Written under temporary names and renamed, so two first uses never leave half a pair.
    staged_key = folder / f".signer.key.{os.getpid()}"
    descriptor = os.open(staged_key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key_bytes)
    staged_chain = folder / f".chain.pem.{os.getpid()}"
    staged_chain.write_bytes(leaf.public_bytes(pem) + ca.public_bytes(pem))
    chain, key = folder / "chain.pem", folder / "signer.key"
    os.replace(staged_key, key)
    os.replace(staged_chain, chain)
    return chain, key


def frame_signer(settings: Any) -> tuple[Path, Path, str]:
    """The chain, key and algorithm to sign with: the studio's, else this installation's."""
    if settings.c2pa_cert is not None and settings.c2pa_key is not None:
        return settings.c2pa_cert, settings.c2pa_key, settings.c2pa_alg
    chain, key = installation_certificate(Path(settings.home))
    return chain, key, "es256"


def frame_ingredients(studio: Any, parent: Any, spec: Any) -> list[Ingredient]:
    """The images a frame was made from: its parent frame and the characters' reference images."""
    ingredients = []
    if parent is not None and parent.asset_sha256:
        data = studio.assets.path(parent.asset_sha256).read_bytes()
        ingredients.append(
            Ingredient(f"{parent.version_id}.png", "parentOf", data, label=PARENT_LABEL)
        )
    for reference in getattr(spec, "reference_images", ()) or ():
        path = Path(reference)
        if path.is_file():
            mime = "image/jpeg" if path.suffix.lower() in {".jpg", ".jpeg"} else "image/png"
            ingredients.append(Ingredient(path.name, "componentOf", path.read_bytes(), mime))
    return ingredients
