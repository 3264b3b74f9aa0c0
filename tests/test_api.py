import csv
import gc
import io
import json
import re
import shutil

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from rdflib import OWL, Graph, Namespace, URIRef

from api.app import app
from kg.ask import EXAMPLES, ask
from kg.store import OxigraphStore

from conftest import CORPUS, QUESTION, build_disk_store, write_doc

SELECT = "SELECT ?st WHERE { ?st <https://w3id.org/crmkg/ontology#relation> ?r } LIMIT 3"
JSON_RESULTS = "application/sparql-results+json"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    return build_disk_store(tmp_path_factory.mktemp("api"), ["seed_transatlantic_alliance_en.md"])


@pytest.fixture
def client(store_dir, monkeypatch):
    monkeypatch.setenv("CRMKG_STORE", str(store_dir))
    return TestClient(app)


def test_api_health(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok" and response.json()["triples"] > 0


def test_api_ask_matches_library(client, store_dir):
    response = client.get("/ask", params={"q": QUESTION})
    assert response.status_code == 200
    expected = ask(OxigraphStore(str(store_dir), read_only=True), QUESTION)
    assert response.json()["intent"] == expected["intent"] == "suppliers_of_material"
    assert [a["label"] for a in response.json()["answers"]] == [a["label"] for a in expected["answers"]]


def _bindings(response):
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(JSON_RESULTS)
    return response.json()["results"]["bindings"]


def test_api_sparql_get(client):
    assert len(_bindings(client.get("/sparql", params={"query": SELECT}))) == 3


def test_api_sparql_post_form(client):
    assert len(_bindings(client.post("/sparql", data={"query": SELECT}))) == 3


def test_api_sparql_post_query_body(client):
    response = client.post("/sparql", content=SELECT, headers={"content-type": "application/sparql-query"})
    assert len(_bindings(response)) == 3


@pytest.mark.parametrize("query", ["SELEC ?x WHERE { ?x ?y ?z }", "INSERT DATA { <a:b> <a:c> <a:d> }"])
def test_api_sparql_malformed_is_400_with_error_shape(client, query):
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "E400" and error["type"] == "QueryError"
    assert error["message"].startswith("malformed SPARQL")


def test_api_missing_parameter_uses_error_shape(client):
    response = client.get("/ask")
    assert response.status_code in (400, 422)
    assert "error" in response.json()


# -- the error shape, pinned for every kind of failure --------------------------------------------------------
ERROR_CASES = [
    ("get", "/no-such-route", {}, 404, "NotFound"),
    ("get", "/entities/country/XX", {}, 404, "NotFound"),
    ("get", "/entities/planet/mars", {}, 404, "NotFound"),
    ("get", "/documents/0000000000000000", {}, 404, "NotFound"),
    ("get", "/ask", {}, 422, "InvalidRequest"),
    ("get", "/sparql?query=SELEC", {}, 400, "QueryError"),
    ("post", "/sparql", {"content": "INSERT DATA { <a:b> <a:c> <a:d> }",
                         "headers": {"content-type": "application/sparql-update"}}, 403, "Forbidden"),
    ("post", "/sparql", {"content": "x", "headers": {"content-type": "image/png"}}, 415, "UnsupportedMediaType"),
    ("post", "/documents", {"content": "# hi", "params": {"filename": "a.md"}}, 401, "Unauthorized"),
    ("delete", "/health", {}, 405, "HTTPProblem"),
]


@pytest.mark.parametrize("method,url,kwargs,status,kind", ERROR_CASES, ids=[f"{c[0]} {c[1]}" for c in ERROR_CASES])
def test_api_error_shape(client, method, url, kwargs, status, kind):
    response = getattr(client, method)(url, **kwargs) if method != "delete" else client.delete(url)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["error"]
    error = body["error"]
    assert set(error) == {"code", "type", "message", "details"}
    assert error["type"] == kind
    assert re.fullmatch(r"E\d{3}", error["code"]) and error["message"] and isinstance(error["details"], dict)


def test_api_error_is_html_for_browsers(client):
    response = client.get("/entities/country/XX", headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    assert "NotFound" in response.text and "E500" in response.text


# -- questions ------------------------------------------------------------------------------------------------
def test_api_ask_post_matches_get(client):
    got = client.get("/ask", params={"q": QUESTION}).json()
    posted = client.post("/ask", json={"q": QUESTION})
    assert posted.status_code == 200 and posted.json() == got
    assert client.get("/ask.json", params={"q": QUESTION}).json() == got


@pytest.mark.parametrize("intent", sorted(EXAMPLES))
def test_api_ask_same_as_library_for_every_example(client, store_dir, intent):
    question = EXAMPLES[intent]
    expected = json.loads(json.dumps(ask(OxigraphStore(str(store_dir), read_only=True), question)))
    assert client.get("/ask", params={"q": question}).json() == expected


def test_api_ask_post_validates_body(client):
    error = client.post("/ask", json={"question": QUESTION}).json()["error"]
    assert error["type"] == "InvalidRequest" and "q" in error["message"]


def test_api_ask_csv(client):
    response = client.get("/ask.csv", params={"q": QUESTION})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows and rows[0]["answer"] == "China" and rows[0]["intent"] == "suppliers_of_material"
    assert rows[0]["sentence"] and rows[0]["document_title"] and "Q148" in rows[0]["same_as"]


def test_api_ask_not_understood_is_200_with_message(client):
    reply = client.get("/ask", params={"q": "What is the airspeed velocity of an unladen swallow?"}).json()
    assert reply["intent"] is None and reply["answers"] == [] and reply["message"]


# -- entities and documents ---------------------------------------------------------------------------------------
CHINA = "https://w3id.org/crmkg/id/country/CN"


@pytest.mark.parametrize("suffix,accept,media", [
    ("", "text/html", "text/html"), ("", None, "text/html"), (".json", None, "application/json"),
    ("", "application/json", "application/json"), (".ttl", None, "text/turtle"), ("", "text/turtle", "text/turtle"),
    (".jsonld", None, "application/ld+json"), ("", "application/ld+json", "application/ld+json"),
    (".nt", None, "application/n-triples"), (".rdf", None, "application/rdf+xml")])
def test_api_entity_negotiation(client, suffix, accept, media):
    response = client.get(f"/entities/country/CN{suffix}", headers={"accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    if media == "application/json":
        body = response.json()
        assert body["label"] == "China" and "http://www.wikidata.org/entity/Q148" in body["same_as"]
        assert body["statements"] and all(s["evidence"] for s in body["statements"])
    elif media != "text/html":
        fmt = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt",
               "application/rdf+xml": "xml"}[media]
        graph = Graph().parse(data=response.text, format=fmt)
        assert (URIRef(CHINA), OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q148")) in graph
        assert (None, URIRef("https://w3id.org/crmkg/ontology#subject"), URIRef(CHINA)) in graph
        assert (None, URIRef("https://w3id.org/crmkg/ontology#sentence"), None) in graph


@pytest.mark.parametrize("path,target", [("/id/country/CN", "/entities/country/CN"),
                                         ("/id/material/rare-earth-elements", "/entities/material/rare-earth-elements"),
                                         ("/id/country/CN.ttl", "/entities/country/CN.ttl")])
def test_api_iris_dereference(client, path, target):
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == target
    assert client.get(path, headers={"accept": "text/turtle"}).headers["content-type"].startswith("text/turtle")


def test_api_document_iri_dereferences(client):
    doc = client.get("/documents.json").json()[0]
    assert doc["iri"].startswith("https://w3id.org/crmkg/id/document/")
    path = doc["iri"].replace("https://w3id.org/crmkg", "")
    assert client.get(path, follow_redirects=False).headers["location"] == f"/documents/{doc['id']}"
    evidence = client.get(path + "/evidence/10-20", follow_redirects=False)
    assert evidence.headers["location"] == f"/documents/{doc['id']}#ev-10-20"


@pytest.mark.parametrize("suffix,media", [("", "text/html"), (".json", "application/json"), (".ttl", "text/turtle"),
                                          (".jsonld", "application/ld+json")])
def test_api_document_negotiation(client, suffix, media):
    doc = client.get("/documents.json").json()[0]
    response = client.get(f"/documents/{doc['id']}{suffix}")
    assert response.status_code == 200 and response.headers["content-type"].split(";")[0] == media
    if media == "application/json":
        body = response.json()
        assert body["iri"] == doc["iri"] and body["text"] and body["evidence"]
        for span in body["evidence"]:
            assert body["text"][span["start"]:span["end"]] == span["sentence"]
            assert span["statements"]
    elif media != "text/html":
        graph = Graph().parse(data=response.text, format="turtle" if suffix == ".ttl" else "json-ld")
        assert (URIRef(doc["iri"]), URIRef("https://schema.org/text"), None) in graph


def test_api_openapi_documents_every_route(client):
    schema = client.get("/openapi.json").json()
    for route in app.routes:
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        path = re.sub(r"\{(\w+):path\}", r"{\1}", route.path)
        for method in route.methods - {"HEAD"}:
            operation = schema["paths"][path][method.lower()]
            assert operation.get("summary") or operation.get("description"), (method, path)


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_api_docs_work_offline(client, page):
    response = client.get(page)
    assert response.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css|svg))"', response.text)
    assert assets
    for asset in assets:
        assert asset.startswith("/"), asset
        assert client.get(asset).status_code == 200


def test_api_cors_allows_get_from_any_origin(client):
    response = client.get("/health", headers={"origin": "https://newsroom.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = client.options("/sparql", headers={"origin": "https://newsroom.example",
                                                   "access-control-request-method": "GET"})
    assert preflight.status_code == 200
    refused = client.options("/documents", headers={"origin": "https://newsroom.example",
                                                    "access-control-request-method": "POST"})
    assert refused.status_code == 400


# -- writes: uploads and SPARQL Update ----------------------------------------------------------------------------
TOKEN = "s3cret-test-token"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")


@pytest.fixture
def writable(store_dir, tmp_path, monkeypatch):
    """A client on a private copy of the store, with CRMKG_TOKEN set."""
    copy = tmp_path / "store"
    shutil.copytree(store_dir, copy)
    monkeypatch.setenv("CRMKG_STORE", str(copy))
    monkeypatch.setenv("CRMKG_TOKEN", TOKEN)
    return TestClient(app), copy


AUTH = {"authorization": f"Bearer {TOKEN}"}


def test_api_upload_needs_token(writable):
    client, _ = writable
    body = (CORPUS / "china_graphite_export_controls_en.md").read_bytes()
    assert client.post("/documents", content=body, params={"filename": "g.md"}).status_code == 401
    wrong = client.post("/documents", content=body, params={"filename": "g.md"}, headers={"authorization": "Bearer nope"})
    assert wrong.status_code == 403 and wrong.json()["error"]["type"] == "Forbidden"


def test_api_upload_multipart_then_unchanged(writable):
    client, _ = writable
    name = "china_graphite_export_controls_en.md"
    files = {"file": (name, (CORPUS / name).read_bytes(), "text/markdown")}
    response = client.post("/documents", files=files, headers=AUTH)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["summary"]["added"] == 1 and body["summary"]["statements"] > 0
    page = client.get(body["document"]["href"] + ".json").json()
    assert page["title"] and page["evidence"]
    assert response.headers["location"] == body["document"]["href"]
    again = client.post("/documents", files=files, headers=AUTH)
    assert again.status_code == 200 and again.json()["summary"]["unchanged"] == 1


def test_api_upload_raw_markdown(writable, tmp_path):
    client, _ = writable
    text = write_doc(tmp_path, "raw.md", "China refines about 90% of the world's rare earth elements [1].").read_text()
    response = client.post("/documents", content=text.encode(), params={"filename": "raw.md"},
                           headers={**AUTH, "content-type": "text/markdown"})
    assert response.status_code == 201, response.text
    assert client.get(response.json()["document"]["href"]).status_code == 200


@pytest.mark.parametrize("filename,content,kind", [("notes.docx", b"x", "InvalidRequest"), ("empty.md", b"", "DocumentError")])
def test_api_upload_rejects_bad_files(writable, filename, content, kind):
    client, _ = writable
    response = client.post("/documents", content=content, params={"filename": filename}, headers=AUTH)
    assert response.status_code == 422 and response.json()["error"]["type"] == kind


def test_api_upload_locked_store_is_503(writable):
    client, copy = writable
    holder = OxigraphStore(str(copy))  # this process now holds the writer's lock
    try:
        name = "china_graphite_export_controls_en.md"
        response = client.post("/documents", content=(CORPUS / name).read_bytes(), params={"filename": name},
                               headers=AUTH)
        assert response.status_code == 503
        assert response.json()["error"]["type"] == "StoreError" and "lock" in response.json()["error"]["message"]
    finally:
        del holder
        gc.collect()


def test_api_sparql_update_when_enabled(writable, monkeypatch):
    client, _ = writable
    update = "INSERT DATA { GRAPH <urn:test> { <urn:a> <urn:b> <urn:c> } }"
    headers = {"content-type": "application/sparql-update"}
    assert client.post("/sparql", content=update, headers=headers).status_code == 403
    monkeypatch.setenv("CRMKG_ENABLE_UPDATE", "1")
    assert client.post("/sparql", content=update, headers=headers).status_code == 401
    assert client.post("/sparql", content=update, headers={**headers, "authorization": "Bearer x"}).status_code == 403
    assert client.post("/sparql", content=update, headers={**headers, **AUTH}).status_code == 204
    assert client.get("/sparql", params={"query": "ASK { <urn:a> <urn:b> <urn:c> }"}).json()["boolean"] is True
    bad = client.post("/sparql", data={"update": "INSERT nonsense"}, headers=AUTH)
    assert bad.status_code == 400 and bad.json()["error"]["message"].startswith("malformed SPARQL Update")
    sd = Graph().parse(data=client.get("/sparql", headers={"accept": "text/turtle"}).text, format="turtle")
    assert (None, SD.supportedLanguage, SD.SPARQL11Update) in sd


@pytest.mark.parametrize("module", ["api.negotiation", "api.describe"])
def test_api_doctests(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0
