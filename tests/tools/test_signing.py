"""C2PA Content Credentials on frames, signed with a studio certificate made for the test."""

from __future__ import annotations

import datetime
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
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    def name(common: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, common),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test Studio"),
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
    ca_key, leaf_key = (
        ec.generate_private_key(ec.SECP256R1()),
        ec.generate_private_key(ec.SECP256R1()),
    )
    start, end = now - datetime.timedelta(days=1), now + datetime.timedelta(days=30)
    ca = (
        x509.CertificateBuilder(issuer_name=name("Studio CA"), subject_name=name("Studio CA"))
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
    chain, key = folder / "chain.pem", folder / "signer.key"
    pem = serialization.Encoding.PEM
    chain.write_bytes(leaf.public_bytes(pem) + ca.public_bytes(pem))
    key.write_bytes(
        leaf_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return chain, key


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
