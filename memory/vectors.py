"""The production's vector memory: one Chroma collection per project and kind.

Records are the source of truth; this is an index that `sync` rebuilds from them. Long texts are
stored in overlapping chunks, and a text whose hash is unchanged is never embedded again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import chromadb
import httpx
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings
from chromadb.errors import NotFoundError

from core.errors import BackendUnavailable, InvalidInput
from memory.embeddings import MiniLMEmbeddingFunction, embed_texts

KINDS = ("scene", "character", "fact", "shot")
CHUNK_WORDS = 180
CHUNK_OVERLAP = 30
WRITE_BATCH = 5000
_PROJECT_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
_RESERVED_KEYS = frozenset({"item_id", "chunk", "text_sha256"})

MetadataValue = str | int | float | bool
T = TypeVar("T")


@dataclass(frozen=True)
class MemoryItem:
    """One thing the production remembers: a scene, a character, a continuity fact or a shot."""

    kind: str
    id: str
    text: str
    metadata: Mapping[str, MetadataValue] = field(default_factory=dict)


@dataclass(frozen=True)
class MemoryHit:
    """A remembered item that matches a search; `text` is the passage that matched best."""

    kind: str
    id: str
    text: str
    score: float


@dataclass(frozen=True)
class SyncReport:
    """Items of one sync: embedded (new or changed text), deleted, and kept without embedding."""

    embedded: int
    deleted: int
    kept: int


@dataclass(frozen=True)
class Chunk:
    """One stored passage of an item, under the Chroma id f"{item id}#{n}"."""

    id: str
    text: str
    metadata: dict[str, MetadataValue]


@dataclass
class _StoredItem:
    """What the collection holds for one item, enough to decide whether to write it again."""

    text_sha256: str
    chunk_ids: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)


def collection_name(project: str, kind: str) -> str:
    """The Chroma collection of one kind in one project; valid under Chroma's naming rules."""
    _check_project(project)
    _check_kind(kind)
    return f"fl-{project}-{kind}"


def chunk_item(item: MemoryItem) -> list[Chunk]:
    """Split an item into passages of about 180 words overlapping by 30, MiniLM's useful span."""
    if not item.id:
        raise InvalidInput(f"a {item.kind} needs an id to be remembered")
    if not item.text.strip():
        raise InvalidInput(f"{item.kind} {item.id} has no text to remember")
    reserved = sorted(_RESERVED_KEYS & set(item.metadata))
    if reserved:
        raise InvalidInput(
            f"{item.kind} {item.id} uses metadata keys kept for the memory: {', '.join(reserved)}"
        )
    # A missing value is left out: Chroma stores no None, and would read None as "delete the key".
    labels = {key: value for key, value in item.metadata.items() if value is not None}
    base = {**labels, "item_id": item.id, "text_sha256": _text_sha256(item.text)}
    return [
        Chunk(f"{item.id}#{n}", passage, {**base, "chunk": n})
        for n, passage in enumerate(_passages(item.text.strip()))
    ]


def _passages(text: str) -> list[str]:
    """The text itself when short, else windows of CHUNK_WORDS words with CHUNK_OVERLAP shared."""
    words = text.split()
    if len(words) <= CHUNK_WORDS:
        return [text]
    step = CHUNK_WORDS - CHUNK_OVERLAP
    return [
        " ".join(words[start : start + CHUNK_WORDS])
        for start in range(0, len(words) - CHUNK_OVERLAP, step)
    ]


def _text_sha256(text: str) -> str:
    """The hash that tells an unchanged text from a changed one without embedding it."""
    return sha256(text.encode("utf-8")).hexdigest()


def _check_project(project: str) -> None:
    """Refuse a project that is not a slug, before it reaches a collection name."""
    if not _PROJECT_SLUG.fullmatch(project):
        raise InvalidInput(
            f"project {project!r} is not a slug: use 1-64 of a-z, 0-9 and '-', "
            "starting and ending with a letter or digit"
        )


def _check_kind(kind: str) -> None:
    """Refuse a kind the memory does not keep, naming the ones it does."""
    if kind not in KINDS:
        raise InvalidInput(f"unknown kind {kind!r}; kinds are {', '.join(KINDS)}")


def _score(distance: float) -> float:
    """Turn a cosine distance (0 same, 2 opposite) into a score in [0, 1], higher better."""
    return min(1.0, max(0.0, 1.0 - distance / 2.0))


class VectorMemory:
    """Semantic memory of every production, kept in Chroma and embedded with MiniLM."""

    def __init__(self, client: ClientAPI) -> None:
        """Use a Chroma client made elsewhere (the composition root or a test)."""
        self.client = client
        self._embedding_function = MiniLMEmbeddingFunction()
        self._collections: dict[str, Collection] = {}

    @classmethod
    def open(cls, path: Path | None = None, url: str | None = None) -> VectorMemory:
        """Connect to the Chroma server at `url` when given, else to the store in `path`."""
        if url:
            return cls(_http_client(url))
        if path is None:
            raise InvalidInput("the vector memory needs a folder or a Chroma server URL")
        settings = Settings(anonymized_telemetry=False)
        return cls(chromadb.PersistentClient(path=str(path), settings=settings))

    def collection(self, project: str, kind: str) -> Collection:
        """The collection of one kind, created if missing; for writers such as the benchmark."""
        name = collection_name(project, kind)
        if name not in self._collections:
            self._collections[name] = self.client.get_or_create_collection(
                name,
                configuration={"hnsw": {"space": "cosine"}},
                embedding_function=self._embedding_function,
            )
        return self._collections[name]

    def sync(self, project: str, kind: str, items: Sequence[MemoryItem]) -> SyncReport:
        """Make one kind hold exactly `items`, embedding only new or changed texts."""
        chunks = _chunks_by_item(kind, items)
        collection = self.collection(project, kind)
        try:
            stored = _stored_items(collection)
        except NotFoundError:  # dropped by another process since we looked it up
            self._collections.pop(collection_name(project, kind), None)
            collection = self.collection(project, kind)
            stored = _stored_items(collection)
        embedded = _write(collection, chunks, stored, self._write_batch())
        removed = [item_id for item_id in stored if item_id not in chunks]
        _delete_chunks(collection, (c for item_id in removed for c in stored[item_id].chunk_ids))
        return SyncReport(embedded=embedded, deleted=len(removed), kept=len(chunks) - embedded)

    def upsert(self, project: str, kind: str, items: Sequence[MemoryItem]) -> None:
        """Add or replace some items of one kind, such as a newly noted continuity fact."""
        chunks = _chunks_by_item(kind, items)
        if not chunks:
            return
        collection = self.collection(project, kind)
        stored = _stored_items(collection, list(chunks))
        _write(collection, chunks, stored, self._write_batch())

    def delete(self, project: str, kind: str, ids: Sequence[str]) -> None:
        """Forget some items of one kind, with all their passages; unknown ids are ignored."""
        collection = self._existing(project, kind)
        if collection is not None and ids:
            collection.delete(where={"item_id": {"$in": list(ids)}})

    def search(
        self, project: str, query: str, kinds: Sequence[str] | None = None, limit: int = 10
    ) -> list[MemoryHit]:
        """Items whose meaning is closest to `query`, each once, best first."""
        _check_project(project)
        if not query.strip():
            raise InvalidInput("a search needs some words to look for")
        if limit < 1:
            raise InvalidInput(f"the search limit must be at least 1, not {limit}")
        wanted = KINDS if kinds is None else tuple(dict.fromkeys(kinds))
        for kind in wanted:
            _check_kind(kind)
        collections = [
            (kind, collection)
            for kind in wanted
            if (collection := self._existing(project, kind)) is not None
        ]
        if not collections:
            return []
        vector = embed_texts([query])[0]
        hits = []
        for kind, collection in collections:
            try:
                hits.extend(_best_items(collection, kind, vector, limit))
            except NotFoundError:  # dropped by another process since we looked it up
                self._collections.pop(collection_name(project, kind), None)
        hits.sort(key=lambda hit: (-hit.score, hit.kind, hit.id))
        return hits[:limit]

    def drop_project(self, project: str) -> None:
        """Forget everything remembered for a project; a project with nothing stored is fine."""
        for kind in KINDS:
            self._collections.pop(collection_name(project, kind), None)
            try:
                self.client.delete_collection(collection_name(project, kind))
            except NotFoundError:
                continue

    def count(self, project: str, kind: str) -> int:
        """How many items (not passages) of one kind the memory holds."""
        collection = self._existing(project, kind)
        if collection is None:
            return 0
        return len(collection.get(where={"chunk": 0}, include=[])["ids"])

    def _write_batch(self) -> int:
        """Rows per write: our batch size, or less where the server accepts fewer."""
        return min(WRITE_BATCH, self.client.get_max_batch_size())

    def _existing(self, project: str, kind: str) -> Collection | None:
        """The collection of one kind if it exists, so reads never create empty collections.

        Handles are kept: looking a collection up costs about as much as querying it.
        """
        name = collection_name(project, kind)
        if name in self._collections:
            return self._collections[name]
        try:
            collection = self.client.get_collection(
                name, embedding_function=self._embedding_function
            )
        except NotFoundError:
            return None
        self._collections[name] = collection
        return collection


def _http_client(url: str) -> ClientAPI:
    """A client of the Chroma server at `url`, checked with a heartbeat so failures show early."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(f"Chroma URL {url!r} must look like http://host:8000")
    ssl = parts.scheme == "https"
    try:
        port = parts.port or (443 if ssl else 8000)
        client = chromadb.HttpClient(
            host=parts.hostname, port=port, ssl=ssl, settings=Settings(anonymized_telemetry=False)
        )
        client.heartbeat()
    except (ValueError, httpx.HTTPError) as error:
        raise BackendUnavailable(f"cannot reach the Chroma server at {url}: {error}") from error
    return client


def _chunks_by_item(kind: str, items: Sequence[MemoryItem]) -> dict[str, list[Chunk]]:
    """Chunk every item, refusing items of another kind and ids given twice."""
    _check_kind(kind)
    chunks: dict[str, list[Chunk]] = {}
    for item in items:
        if item.kind != kind:
            raise InvalidInput(f"{item.kind} {item.id} was given with the {kind}s")
        if item.id in chunks:
            raise InvalidInput(f"{kind} {item.id} was given twice")
        chunks[item.id] = chunk_item(item)
    return chunks


def _stored_items(
    collection: Collection, item_ids: list[str] | None = None
) -> dict[str, _StoredItem]:
    """What the collection holds per item (all items, or only `item_ids`), read page by page."""
    where = None if item_ids is None else {"item_id": {"$in": item_ids}}
    stored: dict[str, _StoredItem] = {}
    offset = 0
    while True:
        page = collection.get(where=where, include=["metadatas"], limit=WRITE_BATCH, offset=offset)
        for chunk_id, metadata in zip(page["ids"], page["metadatas"] or [], strict=True):
            item = stored.setdefault(
                str(metadata["item_id"]),
                _StoredItem(str(metadata["text_sha256"]), metadata=dict(metadata)),
            )
            item.chunk_ids.append(chunk_id)
        if len(page["ids"]) < WRITE_BATCH:
            return stored
        offset += WRITE_BATCH


def _write(
    collection: Collection,
    chunks: dict[str, list[Chunk]],
    stored: dict[str, _StoredItem],
    batch: int,
) -> int:
    """Embed new and changed items, refresh metadata of the others; returns how many embedded."""
    to_embed: list[tuple[Chunk, dict[str, Any]]] = []
    to_relabel: list[tuple[Chunk, dict[str, Any]]] = []
    stale: list[str] = []
    embedded = 0
    for item_id, item_chunks in chunks.items():
        old = stored.get(item_id)
        metadatas = [_replacing(chunk.metadata, old) for chunk in item_chunks]
        if old is None or old.text_sha256 != item_chunks[0].metadata["text_sha256"]:
            embedded += 1
            to_embed.extend(zip(item_chunks, metadatas, strict=True))
            if old is not None:
                kept_ids = {chunk.id for chunk in item_chunks}
                stale.extend(c for c in old.chunk_ids if c not in kept_ids)
        elif not _same_labels(item_chunks[0].metadata, old.metadata):
            to_relabel.extend(zip(item_chunks, metadatas, strict=True))
    for rows in _batches(to_embed, batch):
        collection.upsert(
            ids=[chunk.id for chunk, _ in rows],
            documents=[chunk.text for chunk, _ in rows],
            metadatas=[metadata for _, metadata in rows],
        )
    for rows in _batches(to_relabel, batch):
        collection.update(
            ids=[chunk.id for chunk, _ in rows], metadatas=[metadata for _, metadata in rows]
        )
    _delete_chunks(collection, stale)
    return embedded


def _replacing(metadata: dict[str, MetadataValue], old: _StoredItem | None) -> dict[str, Any]:
    """New metadata plus None for keys the item no longer has: Chroma merges metadata on write."""
    dropped = {} if old is None else dict.fromkeys(set(old.metadata) - set(metadata))
    return {**dropped, **metadata}


def _same_labels(new: Mapping[str, Any], old: Mapping[str, Any]) -> bool:
    """Whether stored metadata already matches, ignoring the chunk number that differs per chunk."""
    return {k: v for k, v in new.items() if k != "chunk"} == {
        k: v for k, v in old.items() if k != "chunk"
    }


def _delete_chunks(collection: Collection, chunk_ids: Iterable[str]) -> None:
    """Delete passages by Chroma id, in batches the server accepts."""
    for ids in _batches(list(chunk_ids), WRITE_BATCH):
        collection.delete(ids=ids)


def _batches(rows: list[T], size: int) -> Iterable[list[T]]:
    """Consecutive slices of at most `size` rows."""
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _best_items(
    collection: Collection, kind: str, vector: list[float], limit: int
) -> list[MemoryHit]:
    """Up to `limit` distinct items nearest `vector`, asking for more passages when items repeat."""
    n_results = limit
    while True:
        result = collection.query(
            query_embeddings=[vector],
            n_results=n_results,
            include=["documents", "metadatas", "distances"],
        )
        best: dict[str, MemoryHit] = {}
        rows = zip(
            (result["documents"] or [[]])[0],
            (result["metadatas"] or [[]])[0],
            (result["distances"] or [[]])[0],
            strict=True,
        )
        for text, metadata, distance in rows:
            item_id = str(metadata["item_id"])
            if item_id not in best:  # nearest passage first, so the first one is the best
                best[item_id] = MemoryHit(kind, item_id, text.strip(), _score(distance))
        if len(best) >= limit or len(result["ids"][0]) < n_results:
            return list(best.values())[:limit]
        n_results *= 2
