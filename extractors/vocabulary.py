"""The reference vocabularies (ontology/vocab/*.ttl) as a gazetteer for the entity ruler and the question parser."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.namespaces import CRM

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
VOCAB_DIR = ONTOLOGY_DIR / "vocab"

# The class an entity is typed with -> the entity-ruler label its mentions get.
# The most specific classes come first: an entity keeps the first class it is found under.
KINDS = {
    CRM.Material: "MATERIAL", CRM.Country: "COUNTRY", CRM.Person: "PERSON", CRM.Company: "ORG",
    CRM.GovernmentBody: "ORG", CRM.InternationalOrganisation: "ORG", CRM.NGO: "ORG", CRM.Organisation: "ORG",
    CRM.Agreement: "AGREEMENT", CRM.Policy: "POLICY", CRM.Event: "EVENT",
}


@dataclass
class Entry:
    """One vocabulary entity: its IRI, kind, English label and every surface form it is known by."""

    iri: str
    kind: str
    rdf_type: str
    label: str
    names: set[str] = field(default_factory=set)
    metonyms: set[str] = field(default_factory=set)
    demonyms: set[str] = field(default_factory=set)
    same_as: list[str] = field(default_factory=list)
    broader: set[str] = field(default_factory=set)


@functools.lru_cache(maxsize=1)
def vocabulary_graph() -> Graph:
    graph = Graph()
    for path in sorted(VOCAB_DIR.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@functools.lru_cache(maxsize=1)
def load_entries() -> dict[str, Entry]:
    """IRI -> Entry for every typed entity of the vocabularies."""
    graph = vocabulary_graph()
    entries: dict[str, Entry] = {}
    for rdf_type, kind in KINDS.items():
        for subject in graph.subjects(RDF.type, rdf_type):
            iri = str(subject)
            if iri in entries:
                continue
            labels = [*graph.objects(subject, SKOS.prefLabel), *graph.objects(subject, RDFS.label)]
            english = [str(l) for l in labels if getattr(l, "language", None) in ("en", None)]
            entry = Entry(iri, kind, str(rdf_type), english[0] if english else (str(labels[0]) if labels else iri))
            entry.names = {str(l) for l in [*labels, *graph.objects(subject, SKOS.altLabel)]}
            entry.metonyms = {str(l) for l in graph.objects(subject, CRM.metonym)}
            entry.demonyms = {str(l) for l in graph.objects(subject, CRM.demonym)}
            entry.same_as = sorted(str(o) for o in graph.objects(subject, OWL.sameAs))
            entry.broader = {str(o) for o in graph.objects(subject, SKOS.broader)}
            entries[iri] = entry
    return entries


def short_name(iri: str, label: str) -> str:
    """How news names an actor in a compound such as 'EU–US': its initials where those are one of its names
    ('EU', 'US', 'UK'), else its label ('Japan', 'Canada').

    >>> short_name("https://w3id.org/crmkg/id/country/JP", "Japan")
    'Japan'
    """
    entry = load_entries().get(iri)
    if entry is None:
        return label
    initials = "".join(word[0] for word in entry.label.split() if word[0].isupper())
    return initials if len(initials) >= 2 and initials in entry.names else entry.label
