"""The web pages, rendered by the app (no browser): question page, SPARQL editor, entity, document, documents and
contradictions pages; every asset is served locally."""
from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient

from api.app import app
from kg.ask import EXAMPLES
from live_server import build_store

from conftest import QUESTION


@pytest.fixture(scope="module")
def pages_store(tmp_path_factory):
    return build_store(tmp_path_factory.mktemp("pages"))


@pytest.fixture
def client(pages_store, monkeypatch):
    monkeypatch.setenv("CRMKG_STORE", str(pages_store))
    return TestClient(app)


def test_pages_index_lists_every_example(client):
    page = html.unescape(client.get("/").text)
    for example in EXAMPLES.values():
        assert f">{example}</a>" in page
    assert 'name="q"' in page


def test_pages_answer_with_evidence_in_context(client):
    response = client.get("/", params={"q": QUESTION})
    assert response.status_code == 200
    page = response.text
    answers = re.findall(r'class="answer-label" href="([^"]+)">([^<]+)</a>', page)
    assert ("/entities/country/CN", "China") in answers
    assert 'href="http://www.wikidata.org/entity/Q148"' in page
    assert re.search(r'<mark class="sentence">[^<]*processing rare earth elements', page)
    links = re.findall(r'class="doc-link" href="(/documents/[0-9a-f]{16}#ev-\d+-\d+)"', page)
    assert links
    assert re.search(r'class="badge"[^>]*>2 documents<', page)
    assert "cites" in page


def test_pages_answer_links_share_twins_and_editor(client):
    page = client.get("/", params={"q": QUESTION}).text
    hrefs = [html.unescape(h) for h in re.findall(r'href="([^"]+)"', page)]
    share = next(h for h in hrefs if h.startswith("/?q="))
    assert parse_qs(urlparse(share).query)["q"] == [QUESTION]
    assert client.get(next(h for h in hrefs if h.startswith("/ask?q="))).json()["intent"] == "suppliers_of_material"
    assert client.get(next(h for h in hrefs if h.startswith("/ask.csv?q="))).text.startswith("question,intent,answer")
    editor = next(h for h in hrefs if h.startswith("/query?query="))
    query = parse_qs(urlparse(editor).query)["query"][0]
    assert "PREFIX crm:" in query and "VALUES" in query
    assert query in html.unescape(client.get(editor).text)
    runs = client.post("/sparql", data={"query": query})
    assert any(b["answer"]["value"].endswith("/country/CN") for b in runs.json()["results"]["bindings"])


def test_pages_chart_of_shares(client):
    page = client.get("/", params={"q": QUESTION}).text
    chart = re.search(r"<svg.*?</svg>", page, re.S)
    assert chart and "China" in chart.group(0) and "90%" in chart.group(0)
    assert re.search(r'<rect x="160" y="\d+" width="378(\.0)?"', chart.group(0))  # 90 % of the 420-pixel scale


def test_pages_not_understood_shows_message_and_examples(client):
    page = client.get("/", params={"q": "What is the airspeed velocity of an unladen swallow?"}).text
    assert 'class="message"' in page and "<svg" not in page


def test_pages_entity(client):
    page = client.get("/entities/country/CN").text
    assert "<h1>China</h1>" in page
    assert "Wikidata Q148" in page
    assert re.search(r"\d+ statements? from \d+ documents?", page)
    assert re.search(r'href="/documents/[0-9a-f]{16}#ev-\d+-\d+"', page)


def test_pages_document_highlights_every_fact(client):
    doc = next(d for d in client.get("/documents.json").json() if d["statements"])
    data = client.get(f"/documents/{doc['id']}.json").json()
    page = client.get(f"/documents/{doc['id']}").text
    marks = re.findall(r'<mark id="ev-(\d+)-(\d+)"[^>]*>(.*?)</mark>', page, re.S)
    assert marks
    for start, end, text in marks:
        assert data["text"][int(start):int(end)] == html.unescape(text)
    assert {(int(s), int(e)) for s, e, _ in marks} <= {(e["start"], e["end"]) for e in data["evidence"]}
    for source in data["sources"]:
        assert f'id="source-{source["n"]}"' in page


def test_pages_documents_list(client):
    page = client.get("/documents").text
    assert len(re.findall(r'href="/documents/[0-9a-f]{16}"', page)) == 3


def test_pages_contradictions(client):
    response = client.get("/contradictions")
    assert response.status_code == 200 and "Where sources disagree" in response.text
    data = client.get("/contradictions.json").json()
    assert isinstance(data["contradictions"], list)
    for item in data["contradictions"]:
        assert item["statements"] and item["comment"]


def test_pages_query_editor(client):
    page = client.get("/query").text
    assert "<textarea" in page and 'src="/static/query.js"' in page
    assert client.get("/static/query.js").status_code == 200
    assert client.get("/sparql", headers={"accept": "text/html"}, follow_redirects=False).headers["location"] == "/query"


@pytest.mark.parametrize("path", ["/", f"/?q={QUESTION}", "/query", "/entities/country/CN", "/documents",
                                  "/contradictions"])
def test_pages_use_only_local_assets(client, path):
    page = client.get(path).text
    assets = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', page)
    assert assets
    for asset in assets:
        assert asset.startswith("/"), asset
        assert client.get(asset).status_code == 200, asset
