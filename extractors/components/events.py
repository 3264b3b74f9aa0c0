"""crm_events.v1: events (ministerials, summits, conferences), who attended or hosted them, and how many took part.

An event named in English ("the 2026 Critical Minerals Ministerial") and in Dutch ("de ministersconferentie over
kritieke mineralen") gets one IRI: its head and topic are normalised to English and the year is added."""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractors.components.policies import policy_date
from extractors.facts import content_sentences, factory_name, Fact, Mention, Ref, facts, mentions, number_value, sentence_mentions
from kg.namespaces import CRM, entity_iri

NAME = "crm_events.v1"

HEADS_NL = {"ministersconferentie": "Ministerial", "ministeriële": "Ministerial", "topontmoeting": "Summit",
            "top": "Summit", "conferentie": "Conference", "bijeenkomst": "Meeting"}
EVENT_NL = re.compile(r"\b(ministersconferentie|topontmoeting|conferentie|bijeenkomst)\b(?:\s+over\s+(kritieke\s+"
                      r"(?:mineralen|grondstoffen)))?", re.I)
EVENT_EN = re.compile(r"\b((?:(?:20\d\d|inaugural|first)\s+)?(?:[A-Z][\w-]*\s+){1,5}(?:Ministerial|Summit|Conference|"
                      r"Congress|Dialogue|Week))\b")
TOPICS_NL = {"kritieke mineralen": "Critical Minerals", "kritieke grondstoffen": "Critical Raw Materials"}
ATTEND = re.compile(r"\b(met|meets|ontmoette|attend(?:ed|s)?|host(?:ed|s)?|join(?:ed|s)?|took part|take part|participat\w*|represent\w*|"
                    r"sent delegations|convened|spoke|chaired|nam(?:en)?\b.{0,60}\bdeel|deelnemers|organiseerde|organiseert|"
                    r"gastheer|vertegenwoordig\w*|aanwezig)\b", re.I)
HOST = re.compile(r"\b(host(?:ed|s)?|organiseerde|organiseert|gastheer|convened by)\b", re.I)
REPRESENT = re.compile(r"\b(represent\w*|namens|on behalf of|vertegenwoordig\w*)\b", re.I)
APPROXIMATE = re.compile(r"\b(over|more than|about|nearly|almost|around|some|ruim|meer dan|bijna|zo'n)\W*$", re.I)
COUNT = re.compile(r"\b(\d{1,3}|[A-Za-z]+(?:-[a-z]+)?)\s+(countries|nations|partners|delegations|landen)\b")


def event_ref(name: str, year: int | None) -> Ref:
    name = re.sub(r"^(the|inaugural|first)\s+", "", name.strip(), flags=re.I)
    name = re.sub(r"^20\d\d\s+", "", name)
    label = f"{year} {name}" if year else name
    return Ref(entity_iri("event", label), "EVENT", label, str(CRM.Event))


@Language.component(factory_name(NAME))
def events(doc: Doc) -> Doc:
    out = facts(doc)
    found = mentions(doc)
    year = (doc._.meta or {}).get("year")
    current: Ref | None = None
    for sent in content_sentences(doc):
        refs = _event_mentions(sent, year) or _meeting(sent)
        for start, end, ref in refs:
            tok = doc.char_span(start, end, alignment_mode="expand")
            if tok is not None:
                found.append(Mention(tok.start, tok.end, ref, "minted"))
        if refs:
            current = refs[0][2]
        text = sent.text
        if current is None or not ATTEND.search(text):
            continue
        actors = [m for m in sentence_mentions(sent, {"PERSON", "COUNTRY", "ORG"}) if m.via != "demonym"]
        represented = _represented(doc, sent, actors)
        role = "host" if HOST.search(text) else None
        for m in {m.ref.iri: m for m in actors}.values():
            if represented and m.ref.iri == represented.iri or m.ref.label in current.label:
                continue  # the represented body, or the place the event is named after ('Oval Office meeting')
            if m.ref.kind != "PERSON" and any(a.ref.kind == "PERSON" for a in actors) and role == "host":
                continue  # 'Rubio hosted ... at the State Department': the place is not an attendee
            out.append(Fact(kind="attended", subject=m.ref, object=current, sentence=sent, extractor=NAME,
                            role=role if m is _first_person(actors) or m.ref.kind == "PERSON" and role else None,
                            on_behalf_of=represented if m.ref.kind == "PERSON" else None,
                            extra_entities=[current]))
        count = next((c for c in COUNT.finditer(text) if not APPROXIMATE.search(text[max(0, c.start() - 12): c.start()])), None)
        value = number_value(count.group(1)) if count else None
        if value and value > 1:
            out.append(Fact(kind="participants", subject=current, sentence=sent, extractor=NAME, count=value,
                            extra_entities=[current]))
    return doc


def _first_person(actors: list[Mention]) -> Mention | None:
    people = [m for m in actors if m.ref.kind == "PERSON"]
    return people[0] if people else None


def _represented(doc: Doc, sent: Span, actors: list[Mention]) -> Ref | None:
    m = REPRESENT.search(sent.text)
    if not m:
        return None
    pos = sent.start_char + m.end()
    after = [a for a in actors if doc[a.start].idx >= pos and a.ref.kind in {"ORG", "COUNTRY"}]
    if after:
        return after[0].ref
    before = [a for a in actors if doc[a.start].idx < pos and a.ref.kind in {"ORG", "COUNTRY"}]
    return before[0].ref if before and sent.text.lower().startswith(("namens", "on behalf")) else None


MEETING = re.compile(r"\b(met|meets|meet with|held talks|ontmoette|ontmoeten|spraken met|sprak met)\b", re.I)
PLACE = re.compile(r"\b(?:in|at|op|in de|in het)\s+(?:the\s+)?((?:[A-Z][\w'-]+\s?){1,4})")


def _meeting(sent: Span) -> list[tuple[int, int, Ref]]:
    """'Zelensky met Trump and Vance in the Oval Office on 28 February 2025': a meeting of the people named,
    called after its place and date."""
    match = MEETING.search(sent.text)
    people = {m.ref.iri for m in sentence_mentions(sent, {"PERSON"})}
    if not match or len(people) < 2:
        return []
    place = PLACE.search(sent.text, match.end())
    date = policy_date(sent.text)
    name = f"{place.group(1).strip()} meeting" if place else "meeting"
    label = f"{name} ({date})" if date else name
    return [(sent.start_char + match.start(), sent.start_char + match.end(),
             Ref(entity_iri("event", label), "EVENT", label, str(CRM.Event)))]


def _event_mentions(sent: Span, year) -> list[tuple[int, int, Ref]]:
    result = []
    for m in EVENT_EN.finditer(sent.text):
        name = m.group(1)
        explicit = re.match(r"(20\d\d)\s", name)
        result.append((sent.start_char + m.start(1), sent.start_char + m.end(1),
                       event_ref(name, int(explicit.group(1)) if explicit else year)))
    for m in EVENT_NL.finditer(sent.text):
        head = HEADS_NL[m.group(1).lower()]
        topic_nl = (m.group(2) or "").lower()
        topic_nl = re.sub(r"\s+", " ", topic_nl)
        name = f"{TOPICS_NL.get(topic_nl, '')} {head}".strip()
        result.append((sent.start_char + m.start(), sent.start_char + m.end(), event_ref(name, year)))
    return result
