"""crm_dependencies.v1: who depends on or imports from whom ("the EU depends on China for gallium",
"supplies remain concentrated in China, Türkiye and Chile", "de EU haalt haar grondstoffen uit China")."""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from extractors.facts import (content_sentences, factory_name, Fact, clause_mentions, clauses, facts, focal_actor, is_negated, modality_of,
                              unique_refs)

NAME = "crm_dependencies.v1"
ATTRIBUTION = re.compile(r"\b(according to|volgens|reported by|said|told)\b", re.I)

DEPEND = set("depend depends depended dependent dependence dependency reliant reliance rely relies relied "
             "concentrated concentration afhankelijk afhankelijkheid".split())
IMPORT = set("import imports imported importing obtain obtains obtained source sources sourced buys bought "
             "haalt halen importeert importeren invoer".split())


@Language.component(factory_name(NAME))
def dependencies(doc: Doc) -> Doc:
    out = facts(doc)
    for sent in content_sentences(doc):
        for clause in clauses(sent):
            words = [t for t in clause if t.lower_ in DEPEND or t.lower_ in IMPORT or t.lemma_.lower() in DEPEND]
            if not words:
                continue
            trigger = words[0]
            kind = "importsFrom" if trigger.lower_ in IMPORT or trigger.lemma_.lower() in IMPORT else "dependsOn"
            actors = clause_mentions(clause, {"COUNTRY", "ORG"})
            suppliers = unique_refs([m for m in actors if m.start > trigger.i and m.via != "coreference"
                                     and (m.ref.kind == "COUNTRY" or m.ref.rdf_type.endswith("#Company"))
                                     and not ATTRIBUTION.search(doc[max(sent.start, m.start - 4): m.start].text)
                                     and not doc[max(0, m.start - 2): m.start].text.lower().replace(" ", "").endswith("non-")])
            attributed = {m.start for m in actors if ATTRIBUTION.search(doc[max(sent.start, m.start - 4): m.start].text)}
            dependents = [m for m in actors if m.start < trigger.i and m.start not in attributed]
            if not dependents:  # Dutch inversion: 'Volgens de Rekenkamer importeert de EU ... uit Congo'
                source = next((t.i for t in clause if t.i > trigger.i and t.lower_ in {"uit", "from", "van"}), None)
                dependents = [m for m in actors if trigger.i < m.start < (source or trigger.i) and m.start not in attributed]
                suppliers = [r for r in suppliers if all(r.iri != d.ref.iri for d in dependents)]
            dependent = dependents[0].ref if dependents else focal_actor(doc, {r.iri for r in suppliers})
            suppliers = [s for s in suppliers if dependent is None or s.iri != dependent.iri]
            if dependent is None or not suppliers:
                continue
            materials = unique_refs(clause_mentions(clause, {"MATERIAL"})) or [None]
            for supplier in suppliers:
                for material in materials:
                    out.append(Fact(kind=kind, subject=dependent, object=supplier, material=material, sentence=sent,
                                    extractor=NAME, polarity=not is_negated(clause), modality=modality_of(clause)))
    return doc
