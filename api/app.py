"""The crmkg API: GET/POST /sparql (SPARQL 1.1 protocol, read-only), GET /ask?q=, GET /health.

Routes validate input and call the library; every error has one JSON shape: {"error": {code, type, message}}."""
from __future__ import annotations

import os

import pyoxigraph as ox
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from api.linked import router as linked_router
from kg.ask import Asker
from kg.errors import CrmkgError, QueryError
from kg.store import open_store, store_location

app = FastAPI(title="crmkg", version="0.1.0",
              description="A knowledge graph of critical raw materials: questions, SPARQL and provenance.")
app.include_router(linked_router)

RESULT_TYPES = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
                "application/sparql-results+xml": ox.QueryResultsFormat.XML,
                "text/csv": ox.QueryResultsFormat.CSV, "text/tab-separated-values": ox.QueryResultsFormat.TSV}
GRAPH_TYPES = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
               "application/rdf+xml": ox.RdfFormat.RDF_XML}


def _store():
    return open_store(os.environ.get("CRMKG_STORE"), read_only=True)


@app.exception_handler(CrmkgError)
async def crmkg_error(request: Request, exc: CrmkgError) -> JSONResponse:
    return JSONResponse(exc.to_dict(), status_code=exc.status)


@app.exception_handler(RequestValidationError)
async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
    error = CrmkgError(f"invalid request: {problems}")
    error.code = "E422"
    return JSONResponse(error.to_dict(), status_code=422)


@app.get("/health")
def health() -> dict:
    store = _store()
    return {"status": "ok", "store": store_location(None), "triples": store.triple_count()}


@app.get("/ask")
def ask(q: str = Query(..., min_length=1, max_length=1000, description="a question in English or Dutch")) -> dict:
    return Asker(_store()).ask(q)


def _run_sparql(query: str, accept: str) -> Response:
    if len(query) > 100_000:
        raise QueryError("the query is longer than 100,000 characters")
    try:
        result = _store().db.query(query, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise QueryError(f"malformed SPARQL: {exc}") from exc
    if isinstance(result, ox.QueryTriples):
        media = next((m for m in GRAPH_TYPES if m in accept), "text/turtle")
        return Response(result.serialize(format=GRAPH_TYPES[media]), media_type=media)
    media = next((m for m in RESULT_TYPES if m in accept), "application/sparql-results+json")
    return Response(result.serialize(format=RESULT_TYPES[media]), media_type=media)


@app.get("/sparql")
def sparql_get(request: Request, query: str = Query(..., min_length=1)) -> Response:
    return _run_sparql(query, request.headers.get("accept", ""))


@app.post("/sparql")
async def sparql_post(request: Request) -> Response:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/sparql-query"):
        query = (await request.body()).decode("utf-8")
    else:
        form = await request.form()
        query = str(form.get("query") or "")
    if not query:
        raise QueryError("no query: send it as the 'query' form field or as an application/sparql-query body")
    return _run_sparql(query, request.headers.get("accept", ""))
