"""crm_agreements.v1: agreements, partnerships, frameworks and MoUs, and the actors party to them.

Named agreements ("Framework for Securing the Supply of Critical Minerals", "Forum on Resource Geostrategic
Engagement (FORGE)") keep their name and acronym; unnamed ones ("a memorandum of understanding",
"een memorandum van overeenstemming", "14 strategic partnerships") get a canonical label. Parties are the
actors of the clause (coreference resolves "the two sides"), or the list that follows ("the partners named
include A, B and C"). Status comes from the verb: signed, planned ("pledged to finalise within 30 days"),
stalled ("talks had stalled")."""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractors.vocabulary import short_name
from extractors.facts import (Fact, Mention, Ref, content_sentences, factory_name, facts, focal_actor, mentions,
                              number_value, sentence_mentions, unique_refs)
from kg.namespaces import CRM, entity_iri

NAME = "crm_agreements.v1"

HEADS = (r"(?:Framework|Partnership|Agreement|Memorandum of Understanding|Forum|Alliance|Initiative|Pact|Accord|Treaty|"
         r"Coalition|Fund)")
NAMED = re.compile(r"\b((?:[A-Z][\w’'–-]*\s+){0,6}" + HEADS + r"(?:\s+(?:for|on|of|to|through|and|the|[A-Z][\w’'-]*)){0,14})"
                   r"(?:\s*\(([A-Z]{2,})\))?")
GENERIC = re.compile(
    r"\b(?P<mou>memorand(?:um|a) of understanding|mous?\b|memorandum van overeenstemming|memorand(?:um|a)\b)"
    r"|\b(?P<generic>(?:(?:trade|bilateral|trilateral|plurilateral|strategic|raw[- ]materials?|critical minerals?|"
    r"new|two-part|minerals)\s+){0,4}(?:agreements?|partnerships?|frameworks?|deals?|pacts?|accords?|initiatives?|"
    r"action plans?|treat(?:y|ies)|akkoord(?:en)?|verdrag(?:en)?|partnerschap(?:pen)?|handelsblok|trading bloc|"
    r"grondstoffenakkoord))\b", re.I)
TYPES = [("mou", "MoU"), ("memorand", "MoU"), ("framework", "Framework"), ("partnership", "Partnership"),
         ("partnerschap", "Partnership"), ("action plan", "ActionPlan"), ("initiative", "TradeInitiative"),
         ("bloc", "TradeInitiative"), ("blok", "TradeInitiative"), ("forum", "Forum")]
SIGNED = re.compile(r"\b(signed|concluded|struck|agreed|ondertekend|gesloten|getekend)\b", re.I)
PLANNED = re.compile(r"\b(pledged|will|expected|within|intend|plan|aim|finali[sz]e|prepare|moeten|binnen|spraken af|"
                     r"gaan|willen|zullen)\b", re.I)
STALLED = re.compile(r"\b(stalled|paused|suspended|lagen stil|ligt stil|opgeschort)\b", re.I)
LISTING = re.compile(r"\b(include|includes|including|among them|such as|namely|waaronder|zoals)\b", re.I)
CHAIR = re.compile(r"\b(chair|chairs|chaired|chairmanship|voorzitter|voorzitterschap)\b", re.I)
GENERIC_NOUN = re.compile(r"^(agreement|partnership|framework|deal|pact|accord|initiative|treaty)s?$", re.I)


def agreement_type(label: str) -> str:
    low = label.lower()
    return next((kind for word, kind in TYPES if word in low), "OtherAgreement")


def topic(sent: Span) -> str:
    text = sent.text.lower()
    if "raw material" in text or "grondstof" in text:
        return "critical raw materials"
    return "critical minerals"


@Language.component(factory_name(NAME))
def agreements(doc: Doc) -> Doc:
    out = facts(doc)
    found = mentions(doc)
    acronyms: dict[str, Ref] = {}
    year = (doc._.meta or {}).get("year")
    last: list[Ref] = []
    last_parties: list[Ref] = []
    programmes: list[Ref] = []  # named laws and programmes, for 'the regulation covers ...'
    for sent in content_sentences(doc):
        corefs: list[Ref] = []
        refs = _agreement_mentions(doc, sent, acronyms, year, last, corefs)
        coreferent = bool(refs) and len(corefs) == len(refs)  # only 'such an initiative', 'the accord', ...
        spans = []
        for start, end, ref in refs:
            token_start = _token_at(doc, sent.start_char + start)
            token_end = max(token_start + 1, _token_at(doc, sent.start_char + end - 1) + 1)
            spans.append((token_start, token_end))
            found.append(Mention(token_start, token_end, ref, "minted"))
        named = [(ref, span) for (*_, ref), span in zip(refs, spans) if ref not in corefs]
        refs = [r for *_, r in refs] + [m.ref for m in sentence_mentions(sent, {"AGREEMENT"}) if m.via != "minted"]
        refs += [m.ref for m in sentence_mentions(sent, {"POLICY"}) if m.ref.label[:1].isupper()
                 and not m.ref.rdf_type.endswith("Policy") or m.ref.label.startswith("Project")]
        refs = list({r.iri: r for r in refs}.values())
        actors = [m for m in sentence_mentions(sent, {"COUNTRY", "ORG"}) if m.via != "demonym"  # 'Chinese handen'
                  and not any(m.start < e and m.end > s for s, e in spans)]  # 'FORGE' is the forum, not a party
        text = sent.text
        successor = SUCCESSOR.search(text)
        if successor and len(refs) >= 2:
            new, old = _successor_pair(text, refs)
            if new and old:
                out.append(Fact(kind="succeeds", subject=new, object=old, sentence=sent, extractor=NAME,
                                extra_entities=[r for r in (new, old) if r.iri not in _vocab_iris()]))
        if COVERS.search(text) and (refs or last or programmes):
            covered = unique_refs(sentence_mentions(sent, {"MATERIAL"}))
            scope = (refs or last or programmes)[-1:] if not refs else refs[:1]
            for ref in scope if covered else []:
                for material in covered:  # 'Among the minerals it covers are lithium, graphite and titanium'
                    out.append(Fact(kind="covers", subject=ref, material=material, sentence=sent, extractor=NAME,
                                    extra_entities=[ref] if ref.iri not in _vocab_iris() else []))
        for ref, (start, end) in named:
            named_in = {m.ref.iri: m.ref for m in sentence_mentions(sent, {"COUNTRY", "ORG"})
                        if start <= m.start and m.end <= end and m.via != "demonym"}
            for party in named_in.values():  # 'United States–Ukraine ... Fund', 'EU–Indonesia CEPA': named parties
                out.append(Fact(kind="partyTo", subject=party, object=ref, sentence=sent, extractor=NAME,
                                extra_entities=[ref] if ref.iri not in _vocab_iris() else []))
        if not refs and last and LISTING.search(text) and len(unique_refs(actors)) >= 2 and \
                re.search(r"\b(partners?|signatories|members|parties|partnerlanden)\b", text, re.I) and \
                not re.search(r"\b(participat\w*|attend\w*|delegations?|deelnemende)\b", text, re.I):
            refs = last  # 'The partners named include Argentina, ...' continues the agreements named last
            parties = unique_refs(actors)
        elif not refs and last and JOINING.search(text) and actors:
            refs = last[-1:]  # 'GM, Boeing and Google have signed up to take part' joins the programme named last
            parties = unique_refs(actors)
        elif not refs and last and re.search(r"\b(of them|them|daarvan)\b", text, re.I) and _count(text):
            refs = last[-1:]  # 'Half of them, seven in total, were struck with ...'
            parties = last_parties
        else:
            parties = unique_refs([m for m in actors if not _after_with_outside(doc, m)])
            if refs and not parties:
                parties = _recent_group(doc, sent)  # 'A memorandum is expected within thirty days' after 'Brussels, Washington and Tokyo are forging ...'
        if not refs:
            continue
        status = "Stalled" if STALLED.search(text) else "Signed" if SIGNED.search(text) else \
            "Planned" if PLANNED.search(text) else "Asserted"
        count = _count(text)
        role = "chair" if CHAIR.search(text) else "purchaser" if PURCHASER.search(text) else \
            "participant" if JOINING.search(text) else None
        negated = bool(re.search(r"\b(without|not|never|failed to|zonder|niet)\b", text, re.I))
        if coreferent and not PARTICIPATION.search(text) or _inside_quotes(text):
            parties = []  # 'This agreement signals to Russia ...': mentioning an agreement does not make parties
        for ref in refs:
            for party in parties:
                if party.iri == ref.iri:
                    continue
                out.append(Fact(kind="partyTo", subject=party, object=ref, sentence=sent, extractor=NAME,
                                modality=status, role=role, polarity=not negated, count=count if len(parties) <= 2 else None,
                                text=_remainder(text) if count else None,
                                extra_entities=[ref] if ref.iri not in _vocab_iris() else []))
        if parties:
            last_parties = parties
        last = refs
        programmes = [m.ref for m in sentence_mentions(sent, {"POLICY"}) if m.ref.label[:1].isupper()] or programmes
    return doc


def _agreement_mentions(doc: Doc, sent: Span, acronyms: dict[str, Ref], year, last: list[Ref],
                        corefs: list[Ref]) -> list[tuple[int, int, Ref]]:
    text = sent.text
    result: list[tuple[int, int, Ref]] = []
    taken: list[tuple[int, int]] = []
    for m in NAMED.finditer(text):
        name = re.sub(r"(\s+(for|on|of|to|through|and|the))+$", "", m.group(1)).strip()
        name = re.sub(r"^(The|A|An|De|Het|Een|First|Second|Third)\s+", "", name)
        if len(name.split()) < 2 or GENERIC_NOUN.match(name) or name.split()[0] in {"Memorandum"} and len(name.split()) <= 3:
            continue
        if name.startswith("Memorandum of Understanding"):
            continue  # unnamed MoU with a capital letter: handled as generic below
        longer = [r for r in acronyms.values() if r.label.endswith(" " + name)]
        ref = longer[0] if longer else Ref(entity_iri("agreement", name), "AGREEMENT", name, str(CRM.Agreement))
        acronyms.setdefault(f"__name__{name}", ref)  # later short forms ('the Critical Minerals Agreement') find it
        if m.group(2):
            acronyms[m.group(2)] = ref
            result.append((m.start(2), m.end(2), ref))  # '(FORGE)' names the forum too
            if doc._.meta is not None:
                doc._.meta.setdefault("aliases", {}).setdefault(ref.iri, set()).add(m.group(2))
        result.append((m.start(1), m.start(1) + len(name), ref))
        taken.append((m.start(), m.end()))
    for acronym, ref in acronyms.items():
        if acronym.startswith("__name__"):
            continue
        for m in re.finditer(r"\b" + re.escape(acronym) + r"\b", text):
            if not any(s <= m.start() < e for s, e in taken):
                result.append((m.start(), m.end(), ref))
                taken.append((m.start(), m.end()))
    for m in GENERIC.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        phrase = m.group(0)
        before = text[max(0, m.start() - 12): m.start()].lower()
        if re.search(r"\b(offtake|supply|purchase|purchasing|loan|afname)\s*$", before):
            continue  # 'offtake agreements' are a trade measure, not an agreement between states
        bare = GENERIC_NOUN.match(phrase) or re.fullmatch(r"memorand(um|a)|mous?", phrase, re.I)
        if last and bare and re.search(r"\b(such an?|this|that|the|these|deze|dit|dat|het)\s*$", before):
            result.append((m.start(), m.end(), last[-1]))  # 'such an initiative' is the one named last
            corefs.append(last[-1])
            taken.append((m.start(), m.end()))
            continue
        tail = TOPIC_TAIL.match(text[m.end():])
        kind = agreement_type(phrase)
        if kind == "MoU" and re.match(r"memoranda|mous", phrase, re.I):
            label = f"memoranda of understanding on {topic(sent)}"  # several bilateral MoUs, not one
        elif kind == "MoU":
            label = f"Memorandum of Understanding on {topic(sent)}"
        else:
            words = [w for w in re.split(r"\s+", phrase.lower()) if w]
            head = words[-1]
            if head.endswith("s") and not head.endswith("ss"):
                words[-1] = head[:-1] if not head.endswith("ies") else head[:-3] + "y"
            label = " ".join(words) + (tail.group(0) if tail else "")
            if GENERIC_NOUN.match(label) or label in {"deal", "akkoord", "verdrag"}:
                label = f"{label} on {topic(sent)}"
            label = re.sub(r"\s+", " ", label).strip()
        owner, partner = _bilateral(doc, sent, m.start())
        if partner is not None:  # 'the EU signed a memorandum ... with Kazakhstan': one agreement per partner
            names = [short_name(r.iri, r.label) for r in (owner, partner) if r is not None]
            label = "–".join(names) + " " + label
        key = f"{label} {year}" if year else label
        ref = Ref(entity_iri("agreement", key), "AGREEMENT", label, str(CRM.Agreement))
        surface = re.sub(r"\s+", " ", m.group(0).lower()).strip()
        if doc._.meta is not None and surface != label.lower() and len(surface.split()) >= 2 \
                and not GENERIC_NOUN.match(surface.split()[-1]) or kind == "MoU" and surface != label.lower() and doc._.meta is not None:
            doc._.meta.setdefault("aliases", {}).setdefault(ref.iri, set()).add(surface)
        result.append((m.start(), m.end(), ref))
        taken.append((m.start(), m.end()))
    return result


TOPIC_TAIL = re.compile(r"\s+(?:on|for|over|voor)\s+(?:the\s+)?(?:security of\s+)?(?:(?:critical|kritieke|strategic|"
                        r"sustainable|duurzame|responsible)\s+)+(?:raw[- ]materials?|minerals?|mineralen|grondstoffen)"
                        r"(?:\s+(?:supply|value)\s+chains?)?", re.I)
SUCCESSOR = re.compile(r"\b(successor to|succeeds|replaces|replaced|took over from|opvolger van|vervangt|vervangen|"
                       r"volgt .* op)\b", re.I)
COVERS = re.compile(r"\b(covers?|covered by|covering|applies to|apply to|includes?|including|concerns?|"
                    r"omvat|omvatten|geldt voor|gelden voor|betreft)\b", re.I)
PARTICIPATION = re.compile(r"\b(sign\w*|conclud\w*|ratif\w*|join\w*|agree\w*|struck|launch\w*|negotiat\w*|chair|"
                           r"ondert\w*|sloten|gesloten|sluiten|treden toe|partij)\b", re.I)
JOINING = re.compile(r"\b(signed up|take part|taking part|took part|join(?:ed|s)?|participat\w*|doen mee|nemen deel)\b", re.I)
PURCHASER = re.compile(r"\b(buy|buys|purchas\w+|procure\w*|on .* behalf|kopen|inkopen)\b", re.I)


def _successor_pair(text: str, refs: list[Ref]) -> tuple[Ref | None, Ref | None]:
    """'launch X, the successor to Y' / 'X replaces Y': (X, Y) by position around the cue."""
    cue = SUCCESSOR.search(text)
    positions = [(text.find(r.label), r) for r in refs if text.find(r.label) >= 0]
    before = [r for p, r in sorted(positions, key=lambda x: x[0]) if p < cue.start()]
    after = [r for p, r in sorted(positions, key=lambda x: x[0]) if p > cue.start()]
    if re.search(r"\b(was|is|been|werd|wordt)\s+(replaced|vervangen)\b", text, re.I):
        return (after[0], before[-1]) if before and after else (None, None)
    return (before[-1], after[0]) if before and after else (None, None)


def _bilateral(doc: Doc, sent: Span, offset: int) -> tuple[Ref | None, Ref | None]:
    """(owner, partner) of an agreement made 'with' someone: the actor after 'with'/'met', and the first other actor
    of the sentence before it."""
    actors = [m for m in sentence_mentions(sent, {"COUNTRY", "ORG"}) if m.via not in {"demonym", "coreference"}]
    for m in actors:
        before = sent.text[: doc[m.start].idx - sent.start_char]
        if re.search(r"\b(with|met)\s+(the\s+|de\s+|het\s+)?$", before, re.I):
            owners = [o for o in actors if o.ref.iri != m.ref.iri and doc[o.start].idx - sent.start_char < offset]
            # 'The first partnership was launched with Canada': the document's own actor made it.
            return (owners[0].ref if owners else focal_actor(doc, {m.ref.iri})), m.ref
    return None, None


def _recent_group(doc: Doc, sent: Span) -> list[Ref]:
    """The actors (two or more) named together in one of the five sentences before `sent`."""
    previous = [s for s in doc.sents if s.end <= sent.start][-5:]
    for earlier in reversed(previous):
        group = unique_refs([m for m in sentence_mentions(earlier, {"COUNTRY", "ORG"})
                             if m.via not in {"coreference", "demonym"} and not _after_with_outside(doc, m)])
        if len(group) >= 2:
            return group
    return []


def _inside_quotes(text: str) -> bool:
    return bool(re.match(r"^\s*[\"“„]", text))


def _remainder(text: str) -> str:
    return re.sub(r"\s*\[\d+\]", "", text).strip()


def _count(text: str) -> int | None:
    m = re.search(r"\b(\d{1,3}|[a-z]+(?:-[a-z]+)?)\s+(?:new\s+)?(?:strategic\s+|bilateral\s+)?(?:[\w-]+\s+)?"
                  r"(partnerships|agreements|deals|frameworks|memoranda)\b", text, re.I)
    value = number_value(m.group(1)) if m else None
    if value is None:
        m = re.search(r"\b(\w+) in total\b", text, re.I)
        value = number_value(m.group(1)) if m else None
    return value


def _after_with_outside(doc: Doc, m: Mention) -> bool:
    before = doc[max(0, m.start - 3): m.start].text.lower()
    return any(w in before for w in ("outside", "buiten", "beyond", "than"))


def _token_at(doc: Doc, char: int) -> int:
    for token in doc:
        if token.idx <= char < token.idx + len(token.text_with_ws):
            return token.i
    return len(doc) - 1


_VOCAB: set[str] = set()


def _vocab_iris() -> set[str]:
    if not _VOCAB:
        from extractors.vocabulary import load_entries
        _VOCAB.update(load_entries())
    return _VOCAB
