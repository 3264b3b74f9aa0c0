"""The SHACL gate: a document's graph must conform to ontology/shapes.ttl before any of it is stored."""
from __future__ import annotations

import functools
from dataclasses import dataclass

from pyshacl import validate
from rdflib import Graph
from rdflib.namespace import RDF, SH

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


def check(graph: Graph) -> list[Violation]:
    """Validate one graph; return its violations (empty when it conforms)."""
    conforms, report, _ = validate(graph, shacl_graph=shapes_graph(), ont_graph=ontology_graph(),
                                   inference="none", abort_on_first=False, allow_warnings=True)
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
