"""crm_not_recycled.v1: materials said not to be recycled or recovered at all ("lithium and gallium are not
recovered through recycling at all", "worden in de EU helemaal niet gerecycled", "zero recovery")."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from extractors.facts import content_sentences, factory_name, Fact, clause_mentions, clauses, facts, focal_actor, is_negated, unique_refs

NAME = "crm_not_recycled.v1"
RECYCLE = set("recycle recycled recycling recovered recovery recover gerecycled gerecycleerd hergebruikt "
              "teruggewonnen".split())


@Language.component(factory_name(NAME))
def not_recycled(doc: Doc) -> Doc:
    out = facts(doc)
    for sent in content_sentences(doc):
        for clause in clauses(sent):
            if not any(t.lower_ in RECYCLE for t in clause) or not is_negated(clause):
                continue
            materials = unique_refs(clause_mentions(clause, {"MATERIAL"}))
            where = [m.ref for m in clause_mentions(clause, {"COUNTRY", "ORG"})]
            subject = where[0] if where else focal_actor(doc)
            if subject is None:
                continue
            for material in materials:
                out.append(Fact(kind="notRecycled", subject=subject, material=material, sentence=sent,
                                extractor=NAME, stage="Recycling"))
    return doc
