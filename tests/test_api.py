import gc
import shutil

import pytest
from fastapi.testclient import TestClient

from api.app import app
from kg.ask import ask
from kg.ingest import ingest
from kg.store import OxigraphStore

from conftest import CORPUS, QUESTION

SELECT = "SELECT ?st WHERE { ?st <https://w3id.org/crmkg/ontology#relation> ?r } LIMIT 3"
JSON_RESULTS = "application/sparql-results+json"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("api")
    docs = root / "docs"
    docs.mkdir()
    shutil.copy(CORPUS / "seed_transatlantic_alliance_en.md", docs)
    store = OxigraphStore(str(root / "store"))
    assert ingest([docs], store).added == 1
    store.flush()
    del store
    gc.collect()
    return root / "store"


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
