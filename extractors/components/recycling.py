"""crm_not_recycled.v1: materials said not to be recycled or recovered at all ("lithium and gallium are not
recovered through recycling at all", "worden in de EU helemaal niet gerecycled", "zero recovery")."""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from kg.namespaces import CRM

from extractors.facts import (Fact, Ref, clause_mentions, mentions, clauses, content_sentences, factory_name, facts, is_negated,
                              sentence_mentions, unique_refs)

NAME = "crm_not_recycled.v1"
UNDER_ONE_PERCENT = re.compile(r"\b(less than|below|under|minder dan|onder|nog geen) 1 ?(%|percent|procent)", re.I)
BARELY = {"hardly", "barely", "scarcely", "negligible", "nauwelijks", "amper", "nagenoeg"}
RECYCLE = set("recycle recycled recycling recovered recovery recover gerecycled gerecycleerd hergebruikt "
              "teruggewonnen".split())


WORLD = Ref("https://w3id.org/crmkg/id/place/world", "PLACE", "world", str(CRM.Actor))


def _place(sent) -> Ref:
    """Where a recycling statement applies: the actor named as a place in its sentence ('in de EU'), else the
    world (a global finding that names no country)."""
    doc = sent.doc
    places = [m.ref for m in mentions(doc) if sent.start <= m.start < sent.end and m.ref.kind in {"COUNTRY", "ORG"}
              and re.search(r"\b(in|within|binnen)( the| de)?\s*$", doc[max(sent.start, m.start - 2): m.start].text, re.I)]
    return places[0] if places else WORLD


@Language.component(factory_name(NAME))
def not_recycled(doc: Doc) -> Doc:
    out = facts(doc)
    previous: list = []
    for sent in content_sentences(doc):
        sent_materials = unique_refs(sentence_mentions(sent, {"MATERIAL"}))
        for clause in clauses(sent):
            text = sent.doc[clause[0].i: clause[-1].i + 1].text
            if not any(t.lower_ in RECYCLE for t in clause) or not (is_negated(clause) or any(
                    t.lower_ in BARELY for t in clause) or UNDER_ONE_PERCENT.search(text)):
                continue
            materials = unique_refs(clause_mentions(clause, {"MATERIAL"}))
            if not materials and any(t.lower_ in {"it", "het", "this", "dit", "metal", "metaal"} for t in clause) \
                    and len(previous) == 1:
                materials = previous  # 'Graphite is not covered ...' then 'In practice it is hardly recovered at all'

            where = [m.ref for m in clause_mentions(clause, {"COUNTRY", "ORG"})]
            subject = where[0] if where else _place(sent)
            if subject is None:
                continue
            for material in materials:
                out.append(Fact(kind="notRecycled", subject=subject, material=material, sentence=sent,
                                extractor=NAME, stage="Recycling"))
        previous = sent_materials or previous
    return doc
