"""Federated queries (docs/federation.md) from our embedded store to a second SPARQL endpoint that stands in for
Wikidata: `oxigraph serve` (PyPI `oxigraph`, the [test] extra) on a free loopback port with a small fixture."""
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from kg.ingest import ingest
from kg.store import OxigraphStore
from kg.tables import import_table

from conftest import ROOT, write_doc

OXIGRAPH = Path(sys.executable).parent / "oxigraph"
FIXTURE = ROOT / "tests" / "fixtures" / "wikidata_countries.ttl"
DOC = ROOT / "docs" / "federation.md"
WIKIDATA = "https://query.wikidata.org/sparql"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def wikidata():
    """`oxigraph serve` in memory on 127.0.0.1:PORT, loaded with the fixture; yields its query endpoint."""
    if not OXIGRAPH.exists():
        pytest.fail(f"{OXIGRAPH} is missing: install the test extra (pip install -e '.[test]', or make test)")
    port = _free_port()
    server = subprocess.Popen([str(OXIGRAPH), "serve", "--bind", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(base + "/", timeout=1).status_code < 500:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail(f"oxigraph serve did not start: {server.stderr.read1().decode() if server.stderr else ''}")
        loaded = httpx.post(base + "/store?default", content=FIXTURE.read_bytes(),
                            headers={"Content-Type": "text/turtle"}, timeout=10)
        assert loaded.status_code in (200, 201, 204), loaded.text
        yield base + "/query"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    docs = tmp_path_factory.mktemp("federation")
    write_doc(docs, "gallium.md", "China refines about 98% of the world's gallium [1].", title="Gallium")
    db = OxigraphStore(None)
    assert not ingest([docs], db).rejected
    assert import_table(ROOT / "data" / "usgs_mcs2026_world_production.csv",
                        ROOT / "mappings" / "usgs_mcs2026.yaml", db).status == "added"
    return db


def documented_queries() -> list[str]:
    queries = re.findall(r"```sparql\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    assert len(queries) == 3 and all(WIKIDATA in q for q in queries)
    return queries


def _run(store, query: str, endpoint: str) -> list[dict]:
    result = store.query(query.replace(WIKIDATA, endpoint))
    names = [v.value for v in result.variables]
    return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in result]


def test_federation_stand_in_answers_directly(wikidata):
    response = httpx.get(wikidata, params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
                         headers={"Accept": "application/sparql-results+json"}, timeout=10)
    assert int(response.json()["results"]["bindings"][0]["n"]["value"]) == 42


def test_federation_official_figures_with_population(store, wikidata):
    rows = _run(store, documented_queries()[0], wikidata)
    assert [(r["country"].rsplit("/", 1)[-1], r["year"], r["iso3"]) for r in rows] == [
        ("CN", "2025", "CHN"), ("RU", "2025", "RUS"), ("JP", "2025", "JPN"),
        ("CN", "2024", "CHN"), ("RU", "2024", "RUS"), ("JP", "2024", "JPN")]
    assert float(rows[0]["share"]) == 100.0 and float(rows[3]["share"]) == 98.9
    assert rows[0]["population"] == "1410000000"


def test_federation_news_claims_with_dutch_names(store, wikidata):
    rows = _run(store, documented_queries()[1], wikidata)
    assert len(rows) == 1
    [row] = rows
    assert row["country"].endswith("/country/CN") and row["relation"].endswith("#refines")
    assert "98%" in row["sentence"] and row["name_nl"] == "China"
    assert row["capital"] == "http://www.wikidata.org/entity/Q956"


def test_federation_iso_audit_finds_no_disagreement(store, wikidata):
    query = documented_queries()[2]
    assert _run(store, query, wikidata) == []
    joined = _run(store, query.replace("FILTER (?ours != ?theirs)", ""), wikidata)
    assert len(joined) == 6 and all(r["ours"] == r["theirs"] for r in joined)


def test_federation_silent_service_tolerates_a_dead_endpoint(store):
    dead = f"http://127.0.0.1:{_free_port()}/query"
    query = documented_queries()[0]
    with pytest.raises(OSError):
        _run(store, query, dead)
    rows = _run(store, query.replace("SERVICE <", "SERVICE SILENT <"), dead)
    assert len(rows) == 6 and all(r["iso3"] is None and r["population"] is None for r in rows)
