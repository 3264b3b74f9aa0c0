from rdflib import Literal

from extractors.vocabulary import load_entries, vocabulary_graph
from kg.namespaces import CRM, ID

CRITICAL_QUERY = """PREFIX crm: <https://w3id.org/crmkg/ontology#>
SELECT DISTINCT ?m WHERE { ?m a crm:Material ; crm:isCritical true }"""


def test_vocabulary_gallium_links_to_wikidata():
    gallium = load_entries()[f"{ID}material/gallium"]
    assert gallium.kind == "MATERIAL"
    assert "http://www.wikidata.org/entity/Q861" in gallium.same_as


def test_vocabulary_china_metonym_beijing():
    china = load_entries()[f"{ID}country/CN"]
    assert china.kind == "COUNTRY" and china.label == "China"
    assert "Beijing" in china.metonyms


def test_vocabulary_critical_materials_flagged():
    graph = vocabulary_graph()
    critical = {row.m for row in graph.query(CRITICAL_QUERY)}
    assert len(critical) >= 34
    assert (ID["material/gallium"], CRM.isCritical, Literal(True)) in graph
    entries = load_entries()
    assert all(entries[str(m)].kind == "MATERIAL" for m in critical)


def test_vocabulary_feeds_entity_ruler(nlp_en):
    doc = nlp_en("Beijing restricted gallium exports.")
    found = {(e.text, e.ent_id_) for e in doc.ents}
    assert ("Beijing", f"{ID}country/CN") in found
    assert ("gallium", f"{ID}material/gallium") in found
