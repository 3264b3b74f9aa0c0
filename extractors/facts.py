"""What the spaCy components attach to a Doc: entity mentions and facts, and the helpers they share."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token


# Entity kinds (ruler labels) that can act: supply, sign, say, attend.
ACTOR_KINDS = {"COUNTRY", "ORG", "PERSON"}


@dataclass(frozen=True)
class Ref:
    """A resolved entity: IRI, kind (MATERIAL, COUNTRY, ORG, PERSON, AGREEMENT, POLICY, EVENT) and label."""

    iri: str
    kind: str
    label: str
    rdf_type: str = ""


@dataclass
class Mention:
    """A span of the document that refers to an entity, directly or through coreference (`via`)."""

    start: int  # token index
    end: int
    ref: Ref
    via: str = "name"  # name | metonym | demonym | coreference | minted


@dataclass
class Fact:
    """One extracted statement before it becomes RDF: relation kind, subject, qualifiers, sentence, extractor."""

    kind: str  # local name of a crm relation kind: produces, refines, partyTo, said, ...
    subject: Ref
    sentence: Span
    extractor: str
    object: Ref | None = None
    material: Ref | None = None
    stage: str | None = None  # local name of a crm:Stage
    share: float | None = None
    quantity: float | None = None
    unit: str | None = None
    year: int | None = None
    date: str | None = None
    text: str | None = None
    verbatim: bool | None = None
    role: str | None = None
    count: int | None = None
    on_behalf_of: Ref | None = None
    polarity: bool = True
    modality: str = "Asserted"
    extra_entities: list[Ref] = field(default_factory=list)  # minted entities (agreements, policies) to describe

    def key(self) -> tuple:
        """The normalised content of the fact: equal keys are the same statement, whatever the document."""
        return (self.kind, self.subject.iri, self.object.iri if self.object else None,
                self.material.iri if self.material else None, self.stage,
                None if self.share is None else round(self.share, 1), self.quantity, self.unit, self.year,
                self.date, _norm_text(self.text) if self.kind in TEXT_KEYED and not (self.kind == "target" and self.share is not None) else None, self.role, self.count,
                self.on_behalf_of.iri if self.on_behalf_of else None, self.polarity, self.modality)


TEXT_KEYED = {"said", "target"}


def _norm_text(text: str | None) -> str | None:
    return re.sub(r"\W+", " ", text.lower()).strip() if text else None


def register_extensions() -> None:
    if not Doc.has_extension("mentions"):
        Doc.set_extension("mentions", default=None)
        Doc.set_extension("facts", default=None)
        Doc.set_extension("meta", default=None)
        Span.set_extension("citations", getter=sentence_citations)


def mentions(doc: Doc) -> list[Mention]:
    if doc._.mentions is None:
        doc._.mentions = []
    return doc._.mentions


def facts(doc: Doc) -> list[Fact]:
    if doc._.facts is None:
        doc._.facts = []
    return doc._.facts


def sentence_mentions(sent: Span, kinds: set[str] | None = None) -> list[Mention]:
    return [m for m in mentions(sent.doc) if sent.start <= m.start < sent.end and (kinds is None or m.ref.kind in kinds)]


CITATION = re.compile(r"\[(\d{1,3})\]")


def sentence_citations(sent: Span) -> list[int]:
    """Numbers of the sources a sentence cites: '[1][3]' -> [1, 3]."""
    return [int(n) for n in CITATION.findall(sent.text)]


# ---- numbers -------------------------------------------------------------------------------------------------

WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
    "een": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9, "tien": 10,
    "elf": 11, "twaalf": 12, "twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60,
}
FRACTIONS = {
    "half": 50.0, "helft": 50.0, "a third": 33.3, "one-third": 33.3, "one third": 33.3, "een derde": 33.3,
    "two-thirds": 66.7, "two thirds": 66.7, "twee derde": 66.7, "a quarter": 25.0, "one quarter": 25.0,
    "een kwart": 25.0, "three-quarters": 75.0, "three quarters": 75.0, "driekwart": 75.0,
    "nine-tenths": 90.0, "nine tenths": 90.0, "negen tiende": 90.0, "four-fifths": 80.0, "vier vijfde": 80.0,
    "almost all": 95.0, "bijna alle": 95.0,
}
PERCENT = re.compile(
    r"(?P<num>\d+(?:[.,]\d+)?)\s*(?:%|percent\b|per cent\b|procent\b|pct\b)"
    r"|(?P<frac>" + "|".join(sorted(map(re.escape, FRACTIONS), key=len, reverse=True)) + r")\b", re.I)
YEAR = re.compile(r"\b(19[5-9]\d|20[0-6]\d)\b")


def find_shares(text: str) -> list[tuple[int, float]]:
    """(character offset, percent) of each share in `text`: '97%', '40 procent', 'two-thirds'."""
    return [(start, value) for start, _, value in share_spans(text)]


def share_spans(text: str) -> list[tuple[int, int, float]]:
    """(start, end, percent) of each share in `text`."""
    found = []
    for m in PERCENT.finditer(text):
        value = float(m.group("num").replace(",", ".")) if m.group("num") else FRACTIONS[m.group("frac").lower()]
        if 0 <= value <= 100:
            found.append((m.start(), m.end(), value))
    return found


def find_year(text: str) -> int | None:
    years = [int(y) for y in YEAR.findall(text)]
    return years[0] if years else None


def number_value(text: str) -> int | None:
    """'14' -> 14, 'seven' -> 7, 'Fifty-four' -> 54, 'dertig' -> 30."""
    text = text.lower().strip()
    if text.replace(",", "").isdigit():
        return int(text.replace(",", ""))
    parts = re.split(r"[-\s]+", text)
    if parts and all(p in WORD_NUMBERS for p in parts):
        return sum(WORD_NUMBERS[p] for p in parts)
    return None


# ---- modality and negation -----------------------------------------------------------------------------------

PLANNED = {"plan", "plans", "planned", "intend", "intends", "will", "aim", "aims", "expected", "expect", "would",
           "should", "shall", "going", "wil", "willen", "gaat", "gaan", "zal", "zullen", "moet", "moeten", "plannen",
           "van plan"}
PROPOSED = {"propose", "proposes", "proposed", "pitched", "suggest", "suggested", "call", "calls", "urge", "urged",
            "pleitten", "pleit", "voorgesteld", "stelt voor"}
CONSIDERED = {"consider", "considering", "consideration", "explore", "exploring", "look", "options", "overwegen",
              "onderzoeken"}
NEGATIONS = {"not", "no", "never", "n't", "niet", "geen", "nooit", "zero", "nul", "none"}


def modality_of(tokens) -> str:
    words = {t.lower_ for t in tokens} | {t.lemma_.lower() for t in tokens}
    if words & CONSIDERED:
        return "Considered"
    if words & PROPOSED:
        return "Proposed"
    if words & PLANNED:
        return "Planned"
    return "Asserted"


def is_negated(tokens) -> bool:
    return any(t.lower_ in NEGATIONS for t in tokens)


def token_lemma(token: Token) -> str:
    return (token.lemma_ or token.text).lower()


# ---- clauses -------------------------------------------------------------------------------------------------

def clauses(sent: Span) -> list[list[Token]]:
    """Split a sentence into clauses: each verb with a subject of its own heads one (English, parsed);
    an unparsed sentence (Dutch) is split at ';' and at ', <actor>' boundaries only where a comma list ends."""
    doc = sent.doc
    if not doc.has_annotation("DEP"):
        parts, current = [], []
        for token in sent:
            if token.text in {";", ":"} and current:
                parts.append(current)
                current = []
            else:
                current.append(token)
        return [p for p in parts + [current] if p]
    heads = [t for t in sent if t.pos_ in {"VERB", "AUX"} and any(c.dep_ in {"nsubj", "nsubjpass", "expl"} for c in t.children)]
    if len(heads) <= 1:
        return [list(sent)]
    owner: dict[int, Token] = {}
    for token in sent:
        node = token
        while node.i not in {h.i for h in heads} and node.head.i != node.i:
            node = node.head
        owner[token.i] = node if node.i in {h.i for h in heads} else sent.root
    groups: dict[int, list[Token]] = {}
    for token in sent:
        groups.setdefault(owner[token.i].i, []).append(token)
    return [sorted(g, key=lambda t: t.i) for g in groups.values()]


def clause_mentions(clause: list[Token], kinds: set[str] | None = None) -> list[Mention]:
    idx = {t.i for t in clause}
    return [m for m in mentions(clause[0].doc) if m.start in idx and (kinds is None or m.ref.kind in kinds)]


def span_text(tokens: list[Token]) -> str:
    if not tokens:
        return ""
    doc = tokens[0].doc
    return doc[tokens[0].i: tokens[-1].i + 1].text


def unique_refs(ms: list[Mention]) -> list[Ref]:
    seen: dict[str, Ref] = {}
    for m in ms:
        seen.setdefault(m.ref.iri, m.ref)
    return list(seen.values())


def focal_actor(doc: Doc, exclude: set[str] = frozenset()) -> Ref | None:
    """The actor a document is mostly about (most mentions), for sentences whose subject is implicit."""
    counts: dict[str, list] = {}
    for m in mentions(doc):
        if m.ref.kind in {"COUNTRY", "ORG"} and m.ref.iri not in exclude and m.via != "coreference":
            counts.setdefault(m.ref.iri, [0, m.ref])[0] += 1
    if not counts:
        return None
    return max(counts.values(), key=lambda c: c[0])[1]


def factory_name(name: str) -> str:
    """spaCy factory names cannot hold '.': 'crm_supply_relations.v1' is registered as 'crm_supply_relations_v1'."""
    return name.replace(".", "_")


def content_sentences(doc: Doc):
    """Sentences of running text: headings and title lines (no closing punctuation) state no facts."""
    for sent in doc.sents:
        text = CITATION.sub("", sent.text).strip()
        if text and text[-1] in ".!?:;\"”’)":
            yield sent
