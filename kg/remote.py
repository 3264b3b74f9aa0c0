"""A remote SPARQL 1.1 store: the same methods as kg.store.OxigraphStore over HTTP (Query, Update and the Graph
Store Protocol), so ingest, questions, validation, stats and export run unchanged against an Oxigraph server,
Virtuoso, GraphDB, Fuseki or Neptune.

`--store http://127.0.0.1:7878` names an Oxigraph server by its base URL (`/query`, `/update`, `/store`). For
other servers the endpoints come from settings (docs/stores.md): CRMKG_QUERY_URL, CRMKG_UPDATE_URL, CRMKG_GSP_URL,
CRMKG_STORE_USER / CRMKG_STORE_PASSWORD with CRMKG_STORE_AUTH (basic or digest), CRMKG_STORE_TIMEOUT (seconds).

Every request is a POST (a long VALUES list never meets a URL length limit) except the Graph Store Protocol's PUT,
DELETE and GET; every request has a timeout; a server that is down, slow or refuses the credentials raises
StoreError naming the URL. Replacing a document graph is one request: a Graph Store PUT of its N-Triples (or,
without a graph store URL, one update `DROP SILENT GRAPH ; INSERT DATA`)."""
from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import httpx
import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.namespaces import BASE, SPARQL_PREFIXES
from kg.store import values_clause

DEFAULT_TIMEOUT = 30.0
RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
N_QUADS = "application/n-quads"
# The first keyword that is not inside an IRI, a string or a comment decides the query form.
_TOKENS = re.compile(r"<[^<>\s]*>|\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|#[^\n]*|[A-Za-z_][\w-]*:?")
_BRACES = re.compile(r"<[^<>\s]*>|\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|#[^\n]*|[{}]")
_FORMS = {"select": "select", "ask": "select", "construct": "graph", "describe": "graph"}


def query_form(sparql: str) -> str:
    """'select' for SELECT and ASK (results as SPARQL JSON), 'graph' for CONSTRUCT and DESCRIBE (N-Triples).

    >>> query_form("PREFIX ex: <http://example.org/select#> # CONSTRUCT in a comment\\nASK { ?s ?p ?o }")
    'select'
    >>> query_form("construct { ?s ?p ?o } where { ?s ?p ?o }")
    'graph'
    """
    for match in _TOKENS.finditer(sparql):
        form = _FORMS.get(match.group().lower())
        if form:
            return form
    raise QueryError("malformed SPARQL: no SELECT, ASK, CONSTRUCT or DESCRIBE in the query")


def inline_values(sparql: str, values: str) -> str:
    """Put a trailing VALUES clause inside the query's WHERE group instead, where it means the same (a join with
    the pattern, before projection): Virtuoso 7 resolves a trailing VALUES against the projected variables only
    ("No column doc") when the bound variable is not selected.

    >>> inline_values("SELECT ?h WHERE { GRAPH ?d { ?d <p> ?h } } LIMIT 1", " VALUES (?d) { (<d>) }")
    'SELECT ?h WHERE { GRAPH ?d { ?d <p> ?h }  VALUES (?d) { (<d>) }\\n} LIMIT 1'
    """
    if not values:
        return sparql
    depth = 0
    for match in _BRACES.finditer(sparql):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth == 0:
                return sparql[:match.start()] + values + "\n" + sparql[match.start():]
    return sparql + values


def json_value(term: dict | None) -> object:
    """A SPARQL JSON term as the Python value kg.store's select returns: numbers and booleans typed, else the
    lexical form or IRI. Virtuoso's `typed-literal` and its booleans written 1/0 are understood.

    >>> json_value({"type": "literal", "datatype": "http://www.w3.org/2001/XMLSchema#integer", "value": "42"})
    42
    >>> json_value({"type": "typed-literal", "datatype": "http://www.w3.org/2001/XMLSchema#boolean", "value": "1"})
    True
    """
    if term is None:
        return None
    kind, value = term.get("type"), term.get("value")
    if kind in ("literal", "typed-literal"):
        datatype = term.get("datatype", "")
        if datatype.endswith(("#integer", "#int")):
            return int(value)
        if datatype.endswith(("#decimal", "#double", "#float")):
            return float(value)
        if datatype.endswith("#boolean"):
            return value in ("true", "1")
        return value
    if kind == "triple":
        return json.dumps(value, sort_keys=True)
    return value


class RemoteStore:
    """A SPARQL 1.1 server used as the store; the same methods as OxigraphStore (see the module docstring).

    `union_param`: send Oxigraph's `union-default-graph` with every query, so that the default graph is the union
    of all named graphs as in the embedded store. Other servers must be configured that way (docs/stores.md).
    `dataset_url`: a URL that answers GET/POST of the whole dataset as N-Quads (Oxigraph's `/store`); without it
    dump and load go graph by graph through the Graph Store Protocol."""

    def __init__(self, query_url: str, update_url: str | None = None, gsp_url: str | None = None, *,
                 dataset_url: str | None = None, union_param: bool = False, auth: httpx.Auth | None = None,
                 timeout: float = DEFAULT_TIMEOUT, read_only: bool = False, name: str | None = None) -> None:
        self.query_url, self.update_url, self.gsp_url = query_url, update_url, gsp_url
        self.dataset_url = dataset_url
        self.union_param = union_param
        self.timeout = timeout
        self.read_only = read_only
        self.path = name or query_url  # what messages call the store
        self.lock = None  # the server serialises writers; there is no writer lock file to hold
        self.http = httpx.Client(auth=auth, timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)))

    @classmethod
    def from_location(cls, location: str, read_only: bool = False) -> RemoteStore:
        """The store at `location` (an Oxigraph server's base URL) with the endpoint, credential and timeout
        settings from the environment; CRMKG_QUERY_URL and friends override the Oxigraph URL layout."""
        base = location.rstrip("/")
        query_url = os.environ.get("CRMKG_QUERY_URL")
        oxigraph_layout = not query_url
        user, password = os.environ.get("CRMKG_STORE_USER"), os.environ.get("CRMKG_STORE_PASSWORD", "")
        auth: httpx.Auth | None = None
        if user:
            scheme = os.environ.get("CRMKG_STORE_AUTH", "basic").lower()
            if scheme not in ("basic", "digest"):
                raise StoreError(f"CRMKG_STORE_AUTH={scheme!r}: use basic or digest")
            auth = httpx.DigestAuth(user, password) if scheme == "digest" else httpx.BasicAuth(user, password)
        try:
            timeout = float(os.environ.get("CRMKG_STORE_TIMEOUT", DEFAULT_TIMEOUT))
        except ValueError:
            raise StoreError("CRMKG_STORE_TIMEOUT must be a number of seconds") from None
        return cls(query_url or f"{base}/query",
                   os.environ.get("CRMKG_UPDATE_URL") or (f"{base}/update" if oxigraph_layout else None),
                   os.environ.get("CRMKG_GSP_URL") or (f"{base}/store" if oxigraph_layout else None),
                   dataset_url=f"{base}/store" if oxigraph_layout else None, union_param=oxigraph_layout,
                   auth=auth, timeout=timeout, read_only=read_only, name=location)

    # -- HTTP ---------------------------------------------------------------------------------------------------
    def _send(self, method: str, url: str | None, what: str, **kwargs: Any) -> httpx.Response:
        if not url:
            raise StoreError(f"no {what} URL for the store at {self.path}: set "
                             f"{'CRMKG_UPDATE_URL' if what == 'update' else 'CRMKG_GSP_URL'} (docs/stores.md)",
                             path=self.path)
        try:
            response = self.http.request(method, url, **kwargs)
        except httpx.TimeoutException as exc:
            raise StoreError(f"the SPARQL store at {url} did not answer within {self.timeout:g} s: check that it "
                             "is up and not overloaded, or raise CRMKG_STORE_TIMEOUT", url=url) from exc
        except httpx.HTTPError as exc:
            raise StoreError(f"cannot reach the SPARQL store at {url} ({type(exc).__name__}: {exc}): start it, or "
                             "check --store and CRMKG_QUERY_URL / CRMKG_UPDATE_URL / CRMKG_GSP_URL", url=url) from exc
        if response.status_code in (401, 403):
            raise StoreError(f"the SPARQL store at {url} refused the {what} ({response.status_code}): set "
                             "CRMKG_STORE_USER and CRMKG_STORE_PASSWORD (CRMKG_STORE_AUTH=digest for Virtuoso)",
                             url=url, status=response.status_code)
        if response.status_code == 404 and method in ("GET", "DELETE") and what == "graph store":
            return response  # a graph that does not exist: empty
        if response.status_code >= 400:
            message = " ".join(response.text.split())[:600]
            if response.status_code == 400 and what in ("query", "update"):
                raise QueryError(f"malformed SPARQL: the store at {url} answered: {message}", url=url)
            raise StoreError(f"the SPARQL store at {url} answered {response.status_code} to a {what}: {message}",
                             url=url, status=response.status_code)
        return response

    def _post_query(self, sparql: str, accept: str, union: bool) -> httpx.Response:
        params = {"union-default-graph": ""} if union and self.union_param else None
        # A form, not an application/sparql-query body: every server takes the form (Virtuoso 7 hangs on the body).
        return self._send("POST", self.query_url, "query", params=params, data={"query": sparql},
                          headers={"Accept": accept})

    def _graph_params(self, graph_iri: str | None) -> dict[str, str]:
        return {"default": ""} if graph_iri is None else {"graph": graph_iri}

    # -- reading ------------------------------------------------------------------------------------------------
    def query(self, sparql: str, substitutions: dict | None = None, union: bool = True):
        """Run a SPARQL query; the result is pyoxigraph's (QuerySolutions, QueryBoolean or QueryTriples), as from
        the embedded store."""
        if substitutions:
            raise QueryError("substitutions are not supported on a remote store: bind IRIs with select(**bindings)")
        if query_form(sparql) == "graph":
            response = self._post_query(sparql, N_TRIPLES, union)
            # QueryTriples cannot be built directly: let an in-memory store CONSTRUCT the same triples.
            scratch = ox.Store()
            scratch.load(response.content, format=_rdf_format(response.headers.get("content-type")),
                         to_graph=ox.DefaultGraph())
            return scratch.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        body = self._post_query(sparql, RESULTS_JSON, union).content
        try:
            return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        except SyntaxError as exc:
            raise StoreError(f"the SPARQL store at {self.query_url} sent results that are not SPARQL JSON: {exc}",
                             url=self.query_url) from exc

    def select(self, sparql: str, **bindings: str) -> list[dict[str, object]]:
        """SELECT with our prefixes; bindings are IRIs bound with a VALUES clause (never pasted text)."""
        response = self._post_query(SPARQL_PREFIXES + inline_values(sparql, values_clause(bindings)), RESULTS_JSON,
                                    True)
        try:
            data = response.json()
            names = data["head"]["vars"]
            return [{n: json_value(row.get(n)) for n in names} for row in data["results"]["bindings"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"the SPARQL store at {self.query_url} sent results that are not SPARQL JSON "
                             f"({type(exc).__name__}: {exc})", url=self.query_url) from exc

    def document_hash(self, doc_iri: str) -> str | None:
        rows = self.select("SELECT ?h WHERE { GRAPH ?doc { ?doc crm:contentHash ?h } }", doc=doc_iri)
        return rows[0]["h"] if rows else None  # type: ignore[return-value]

    def graphs(self) -> list[str]:
        """Our named graphs (IRIs under https://w3id.org/crmkg/): a shared server's other graphs are not ours."""
        rows = self.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {_OURS} }}")
        return sorted(str(r["g"]) for r in rows)

    def triple_count(self) -> int:
        """Quads in our named graphs."""
        return int(self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {_OURS} }}")[0]["n"])  # type: ignore[arg-type]

    # -- writing ------------------------------------------------------------------------------------------------
    def replace_graph(self, graph_iri: str, graph) -> None:
        """Replace one named graph with `graph` (anything with rdflib's `serialize(format="nt")`) in one request:
        a Graph Store PUT, or one update when there is no graph store URL."""
        self._writable()
        body = graph.serialize(format="nt")
        body = body.decode("utf-8") if isinstance(body, bytes) else body
        if not body.strip():
            self.drop_graph(graph_iri)  # a PUT of nothing would leave an empty named graph behind
        elif self.gsp_url:
            self._send("PUT", self.gsp_url, "graph store", params=self._graph_params(graph_iri),
                       content=body.encode("utf-8"), headers={"Content-Type": N_TRIPLES})
        else:
            iri = ox.NamedNode(graph_iri)
            self._update(f"DROP SILENT GRAPH {iri} ;\nINSERT DATA {{ GRAPH {iri} {{\n{body}\n}} }}")

    def drop_graph(self, graph_iri: str) -> None:
        self._writable()
        self._update(f"DROP SILENT GRAPH {ox.NamedNode(graph_iri)}")

    def update(self, sparql: str) -> None:
        self._writable()
        self._update(SPARQL_PREFIXES + sparql)

    def _update(self, sparql: str) -> None:
        self._send("POST", self.update_url, "update", data={"update": sparql})

    def flush(self) -> None:
        """Nothing to do: the server commits each request."""

    def dump(self, output: str | Path | IO[bytes], format: ox.RdfFormat = ox.RdfFormat.N_QUADS) -> None:
        """Write our graphs to `output` (a path or a binary file) in `format` (N-Quads by default)."""
        if self.dataset_url:
            response = self._send("GET", self.dataset_url, "dataset dump", headers={"Accept": N_QUADS})
            nquads = response.content
        else:
            buffer = io.BytesIO()
            for graph_iri in self.graphs():
                response = self._send("GET", self.gsp_url, "graph store", params=self._graph_params(graph_iri),
                                      headers={"Accept": N_TRIPLES})
                if response.status_code == 404:
                    continue
                for triple in ox.parse(response.content, format=_rdf_format(response.headers.get("content-type"))):
                    quad = ox.Quad(triple.subject, triple.predicate, triple.object, ox.NamedNode(graph_iri))
                    buffer.write(ox.serialize([quad], format=ox.RdfFormat.N_QUADS))
            nquads = buffer.getvalue()
        if format == ox.RdfFormat.N_QUADS:
            _write(output, nquads)
        else:
            _write(output, ox.serialize(ox.parse(nquads, format=ox.RdfFormat.N_QUADS), format=format))

    def load(self, input: str | Path | bytes | IO[bytes], format: ox.RdfFormat = ox.RdfFormat.N_QUADS) -> None:
        """Add the quads of `input` (a path, bytes or a binary file of N-Quads): one POST of the whole dataset to
        an Oxigraph server, else one Graph Store POST per graph."""
        self._writable()
        if self.dataset_url and format == ox.RdfFormat.N_QUADS:
            self._send("POST", self.dataset_url, "graph store", content=_chunks(input),
                       headers={"Content-Type": N_QUADS})
            return
        by_graph: dict[str | None, list[ox.Triple]] = {}
        for quad in ox.parse(_read(input), format=format):
            graph = None if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
            by_graph.setdefault(graph, []).append(ox.Triple(quad.subject, quad.predicate, quad.object))
        for graph, triples in by_graph.items():
            self._send("POST", self.gsp_url, "graph store", params=self._graph_params(graph),
                       content=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), headers={"Content-Type": N_TRIPLES})

    def close(self) -> None:
        self.http.close()

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError("this store was opened read-only")

    def __repr__(self) -> str:
        return f"RemoteStore({self.path!r})"


_OURS = f'FILTER (STRSTARTS(STR(?g), "{BASE}"))'


def _rdf_format(content_type: str | None) -> ox.RdfFormat:
    """Servers asked for N-Triples sometimes answer Turtle; N-Triples is a subset of Turtle, so parse as Turtle
    unless the answer says N-Triples."""
    return ox.RdfFormat.N_TRIPLES if content_type and "n-triples" in content_type else ox.RdfFormat.TURTLE


def _write(output: str | Path | IO[bytes], data: bytes) -> None:
    if isinstance(output, (str, Path)):
        Path(output).write_bytes(data)
    else:
        output.write(data)


def _read(input: str | Path | bytes | IO[bytes]) -> bytes:
    if isinstance(input, bytes):
        return input
    if isinstance(input, (str, Path)):
        return Path(input).read_bytes()
    return input.read()


def _chunks(input: str | Path | bytes | IO[bytes], size: int = 1 << 20) -> Iterator[bytes] | bytes:
    if isinstance(input, bytes):
        return input
    if isinstance(input, (str, Path)):
        return _file_chunks(Path(input), size)
    return iter(lambda: input.read(size), b"")


def _file_chunks(path: Path, size: int) -> Iterable[bytes]:
    with path.open("rb") as handle:
        yield from iter(lambda: handle.read(size), b"")


__all__ = ["RemoteStore", "inline_values", "json_value", "query_form"]
