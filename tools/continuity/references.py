"""Reference faces of the cast: the images every frame's faces are recognised against.

Everything is checked before anything is written: the character exists, the image decodes, it
holds exactly one face (or a box says which), and only then are the pixels stored as an asset and
the embedding recorded. A reference with the wrong face would make every later check lie.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from PIL import Image

from core.errors import InvalidInput
from core.names import check_name
from memory.records import CharacterReference
from memory.store import get_character, get_project
from tools.context import Actor, Studio, require
from tools.continuity.faces import Box, Face, detect_faces, load_image_bytes
from tools.continuity.look import check_box


def add_reference(
    studio: Studio,
    actor: Actor,
    project: str,
    name: str,
    image_bytes: bytes,
    filename: str,
    box: Sequence[int] | None = None,
) -> dict[str, Any]:
    """Store a reference image of a character's face; several faces need a box saying which."""
    require(actor, "state_fact", "add reference images")
    check_name(filename, "the file name")
    with studio.transaction() as session:
        character = get_character(session, get_project(session, project), name)
        character_name = character.name
    pixels = load_image_bytes(image_bytes, filename)
    height, width = pixels.shape[:2]
    wanted = check_box(box, width, height) if box is not None else None
    faces = detect_faces(pixels)
    face = choose_face(faces, wanted, filename)
    png = io.BytesIO()
    # The upright RGB pixels the embedding came from, so it can always be recomputed exactly.
    Image.fromarray(pixels, "RGB").save(png, format="PNG")
    sha256 = studio.assets.put(png.getvalue())
    with studio.transaction() as session:
        character = get_character(session, get_project(session, project), character_name)
        reference = CharacterReference(
            character=character,
            asset_sha256=sha256,
            box=list(face.box),
            embedding=list(face.embedding),
        )
        session.add(reference)
        session.flush()
        return {
            "project": project,
            "character": character.name,
            "reference_id": reference.id,
            "asset_sha256": sha256,
            "image_path": str(studio.assets.path(sha256).resolve()),
            "box": list(face.box),
            "faces_in_image": len(faces),
            "references": len(character.references),
        }


def choose_face(faces: Sequence[Face], box: Box | None, filename: str) -> Face:
    """The one face of a reference image, or the face a box overlaps most."""
    if not faces:
        raise InvalidInput(f"{filename}: no face found; a reference image needs a clear face")
    if box is None:
        if len(faces) > 1:
            raise InvalidInput(
                f"{filename} has {len(faces)} faces; say which with --box X0,Y0,X1,Y1; "
                f"faces at {_listing(faces)}"
            )
        return faces[0]
    overlaps = [(_overlap(face.box, box), face) for face in faces]
    area, face = max(overlaps, key=lambda pair: pair[0])
    if area == 0:
        raise InvalidInput(
            f"{filename}: no face inside box {','.join(str(v) for v in box)}; "
            f"faces at {_listing(faces)}"
        )
    return face


def _overlap(a: Box, b: Box) -> int:
    """The area two boxes share."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return max(0, width) * max(0, height)


def _listing(faces: Sequence[Face]) -> str:
    return " and ".join(",".join(str(v) for v in face.box) for face in faces)
