"""Contradictions across statements: same subject, relation and object, values that disagree.

Recomputed after every ingest into its own named graph, so it always reflects the documents in the store:
- shares: two statements of the same actor, relation, material and stage whose shares differ by more than
  SHARE_TOLERANCE points ("DRC mined 74% of cobalt" vs "76%");
- counts: two counts of the same event or agreement that differ ("54 countries" vs "55 partners");
- parties: the same agreement given different party sets by different documents (EU-US vs EU-US-Japan);
- official-figure: a share reported in a document more than OFFICIAL_TOLERANCE points from the official figure
  imported from a table (kg/tables.py) for the same country, material, compatible stage and year."""
from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from kg.namespaces import CONTRADICTIONS_GRAPH, CRM, ID, short_hash

SHARE_TOLERANCE = 1.0

# Each side is matched inside one graph and made DISTINCT first: Oxigraph's union default graph repeats a triple
# once per graph holding it, so a statement corroborated by n documents multiplied the join by n per pattern
# (16 s with 0 results on 50 documents; now 0.01 s, same rows).
SHARES = """
SELECT DISTINCT ?a ?b ?va ?vb WHERE {
  { SELECT DISTINCT ?a ?rel ?s ?m ?va ?sa ?ya ?oa ?ka WHERE { GRAPH ?ga {
      ?a crm:relation ?rel ; crm:subject ?s ; crm:material ?m ; crm:share ?va ; crm:polarity true .
      OPTIONAL { ?a crm:stage ?sa } OPTIONAL { ?a crm:year ?ya } OPTIONAL { ?a crm:object ?oa }
      BIND (EXISTS { ?a crm:sourceKind crm:OfficialFigure } AS ?ka) } } }
  { SELECT DISTINCT ?b ?rel ?s ?m ?vb ?sb ?yb ?ob ?kb WHERE { GRAPH ?gb {
      ?b crm:relation ?rel ; crm:subject ?s ; crm:material ?m ; crm:share ?vb ; crm:polarity true .
      OPTIONAL { ?b crm:stage ?sb } OPTIONAL { ?b crm:year ?yb } OPTIONAL { ?b crm:object ?ob }
      BIND (EXISTS { ?b crm:sourceKind crm:OfficialFigure } AS ?kb) } } }
  FILTER (STR(?a) < STR(?b) && ABS(?va - ?vb) > %s)
  FILTER (COALESCE(?sa, crm:none) = COALESCE(?sb, crm:none) && COALESCE(?oa, crm:none) = COALESCE(?ob, crm:none))
  FILTER (!BOUND(?ya) || !BOUND(?yb) || ?ya = ?yb)
  # a reported claim against an official figure is OFFICIAL's business (its own tolerance)
  FILTER (?ka = ?kb)
}""" % SHARE_TOLERANCE

# A share reported in a document that differs from the official figure (an imported table, kg/tables.py) for the
# same country, material and a compatible stage by more than OFFICIAL_TOLERANCE points: the same year, or the
# official figure's latest year when the document gives none. Mine production and production are compatible.
OFFICIAL_TOLERANCE = 5.0
OFFICIAL = """
SELECT DISTINCT ?a ?b ?va ?vb ?ya ?yb WHERE {
  ?b crm:sourceKind crm:OfficialFigure ; crm:relation crm:produces ; crm:subject ?s ; crm:material ?m ;
     crm:share ?vb ; crm:year ?yb ; crm:polarity true .
  OPTIONAL { ?b crm:stage ?sb }
  ?a crm:relation ?rel ; crm:subject ?s ; crm:material ?m ; crm:share ?va ; crm:polarity true ; crm:modality ?mod .
  VALUES ?rel { crm:produces crm:shareOf }
  FILTER (?mod IN (crm:Asserted, crm:Reported))
  FILTER NOT EXISTS { ?a crm:sourceKind crm:OfficialFigure }
  OPTIONAL { ?a crm:stage ?sa }
  FILTER (!BOUND(?sa) || !BOUND(?sb) || ?sa = ?sb
          || (?sa IN (crm:Mining, crm:Production) && ?sb IN (crm:Mining, crm:Production)))
  OPTIONAL { ?a crm:year ?ya }
  { SELECT ?s ?m (MAX(STR(?y)) AS ?latest) WHERE {
      ?o crm:sourceKind crm:OfficialFigure ; crm:subject ?s ; crm:material ?m ; crm:year ?y } GROUP BY ?s ?m }
  FILTER (IF(BOUND(?ya), STR(?ya) = STR(?yb), STR(?yb) = ?latest))
  FILTER (ABS(?va - ?vb) > %s)
}""" % OFFICIAL_TOLERANCE

COUNTS = """
SELECT DISTINCT ?a ?b ?va ?vb WHERE {
  ?a crm:relation crm:participants ; crm:subject ?s ; crm:count ?va .
  ?b crm:relation crm:participants ; crm:subject ?s ; crm:count ?vb .
  FILTER (STR(?a) < STR(?b) && ?va != ?vb)
}"""

PARTIES = """
SELECT ?agreement ?doc (GROUP_CONCAT(DISTINCT STR(?party); separator=" ") AS ?parties) WHERE {
  GRAPH ?doc { ?st crm:relation crm:partyTo ; crm:object ?agreement ; crm:subject ?party . ?doc a crm:Document }
} GROUP BY ?agreement ?doc"""


def refresh_contradictions(store) -> int:
    """Recompute the contradictions graph; return how many were found."""
    graph = Graph()
    found = 0
    for aspect, query in (("share", SHARES), ("count", COUNTS)):
        for row in store.select(query):
            _add(graph, [row["a"], row["b"]], aspect, f"{aspect} {row['va']} vs {row['vb']}")
            found += 1
    for row in store.select(OFFICIAL):
        _add(graph, [row["a"], row["b"]], "official-figure",
             f"reported share {row['va']}% ({row['ya'] or 'no year'}) vs official figure {row['vb']}% ({row['yb']})")
        found += 1
    by_agreement: dict[str, dict[str, str]] = {}
    for row in store.select(PARTIES):
        by_agreement.setdefault(row["agreement"], {})[row["doc"]] = row["parties"]
    for agreement, per_doc in by_agreement.items():
        sets = {frozenset(p.split()) for p in per_doc.values()}
        big = [s for s in sets if len(s) >= 2]
        if len(big) > 1:
            statements = [r["st"] for r in store.select(
                "SELECT DISTINCT ?st WHERE { ?st crm:relation crm:partyTo ; crm:object ?ag }", ag=agreement)]
            _add(graph, statements, "parties", "documents name different parties: " +
                 " | ".join(sorted(" + ".join(sorted(x.rsplit('/', 1)[-1] for x in s)) for s in big)), agreement)
            found += 1
    store.replace_graph(CONTRADICTIONS_GRAPH, graph)
    return found


def _add(graph: Graph, statements: list[str], aspect: str, comment: str, about: str | None = None) -> None:
    node = URIRef(f"{ID}contradiction/{short_hash(aspect + ' '.join(sorted(statements)))}")
    graph.add((node, RDF.type, CRM.Contradiction))
    graph.add((node, CRM.aspect, Literal(aspect)))
    graph.add((node, RDFS.comment, Literal(comment)))
    for st in statements:
        graph.add((node, CRM.conflicting, URIRef(st)))
    if about:
        graph.add((node, CRM.about, URIRef(about)))
