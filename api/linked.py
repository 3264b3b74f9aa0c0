"""Linked-data routes: the published JSON-LD @context (/context.jsonld) and the VoID + DCAT description of the
dataset (/.well-known/void: Turtle by default, JSON-LD or N-Triples by Accept). Thin routes over kg/void.py."""
from __future__ import annotations

import os

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kg.store import open_store
from kg.void import CONTEXT_PATH, to_jsonld, void_graph

router = APIRouter(tags=["linked data"])

JSONLD = "application/ld+json"
TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"


@router.get("/context.jsonld", summary="The JSON-LD @context of crmkg exports")
def jsonld_context() -> Response:
    return Response(CONTEXT_PATH.read_bytes(), media_type=JSONLD,
                    headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=3600"})


@router.get("/.well-known/void", summary="VoID + DCAT description of the dataset (licence, sources, counts)")
def well_known_void(request: Request) -> Response:
    store = open_store(os.environ.get("CRMKG_STORE"), read_only=True)
    graph = void_graph(store, str(request.base_url))
    accept = request.headers.get("accept", "")
    if JSONLD in accept or "application/json" in accept:
        return Response(to_jsonld(graph), media_type=JSONLD)
    if NTRIPLES in accept:
        return Response(graph.serialize(format="nt"), media_type=NTRIPLES)
    return Response(graph.serialize(format="turtle"), media_type=f"{TURTLE}; charset=utf-8")
