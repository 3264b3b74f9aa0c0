"""Importing open tables through declarative mappings (kg/tables.py): the USGS table, a second mapping, the SHACL
gate, idempotent re-import, official figures for answers and contradictions against reported claims."""
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from kg.ingest import ingest
from kg.namespaces import CONTRADICTIONS_GRAPH, CRM, ID
from kg.shacl import check
from kg.stats import store_stats
from kg.store import OxigraphStore
from kg.tables import MappingError, import_table, load_mapping, official_figures, table_graph
from kg.validate import validate_store

from conftest import CORPUS, ROOT, write_doc

USGS = ROOT / "data" / "usgs_mcs2026_world_production.csv"
MAPPING = ROOT / "mappings" / "usgs_mcs2026.yaml"
GALLIUM = f"{ID}material/gallium"
CN = f"{ID}country/CN"


@pytest.fixture(scope="module")
def usgs_store():
    store = OxigraphStore(None)
    report = import_table(USGS, MAPPING, store)
    assert report.status == "added", report.rejected
    return store, report


def _figure(store, country, material, year):
    rows = store.select(f"""SELECT ?st ?share ?quantity ?unit ?stage ?rel ?kind ?record ?part ?url WHERE {{
        ?st crm:subject ?c ; crm:material ?m ; crm:year "{year}"^^xsd:gYear ; crm:share ?share ;
            crm:quantity ?quantity ; crm:unit ?unit ; crm:stage ?stage ; crm:relation ?rel ; crm:sourceKind ?kind ;
            crm:polarity true ; crm:modality crm:Asserted ; crm:evidence ?record .
        ?record a crm:DatasetRecord ; crm:fromDataset ?part . ?part schema:url ?url }}""",
                        c=f"{ID}country/{country}", m=f"{ID}material/{material}")
    return rows


def test_tables_usgs_import_counts(usgs_store):
    store, report = usgs_store
    assert report.rows == 70
    assert report.statements == 108
    assert report.skipped == {"total row": 5, "no subject (for example 'Other countries')": 4,
                              "withheld or missing value (W)": 2, "zero": 12}
    assert report.by_material == {"gallium": 6, "lithium": 18, "cobalt": 24, "natural-graphite": 36,
                                  "rare-earth-elements": 24}
    assert store.select("SELECT (COUNT(DISTINCT ?st) AS ?n) WHERE { ?st crm:sourceKind crm:OfficialFigure }")[0]["n"] == 108
    assert validate_store(store)["conforms"]


def test_tables_usgs_statement_values(usgs_store):
    store, _ = usgs_store
    [row] = _figure(store, "CN", "gallium", 2024)
    assert row["share"] == 98.9 and row["quantity"] == 839000 and row["unit"] == "kilograms, gallium content"
    assert row["stage"] == str(CRM.Production) and row["rel"] == str(CRM.produces)
    assert row["kind"] == str(CRM.OfficialFigure)
    assert row["url"] == "https://pubs.usgs.gov/periodicals/mcs2026/mcs2026-gallium.pdf"
    assert row["record"].endswith("/record/3-prod-2024")  # line 3 of the CSV
    [row] = _figure(store, "CD", "cobalt", 2025)
    assert row["share"] == pytest.approx(74.2) and row["stage"] == str(CRM.Mining)
    assert _figure(store, "US", "lithium", 2024) == []  # W: withheld
    assert _figure(store, "US", "gallium", 2024) == []  # 0: no production


def test_tables_world_total_is_not_a_statement(usgs_store):
    store, _ = usgs_store
    assert not store.select("SELECT ?st WHERE { ?st crm:quantity ?q FILTER (?q IN (848000, 380000, 302000)) }")


def test_tables_dataset_metadata(usgs_store):
    store, report = usgs_store
    rows = store.select("""SELECT ?title ?publisher ?license ?version ?hash WHERE { GRAPH ?g {
        ?g a crm:Dataset , <http://www.w3.org/ns/dcat#Dataset> ; dcterms:title ?title ; dcterms:publisher ?publisher ;
           dcterms:license ?license ; <http://www.w3.org/ns/dcat#version> ?version ; crm:contentHash ?hash } }""",
                        g=report.graph)
    assert rows and rows[0]["publisher"] == "U.S. Geological Survey" and rows[0]["version"] == "MCS 2026"
    parts = store.select("SELECT ?p ?url WHERE { ?p dcterms:isPartOf ?g ; schema:url ?url }", g=report.graph)
    assert len(parts) == 5 and all(p["url"].endswith(".pdf") for p in parts)
    assert report.graph == f"{ID}dataset/usgs-mcs2026-world-production"


def test_tables_reimport_is_idempotent_and_replaces_atomically(tmp_path):
    table = tmp_path / USGS.name
    shutil.copy(USGS, table)
    store = OxigraphStore(None)
    first = import_table(table, MAPPING, store)
    triples = store.triple_count()
    again = import_table(table, MAPPING, store)
    assert (first.status, again.status) == ("added", "unchanged")
    assert store.triple_count() == triples
    table.write_text(table.read_text().replace(",China,CN,CHN,Q148,839000,", ",China,CN,CHN,Q148,840000,"))
    changed = import_table(table, MAPPING, store)
    assert changed.status == "replaced" and changed.statements == 108
    assert _figure(store, "CN", "gallium", 2024)[0]["quantity"] == 840000
    assert not store.select("SELECT ?st WHERE { ?st crm:quantity 839000.0 }")
    assert store.graphs().count(first.graph) == 1


def test_tables_statement_iris_are_content_derived(tmp_path):
    mapping = load_mapping(MAPPING)
    graph_a, _ = table_graph(USGS, mapping)
    other = tmp_path / "copy.csv"
    shutil.copy(USGS, other)
    graph_b, report_b = table_graph(other, mapping)
    statements = lambda g: set(g.subjects(CRM.sourceKind, CRM.OfficialFigure))  # noqa: E731
    assert statements(graph_a) == statements(graph_b)
    assert report_b.graph.endswith("/dataset/copy")  # another table file, another graph


def test_tables_rejects_unknown_material_and_country(tmp_path):
    table = tmp_path / "bad.csv"
    table.write_text(USGS.read_text().replace(",China,CN,", ",Atlantis,XX,", 1))
    store = OxigraphStore(None)
    report = import_table(table, MAPPING, store)
    assert report.status == "rejected"
    assert any("country/XX" in r and "line 3" in r for r in report.rejected)
    assert report.graph not in store.graphs()
    mapping = tmp_path / "m.yaml"
    mapping.write_text(MAPPING.read_text().replace("      Cobalt: cobalt\n", ""))
    with pytest.raises(MappingError, match="'Cobalt' is not in the mapping"):
        import_table(USGS, mapping, store)


def test_tables_shacl_gate_rejects_bad_stage(tmp_path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text(MAPPING.read_text().replace("default: Mining", "default: Smelting"))
    store = OxigraphStore(None)
    report = import_table(USGS, mapping, store)
    assert report.status == "rejected"
    assert any(str(CRM.stage) in r for r in report.rejected)
    assert not store.select("SELECT ?st WHERE { ?st crm:sourceKind ?k }")


def test_tables_mapping_errors_say_what_is_missing(tmp_path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text("mapping: x.v1\ndataset: {title: T}\nstatement: {class: SupplyStatement}\n")
    with pytest.raises(MappingError) as exc:
        load_mapping(mapping)
    assert "dataset.license" in exc.value.message and "statement.values" in exc.value.message


def test_tables_shapes_keep_sentence_evidence_constraints(usgs_store):
    graph, _ = table_graph(USGS, load_mapping(MAPPING))
    assert check(graph) == []
    record = next(graph.subjects(RDF.type, CRM.DatasetRecord))
    broken = Graph() + graph
    broken.remove((record, CRM.fromDataset, None))
    assert any(v.path == str(CRM.fromDataset) for v in check(broken))
    # a crm:Evidence is still held to every sentence-evidence constraint
    broken = Graph() + graph
    broken.add((record, RDF.type, CRM.Evidence))
    paths = {v.path for v in check(broken)}
    assert {str(CRM.sentence), str(CRM.document)} <= paths
    # evidence that is neither a sentence nor a dataset record is refused
    broken = Graph() + graph
    statement = next(graph.subjects(CRM.evidence, record))
    broken.add((statement, CRM.evidence, URIRef(f"{ID}nothing")))
    assert any(v.path == str(CRM.evidence) for v in check(broken))


COMTRADE_CSV = """\
reporter_iso2,reporter,hs_code,year,net_weight_kg
CD,Congo (Kinshasa),810520,2024,"90,000,000"
ZA,South Africa,810520,2024,6000000
FI,Finland,810520,2024,4000000
,Other reporters,810520,2024,0
CD,Congo (Kinshasa),810520,2023,80000000
ZA,South Africa,810520,2023,20000000
"""

COMTRADE_MAPPING = """\
# A second table is a mapping, not code: UN Comtrade-style exports, long format, shares of the sum.
mapping: comtrade_cobalt_exports.v1
dataset:
  title: "UN Comtrade (test fixture): exports of cobalt mattes and intermediates (HS 810520)"
  publisher: United Nations Statistics Division
  license: https://creativecommons.org/licenses/by/4.0/
rows:
  group_by: [hs_code, year]
  skip_values: [""]
statement:
  class: SupplyStatement
  relation: exports
  subject: "https://w3id.org/crmkg/id/country/{reporter_iso2}"
  subject_class: Country
  material: {value: "{hs_code}", map: {810520: cobalt}}
  stage: Export
  unit: kg
  values:
    - {column: net_weight_kg, year: "{year}"}
  share: sum
record_label: "{reporter} exported {value} kg of HS {hs_code} in {year} ({share}% of reporters)"
"""


def test_tables_second_mapping_needs_no_code(tmp_path):
    (tmp_path / "comtrade_cobalt.csv").write_text(COMTRADE_CSV)
    (tmp_path / "comtrade.yaml").write_text(COMTRADE_MAPPING)
    store = OxigraphStore(None)
    report = import_table(tmp_path / "comtrade_cobalt.csv", tmp_path / "comtrade.yaml", store)
    assert report.status == "added", report.rejected
    assert report.statements == 5 and report.skipped == {"no subject (for example 'Other countries')": 1}
    rows = store.select("""SELECT ?c ?share ?year ?label WHERE { ?st crm:relation crm:exports ; crm:stage crm:Export ;
        crm:subject ?c ; crm:share ?share ; crm:year ?year ; crm:evidence/rdfs:label ?label } ORDER BY ?year ?c""")
    shares = {(r["c"].rsplit("/", 1)[-1], r["year"]): r["share"] for r in rows}
    assert shares == {("CD", "2023"): 80.0, ("ZA", "2023"): 20.0, ("CD", "2024"): 90.0, ("FI", "2024"): 4.0,
                      ("ZA", "2024"): 6.0}
    assert "Congo (Kinshasa) exported 90,000,000 kg of HS 810520 in 2024 (90.0% of reporters)" in {r["label"] for r in rows}
    assert validate_store(store)["conforms"]


def test_tables_official_figures_for_answers(usgs_store):
    store, _ = usgs_store
    figures = official_figures(store, GALLIUM)
    assert [(f["label"], f["year"], f["share"]) for f in figures[:2]] == [("China", 2025, 100.0), ("Russia", 2025, 0.7)]
    china = next(f for f in figures if f["country"] == CN and f["year"] == 2024)
    assert china["quantity"] == 839000 and china["unit"] == "kilograms, gallium content"
    assert china["source_kind"] == "official figure"
    assert china["dataset"]["url"].endswith("mcs2026-gallium.pdf") and "Gallium" in china["dataset"]["title"]
    latest = official_figures(store, GALLIUM, latest=True)
    assert {f["year"] for f in latest} == {2025} and len(latest) == 3
    assert official_figures(store, f"{ID}material/nickel") == []


@pytest.fixture(scope="module")
def mixed_store(tmp_path_factory):
    """One real corpus article, two written for the test, and the USGS table."""
    docs = tmp_path_factory.mktemp("official")
    shutil.copy(CORPUS / "lithium_australia_chile_argentina_en.md", docs)
    write_doc(docs, "graphite.md", "China produced about 60% of the world's natural graphite in 2024 [1].",
              title="Graphite")
    write_doc(docs, "cobalt.md", "The DRC mined about 73% of the world's cobalt in 2025 [1].", title="Cobalt")
    store = OxigraphStore(None)
    assert not ingest([docs], store).rejected
    report = import_table(USGS, MAPPING, store)
    return store, report


def _contradictions(store):
    return store.select(f"""SELECT ?c ?aspect ?comment (GROUP_CONCAT(STR(?st); separator=" ") AS ?sts) WHERE {{
        GRAPH <{CONTRADICTIONS_GRAPH}> {{ ?c crm:aspect ?aspect ; rdfs:comment ?comment ; crm:conflicting ?st }}
    }} GROUP BY ?c ?aspect ?comment""")


def test_tables_official_figure_contradictions(mixed_store):
    store, report = mixed_store
    found = _contradictions(store)
    assert report.contradictions == len(found)
    official = sorted(r["comment"] for r in found if r["aspect"] == "official-figure")
    # Australia "about 48% of world mine output" (no year in the sentence) vs USGS 2025 (latest) 31.7%;
    # China 60% of natural graphite in 2024 vs USGS 2024 81.9%. The DRC's 73% of cobalt in 2025 is within 5 points.
    assert official == ["reported share 48.0% (no year) vs official figure 31.7% (2025)",
                        "reported share 60.0% (2024) vs official figure 81.9% (2024)"]
    assert not [r for r in found if r["aspect"] == "share"]  # news vs official is not a 1-point "share" conflict


def test_tables_stats_report_linking_coverage(mixed_store):
    store, _ = mixed_store
    figures = store_stats(store)
    assert figures["official_figures"] == 108 and figures["datasets"] == 6
    iso = figures["countries_with_iso3166"]["alpha2"]
    assert iso.split("/")[0] == iso.split("/")[1] and int(iso.split("/")[1]) >= 25
    flags = figures["materials_eu_crm_status"]
    assert flags["with_status"].split("/")[0] == flags["with_status"].split("/")[1]
    assert flags["critical"] >= 5 and flags["strategic"] >= 5
    assert figures["linked_to_wikidata"]["Country"].split("/")[0] == iso.split("/")[0]


def test_cli_import_table(tmp_path):
    crmkg = Path(sys.executable).parent / "crmkg"
    args = [str(crmkg), "import-table", str(USGS), "--mapping", str(MAPPING), "--store", str(tmp_path / "s"), "--json"]
    first = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert (summary["status"], summary["rows"], summary["statements"]) == ("added", 70, 108)
    second = subprocess.run(args[:-1], capture_output=True, text=True, timeout=120)
    assert second.returncode == 0 and "unchanged; rows: 70, statements: 108" in second.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(textwrap.dedent("mapping: x.v1\n"))
    failed = subprocess.run(args[:4] + [str(bad)] + args[5:], capture_output=True, text=True, timeout=120)
    assert failed.returncode == 2 and "E150" in failed.stderr


def test_tables_literal_types(usgs_store):
    graph, _ = table_graph(USGS, load_mapping(MAPPING))
    st = next(graph.subjects(CRM.sourceKind, CRM.OfficialFigure))
    assert graph.value(st, CRM.share).datatype == XSD.decimal
    assert graph.value(st, CRM.quantity).datatype == XSD.decimal
    assert graph.value(st, CRM.year).datatype == XSD.gYear
    assert graph.value(st, CRM.polarity) == Literal(True)
