"""crm_policies.v1: measures an actor takes, plans or proposes: export bans and licences, price floors,
stockpiles and reserves, subsidies, tariffs ("the United States plans price floors", "Beijing banned exports of
gallium", "Project Vault is expected to stockpile gallium and cobalt", "een handelsblok met minimumprijzen")."""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from extractors.facts import (content_sentences, factory_name, focal_actor, Fact, Ref, clause_mentions, clauses, facts, is_negated, mentions, modality_of,
                              sentence_mentions, unique_refs)
from kg.namespaces import CRM, entity_iri

NAME = "crm_policies.v1"

# (pattern, canonical label, crm policy type)
MEASURES = [
    (r"border-adjusted price floors?", "border-adjusted price floors", "PriceFloor"),
    (r"price[- ]floors?|minimum prices?|prijsvloer(en)?|minimumprijz(en|s)|bodemprijz(en|s)", "price floors", "PriceFloor"),
    (r"price[- ]gap subsid(y|ies)", "price-gap subsidies", "Subsidy"),
    (r"export[- ]ban|ban(ned|s)? (all |the )?exports?|(ban|prohibition|embargo) on (?:\w+ ){0,3}exports?|exportverbod|uitvoerverbod|(suspend|halt|stopp?|freez)(ed|s|e)? "
     r"(?:\w+ ){0,2}exports?|export (suspension|stop|freeze)|exportstop|legde .{0,30}uitvoer .{0,30}stil",
     "export ban", "ExportBan"),
    (r"export[- ]licen[cs](e|es|ing)|licen[cs]es|licensing regime|exportvergunning(en)?", "export licensing", "ExportControl"),
    (r"export quotas?|exportquota'?s?", "export quotas", "ExportControl"),
    (r"export (controls?|restrictions?|curbs?)|curbed (shipments|exports)|exportbeperking(en)?|"
     r"exportcontroles?", "export controls", "ExportControl"),
    (r"stockpil(e|es|ing)|strategic reserves?|voorra(a)?d(en)?|strategische reserve", "stockpile", "Stockpile"),
    (r"offtake agreements?", "offtake agreements", "TradeMeasure"),
    (r"standards-based markets?", "standards-based markets", "TradeMeasure"),
    (r"tariffs?|import duties|invoerheffing(en)?", "tariffs", "TradeMeasure"),
    (r"raw[- ]materials? fund|grondstoffenfonds|rohstofffonds", "raw materials fund", "Subsidy"),
    (r"subsid(y|ies)|subsidie(s)?", "subsidies", "Subsidy"),
]
MEASURE_RES = [(re.compile(r"\b(" + p + r")\b", re.I), label, kind) for p, label, kind in MEASURES]
DATE = re.compile(r"\b(\d{1,2}) (January|February|March|April|May|June|July|August|September|October|November|"
                  r"December|januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|"
                  r"december) (20\d\d)\b|\b(January|February|March|April|May|June|July|August|September|October|"
                  r"November|December) (20\d\d)\b", re.I)
MONTHS = {m: i + 1 for i, m in enumerate("january february march april may june july august september october "
                                          "november december".split())}
MONTHS.update({m: i + 1 for i, m in enumerate("januari februari maart april mei juni juli augustus september "
                                               "oktober november december".split())})
BOTH_METALS = re.compile(r"\b(both|these|those|the two|beide|deze) (metals|minerals|materials|metalen|mineralen)\b", re.I)


def policy_date(text: str) -> str | None:
    m = DATE.search(text)
    if not m:
        return None
    if m.group(1):
        return f"{m.group(3)}-{MONTHS[m.group(2).lower()]:02d}-{int(m.group(1)):02d}"
    return f"{m.group(5)}-{MONTHS[m.group(4).lower()]:02d}"


@Language.component(factory_name(NAME))
def policies(doc: Doc) -> Doc:
    out = facts(doc)
    previous_materials: list[Ref] = []
    for sent in content_sentences(doc):
        sent_materials = unique_refs(sentence_mentions(sent, {"MATERIAL"}))
        for clause in clauses(sent):
            text = doc[clause[0].i: clause[-1].i + 1].text
            found = []
            for regex, label, kind in MEASURE_RES:
                for m in regex.finditer(text):
                    if not any(s <= m.start() < e for s, e, *_ in found):
                        found.append((m.start(), m.end(), label, kind))
            if not found:
                continue
            subject = _subject(doc, clause)
            if subject is None:
                continue
            materials = unique_refs(clause_mentions(clause, {"MATERIAL"}))
            if not materials and BOTH_METALS.search(text):
                materials = previous_materials
            if not materials:
                materials = sent_materials  # 'Gallium and cobalt are among the minerals Project Vault will stockpile'
            date = policy_date(sent.text)
            target = _target(doc, clause, subject)
            listed = _listed_with(text, found)
            for start, end, label, kind in found + listed:
                name = policy_label(label, kind, materials, target)
                policy = Ref(entity_iri("policy", f"{subject.label} {name} {date or ''}"), "POLICY", name, str(CRM.Policy))
                for material in materials or [None]:
                    out.append(Fact(kind="policy", subject=subject, object=policy, material=material, sentence=sent,
                                    extractor=NAME, date=date, text=label,
                                    polarity=not is_negated(clause), modality=modality_of(clause),
                                    extra_entities=[policy], role=kind))
        if sent_materials:
            previous_materials = sent_materials
    return doc


def policy_label(measure: str, kind: str, materials: list[Ref], target: Ref | None) -> str:
    """A measure named by what it covers: 'gallium and germanium export licensing',
    'export ban on gallium, germanium and antimony to the United States'."""
    if not materials or len(materials) > 3 or kind not in {"ExportControl", "ExportBan"}:
        return measure
    names = [m.label for m in materials]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    if kind == "ExportBan":
        return f"{measure} on {listed}" + (f" to the {target.label}" if target and target.label.startswith("United")
                                           else f" to {target.label}" if target else "")
    return f"{listed} {measure}"


def _target(doc: Doc, clause, subject: Ref) -> Ref | None:
    """The country a measure is aimed at: 'banned exports ... to the United States'."""
    for m in clause_mentions(clause, {"COUNTRY"}):
        if m.ref.iri != subject.iri and m.start > 0 and doc[m.start - 1].lower_ in {"to", "the", "naar"} and \
                any(t.lower_ in {"to", "naar"} for t in doc[max(0, m.start - 2): m.start]):
            return m.ref
    return None


def _in_subject(token) -> bool:
    """The token is (part of) a clause subject: 'U.S. officials pitched', 'Beijing banned'."""
    node = token
    for _ in range(3):
        if node.dep_ in {"nsubj", "nsubjpass"}:
            return True
        if node.dep_ not in {"compound", "amod", "poss", "nmod", "appos"} or node.head.i == node.i:
            return False
        node = node.head
    return False


def _listed_with(text: str, found: list) -> list:
    """'Options include border-adjusted price floors, standards-based markets and X': every listed item is a measure."""
    m = re.search(r"\b(include|includes|including|such as|zoals|onder meer)\b(.+)$", text, re.I)
    if not m:
        return []
    items = re.split(r",\s*|\s+(?:and|or|en|of)\s+", m.group(2).strip(" .[]0-9"))
    taken = {label for *_, label, kind in found}
    extra = []
    for item in items:
        item = re.sub(r"\[\d+\]", "", item).strip(" .")
        if 1 <= len(item.split()) <= 5 and item.lower() not in taken and not any(item.lower() in l for l in taken):
            if not any(regex.search(item) for regex, *_ in MEASURE_RES):
                extra.append((0, 0, item.lower(), "OtherMeasure"))
    return extra


def _subject(doc: Doc, clause) -> Ref | None:
    """The actor (or named programme) taking the measure: the clause subject, else the first actor or programme."""
    cands = [m for m in clause_mentions(clause, {"COUNTRY", "ORG", "POLICY", "AGREEMENT"})
             if not (m.start > 0 and doc[m.start - 1].lower_ in {"to", "naar"} or
                     m.start > 1 and doc[m.start - 2].lower_ in {"to", "naar"} and doc[m.start - 1].lower_ == "the")]
    if doc.has_annotation("DEP"):
        subj = [m for m in cands if _in_subject(doc[m.end - 1]) or _in_subject(doc[m.start])]
        if subj:
            return subj[0].ref
        cands = [m for m in cands if not (m.end < len(doc) and doc[m.end].text in {"'s", "’s"})] or cands
    if cands:
        return cands[0].ref
    if re.search(r"\b(miners|exporters|companies|producers|government|authorities|mijnbouwers|exporteurs|bedrijven|"
                 r"regering|overheid)\b",
                 doc[clause[0].i: clause[-1].i + 1].text, re.I):
        country = focal_actor(doc)  # 'miners may ship no more than ...': the country whose measure it is
        if country is not None and country.kind == "COUNTRY":
            return country
    # 'such an initiative', 'the reserve': the agreement or programme named last.
    last = [m for m in mentions(doc) if m.start < clause[0].i and m.ref.kind in {"AGREEMENT", "POLICY"}]
    return last[-1].ref if last and re.search(r"\b(initiative|reserve|programme|program|scheme|such)\b",
                                              doc[clause[0].i: clause[-1].i + 1].text, re.I) else None
