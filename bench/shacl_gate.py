"""SHACL gate: median time of kg.shacl.check per document graph while loading documents into a ~10k-triple store
and into the large store (goal <= 20 ms), and the ratio of the two medians (goal: flat, within 1.2x).

The gate validates the document graph alone, never the store, so the ratio should be 1 up to noise: the two
loads alternate document by document so that both see the same machine state."""
from __future__ import annotations

import statistics
import time
from pathlib import Path

from rdflib import Graph

from kg.ingest import ensure_vocabulary
from kg.namespaces import ID
from kg.shacl import check
from kg.store import OxigraphStore


def document_graphs(nquads: bytes, count: int) -> list[tuple[str, Graph]]:
    """The first `count` document graphs of an N-Quads dump, as rdflib graphs."""
    by_graph: dict[str, list[str]] = {}
    prefix = f"<{ID}document/"
    for line in nquads.decode("utf-8").splitlines():
        graph = line.rstrip()[:-1].rstrip().rsplit(" ", 1)[-1]
        if graph.startswith(prefix):
            if graph not in by_graph and len(by_graph) == count:
                continue
            by_graph.setdefault(graph, []).append(line.rstrip()[:-1].rstrip().rsplit(" ", 1)[0] + " .")
    return [(g[1:-1], Graph().parse(data="\n".join(lines), format="nt")) for g, lines in by_graph.items()]


def run(base_nquads: bytes, large_store: Path, small_store: Path, documents: int) -> dict:
    graphs = document_graphs(base_nquads, documents * 2)
    small = OxigraphStore(str(small_store))
    ensure_vocabulary(small)
    fill = 0
    while small.triple_count() < 10_000 and fill < len(graphs):  # about 10k triples before measuring
        iri, graph = graphs[fill]
        small.replace_graph(iri, graph)
        fill += 1
    large = OxigraphStore(str(large_store))
    small_count, large_count = small.triple_count(), large.triple_count()
    measured = graphs[fill:fill + documents] or graphs[:documents]
    check(measured[0][1])  # warm: shapes and ontology parsed
    times: dict[str, list[float]] = {"small": [], "large": []}
    for k, (iri, graph) in enumerate(measured):
        for name, store in (("small", small), ("large", large)) if k % 2 else (("large", large), ("small", small)):
            started = time.perf_counter()
            violations = check(graph)
            times[name].append(time.perf_counter() - started)
            if violations:
                raise RuntimeError(f"{iri} does not conform: {violations[:2]}")
            store.replace_graph(f"{iri}g", graph)  # the write the gate guards (not timed)
    for name, store in (("small", small), ("large", large)):
        for iri, _ in measured:
            store.drop_graph(f"{iri}g")
        store.close()
    small_ms, large_ms = (statistics.median(times[n]) * 1000 for n in ("small", "large"))
    ratio = large_ms / small_ms
    print(f"SHACL gate: {len(measured)} documents: median {small_ms:.1f} ms/doc into {small_count:,} triples, "
          f"{large_ms:.1f} ms/doc into {large_count:,} -> shacl_doc_median_ms {large_ms:.1f} (goal <= 20), "
          f"shacl_1m_vs_10k {ratio:.2f} (goal <= 1.2)")
    return {"shacl_doc_median_ms": round(large_ms, 2), "shacl_1m_vs_10k": round(ratio, 3)}
