"""Fact-level evaluation: extracted statements against a gold set's `facts` (precision and recall per kind).

A gold fact is found when a statement of the same kind has evidence in the same document and sentence and a
subject whose name matches the gold subject (any label or alias). Precision counts the statements of the gold
kinds, in the gold documents, that match some gold fact."""
from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

from extractors.vocabulary import load_entries
from kg.store import OxigraphStore

# gold kind -> our relation kinds
KINDS = {
    "produces": {"produces", "shareOf"}, "refines": {"refines"}, "recycles": {"recycles"}, "supplies": {"supplies"},
    "imports_from": {"importsFrom"}, "depends_on": {"dependsOn", "importsFrom"}, "party_to": {"partyTo"},
    "said": {"said"}, "target": {"target"}, "policy": {"policy"}, "attended": {"attended"},
    "not_recycled": {"notRecycled"}, "share": {"produces", "refines", "shareOf", "supplies"},
}

STATEMENTS = """
SELECT DISTINCT ?st ?rel ?subject ?material ?label ?sentence ?file WHERE {
  ?st crm:relation ?rel ; crm:subject ?subject ; crm:evidence ?ev .
  OPTIONAL { ?st crm:material ?material }
  ?ev crm:sentence ?sentence ; crm:document ?doc . ?doc crm:sourceFile ?file .
  OPTIONAL { ?subject rdfs:label|skos:prefLabel|skos:altLabel ?label }
}"""


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"\[\d+\]", "", text)
    return " ".join(re.sub(r"[^a-z0-9%]+", " ", text).split())


def score_facts(gold_dir: str | Path, store: OxigraphStore) -> dict:
    """Precision, recall and F1 per gold kind, with the misses, for a store holding the gold set's documents."""
    gold = json.loads((Path(gold_dir) / "gold.json").read_text(encoding="utf-8"))
    entries = load_entries()
    names: dict[str, set[str]] = defaultdict(set)
    statements: dict[str, dict] = {}
    for row in store.select(STATEMENTS):
        st = statements.setdefault(row["st"], {"rel": row["rel"].rsplit("#", 1)[-1], "subject": row["subject"],
                                               "material": row["material"], "evidence": set()})
        st["evidence"].add((row["file"], _norm(row["sentence"])))
        if row["label"]:
            names[row["subject"]].add(_norm(row["label"]))
    for iri, entry in entries.items():
        names[iri] |= {_norm(n) for n in entry.names | entry.metonyms}
    gold_files = {Path(d["file"]).name for d in gold["documents"]}
    per_kind: dict[str, dict] = defaultdict(lambda: {"gold": 0, "found": 0, "missed": []})
    matched: set[str] = set()
    for fact in gold["facts"]:
        kind = fact["kind"]
        per_kind[kind]["gold"] += 1
        sentence, file, subject = _norm(fact["sentence"]), Path(fact["doc"]).name, _norm(fact["subject"])
        hits = [iri for iri, st in statements.items() if st["rel"] in KINDS.get(kind, {kind})
                and any(f == file and (s == sentence or s.startswith(sentence[:60])) for f, s in st["evidence"])
                and (subject in names[st["subject"]] or kind == "not_recycled" and subject in names[st["material"]])]
        if hits:
            per_kind[kind]["found"] += 1
            matched.update(hits)
        else:
            per_kind[kind]["missed"].append(f"{fact['subject']} / {fact['object']}: {fact['sentence'][:90]}")
    ours: dict[str, list[str]] = defaultdict(list)
    for iri, st in statements.items():
        if any(f in gold_files for f, _ in st["evidence"]):
            for kind, rels in KINDS.items():
                if st["rel"] in rels and kind in per_kind:
                    ours[kind].append(iri)
    report = {}
    for kind, row in sorted(per_kind.items()):
        given = ours.get(kind, [])
        precision = sum(1 for iri in given if iri in matched) / len(given) if given else 0.0
        recall = row["found"] / row["gold"] if row["gold"] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        report[kind] = {"gold": row["gold"], "extracted": len(given), "recall": round(recall, 3),
                        "precision": round(precision, 3), "f1": round(f1, 3), "missed": row["missed"]}
    return report
