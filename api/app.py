"""The crmkg API and web page: SPARQL 1.1 Protocol (`/sparql`), questions (`/ask`), entity and document pages
with machine twins, uploads (`POST /documents`), contradictions, and the question page at `/`.

Routes validate input and call the library. Every error, from any route, has one JSON shape:
`{"error": {"code", "type", "message", "details"}}` (an HTML page with the same content for browsers)."""
from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import linked, pages, questions, resources, sparql
from api.errors import HTTPProblem, InternalError, InvalidRequest, NotFound, PayloadTooLarge
from api.limits import BodyLimit
from api.negotiation import prefers_html
from api.querypool import close_pool, pool
from kg.errors import CrmkgError
from kg.store import store_location


@asynccontextmanager
async def lifespan(app: FastAPI):
    pool().start()  # warm: the workers import while the server starts
    yield
    close_pool()


app = FastAPI(title="crmkg", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
              description="A knowledge graph of critical raw materials: questions in English and Dutch, a SPARQL "
                          "1.1 endpoint, entity and document pages with their sources. Every error has the shape "
                          '`{"error": {"code", "type", "message", "details"}}`.')
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET"], allow_headers=["Accept"])
app.add_middleware(BodyLimit)  # 413 for bodies over api/limits.py's limits, before they are read
app.mount("/static", StaticFiles(directory=str(pages.HERE / "static")), name="static")
# Swagger UI and ReDoc from the fastapi-offline package, so /docs works with no internet
DOCS_ASSETS = Path(fastapi_offline.__file__).resolve().parent / "static"
app.mount("/docs-assets", StaticFiles(directory=str(DOCS_ASSETS)), name="docs-assets")
for module in (pages, questions, sparql, resources, linked):
    app.include_router(module.router)


def error_response(request: Request, exc: CrmkgError) -> Response:
    if prefers_html(request.headers.get("accept")):
        return pages.render(request, "error.html", status_code=exc.status, error=exc.to_dict()["error"],
                            title=f"Error {exc.status}")
    return JSONResponse(exc.to_dict(), status_code=exc.status)


@app.exception_handler(CrmkgError)
async def crmkg_error(request: Request, exc: CrmkgError) -> Response:
    return error_response(request, exc)


@app.exception_handler(RequestValidationError)
async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
    problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
    return error_response(request, InvalidRequest(f"invalid request: {problems}"))


@app.exception_handler(StarletteHTTPException)
async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
    if exc.status_code == 404:
        error: CrmkgError = NotFound(f"no route {request.url.path}: see /docs for the API")
    elif exc.status_code == 413:
        error = PayloadTooLarge(str(exc.detail))
    else:
        error = HTTPProblem(str(exc.detail))
        error.status = exc.status_code
    response = error_response(request, error)
    for key, value in (exc.headers or {}).items():
        response.headers[key] = value
    return response


@app.exception_handler(Exception)
async def unexpected(request: Request, exc: Exception) -> Response:
    return error_response(request, InternalError(f"unexpected {type(exc).__name__}: {exc}"))


@app.get("/docs", include_in_schema=False)
def swagger_ui() -> HTMLResponse:
    return get_swagger_ui_html(openapi_url=app.openapi_url, title="crmkg API",
                               swagger_js_url="/docs-assets/swagger-ui-bundle.js",
                               swagger_css_url="/docs-assets/swagger-ui.css", swagger_favicon_url="/static/favicon.svg")


@app.get("/redoc", include_in_schema=False)
def redoc() -> HTMLResponse:
    return get_redoc_html(openapi_url=app.openapi_url, title="crmkg API", redoc_js_url="/docs-assets/redoc.standalone.js",
                          redoc_favicon_url="/static/favicon.svg", with_google_fonts=False)


@app.get("/health", tags=["service"], summary="Liveness and store size")
def health() -> dict:
    """`status: ok`, the store location and its number of triples (the store is opened read-only)."""
    store = pages.read_store()
    return {"status": "ok", "store": store_location(None), "triples": store.triple_count()}
