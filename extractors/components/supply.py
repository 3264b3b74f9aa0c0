"""crm_supply_relations.v1: who mines, produces, refines, processes, recycles, exports or supplies which material.

Works clause by clause: a trigger word (lemma) names the stage, a material mention names what, the clause's
subject (or the actor after 'from'/'in'/'uit') names who, and a possessive or 'to' actor is the customer.
Shares ('97%', 'two-thirds', '90 procent'), years and negation are kept as qualifiers and polarity.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Token

from extractors.facts import (content_sentences, factory_name, ACTOR_KINDS, Fact, Mention, clause_mentions, clauses, facts, find_shares, find_year,
                              is_negated, modality_of, span_text, token_lemma)

NAME = "crm_supply_relations.v1"

# trigger lemma or word -> (relation kind, stage)
TRIGGERS: dict[str, tuple[str, str | None]] = {}
for words, value in [
    ("mine mined mining miner extract extraction extracted dig delven gedolven delft delfde dolven mijnbouw winnen "
     "gewonnen wint won wonnen", ("produces", "Mining")),
    ("produce produced production producer output produceert produceren geproduceerd productie producent", ("produces", "Production")),
    ("refine refined refiner refining refinery raffinage raffineert raffineren geraffineerd", ("refines", "Refining")),
    ("process processed processing processor verwerking verwerkt verwerken verwerkers", ("refines", "Processing")),
    ("recycle recycled recycling recycler recover recovers recovered recovery gerecycled gerecycleerd hergebruik recyclet "
     "terugwinnen teruggewonnen", ("recycles", "Recycling")),
    ("supply supplied supplier provide provided deliver delivered account levert leveren leverancier", ("supplies", None)),
    ("export exported exporter exporteert exporteren uitvoer", ("exports", "Export")),
]:
    for word in words.split():
        TRIGGERS[word] = value
DOMINANCE = set("dominate dominates dominated dominant dominance control controls grip top leading largest biggest "
                "domineert dominant dominanter dominantie grootste beheerst".split())
MEASURE_WORDS = set("ban banned bans licence licences license licenses licensing control controls restrict restricted "
                    "restriction restrictions curb curbed curbs quota quotas verbod verbood vergunning suspend "
                    "suspended suspension halt halted exportstop stopte schortte opgeschort".split())
SOURCE_PREPOSITIONS = {"from", "in", "by", "uit", "door", "van"}
CUSTOMER_MARKERS = {"'s", "’s", "to", "aan", "for"}
DEPENDENCY_WORDS = {"imports", "import", "imported", "importeert", "haalt", "halen", "depends", "depend", "relies",
                    "rely", "afhankelijk", "obtains", "sources"}
AGENT_NOUNS = {"supplier", "suppliers", "producer", "producers", "refiner", "refiners", "exporter", "exporters",
               "leverancier", "leveranciers", "producent", "producenten", "exporteur", "exporteurs"}
CUSTOMER_NOUNS = {"supply", "supplies", "imports", "import", "consumption", "needs", "demand", "use", "aanvoer",
                  "invoer", "verbruik", "behoefte"}
IMPORT_WORDS = {"imports", "import", "importeert", "invoert", "buys", "obtains", "gets"}


@Language.component(factory_name(NAME))
def supply_relations(doc: Doc) -> Doc:
    out = facts(doc)
    topic: list[Mention] = []  # the material the previous sentence was about, if it named just one
    for sent in content_sentences(doc):
        sent_materials = [m for m in clause_mentions(list(sent), {"MATERIAL"})]
        carried = topic if not sent_materials else []  # 'Niobium is the most concentrated. Brazil accounts for 90%'
        topic = sent_materials if len({m.ref.iri for m in sent_materials}) == 1 else []
        for clause in clauses(sent):
            triggers = [t for t in clause if token_lemma(t) in TRIGGERS or t.lower_ in TRIGGERS]
            dominance = [t for t in clause if t.lower_ in DOMINANCE or token_lemma(t) in DOMINANCE]
            if not triggers and not dominance:
                continue
            if any(t.lower_ in DEPENDENCY_WORDS for t in clause) and not triggers:
                continue  # 'Duitsland haalt het grootste deel ... uit China' is a dependency, not production
            if any(t.lower_ in MEASURE_WORDS or token_lemma(t) in MEASURE_WORDS for t in clause):
                continue  # 'banned exports of gallium' is a policy, not a supply fact
            materials = clause_mentions(clause, {"MATERIAL"}) or _orphans(sent_materials, clause) or carried
            if not materials:
                continue
            # The stage word nearest the material wins; a generic 'supply' word only when no stage word is there.
            anchor = materials[0].start
            triggers.sort(key=lambda t: (_kind(t)[0] == "supplies", abs(t.i - anchor)))
            trigger = triggers[0] if triggers else None
            if trigger is not None and trigger.lower_ in AGENT_NOUNS and not any(
                    abs(m.start - trigger.i) <= 3 or _in_subject(doc[m.start]) and trigger.dep_ in {"attr", "appos"}
                    for m in clause_mentions(clause, ACTOR_KINDS)):
                continue  # 'no trade deal with the main suppliers of lithium': the suppliers are not named
            kind, stage = _kind(trigger) if trigger else ("produces", None)
            if trigger is not None and trigger.lower_ in {"process", "processed"} and any(t.lower_ == "refined" for t in clause):
                kind, stage = "refines", "Refining"
            actors = [m for m in clause_mentions(clause, ACTOR_KINDS - {"PERSON"})]
            if not materials or not actors:
                continue
            subject, customer = _roles(actors, clause)
            if subject is None:
                continue
            if customer is not None:
                kind = "supplies"
            text = span_text(clause)
            shares = find_shares(text)
            negated = is_negated(clause)
            materials = list({m.ref.iri: m for m in materials}.values())
            for material in materials:
                out.append(Fact(
                    kind=kind, subject=subject.ref, sentence=sent, extractor=NAME, material=material.ref,
                    object=customer.ref if customer else None, stage=stage,
                    share=shares[0][1] if shares and len(materials) == 1 else None,
                    year=find_year(text), polarity=not negated, modality=modality_of(clause)))
    return doc


def _kind(token: Token) -> tuple[str, str | None]:
    return TRIGGERS.get(token_lemma(token)) or TRIGGERS[token.lower_]


def _orphans(sent_materials: list[Mention], clause: list[Token]) -> list[Mention]:
    """Materials named before the clause in the same sentence ('Gallium is concentrated: 98% comes from China')."""
    first = clause[0].i
    before = [m for m in sent_materials if m.start < first]
    return before[-1:] if before else []


def _roles(actors: list[Mention], clause: list[Token]) -> tuple[Mention | None, Mention | None]:
    """(supplier, customer) among the clause's actors."""
    doc = clause[0].doc
    customer = None
    candidates = []
    material_tokens = {i for m in clause_mentions(clause, {"MATERIAL"}) for i in range(m.start, m.end)}
    for m in actors:
        after = doc[m.end].text.lower() if m.end < len(doc) else ""
        before = doc[m.start - 1].lower_ if m.start > 0 else ""
        pronoun = doc[m.start].lower_ in {"its", "haar", "their", "hun"}
        owned_at = m.end if pronoun else m.end + 1  # 'its boron' / 'the EU's magnesium'
        owned = doc[owned_at] if owned_at < len(doc) else None
        # A possessor is the customer when what it owns is the material or its supply ('the EU's magnesium',
        # 'its imports'); otherwise it is the producer ('its mines produced', 'China's share').
        possessive = (after in {"'s", "’s"} or pronoun) and owned is not None and (
            owned.i in material_tokens or owned.lower_ in CUSTOMER_NOUNS)
        if possessive or before in {"to", "aan"} or after in IMPORT_WORDS or doc[m.start].dep_ == "compound" and doc[m.start].head.lower_ in IMPORT_WORDS:
            customer = customer or m
        else:
            candidates.append(m)
    if not candidates:
        return None, None
    named = [m for m in candidates if m.via != "demonym"]
    candidates = named or candidates  # 'het Belgische bedrijf Umicore': the company, not its country's adjective
    if doc.has_annotation("DEP"):
        subjects = [m for m in candidates if _in_subject(doc[m.start])]
        sourced = [m for m in candidates if doc[m.start].head.lower_ in SOURCE_PREPOSITIONS]
        relcl = [m for m in candidates if any(t.dep_ == "relcl" and t.head.i in range(m.start, m.end) for t in clause)]
        passive = any(t.dep_ in {"auxpass", "nsubjpass"} for t in clause)
        ranked = (sourced or subjects if passive else subjects or sourced) or relcl or candidates
    else:
        ranked = candidates
    subject = ranked[0]
    if customer is not None and customer.ref.iri == subject.ref.iri:
        customer = None
    return subject, customer


def _in_subject(token: Token) -> bool:
    node = token
    for _ in range(4):
        if node.dep_ in {"nsubj", "nsubjpass"}:
            return True
        if node.head.i == node.i:
            return False
        node = node.head
    return False
