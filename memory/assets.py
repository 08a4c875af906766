"""Content-addressed files (frames, reference images, manifests) under FRAMELINE_HOME.

A file is written to a temporary name, flushed to disk and renamed into place, so a crash never
leaves a half-written asset under its final name, and the same content is stored once.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from core.errors import NotFound


class AssetStore:
    """Files named by the sha256 of their content."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str, suffix: str = ".png") -> Path:
        """Where the asset with this digest lives (two-level fan-out keeps folders small)."""
        return self.root / sha256[:2] / f"{sha256}{suffix}"

    def put(self, data: bytes, suffix: str = ".png") -> str:
        """Store bytes durably and return their sha256; storing the same bytes twice is free."""
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path(sha256, suffix)
        if not target.exists():
            self._write(target, data)
        return sha256

    def put_named(self, name: str, data: bytes) -> Path:
        """Store a derived file (a manifest) under a fixed name, replacing it atomically."""
        target = self.root / name
        self._write(target, data)
        return target

    def _write(self, target: Path, data: bytes) -> None:
        """Temporary file, fsync, rename, fsync the folder: all or nothing on disk."""
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        directory = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    def read(self, sha256: str, suffix: str = ".png") -> bytes:
        """The asset's bytes; a missing asset is reported by digest."""
        target = self.path(sha256, suffix)
        if not target.exists():
            raise NotFound(f"asset {sha256} is missing from {self.root}")
        return target.read_bytes()
