"""crm_coreference.v1: light, rule-based coreference inside one document.

Resolves pronouns (he, she, its; hij, zij, haar) to the last person or actor, definite descriptions
("the Court", "the auditors", "the Commission", "the country", "de Rekenkamer") to the last organisation whose
name contains that word, "the bloc"/"the Union" to the EU, and groups ("the two sides", "the three partners",
"both") to the actors last named together.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from extractors.facts import ACTOR_KINDS, Mention, mentions

PERSON_PRONOUNS = {"he", "she", "him", "her", "his", "hij", "zij", "ze", "haar", "hem", "zijn"}
ACTOR_PRONOUNS = {"its", "it"}
DETERMINERS = {"the", "de", "het", "this", "that", "deze", "dit", "die"}
GROUP_WORDS = {"sides", "partners", "countries", "governments", "allies", "parties", "drie", "twee", "beide",
               "landen", "partijen", "both"}
PROGRAMME_WORDS = {"reserve", "programme", "program", "scheme", "fund", "facility", "project", "initiative"}
UNION_WORDS = {"bloc", "union", "unie", "blok"}
EU_IRI = "https://w3id.org/crmkg/id/org/european-union"
MAX_SENTENCE_DISTANCE = 3


@Language.component("crm_coreference_v1")
def coreference(doc: Doc) -> Doc:
    found = mentions(doc)
    named = sorted(found, key=lambda m: m.start)
    covered = {i for m in found for i in range(m.start, m.end)}
    added: list[Mention] = []
    sent_index = {t.i: n for n, s in enumerate(doc.sents) for t in s}

    def recent(before: int, kinds: set[str]) -> list[Mention]:
        return sorted((m for m in named + added if m.start < before and m.ref.kind in kinds
                       and sent_index[before] - sent_index[m.start] <= MAX_SENTENCE_DISTANCE), key=lambda m: m.start)

    for token in doc:
        if token.i in covered:
            continue
        word = token.lower_
        prev = doc[token.i - 1].lower_ if token.i else ""
        if token.is_title:
            surname = [m for m in named + added if m.start < token.i and m.ref.kind == "PERSON"
                       and m.ref.label.split()[-1] == token.text and m.end - m.start > 1]
            if surname:
                added.append(Mention(token.i, token.i + 1, surname[-1].ref, "coreference"))
                continue
        if word in PERSON_PRONOUNS:
            people = recent(token.i, {"PERSON"})
            if people:
                added.append(Mention(token.i, token.i + 1, people[-1].ref, "coreference"))
        elif word in ACTOR_PRONOUNS and (word == "its" or token.dep_ in {"nsubj", "nsubjpass"} or
                                         token.i + 1 < len(doc) and doc[token.i + 1].pos_ in {"VERB", "AUX"}):
            actors = recent(token.i, {"COUNTRY", "ORG"})
            same_sentence = [m for m in actors if sent_index[m.start] == sent_index[token.i]]
            possessors = [m for m in same_sentence if m.end < len(doc) and doc[m.end].text in {"'s", "’s"}]
            if word == "its" and possessors:
                actors = possessors
            if actors and sent_index[token.i] - sent_index[actors[-1].start] <= 1:
                added.append(Mention(token.i, token.i + 1, actors[-1].ref, "coreference"))
        elif prev in DETERMINERS and word in UNION_WORDS:
            eu = [m for m in named if m.ref.iri == EU_IRI]
            if eu or word in {"bloc", "blok"}:
                ref = eu[0].ref if eu else None
                if ref:
                    added.append(Mention(token.i - 1, token.i + 1, ref, "coreference"))
        elif prev in DETERMINERS | {"such"} and word in PROGRAMME_WORDS:
            programmes = [m for m in named + added if m.start < token.i and m.ref.kind in {"POLICY", "AGREEMENT"}
                          and m.ref.label[:1].isupper()]
            if programmes:
                added.append(Mention(token.i - 1, token.i + 1, programmes[-1].ref, "coreference"))
        elif prev in DETERMINERS and word in GROUP_WORDS and not _names_follow(token, named, sent_index):
            group = _last_group(doc, token.i, named)
            added.extend(Mention(token.i - 1, token.i + 1, m.ref, "coreference") for m in group)
        elif prev in DETERMINERS and (word in {"country", "land"}):
            countries = recent(token.i, {"COUNTRY"})
            if countries:
                added.append(Mention(token.i - 1, token.i + 1, countries[-1].ref, "coreference"))
        elif prev in DETERMINERS and token.is_alpha and len(word) > 3:
            org = _organisation_by_word(word, token.i, named)
            if org:
                added.append(Mention(token.i - 1, token.i + 1, org.ref, "coreference"))
    found.extend(added)
    found.sort(key=lambda m: m.start)
    return doc


def _stem(word: str) -> str:
    return word.lower().rstrip("s")


def _organisation_by_word(word: str, before: int, named: list[Mention]) -> Mention | None:
    """'the auditors' -> the last organisation with 'Auditors' in its name (not its first word: 'the European')."""
    for m in reversed([m for m in named if m.start < before and m.ref.kind == "ORG"]):
        words = m.ref.label.split()
        if len(words) > 1 and _stem(word) in {_stem(w) for w in words[1:]} and word not in {"union", "states"}:
            return m
        if word in {"auditors", "auditeurs"} and "audit" in m.ref.label.lower() or "rekenkamer" in m.ref.label.lower() and word == "rekenkamer":
            return m
    return None


def _names_follow(token, named: list[Mention], sent_index: dict[int, int]) -> bool:
    """'The partners named include Argentina, Ecuador, ...': the group is named right here, not earlier."""
    later = {m.ref.iri for m in named if m.start > token.i and sent_index[m.start] == sent_index[token.i]}
    return len(later) >= 2


def _last_group(doc: Doc, before: int, named: list[Mention]) -> list[Mention]:
    """The actors named together most recently: 'the EU, the United States and Japan' -> all three."""
    actors = [m for m in named if m.start < before and m.ref.kind in ACTOR_KINDS - {"PERSON"}]
    for sent in reversed(list(doc[: before].sents)):
        group = {m.ref.iri: m for m in actors if sent.start <= m.start < sent.end}
        if len(group) >= 2:
            return list(group.values())
    return []
