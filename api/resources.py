"""Entity, document and contradiction pages, each also JSON, Turtle, JSON-LD, N-Triples and RDF/XML (by `Accept`
or by suffix: `.json`, `.ttl`, `.jsonld`, `.nt`, `.rdf`); our IRIs (`https://w3id.org/crmkg/id/...`) dereference
through `/id/...`; `POST /documents` ingests a document (bearer token)."""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from api import describe
from api.errors import InvalidRequest, NotFound, PayloadTooLarge, UnsupportedMediaType
from api.negotiation import GRAPHS, choose, split_suffix
from api.pages import read_store, render
from api.writing import require_token, write
from extractors.extract import collect_paths, read_all
from extractors.readers import MAX_BYTES, SUPPORTED_SUFFIXES
from kg.ask import Asker
from kg.errors import DocumentError, ValidationFailed
from kg.ingest import ingest
from kg.namespaces import PREFIXES, document_iri

router = APIRouter(tags=["entities and documents"])
PAGE_TYPES = ["text/html", "application/json", *GRAPHS]
PAGE_ALIASES = {"application/xhtml+xml": "text/html", "application/x-turtle": "text/turtle",
                "text/plain": "application/n-triples"}
RDF_ONLY_TRIPLES = [m for m in GRAPHS if not GRAPHS[m].supports_datasets]
PAGE_DOC = {200: {"description": "HTML, JSON, or RDF (Turtle, JSON-LD, N-Triples, RDF/XML)",
                  "content": {m: {} for m in ["text/html", "application/json", *RDF_ONLY_TRIPLES]}},
            404: {"description": "unknown"}}
KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$")
UPLOAD_SUFFIXES = SUPPORTED_SUFFIXES
MAX_UPLOAD = MAX_BYTES  # the readers' limit; bodies over it are refused earlier by api/limits.py


def representation(request: Request, key: str) -> tuple[str, str]:
    """(key without suffix, media type) from the suffix, else from Accept (HTML for browsers and `*/*`)."""
    stem, media = split_suffix(key)
    if media is None:
        media = choose(request.headers.get("accept"), PAGE_TYPES, PAGE_ALIASES)
    if media not in PAGE_TYPES:
        raise InvalidRequest(f"no {media} view here: use .html, .json, .ttl, .jsonld, .nt or .rdf")
    if not KEY.match(stem):
        raise NotFound(f"{stem!r} is not a valid key", key=stem)
    return stem, media


def rdf_response(found: list, media: str) -> Response:
    fmt = GRAPHS[media]
    items = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in found] if fmt.supports_datasets else found
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML) else None
    return Response(ox.serialize(items, format=fmt, prefixes=prefixes), media_type=media, headers={"Vary": "Accept"})


def json_response(data: dict | list) -> JSONResponse:
    return JSONResponse(data, headers={"Vary": "Accept"})


# -- entities ---------------------------------------------------------------------------------------------------
@router.get("/entities/{kind}/{key}", responses=PAGE_DOC, summary="An entity: everything known about it")
def entity_page(request: Request, kind: str, key: str) -> Response:
    """An entity (material, country, org, person, agreement, policy, event; also statement, contradiction,
    extractor) with its properties, Wikidata links and every statement naming it, each with evidence sentences,
    documents and cited sources. `/entities/country/CN.json`, `.ttl`, `.jsonld` for the machine views."""
    if kind not in describe.ENTITY_KINDS:
        raise NotFound(f"unknown kind {kind!r}: use one of {', '.join(describe.ENTITY_KINDS)}", kind=kind)
    key, media = representation(request, key)
    store = read_store()
    iri = describe.entity_iri(kind, key)
    found = describe.entity(store, iri)
    if found is None:
        raise NotFound(f"nothing is known about {iri}: look it up from a document or an answer", iri=iri)
    if media == "application/json":
        return json_response(found)
    if media == "text/html":
        return render(request, "entity.html", entity=found, title=found["label"])
    return rdf_response(describe.entity_triples(store, found), media)


# -- documents --------------------------------------------------------------------------------------------------
@router.get("/documents", responses=PAGE_DOC, summary="Every document in the graph")
def documents_page(request: Request) -> Response:
    """Title, date, publisher, language and number of statements of each document, newest first."""
    _, media = representation(request, "documents")
    listing = describe.documents(read_store())
    if media == "text/html":
        return render(request, "documents.html", documents=listing, title="Documents")
    if media == "application/json":
        return json_response(listing)
    raise InvalidRequest("the document list is HTML or JSON; each document is also RDF")


@router.get("/documents.json", summary="Every document in the graph (JSON)")
def documents_json() -> Response:
    """The document list as JSON."""
    return json_response(describe.documents(read_store()))


@router.get("/documents/{doc_id}", responses=PAGE_DOC, summary="A document with its facts highlighted")
def document_page(request: Request, doc_id: str) -> Response:
    """The document's text with every sentence that supports a statement highlighted (anchor `#ev-START-END`),
    the statements, and its numbered sources (`#source-N`). RDF views give the document's named graph."""
    doc_id, media = representation(request, doc_id)
    store = read_store()
    found = describe.document(store, doc_id)
    if found is None:
        raise NotFound(f"no document {doc_id}: see /documents for the list", document=doc_id)
    if media == "application/json":
        return json_response({k: v for k, v in found.items() if k != "segments"})
    if media == "text/html":
        return render(request, "document.html", doc=found, title=found["title"])
    return rdf_response(describe.document_triples(store, doc_id), media)


@router.post("/documents", status_code=201, summary="Ingest a document (bearer token)",
             responses={200: {"description": "already in the graph (same content), or replaced"},
                        201: {"description": "added"}, 401: {"description": "no bearer token"},
                        403: {"description": "wrong bearer token"},
                        413: {"description": "the document is larger than 50 MiB"},
                        422: {"description": "unreadable document, or its graph failed the SHACL gate"},
                        503: {"description": "the store is locked by another writer"}},
             openapi_extra={"requestBody": {"content": {
                 "multipart/form-data": {"schema": {"type": "object", "properties": {
                     "file": {"type": "string", "format": "binary"}}, "required": ["file"]}},
                 "text/markdown": {"schema": {"type": "string"}}, "text/plain": {"schema": {"type": "string"}}}}})
async def upload_document(request: Request,
                          filename: str | None = Query(None, description="file name (with .md, .txt, .html or .pdf) "
                                                                       "when the body is the raw document")) -> Response:
    """Upload a document as multipart `file`, or as the raw body with `?filename=`. It goes through the same
    reading, extraction and SHACL gate as `crmkg ingest`; needs `Authorization: Bearer <CRMKG_TOKEN>`."""
    require_token(request)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise InvalidRequest("send the document as the multipart field `file`")
        name, data = upload.filename or filename or "", await upload.read()
    elif content_type in ("application/x-www-form-urlencoded",):
        raise UnsupportedMediaType("send the document as multipart/form-data (`file`) or as the raw body")
    else:
        name, data = filename or "", await request.body()
    name = Path(name.replace("\\", "/")).name
    if not name.isprintable() or len(name.encode("utf-8", "replace")) > 200:
        raise InvalidRequest("the file name must be at most 200 bytes of printable characters", filename=name[:200])
    if not name or Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
        raise InvalidRequest(f"give a file name ending in {', '.join(sorted(UPLOAD_SUFFIXES))} "
                             "(the multipart file's name, or ?filename=)", filename=name)
    if not data:
        raise DocumentError(f"{name} is empty", filename=name)
    if len(data) > MAX_UPLOAD:
        raise PayloadTooLarge(f"{name} is larger than the {MAX_UPLOAD // 2**20} MiB document limit", filename=name,
                              limit=MAX_UPLOAD)
    with tempfile.TemporaryDirectory(prefix="crmkg-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        read_error, identity = read_identity(path)
        if read_error:
            raise DocumentError(f"{name} cannot be read: {read_error}".replace(str(path), name), filename=name)
        summary = write(lambda store: ingest([path], store))
    if summary.rejected:
        reasons = [reason for rejected in summary.rejected for reason in rejected.reasons]
        raise ValidationFailed(f"{name} was not stored: " + "; ".join(reasons[:5]).replace(str(path), name),
                         filename=name, reasons=" | ".join(reasons).replace(str(path), name))
    doc = document_iri(identity) if identity else None
    doc_id = describe.local_name(doc) if doc else None
    body = {"summary": summary.to_dict(), "document": {"iri": doc, "id": doc_id,
                                                      "href": f"/documents/{doc_id}" if doc_id else None}}
    body["summary"]["rejected"] = []
    return JSONResponse(body, status_code=201 if summary.added else 200,
                        headers={"Location": f"/documents/{doc_id}"} if doc_id else None)


def read_identity(path: Path) -> tuple[str | None, str | None]:
    """(reading error, document identity: its url or file name) of one file, before anything is written."""
    items = read_all(collect_paths([path]))
    if not items:
        return "not a supported document", None
    if items[0].error is not None:
        return str(items[0].error), None
    return None, items[0].source.identity


# -- contradictions ---------------------------------------------------------------------------------------------
@router.get("/contradictions", responses=PAGE_DOC, summary="Where sources disagree")
def contradictions_page(request: Request) -> Response:
    """Statements whose values disagree (shares, counts, parties), each with the sentences and documents behind
    it. From the question "Do sources disagree?"; `/contradictions.json` for JSON."""
    _, media = representation(request, "contradictions")
    return _contradictions(request, media)


@router.get("/contradictions.json", summary="Where sources disagree (JSON)")
def contradictions_json(request: Request) -> Response:
    """The contradictions as JSON."""
    return _contradictions(request, "application/json")


def _contradictions(request: Request, media: str) -> Response:
    store = read_store()
    reply = Asker(store).ask("Do sources disagree?")
    found = describe.contradictions(store, reply)
    if media == "application/json":
        return json_response({"contradictions": found, "sparql": reply.get("sparql")})
    if media == "text/html":
        return render(request, "contradictions.html", contradictions=found, title="Contradictions")
    triples = []
    for item in found:
        triples += describe.triples(store, "CONSTRUCT { ?c ?p ?o } WHERE { ?c ?p ?o }", c=item["iri"])
    return rdf_response(list(dict.fromkeys(triples)), media)


# -- dereferencing our IRIs -------------------------------------------------------------------------------------
@router.get("/id/{path:path}", status_code=303, summary="Dereference a crmkg IRI",
            responses={303: {"description": "See Other: the page (or data) about this IRI"}})
def dereference(path: str) -> RedirectResponse:
    """`https://w3id.org/crmkg/id/{kind}/{key}` resolves here and is redirected (303) to `/entities/{kind}/{key}`;
    documents to `/documents/{id}`, their evidence and sources to anchors in the document page. The `Accept`
    header is kept, so RDF clients get RDF."""
    target = describe.href(describe.ID_BASE + path)
    if target is None:
        raise NotFound(f"no page for /id/{path}", path=path)
    return RedirectResponse(target, status_code=303)
