"""Namespaces and content-derived IRIs shared by the extractors and the graph.

>>> slug("Türkiye's  Ministry of Energy")
'turkiye-s-ministry-of-energy'
>>> entity_iri("country", "CN")
'https://w3id.org/crmkg/id/country/CN'
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

BASE = "https://w3id.org/crmkg/"
CRM = Namespace(BASE + "ontology#")
ID = Namespace(BASE + "id/")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
WD = Namespace("http://www.wikidata.org/entity/")
VOCAB_GRAPH = BASE + "graph/vocab"
CONTRADICTIONS_GRAPH = BASE + "graph/contradictions"

PREFIXES = {
    "crm": str(CRM), "id": str(ID), "schema": str(SCHEMA), "org": str(ORG), "wd": str(WD),
    "rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL), "skos": str(SKOS), "prov": str(PROV),
    "dcterms": str(DCTERMS), "foaf": str(FOAF), "xsd": str(XSD),
}

SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def slug(text: str) -> str:
    """Lower-case ASCII slug: accents removed, runs of other characters turned into '-'."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "x"


def short_hash(text: str, length: int = 16) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


def entity_iri(kind: str, key: str) -> str:
    """IRI of an entity of `kind` (material, country, org, person, agreement, policy, event)."""
    return f"{ID}{kind}/{key if kind == 'country' else slug(key)}"


def document_iri(identity: str) -> str:
    """A document is identified by its url, or else its file name."""
    return f"{ID}document/{short_hash(identity)}"


def statement_iri(key: tuple) -> str:
    """Content-derived statement IRI: the same normalised fact gives the same IRI in every document."""
    return f"{ID}statement/{short_hash(repr(key), 20)}"
