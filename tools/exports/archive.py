"""Every frame of a project as a zip: each PNG beside its JSON provenance manifest.

Laid out by scene and shot (`scene-3/3A/v12.png`, `scene-3/3A/v12.json`) with an `index.json`
listing every version, so the frames keep saying what made them wherever the zip travels. PNGs
are stored as they are (already compressed); manifests are deflated.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy import select

from memory.records import Scene, Shot, Version
from memory.store import get_project
from tools.context import Actor, Studio, require
from tools.exports import safe_name, staged
from tools.provenance import manifest, read_png_provenance

EMPTY_NOTE = "No frames have been rendered for this production yet.\n"


def _manifest(studio: Studio, version: Version, shot: Shot, png: bytes) -> bytes:
    """The manifest written beside the PNG when it was made, else one rebuilt from the PNG."""
    stored = studio.assets.root / "manifests" / f"{version.version_id}.json"
    if stored.is_file():
        return stored.read_bytes()
    ids = {"version_id": version.version_id, "shot": shot.code}
    return manifest(ids, read_png_provenance(png), version.asset_sha256)


def write_archive(studio: Studio, actor: Actor, project: str, out: Path) -> dict[str, Any]:
    """Write every version's PNG and provenance manifest of the project to a zip at `out`."""
    require(actor, "read", "export frames")
    with studio.transaction() as session:
        record = get_project(session, project)
        rows = session.execute(
            select(Version, Shot, Scene.number)
            .join(Shot, Shot.id == Version.shot_id)
            .join(Scene, Scene.id == Shot.scene_id)
            .where(Shot.project_id == record.id)
            .order_by(Scene.position, Shot.id, Version.id)
        ).all()
        index = []
        with (
            staged(out) as temporary,
            zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        ):
            for version, shot, scene in rows:
                folder = f"scene-{safe_name(scene)}/{safe_name(shot.code)}"
                png = studio.assets.read(version.asset_sha256)
                name = f"{folder}/{version.version_id}"
                archive.writestr(f"{name}.png", png, compress_type=zipfile.ZIP_STORED)
                archive.writestr(f"{name}.json", _manifest(studio, version, shot, png))
                index.append(
                    {
                        "version_id": version.version_id,
                        "scene": scene,
                        "shot": shot.code,
                        "parent_id": f"v{version.parent_id}" if version.parent_id else None,
                        "status": version.status,
                        "continuity": version.continuity,
                        "sha256": version.asset_sha256,
                        "png": f"{name}.png",
                        "manifest": f"{name}.json",
                    }
                )
            document: dict[str, Any] = {"project": project, "versions": index}
            if not index:
                archive.writestr("README.txt", EMPTY_NOTE)
                document["note"] = EMPTY_NOTE.strip()
            archive.writestr("index.json", json.dumps(document, indent=2, ensure_ascii=False))
    return {
        "format": "zip",
        "path": str(out.resolve()),
        "versions": len(index),
        "bytes": out.stat().st_size,
    }
