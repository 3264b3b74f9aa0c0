"""Store statistics: sizes, statements per relation, corroboration, contradictions and linking coverage."""
from __future__ import annotations

from kg.store import OxigraphStore


def store_stats(store: OxigraphStore) -> dict:
    one = lambda q: next(iter(store.select(q)[0].values()))  # noqa: E731
    by_relation = {r["rel"].rsplit("#", 1)[-1]: r["n"] for r in store.select(
        "SELECT ?rel (COUNT(DISTINCT ?st) AS ?n) WHERE { ?st crm:relation ?rel } GROUP BY ?rel ORDER BY ?rel")}
    coverage = {}
    for cls in ("Country", "Material", "Organisation", "Person"):
        row = store.select(f"""
            SELECT (COUNT(DISTINCT ?e) AS ?all) (COUNT(DISTINCT ?linked) AS ?with) WHERE {{
              ?st crm:subject|crm:object|crm:material ?e . ?e a ?t . ?t rdfs:subClassOf* crm:{cls} .
              OPTIONAL {{ ?e owl:sameAs ?w BIND(?e AS ?linked) }} }}""")[0]
        coverage[cls] = f"{row['with']}/{row['all']}"
    # Countries in statements with their ISO 3166 codes; materials with their EU CRM Act status (isCritical set).
    codes = store.select("""
        SELECT (COUNT(DISTINCT ?e) AS ?all) (COUNT(DISTINCT ?a2) AS ?alpha2) (COUNT(DISTINCT ?a3) AS ?alpha3) WHERE {
          ?st crm:subject|crm:object ?e . ?e a crm:Country .
          OPTIONAL { ?e crm:iso3166Alpha2 ?x BIND(?e AS ?a2) } OPTIONAL { ?e crm:iso3166Alpha3 ?y BIND(?e AS ?a3) } }""")[0]
    flags = store.select("""
        SELECT (COUNT(DISTINCT ?e) AS ?all) (COUNT(DISTINCT ?f) AS ?flagged) (COUNT(DISTINCT ?c) AS ?critical)
               (COUNT(DISTINCT ?s) AS ?strategic) WHERE {
          ?st crm:material ?e .
          OPTIONAL { ?e crm:isCritical ?anyFlag BIND(?e AS ?f) } OPTIONAL { ?e crm:isCritical true BIND(?e AS ?c) }
          OPTIONAL { ?e crm:isStrategic true BIND(?e AS ?s) } }""")[0]
    return {
        "triples": store.triple_count(),
        "documents": one("SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { GRAPH ?d { ?d a crm:Document } }"),
        "statements": sum(by_relation.values()),
        "evidence": one("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a crm:Evidence }"),
        "corroborated_statements": one("""SELECT (COUNT(*) AS ?n) WHERE { { SELECT ?st WHERE {
            ?st crm:evidence ?e . ?e crm:document ?d } GROUP BY ?st HAVING (COUNT(DISTINCT ?d) > 1) } }"""),
        "contradictions": one("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a crm:Contradiction }"),
        "statements_by_relation": by_relation,
        "linked_to_wikidata": coverage,
        "countries_with_iso3166": {"alpha2": f"{codes['alpha2']}/{codes['all']}",
                                   "alpha3": f"{codes['alpha3']}/{codes['all']}"},
        "materials_eu_crm_status": {"with_status": f"{flags['flagged']}/{flags['all']}",
                                    "critical": flags["critical"], "strategic": flags["strategic"]},
        "official_figures": one("SELECT (COUNT(DISTINCT ?st) AS ?n) WHERE { ?st crm:sourceKind crm:OfficialFigure }"),
        "datasets": one("SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a crm:Dataset }"),
    }
