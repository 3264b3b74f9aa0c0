"""Standard exports and self-description: the JSON-LD @context (ontology/context.jsonld, /context.jsonld), JSON-LD
export compacted with it, and the VoID + DCAT description (kg/void.py, /.well-known/void)."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, VOID

from api.app import app
from kg.namespaces import CRM, ID
from kg.store import OxigraphStore
from kg.void import CONTEXT_PATH, context, void_graph

from conftest import ROOT, build_disk_store

CRMKG = Path(sys.executable).parent / "crmkg"
DS = URIRef("https://w3id.org/crmkg/dataset")
USGS_DATASET = URIRef(f"{ID}dataset/usgs-mcs2026-world-production")


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    return build_disk_store(tmp_path_factory.mktemp("linked"), ["lithium_australia_chile_argentina_en.md"], with_table=True)


@pytest.fixture
def client(store_dir, monkeypatch):
    monkeypatch.setenv("CRMKG_STORE", str(store_dir))
    return TestClient(app)


def test_linked_context_covers_the_ontology():
    """Every crm: class and property of ontology/crmkg.ttl has a term in the published context."""
    ontology = Graph().parse(ROOT / "ontology" / "crmkg.ttl")
    ctx = context()
    defined = {(v if isinstance(v, str) else v["@id"]) for v in ctx.values() if isinstance(v, (str, dict))}
    missing = []
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in ontology.subjects(RDF.type, kind):
            if str(term).startswith(str(CRM)) and "crm:" + str(term)[len(str(CRM)):] not in defined:
                missing.append(str(term))
    assert not missing, f"add these terms to ontology/context.jsonld: {missing}"
    for name, value in ctx.items():  # IRI-valued terms are object properties, never datatype properties
        if isinstance(value, dict) and value.get("@type") == "@id" and value["@id"].startswith("crm:"):
            assert (CRM[value["@id"][4:]], RDF.type, OWL.DatatypeProperty) not in ontology, name


def test_linked_context_route(client):
    response = client.get("/context.jsonld")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    assert response.json() == json.loads(CONTEXT_PATH.read_text())


def test_linked_void_turtle_by_default(client, store_dir):
    response = client.get("/.well-known/void")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    assert (DS, RDF.type, VOID.Dataset) in graph and (DS, RDF.type, DCAT.Dataset) in graph
    assert graph.value(DS, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert graph.value(DS, VOID.sparqlEndpoint) == URIRef("http://testserver/sparql")
    assert graph.value(DS, VOID.uriSpace) == Literal("https://w3id.org/crmkg/id/")
    assert URIRef(f"{ID}material/gallium") in set(graph.objects(DS, VOID.exampleResource))
    store = OxigraphStore(str(store_dir), read_only=True)
    assert graph.value(DS, VOID.triples).toPython() == store.triple_count()
    assert graph.value(DS, VOID.documents).toPython() == 1
    assert graph.value(DS, VOID.entities).toPython() > 100
    sources = set(graph.objects(DS, DCTERMS.source))
    assert USGS_DATASET in sources and any("/id/document/" in s for s in sources)
    assert graph.value(USGS_DATASET, DCTERMS.license) == URIRef("https://creativecommons.org/publicdomain/mark/1.0/")
    assert len(set(graph.objects(USGS_DATASET, DCTERMS.hasPart))) == 5
    partitions = {graph.value(p, VOID["class"]): graph.value(p, VOID.entities).toPython()
                  for p in graph.objects(DS, VOID.classPartition)}
    assert partitions[CRM.Dataset] == 6 and partitions[CRM.Document] == 1
    assert partitions[CRM.Statement] >= 108


def test_linked_void_jsonld_by_accept(client):
    turtle = Graph().parse(data=client.get("/.well-known/void").text, format="turtle")
    response = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert response.headers["content-type"].startswith("application/ld+json")
    body = response.json()
    assert body["@context"]["crm"] == str(CRM)
    assert isomorphic(Graph().parse(data=response.text, format="json-ld"), turtle)


def test_linked_void_library_matches_route(store_dir):
    graph = void_graph(OxigraphStore(str(store_dir), read_only=True), "https://example.org/crmkg")
    assert graph.value(DS, VOID.sparqlEndpoint) == URIRef("https://example.org/crmkg/sparql")


def _run(*args: str) -> str:
    result = subprocess.run([str(CRMKG), *args], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_cli_export_jsonld_round_trips(store_dir):
    """The JSON-LD export is compacted with the published context and holds exactly the N-Quads export."""
    jsonld = _run("export", "--format", "jsonld", "--store", str(store_dir))
    body = json.loads(jsonld)
    assert body["@context"] == context()
    assert '"share"' in jsonld and '"relation"' in jsonld  # compacted with our terms
    quads = Dataset()
    quads.parse(data=_run("export", "--format", "nq", "--store", str(store_dir)), format="nquads")
    back = Dataset()
    back.parse(data=jsonld, format="json-ld")
    graphs = {g.identifier for g in quads.graphs() if len(g)}
    assert graphs == {g.identifier for g in back.graphs() if len(g)}
    for name in graphs:
        assert isomorphic(quads.graph(name), back.graph(name)), name


def test_cli_void(store_dir):
    graph = Graph().parse(data=_run("void", "--store", str(store_dir), "--base-url", "http://example.org/"),
                          format="turtle")
    assert graph.value(DS, VOID.sparqlEndpoint) == URIRef("http://example.org/sparql")
