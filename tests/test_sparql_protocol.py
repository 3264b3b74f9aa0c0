"""The SPARQL 1.1 Protocol against a live server on loopback, with real clients (SPARQLWrapper, rdflib's
SPARQLStore) and plain HTTP: methods, content negotiation, service description, time and result limits."""
from __future__ import annotations

import csv
import io
import json
import threading
import time
import xml.etree.ElementTree as ET

import httpx
import pytest
from rdflib import Dataset, Graph, Namespace, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, RDFXML, TURTLE, SPARQLWrapper

from live_server import build_store, live_server

CRM = "https://w3id.org/crmkg/ontology#"
CHINA = "https://w3id.org/crmkg/id/country/CN"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
DOCS = f"SELECT ?doc ?title WHERE {{ ?doc a <{CRM}Document> ; <http://purl.org/dc/terms/title> ?title }} ORDER BY ?doc"
CONSTRUCT = f"CONSTRUCT {{ <{CHINA}> ?p ?o }} WHERE {{ <{CHINA}> ?p ?o }}"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LIMIT = 1000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = build_store(tmp_path_factory.mktemp("protocol"))
    with live_server(store, CRMKG_QUERY_TIMEOUT="1", CRMKG_RESULT_LIMIT=str(LIMIT)) as url:
        yield url


@pytest.fixture(scope="module")
def http(server):
    with httpx.Client(base_url=server, timeout=30) as client:
        yield client


def error_of(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"code", "type", "message", "details"}
    return error


def test_sparql_protocol_sparqlwrapper_select_json(server):
    client = SPARQLWrapper(server + "/sparql")
    client.setQuery(DOCS)
    client.setReturnFormat(JSON)
    bindings = client.query().convert()["results"]["bindings"]
    assert len(bindings) == 3
    assert any("Transatlantic" in b["title"]["value"] for b in bindings)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparql_protocol_sparqlwrapper_construct(server, method):
    client = SPARQLWrapper(server + "/sparql")
    client.setMethod(method)
    client.setQuery(CONSTRUCT)
    client.setReturnFormat(RDFXML)
    graph = client.query().convert()
    assert isinstance(graph, Graph)
    assert (URIRef(CHINA), URIRef(CRM + "iso3166Alpha2"), None) in graph
    client.setReturnFormat(TURTLE)
    turtle = client.query().convert()
    assert len(Graph().parse(data=turtle, format="turtle")) == len(graph)


def test_sparql_protocol_rdflib_sparqlstore(server):
    store = SPARQLStore(query_endpoint=server + "/sparql", returnFormat="json")
    graph = Graph(store=store)
    rows = list(graph.query(DOCS))
    assert len(rows) == 3
    assert (URIRef(CHINA), URIRef(CRM + "iso3166Alpha3"), None) in graph
    answer = graph.query(f"ASK {{ ?st <{CRM}subject> <{CHINA}> }}")
    assert answer.askAnswer is True
    constructed = graph.query(CONSTRUCT).graph
    assert len(constructed) > 5


def test_sparql_protocol_rdflib_sparqlstore_xml_results(server):
    graph = Graph(store=SPARQLStore(query_endpoint=server + "/sparql"))  # rdflib's default: XML results
    assert len(list(graph.query(DOCS))) == 3


@pytest.mark.parametrize("how", ["get", "form", "body"])
def test_sparql_protocol_methods(http, how):
    if how == "get":
        response = http.get("/sparql", params={"query": DOCS})
    elif how == "form":
        response = http.post("/sparql", data={"query": DOCS})
    else:
        response = http.post("/sparql", content=DOCS, headers={"content-type": "application/sparql-query"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert len(response.json()["results"]["bindings"]) == 3


def _rows(media: str, body: str) -> int:
    if media == "application/sparql-results+json":
        return len(json.loads(body)["results"]["bindings"])
    if media == "application/sparql-results+xml":
        return len(ET.fromstring(body).findall(".//{http://www.w3.org/2005/sparql-results#}result"))
    delimiter = "," if media == "text/csv" else "\t"
    return len(list(csv.reader(io.StringIO(body), delimiter=delimiter))) - 1


@pytest.mark.parametrize("media", ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                                   "text/tab-separated-values"])
def test_sparql_protocol_select_formats(http, media):
    response = http.get("/sparql", params={"query": DOCS}, headers={"accept": media})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    assert _rows(media, response.text) == 3


@pytest.mark.parametrize("media", ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                                   "text/tab-separated-values"])
def test_sparql_protocol_ask_formats(http, media):
    response = http.get("/sparql", params={"query": f"ASK {{ <{CHINA}> ?p ?o }}"}, headers={"accept": media})
    assert response.status_code == 200 and response.headers["content-type"].split(";")[0] == media
    assert "true" in response.text


GRAPH_FORMATS = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
                 "application/rdf+xml": "xml", "application/trig": "trig", "application/n-quads": "nquads"}


@pytest.mark.parametrize("media", list(GRAPH_FORMATS))
@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
def test_sparql_protocol_graph_formats(http, media, form):
    query = CONSTRUCT if form == "CONSTRUCT" else f"DESCRIBE <{CHINA}>"
    reference = Graph().parse(data=http.get("/sparql", params={"query": query},
                                            headers={"accept": "application/n-triples"}).text, format="nt")
    response = http.get("/sparql", params={"query": query}, headers={"accept": media})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    parsed = Dataset() if GRAPH_FORMATS[media] in ("trig", "nquads") else Graph()
    parsed.parse(data=response.text, format=GRAPH_FORMATS[media])
    triples = {(s, p, o) for s, p, o, *_ in (parsed.quads() if isinstance(parsed, Dataset) else parsed)}
    assert len(triples) == len(reference) > 5


def test_sparql_protocol_accept_q_values_and_defaults(http):
    response = http.get("/sparql", params={"query": DOCS}, headers={"accept": "text/csv;q=0.5, application/sparql-results+xml"})
    assert response.headers["content-type"].startswith("application/sparql-results+xml")
    assert http.get("/sparql", params={"query": DOCS}, headers={"accept": "*/*"}).headers["content-type"].startswith(
        "application/sparql-results+json")
    assert http.get("/sparql", params={"query": CONSTRUCT}, headers={"accept": "*/*"}).headers["content-type"].startswith(
        "text/turtle")
    assert http.get("/sparql", params={"query": DOCS, "format": "csv"}).headers["content-type"].startswith("text/csv")


def test_sparql_protocol_service_description(http):
    response = http.get("/sparql", headers={"accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    service = next(graph.subjects(predicate=None, object=SD.Service))
    assert (service, SD.endpoint, None) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) not in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    assert len(list(graph.objects(service, SD.resultFormat))) == 10


def test_sparql_protocol_default_graph_uri(http):
    graphs = http.get("/sparql", params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g a ?t } }"}).json()
    doc = next(b["g"]["value"] for b in graphs["results"]["bindings"] if "/id/document/" in b["g"]["value"])
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    union = int(http.get("/sparql", params={"query": count}).json()["results"]["bindings"][0]["n"]["value"])
    one = http.get("/sparql", params={"query": count, "default-graph-uri": doc}).json()
    assert 0 < int(one["results"]["bindings"][0]["n"]["value"]) < union


def test_sparql_protocol_malformed_query_is_400_with_parser_message(http):
    error = error_of(http.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"}), 400)
    assert error["type"] == "QueryError" and error["code"] == "E400"
    assert error["message"].startswith("malformed SPARQL: error at 1:")


@pytest.mark.parametrize("how", ["body", "form"])
def test_sparql_protocol_update_is_refused(http, how):
    update = "INSERT DATA { GRAPH <urn:x> { <urn:a> <urn:b> <urn:c> } }"
    if how == "body":
        response = http.post("/sparql", content=update, headers={"content-type": "application/sparql-update"})
    else:
        response = http.post("/sparql", data={"update": update})
    error = error_of(response, 403)
    assert error["type"] == "Forbidden" and "read-only" in error["message"]
    assert http.get("/sparql", params={"query": "ASK { GRAPH <urn:x> { ?s ?p ?o } }"}).json()["boolean"] is False


def test_sparql_protocol_result_limit(http):
    ok = http.get("/sparql", params={"query": f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {LIMIT}"})
    assert ok.status_code == 200 and len(ok.json()["results"]["bindings"]) == LIMIT
    error = error_of(http.get("/sparql", params={"query": f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {LIMIT + 1}"}), 400)
    assert error["type"] == "ResultLimitExceeded" and error["code"] == "E411"
    assert f"{LIMIT:,}" in error["message"] and "LIMIT" in error["message"]
    error = error_of(http.get("/sparql", params={"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"}), 400)
    assert error["type"] == "ResultLimitExceeded" and "triples" in error["message"]


def test_sparql_protocol_timeout_keeps_server_responsive(http, server):
    outcome: dict = {}

    def runaway() -> None:
        started = time.monotonic()
        outcome["response"] = httpx.get(server + "/sparql", params={"query": HEAVY}, timeout=30)
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    assert http.get("/health").status_code == 200  # answered while the runaway query is still running
    assert time.monotonic() - started < 1.0
    thread.join(30)
    error = error_of(outcome["response"], 503)
    assert error["type"] == "QueryTimeout" and error["code"] == "E410"
    assert "CRMKG_QUERY_TIMEOUT" in error["message"]
    assert outcome["seconds"] < 5
    started = time.monotonic()
    assert http.get("/health").status_code == 200
    assert len(http.get("/sparql", params={"query": DOCS}).json()["results"]["bindings"]) == 3
    assert time.monotonic() - started < 3


def test_sparql_protocol_concurrent_queries_after_timeouts(http, server):
    """Two runaway queries at once (both workers) are stopped; the pool is rebuilt and answers again."""
    results = []
    threads = [threading.Thread(target=lambda: results.append(
        httpx.get(server + "/sparql", params={"query": HEAVY}, timeout=30).status_code)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results == [503, 503]
    assert http.get("/sparql", params={"query": DOCS}).status_code == 200


def test_sparql_protocol_cors_allows_get(http):
    response = http.get("/sparql", params={"query": DOCS}, headers={"origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"
