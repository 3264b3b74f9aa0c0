from extractors.extract import extract, read_all
from kg.ingest import ingest
from kg.namespaces import CONTRADICTIONS_GRAPH, CRM, VOCAB_GRAPH, document_iri
from kg.shacl import check
from kg.stats import store_stats
from kg.store import OxigraphStore

from conftest import REFINES_SENTENCE, write_doc

GOOD = f"{REFINES_SENTENCE} [1]. Japan imports gallium from China [2]."


def _document_graphs(store):
    return set(store.graphs()) - {VOCAB_GRAPH, CONTRADICTIONS_GRAPH}


def test_ingest_rejected_document_leaves_nothing(tmp_path):
    write_doc(tmp_path, "good.md", GOOD)
    write_doc(tmp_path, "german.md", GOOD, title="Seltene Erden", language="de")
    store = OxigraphStore(None)
    summary = ingest([tmp_path], store)
    assert summary.documents == 2 and summary.added == 1
    assert _document_graphs(store) == {document_iri("good.md")}
    [rejected] = summary.rejected
    assert rejected.path.endswith("german.md")
    assert rejected.reasons and "german.md" in rejected.reasons[0] and "language" in rejected.reasons[0]
    assert not store.select("SELECT ?d WHERE { ?d dcterms:title 'Seltene Erden' }")


def test_ingest_gate_rejects_graph_without_evidence(tmp_path):
    path = write_doc(tmp_path, "good.md", GOOD)
    [item] = list(extract(read_all([path])))
    assert check(item.graph) == []
    item.graph.remove((None, CRM.evidence, None))
    violations = check(item.graph)
    assert violations and all(v.path == str(CRM.evidence) for v in violations)


def test_ingest_twice_is_idempotent(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    write_doc(docs, "one.md", GOOD)
    write_doc(docs, "two.md", "Indonesia banned nickel ore exports in 2020 [1].", title="Nickel")
    store = OxigraphStore(str(tmp_path / "store"))
    first = ingest([docs], store)
    assert first.added == 2 and not first.rejected
    count, stats = store.triple_count(), store_stats(store)
    second = ingest([docs], store)
    assert second.unchanged == second.documents == 2
    assert second.added == second.replaced == 0
    assert store.triple_count() == count
    assert store_stats(store) == stats


def test_ingest_edit_replaces_graph(tmp_path):
    path = write_doc(tmp_path, "doc.md", GOOD)
    store = OxigraphStore(None)
    ingest([path], store)
    query = 'SELECT ?e WHERE {{ ?e crm:sentence ?s FILTER(CONTAINS(?s, "{}")) }}'
    assert store.select(query.format(REFINES_SENTENCE))
    assert store.select("SELECT ?st WHERE { ?st crm:relation crm:refines }")
    write_doc(tmp_path, "doc.md", "Australia mines about half of the world's lithium [1].")
    summary = ingest([path], store)
    assert summary.replaced == 1 and summary.added == 0
    assert _document_graphs(store) == {document_iri("doc.md")}
    assert not store.select(query.format(REFINES_SENTENCE))
    assert not store.select("SELECT ?st WHERE { ?st crm:relation crm:refines }")
    assert not store.select(f'SELECT ?d WHERE {{ ?d schema:text ?s FILTER(CONTAINS(?s, "{REFINES_SENTENCE}")) }}')


def test_ingest_same_sentence_corroborates_one_statement(tmp_path):
    write_doc(tmp_path, "first.md", f"{REFINES_SENTENCE}.", title="First")
    write_doc(tmp_path, "second.md", f"{REFINES_SENTENCE}.", title="Second")
    store = OxigraphStore(None)
    assert ingest([tmp_path], store).added == 2
    rows = store.select("""
        SELECT ?st ?ev ?doc WHERE {
          ?st crm:relation crm:refines ; crm:subject <https://w3id.org/crmkg/id/country/CN> ;
              crm:material <https://w3id.org/crmkg/id/material/rare-earth-elements> ;
              crm:evidence ?ev . ?ev crm:document ?doc }""")
    assert len({r["st"] for r in rows}) == 1
    assert len({r["ev"] for r in rows}) == 2
    assert {r["doc"] for r in rows} == {document_iri("first.md"), document_iri("second.md")}
    assert store_stats(store)["corroborated_statements"] == 1
