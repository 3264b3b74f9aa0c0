from rdflib import Literal
from rdflib.namespace import XSD

from extractors.extract import extract, read_all
from kg.namespaces import CRM
from kg.shacl import check

from conftest import write_doc


def _graph(tmp_path):
    path = write_doc(tmp_path, "small.md", """
        China refines about 90% of the world's rare earth elements [1].
        Japan imports gallium from China [2].""")
    [item] = list(extract(read_all([path])))
    assert item.error is None
    return item.graph


def test_shacl_valid_document_graph_conforms(tmp_path):
    graph = _graph(tmp_path)
    assert set(graph.subjects(CRM.relation, CRM.refines))
    assert check(graph) == []


def test_shacl_broken_graph_reports_readable_violations(tmp_path):
    graph = _graph(tmp_path)
    graph.remove((None, CRM.evidence, None))
    shares = list(graph.subjects(CRM.share))
    assert shares
    for st in shares:
        graph.set((st, CRM.share, Literal("120", datatype=XSD.decimal)))
    violations = check(graph)
    paths = {v.path for v in violations}
    assert str(CRM.evidence) in paths and str(CRM.share) in paths
    for v in violations:
        assert v.message.strip()
        assert not v.message.startswith(("http://", "https://"))
        assert " " in v.message  # a sentence, not an IRI
        assert v.message in str(v)
