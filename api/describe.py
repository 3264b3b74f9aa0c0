"""What the pages show, read from the store: an entity with the statements about it, a document with its
highlighted evidence, the list of documents, contradictions. Plain dicts (the JSON twins); RDF twins as triples.

Every query binds IRIs through kg.store's VALUES clause; nothing a visitor types is pasted into SPARQL."""
from __future__ import annotations

import re

from kg.namespaces import CRM, ID, PREFIXES, SPARQL_PREFIXES
from kg.store import OxigraphStore, values_clause

ID_BASE = str(ID)
CRM_BASE = str(CRM)
ENTITY_KINDS = ("material", "country", "org", "person", "agreement", "policy", "event", "statement", "contradiction",
                "extractor")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
LABELS = ("http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2000/01/rdf-schema#label",
          "http://www.w3.org/2004/02/skos/core#altLabel")
RELATION_WORDS = {
    "produces": "produces", "refines": "refines", "recycles": "recycles", "supplies": "supplies", "exports": "exports",
    "shareOf": "holds a share of", "importsFrom": "imports from", "dependsOn": "depends on", "partyTo": "is party to",
    "said": "said", "target": "set the target", "policy": "has the measure", "attended": "attended",
    "notRecycled": "does not recycle", "participants": "counts participants",
}
QUALIFIERS = ("stage", "share", "quantity", "unit", "year", "date", "role", "count", "modality", "verbatim")


# -- IRIs and labels --------------------------------------------------------------------------------------------
def href(iri: str | None) -> str | None:
    """The page of one of our IRIs on this server.

    >>> href("https://w3id.org/crmkg/id/country/CN")
    '/entities/country/CN'
    >>> href("https://w3id.org/crmkg/id/document/0123456789abcdef/evidence/10-42")
    '/documents/0123456789abcdef#ev-10-42'
    >>> href("http://www.wikidata.org/entity/Q148") is None
    True
    """
    if not iri or not iri.startswith(ID_BASE):
        return None
    parts = iri[len(ID_BASE):].split("/")
    if parts[0] == "document" and len(parts) >= 2:
        if len(parts) == 4 and parts[2] == "evidence":
            return f"/documents/{parts[1]}#ev-{parts[3]}"
        if len(parts) == 4 and parts[2] == "source":
            return f"/documents/{parts[1]}#source-{parts[3]}"
        return f"/documents/{parts[1]}"
    if len(parts) == 2 and parts[0] in ENTITY_KINDS:
        return f"/entities/{parts[0]}/{parts[1]}"
    return None


def curie(iri: str) -> str:
    """`crm:share` for an IRI in one of our prefixes, else the IRI.

    >>> curie("https://w3id.org/crmkg/ontology#share")
    'crm:share'
    """
    for prefix, base in PREFIXES.items():
        if iri.startswith(base) and prefix != "id":
            return f"{prefix}:{iri[len(base):]}"
    return iri


def local_name(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


def labels(store: OxigraphStore, iris: list[str]) -> dict[str, str]:
    """The best label of each IRI (English preferred label, then rdfs:label, then any), else its local name."""
    iris = sorted({i for i in iris if i and i.startswith("http")})
    best: dict[str, tuple] = {}
    if iris:
        for row in store.select("""
            SELECT ?e ?label ?rank (LANG(?label) AS ?lang) WHERE {
              { ?e skos:prefLabel ?label BIND(0 AS ?rank) } UNION { ?e rdfs:label ?label BIND(1 AS ?rank) }
              UNION { ?e dcterms:title ?label BIND(2 AS ?rank) } }""", e=iris):
            key = (row["lang"] not in ("en", ""), row["rank"], len(row["label"]), row["label"])
            if row["e"] not in best or key < best[row["e"]]:
                best[row["e"]] = key
    return {iri: (best[iri][3] if iri in best else local_name(iri)) for iri in iris}


def ref(iri: str | None, names: dict[str, str]) -> dict | None:
    if not iri:
        return None
    return {"iri": iri, "label": names.get(iri, local_name(iri)), "href": href(iri)}


# -- statements and evidence ------------------------------------------------------------------------------------
def evidence_of(store: OxigraphStore, statement_iris: list[str]) -> dict[str, list[dict]]:
    """Evidence of each statement: sentence, offsets, document (title, date, publisher) and cited sources."""
    out: dict[str, dict[str, dict]] = {}
    if not statement_iris:
        return {}
    rows = store.select("""
        SELECT DISTINCT ?st ?ev ?sentence ?start ?end ?doc ?title ?date ?publisher ?url ?src ?n ?srcLabel WHERE {
          ?st crm:evidence ?ev . ?ev crm:sentence ?sentence ; crm:start ?start ; crm:end ?end ; crm:document ?doc .
          OPTIONAL { ?doc dcterms:title ?title } OPTIONAL { ?doc dcterms:date ?date }
          OPTIONAL { ?doc dcterms:publisher ?publisher } OPTIONAL { ?doc schema:url ?url }
          OPTIONAL { ?ev crm:cites ?src . OPTIONAL { ?src crm:citationNumber ?n } OPTIONAL { ?src rdfs:label ?srcLabel } }
        }""", st=sorted(set(statement_iris)))
    for row in rows:
        doc_id = local_name(row["doc"])
        ev = out.setdefault(row["st"], {}).setdefault(row["ev"], {
            "iri": row["ev"], "sentence": row["sentence"], "start": row["start"], "end": row["end"],
            "href": f"/documents/{doc_id}#ev-{row['start']}-{row['end']}",
            "document": {"iri": row["doc"], "id": doc_id, "href": f"/documents/{doc_id}", "title": row["title"],
                         "date": row["date"], "publisher": row["publisher"], "url": row["url"]},
            "cites": []})
        if row["src"] and all(c["iri"] != row["src"] for c in ev["cites"]):
            ev["cites"].append({"iri": row["src"], "n": row["n"], "label": row["srcLabel"],
                                "href": f"/documents/{doc_id}#source-{row['n']}"})
    return {st: sorted(evs.values(), key=lambda e: (str(e["document"]["date"] or ""), e["document"]["id"], e["start"]))
            for st, evs in out.items()}


def statements(store: OxigraphStore, statement_iris: list[str]) -> list[dict]:
    """Statements as dicts: relation, subject/object/material (with labels and pages), qualifiers, evidence."""
    if not statement_iris:
        return []
    raw: dict[str, dict] = {}
    for row in store.select("SELECT DISTINCT ?st ?p ?o WHERE { ?st ?p ?o }", st=sorted(set(statement_iris))):
        key = re.split(r"[#/]", row["p"])[-1]
        value = row["o"]
        if isinstance(value, str) and value.startswith(CRM_BASE):
            value = value[len(CRM_BASE):]
        raw.setdefault(row["st"], {}).setdefault(key, value)
    names = labels(store, [v for d in raw.values() for k, v in d.items() if k in ("subject", "object", "material", "onBehalfOf")])
    evidence = evidence_of(store, list(raw))
    out = []
    for iri in statement_iris:
        d = raw.get(iri)
        if d is None or "relation" not in d:
            continue
        item = {"iri": iri, "href": href(iri), "relation": d["relation"],
                "subject": ref(d.get("subject"), names), "object": ref(d.get("object"), names),
                "material": ref(d.get("material"), names), "text": d.get("text"),
                "polarity": d.get("polarity", True), "qualifiers": {k: d[k] for k in QUALIFIERS if k in d},
                "evidence": evidence.get(iri, [])}
        item["documents"] = len({e["document"]["iri"] for e in item["evidence"]})
        item["summary"] = summary(item)
        out.append(item)
    return out


def summary(st: dict) -> str:
    """One readable line for a statement.

    >>> summary({"relation": "refines", "subject": {"label": "China"}, "object": None, "text": None,
    ...          "material": {"label": "cobalt"}, "polarity": True, "qualifiers": {"share": 70.0}})
    'China refines cobalt (70%)'
    """
    words = RELATION_WORDS.get(st["relation"], st["relation"])
    parts = [st["subject"]["label"] if st.get("subject") else "?"]
    parts.append(("not: " if st.get("polarity") is False else "") + words)
    if st.get("object"):
        parts.append(st["object"]["label"])
        if st.get("material"):
            parts.append(f"for {st['material']['label']}")
    elif st.get("material"):
        parts.append(st["material"]["label"])
    if st.get("text") and st["text"] not in parts:
        parts.append(f"“{st['text']}”")
    q = st.get("qualifiers", {})
    extra = [str(q["stage"]).lower()] if q.get("stage") else []
    if q.get("share") is not None:
        extra.append(f"{q['share']:g}%")
    if q.get("count") is not None and st["relation"] == "participants":
        extra.append(str(q["count"]))
    if q.get("year"):
        extra.append(str(q["year"]))
    if q.get("modality") and q["modality"] not in ("Asserted", "Reported"):
        extra.append(str(q["modality"]).lower())
    return " ".join(parts) + (f" ({', '.join(extra)})" if extra else "")


# -- entities ---------------------------------------------------------------------------------------------------
def entity_iri(kind: str, key: str) -> str:
    return f"{ID_BASE}{kind}/{key}"


def entity(store: OxigraphStore, iri: str) -> dict | None:
    """Everything known about one entity: its own properties and every statement naming it, with evidence."""
    props = store.select("SELECT DISTINCT ?p ?o WHERE { ?e ?p ?o }", e=iri)
    mentioned = [r["st"] for r in store.select("""
        SELECT DISTINCT ?st WHERE { { ?st crm:subject ?e } UNION { ?st crm:object ?e } UNION { ?st crm:material ?e }
          ?st crm:relation ?rel }""", e=iri)]
    if not props and not mentioned:
        return None
    types = sorted(curie(r["o"]) for r in props if r["p"] == RDF_TYPE)
    objects = [r["o"] for r in props if isinstance(r["o"], str) and r["o"].startswith("http")]
    names = labels(store, [iri, *objects])
    conflicting = [r["o"] for r in props if r["p"] == CRM_BASE + "conflicting"]
    own = [iri] if any(r["p"] == CRM_BASE + "relation" for r in props) else []
    facts = statements(store, own + conflicting)
    facts += sorted(statements(store, [m for m in mentioned if m not in own + conflicting]),
                    key=lambda s: (-s["documents"], s["summary"]))
    comments = [r["o"] for r in props if r["p"] == "http://www.w3.org/2000/01/rdf-schema#comment"]
    label = facts[0]["summary"] if own else names.get(iri, local_name(iri))
    if label == local_name(iri) and comments:  # a contradiction is known by what it says
        label = str(comments[0])
    properties = []
    for row in props:
        if row["p"] in (RDF_TYPE, SAME_AS):
            continue
        value = row["o"]
        is_iri = isinstance(value, str) and value.startswith(("http://", "https://"))
        properties.append({"predicate": curie(row["p"]), "value": names.get(value, value) if is_iri else value,
                           "iri": value if is_iri else None, "href": href(value) if is_iri else None})
    properties = sorted({(p["predicate"], str(p["value"])): p for p in properties}.values(),
                        key=lambda p: (p["predicate"], str(p["value"])))
    documents = sorted({e["document"]["iri"] for f in facts for e in f["evidence"]})
    kind = iri[len(ID_BASE):].split("/")[0] if iri.startswith(ID_BASE) else None
    return {"iri": iri, "kind": kind, "label": label, "types": types,
            "same_as": sorted(r["o"] for r in props if r["p"] == SAME_AS), "properties": properties,
            "statements": facts, "documents": len(documents)}


def triples(store: OxigraphStore, construct: str, **bindings) -> list:
    result = store.query(SPARQL_PREFIXES + construct + values_clause(bindings))
    return list(result)


def entity_triples(store: OxigraphStore, described: dict) -> list:
    """The RDF twin of an entity page: the entity's triples, its statements' triples and their evidence."""
    nodes = [described["iri"], *(s["iri"] for s in described["statements"])]
    evidence = [e["iri"] for s in described["statements"] for e in s["evidence"]]
    found = triples(store, "CONSTRUCT { ?e ?p ?o } WHERE { ?e ?p ?o }", e=nodes + evidence)
    return list(dict.fromkeys(found))


# -- documents --------------------------------------------------------------------------------------------------
def document_iri(doc_id: str) -> str:
    return f"{ID_BASE}document/{doc_id}"


def documents(store: OxigraphStore) -> list[dict]:
    """Every document in the store, newest first, with its number of statements."""
    rows = store.select("""
        SELECT ?doc ?title ?date ?publisher ?language (COUNT(DISTINCT ?st) AS ?statements) WHERE {
          GRAPH ?doc { ?doc a crm:Document ; dcterms:title ?title .
            OPTIONAL { ?doc dcterms:date ?date } OPTIONAL { ?doc dcterms:publisher ?publisher }
            OPTIONAL { ?doc dcterms:language ?language } }
          OPTIONAL { ?ev crm:document ?doc . ?st crm:evidence ?ev }
        } GROUP BY ?doc ?title ?date ?publisher ?language ORDER BY DESC(?date) ?title""")
    return [{**row, "iri": row["doc"], "id": local_name(row["doc"]), "href": f"/documents/{local_name(row['doc'])}"}
            for row in rows]


def document(store: OxigraphStore, doc_id: str) -> dict | None:
    """A document: metadata, text, numbered sources, and its evidence spans with the statements each supports."""
    iri = document_iri(doc_id)
    meta: dict[str, object] = {}
    for row in store.select("SELECT ?p ?o WHERE { GRAPH ?doc { ?doc ?p ?o } }", doc=iri):
        key = re.split(r"[#/]", row["p"])[-1]
        if key != "type":
            value = row["o"]
            meta[key] = value[len(CRM_BASE):] if isinstance(value, str) and value.startswith(CRM_BASE) else value
    if not meta:
        return None
    sources = [{"iri": r["src"], "n": r["n"], "label": r["label"], "anchor": f"source-{r['n']}"}
               for r in store.select("""SELECT ?src ?n ?label WHERE { ?src crm:inDocument ?doc ; crm:citationNumber ?n .
                                        OPTIONAL { ?src rdfs:label ?label } } ORDER BY ?n""", doc=iri)]
    links = store.select("SELECT DISTINCT ?ev ?st WHERE { ?ev crm:document ?doc . ?st crm:evidence ?ev }", doc=iri)
    facts = {s["iri"]: s for s in statements(store, sorted({r["st"] for r in links}))}
    spans: dict[str, dict] = {}
    for st in facts.values():
        for ev in st["evidence"]:
            if ev["document"]["iri"] == iri:
                span = spans.setdefault(ev["iri"], {**ev, "anchor": f"ev-{ev['start']}-{ev['end']}", "statements": []})
                span["statements"].append({k: st[k] for k in ("iri", "href", "summary", "relation", "documents")})
    text = str(meta.get("text") or "")
    ordered = sorted(spans.values(), key=lambda s: (s["start"], -s["end"]))
    return {"iri": iri, "id": doc_id, "title": meta.get("title"), "date": meta.get("date"),
            "publisher": meta.get("publisher"), "url": meta.get("url"), "language": meta.get("language"),
            "type": meta.get("documentType"), "source_file": meta.get("sourceFile"),
            "content_hash": meta.get("contentHash"), "text": text, "sources": sources, "evidence": ordered,
            "statements": len(facts), "segments": segments(text, ordered)}


def segments(text: str, spans: list[dict]) -> list[dict]:
    """The text cut into plain and highlighted pieces; a span overlapping an earlier one is left unmarked.

    >>> [s["text"] for s in segments("ab cd ef", [{"start": 3, "end": 5, "anchor": "ev-3-5"}])]
    ['ab ', 'cd', ' ef']
    """
    out, at = [], 0
    for span in spans:
        if span["start"] < at or span["end"] > len(text):
            continue
        if span["start"] > at:
            out.append({"text": text[at:span["start"]], "span": None})
        out.append({"text": text[span["start"]:span["end"]], "span": span})
        at = span["end"]
    if at < len(text):
        out.append({"text": text[at:], "span": None})
    return out


def document_triples(store: OxigraphStore, doc_id: str) -> list:
    """The RDF twin of a document page: its whole named graph."""
    return triples(store, "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?doc { ?s ?p ?o } }", doc=document_iri(doc_id))


def texts(store: OxigraphStore, doc_iris: list[str]) -> dict[str, str]:
    if not doc_iris:
        return {}
    return {r["doc"]: r["text"] for r in store.select("SELECT ?doc ?text WHERE { GRAPH ?doc { ?doc schema:text ?text } }",
                                                     doc=sorted(set(doc_iris)))}


def context(text: str, start: int, end: int, width: int = 180) -> tuple[str, str, str]:
    """(before, sentence, after): the sentence with up to `width` characters around it, within its paragraph.

    >>> context("First one. The claim. Last one.", 11, 21, width=8)
    ('…one. ', 'The claim.', ' Last…')
    """
    before = text[max(0, start - width):start]
    if "\n\n" in before:
        before = before.rsplit("\n\n", 1)[1]
    elif start > width:
        before = "…" + before.split(" ", 1)[-1] if " " in before else "…" + before
    after = text[end:end + width]
    if "\n\n" in after:
        after = after.split("\n\n", 1)[0]
    elif end + width < len(text):
        after = (after.rsplit(" ", 1)[0] if " " in after.strip() else after) + "…"
    return before, text[start:end], after


def contradictions(store: OxigraphStore, reply: dict) -> list[dict]:
    """The contradictions of an `Asker.ask("Do sources disagree?")` reply, with aspect, comment and statements."""
    out = []
    for answer in reply.get("answers", []):
        iri = answer["iri"]
        rows = store.select("SELECT ?p ?o WHERE { ?c ?p ?o }", c=iri)
        d: dict[str, list] = {}
        for row in rows:
            d.setdefault(local_name(row["p"]), []).append(row["o"])
        conflicting = d.get("conflicting") or answer.get("statements", [])
        about = d.get("about", [None])[0]
        names = labels(store, [about] if about else [])
        out.append({"iri": iri, "href": href(iri), "aspect": (d.get("aspect") or [None])[0],
                    "comment": (d.get("comment") or [answer.get("label")])[0], "about": ref(about, names),
                    "statements": statements(store, sorted(conflicting)), "documents": answer.get("documents")})
    return out


def chart(answers: list[dict]) -> dict | None:
    """Bars for the answers that carry a share (percent), largest first; None when fewer than one has one.

    >>> chart([{"label": "China", "detail": {"share": 90.0, "stage": "Processing"}}])["bars"][0]["width"]
    90.0
    """
    bars = [{"label": a["label"], "value": float(a["detail"]["share"]), "stage": a["detail"].get("stage"),
             "year": a["detail"].get("year"), "href": href(a.get("iri"))}
            for a in answers if isinstance(a.get("detail", {}).get("share"), (int, float))]
    if not bars:
        return None
    bars.sort(key=lambda b: -b["value"])
    for i, bar in enumerate(bars):
        bar["width"] = round(min(max(bar["value"], 0.0), 100.0), 1)
        bar["y"] = 8 + i * 30
    return {"bars": bars, "height": 16 + len(bars) * 30}


def is_statement_label(answer: dict) -> bool:
    return str(answer.get("label", "")).startswith(("http://", "https://")) or \
        re.fullmatch(r"[0-9a-f]{12,}", str(answer.get("label", ""))) is not None


__all__ = ["chart", "context", "contradictions", "document", "document_triples", "documents", "entity",
           "entity_triples", "href", "labels", "statements", "texts"]
