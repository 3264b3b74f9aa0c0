"""The SHACL gate: a document's graph must conform to ontology/shapes.ttl before any of it is stored."""
from __future__ import annotations

import functools
from dataclasses import dataclass

from pyshacl import validate
from rdflib import Graph
from rdflib.namespace import RDF, RDFS, SH

from extractors.vocabulary import ONTOLOGY_DIR


@dataclass
class Violation:
    focus: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.focus} {self.path}: {self.message}"


@functools.lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    return Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")


@functools.lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    return Graph().parse(ONTOLOGY_DIR / "crmkg.ttl", format="turtle")


@functools.lru_cache(maxsize=1)
def class_hierarchy() -> tuple:
    """The ontology's rdfs:subClassOf triples: all the shapes need of it (targets and sh:class reach subclasses)."""
    return tuple(ontology_graph().triples((None, RDFS.subClassOf, None)))


def check(graph: Graph) -> list[Violation]:
    """Validate one graph; return its violations (empty when it conforms).

    The graph is validated together with the class hierarchy only, not the whole ontology: mixing in the ~700
    ontology triples on every call tripled the time of the gate."""
    data = Graph()
    data += graph
    for triple in class_hierarchy():
        data.add(triple)
    conforms, report, _ = validate(data, shacl_graph=shapes_graph(), inference="none", abort_on_first=False,
                                   allow_warnings=True, inplace=True)  # `data` is our own copy
    if conforms:
        return []
    violations = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        violations.append(Violation(
            focus=str(report.value(result, SH.focusNode)),
            path=str(report.value(result, SH.resultPath) or ""),
            message=str(report.value(result, SH.resultMessage) or "does not conform"),
        ))
    return sorted(violations, key=lambda v: (v.focus, v.path, v.message))
