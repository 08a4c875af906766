"""The vector memory against a real embedded Chroma store and the real MiniLM model."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from core.errors import BackendUnavailable, InvalidInput
from memory.vectors import CHUNK_WORDS, MemoryItem, VectorMemory, chunk_item, collection_name

REPO = Path(__file__).resolve().parents[2]

SCENES = [
    MemoryItem("scene", "1", "INT. KITCHEN - NIGHT. She bandages her bleeding hand at the sink."),
    MemoryItem("scene", "2", "EXT. BRIDGE - DAWN. The getaway car speeds across the bridge."),
    MemoryItem("scene", "3", "INT. DINER - DAY. Two brothers argue about the rent over coffee."),
]

WEDDING = " ".join(
    f"Guests arrive at the vineyard and the caterers set table {n} with white linen and candles."
    for n in range(20)
)
CAKE_THEFT = "Suddenly a scruffy dog leaps onto the table and runs off with the wedding cake."
LONG_SCENE = f"{WEDDING} {CAKE_THEFT} {WEDDING}"


@pytest.fixture
def memory(tmp_path: Path) -> VectorMemory:
    """A fresh embedded store per test; MiniLM itself is loaded once per process."""
    return VectorMemory.open(path=tmp_path / "vectors")


def test_search_finds_a_scene_by_meaning_not_words(memory: VectorMemory) -> None:
    memory.sync("demo", "scene", SCENES)

    hits = memory.search("demo", "injury first aid")

    assert [hit.id for hit in hits][:1] == ["1"]
    assert {hit.kind for hit in hits} == {"scene"}
    assert hits[0].text == SCENES[0].text
    assert all(0.0 <= hit.score <= 1.0 for hit in hits)
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


def test_limit_caps_the_hits(memory: VectorMemory) -> None:
    memory.sync("demo", "scene", SCENES)

    assert len(memory.search("demo", "a quarrel about money", limit=2)) == 2


def test_sync_embeds_only_what_changed_and_deletes_what_is_gone(memory: VectorMemory) -> None:
    first = memory.sync("demo", "scene", SCENES)
    again = memory.sync("demo", "scene", SCENES)
    changed = MemoryItem("scene", "2", "EXT. BRIDGE - DAWN. A horse gallops across the bridge.")
    third = memory.sync("demo", "scene", [SCENES[0], changed])

    assert (first.embedded, first.deleted, first.kept) == (3, 0, 0)
    assert (again.embedded, again.deleted, again.kept) == (0, 0, 3)
    assert (third.embedded, third.deleted, third.kept) == (1, 1, 1)
    assert memory.count("demo", "scene") == 2
    assert "3" not in {hit.id for hit in memory.search("demo", "brothers arguing about rent")}
    assert memory.search("demo", "a horse on the bridge", limit=1)[0].text == changed.text


def test_sync_updates_metadata_without_embedding(memory: VectorMemory) -> None:
    labelled = MemoryItem("scene", "1", SCENES[0].text, {"heading": "INT. KITCHEN", "day": 1})
    memory.sync("demo", "scene", [labelled])

    relabelled = MemoryItem("scene", "1", SCENES[0].text, {"day": 2})
    report = memory.sync("demo", "scene", [relabelled])

    stored = memory.collection("demo", "scene").get(include=["metadatas"])["metadatas"]
    assert report.embedded == 0
    assert stored is not None and stored[0]["day"] == 2 and "heading" not in stored[0]


def test_a_fresh_open_on_the_same_folder_reads_the_same_memory(tmp_path: Path) -> None:
    VectorMemory.open(path=tmp_path).sync("demo", "scene", SCENES)

    reopened = VectorMemory.open(path=tmp_path)

    assert reopened.search("demo", "injury first aid", limit=1)[0].id == "1"
    assert reopened.sync("demo", "scene", SCENES).embedded == 0


def test_a_new_process_reopens_the_collection_with_its_embedding_function(tmp_path: Path) -> None:
    VectorMemory.open(path=tmp_path).sync("demo", "scene", SCENES)
    script = textwrap.dedent(
        f"""
        import json, sys
        import chromadb
        from chromadb.config import Settings
        import memory.embeddings
        from memory.vectors import VectorMemory

        client = chromadb.PersistentClient({str(tmp_path)!r}, Settings(anonymized_telemetry=False))
        raw = client.get_collection({collection_name("demo", "scene")!r})
        found = raw.query(query_texts=["injury first aid"], n_results=1)
        ours = VectorMemory(client).search("demo", "injury first aid", limit=1)
        json.dump([found["metadatas"][0][0]["item_id"], ours[0].id], sys.stdout)
        """
    )

    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ["1", "1"]


def test_kinds_filter_the_search(memory: VectorMemory) -> None:
    memory.sync("demo", "scene", SCENES)
    fact = MemoryItem("fact", "f1", "Maya's left hand is bandaged from scene 1 onward.")
    memory.sync("demo", "fact", [fact])

    facts_only = memory.search("demo", "bandaged hand", kinds=["fact"])
    everything = memory.search("demo", "bandaged hand")

    assert [(hit.kind, hit.id) for hit in facts_only] == [("fact", "f1")]
    assert {("fact", "f1"), ("scene", "1")} <= {(hit.kind, hit.id) for hit in everything}


def test_projects_are_kept_apart(memory: VectorMemory) -> None:
    memory.sync("alpha", "scene", SCENES)

    assert memory.search("beta", "injury first aid") == []
    assert memory.count("beta", "scene") == 0

    memory.drop_project("alpha")
    assert memory.search("alpha", "injury first aid") == []
    memory.drop_project("alpha")


def test_upsert_adds_and_replaces_and_delete_forgets(memory: VectorMemory) -> None:
    memory.sync("demo", "fact", [MemoryItem("fact", "f1", "The clock on the wall reads 9:15.")])
    memory.upsert("demo", "fact", [MemoryItem("fact", "f2", "Maya wears a red scarf.")])
    memory.upsert("demo", "fact", [MemoryItem("fact", "f1", "The clock is missing its hands.")])

    assert memory.count("demo", "fact") == 2
    assert memory.search("demo", "what time the clock shows", limit=1)[0].text == (
        "The clock is missing its hands."
    )

    memory.delete("demo", "fact", ["f1", "never-stored"])
    assert [hit.id for hit in memory.search("demo", "clock")] == ["f2"]


def test_a_long_scene_is_chunked_but_found_once(memory: VectorMemory) -> None:
    long_scene = MemoryItem("scene", "7", LONG_SCENE)
    memory.sync("demo", "scene", [long_scene, *SCENES])

    hits = memory.search("demo", "a dog steals the wedding cake", limit=10)

    assert [hit.id for hit in hits].count("7") == 1
    assert hits[0].id == "7"
    assert CAKE_THEFT in hits[0].text
    assert len(hits[0].text.split()) <= CHUNK_WORDS
    assert memory.count("demo", "scene") == 4
    assert memory.collection("demo", "scene").count() == len(chunk_item(long_scene)) + 3


def test_chunks_overlap_and_cover_the_whole_text() -> None:
    words = [f"w{n}" for n in range(400)]

    chunks = chunk_item(MemoryItem("scene", "9", " ".join(words)))

    assert [chunk.id for chunk in chunks] == ["9#0", "9#1", "9#2"]
    assert chunks[1].text.split()[:30] == chunks[0].text.split()[-30:]
    assert chunks[-1].text.split()[-1] == "w399"
    assert {chunk.metadata["item_id"] for chunk in chunks} == {"9"}


def test_unknown_kind_is_refused_with_the_kinds_listed(memory: VectorMemory) -> None:
    with pytest.raises(InvalidInput, match="scene, character, fact, shot"):
        memory.sync("demo", "prop", [MemoryItem("prop", "p1", "A revolver.")])
    with pytest.raises(InvalidInput, match="scene, character, fact, shot"):
        memory.search("demo", "revolver", kinds=["prop"])


@pytest.mark.parametrize("query", ["", "   "])
def test_an_empty_query_is_refused(memory: VectorMemory, query: str) -> None:
    with pytest.raises(InvalidInput):
        memory.search("demo", query)


def test_a_project_that_is_not_a_slug_is_refused(memory: VectorMemory) -> None:
    with pytest.raises(InvalidInput, match="slug"):
        memory.search("Bad Project!", "anything")


def test_an_unreachable_server_names_its_url() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"

    with pytest.raises(BackendUnavailable, match=url):
        VectorMemory.open(url=url)
