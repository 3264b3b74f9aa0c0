"""The store interface on three backends: embedded Oxigraph, a real `oxigraph serve` (PyPI `oxigraph`, the [test]
extra) and, where Debian's virtuoso-opensource installs, Virtuoso; each server on free loopback ports. The same
ingest, ask, export and validation tests run against each and must give what the embedded store gives."""
from __future__ import annotations

import inspect
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from kg.ask import EXAMPLES, ask
from kg.contradictions import refresh_contradictions
from kg.errors import QueryError, StoreError
from kg.ingest import ingest
from kg.remote import RemoteStore
from kg.stats import store_stats
from kg.store import OxigraphStore, open_store
from kg.validate import validate_store

from conftest import CORPUS, QUESTION, REFINES_SENTENCE, write_doc

OXIGRAPH = Path(sys.executable).parent / "oxigraph"
CRMKG = Path(sys.executable).parent / "crmkg"
VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
BACKENDS = ["embedded", "oxigraph", "virtuoso"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_http(url: str, process: subprocess.Popen, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what} exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail(f"{what} did not answer at {url} within {seconds:g} s")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    """`oxigraph serve` on disk on 127.0.0.1:PORT; yields its base URL."""
    if not OXIGRAPH.exists():
        pytest.fail(f"{OXIGRAPH} is missing: install the test extra (pip install -e '.[test]', or make test)")
    port = _free_port()
    server = subprocess.Popen([str(OXIGRAPH), "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")),
                               "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_http(base + "/", server, "oxigraph serve")
        yield base
    finally:
        _stop(server)


def _install_virtuoso() -> None:
    """apt-get install virtuoso-opensource (seconds; starts no service); skip only when apt-get itself fails."""
    if shutil.which("virtuoso-t") and VIRTUOSO_INI.exists():
        return
    if not shutil.which("apt-get"):
        pytest.skip("virtuoso-opensource is not installed and there is no apt-get to install it")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", "install", "-y", "-qq", "virtuoso-opensource"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    if result.returncode != 0:  # no package lists yet on a fresh machine
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, text=True, timeout=900)
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    if result.returncode != 0 or not shutil.which("virtuoso-t"):
        pytest.skip(f"apt-get install virtuoso-opensource failed ({result.returncode}): {result.stderr[-400:]}")


def _virtuoso_ini(folder: Path, sql_port: int, http_port: int) -> Path:
    """A copy of Debian's virtuoso.ini with every file in `folder` and both servers on loopback ports."""
    section, lines = "", []
    for line in VIRTUOSO_INI.read_text().splitlines():
        header = re.match(r"\s*\[(.+)\]", line)
        section = header.group(1) if header else section
        key = line.split("=", 1)[0].strip()
        if key in ("DatabaseFile", "ErrorLogFile", "LockFile", "TransactionFile", "xa_persistent_file"):
            line = f"{key} = {folder / Path(line.split('=', 1)[1].strip()).name}"
        elif key == "ServerPort" and section in ("Parameters", "HTTPServer"):
            line = f"ServerPort = 127.0.0.1:{sql_port if section == 'Parameters' else http_port}"
        elif key == "ResultSetMaxRows":
            line = "ResultSetMaxRows = 1000000"  # the default 10,000 cuts a store's dump short
        elif key == "DirsAllowed":
            line = f"DirsAllowed = ., {folder}"
        lines.append(line)
    path = folder / "virtuoso.ini"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory):
    """Virtuoso 7 in a scratch folder on loopback ports; yields the settings a Virtuoso user sets."""
    _install_virtuoso()
    folder = tmp_path_factory.mktemp("virtuoso")
    http_port = _free_port()
    ini = _virtuoso_ini(folder, _free_port(), http_port)
    server = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(ini)], cwd=folder,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http_port}"
    try:
        _wait_http(base + "/sparql?query=ASK%7B%7D", server, "virtuoso-t", seconds=120)
        yield {"CRMKG_QUERY_URL": base + "/sparql", "CRMKG_UPDATE_URL": base + "/sparql-auth",
               "CRMKG_GSP_URL": base + "/sparql-graph-crud-auth", "CRMKG_STORE_USER": "dba",
               "CRMKG_STORE_PASSWORD": "dba", "CRMKG_STORE_AUTH": "digest", "base": base}
    finally:
        _stop(server)


def _clear(store) -> None:
    for graph in store.graphs():
        store.drop_graph(graph)


def _remote(settings: dict[str, str], location: str):
    """open_store(location) with the settings in the environment, as a user would set them."""
    with pytest.MonkeyPatch.context() as patch:
        for key in ("CRMKG_QUERY_URL", "CRMKG_UPDATE_URL", "CRMKG_GSP_URL", "CRMKG_STORE_USER",
                    "CRMKG_STORE_PASSWORD", "CRMKG_STORE_AUTH"):
            patch.delenv(key, raising=False)
        for key, value in settings.items():
            if key.startswith("CRMKG_"):
                patch.setenv(key, value)
        return open_store(location)


@pytest.fixture(scope="module", params=BACKENDS)
def empty_store(request):
    """A store of each backend with none of our graphs in it."""
    if request.param == "embedded":
        return OxigraphStore(None)
    if request.param == "oxigraph":
        store = _remote({}, request.getfixturevalue("oxigraph_server"))
    else:
        settings = request.getfixturevalue("virtuoso_server")
        store = _remote(settings, settings["base"])
    assert isinstance(store, RemoteStore)
    _clear(store)
    return store


@pytest.fixture(scope="module")
def ingested(empty_store):
    summary = ingest([CORPUS], empty_store)
    return empty_store, summary


def _answers(reply: dict) -> tuple:
    return (reply["intent"], sorted(
        (a["label"], a.get("documents"), tuple(sorted({ev["sentence"] for ev in a["evidence"]})))
        for a in reply["answers"]))


def _quads(store) -> set[str]:
    buffer = io.BytesIO()
    store.dump(buffer)
    return set(buffer.getvalue().decode().splitlines())


def test_remote_ingest_adds_every_document(ingested):
    store, summary = ingested
    assert summary.rejected == [] and summary.added == summary.documents > 10


def test_remote_ingest_same_graphs_and_triples(ingested, corpus_store):
    store, _ = ingested
    assert store.graphs() == corpus_store.graphs()
    assert store.triple_count() == corpus_store.triple_count()


def test_remote_ingest_same_stats(ingested, corpus_store):
    store, _ = ingested
    assert store_stats(store) == store_stats(corpus_store)


@pytest.mark.parametrize("intent", sorted(EXAMPLES))
def test_remote_ask_same_answers(ingested, corpus_store, intent):
    store, _ = ingested
    reply, expected = ask(store, EXAMPLES[intent]), ask(corpus_store, EXAMPLES[intent])
    assert reply["sparql"] == expected["sparql"]
    assert _answers(reply) == _answers(expected)


def test_remote_ask_answers_with_evidence(ingested):
    store, _ = ingested
    reply = ask(store, QUESTION)
    china = next(a for a in reply["answers"] if a["label"] == "China")
    assert china["evidence"] and china["evidence"][0]["document"]["title"]


def test_remote_export_same_quads(ingested, corpus_store):
    store, _ = ingested
    assert _quads(store) == _quads(corpus_store)


def test_remote_validate_conforms(ingested, corpus_store):
    store, _ = ingested
    report = validate_store(store)
    assert report["conforms"], report["violations"][:3]
    assert report["graphs"] == validate_store(corpus_store)["graphs"]


def test_remote_select_types_values(ingested):
    store, _ = ingested
    [row] = store.select("SELECT (COUNT(*) AS ?n) (1.5 AS ?d) (true AS ?b) ('x' AS ?s) WHERE { }")
    assert row == {"n": 1, "d": 1.5, "b": True, "s": "x"}


def test_remote_reingest_changes_nothing(ingested):
    store, _ = ingested
    count = store.triple_count()
    again = ingest([CORPUS], store)
    assert again.unchanged == again.documents and again.added == again.replaced == 0
    assert store.triple_count() == count


def test_remote_edit_replaces_graph(ingested, tmp_path):
    """Runs after the comparisons (same module store); puts the store back as it was."""
    store, _ = ingested
    path = write_doc(tmp_path, "remote-edit.md", f"{REFINES_SENTENCE} [1].", url="https://example.org/remote-edit")
    query = 'SELECT ?e WHERE {{ ?e crm:sentence ?s FILTER(CONTAINS(?s, "{}")) ?e crm:document ?d . ?d schema:url ?u FILTER(CONTAINS(STR(?u), "remote-edit")) }}'
    assert ingest([path], store).added == 1
    assert store.select(query.format("refines about 90%"))
    write_doc(tmp_path, "remote-edit.md", "Japan imports gallium from China [2].", url="https://example.org/remote-edit")
    second = ingest([path], store)
    assert second.replaced == 1 and not second.rejected
    assert not store.select(query.format("refines about 90%"))
    assert store.select(query.format("Japan imports gallium"))
    [doc] = [g for g in store.graphs() if store.select("SELECT ?u WHERE { GRAPH ?g { ?g schema:url ?u } }", g=g)
             and "remote-edit" in str(store.select("SELECT ?u WHERE { GRAPH ?g { ?g schema:url ?u } }", g=g)[0]["u"])]
    store.drop_graph(doc)
    refresh_contradictions(store)


# -- settings, errors and the CLI ---------------------------------------------------------------------------------
def test_remote_has_every_method_of_the_embedded_store():
    for name, method in inspect.getmembers(OxigraphStore, inspect.isfunction):
        if name.startswith("_"):
            continue
        assert hasattr(RemoteStore, name), name
        assert list(inspect.signature(getattr(RemoteStore, name)).parameters) == \
            list(inspect.signature(method).parameters), name


def test_remote_open_store_reads_settings(monkeypatch):
    for key in ("CRMKG_QUERY_URL", "CRMKG_UPDATE_URL", "CRMKG_GSP_URL", "CRMKG_STORE_USER"):
        monkeypatch.delenv(key, raising=False)
    store = open_store("http://127.0.0.1:7878/")
    assert isinstance(store, RemoteStore) and store.union_param
    assert (store.query_url, store.update_url, store.gsp_url) == (
        "http://127.0.0.1:7878/query", "http://127.0.0.1:7878/update", "http://127.0.0.1:7878/store")
    monkeypatch.setenv("CRMKG_QUERY_URL", "http://db.example:7200/repositories/crm")
    monkeypatch.setenv("CRMKG_UPDATE_URL", "http://db.example:7200/repositories/crm/statements")
    monkeypatch.setenv("CRMKG_STORE_USER", "crm")
    monkeypatch.setenv("CRMKG_STORE_PASSWORD", "secret")
    monkeypatch.setenv("CRMKG_STORE_AUTH", "digest")
    store = open_store("http://db.example:7200")
    assert not store.union_param and store.gsp_url is None and store.dataset_url is None
    assert store.update_url.endswith("/statements") and isinstance(store.http.auth, httpx.DigestAuth)
    monkeypatch.setenv("CRMKG_STORE_AUTH", "kerberos")
    with pytest.raises(StoreError, match="basic or digest"):
        open_store("http://db.example:7200")


def test_remote_store_down_names_the_url(monkeypatch):
    monkeypatch.delenv("CRMKG_QUERY_URL", raising=False)
    url = f"http://127.0.0.1:{_free_port()}"
    with pytest.raises(StoreError, match=re.escape(url + "/query")) as caught:
        open_store(url).select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert "cannot reach" in caught.value.message


def test_remote_slow_store_times_out(monkeypatch):
    """A server that accepts the connection and never answers: StoreError after CRMKG_STORE_TIMEOUT seconds."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: list[socket.socket] = []
    thread = threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True)
    thread.start()
    monkeypatch.delenv("CRMKG_QUERY_URL", raising=False)
    monkeypatch.setenv("CRMKG_STORE_TIMEOUT", "0.5")
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    try:
        with pytest.raises(StoreError, match="did not answer within 0.5 s") as caught:
            open_store(url).document_hash("https://w3id.org/crmkg/id/document/x")
        assert url + "/query" in caught.value.message
    finally:
        listener.close()
        for conn in accepted:
            conn.close()


def test_remote_malformed_query_is_a_query_error(oxigraph_server):
    store = _remote({}, oxigraph_server)
    with pytest.raises(QueryError, match="malformed SPARQL"):
        store.select("SELECT ?x WHERE { ?x ")


def test_remote_read_only_refuses_writes(oxigraph_server):
    store = open_store(oxigraph_server, read_only=True)
    with pytest.raises(StoreError, match="read-only"):
        store.drop_graph("https://w3id.org/crmkg/id/document/x")


def test_remote_virtuoso_wrong_password_is_refused(virtuoso_server):
    store = _remote({**virtuoso_server, "CRMKG_STORE_PASSWORD": "wrong"}, virtuoso_server["base"])
    with pytest.raises(StoreError, match="refused") as caught:
        store.drop_graph("https://w3id.org/crmkg/id/document/x")
    assert virtuoso_server["CRMKG_UPDATE_URL"] in caught.value.message


def test_remote_cli_ingest_ask_export(tmp_path):
    """`--store URL` end to end through the CLI, on its own in-memory oxigraph server."""
    port = _free_port()
    server = subprocess.Popen([str(OXIGRAPH), "serve", "--bind", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRMKG_")}
    run = lambda *args: subprocess.run([str(CRMKG), *args], capture_output=True, text=True, timeout=180, env=env)  # noqa: E731
    try:
        _wait_http(url + "/", server, "oxigraph serve")
        write_doc(tmp_path, "refining.md", f"{REFINES_SENTENCE} [1].")
        ingested = run("ingest", "--store", url, str(tmp_path))
        assert ingested.returncode == 0 and "added 1" in ingested.stdout, ingested.stderr
        answered = run("ask", "--json", "--store", url, QUESTION)
        assert answered.returncode == 0 and '"China"' in answered.stdout, answered.stderr
        exported = run("export", "--store", url, "--format", "nq")
        assert exported.returncode == 0 and REFINES_SENTENCE in exported.stdout
        gone = f"http://127.0.0.1:{_free_port()}"
        down = run("sparql", "--store", gone, "ASK { ?s ?p ?o }")
        assert down.returncode == 2 and f"{gone}/query" in down.stderr and "E300" in down.stderr
    finally:
        _stop(server)
