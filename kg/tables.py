"""Import open tables (CSV) as official-figure statements, driven by a declarative mapping file (mappings/*.yaml).

A table file becomes one named graph, named after its crm:Dataset, replaced in one transaction when the file or
its mapping changes and left alone when neither did. Every value becomes a statement (crm:sourceKind
crm:OfficialFigure) whose crm:evidence is a crm:DatasetRecord pointing (crm:fromDataset) at the publication the row
comes from. The graph passes the same SHACL gate as a document graph before anything is written. Another table
(BGS, UN Comtrade, EU RMIS) is another mapping file, not more code; the format is described in mappings/README.md.

>>> render("{country} ({iso})", {"country": "China", "iso": "CN"})
'China (CN)'
>>> render("id/country/{iso}", {"iso": ""}) is None
True
>>> parse_number("1,270,000")
Decimal('1270000')
"""
from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, RDFS, XSD

from kg.errors import CrmkgError
from kg.namespaces import CRM, ID, PREFIXES, SCHEMA, VOCAB_GRAPH, slug, statement_iri
from kg.store import OxigraphStore

IMPORTER_VERSION = "1.0.0"
DATASET = ID["dataset/"]
DCAT_VERSION = URIRef(f"{DCAT}version")  # DCAT 3; rdflib's closed DCAT namespace predates it
PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
SHARE_MODES = {"total", "sum"}


class MappingError(CrmkgError):
    """A mapping file is malformed, or a table does not fit its mapping (unknown column, material or country)."""

    code = "E150"
    status = 422


@dataclass
class TableImport:
    """What an import did: rows read, statements made, rows skipped (by reason), and the graph written."""

    table: str
    mapping: str
    graph: str
    status: str = "rejected"  # added | replaced | unchanged | rejected
    rows: int = 0
    statements: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    by_material: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    contradictions: int | None = None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


# -- the mapping file --------------------------------------------------------------------------------------------
def load_mapping(path: str | Path) -> dict:
    """Read and check a mapping file (YAML or JSON, which is YAML); raise MappingError saying what is missing."""
    try:
        mapping = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise MappingError(f"cannot read the mapping {path}: {exc}", path=path) from exc
    if not isinstance(mapping, dict):
        raise MappingError(f"the mapping {path} must be a YAML mapping with `dataset` and `statement` sections",
                           path=path)
    problems = []
    for key in ("mapping", "dataset", "statement"):
        if key not in mapping:
            problems.append(f"missing top-level `{key}`")
    dataset, statement = mapping.get("dataset") or {}, mapping.get("statement") or {}
    for key in ("title", "license"):
        if key not in dataset:
            problems.append(f"missing `dataset.{key}`")
    for key in ("class", "relation", "subject", "values"):
        if key not in statement:
            problems.append(f"missing `statement.{key}`")
    for value in statement.get("values") or []:
        if not isinstance(value, dict) or "column" not in value:
            problems.append("each of `statement.values` needs a `column`")
    share = statement.get("share")
    if share is not None and share not in SHARE_MODES and not (isinstance(share, dict) and "column" in share):
        problems.append("`statement.share` is `total`, `sum` or {column: NAME}")
    if share == "total" and "total" not in (mapping.get("rows") or {}):
        problems.append("`statement.share: total` needs `rows.total: {column: NAME, matches: REGEX}`")
    if problems:
        raise MappingError(f"the mapping {path} is not usable: " + "; ".join(problems), path=path)
    mapping["_digest"] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return mapping


def render(template: Any, row: dict[str, str]) -> str | None:
    """Fill `{column}` placeholders from a row; None when a referenced column is empty (the row has no value)."""
    if template is None:
        return None
    text = str(template)
    missing = False

    def fill(match: re.Match) -> str:
        nonlocal missing
        if match.group(1) not in row:
            raise MappingError(f"the mapping refers to a column {match.group(1)!r} the table does not have; "
                               f"columns are: {', '.join(sorted(row))}")
        value = (row.get(match.group(1)) or "").strip()
        missing = missing or not value
        return value

    result = PLACEHOLDER.sub(fill, text)
    return None if missing else result


def resolve(spec: Any, row: dict[str, str]) -> str | None:
    """A value spec: a template, or {value: TEMPLATE, map: {raw: mapped}, default: X}."""
    if not isinstance(spec, dict):
        return render(spec, row)
    raw = render(spec.get("value"), row)
    table = {str(k): v for k, v in (spec.get("map") or {}).items()}  # YAML reads 810520: as a number
    if raw is not None and raw in table:
        return str(table[raw])
    if "default" in spec:
        return spec["default"]
    if table:
        raise MappingError(f"the value {raw!r} is not in the mapping's `map` ({', '.join(map(str, table))}); "
                           "add it to the mapping file")
    return raw


def parse_number(text: str) -> Decimal:
    """A table number: thousands separators and spaces removed."""
    try:
        return Decimal(text.replace(",", "").replace("\u00a0", "").replace(" ", ""))
    except InvalidOperation as exc:
        raise ValueError(text) from exc


# -- the table -> graph ------------------------------------------------------------------------------------------
def table_iri(path: str | Path) -> str:
    """The dataset (and named graph) of a table file, from its file name: id/dataset/{slug(stem)}."""
    return f"{DATASET}{slug(Path(path).stem)}"


def read_rows(path: str | Path, mapping: dict) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) pairs; the header is line 1."""
    options = mapping.get("csv") or {}
    try:
        with open(path, newline="", encoding=options.get("encoding", "utf-8-sig")) as handle:
            reader = csv.DictReader(handle, delimiter=options.get("delimiter", ","))
            return [(reader.line_num, {k.strip(): (v or "") for k, v in row.items() if k}) for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise MappingError(f"cannot read the table {path}: {exc}", path=path) from exc


def table_graph(path: str | Path, mapping: dict, known: set[str] | None = None) -> tuple[Graph, TableImport]:
    """The graph of one table under its mapping, and what was made and skipped. `known` (entity IRIs of the
    vocabulary) rejects subjects and materials the graph does not know."""
    path = Path(path)
    rows = read_rows(path, mapping)
    content = path.read_bytes()
    digest = hashlib.sha256(content + mapping["_digest"].encode() + IMPORTER_VERSION.encode()).hexdigest()
    graph_iri = table_iri(path)
    report = TableImport(table=str(path), mapping=mapping["mapping"], graph=graph_iri, rows=len(rows))
    graph = Graph()
    for prefix, iri in {**PREFIXES, "dcat": str(DCAT)}.items():
        graph.bind(prefix, iri)
    table = URIRef(graph_iri)
    meta = mapping["dataset"]
    _dataset(graph, table, meta, meta.get("edition"), meta.get("url"))
    graph.add((table, CRM.contentHash, Literal(digest)))
    graph.add((table, CRM.sourceFile, Literal(path.name)))
    extractor = _extractor(graph, mapping)

    rules, spec = mapping.get("rows") or {}, mapping["statement"]
    skip_values = {str(v).strip() for v in rules.get("skip_values", ["", "W"])}
    total_rule = rules.get("total")
    group_by = rules.get("group_by") or []

    def is_total(row: dict[str, str]) -> bool:
        return bool(total_rule) and re.search(total_rule["matches"], row.get(total_rule["column"], "")) is not None

    def group(row: dict[str, str]) -> tuple:
        return tuple(row.get(c, "") for c in group_by)

    def skip(reason: str) -> None:
        report.skipped[reason] = report.skipped.get(reason, 0) + 1

    totals: dict[tuple, Decimal] = {}
    sums: dict[tuple, Decimal] = {}
    for _, row in rows:
        for value in spec["values"]:
            raw = row.get(value["column"], "").strip()
            try:
                number = parse_number(raw)
            except ValueError:
                continue
            key = (group(row), value["column"])
            if is_total(row):
                totals[key] = number
            else:
                sums[key] = sums.get(key, Decimal(0)) + number

    parts: dict[str, URIRef] = {}
    statements: set[str] = set()
    for line, row in rows:
        if is_total(row):
            skip("total row")
            continue
        subject = render(spec["subject"], row)
        if subject is None:
            skip("no subject (for example 'Other countries')")
            continue
        material = _material(resolve(spec.get("material"), row))
        stage = resolve(spec.get("stage"), row)
        for iri, what in ((subject, "subject"), (material, "material")):
            if known is not None and iri is not None and iri not in known:
                report.rejected.append(f"line {line}: the {what} {iri} is not in the vocabulary (ontology/vocab); "
                                       "fix the table or the mapping's `map`")
        part = _part(graph, parts, table, meta, mapping.get("source"), row)
        for value in spec["values"]:
            column = value["column"]
            if column not in row:
                raise MappingError(f"the mapping's value column {column!r} is not in {path.name}; columns are: "
                                   f"{', '.join(sorted(row))}", path=path)
            raw = row[column].strip()
            if raw in skip_values:
                skip(f"withheld or missing value ({raw or 'empty'})")
                continue
            try:
                quantity = parse_number(raw)
            except ValueError:
                report.rejected.append(f"line {line}, column {column}: {raw!r} is not a number; add it to "
                                       "`rows.skip_values` in the mapping if it means 'no figure'")
                continue
            if quantity == 0 and rules.get("skip_zero"):
                skip("zero")
                continue
            year = render(value.get("year"), row)
            if year is not None and not re.fullmatch(r"\d{4}", year):
                report.rejected.append(f"line {line}: year {year!r} is not a four-digit year")
                continue
            share = _share(spec.get("share"), row, quantity, totals.get((group(row), column)),
                           sums.get((group(row), column)), report, line)
            unit = render(spec.get("unit"), row)
            node = URIRef(statement_iri(("OfficialFigure", spec["relation"], subject, None, material, stage,
                                         None if share is None else str(share), str(quantity), unit, year,
                                         bool(spec.get("polarity", True)), spec.get("modality", "Asserted"))))
            statements.add(str(node))
            graph.add((node, RDF.type, CRM[spec["class"]]))
            graph.add((node, RDF.type, PROV.Entity))
            graph.add((node, CRM.relation, CRM[spec["relation"]]))
            graph.add((node, CRM.subject, URIRef(subject)))
            graph.add((URIRef(subject), RDF.type, CRM[spec.get("subject_class", "Actor")]))
            graph.add((node, CRM.polarity, Literal(bool(spec.get("polarity", True)))))
            graph.add((node, CRM.modality, CRM[spec.get("modality", "Asserted")]))
            graph.add((node, CRM.sourceKind, CRM[spec.get("source_kind", "OfficialFigure")]))
            graph.add((node, PROV.wasAttributedTo, extractor))
            if material:
                graph.add((node, CRM.material, URIRef(material)))
                graph.add((URIRef(material), RDF.type, CRM.Material))
                report.by_material[material.rsplit("/", 1)[-1]] = report.by_material.get(
                    material.rsplit("/", 1)[-1], 0) + 1
            if stage:
                graph.add((node, CRM.stage, CRM[stage]))
            if share is not None:
                graph.add((node, CRM.share, Literal(str(share), datatype=XSD.decimal)))
            graph.add((node, CRM.quantity, Literal(format(quantity, "f"), datatype=XSD.decimal)))
            if unit:
                graph.add((node, CRM.unit, Literal(unit)))
            if year:
                graph.add((node, CRM.year, Literal(year, datatype=XSD.gYear)))
            record = URIRef(f"{graph_iri}/record/{line}-{slug(column)}")
            graph.add((node, CRM.evidence, record))
            graph.add((record, RDF.type, CRM.DatasetRecord))
            graph.add((record, RDF.type, PROV.Entity))
            graph.add((record, CRM.fromDataset, part))
            graph.add((record, CRM.row, Literal(line)))
            graph.add((record, CRM.column, Literal(column)))
            extras = {"value": raw, "column": column, "year": year or "", "share": str(share or ""),
                      "total": str(totals.get((group(row), column), ""))}
            label = render(mapping.get("record_label"), {**row, **extras}) if mapping.get("record_label") else None
            graph.add((record, RDFS.label, Literal(label or _default_label(row, column, raw, value))))
    report.statements = len(statements)
    return graph, report


def _dataset(graph: Graph, node: URIRef, meta: dict, edition: str | None, url: str | None) -> None:
    graph.add((node, RDF.type, CRM.Dataset))
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, RDF.type, PROV.Entity))
    graph.add((node, DCTERMS.title, Literal(meta["title"])))
    graph.add((node, DCTERMS.license, URIRef(meta["license"])))
    if meta.get("publisher"):
        graph.add((node, DCTERMS.publisher, Literal(meta["publisher"])))
    if edition:
        graph.add((node, DCAT_VERSION, Literal(edition)))
    if url:
        graph.add((node, SCHEMA.url, Literal(url, datatype=XSD.anyURI)))


def _part(graph: Graph, parts: dict[str, URIRef], table: URIRef, meta: dict, source: dict | None,
          row: dict[str, str]) -> URIRef:
    """The publication a row comes from (one crm:Dataset per distinct `source.key`), or the table itself."""
    key = render(source.get("key"), row) if source else None
    if key is None:
        return table
    if key not in parts:
        node = parts[key] = URIRef(f"{table}/part/{slug(key)}")
        _dataset(graph, node, {**meta, "title": render(source.get("title"), row) or f"{meta['title']}: {key}"},
                 render(source.get("edition"), row) or meta.get("edition"), render(source.get("url"), row))
        graph.add((node, DCTERMS.isPartOf, table))
    return parts[key]


def _extractor(graph: Graph, mapping: dict) -> URIRef:
    """The mapping is the importer's rules: its name and a digest of it are the extractor's name and version."""
    node = URIRef(f"{ID}extractor/{mapping['mapping']}")
    graph.add((node, RDF.type, CRM.Extractor))
    graph.add((node, RDF.type, PROV.SoftwareAgent))
    graph.add((node, RDFS.label, Literal(mapping["mapping"])))
    graph.add((node, CRM.version, Literal(f"{IMPORTER_VERSION}+{mapping['_digest'][:12]}")))
    return node


def _material(value: str | None) -> str | None:
    if value is None or "://" in value:
        return value
    return f"{ID}material/{slug(value)}"


def _share(mode: Any, row: dict[str, str], quantity: Decimal, total: Decimal | None, total_sum: Decimal | None,
           report: TableImport, line: int) -> Decimal | None:
    """Percent of the total row, of the group's sum, or read from a column; one decimal, as news shares."""
    if mode is None:
        return None
    if isinstance(mode, dict):
        raw = row.get(mode["column"], "").strip()
        try:
            share = parse_number(raw)
        except ValueError:
            return None
    else:
        base = total if mode == "total" else total_sum
        if not base:
            report.warnings.append(f"line {line}: no {mode} to compute a share from; statement kept without share")
            return None
        share = quantity * 100 / base
    share = share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if share > 100:
        report.warnings.append(f"line {line}: share {share} > 100 (the total is rounded); recorded as 100.0")
        share = Decimal("100.0")
    return share


def _default_label(row: dict[str, str], column: str, raw: str, value: dict) -> str:
    cells = ", ".join(f"{k}={v}" for k, v in row.items() if v and k != column)
    return f"{column}={raw}" + (f" ({value['note']})" if value.get("note") else "") + f"; {cells}"


# -- the store ---------------------------------------------------------------------------------------------------
def known_entities(store: OxigraphStore) -> set[str]:
    rows = store.select(f"""SELECT ?e WHERE {{ GRAPH <{VOCAB_GRAPH}> {{ ?e a ?t }}
        VALUES ?t {{ crm:Country crm:Material crm:Organisation crm:Company crm:GovernmentBody
                     crm:InternationalOrganisation crm:NGO crm:Person }} }}""")
    return {r["e"] for r in rows}


def import_table(path: str | Path, mapping_path: str | Path, store: OxigraphStore) -> TableImport:
    """Import one table under its mapping: SHACL-checked, one named graph, idempotent; contradictions refreshed."""
    from kg.contradictions import refresh_contradictions
    from kg.ingest import ensure_vocabulary
    from kg.shacl import check

    mapping = load_mapping(mapping_path)
    ensure_vocabulary(store)
    graph, report = table_graph(path, mapping, known_entities(store))
    if report.rejected:
        report.status = "rejected"
        return report
    digest = graph.value(URIRef(report.graph), CRM.contentHash)
    previous = store.document_hash(report.graph)
    if previous == str(digest):
        report.status = "unchanged"
        return report
    violations = check(graph)
    if violations:
        report.status = "rejected"
        report.rejected = [str(v) for v in violations]
        return report
    store.replace_graph(report.graph, graph)
    report.status = "replaced" if previous else "added"
    report.contradictions = refresh_contradictions(store)
    store.flush()
    return report


OFFICIAL = """
SELECT DISTINCT ?st ?country ?label ?share ?quantity ?unit ?year ?stage ?dataset ?title ?url WHERE {
  GRAPH ?g {
    ?st crm:sourceKind crm:OfficialFigure ; crm:material ?material ; crm:subject ?country ; crm:polarity true ;
        crm:evidence ?record .
    ?record crm:fromDataset ?dataset . ?dataset dcterms:title ?title .
    OPTIONAL { ?dataset schema:url ?url }
    OPTIONAL { ?st crm:share ?share } OPTIONAL { ?st crm:quantity ?quantity } OPTIONAL { ?st crm:unit ?unit }
    OPTIONAL { ?st crm:year ?year } OPTIONAL { ?st crm:stage ?stage }
  }
  OPTIONAL { ?country rdfs:label ?label FILTER (LANGMATCHES(LANG(?label), "en")) }
}"""  # one GRAPH: the union of graphs repeats a triple once per graph that holds it


def official_figures(store: OxigraphStore, material_iri: str, latest: bool = False) -> list[dict]:
    """Official figures for a material, newest year first, then largest share: one dict per statement with the
    country, its share, quantity, unit and year, and the dataset (title, url) it comes from. `latest` keeps each
    country's newest year only."""
    figures: dict[str, dict] = {}
    for row in store.select(OFFICIAL, material=material_iri):
        item = figures.setdefault(row["st"], {
            "statement": row["st"], "country": row["country"],
            "label": row["label"] or row["country"].rsplit("/", 1)[-1],
            "share": row["share"], "quantity": row["quantity"], "unit": row["unit"],
            "year": int(row["year"]) if row["year"] else None,
            "stage": row["stage"].rsplit("#", 1)[-1] if row["stage"] else None,
            "source_kind": "official figure", "datasets": []})
        dataset = {"iri": row["dataset"], "title": row["title"], "url": row["url"]}
        if dataset not in item["datasets"]:
            item["datasets"].append(dataset)
    result = sorted(figures.values(), key=lambda f: (-(f["year"] or 0), -(f["share"] or 0), f["label"]))
    for item in result:
        item["datasets"].sort(key=lambda d: d["iri"])
        item["dataset"] = item["datasets"][0]
    if latest:
        newest: dict[str, int] = {}
        for item in result:
            newest.setdefault(item["country"], item["year"] or 0)
        result = [f for f in result if (f["year"] or 0) == newest[f["country"]]]
    return result


__all__ = ["MappingError", "TableImport", "import_table", "load_mapping", "official_figures", "table_graph"]
