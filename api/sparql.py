"""The SPARQL 1.1 Protocol endpoint: query by GET, POST form or POST application/sparql-query; results by `Accept`;
a service description; read-only unless CRMKG_ENABLE_UPDATE=1 and the caller has the bearer token."""
from __future__ import annotations

import os
from urllib.parse import parse_qs

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from api.errors import Forbidden, InvalidRequest, NotAcceptable, UnsupportedMediaType
from api.negotiation import (
    FORMAT_NAMES,
    GRAPH_ALIASES,
    GRAPHS,
    RESULT_ALIASES,
    RESULTS,
    choose,
    prefers_html,
)
from api.querypool import Job, pool, query_timeout, result_limit
from api.writing import require_token, write
from kg.errors import QueryError
from kg.store import store_location

router = APIRouter(tags=["SPARQL"])
MAX_QUERY = 100_000
SD_PREFIXES = {"sd": "http://www.w3.org/ns/sparql-service-description#", "dcterms": "http://purl.org/dc/terms/",
               "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "formats": "http://www.w3.org/ns/formats/"}
SPARQL_BODY = {"requestBody": {"content": {
    "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
        "query": {"type": "string"}, "update": {"type": "string"},
        "default-graph-uri": {"type": "array", "items": {"type": "string"}},
        "named-graph-uri": {"type": "array", "items": {"type": "string"}}}}},
    "application/sparql-query": {"schema": {"type": "string"}},
    "application/sparql-update": {"schema": {"type": "string"}}}}}
RESULT_DOC = {200: {"description": "SELECT/ASK results (JSON, XML, CSV, TSV) or CONSTRUCT/DESCRIBE triples (Turtle, "
                                   "N-Triples, JSON-LD, RDF/XML, TriG, N-Quads), chosen by `Accept` or `format`",
                    "content": {m: {} for m in [*RESULTS, *GRAPHS]}},
              400: {"description": "malformed query, or more results than CRMKG_RESULT_LIMIT"},
              503: {"description": "the query ran longer than CRMKG_QUERY_TIMEOUT"}}


def media_for(request: Request, formats: list[str]) -> tuple[str | None, str | None]:
    """(results media, graph media) from `format` values or else the Accept header; None means the default.

    `format` may be a short name (json, xml, csv, tsv, ttl, nt, jsonld, rdf, trig, nq) or a media type; values
    that are neither are ignored (SPARQLWrapper sends several, such as `rdf+xml`)."""
    for value in formats:
        value = value.strip().lower()
        if value in FORMAT_NAMES:
            return FORMAT_NAMES[value]
        media = value if "/" in value else f"application/{value}"
        results = RESULT_ALIASES.get(media, media)
        graph = GRAPH_ALIASES.get(media, media)
        if results in RESULTS or graph in GRAPHS:
            return (results if results in RESULTS else None), (graph if graph in GRAPHS else None)
    accept = request.headers.get("accept")
    picked = []
    for offered, aliases in ((list(RESULTS), RESULT_ALIASES), (list(GRAPHS), GRAPH_ALIASES)):
        try:
            picked.append(choose(accept, offered, aliases))
        except NotAcceptable:  # nothing acceptable in this family: the default
            picked.append(None)
    return picked[0], picked[1]


def run_query(request: Request, query: str, formats: list[str], default_graphs: list[str] | None = None,
              named_graphs: list[str] | None = None) -> Response:
    if len(query) > MAX_QUERY:
        raise QueryError(f"the query is longer than {MAX_QUERY:,} characters")
    results_media, graph_media = media_for(request, formats)
    job = Job(store=store_location(None), query=query, results_media=results_media, graph_media=graph_media,
              limit=result_limit(), default_graphs=default_graphs or None, named_graphs=named_graphs or None)
    outcome = pool().run(job, query_timeout())
    return Response(outcome.body, media_type=outcome.media_type, headers={"Vary": "Accept"})


def service_description(request: Request) -> str:
    """Turtle using the SPARQL Service Description vocabulary (sd:)."""
    endpoint = str(request.url_for("sparql_get"))
    update = os.environ.get("CRMKG_ENABLE_UPDATE") == "1"
    results = {"application/sparql-results+json": "SPARQL_Results_JSON", "application/sparql-results+xml": "SPARQL_Results_XML",
               "text/csv": "SPARQL_Results_CSV", "text/tab-separated-values": "SPARQL_Results_TSV",
               "text/turtle": "Turtle", "application/n-triples": "N-Triples", "application/ld+json": "JSON-LD",
               "application/rdf+xml": "RDF_XML", "application/trig": "TriG", "application/n-quads": "N-Quads"}
    formats = ", ".join(f"<http://www.w3.org/ns/formats/{name}>" for name in results.values())
    languages = "sd:SPARQL11Query" + (", sd:SPARQL11Update" if update else "")
    return f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

<{endpoint}> a sd:Service ;
    rdfs:label "crmkg SPARQL endpoint" ;
    rdfs:comment "The critical raw materials knowledge graph. The default graph is the union of all named graphs (one per document, plus the vocabulary and contradictions graphs). Read-only{'' if not update else '; SPARQL Update with a bearer token'}; queries stop after {query_timeout():g} s and {result_limit():,} results." ;
    sd:endpoint <{endpoint}> ;
    sd:supportedLanguage {languages} ;
    sd:feature sd:UnionDefaultGraph, sd:BasicFederatedQuery ;
    sd:resultFormat {formats} ;
    sd:defaultDataset [
        a sd:Dataset ;
        sd:defaultGraph [ a sd:Graph ; dcterms:description "the union of all named graphs" ]
    ] .
"""


def _graph_response(request: Request, turtle: str) -> Response:
    media = choose(request.headers.get("accept"), list(GRAPHS), GRAPH_ALIASES, default="text/turtle")
    fmt = GRAPHS[media]
    quads = ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE)
    if not fmt.supports_datasets:
        quads = [q.triple for q in quads]
    prefixes = SD_PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    return Response(ox.serialize(quads, format=fmt, prefixes=prefixes), media_type=media, headers={"Vary": "Accept"})


@router.get("/sparql", name="sparql_get", responses=RESULT_DOC, summary="SPARQL query (GET) or service description")
def sparql_get(request: Request,
               query: str | None = Query(None, description="a SPARQL 1.1 query; without it: the service description "
                                                          "(Turtle; the query editor for browsers)"),
               default_graph_uri: list[str] = Query([], alias="default-graph-uri",
                                                    description="graphs whose union is the default graph "
                                                                "(default: all named graphs)"),
               named_graph_uri: list[str] = Query([], alias="named-graph-uri", description="the named graphs visible to GRAPH"),
               format: str | None = Query(None, description="json, xml, csv, tsv, ttl, nt, jsonld, rdf, trig, nq "
                                                            "or a media type: overrides Accept")) -> Response:
    """SPARQL 1.1 Protocol query by GET. The default graph is the union of all named graphs."""
    if "update" in request.query_params:
        raise InvalidRequest("SPARQL Update must be sent by POST (form field `update` or application/sparql-update)")
    if not query:
        if prefers_html(request.headers.get("accept")):
            return RedirectResponse("/query", status_code=303)
        return _graph_response(request, service_description(request))
    return run_query(request, query, request.query_params.getlist("format"), default_graph_uri, named_graph_uri)


@router.post("/sparql", responses=RESULT_DOC, openapi_extra=SPARQL_BODY, summary="SPARQL query or update (POST)")
async def sparql_post(request: Request) -> Response:
    """SPARQL 1.1 Protocol by POST: form-encoded `query` (or `update`), or the query or update as the body
    (`application/sparql-query`, `application/sparql-update`). Updates are refused (403) unless the server runs
    with CRMKG_ENABLE_UPDATE=1 and the request carries `Authorization: Bearer <CRMKG_TOKEN>`."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    params = {k: request.query_params.getlist(k) for k in request.query_params}
    if content_type == "application/sparql-query":
        query, update = await _body_text(request), None
    elif content_type == "application/sparql-update":
        query, update = None, await _body_text(request)
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        if content_type == "application/x-www-form-urlencoded":  # parse by hand: repeated fields are lists
            fields = parse_qs(await _body_text(request), keep_blank_values=True)
        else:
            form = await request.form()
            fields = {k: [str(v) for v in form.getlist(k)] for k in form}
        for key, values in fields.items():
            params.setdefault(key, []).extend(values)
        query = (params.pop("query", None) or [None])[0]
        update = (params.pop("update", None) or [None])[0]
    else:
        raise UnsupportedMediaType(
            f"cannot read a {content_type or 'body without content type'}: send application/sparql-query, "
            "application/sparql-update or a form (application/x-www-form-urlencoded) with `query`", content_type=content_type)
    if update is not None:
        return run_update(request, update)
    if not query:
        raise QueryError("no query: send it as the `query` form field or as an application/sparql-query body")
    return run_query(request, query, params.get("format", []), params.get("default-graph-uri"), params.get("named-graph-uri"))


async def _body_text(request: Request) -> str:
    try:
        return (await request.body()).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QueryError(f"the request body is not UTF-8 text: {exc}") from exc


def run_update(request: Request, update: str) -> Response:
    if os.environ.get("CRMKG_ENABLE_UPDATE") != "1":
        raise Forbidden("this endpoint is read-only: SPARQL Update is disabled (the server enables it with "
                        "CRMKG_ENABLE_UPDATE=1 and a CRMKG_TOKEN bearer token)")
    require_token(request)

    def apply(store) -> None:
        try:
            store.db.update(update)
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL Update: {exc}") from exc
        except (OSError, RuntimeError, ValueError) as exc:  # e.g. LOAD of a URL that cannot be fetched
            raise QueryError(f"the update failed: {exc}") from exc

    write(apply)
    return Response(status_code=204)
