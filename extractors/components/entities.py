"""Entity recognition and linking: vocabulary patterns for the entity ruler, and crm_entity_linker.v1.

Every mention ends as a `Mention` with a `Ref`: vocabulary entities keep their IRI (linked to Wikidata and
ISO 3166 in the vocabularies); names the model finds that no vocabulary knows get a minted IRI and are kept.
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractors.facts import Mention, Ref, mentions, register_extensions
from extractors.vocabulary import load_entries
from kg.namespaces import CRM, entity_iri

EVENT_HEADS = {"ministerial", "summit", "conference", "congress", "meeting", "forum", "dialogue", "ministersconferentie",
               "top", "conferentie", "bijeenkomst", "topontmoeting", "week"}
PLACE_PREPOSITIONS = {"in", "at", "near", "around", "te", "bij", "nabij"}
AGREEMENT_HEADS = {"partnership", "agreement", "framework", "initiative", "memorandum", "pact", "accord", "treaty"}
TITLE_WORDS = {"secretary", "minister", "representative", "commissioner", "chief", "director", "chair", "chairman",
               "president", "spokesperson", "spokesman", "spokeswoman", "minister-president"}
MINTED_TYPES = {"PERSON": (CRM.Person, "person"), "ORG": (CRM.Organisation, "org"), "EVENT": (CRM.Event, "event"),
                "LAW": (CRM.Policy, "policy"), "POLICY": (CRM.Policy, "policy")}


AMBIGUOUS_MATERIALS = {"lead", "tin"}  # also common words: matched only where the tagger says noun


def ruler_patterns(make_doc, tagged: bool = True) -> list[dict]:
    """Token patterns for every name, metonym and demonym of the vocabularies."""
    patterns = []
    for entry in load_entries().values():
        forms = [(n, entry.kind) for n in entry.names] + [(n, "METONYM") for n in entry.metonyms]
        forms += [(n, "DEMONYM") for n in entry.demonyms]
        for name, label in forms:
            tokens = [t.text for t in make_doc(name)]
            if not tokens:
                continue
            if entry.kind == "MATERIAL" and name.lower() in AMBIGUOUS_MATERIALS:
                if not tagged:
                    continue
                pattern = [{"LOWER": name.lower(), "POS": "NOUN"}]
            elif entry.kind == "MATERIAL" and not name.isupper():
                pattern = [{"LOWER": t.lower()} for t in tokens]
            elif name.isupper() or len(name) <= 3:
                pattern = [{"ORTH": t} for t in tokens]  # acronyms: 'US' must not match 'us'
            else:
                pattern = [{"LOWER": t.lower()} for t in tokens]
                if label != "DEMONYM":
                    pattern[0] = {"LOWER": tokens[0].lower(), "IS_TITLE": True} if tokens[0].istitle() else pattern[0]
            patterns.append({"label": label, "pattern": pattern, "id": entry.iri})
    # Named events: 'Critical Minerals Ministerial', 'G7 summit'.
    patterns.append({"label": "EVENT", "pattern": [{"IS_TITLE": True, "OP": "+"},
                                                   {"LOWER": {"IN": sorted(EVENT_HEADS)}, "IS_TITLE": True}]})
    # Named programmes: 'Project Vault'.
    patterns.append({"label": "POLICY", "pattern": [{"LOWER": "project"}, {"IS_TITLE": True, "OP": "+"}]})
    return patterns


PARTICLES = {"van", "der", "de", "den", "von", "la", "le", "du", "ter", "ten"}
NOT_NAMES = {"Europese", "Commissie", "Unie", "Rekenkamer", "Raad", "Bank", "Agentschap", "Ministerie", "Minister",
             "Parlement", "Staten", "Verenigde", "Republiek", "Democratische", "Zuid", "Noord", "State", "Union",
             "Zaken", "Buitenlandse", "Economische", "De", "Het", "Een", "Amerikanen", "Europeanen", "Chinezen"}


@Language.component("crm_dutch_names_v1")
def dutch_names(doc: Doc) -> Doc:
    """Person names in Dutch text, which has no statistical NER here: runs of two to four capitalised words
    (particles such as 'van der' allowed) that no vocabulary entity covers, e.g. 'Ursula von der Leyen'."""
    taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
    spans, i = [], 0
    while i < len(doc):
        j = i
        while j < len(doc) and j not in taken and (doc[j].is_title and doc[j].is_alpha or
                                                   doc[j].lower_ in PARTICLES and j > i):
            j += 1
        while j > i and doc[j - 1].lower_ in PARTICLES:
            j -= 1
        start = i
        capitals = [t for t in doc[i:j] if t.text[:1].isupper()]
        after_ministry = i > 0 and doc[i - 1].lower_ in {"en", "van", "voor"}
        if (doc[i].is_sent_start or after_ministry) and len(capitals) >= 3:
            # 'Commissievoorzitter Ursula von der Leyen zei', 'minister van Energie en Bedrijfsleven Ebba Busch':
            # the first word is capitalised by position or belongs to a ministry's name
            start = i + 1
        words = [t.text for t in doc[start:j]]
        english_name = start > 0 and doc[start - 1].lower_ in {"on", "of", "for", "the", "and"}
        if 2 <= len([w for w in words if w[:1].isupper()]) <= 4 and not set(words) & NOT_NAMES and not english_name:
            # 'Rare Earths Norway', 'Eti Maden Holding': a place or company word makes it an organisation
            organisation = set(w.lower() for w in words) & ORG_WORDS or any(w.lower() in _place_words() for w in words)
            spans.append(Span(doc, start, j, label="ORG" if organisation else "PERSON"))
        i = max(j, i + 1)
    doc.ents = list(doc.ents) + spans
    return doc


ORG_WORDS = {"group", "holding", "holdings", "mining", "minerals", "metals", "resources", "company", "corporation",
             "bank", "fund", "agency", "institute", "earths", "energy", "industries", "ab", "asa", "nv", "bv", "ltd",
             "inc", "plc", "sa", "ag", "gmbh", "lithium", "materials"}


def _place_words() -> set[str]:
    """Lower-case single-word names of countries (for telling 'Rare Earths Norway' from a person)."""
    if not _PLACES:
        _PLACES.update(n.lower() for e in load_entries().values() if e.kind == "COUNTRY" for n in e.names
                       if " " not in n)
        _PLACES.update({"europa", "europe", "afrika", "africa", "azië", "asia", "amerika", "america"})
    return _PLACES


_PLACES: set[str] = set()


def ref_for_vocab(iri: str) -> Ref:
    entry = load_entries()[iri]
    return Ref(iri, entry.kind, entry.label, entry.rdf_type)


@Language.component("crm_entity_linker_v1")
def entity_linker(doc: Doc) -> Doc:
    """Turn doc.ents into Mentions: vocabulary IRIs where known, minted IRIs for new names."""
    register_extensions()
    found = mentions(doc)
    people: dict[str, Ref] = {}  # surname -> person seen earlier in the document
    entries = load_entries()
    by_name = _name_index()
    for ent in doc.ents:
        text = _clean(ent.text)
        if ent.label_ == "MATERIAL" and ent[0].is_title and ent.end < len(doc) and doc[ent.end].is_title \
                and not doc[ent.end].is_sent_start:
            continue  # 'Cobalt Institute', 'Lithium Americas': part of a name, not the material
        if ent.label_ == "METONYM" and ent.start > 0 and doc[ent.start - 1].lower_ in PLACE_PREPOSITIONS:
            continue  # 'the ministerial in Washington': a place, not the government
        end = ent.end
        if ent.label_ == "PERSON":  # 'Ursula von der Leyen' where the model stops at 'von'
            while end < len(doc) and (doc[end].lower_ in PARTICLES and end + 1 < len(doc) or
                                      doc[end - 1].lower_ in PARTICLES and doc[end].is_title):
                end += 1
            while end > ent.end and doc[end - 1].lower_ in PARTICLES:
                end -= 1
            if end > ent.end:
                text = _clean(doc[ent.start:end].text)
        if ent.ent_id_ and ent.ent_id_ in entries:
            ref = ref_for_vocab(ent.ent_id_)
            via = {"METONYM": "metonym", "DEMONYM": "demonym"}.get(ent.label_, "name")
        elif text.lower() in by_name:
            ref, via = ref_for_vocab(by_name[text.lower()]), "name"
        elif text.split() and text.split()[-1] in people and len(text.split()) == 1 or ent.label_ == "PERSON" and text.split()[-1] in people:
            ref, via = people[text.split()[-1]], "coreference"
        elif ent.label_ == "ORG" and ent.end < len(doc) and doc[ent.end].lower_ in TITLE_WORDS:
            continue  # 'Treasury Secretary Scott Bessent': a title, not an organisation
        elif ent.label_ == "ORG" and text.split()[-1].lower() in AGREEMENT_HEADS or \
                ent.label_ == "ORG" and re.search(r"\b(Partnership|Agreement|Framework|Initiative|Forum on)\b", text):
            continue  # an agreement or forum: crm_agreements.v1 describes it
        elif ent.label_ in MINTED_TYPES and _nameish(text):
            rdf_type, kind = MINTED_TYPES[ent.label_]
            if ent.label_ == "ORG" and text.split()[-1].lower() in EVENT_HEADS:
                rdf_type, kind = CRM.Event, "event"
            label = {"person": "PERSON", "org": "ORG", "event": "EVENT", "policy": "POLICY"}[kind]
            ref, via = Ref(entity_iri(kind, text), label, text, str(rdf_type)), "minted"
        else:
            continue
        if ref.kind == "PERSON" and len(ref.label.split()) > 1:
            people[ref.label.split()[-1]] = ref
        found.append(Mention(ent.start, end, ref, via))
    return doc


def _clean(text: str) -> str:
    text = re.sub(r"^(the|de|het)\s+", "", text.strip(), flags=re.I)
    return re.sub(r"['’]s$", "", text).strip()


def _nameish(text: str) -> bool:
    """A name worth minting: capitalised, not a number, not a reference into a legal text ('Article XI:2(a)')."""
    return bool(re.search(r"[A-Z]", text)) and len(text) > 1 and not text.isdigit() and not re.match(
        r"(Article|Articles|Paragraph|Section|Annex|Chapter|No\.|Nr\.)\b", text)


_NAME_INDEX: dict[str, str] = {}


def _name_index() -> dict[str, str]:
    if not _NAME_INDEX:
        for entry in load_entries().values():
            if entry.kind == "MATERIAL":
                continue
            for name in entry.names:
                _NAME_INDEX.setdefault(name.lower(), entry.iri)
    return _NAME_INDEX
