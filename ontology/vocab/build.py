#!/usr/bin/env python3
"""Build the crmkg reference vocabularies (SKOS materials, countries, actors).

Run from the repository root::

    .venv/bin/python ontology/vocab/build.py            # reads ../shared/data
    .venv/bin/python ontology/vocab/build.py --data DIR

Inputs (CSV, see ``../shared/data/README.md``):

* ``critical_raw_materials.csv``  EU CRMA Annex I / II raw materials
* ``crm_group_members.csv``       rare-earth and platinum-group members
* ``elements_wikidata.csv``       element symbol -> Wikidata id
* ``country_wikidata.csv``        ISO 3166-1 alpha-2 / alpha-3 -> Wikidata id
* ``entities_wikidata.csv``       organisations and people -> Wikidata id

Outputs (in this script's folder):

* ``materials.ttl``  ``crm:Material`` / ``skos:Concept`` in ``crm:materialScheme``
* ``countries.ttl``  ``crm:Country`` / ``schema:Country`` with names from pycountry
* ``actors.ttl``     organisations (``crm:Organisation`` subclasses) and people
* ``SOURCES.md``     sources, licences and what was added by hand

Everything that is not in the CSV tables (English and Dutch labels, aliases,
demonyms, capital-city metonyms, roles, the hand-made organisations) is written
out in the tables below, so it can be reviewed in one place.

The Turtle is written by a small serializer of our own (subjects, predicates and
objects in a fixed, sorted order) so that re-running gives byte-identical files,
and the result is then parsed back with rdflib and checked: counts, ISO codes,
Wikidata ids, one prefLabel per language, and label collisions (two entities of
the same kind sharing a label or altLabel, compared case- and accent-insensitively).
The script exits with status 1 if a check fails.
"""

from __future__ import annotations

import argparse
import csv
import gettext
import re
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pycountry
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

# --------------------------------------------------------------------------- #
# Namespaces and IRIs (see ontology/README.md)
# --------------------------------------------------------------------------- #

BASE = "https://w3id.org/crmkg/"
CRM = Namespace(BASE + "ontology#")
ID = BASE + "id/"
MATERIAL = ID + "material/"
COUNTRY = ID + "country/"
ORGANISATION = ID + "org/"
PERSON = ID + "person/"
COLLECTION = ID + "collection/"
WD = "http://www.wikidata.org/entity/"
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
DCTERMS = Namespace("http://purl.org/dc/terms/")
XSD = "http://www.w3.org/2001/XMLSchema#"

PREFIXES: list[tuple[str, str]] = [
    ("crm", str(CRM)),
    ("material", MATERIAL),
    ("country", COUNTRY),
    ("organisation", ORGANISATION),
    ("person", PERSON),
    ("collection", COLLECTION),
    ("wd", WD),
    ("rdf", str(RDF)),
    ("rdfs", str(RDFS)),
    ("owl", str(OWL)),
    ("skos", str(SKOS)),
    ("schema", str(SCHEMA)),
    ("org", str(ORG)),
    ("foaf", str(FOAF)),
    ("dcterms", str(DCTERMS)),
    ("xsd", XSD),
]

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data"


def slugify(label: str) -> str:
    """README rule: lower-case, accents removed, runs of other characters -> '-'."""
    text = unicodedata.normalize("NFKD", label)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def norm(label: str) -> str:
    """Key for collision checks: case-folded, accents removed, spaces collapsed."""
    text = unicodedata.normalize("NFKD", label)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().split())


# --------------------------------------------------------------------------- #
# A tiny, deterministic Turtle writer
# --------------------------------------------------------------------------- #

# Objects are ("iri", str) | ("lit", text, lang) | ("bool", bool) | ("str", text)
Obj = tuple


def iri(value: str) -> Obj:
    return ("iri", value)


def en(text: str) -> Obj:
    return ("lit", text, "en")


def nl(text: str) -> Obj:
    return ("lit", text, "nl")


def plain(text: str) -> Obj:
    return ("str", text)


def boolean(value: bool) -> Obj:
    return ("bool", value)


# The order in which predicates are written for every subject.
PREDICATE_ORDER = [
    str(RDF.type),
    str(SKOS.prefLabel), str(RDFS.label), str(SKOS.altLabel),
    str(SKOS.inScheme), str(SKOS.broader), str(SKOS.member),
    str(CRM.iso3166Alpha2), str(CRM.iso3166Alpha3),
    str(CRM.elementSymbol), str(CRM.isCritical), str(CRM.isStrategic),
    str(CRM.demonym), str(CRM.metonym),
    str(CRM.role), str(ORG.memberOf), str(ORG.subOrganizationOf),
    str(OWL.sameAs), str(RDFS.comment), str(DCTERMS.source),
]


@dataclass
class Entity:
    """One subject and its statements (predicate IRI -> list of objects)."""

    iri: str
    props: dict[str, list[Obj]] = field(default_factory=lambda: defaultdict(list))

    def add(self, predicate, *objects: Obj) -> "Entity":
        values = self.props[str(predicate)]
        for obj in objects:
            if obj not in values:
                values.append(obj)
        return self

    def labels(self) -> set[tuple[str, str]]:
        """(case-folded text, language) of every label already on this entity.
        Accents are kept: unaccented variants ("Stephane Sejourne") are wanted."""
        out = set()
        for p in (SKOS.prefLabel, RDFS.label, SKOS.altLabel):
            out |= {(o[1].casefold(), o[2]) for o in self.props.get(str(p), []) if o[0] == "lit"}
        return out

    def add_alt(self, *objects: Obj) -> "Entity":
        """Add altLabels, skipping any whose text already labels this entity in the
        same language (SKOS: prefLabel and altLabel are disjoint; duplicates are noise)."""
        for obj in objects:
            if (obj[1].casefold(), obj[2]) not in self.labels():
                self.add(SKOS.altLabel, obj)
        return self


_LOCAL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")


def term(value: str) -> str:
    """An IRI as a prefixed name if it has a clean local part, else <...>."""
    for prefix, ns in sorted(PREFIXES, key=lambda p: -len(p[1])):
        if value.startswith(ns) and _LOCAL.match(value[len(ns):]):
            return f"{prefix}:{value[len(ns):]}"
    return f"<{value}>"


def quote(text: str) -> str:
    text = (text.replace("\\", "\\\\").replace('"', '\\"')
            .replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t"))
    return f'"{text}"'


def render(obj: Obj) -> str:
    kind = obj[0]
    if kind == "iri":
        return term(obj[1])
    if kind == "lit":
        return f"{quote(obj[1])}@{obj[2]}"
    if kind == "str":
        return quote(obj[1])
    if kind == "bool":
        return "true" if obj[1] else "false"
    raise ValueError(obj)


def obj_sort_key(obj: Obj):
    if obj[0] == "lit":
        return (1, obj[2], obj[1].casefold(), obj[1])
    return (0 if obj[0] == "iri" else 2, "", str(obj[1]).casefold(), str(obj[1]))


def render_entity(entity: Entity) -> str:
    def pred_key(p):
        return (PREDICATE_ORDER.index(p) if p in PREDICATE_ORDER else len(PREDICATE_ORDER), p)

    lines = []
    preds = sorted((p for p, v in entity.props.items() if v), key=pred_key)
    for i, pred in enumerate(preds):
        objs = sorted(entity.props[pred], key=obj_sort_key)
        p = "a" if pred == str(RDF.type) else term(pred)
        body = ",\n        ".join(render(o) for o in objs)
        end = " ;" if i < len(preds) - 1 else " ."
        lines.append(f"    {p} {body}{end}")
    return f"{term(entity.iri)}\n" + "\n".join(lines) + "\n"


def write_turtle(path: Path, title: str, sections: list[tuple[str, list[Entity]]]) -> None:
    """Write sections (comment, entities); entities are sorted by IRI in each section."""
    used = set()
    text_parts = []
    for comment, entities in sections:
        block = [f"# {'-' * 75}\n" + "".join(f"# {c}\n" for c in comment.splitlines()) + f"# {'-' * 75}\n"]
        for ent in sorted(entities, key=lambda e: e.iri):
            block.append(render_entity(ent))
        text_parts.append("\n".join(block))
    body = "\n".join(text_parts)
    for prefix, _ in PREFIXES:
        if f"{prefix}:" in body:
            used.add(prefix)
    header = [f"# {line}\n" for line in title.splitlines()]
    header.append("# Generated by ontology/vocab/build.py -- do not edit by hand.\n\n")
    header += [f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES if p in used]
    path.write_text("".join(header) + "\n" + body, encoding="utf-8")


# --------------------------------------------------------------------------- #
# Input
# --------------------------------------------------------------------------- #

def read_csv(data: Path, name: str) -> list[dict[str, str]]:
    with open(data / name, newline="", encoding="utf-8") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


# --------------------------------------------------------------------------- #
# 1. Materials
# --------------------------------------------------------------------------- #

# name_en in critical_raw_materials.csv -> (slug, English prefLabel)
MATERIAL_NAMES: dict[str, tuple[str, str]] = {
    "Antimony": ("antimony", "antimony"),
    "Arsenic": ("arsenic", "arsenic"),
    "Baryte": ("baryte", "baryte"),
    "Bauxite/alumina/aluminium": ("bauxite", "bauxite"),
    "Beryllium": ("beryllium", "beryllium"),
    "Bismuth": ("bismuth", "bismuth"),
    "Boron/borates": ("boron", "boron"),
    "Cobalt": ("cobalt", "cobalt"),
    "Coking coal": ("coking-coal", "coking coal"),
    "Copper": ("copper", "copper"),
    "Feldspar": ("feldspar", "feldspar"),
    "Fluorspar": ("fluorspar", "fluorspar"),
    "Gallium": ("gallium", "gallium"),
    "Germanium": ("germanium", "germanium"),
    "Hafnium": ("hafnium", "hafnium"),
    "Heavy rare earth elements": ("heavy-rare-earth-elements", "heavy rare earth elements"),
    "Helium": ("helium", "helium"),
    "Light rare earth elements": ("light-rare-earth-elements", "light rare earth elements"),
    "Lithium": ("lithium", "lithium"),
    "Magnesium": ("magnesium", "magnesium"),
    "Manganese": ("manganese", "manganese"),
    "Natural graphite": ("natural-graphite", "graphite"),
    "Nickel": ("nickel", "nickel"),
    "Niobium": ("niobium", "niobium"),
    "Phosphate rock": ("phosphate-rock", "phosphate rock"),
    "Phosphorus": ("phosphorus", "phosphorus"),
    "Platinum group metals": ("platinum-group-metals", "platinum group metals"),
    "Rare earth elements for permanent magnets (Nd, Pr, Tb, Dy, Gd, Sm, Ce)":
        ("rare-earth-elements", "rare earth elements"),
    "Scandium": ("scandium", "scandium"),
    "Silicon metal": ("silicon-metal", "silicon metal"),
    "Strontium": ("strontium", "strontium"),
    "Tantalum": ("tantalum", "tantalum"),
    "Titanium metal": ("titanium-metal", "titanium metal"),
    "Tungsten": ("tungsten", "tungsten"),
    "Vanadium": ("vanadium", "vanadium"),
}

# The one table row that is an Annex I (strategic) entry but not an Annex II entry:
# in Annex II its elements are covered by light and heavy rare earth elements.
ANNEX_I_ONLY = {"rare-earth-elements"}

# Hand-added English altLabels (plural and spelling variants) by slug.
MATERIAL_ALT_EN: dict[str, list[str]] = {
    "rare-earth-elements": [
        "rare earths", "rare-earths", "rare earth", "rare-earth", "rare-earth elements",
        "rare earth metals", "rare-earth metals", "REEs",
        "rare earth elements for permanent magnets",
    ],
    "light-rare-earth-elements": ["light rare earth", "light rare-earth metals", "light rare earth metals"],
    "heavy-rare-earth-elements": ["heavy rare earth", "heavy rare-earth metals", "heavy rare earth metals"],
    "natural-graphite": ["natural graphite", "natural flake graphite"],
    "boron": ["boron", "borates", "borate"],
    "platinum-group-metals": ["PGMs", "PGEs", "platinum metals", "platinum-group elements"],
    "bauxite": ["aluminium", "aluminum", "alumina", "bauxite/alumina/aluminium"],
    "tungsten": ["tungsten", "wolfram"],
    "baryte": ["barium sulphate"],
    "fluorspar": ["fluorite"],
    "silicon-metal": ["silicon"],
    "titanium-metal": ["titanium"],
    "phosphate-rock": ["phosphates"],
    "manganese": ["battery-grade manganese"],
    "magnesium": ["magnesium metal"],
}

# Hand-added Dutch altLabels by slug.
MATERIAL_ALT_NL: dict[str, list[str]] = {
    "rare-earth-elements": ["zeldzame aarden", "zeldzame-aardmetalen", "zeldzame aardmetalen"],
    "light-rare-earth-elements": ["lichte zeldzame aarden"],
    "heavy-rare-earth-elements": ["zware zeldzame aarden"],
    "natural-graphite": ["grafiet"],
    "boron": ["boor", "boraten"],
    "platinum-group-metals": ["platinametalen"],
    "bauxite": ["aluminium", "aluminiumoxide"],
    "baryte": ["zwaarspaat"],
    "fluorspar": ["fluoriet"],
    "coking-coal": ["metallurgische kolen", "cokeskolen"],
    "phosphate-rock": ["fosforiet", "ruw fosfaat"],
    "silicon-metal": ["silicium"],
    "titanium-metal": ["titaan", "titanium"],
    "tungsten": ["wolfram"],
}

# Dutch prefLabel where the table's first name is not the natural parallel of the
# English prefLabel (the table's name is then kept as altLabel @nl).
MATERIAL_PREF_NL = {"rare-earth-elements": "zeldzame aardmetalen"}

# group_name_en in crm_group_members.csv -> slug of the CRM row.
GROUP_SLUGS = {
    "Light rare earth elements": "light-rare-earth-elements",
    "Heavy rare earth elements": "heavy-rare-earth-elements",
    "Platinum group metals": "platinum-group-metals",
}

# Element symbol -> (English, Dutch) for group members and non-CRM materials.
ELEMENT_NAMES: dict[str, tuple[str, str]] = {
    "La": ("lanthanum", "lanthaan"), "Ce": ("cerium", "cerium"),
    "Pr": ("praseodymium", "praseodymium"), "Nd": ("neodymium", "neodymium"),
    "Sm": ("samarium", "samarium"), "Eu": ("europium", "europium"),
    "Gd": ("gadolinium", "gadolinium"), "Tb": ("terbium", "terbium"),
    "Dy": ("dysprosium", "dysprosium"), "Ho": ("holmium", "holmium"),
    "Er": ("erbium", "erbium"), "Tm": ("thulium", "thulium"),
    "Yb": ("ytterbium", "ytterbium"), "Lu": ("lutetium", "lutetium"),
    "Y": ("yttrium", "yttrium"),
    "Ru": ("ruthenium", "ruthenium"), "Rh": ("rhodium", "rodium"),
    "Pd": ("palladium", "palladium"), "Os": ("osmium", "osmium"),
    "Ir": ("iridium", "iridium"), "Pt": ("platinum", "platina"),
    # non-CRM materials often named in the news
    "Cr": ("chromium", "chroom"), "Zn": ("zinc", "zink"), "Sn": ("tin", "tin"),
    "Ag": ("silver", "zilver"), "Mo": ("molybdenum", "molybdeen"),
    "Zr": ("zirconium", "zirkonium"), "In": ("indium", "indium"),
    "Te": ("tellurium", "telluur"), "Cd": ("cadmium", "cadmium"),
    "Se": ("selenium", "seleen"), "Re": ("rhenium", "renium"), "Pb": ("lead", "lood"),
}
NON_CRM_SYMBOLS = ["Cr", "Zn", "Sn", "Ag", "Mo", "Zr", "In", "Te", "Cd", "Se", "Re", "Pb"]


def is_symbol(alias: str, symbols: set[str]) -> bool:
    """One- or two-letter chemical element symbols (case-sensitive), e.g. 'Ga', 'W'."""
    return alias in symbols


def build_materials(data: Path, report: dict) -> list[tuple[str, list[Entity]]]:
    elements = {r["symbol"]: r["wikidata_qid"] for r in read_csv(data, "elements_wikidata.csv")}
    symbols = set(elements)
    rows = read_csv(data, "critical_raw_materials.csv")
    if len(rows) != len(MATERIAL_NAMES):
        sys.exit(f"critical_raw_materials.csv has {len(rows)} rows; MATERIAL_NAMES has {len(MATERIAL_NAMES)}")

    scheme = Entity(str(CRM.materialScheme))
    scheme.add(RDF.type, iri(str(SKOS.ConceptScheme)))
    scheme.add(RDFS.label, en("crmkg materials"), nl("crmkg grondstoffen"))
    scheme.add(RDFS.comment, en(
        "Critical raw materials of the EU Critical Raw Materials Act (Regulation (EU) 2024/1252), "
        "the member elements of its rare-earth and platinum-group entries, and a few other "
        "materials common in the news about critical raw materials."))

    annex_i = Entity(COLLECTION + "crma-annex-i-strategic-raw-materials")
    annex_i.add(RDF.type, iri(str(SKOS.Collection)))
    annex_i.add(RDFS.label, en("Strategic raw materials (EU CRMA, Regulation (EU) 2024/1252, Annex I)"))
    annex_ii = Entity(COLLECTION + "crma-annex-ii-critical-raw-materials")
    annex_ii.add(RDF.type, iri(str(SKOS.Collection)))
    annex_ii.add(RDFS.label, en("Critical raw materials (EU CRMA, Regulation (EU) 2024/1252, Annex II)"))

    crm_rows: list[Entity] = []
    unsure_nl: list[tuple[str, str]] = []
    by_slug: dict[str, Entity] = {}
    for row in rows:
        slug, pref_en = MATERIAL_NAMES[row["name_en"]]
        m = Entity(MATERIAL + slug)
        m.add(RDF.type, iri(str(CRM.Material)), iri(str(SKOS.Concept)))
        m.add(SKOS.inScheme, iri(str(CRM.materialScheme)))
        m.add(SKOS.prefLabel, en(pref_en))

        # Dutch: strip " [?]", first of a slashed name is the prefLabel.
        name_nl = row["name_nl"]
        if "[?]" in name_nl:
            name_nl = name_nl.replace("[?]", "").strip()
            unsure_nl.append((pref_en, name_nl))
        nl_names = [n.strip() for n in name_nl.split("/") if n.strip()]
        m.add(SKOS.prefLabel, nl(MATERIAL_PREF_NL.get(slug, nl_names[0])))

        official = row["name_en"]
        if official.lower() != pref_en:
            m.add_alt(en(official[0].lower() + official[1:]))
        for alias in row["aliases_en"].split("|"):
            alias = alias.strip()
            if not alias:
                continue
            if is_symbol(alias, symbols):
                m.add(CRM.elementSymbol, plain(alias))
            else:
                m.add_alt(en(alias))
        for alias in MATERIAL_ALT_EN.get(slug, []):
            m.add_alt(en(alias))
        for alias in nl_names[1:] + ([nl_names[0]] if slug in MATERIAL_PREF_NL else []) + MATERIAL_ALT_NL.get(slug, []):
            m.add_alt(nl(alias))

        if row["element_symbol"]:
            m.add(CRM.elementSymbol, plain(row["element_symbol"]))
        critical = row["eu_crm_2023"] == "yes"
        strategic = row["eu_strategic_2023"] == "yes"
        m.add(CRM.isCritical, boolean(critical))
        m.add(CRM.isStrategic, boolean(strategic))
        if row["wikidata_qid"]:
            m.add(OWL.sameAs, iri(WD + row["wikidata_qid"]))

        annexes = []
        if slug not in ANNEX_I_ONLY:
            annexes.append("Annex II (critical)")
            annex_ii.add(SKOS.member, iri(m.iri))
        if strategic:
            annexes.append("Annex I (strategic)")
            annex_i.add(SKOS.member, iri(m.iri))
        comment = f"EU Critical Raw Materials Act (Regulation (EU) 2024/1252), {' and '.join(annexes)}: {official}."
        if slug in ANNEX_I_ONLY:
            comment += (" Annex I entry only: in Annex II these elements fall under light and heavy rare"
                        " earth elements. Here it also stands for rare earth elements in general.")
        m.add(RDFS.comment, en(comment))
        crm_rows.append(m)
        by_slug[slug] = m

    # Group structure: light/heavy REE are narrower than rare earth elements.
    ree = MATERIAL + "rare-earth-elements"
    by_slug["light-rare-earth-elements"].add(SKOS.broader, iri(ree))
    by_slug["heavy-rare-earth-elements"].add(SKOS.broader, iri(ree))
    # Scandium is a rare earth element (IUPAC) but a CRM row of its own: no duplicate.
    by_slug["scandium"].add(SKOS.broader, iri(ree))

    # Group members
    members: list[Entity] = []
    for row in read_csv(data, "crm_group_members.csv"):
        sym = row["member_symbol"]
        group = GROUP_SLUGS[row["group_name_en"]]
        name_en, name_nl = ELEMENT_NAMES[sym]
        if name_en in by_slug:  # already a CRM row of its own: only link it to the group
            by_slug[name_en].add(SKOS.broader, iri(MATERIAL + group))
            continue
        m = Entity(MATERIAL + slugify(name_en))
        m.add(RDF.type, iri(str(CRM.Material)), iri(str(SKOS.Concept)))
        m.add(SKOS.inScheme, iri(str(CRM.materialScheme)))
        m.add(SKOS.prefLabel, en(name_en), nl(name_nl))
        m.add(CRM.elementSymbol, plain(sym))
        m.add(SKOS.broader, iri(MATERIAL + group))
        is_ree = group != "platinum-group-metals"
        if is_ree:
            m.add(SKOS.broader, iri(ree))
            strategic = row["in_strategic_REE_for_permanent_magnets"] == "yes"
            why = ("one of the 7 rare earths for permanent magnets (Annex I)" if strategic
                   else "not one of the 7 rare earths for permanent magnets")
        else:
            strategic = True  # platinum group metals are an Annex I (strategic) entry
            why = "platinum group metals are an Annex I (strategic) entry"
        m.add(CRM.isCritical, boolean(True))
        m.add(CRM.isStrategic, boolean(strategic))
        m.add(OWL.sameAs, iri(WD + row["member_wikidata_qid"]))
        if elements.get(sym) != row["member_wikidata_qid"]:
            report["warnings"].append(f"{sym}: crm_group_members {row['member_wikidata_qid']} != elements {elements.get(sym)}")
        m.add(RDFS.comment, en(
            f"Member of {row['group_name_en'].lower()} (crm_group_members.csv); critical through its group; "
            f"strategic: {'yes' if strategic else 'no'} ({why})."))
        members.append(m)

    # Non-CRM materials
    others: list[Entity] = []
    for sym in NON_CRM_SYMBOLS:
        name_en, name_nl = ELEMENT_NAMES[sym]
        m = Entity(MATERIAL + slugify(name_en))
        m.add(RDF.type, iri(str(CRM.Material)), iri(str(SKOS.Concept)))
        m.add(SKOS.inScheme, iri(str(CRM.materialScheme)))
        m.add(SKOS.prefLabel, en(name_en), nl(name_nl))
        m.add(CRM.elementSymbol, plain(sym))
        m.add(CRM.isCritical, boolean(False))
        m.add(CRM.isStrategic, boolean(False))
        m.add(OWL.sameAs, iri(WD + elements[sym]))
        m.add(RDFS.comment, en("Not on the EU critical raw materials list; added because it is often named in the news."))
        others.append(m)

    report["unsure_nl"] = unsure_nl
    return [
        ("Scheme and the two CRMA annex lists", [scheme, annex_i, annex_ii]),
        ("EU critical raw materials (critical_raw_materials.csv)", crm_rows),
        ("Members of the rare-earth and platinum-group entries (crm_group_members.csv)", members),
        ("Other materials named in the news (crm:isCritical false; ids from elements_wikidata.csv)", others),
    ]


# --------------------------------------------------------------------------- #
# 2. Countries
# --------------------------------------------------------------------------- #

# English rdfs:label where pycountry's (common_)name is formal or awkward.
COUNTRY_EN: dict[str, str] = {
    "US": "United States", "GB": "United Kingdom", "KR": "South Korea", "KP": "North Korea",
    "RU": "Russia", "IR": "Iran", "VN": "Vietnam", "TR": "Türkiye", "SY": "Syria", "LA": "Laos",
    "BO": "Bolivia", "VE": "Venezuela", "TZ": "Tanzania", "MD": "Moldova",
    "CD": "Democratic Republic of the Congo", "CG": "Republic of the Congo", "TW": "Taiwan",
    "CZ": "Czechia", "PS": "Palestine", "FM": "Micronesia", "BN": "Brunei", "CV": "Cabo Verde",
    "VA": "Vatican City", "VG": "British Virgin Islands", "VI": "U.S. Virgin Islands",
    "FK": "Falkland Islands", "MF": "Saint Martin", "SX": "Sint Maarten", "PN": "Pitcairn Islands",
    "XK": "Kosovo",  # not in ISO 3166-1 / pycountry (user-assigned code)
}

# Dutch rdfs:label where pycountry's translation is formal, inverted or missing.
COUNTRY_NL: dict[str, str] = {
    "US": "Verenigde Staten", "KR": "Zuid-Korea", "KP": "Noord-Korea", "RU": "Rusland",
    "TR": "Turkije", "GB": "Verenigd Koninkrijk", "CD": "Congo-Kinshasa", "CG": "Congo-Brazzaville",
    "BO": "Bolivia", "VE": "Venezuela", "LA": "Laos", "MD": "Moldavië", "PS": "Palestina",
    "VA": "Vaticaanstad", "VG": "Britse Maagdeneilanden", "VI": "Amerikaanse Maagdeneilanden",
    "BY": "Belarus", "GE": "Georgië", "MF": "Saint-Martin", "SX": "Sint Maarten",
    "XK": "Kosovo",
}

# Extra aliases (English, Dutch).
COUNTRY_ALT: dict[str, tuple[list[str], list[str]]] = {
    "US": (["US", "U.S.", "USA", "U.S.A.", "America", "United States of America"],
           ["VS", "Amerika", "Verenigde Staten van Amerika"]),
    "GB": (["UK", "U.K.", "Britain", "Great Britain"], ["VK", "Groot-Brittannië", "Brittannië"]),
    "TR": (["Turkey", "Turkiye"], []),
    "KR": (["Republic of Korea", "Korea"], ["Republiek Korea"]),
    "KP": (["DPRK"], []),
    "CD": (["DRC", "DR Congo", "D.R. Congo", "Congo-Kinshasa", "Democratic Republic of Congo", "Congo"],
           ["Democratische Republiek Congo", "DR Congo", "Congo"]),
    "CG": (["Republic of Congo", "Congo-Brazzaville", "Congo Republic"], ["Republiek Congo"]),
    "AE": (["UAE", "U.A.E."], ["VAE", "Verenigde Arabische Emiraten"]),
    "CN": (["People's Republic of China", "PRC", "mainland China"], ["Volksrepubliek China"]),
    "NL": (["Holland", "the Netherlands"], ["Holland"]),
    "CZ": (["Czech Republic"], ["Tsjechische Republiek"]),
    "PH": (["the Philippines"], ["de Filipijnen"]),
    "RU": (["Russian Federation"], ["Russische Federatie"]),
    "MM": (["Burma"], ["Birma"]),
    "CI": (["Ivory Coast"], []),
    "SZ": (["Swaziland"], []),
    "MK": (["Macedonia"], ["Macedonië"]),
    "TL": (["East Timor"], []),
    "CV": (["Cape Verde"], []),
    "BY": ([], ["Wit-Rusland"]),
    "SA": (["KSA"], []),
    "MD": ([], ["Moldova"]),
    "VA": (["Holy See", "Vatican"], ["Heilige Stoel", "Vaticaan"]),
    "MO": (["Macau"], []),
    "BQ": (["Caribbean Netherlands"], ["Caribisch Nederland"]),
    "XK": (["Republic of Kosovo"], ["Republiek Kosovo"]),
}

# Labels that pycountry would give but that must not be used (they belong to, or
# would be mistaken for, another country).  In the news "Congo" alone is nearly
# always the DRC (cobalt), so the bare name is an alias of CD only.
COUNTRY_DROP: dict[str, set[str]] = {"CG": {"Congo"}}

# Demonyms / adjectives: (English, Dutch) -- Dutch with both the uninflected and
# the inflected form.
DEMONYMS: dict[str, tuple[list[str], list[str]]] = {
    "CN": (["Chinese"], ["Chinees", "Chinese"]),
    "US": (["American"], ["Amerikaans", "Amerikaanse"]),
    "JP": (["Japanese"], ["Japans", "Japanse"]),
    "AU": (["Australian"], ["Australisch", "Australische"]),
    "CA": (["Canadian"], ["Canadees", "Canadese"]),
    "CL": (["Chilean"], ["Chileens", "Chileense"]),
    "ID": (["Indonesian"], ["Indonesisch", "Indonesische"]),
    "IN": (["Indian"], ["Indiaas", "Indiase"]),
    "RU": (["Russian"], ["Russisch", "Russische"]),
    "KR": (["South Korean"], ["Zuid-Koreaans", "Zuid-Koreaanse"]),
    "DE": (["German"], ["Duits", "Duitse"]),
    "FR": (["French"], ["Frans", "Franse"]),
    "IT": (["Italian"], ["Italiaans", "Italiaanse"]),
    "NL": (["Dutch"], ["Nederlands", "Nederlandse"]),
    "BE": (["Belgian"], ["Belgisch", "Belgische"]),
    "BR": (["Brazilian"], ["Braziliaans", "Braziliaanse"]),
    "AR": (["Argentine", "Argentinian"], ["Argentijns", "Argentijnse"]),
    "PE": (["Peruvian"], ["Peruaans", "Peruaanse"]),
    "BO": (["Bolivian"], ["Boliviaans", "Boliviaanse"]),
    "CD": (["Congolese"], ["Congolees", "Congolese"]),
    "ZA": (["South African"], ["Zuid-Afrikaans", "Zuid-Afrikaanse"]),
    "TR": (["Turkish"], ["Turks", "Turkse"]),
    "KZ": (["Kazakh", "Kazakhstani"], ["Kazachs", "Kazachse"]),
    "MM": (["Burmese"], ["Myanmarees", "Myanmarese"]),
    "UA": (["Ukrainian"], ["Oekraïens", "Oekraïense"]),
    "NO": (["Norwegian"], ["Noors", "Noorse"]),
    "SE": (["Swedish"], ["Zweeds", "Zweedse"]),
    "FI": (["Finnish"], ["Fins", "Finse"]),
    "PT": (["Portuguese"], ["Portugees", "Portugese"]),
    "ES": (["Spanish"], ["Spaans", "Spaanse"]),
    "PL": (["Polish"], ["Pools", "Poolse"]),
    "MX": (["Mexican"], ["Mexicaans", "Mexicaanse"]),
    "MA": (["Moroccan"], ["Marokkaans", "Marokkaanse"]),
    "VN": (["Vietnamese"], ["Vietnamees", "Vietnamese"]),
    "PH": (["Philippine", "Filipino"], ["Filipijns", "Filipijnse"]),
    "MY": (["Malaysian"], ["Maleisisch", "Maleisische"]),
    "SA": (["Saudi"], ["Saoedisch", "Saoedische"]),
    "AE": (["Emirati"], ["Emiraats", "Emiraatse"]),
    "GL": (["Greenlandic"], ["Groenlands", "Groenlandse"]),
    "MN": (["Mongolian"], ["Mongools", "Mongoolse"]),
    "ZW": (["Zimbabwean"], ["Zimbabwaans", "Zimbabwaanse"]),
    "ZM": (["Zambian"], ["Zambiaans", "Zambiaanse"]),
    "NA": (["Namibian"], ["Namibisch", "Namibische"]),
    "RW": (["Rwandan"], ["Rwandees", "Rwandese"]),
    "GB": (["British"], ["Brits", "Britse"]),
    "TW": (["Taiwanese"], ["Taiwanees", "Taiwanese"]),
}

# Capital city used for the government: (English, Dutch).
METONYMS: dict[str, tuple[list[str], list[str]]] = {
    "US": (["Washington", "Washington, DC"], ["Washington", "Washington, DC"]),
    "CN": (["Beijing"], ["Beijing", "Peking"]),
    "JP": (["Tokyo"], ["Tokio"]),
    "RU": (["Moscow"], ["Moskou"]),
    "KR": (["Seoul"], ["Seoel"]),
    "AU": (["Canberra"], ["Canberra"]),
    "CA": (["Ottawa"], ["Ottawa"]),
    "IN": (["New Delhi"], ["New Delhi"]),
    "DE": (["Berlin"], ["Berlijn"]),
    "FR": (["Paris"], ["Parijs"]),
    "IT": (["Rome"], ["Rome"]),
    "GB": (["London"], ["Londen"]),
    "NL": (["The Hague"], ["Den Haag"]),
    "ID": (["Jakarta"], ["Jakarta"]),
    "CL": (["Santiago"], ["Santiago"]),
    "ZA": (["Pretoria"], ["Pretoria"]),
    "CD": (["Kinshasa"], ["Kinshasa"]),
    "TR": (["Ankara"], ["Ankara"]),
    "BR": (["Brasília", "Brasilia"], ["Brasília", "Brasilia"]),
    "AR": (["Buenos Aires"], ["Buenos Aires"]),
}


def strip_the(name: str) -> str:
    return name[4:] if name.startswith("the ") else name


def build_countries(data: Path, report: dict) -> list[tuple[str, list[Entity]]]:
    tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["nl"])
    out: list[Entity] = []
    not_in_pycountry = []
    for row in read_csv(data, "country_wikidata.csv"):
        a2, a3, qid = row["iso3166_alpha2"], row["iso3166_alpha3"], row["wikidata_qid"]
        c = pycountry.countries.get(alpha_2=a2)
        drop = {norm(x) for x in COUNTRY_DROP.get(a2, set())}
        e = Entity(COUNTRY + a2)
        e.add(RDF.type, iri(str(CRM.Country)), iri(str(SCHEMA.Country)))
        if c is None:
            not_in_pycountry.append(a2)
            if a2 not in COUNTRY_EN:
                sys.exit(f"{a2} is not in pycountry and has no hand-made label")
            label_en, label_nl = COUNTRY_EN[a2], COUNTRY_NL[a2]
            formal_en, formal_nl = [], []
        else:
            if c.alpha_3 != a3:
                report["warnings"].append(f"{a2}: alpha-3 {a3} in table, {c.alpha_3} in pycountry")
            label_en = COUNTRY_EN.get(a2) or getattr(c, "common_name", None) or c.name
            label_nl = COUNTRY_NL.get(a2) or tr.gettext(c.name)
            official = getattr(c, "official_name", None)
            formal_en = [c.name] + ([strip_the(official)] if official else [])
            formal_nl = [tr.gettext(c.name)]
            if official and tr.gettext(official) != official:
                formal_nl.append(strip_the(tr.gettext(official)))
        e.add(RDFS.label, en(label_en), nl(label_nl))
        extra_en, extra_nl = COUNTRY_ALT.get(a2, ([], []))
        for text in formal_en + extra_en:
            if norm(text) not in drop:
                e.add_alt(en(text))
        for text in formal_nl + extra_nl:
            if norm(text) not in drop:
                e.add_alt(nl(text))
        e.add(CRM.iso3166Alpha2, plain(a2))
        e.add(CRM.iso3166Alpha3, plain(a3))
        if qid:
            e.add(OWL.sameAs, iri(WD + qid))
        d_en, d_nl = DEMONYMS.get(a2, ([], []))
        e.add(CRM.demonym, *[en(x) for x in d_en], *[nl(x) for x in d_nl])
        m_en, m_nl = METONYMS.get(a2, ([], []))
        e.add(CRM.metonym, *[en(x) for x in m_en], *[nl(x) for x in m_nl])
        out.append(e)
    report["not_in_pycountry"] = not_in_pycountry
    for table in (COUNTRY_EN, COUNTRY_NL, COUNTRY_ALT, DEMONYMS, METONYMS):
        missing = set(table) - {e.iri.rsplit("/", 1)[1] for e in out}
        if missing:
            sys.exit(f"hand-made country data for codes not in the table: {sorted(missing)}")
    return [("Countries and territories (country_wikidata.csv; names from pycountry / iso-codes)", out)]


# --------------------------------------------------------------------------- #
# 3. Actors
# --------------------------------------------------------------------------- #

@dataclass
class Actor:
    label: str
    kind: str                 # Company | GovernmentBody | InternationalOrganisation | NGO | Organisation | Person
    alt_en: list[str] = field(default_factory=list)
    alt_nl: list[str] = field(default_factory=list)
    label_nl: str | None = None
    role: str | None = None
    member_of: list[str] = field(default_factory=list)   # IRIs
    sub_of: list[str] = field(default_factory=list)      # IRIs (org:subOrganizationOf)
    metonym_en: list[str] = field(default_factory=list)
    metonym_nl: list[str] = field(default_factory=list)
    qid: str | None = None    # only for hand-made actors whose id is certain

    @property
    def iri(self) -> str:
        return (PERSON if self.kind == "Person" else ORGANISATION) + slugify(self.label)


def org_iri(label: str) -> str:
    return ORGANISATION + slugify(label)


EU = org_iri("European Union")
US = COUNTRY + "US"

# entity in entities_wikidata.csv -> how it appears in the graph.
TABLE_ACTORS: dict[str, Actor] = {
    "European Union": Actor(
        "European Union", "InternationalOrganisation", ["EU", "the Union"], ["Europese Unie", "EU"],
        label_nl="Europese Unie", metonym_en=["Brussels"], metonym_nl=["Brussel"]),
    "European Commission": Actor(
        "European Commission", "GovernmentBody", ["the Commission", "Commission", "EC", "EU Commission"],
        ["Europese Commissie", "EC"], label_nl="Europese Commissie", sub_of=[EU]),
    "European Court of Auditors": Actor(
        "European Court of Auditors", "GovernmentBody", ["ECA", "Court of Auditors", "EU Court of Auditors"],
        ["Europese Rekenkamer", "ERK"], label_nl="Europese Rekenkamer", sub_of=[EU]),
    "Council of the European Union": Actor(
        "Council of the European Union", "GovernmentBody", ["Council of the EU"],
        ["Raad van de Europese Unie", "Raad van de EU"], label_nl="Raad van de Europese Unie", sub_of=[EU]),
    "European Parliament": Actor(
        "European Parliament", "GovernmentBody", ["EP"], ["Europees Parlement"],
        label_nl="Europees Parlement", sub_of=[EU]),
    "European Environmental Bureau": Actor(
        "European Environmental Bureau", "NGO", ["EEB"], ["Europees Milieubureau"]),
    "United States Department of State": Actor(
        "United States Department of State", "GovernmentBody",
        ["U.S. Department of State", "US Department of State", "Department of State", "State Department",
         "U.S. State Department", "US State Department"]),
    "Marco Rubio": Actor(
        "Marco Rubio", "Person", role="Secretary of State",
        member_of=[US, org_iri("United States Department of State")]),
    "JD Vance": Actor("JD Vance", "Person", ["J.D. Vance"], role="Vice President", member_of=[US]),
    "Doug Burgum": Actor(
        "Doug Burgum", "Person", role="Secretary of the Interior",
        member_of=[US, org_iri("United States Department of the Interior")]),
    "Chris Wright (US Energy Secretary)": Actor(
        "Chris Wright", "Person", role="Secretary of Energy",
        member_of=[US, org_iri("United States Department of Energy")]),
    "Scott Bessent": Actor(
        "Scott Bessent", "Person", role="Secretary of the Treasury",
        member_of=[US, org_iri("United States Department of the Treasury")]),
    "Jamieson Greer": Actor(
        "Jamieson Greer", "Person", role="U.S. Trade Representative",
        member_of=[US, org_iri("Office of the United States Trade Representative")]),
    "Keit Pentus-Rosimannus": Actor(
        "Keit Pentus-Rosimannus", "Person", role="Member of the European Court of Auditors",
        member_of=[org_iri("European Court of Auditors")]),
    "Stephane Sejourne": Actor(
        "Stéphane Séjourné", "Person", ["Stephane Sejourne"],
        role="Executive Vice-President of the European Commission for Prosperity and Industrial Strategy",
        member_of=[org_iri("European Commission")]),
    "Robin Roels": Actor(
        "Robin Roels", "Person", role="Policy Officer", member_of=[org_iri("European Environmental Bureau")]),
}

# Hand-made organisations common in critical-minerals news.  owl:sameAs only for
# the few whose Wikidata id is certain (well-known ids, cross-checked against
# public code that uses them); the rest are left without one on purpose.
HAND_ACTORS: list[Actor] = [
    # international organisations
    Actor("International Energy Agency", "InternationalOrganisation", ["IEA"],
          ["Internationaal Energieagentschap"], qid="Q826700"),
    Actor("Organisation for Economic Co-operation and Development", "InternationalOrganisation",
          ["OECD", "Organization for Economic Cooperation and Development",
           "Organisation for Economic Cooperation and Development"],
          ["Organisatie voor Economische Samenwerking en Ontwikkeling", "OESO"], qid="Q41550"),
    Actor("World Trade Organization", "InternationalOrganisation", ["WTO", "World Trade Organisation"],
          ["Wereldhandelsorganisatie"], qid="Q7825"),
    Actor("G7", "InternationalOrganisation", ["Group of Seven", "G-7"]),
    # government bodies
    Actor("United States Geological Survey", "GovernmentBody",
          ["USGS", "U.S. Geological Survey", "US Geological Survey"]),
    Actor("Export-Import Bank of the United States", "GovernmentBody",
          ["EXIM", "EXIM Bank", "Ex-Im Bank", "Export-Import Bank", "U.S. Export-Import Bank", "US Export-Import Bank"]),
    Actor("United States Department of Energy", "GovernmentBody",
          ["U.S. Department of Energy", "US Department of Energy", "Department of Energy", "Energy Department", "DOE"]),
    Actor("United States Department of the Interior", "GovernmentBody",
          ["U.S. Department of the Interior", "US Department of the Interior", "Department of the Interior",
           "Interior Department"]),
    Actor("United States Department of the Treasury", "GovernmentBody",
          ["U.S. Department of the Treasury", "US Department of the Treasury", "U.S. Treasury", "US Treasury",
           "Treasury Department"]),
    Actor("Office of the United States Trade Representative", "GovernmentBody",
          ["USTR", "Office of the U.S. Trade Representative", "Office of the US Trade Representative"]),
    Actor("Ministry of Commerce of China", "GovernmentBody",
          ["Ministry of Commerce of the People's Republic of China", "MOFCOM", "China's Ministry of Commerce", "Chinese Ministry of Commerce", "Chinese commerce ministry",
           "China's commerce ministry"],
          ["Chinese ministerie van Handel", "Chinees ministerie van Handel"]),
    Actor("General Administration of Customs of China", "GovernmentBody",
          ["General Administration of Customs of the People's Republic of China", "General Administration of Customs", "GACC", "China Customs", "Chinese customs"],
          ["Chinese douane"]),
    # other organisations and NGOs
    Actor("European Raw Materials Alliance", "Organisation", ["ERMA"]),
    Actor("Earthworks", "NGO"),
    # companies: news agencies
    Actor("Reuters", "Company", qid="Q130879"),
    Actor("Bloomberg", "Company", ["Bloomberg News", "Bloomberg L.P."]),
    # companies: mining, trading, refining, materials
    Actor("Glencore", "Company", ["Glencore plc"]),
    Actor("Rio Tinto", "Company", ["Rio Tinto Group"]),
    Actor("BHP", "Company", ["BHP Group", "BHP Billiton"]),
    Actor("Albemarle", "Company", ["Albemarle Corporation", "Albemarle Corp"]),
    Actor("SQM", "Company", ["Sociedad Química y Minera", "Sociedad Química y Minera de Chile", "Soquimich"]),
    Actor("Ganfeng Lithium", "Company", ["Ganfeng", "Jiangxi Ganfeng Lithium"]),
    Actor("Tianqi Lithium", "Company", ["Tianqi"]),
    Actor("CATL", "Company", ["Contemporary Amperex Technology", "Contemporary Amperex Technology Co. Limited"]),
    Actor("Lynas Rare Earths", "Company", ["Lynas"]),
    Actor("MP Materials", "Company", ["MP Materials Corp"]),
    Actor("Umicore", "Company"),
    Actor("China Northern Rare Earth", "Company",
          ["China Northern Rare Earth Group", "Northern Rare Earth", "China Northern Rare Earth (Group) High-Tech"]),
    Actor("Neo Performance Materials", "Company", ["Neo Performance"]),
    Actor("Iluka Resources", "Company", ["Iluka"]),
    Actor("Eramet", "Company"),
    Actor("Solvay", "Company"),
    Actor("Trafigura", "Company", ["Trafigura Group"]),
    Actor("Mercuria", "Company", ["Mercuria Energy Group"]),
    Actor("Hartree Partners", "Company", ["Hartree"]),
    Actor("Traxys North America", "Company", ["Traxys"]),
    # companies: manufacturers and users
    Actor("Tesla", "Company", ["Tesla Inc", "Tesla, Inc."], qid="Q478214"),
    Actor("General Motors", "Company", ["GM"], qid="Q81965"),
    Actor("Stellantis", "Company"),
    Actor("Volkswagen", "Company", ["VW", "Volkswagen Group", "Volkswagen AG"]),
    Actor("BMW", "Company", ["BMW Group", "Bayerische Motoren Werke"], qid="Q26678"),
    Actor("Boeing", "Company", ["The Boeing Company"], qid="Q66"),
    Actor("GE Vernova", "Company"),
    Actor("Google", "Company", ["Google LLC"], qid="Q95"),
]


def actor_entity(a: Actor) -> Entity:
    e = Entity(a.iri)
    if a.kind == "Person":
        e.add(RDF.type, iri(str(CRM.Person)), iri(str(FOAF.Person)))
    else:
        e.add(RDF.type, iri(str(CRM.Organisation)))
        if a.kind != "Organisation":
            e.add(RDF.type, iri(str(CRM[a.kind])))
    e.add(RDFS.label, en(a.label))
    if a.label_nl:
        e.add(RDFS.label, nl(a.label_nl))
    e.add_alt(*[en(x) for x in a.alt_en])
    e.add_alt(*[nl(x) for x in a.alt_nl])
    if a.role:
        e.add(CRM.role, plain(a.role))
    e.add(ORG.memberOf, *[iri(x) for x in a.member_of])
    e.add(ORG.subOrganizationOf, *[iri(x) for x in a.sub_of])
    e.add(CRM.metonym, *[en(x) for x in a.metonym_en], *[nl(x) for x in a.metonym_nl])
    if a.qid:
        e.add(OWL.sameAs, iri(WD + a.qid))
    return e


def build_actors(data: Path, report: dict) -> list[tuple[str, list[Entity]]]:
    table, left_out = [], []
    rows = read_csv(data, "entities_wikidata.csv")
    unknown = {r["entity"] for r in rows} - set(TABLE_ACTORS)
    if unknown:
        sys.exit(f"entities_wikidata.csv rows without a TABLE_ACTORS entry: {sorted(unknown)}")
    for row in rows:
        a = TABLE_ACTORS[row["entity"]]
        e = actor_entity(a)
        qid, verification = row["wikidata_qid"], row["verification"]
        bad = re.search(r"UNVERIFIED|CONFLICT", verification, re.I)
        if qid and not bad:
            e.add(OWL.sameAs, iri(WD + qid))
        else:
            left_out.append((a.label, qid, verification))
        e.add(RDFS.comment, en(f"From entities_wikidata.csv (entity “{row['entity']}”; verification: {verification})."))
        table.append(e)
    report["actors_left_out"] = left_out
    hand = [actor_entity(a) for a in HAND_ACTORS]
    for e in hand:
        e.add(RDFS.comment, en("Added by hand (not in entities_wikidata.csv)."))
    # every org:memberOf / org:subOrganizationOf target must exist
    known = {e.iri for e in table + hand} | {US}
    for e in table + hand:
        for p in (ORG.memberOf, ORG.subOrganizationOf):
            for o in e.props.get(str(p), []):
                if o[1] not in known:
                    sys.exit(f"{e.iri}: {p} {o[1]} is not defined")
    return [
        ("Organisations and people from entities_wikidata.csv\n"
         "owl:sameAs only where the verification column does not say UNVERIFIED or CONFLICT.", table),
        ("HAND-MADE: organisations common in critical-minerals news (not in entities_wikidata.csv).\n"
         "owl:sameAs only for a few well-known ids; all others deliberately have none.", hand),
    ]


# --------------------------------------------------------------------------- #
# Checks
# --------------------------------------------------------------------------- #

LABEL_PREDICATES = (SKOS.prefLabel, RDFS.label, SKOS.altLabel)

# Collisions that are deliberate: normalised label -> set of subject IRIs.
ALLOWED_COLLISIONS: dict[str, set[str]] = {}


def kind_of(g: Graph, s) -> str | None:
    types = set(g.objects(s, RDF.type))
    for t, name in ((CRM.Material, "Material"), (CRM.Country, "Country"),
                    (CRM.Person, "Person"), (CRM.Organisation, "Organisation")):
        if t in types:
            return name
    return None


def collisions(g: Graph, predicates) -> tuple[list, list]:
    """(within-kind collisions, cross-kind collisions) over the given predicates."""
    index: dict[str, set] = defaultdict(set)
    for p in predicates:
        for s, o in g.subject_objects(p):
            if isinstance(o, Literal):
                index[norm(str(o))].add(s)
    within, across = [], []
    for key, subjects in sorted(index.items()):
        if len(subjects) < 2:
            continue
        if {str(s) for s in subjects} == ALLOWED_COLLISIONS.get(key):
            continue
        by_kind = defaultdict(list)
        for s in subjects:
            by_kind[kind_of(g, s)].append(str(s))
        for kind, ss in by_kind.items():
            if len(ss) > 1:
                within.append((key, kind, sorted(ss)))
        if len(by_kind) > 1:
            across.append((key, sorted(str(s) for s in subjects)))
    return within, across


def verify(out_dir: Path, report: dict) -> bool:
    ok = True

    def check(cond: bool, msg: str) -> None:
        nonlocal ok
        print(("  ok   " if cond else "  FAIL ") + msg)
        ok &= cond

    graphs = {}
    for name in ("materials.ttl", "countries.ttl", "actors.ttl"):
        g = Graph()
        g.parse(out_dir / name, format="turtle")
        graphs[name] = g
        print(f"{name}: parses, {len(g)} triples")
    g = Graph()
    for part in graphs.values():
        g += part

    mats = set(g.subjects(RDF.type, CRM.Material))
    annex_ii = URIRef(COLLECTION + "crma-annex-ii-critical-raw-materials")
    annex_i = URIRef(COLLECTION + "crma-annex-i-strategic-raw-materials")
    n_ii = len(set(g.objects(annex_ii, SKOS.member)))
    n_i = len(set(g.objects(annex_i, SKOS.member)))
    table_rows = {m for m in mats if (m, RDFS.comment, None) in g
                  and any("Regulation (EU) 2024/1252" in str(c) for c in g.objects(m, RDFS.comment))}
    strategic_rows = {m for m in table_rows if (m, CRM.isStrategic, Literal(True)) in g}
    check(n_ii == 34, f"34 critical raw materials (Annex II members): {n_ii}")
    check(n_i == 17 and len(strategic_rows) == 17, f"17 strategic (Annex I members / table rows): {n_i} / {len(strategic_rows)}")
    print(f"       {len(table_rows)} table rows (34 Annex II + the Annex I-only 'rare earth elements' row), "
          f"{len(mats)} materials in all, "
          f"{len(set(g.subjects(CRM.isCritical, Literal(True))) & mats)} with isCritical true, "
          f"{len(set(g.subjects(CRM.isStrategic, Literal(True))) & mats)} with isStrategic true")
    for m in mats:
        for lang in ("en", "nl"):
            prefs = [o for o in g.objects(m, SKOS.prefLabel) if o.language == lang]
            if len(prefs) != 1:
                check(False, f"{m}: {len(prefs)} prefLabels @{lang}")
        for o in g.objects(m, SKOS.altLabel):
            if re.fullmatch(r"[A-Z][a-z]?", str(o)):
                check(False, f"{m}: element symbol as altLabel: {o}")

    countries = set(g.subjects(RDF.type, CRM.Country))
    check(240 <= len(countries) <= 260, f"about 250 countries: {len(countries)}")
    incomplete = [str(c) for c in countries
                  if not all((c, p, None) in g for p in (CRM.iso3166Alpha2, CRM.iso3166Alpha3, OWL.sameAs))
                  or len({o.language for o in g.objects(c, RDFS.label)}) != 2]
    check(not incomplete, f"every country has both ISO codes, a Wikidata id and labels @en and @nl {incomplete[:5]}")
    orgs = set(g.subjects(RDF.type, CRM.Organisation))
    people = set(g.subjects(RDF.type, CRM.Person))
    print(f"       {len(orgs)} organisations, {len(people)} people, "
          f"{len(set(g.subjects(OWL.sameAs, None)) & (orgs | people))} actors with owl:sameAs")

    within, across = collisions(g, LABEL_PREDICATES)
    check(not within, f"no label collisions within a kind ({len(within)})")
    for key, kind, ss in within:
        print(f"       {kind}: '{key}' -> {', '.join(ss)}")
    dem_within, _ = collisions(g, (CRM.demonym,))
    check(not dem_within, f"no demonym collisions ({len(dem_within)})")
    for key, kind, ss in dem_within:
        print(f"       demonym '{key}' -> {', '.join(ss)}")
    met_within, met_across = collisions(g, (CRM.metonym,))
    check(not met_within and not met_across, "no metonym collisions")
    print(f"       cross-kind label collisions (informational): {len(across)}")
    for key, ss in across:
        print(f"         '{key}' -> {', '.join(ss)}")
    for w in report.get("warnings", []):
        print(f"  warn {w}")
    return ok


# --------------------------------------------------------------------------- #
# SOURCES.md
# --------------------------------------------------------------------------- #

def write_sources(path: Path, report: dict) -> None:
    unsure = "\n".join(f"  - {en_} — *{nl_}*" for en_, nl_ in report["unsure_nl"])
    left_out = "\n".join(
        f"  - {label}: " + (f"`{qid}` not used" if qid else "no id in the table") + f" — verification: “{v}”"
        for label, qid, v in report["actors_left_out"])
    hand_ids = ", ".join(f"{a.label} (`{a.qid}`)" for a in HAND_ACTORS if a.qid)
    text = f"""# Sources of the crmkg vocabularies

Generated by `ontology/vocab/build.py` (run `.venv/bin/python ontology/vocab/build.py` from the repository
root; it reads `../shared/data`, or `--data DIR`). Do not edit the `.ttl` files or this file by hand: edit the
tables in `build.py` and re-run. The output is deterministic.

## Input tables (`../shared/data`)

| table | used for | source | licence |
|---|---|---|---|
| `critical_raw_materials.csv` | `materials.ttl`: the 35 rows (34 Annex II critical raw materials + the Annex I entry “rare earth elements for permanent magnets”), strategic flag, Dutch names, element symbols, English aliases, Wikidata ids | compiled from Regulation (EU) 2024/1252 (Critical Raw Materials Act), Annexes I and II | facts; Wikidata ids CC0 |
| `crm_group_members.csv` | `materials.ttl`: the 21 rare-earth and platinum-group member elements, their group, Wikidata ids, the 7 magnet rare earths | compiled | facts; ids CC0 |
| `elements_wikidata.csv` | `materials.ttl`: element symbols (to keep them out of altLabels) and the Wikidata ids of the non-CRM materials | Wikidata | CC0 |
| `country_wikidata.csv` | `countries.ttl`: the 250 countries and territories, ISO 3166-1 alpha-2 / alpha-3, Wikidata ids | Wikidata | CC0 |
| `entities_wikidata.csv` | `actors.ttl`: the 16 organisations and people and their Wikidata ids | Wikidata | CC0 |

Country names come from **pycountry** {pycountry.__version__ if hasattr(pycountry, '__version__') else ''}
(ISO 3166-1 data and Dutch translations of Debian's *iso-codes*, LGPL-2.1-or-later; the names themselves are
facts): `common_name` or `name` for the English label unless overridden, `name` and `official_name` as English
altLabels, the `iso3166-1` gettext catalogue for Dutch.

## Added by hand (all in `build.py`)

Everything below is written out in the script's tables and can be reviewed there.

**Materials** (`materials.ttl`)
- Slugs and lower-case English prefLabels (`MATERIAL_NAMES`); the table's official name is kept as an altLabel
  where it differs and in `rdfs:comment`.
- The “Rare earth elements for permanent magnets (Nd, Pr, Tb, Dy, Gd, Sm, Ce)” row becomes
  `id/material/rare-earth-elements`, prefLabel “rare earth elements” / “zeldzame aardmetalen”; the Annex name is
  an altLabel (@en, and the table's Dutch name @nl). It is an Annex I (strategic) entry but not an Annex II entry
  (there its elements fall under light and heavy rare earth elements), so the table's 35 rows are 34 critical
  raw materials + this one. Two `skos:Collection`s record the annexes:
  `id/collection/crma-annex-ii-critical-raw-materials` (34 members) and
  `id/collection/crma-annex-i-strategic-raw-materials` (17 members).
- English and Dutch plural / spelling variants (`MATERIAL_ALT_EN`, `MATERIAL_ALT_NL`). One- and two-letter
  element symbols in `aliases_en` are *not* altLabels (they cause false matches in text); they are kept as
  `crm:elementSymbol` (this gives bauxite/alumina/aluminium the symbol `Al`).
- `skos:broader`: light and heavy rare earth elements and scandium → rare earth elements; each member element →
  its group, and every rare-earth member also → rare earth elements. Scandium is not duplicated.
- Member elements: English and Dutch names (`ELEMENT_NAMES`); `crm:isCritical true` (covered through their
  group); `crm:isStrategic true` for the 7 magnet rare earths and — by the same reasoning — for the 6 platinum-group
  metals (platinum group metals are an Annex I entry); false for the other rare earths.
- Non-CRM materials with `crm:isCritical false`: chromium, zinc, tin, silver, molybdenum, zirconium, indium,
  tellurium, cadmium, selenium, rhenium (ids looked up by symbol in `elements_wikidata.csv`).
- Dutch names marked unsure (`[?]`) in the table, used with the marker stripped:
{unsure}

**Countries** (`countries.ttl`)
- English label overrides where pycountry's name is formal or awkward (`COUNTRY_EN`), Dutch overrides where the
  translation is formal, inverted (“Korea, Republiek”) or missing (“Georgia” → “Georgië”) (`COUNTRY_NL`).
- Common aliases in English and Dutch (`COUNTRY_ALT`). “Congo” alone is an alias of CD (Democratic Republic of the
  Congo) only: in the news it almost always means the DRC; pycountry's name “Congo” for CG is dropped
  (`COUNTRY_DROP`) and CG is “Republic of the Congo” / “Congo-Brazzaville”.
- `crm:demonym` (English adjective; Dutch uninflected and inflected form) for {len(DEMONYMS)} countries and
  `crm:metonym` (capital used for the government) for {len(METONYMS)} countries.
- Kosovo (`XK`, `XKX`) is in the table but not in ISO 3166-1 / pycountry; its labels are hand-made.
- Countries not in pycountry: {', '.join(report['not_in_pycountry']) or 'none'}.

**Actors** (`actors.ttl`)
- Types, news-form labels, altLabels (acronyms, Dutch names), `crm:role` and `org:memberOf` (roles as of
  February 2026), `org:subOrganizationOf` the EU for the EU institutions, `crm:metonym` “Brussels”/“Brussel” for
  the EU (`TABLE_ACTORS`).
- `owl:sameAs` only where `entities_wikidata.csv` gives an id and its verification column does not say
  UNVERIFIED or CONFLICT. Left without `owl:sameAs`:
{left_out}
- A separate, hand-made section of {len(HAND_ACTORS)} organisations common in critical-minerals news
  (`HAND_ACTORS`): international organisations, US and Chinese government bodies, ERMA, Earthworks, news agencies
  and companies. No Wikidata table backs them; `owl:sameAs` is given only for a few very well-known ids
  ({hand_ids}) and should be re-checked against Wikidata before anything depends on it. The US Department of the
  Treasury was added because Scott Bessent is a member of it.

## Notes for maintainers

- `crm:demonym` and the `id/collection/...` IRIs are used here but are not (yet) in `ontology/README.md`.
- `schema:` is `https://schema.org/`.
- The Wikidata ids of a few small territories in `country_wikidata.csv` were not cross-checked and are used as
  given; worth a look: PN (Pitcairn), RE (Réunion), GS (South Georgia and the South Sandwich Islands),
  PS (Palestine: the item for the State of Palestine or for the Palestinian territories?).
- `crm_group_members.csv` puts europium with the light rare earths (its note: EU CRM study convention, Eu
  sometimes grouped as heavy); followed as given.
"""
    path.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- #

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="folder with the input CSV tables (default: ../shared/data from the repo root)")
    parser.add_argument("--out", type=Path, default=HERE, help="output folder (default: this script's folder)")
    args = parser.parse_args(argv)
    data, out = args.data.resolve(), args.out.resolve()
    report: dict = {"warnings": []}

    write_turtle(out / "materials.ttl", "crmkg materials: SKOS concept scheme crm:materialScheme",
                 build_materials(data, report))
    write_turtle(out / "countries.ttl", "crmkg countries and territories (crm:Country)",
                 build_countries(data, report))
    write_turtle(out / "actors.ttl", "crmkg actors: organisations and people",
                 build_actors(data, report))
    write_sources(out / "SOURCES.md", report)
    print(f"wrote materials.ttl, countries.ttl, actors.ttl, SOURCES.md to {out}")
    return 0 if verify(out, report) else 1


if __name__ == "__main__":
    sys.exit(main())
