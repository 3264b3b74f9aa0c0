"""crm_attributed_statements.v1: who said what ("Rubio emphasized that ...", "X zei dat ...", "According to X, ...").

The speaker is the subject of a speech verb (a person or organisation, pronouns resolved by coreference);
the content is the verb's clause complement, or what follows the verb; it is verbatim when it is quoted.
A role given next to the name ("the ECA member who led the audit", "Vice President") is kept.
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractors.facts import (ACTOR_KINDS, CITATION, Fact, Mention, Ref, content_sentences, factory_name, facts,
                              mentions, sentence_mentions)
from kg.namespaces import CRM, entity_iri

NAME = "crm_attributed_statements.v1"

SPEECH = set("""say said says state stated states argue argued argues warn warned warns emphasize emphasized emphasise
emphasised stress stressed tell told note noted add added acknowledge acknowledged criticize criticized criticise
criticised claim claimed explain explained insist insisted urge urged welcome welcomed announce announced declare
declared describe described suggest suggested point pointed call called caution cautioned predict predicted
conclude concluded find found report reported
zei zegt stelt stelde waarschuwde waarschuwt benadrukte benadrukt wees wijst verklaarde verklaart
noemde noemt pleitte pleit concludeerde concludeert vindt vond meldde meldt""".split())
# Verbs that report speech only when a clause or quote follows ('concluded that ...', 'noted: "..."').
NEEDS_THAT = set("conclude concluded concludes find found finds note noted notes add added adds call called calls point "
                 "pointed describe described announce announced concludeerde concludeert vond vindt meldde meldt".split())
ACCORDING = re.compile(r"\b(according to|volgens)\b", re.I)
QUOTED_AFTER_COLON = re.compile(r":\s*[\"“„]([^\"”]{12,})[\"”]")
QUOTES = re.compile(r"[\"“”„]")


@Language.component(factory_name(NAME))
def attributed_statements(doc: Doc) -> Doc:
    out = facts(doc)
    for sent in content_sentences(doc):
        speakers = sentence_mentions(sent, ACTOR_KINDS)
        if not speakers:
            continue
        for token in sent:
            if token.lower_ not in SPEECH and token.lemma_.lower() not in SPEECH:
                continue
            speaker = _speaker(sent, token, speakers)
            if speaker is None:
                continue
            if token.lower_ in NEEDS_THAT and not _introduces_clause(sent, token):
                continue  # 'the agreements it concluded', 'it added seven metals': not speech
            content = _content(sent, token, speaker)
            if len(content.split()) < 3:
                continue
            role = _role(sent, speaker)
            out.append(Fact(kind="said", subject=speaker.ref, sentence=sent, extractor=NAME, text=content,
                            verbatim=bool(QUOTES.search(sent.text)), role=role, on_behalf_of=_organisation(sent, speaker, role),
                            date=(doc._.meta or {}).get("date")))  # when it was reported, unless the text says
            break
        else:
            quoted = QUOTED_AFTER_COLON.search(sent.text)
            people = [m for m in speakers if m.ref.kind == "PERSON" and m.via != "coreference"]
            if quoted and len({m.ref.iri for m in people}) == 1:
                out.append(Fact(kind="said", subject=people[0].ref, sentence=sent, extractor=NAME,
                                text=_clean(quoted.group(1)), verbatim=True, date=(doc._.meta or {}).get("date")))
                continue
            match = ACCORDING.search(sent.text)
            if match:
                after = [m for m in speakers if sent.doc[m.start].idx - sent.start_char > match.start()]
                if after and after[0].ref.kind in {"PERSON", "ORG"}:
                    content = sent.text[sent.doc[after[0].end - 1].idx + len(sent.doc[after[0].end - 1]) - sent.start_char:]
                    content = _clean(content.lstrip(" ,"))
                    if len(content.split()) >= 3:
                        out.append(Fact(kind="said", subject=after[0].ref, sentence=sent, extractor=NAME,
                                        text=content, verbatim=bool(QUOTES.search(content))))
    return doc


def _introduces_clause(sent: Span, verb) -> bool:
    """A 'that'/'dat' clause, a colon or a quotation follows the verb, or a quotation precedes it."""
    after = sent.doc[verb.i + 1: min(sent.end, verb.i + 8)]
    before = sent.doc[sent.start: verb.i].text
    return any(t.lower_ in {"that", "dat", ":"} or t.text in {'"', "“", "„"} for t in after) or bool(QUOTES.search(before))


def _speaker(sent: Span, verb, speakers: list[Mention]) -> Mention | None:
    doc = sent.doc
    quoted = _quoted_tokens(sent)
    speakers = [m for m in speakers if m.start not in quoted]  # names inside the quotation did not say it
    if doc.has_annotation("DEP"):
        for child in verb.children:
            if child.dep_ in {"nsubj", "nsubjpass"}:
                for m in speakers:
                    if m.start <= child.i < m.end or child.i in {t.i for t in doc[m.start:m.end]}:
                        return m
                if child.pos_ == "PROPN" and child.is_title:
                    return _named_subject(doc, child)  # a name no model or vocabulary knows: kept, minted
                # 'the auditors noted' resolved through coreference, or a name at the head of the subject phrase.
                inside = [m for m in speakers if child.left_edge.i <= m.start <= child.i]
                return inside[0] if inside else None
        if verb.dep_ in {"conj", "advcl"} and verb.head.i != verb.i:
            return _speaker(sent, verb.head, speakers)
        return None
    before = [m for m in speakers if m.end <= verb.i]
    after = [m for m in speakers if m.start > verb.i and m.start - verb.i <= 2]  # 'zei Rubio'
    people = [m for m in before if m.ref.kind == "PERSON"]
    if people:
        return people[-1]
    if after and after[0].ref.kind == "PERSON":
        return after[0]
    return before[0] if before else (after[0] if after else None)


def _quoted_tokens(sent: Span) -> set[int]:
    """Indices of the tokens between quotation marks in `sent`."""
    inside, found = False, set()
    for token in sent:
        if token.text in {'"', "“", "”", "„"}:
            inside = not inside if token.text == '"' else token.text in {"“", "„"}
            continue
        if inside:
            found.add(token.i)
    return found


def _named_subject(doc: Doc, head) -> Mention | None:
    """'Virginijus Sinkevičius, Commissioner for ..., welcomed': the subject's own name as a new person."""
    tokens = [t for t in head.lefts if t.dep_ == "compound" and t.is_title] + [head]
    if len(tokens) < 2:
        return None
    name = " ".join(t.text for t in tokens)
    ref = Ref(entity_iri("person", name), "PERSON", name, str(CRM.Person))
    mention = Mention(tokens[0].i, head.i + 1, ref, "minted")
    mentions(doc).append(mention)
    return mention


def _content(sent: Span, verb, speaker: Mention | None = None) -> str:
    doc = sent.doc
    cut = speaker.start if speaker is not None and speaker.start < verb.i else verb.i
    before = doc[sent.start: cut].text.strip()  # '"...," Bessent said': the quote before the speaker
    quoted = re.match(r"^[\"“„](.+?)[,.]?[\"”]\s*,?((\s+[A-Z][\w.’'-]*)*)\s*$", before)  # '"...," Commission President'
    if quoted:  # '"Lynas is now the only producer ...," said Amanda Lacaze'
        return _clean(quoted.group(1))
    if doc.has_annotation("DEP"):
        comp = [c for c in verb.children if c.dep_ in {"ccomp", "xcomp", "dobj", "advcl"} and c.i > verb.i]
        if comp:
            start = min(c.left_edge.i for c in comp)
            end = max(c.right_edge.i for c in comp) + 1
            text = doc[start:end].text
            if len(text.split()) >= 3:
                return _clean(text)
    start = verb.i + 1
    marker = next((t.i for t in doc[verb.i + 1: min(sent.end, verb.i + 16)] if t.lower_ in {"dat", "that"}), None)
    if marker is not None:
        start = marker + 1  # 'zei al in september 2022, in haar State of the Union, dat ...'
    while start < sent.end and doc[start].lower_ in {"that", "dat", "erop", "op", "on", ","}:
        start += 1
    return _clean(doc[start:sent.end].text)


def _clean(text: str) -> str:
    text = CITATION.sub("", text).strip()
    text = re.sub(r"^(that|dat)\s+", "", text, flags=re.I)
    return re.sub(r"\s+", " ", text).strip(" .,;")


def _organisation(sent: Span, speaker: Mention, role: str | None):
    """The organisation named in the speaker's role ('Policy Officer at the European Environmental Bureau')."""
    if not role or speaker.ref.kind != "PERSON":
        return None
    doc = sent.doc
    named = [m for m in sentence_mentions(sent, {"ORG", "COUNTRY"})
             if m.via != "coreference" and doc[m.start:m.end].text in role]
    return named[0].ref if named else None


def _role(sent: Span, speaker: Mention) -> str | None:
    """'Keit Pentus-Rosimannus, the ECA member who led the audit, warned' -> 'the ECA member who led the audit'."""
    doc = sent.doc
    if speaker.ref.kind != "PERSON" or speaker.via == "coreference":
        return None
    if speaker.end < sent.end and doc[speaker.end].text == ",":
        tail = doc[speaker.end + 1: sent.end]
        comma = next((t.i for t in tail if t.text == ","), None)
        if comma is not None and comma - speaker.end <= 12:
            return doc[speaker.end + 1: comma].text
    titles = []
    i = speaker.start - 1
    while i >= sent.start and (doc[i].is_title or doc[i].text in {"U.S.", "US", "of", "EU"}) and not doc[i].is_sent_start:
        titles.insert(0, doc[i].text)
        i -= 1
    return " ".join(titles) or None
