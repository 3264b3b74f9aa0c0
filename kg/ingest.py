"""Ingest: documents -> extraction -> SHACL gate -> store, one named graph per document, all or nothing each.

A document is identified by its url or file name and versioned by its content hash: the same content again
changes nothing; edited content replaces that document's graph in one transaction."""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from extractors.distributed import ExtractedGraph, extract_documents
from extractors.extract import Extracted, collect_paths, read_all
from extractors.vocabulary import ONTOLOGY_DIR, VOCAB_DIR
from kg.contradictions import refresh_contradictions
from kg.namespaces import CRM, VOCAB_GRAPH, document_iri
from kg.store import OxigraphStore


@dataclass
class Rejected:
    path: str
    reasons: list[str]


@dataclass
class IngestSummary:
    documents: int = 0
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    statements: int = 0
    rejected: list[Rejected] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"documents": self.documents, "added": self.added, "replaced": self.replaced,
                "unchanged": self.unchanged, "statements": self.statements,
                "rejected": [{"path": r.path, "reasons": r.reasons} for r in self.rejected]}


def ensure_vocabulary(store: OxigraphStore) -> None:
    """Load ontology and vocabularies into their own graph when they changed since the last ingest."""
    files = [ONTOLOGY_DIR / "crmkg.ttl", *sorted(VOCAB_DIR.glob("*.ttl"))]
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()
    if store.document_hash(VOCAB_GRAPH) == digest:
        return
    graph = Graph()
    for path in files:
        graph.parse(path, format="turtle")
    graph.add((URIRef(VOCAB_GRAPH), CRM.contentHash, Literal(digest)))
    store.replace_graph(VOCAB_GRAPH, graph)


def ingest(paths: Iterable[str | Path], store: OxigraphStore,
           progress: Callable[[Extracted | ExtractedGraph], None] | None = None, processes: int = 1,
           executor: str = "local", scheduler: str | None = None) -> IngestSummary:
    """Ingest files and folders into `store`; rejected documents are reported and leave nothing behind.

    Extraction (read graphs, SHACL gate, N-Triples) runs where `processes`/`executor`/`scheduler` say
    (extractors/distributed.py); this process is the single writer, one graph replacement per document."""
    summary = IngestSummary()
    ensure_vocabulary(store)
    items = read_all(collect_paths(paths))
    summary.documents = len(items)
    # One query for every document's stored hash (one request on a remote store, not one per document).
    iris = sorted({document_iri(item.source.identity) for item in items if item.error is None})
    stored = {str(r["doc"]): r["h"] for r in store.select(
        "SELECT ?doc ?h WHERE { GRAPH ?doc { ?doc crm:contentHash ?h } }", doc=iris)} if iris else {}
    todo = []
    for item in items:
        if item.error is None and stored.get(document_iri(item.source.identity)) == item.source.content_hash:
            summary.unchanged += 1
            if progress:
                progress(item)
        else:
            todo.append(item)
    for result in extract_documents(todo, processes=processes, executor=executor, scheduler=scheduler):
        if progress:
            progress(result)
        if result.error is not None:
            summary.rejected.append(Rejected(result.path, [result.error]))
            continue
        if result.violations:
            summary.rejected.append(Rejected(result.path, result.violations))
            continue
        doc_iri = document_iri(result.identity)
        existed = doc_iri in stored
        store.replace_graph(doc_iri, result)  # N-Triples already gated: one request / transaction per document
        stored[doc_iri] = result.content_hash
        summary.replaced += existed
        summary.added += not existed
        summary.statements += result.statements
    # Always, not only when this run wrote a document: a run killed after its last document but before this line
    # leaves the graph stale, and its rerun finds every document unchanged (tests/test_faults.py).
    refresh_contradictions(store)
    store.flush()
    return summary
