"""crm_targets.v1: targets and benchmarks with a value and a year ("By 2030, recycling should cover at least 25%",
"in 2030 minstens 10 procent", "the EU's 2030 objectives for extraction and recycling").

The subject is the law or plan that sets the target (the nearest one named in the document), else the actor."""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from extractors.facts import (CITATION, Fact, content_sentences, factory_name, facts, find_shares, focal_actor, mentions,
                              sentence_mentions, share_spans)

NAME = "crm_targets.v1"
TARGET_WORDS = re.compile(r"\b(targets?|benchmarks?|goals?|objectives?|aims?|thresholds?|minimum|mandatory|"
                          r"should|must|at least|no more than|plans? to|aims? to|expects? to|wants? to|wil|willen|"
                          r"requires?|required|requirements?|thresholds?|rising to|vereist|"
                          r"verwacht|"
                          r"at most|doel(en|stelling)?|streven|mikt|minstens|ten minste|hoogstens|maximaal|"
                          r"moet|moeten)\b", re.I)
TARGET_YEAR = re.compile(r"\b(by|in|for|from|tegen|voor|uiterlijk|vanaf|end of|eind)\s+(20[2-5]\d)\b|\b(20[2-5]\d)\s+(targets?|objectives?|goals?|"
                         r"benchmarks?|doelen)\b", re.I)
PHRASE_BREAK = re.compile(r",|;|\s(?:and|en|or|while|whereas|terwijl)\s")
VALUE_WORDS = re.compile(r"\b(at least|no more than|at most|minstens|ten minste|maximaal|hoogstens)\b", re.I)
STAGES = [("Recycling", r"recycl|hergebruik"), ("Processing", r"process|verwerk|raffin|refin"),
          ("Mining", r"extract|mining|mined|gedolven|delv|winning|mijnbouw"),
          ("Import", r"single third country|one country|één land|import|invoer")]


@Language.component(factory_name(NAME))
def targets(doc: Doc) -> Doc:
    out = facts(doc)
    inherited: tuple[int, int] | None = None  # (year, sentence number) of the last target year seen
    for number, sent in enumerate(content_sentences(doc)):
        text = sent.text
        year_match = TARGET_YEAR.search(text)
        shares = find_shares(text)
        if year_match:
            year = int(year_match.group(2) or year_match.group(3))
            inherited = (year, number)
        elif inherited and number - inherited[1] <= 4 and shares and VALUE_WORDS.search(text):
            year = inherited[0]  # 'No more than 65% ... should come from a single third country' under a 2030 heading
        else:
            continue
        if not TARGET_WORDS.search(text):
            continue
        subject = _setter(doc, sent)
        if subject is None:
            continue
        clean = re.sub(r"\s+", " ", CITATION.sub("", text)).strip()
        if len(shares) <= 1:
            stage = next((name for name, pattern in STAGES if re.search(pattern, text, re.I)), None)
            out.append(Fact(kind="target", subject=subject, sentence=sent, extractor=NAME,
                            share=shares[0][1] if shares else None, year=year, stage=stage, text=clean))
            continue
        # Several values in one sentence ('mine at least 10%, process at least 40% and recycle 25%'): one target
        # each, its stage the stage word nearest to it between its neighbours.
        spans = share_spans(text)
        for i, (start, end, value) in enumerate(spans):
            low = spans[i - 1][1] if i else 0
            high = spans[i + 1][0] if i + 1 < len(spans) else len(text)
            window = text[low:high]
            nearest = sorted(((abs(low + m.start() - start), name) for name, pattern in STAGES
                              for m in re.finditer(pattern, window, re.I)))
            stage = nearest[0][1] if nearest else None
            before = [m.end() for m in PHRASE_BREAK.finditer(text, low, start)]
            begin = before[-1] if before else low
            after = PHRASE_BREAK.search(text, end, high)
            finish = after.start() if after else high
            phrase = re.sub(r"^\s*(,|and|en)\s+", "", CITATION.sub("", text[begin:finish])).strip(" ,.;")
            years = [(abs(m.start() - start), int(m.group(1))) for m in re.finditer(r"\b(20[2-5]\d)\b", text[low:high])]
            own_year = min(years)[1] if years else year
            material = _material_near(doc, sent, begin, finish)
            out.append(Fact(kind="target", subject=subject, sentence=sent, extractor=NAME, share=value, year=own_year,
                            stage=stage, text=re.sub(r"\s+", " ", phrase), material=material))
    return doc


def _material_near(doc, sent, begin: int, end: int):
    """The one material named in a target's own phrase ('at least 16% recycled cobalt'), if there is one."""
    found = {m.ref.iri: m.ref for m in sentence_mentions(sent, {"MATERIAL"})
             if begin <= doc[m.start].idx - sent.start_char < end}
    return next(iter(found.values())) if len(found) == 1 else None


def _setter(doc, sent):
    own = sentence_mentions(sent, {"POLICY"})
    if own:
        return own[0].ref
    laws = [m for m in mentions(doc) if m.ref.kind == "POLICY" and m.ref.rdf_type.endswith("Policy")]
    before = [m for m in laws if m.start < sent.start]
    if before:
        return before[-1].ref
    if laws:
        return laws[0].ref
    actors = sentence_mentions(sent, {"COUNTRY", "ORG"})
    return actors[0].ref if actors else focal_actor(doc)
