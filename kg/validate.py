"""Validate the whole store, graph by graph, against the shapes (the same gate ingest uses)."""
from __future__ import annotations

from rdflib import Graph

from kg.namespaces import CONTRADICTIONS_GRAPH, VOCAB_GRAPH
from kg.shacl import check
from kg.store import OxigraphStore


def validate_store(store: OxigraphStore) -> dict:
    violations = []
    graphs = [g for g in store.graphs() if g not in {VOCAB_GRAPH, CONTRADICTIONS_GRAPH}]
    for graph_iri in graphs:
        graph = Graph()
        result = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}", union=False)
        graph.parse(data=result.serialize(format=__import__("pyoxigraph").RdfFormat.N_TRIPLES).decode(), format="nt")
        violations += [f"{graph_iri}: {v}" for v in check(graph)]
    return {"graphs": len(graphs), "conforms": not violations, "violations": violations}
