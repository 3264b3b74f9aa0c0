"""How the graph describes itself to the linked-data world: a VoID + DCAT description built from the store, and
the published JSON-LD @context (ontology/context.jsonld) that JSON-LD exports are compacted with.

>>> context()["crm"]
'https://w3id.org/crmkg/ontology#'
"""
from __future__ import annotations

import functools
import json
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, VOID, XSD

from kg.namespaces import BASE, CRM, ID, SCHEMA, VOCAB_GRAPH
from kg.store import OxigraphStore

CONTEXT_PATH = Path(__file__).resolve().parent.parent / "ontology" / "context.jsonld"
CONTEXT_URL = BASE + "context.jsonld"
DATASET_IRI = BASE + "dataset"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
EXAMPLES = [f"{ID}material/gallium", f"{ID}country/CN", f"{ID}material/rare-earth-elements"]


@functools.lru_cache(maxsize=1)
def context() -> dict:
    """The term definitions of ontology/context.jsonld (the value of its "@context")."""
    return json.loads(CONTEXT_PATH.read_text(encoding="utf-8"))["@context"]


def to_jsonld(data: Graph | Dataset) -> str:
    """Serialise a graph or a dataset (named graphs kept) as JSON-LD compacted with the published context; the
    context is embedded, so the output stands alone, and it is the document served at /context.jsonld."""
    return data.serialize(format="json-ld", context=context(), auto_compact=True, indent=2)


def _count(store: OxigraphStore, where: str) -> int:
    return int(store.select(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}")[0]["n"])


def void_graph(store: OxigraphStore, base_url: str = "http://127.0.0.1:8000/") -> Graph:
    """The VoID + DCAT description of the store: licence, sources (documents and imported tables), counts of
    triples, documents, statements and entities, the SPARQL endpoint at {base_url}sparql, the URI space."""
    base_url = base_url if base_url.endswith("/") else base_url + "/"
    graph = Graph()
    for prefix, ns in {"void": VOID, "dcat": DCAT, "dcterms": DCTERMS, "crm": CRM, "prov": PROV, "foaf": FOAF,
                       "schema": SCHEMA, "xsd": XSD}.items():
        graph.bind(prefix, ns)
    ds = URIRef(DATASET_IRI)
    graph.add((ds, RDF.type, VOID.Dataset))
    graph.add((ds, RDF.type, DCAT.Dataset))
    graph.add((ds, DCTERMS.title, Literal("crmkg: an open knowledge graph of critical raw materials", lang="en")))
    graph.add((ds, DCTERMS.description, Literal(
        "Statements about critical raw materials (who produces, refines, supplies or depends on what; agreements, "
        "policies, quotes, targets) extracted from news, press releases and audit reports with sentence-level "
        "provenance, next to official production figures imported from open tables.", lang="en")))
    graph.add((ds, DCTERMS.license, URIRef(LICENSE)))
    graph.add((ds, VOID.sparqlEndpoint, URIRef(base_url + "sparql")))
    graph.add((ds, VOID.uriSpace, Literal(str(ID))))
    graph.add((ds, VOID.feature, URIRef("http://www.w3.org/ns/formats/N-Quads")))
    graph.add((ds, VOID.feature, URIRef("http://www.w3.org/ns/formats/JSON-LD")))
    graph.add((ds, VOID.vocabulary, URIRef(str(CRM))))
    for vocab in (PROV, SKOS, DCTERMS, SCHEMA, URIRef("http://www.w3.org/ns/org#")):
        graph.add((ds, VOID.vocabulary, URIRef(str(vocab))))
    graph.add((ds, DCTERMS.conformsTo, URIRef(BASE + "shapes")))
    graph.add((ds, URIRef(f"{DCAT}keyword"), Literal("critical raw materials", lang="en")))
    for example in EXAMPLES:
        graph.add((ds, VOID.exampleResource, URIRef(example)))

    service = URIRef(base_url + "sparql")
    graph.add((service, RDF.type, DCAT.DataService))
    graph.add((service, DCAT.endpointURL, service))
    graph.add((service, DCAT.servesDataset, ds))
    graph.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    graph.add((ds, URIRef(f"{DCAT}service"), service))

    # counts
    graph.add((ds, VOID.triples, Literal(store.triple_count())))
    documents = _count(store, "GRAPH ?x { ?x a crm:Document }")
    graph.add((ds, VOID.documents, Literal(documents)))
    entities = _count(store, f"?x ?p ?o FILTER (isIRI(?x) && STRSTARTS(STR(?x), \"{ID}\"))")
    graph.add((ds, VOID.entities, Literal(entities)))
    graph.add((ds, VOID.distinctSubjects, Literal(_count(store, "?x ?p ?o"))))
    graph.add((ds, VOID.properties, Literal(_count(store, "?s ?x ?o"))))
    partitions = {
        "Statement": "?x crm:relation ?r",
        "OfficialFigure": "?x crm:sourceKind crm:OfficialFigure",
        "Document": "GRAPH ?x { ?x a crm:Document }",
        "Evidence": "?x a crm:Evidence",
        "Dataset": "?x a crm:Dataset",
        "Contradiction": "?x a crm:Contradiction",
        "Country": f"GRAPH <{VOCAB_GRAPH}> {{ ?x a crm:Country }}",
        "Material": f"GRAPH <{VOCAB_GRAPH}> {{ ?x a crm:Material }}",
    }
    counts = {}
    for name, where in partitions.items():
        counts[name] = _count(store, where)
        if name == "OfficialFigure":
            continue  # a kind of statement, not a class: counted below as crm:statements is
        part = BNode(f"class-{name}")
        graph.add((ds, VOID.classPartition, part))
        graph.add((part, VOID["class"], CRM[name]))
        graph.add((part, VOID.entities, Literal(counts[name])))
    graph.add((ds, RDFS.comment, Literal(
        f"{counts['Statement']} statements ({counts['OfficialFigure']} official figures from imported tables), "
        f"{documents} documents, {counts['Dataset']} datasets, {counts['Contradiction']} contradictions.",
        lang="en")))

    # sources: every document, and every imported table (a dataset that is not part of another)
    for row in store.select("""SELECT ?d ?title ?url WHERE { GRAPH ?d { ?d a crm:Document ; dcterms:title ?title }
                                 OPTIONAL { ?d schema:url ?url } } ORDER BY ?d"""):
        doc = URIRef(row["d"])
        graph.add((ds, DCTERMS.source, doc))
        graph.add((doc, RDF.type, CRM.Document))
        graph.add((doc, DCTERMS.title, Literal(row["title"])))
        if row["url"]:
            graph.add((doc, SCHEMA.url, Literal(row["url"], datatype=XSD.anyURI)))
    for row in store.select("""SELECT ?d ?title ?license ?publisher ?url WHERE {
            ?d a crm:Dataset ; dcterms:title ?title ; dcterms:license ?license .
            FILTER NOT EXISTS { ?d dcterms:isPartOf ?whole }
            OPTIONAL { ?d dcterms:publisher ?publisher } OPTIONAL { ?d schema:url ?url } } ORDER BY ?d"""):
        source = URIRef(row["d"])
        graph.add((ds, DCTERMS.source, source))
        graph.add((ds, PROV.wasDerivedFrom, source))
        graph.add((source, RDF.type, DCAT.Dataset))
        graph.add((source, DCTERMS.title, Literal(row["title"])))
        graph.add((source, DCTERMS.license, URIRef(row["license"])))
        if row["publisher"]:
            graph.add((source, DCTERMS.publisher, Literal(row["publisher"])))
        if row["url"]:
            graph.add((source, DCAT.landingPage, URIRef(row["url"])))
        for part in store.select("SELECT ?p ?url WHERE { ?p dcterms:isPartOf ?whole ; schema:url ?url } ORDER BY ?p",
                                 whole=row["d"]):
            graph.add((source, DCTERMS.hasPart, URIRef(part["p"])))
            graph.add((URIRef(part["p"]), DCAT.landingPage, URIRef(part["url"])))
    return graph


__all__ = ["CONTEXT_PATH", "CONTEXT_URL", "context", "to_jsonld", "void_graph"]
