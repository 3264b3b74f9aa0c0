"""Natural-language questions (English and Dutch) -> intent + entity IRIs -> a SPARQL template -> answers with
evidence. Entity mentions are resolved to IRIs first and bound with a VALUES clause; user text never enters
the SPARQL."""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from extractors.vocabulary import load_entries, short_name
from kg.namespaces import CRM, SPARQL_PREFIXES
from kg.store import OxigraphStore, values_clause

QUESTIONS_DIR = Path(__file__).resolve().parent / "questions"
DUTCH = set("welke welk wie wat waar hoeveel zei zegt worden wordt het een volgens heeft hebben zijn niet "
            "van voor over uit bij naar deel".split())
STOP = set("""a an and are as at be by de den der des die du een for from het in into is it its of on or per than that
the their this to van voor was were which who will with what whom how did does do has have had about any all also
welke wie wat hoe waar is zijn worden wordt de het een en of in op te voor met over uit bij aan naar volgens er
niet wel ook die dat deze dit hun haar zijn""".split())
EXAMPLES = {
    "suppliers_of_material": "Who dominates the processing of rare earth elements?",
    "materials_of_actor": "Which materials does China produce?",
    "agreements_of_actor": "Which agreements is Japan party to?",
    "parties_of_agreement": "Who are the parties of the Minerals Security Partnership?",
    "statements_of_person": "What did Marco Rubio say?",
    "sources_of_claim": "Which source is cited for the claim that China refines 90% of rare earths?",
    "dependencies": "What does the EU depend on China for?",
    "not_recycled": "Which materials are not recycled?",
    "targets": "What are the EU's 2030 targets?",
    "policies": "What export restrictions has China placed on graphite?",
    "attendees": "Who attended the Critical Minerals Ministerial?",
    "contradictions": "Do sources disagree about cobalt?",
    "entity_summary": "Tell me about gallium",
    "successor": "What new forum succeeds the Minerals Security Partnership?",
}

# (intent, cue regex) in priority order; the first whose cue matches (and whose entities are present) wins.
CUES = [
    ("contradictions", r"\b(disagree\w*|contradict\w*|conflict\w*|oneens|tegenspra\w*|inconsisten\w*)\b"),
    ("sources_of_claim", r"\b(source|sources|cited|cites|publication|backs|back up|bron|bronnen|"
                         r"where does the (claim|figure|number|statement|estimate) .* come from|"
                         r"according to which)\b"),
    ("successor", r"\b(succeeds?|successor|replaces?|replaced|opvolger|vervangt|vervangen)\b"),
    ("recycling_rates", r"\brecycled at rates?\b|\brecycling rates? (above|over|of more)\b|\bvoor meer dan \d+ procent gerecycl"),
    ("not_recycled", r"\b(not|niet|never|geen|hardly|barely|scarcely|nauwelijks|amper)\b.*\b(\w*recycl\w*|recovered|"
                     r"hergebruikt|teruggewonnen)\b|\bzero recovery\b"),
    ("materials_of_actor", r"\b(which|what|welke) (minerals?|materials?|metals?|elements?|rare earth elements|"
                           r"grondstoffen|mineralen|metalen)\b(?!\s+(agreements?|deals?|pacts?|frameworks?|partnerships?|"
                           r"akkoord\w*|overeenkomst\w*))"),
    ("targets", r"\b(targets?|benchmarks?|goals?|objectives?|doel\w*|streven|uit recycling komen|should come from|"
                r"minimum|thresholds?|quotas? for|have to meet|required|requirements?|verplicht\w*|minimaal)\b"),
    ("statements_of_person", r"\b(say|said|says|position|argue\w*|warn\w*|zei|zegt|zeiden|standpunt|stelt|respond\w*|"
                             r"react\w*|repl(y|ied)|comment\w*|stance|view|think|thinks|describe(?!d as)\w*|reageer\w*|antwoord\w*|"
                             r"predict\w*|promis\w*|voorspel\w*|beloofde|"
                             r"what did .* (tell|state|claim))\b"),
    ("attendees", r"\b(attend\w*|took part|take part|participat\w*|host\w*|represent\w*|gastheer|nam deel|"
                  r"deelnemers|vertegenwoordig\w*|aanwezig|who met|met with|meeting)\b"),
    ("parties_of_agreement", r"\b(parties|party of|partners of|chair\w*|voorzitter\w*|rol binnen|with which countries|"
                             r"met welke landen|handle purchasing|members of|samenwerk\w*|werken samen|joint venture)\b"),
    ("policies", r"\b(restrictions?|measures?|polic(y|ies)|price floors?|export (ban|controls?|licen\w+|quotas?)|tools?|"
                 r"instruments?|\w*maatregel\w*|prijsvloer\w*|\w*verbod\w*|export\w*quota\w*|forum|vehicle|funds?|fonds\w*|"
                 r"set up|imposed?)\b"),
    ("agreements_of_actor", r"\b(agreements?|initiatives?|partnerships?|memorand\w+|mou|frameworks?|deals?|"
                            r"commit\w*|akkoord\w*|verdrag\w*|partnerschap\w*|concluded|overeenkomst\w*)\b"),
    ("dependencies", r"\b(depend\w*|reliant|relian\w*|rely|relies|relying|lean on|leans on|count on|counts on|"
                     r"concentrated|afhankelijk\w*|main suppliers?|"
                     r"imports?|importing|imported|importeert|importeren|invoer\w*|obtains?|haalt|halen)\b"),
    ("suppliers_of_material", r"\b(suppl\w+|produc\w+|refin\w+|process\w*|min(e|es|ed|ing)|dominat\w+|obtain\w*|"
                              r"controls?|output|bulk of|holds?|"
                              r"export\w*|makes?|manufactur\w+|lever\w*|produce\w*|verwerk\w*|raffin\w*|delft|delven|"
                              r"wint|winnen|source of|comes? from|komt uit|komen uit|afkomstig)\b"),
    ("entity_summary", r"\b(tell me about|what do you know about|vertel (me )?over|wat weet je over|who is|wie is)\b"),
]
STAGE_WORDS = [("Refining", r"refin|raffin"), ("Processing", r"process|verwerk"), ("Mining", r"\bmin(e|es|ed|ing)\b|delf|mijn"),
               ("Recycling", r"recycl"), ("Production", r"produc")]


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("’", "'")
    return " " + re.sub(r"[^a-z0-9%]+", " ", text).strip() + " "


def stem(word: str) -> str:
    """A light stem for matching a question's words to evidence: trading/traders -> trad, purchasing/purchaser -> purchas."""
    for suffix in ("ing", "ers", "er", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> set[str]:
    return {w.rstrip("s") if len(w) > 4 else w for w in norm(text).split()
            if w not in STOP and (len(w) > 2 or w.isdigit())}


@dataclass
class Parsed:
    question: str
    language: str
    intent: str | None
    entities: list[dict] = field(default_factory=list)
    stage: str | None = None
    threshold: float | None = None


class Asker:
    """Answers questions against one store; caches the store's entity labels."""

    def __init__(self, store: OxigraphStore) -> None:
        self.store = store
        self._labels: list[tuple[str, str, str, str]] | None = None
        self._bodies: dict[tuple[str, ...], list[str]] = {}

    # -- entity resolution ----------------------------------------------------------------------------------------
    def names(self) -> list[tuple[str, str, str, str]]:
        """(normalised name, iri, kind, label), longest names first: vocabularies plus entities minted in the store."""
        if self._labels is None:
            rows: dict[tuple[str, str], tuple[str, str, str, str]] = {}
            for entry in load_entries().values():
                for name in entry.names | entry.metonyms | entry.demonyms:
                    if len(name) > 1 and not (name.isupper() and len(name) <= 2 and name not in {"EU", "US", "VS"}):
                        rows[(norm(name), entry.iri)] = (norm(name), entry.iri, entry.kind, entry.label)
                if entry.kind == "PERSON" and len(entry.label.split()) > 1:
                    surname = norm(entry.label.split()[-1])  # 'Wat zei Séjourné?'
                    rows.setdefault((surname, entry.iri), (surname, entry.iri, entry.kind, entry.label))
            for row in self.store.select("""
                SELECT DISTINCT ?e ?name ?type WHERE {
                  ?e a ?type . VALUES ?type { crm:Agreement crm:Policy crm:Event crm:Person crm:Organisation }
                  { ?e rdfs:label ?name } UNION { ?e skos:altLabel ?name } }"""):
                kind = row["type"].rsplit("#", 1)[-1].upper().replace("ORGANISATION", "ORG")
                rows.setdefault((norm(row["name"]), row["e"]), (norm(row["name"]), row["e"], kind, row["name"]))
                if kind == "PERSON" and len(row["name"].split()) > 1:
                    surname = norm(row["name"].split()[-1])  # 'Wat zei president Boric?'
                    rows.setdefault((surname, row["e"]), (surname, row["e"], kind, row["name"]))
            self._labels = sorted(rows.values(), key=lambda r: -len(r[0]))
        return self._labels

    def resolve(self, question: str) -> list[dict]:
        """Entity mentions of the question, in order; the source named in 'according to X' / 'volgens X' comes
        last and is marked, since it says who reported, not what is asked about."""
        found = self._resolve(question)
        cited = re.search(r"\b(according to|volgens)\s+(the\s+|de\s+|het\s+)?(.{3,60}?)(,|\s+(on|in|de|het|worden|is|zijn)\b)", question, re.I)
        if cited:
            source = norm(cited.group(3))
            for f in found:
                if f" {f['mention']} " in source:
                    f["cited"] = True
            found.sort(key=lambda f: f.get("cited", False))
        return found

    def _resolve(self, question: str) -> list[dict]:
        text = norm(question)
        taken: list[tuple[int, int]] = []
        found = []
        for name, iri, kind, label in self.names():
            if len(name.strip()) < 2:
                continue
            start = text.find(name)
            while start >= 0:
                end = start + len(name)
                if not any(s < end - 1 and start + 1 < e for s, e in taken):
                    taken.append((start + 1, end - 1))  # the words, not the spaces around them
                    if all(f["iri"] != iri for f in found):
                        found.append({"mention": name.strip(), "iri": iri, "label": label, "kind": kind, "at": start})
                    break
                start = text.find(name, start + 1)
        found += self._fuzzy_programmes(text, {f["iri"] for f in found})
        return sorted(found, key=lambda f: f["at"])

    def _fuzzy_programmes(self, text: str, known: set[str]) -> list[dict]:
        """Agreements and measures named loosely ('a plurilateral initiative on critical minerals'): most of the
        label's words in the question, at least two of them distinctive."""
        words = content_words(text)
        best: list[tuple[float, dict]] = []
        for name, iri, kind, label in self.names():
            if kind not in {"AGREEMENT", "POLICY", "EVENT"} or iri in known:
                continue
            wanted = content_words(name) - GENERIC_WORDS
            if len(wanted) < 2:
                continue
            share = len(wanted & words) / len(wanted)
            if share >= 0.6 and len(wanted & words) >= 2:
                best.append((share, {"mention": label, "iri": iri, "label": label, "kind": kind, "at": 10_000}))
        if not best:
            return []
        top = max(s for s, _ in best)
        return list({f["iri"]: f for s, f in best if s == top}.values())

    # -- parsing --------------------------------------------------------------------------------------------------
    def parse(self, question: str) -> Parsed:
        words = set(norm(question).split())
        language = "nl" if len(words & DUTCH) >= 2 else "en"
        entities = self.resolve(question)
        low = question.lower()
        intent = next((name for name, cue in CUES if re.search(cue, low)), None)
        kinds = {e["kind"] for e in entities}
        if intent == "statements_of_person" and not kinds & {"PERSON", "ORG"}:
            intent = None
        if intent in {"agreements_of_actor", "policies", "materials_of_actor"} and kinds & {"AGREEMENT", "POLICY"} and \
                re.search(r"\b(chair\w*|voorzitter\w*|rol|role|firms?|traders|companies|parties|partners)\b", low):
            intent = "parties_of_agreement"
        if intent == "agreements_of_actor" and not kinds & {"COUNTRY", "ORG"} and "AGREEMENT" in kinds:
            intent = "parties_of_agreement"
        if intent == "parties_of_agreement" and not kinds & {"AGREEMENT", "POLICY"} and kinds & {"COUNTRY", "ORG"} \
                and not re.search(r"\b(parties|partners|partijen)\b|with which", low):
            intent = "agreements_of_actor"
        if intent is None and "PERSON" in kinds:
            intent = "statements_of_person"  # 'How did X compare lithium with oil?': what the person said
        if intent == "materials_of_actor" and len([e for e in entities if e["kind"] in {"COUNTRY", "ORG"}]) >= 2 and \
                re.search(dict(CUES)["dependencies"], low):
            intent = "dependencies"  # 'Which metals does the EU import from China?'
        if intent == "materials_of_actor" and not kinds & {"COUNTRY", "ORG", "POLICY", "AGREEMENT"}:
            intent = "suppliers_of_material" if "MATERIAL" in kinds else intent
        if intent == "suppliers_of_material" and "MATERIAL" not in kinds:
            intent = "materials_of_actor" if kinds & {"COUNTRY", "ORG"} else None
        if intent is None and entities and re.search(r"\b(about|over)\b", low):
            intent = "entity_summary"
        stage = next((s for s, pattern in STAGE_WORDS if re.search(pattern, low)), None)
        threshold = None
        m = re.search(r"(\d+(?:\.\d+)?)\s*(%|percent|procent)", low)
        if m:
            threshold = float(m.group(1))
        return Parsed(question, language, intent, entities, stage, threshold)

    # -- answering ------------------------------------------------------------------------------------------------
    def ask(self, question: str) -> dict:
        parsed = self.parse(question)
        public_entities = [{k: e[k] for k in ("mention", "iri", "label")} for e in parsed.entities]
        reply: dict = {"question": question, "language": parsed.language, "intent": parsed.intent,
                       "entities": public_entities, "sparql": None, "answers": []}
        if parsed.intent is None:
            nearest = nearest_templates(question)
            reply["suggestions"] = nearest
            reply["message"] = ("I could not match this question to a question I know. The nearest ones I can "
                                "answer: " + " | ".join(f"{s['example']} ({s['intent']})" for s in nearest))
            return reply
        if parsed.intent == "sources_of_claim":
            reply["answers"] = self._sources(parsed)
            reply["sparql"] = template("sources_of_claim")
            return reply
        sparql, bindings = self._query(parsed)
        reply["sparql"] = sparql + values_clause(bindings)
        rows = self.store.select(sparql, **bindings)
        rows = self._filter(parsed, rows)
        reply["answers"] = self._answers(parsed, rows)
        if parsed.intent == "suppliers_of_material" and parsed.stage in {None, "Mining", "Production"}:
            named_actors = any(e["kind"] in {"COUNTRY", "ORG"} for e in parsed.entities)
            self._add_official(reply["answers"], bindings["material"], add_others=not named_actors)
        if not reply["answers"]:
            reply["message"] = "No statement in the graph answers this question."
        return reply

    def _query(self, parsed: Parsed) -> tuple[str, dict]:
        by_kind: dict[str, list[str]] = {}
        for e in parsed.entities:
            by_kind.setdefault(e["kind"], []).append(e["iri"])
        actors = [e["iri"] for e in parsed.entities if e["kind"] in {"COUNTRY", "ORG"} and not e.get("cited")]
        programmes = [e["iri"] for e in parsed.entities if e["kind"] in {"POLICY", "AGREEMENT"}]
        intent = parsed.intent
        bindings: dict = {}
        if intent == "suppliers_of_material":
            bindings = {"material": by_kind["MATERIAL"][0]}
        elif intent == "materials_of_actor":
            if not programmes and len(actors) >= 2 and re.search(dict(CUES)["agreements_of_actor"], parsed.question, re.I):
                programmes = self._agreements_between(actors)  # 'the US–Ukraine resources deal'
                actors = [] if programmes else actors
            bindings = {"actor": programmes + actors}
        elif intent == "dependencies" and len(actors) >= 2 and re.search(
                r"\bfor\W*$|\bwaarvoor\b|\bfor (what|which)\b|\b(which|what|welke) (materials?|minerals?|metals?|elements?|"
                r"grondstoffen|metalen|mineralen)\b",
                parsed.question, re.I):
            return template("dependency_materials"), {"actor": actors[0], "supplier": actors[1]}
        elif intent == "dependencies" and actors and re.search(
                r"\b(on|upon|from|van|uit)\s+(the\s+|de\s+|het\s+)?" + re.escape(self._mention(parsed, actors[0])),
                norm(parsed.question)) or intent == "dependencies" and self._demonym_only(parsed, actors):
            return template("dependents"), {"supplier": actors[0]}  # 'Which countries rely on Congolese cobalt?'
        elif intent in {"agreements_of_actor", "dependencies"} and actors:
            bindings = {"actor": actors[0]}
        elif intent in {"parties_of_agreement", "successor"} and programmes:
            bindings = {"agreement": programmes[0]}
        elif intent == "statements_of_person":
            bindings = {"person": (by_kind.get("PERSON") or actors)[0]}
        elif intent == "entity_summary" and parsed.entities:
            bindings = {"entity": parsed.entities[0]["iri"]}
        elif intent in {"parties_of_agreement", "successor"}:
            described = self._agreements_between(actors) if len(actors) >= 2 else self._described_agreement(parsed)
            bindings = {"agreement": described[0] if described else "https://w3id.org/crmkg/id/agreement/none"}
        return template(intent), bindings

    def _bodies_of(self, countries: tuple[str, ...]) -> list[str]:
        """Organisations that belong to these countries (a regulator, a ministry, a state company); asked once per
        question, not once per row (an lru_cache on the method would keep every Asker alive in the server)."""
        if not countries:
            return []
        if countries not in self._bodies:
            self._bodies[countries] = [r["o"] for r in self.store.select(
                "SELECT DISTINCT ?o WHERE { ?o org:memberOf ?c }", c=list(countries))]
        return self._bodies[countries]

    def _described_events(self, parsed: Parsed) -> list[str]:
        """Events whose name or attendance sentences share a word with the question: 'the critical minerals talks
        in Washington' finds the ministerial; 'the signing ceremony for the Codelco–SQM deal' finds nothing."""
        low = norm(parsed.question)
        heads = {english for word, english in EVENT_HEADS.items() if f" {word} " in low}
        words = {stem(w) for w in content_words(parsed.question)} - {stem(w) for w in INTENT_WORDS}
        found = set()
        for row in self.store.select("""
            SELECT DISTINCT ?event ?label ?text WHERE { ?s crm:relation crm:attended ; crm:object ?event .
              ?event rdfs:label ?label . ?s crm:evidence/crm:sentence ?text }"""):
            if heads:  # 'the summit', 'de ministersconferentie': events of that kind
                if any(head in row["label"].lower() for head in heads):
                    found.add(row["event"])
            elif words & {stem(w) for w in content_words(row["text"] + " " + row["label"])}:
                found.add(row["event"])
        return sorted(found)

    def _agreements_between(self, actors: list[str]) -> list[str]:
        """Agreements that all of `actors` are party to."""
        found = None
        for actor in actors:
            rows = {r["ag"] for r in self.store.select(
                "SELECT DISTINCT ?ag WHERE { ?s crm:relation crm:partyTo ; crm:subject ?a ; crm:object ?ag }", a=actor)}
            found = rows if found is None else found & rows
        return sorted(found or [])

    def _described_agreement(self, parsed: Parsed) -> list[str]:
        """The agreement whose evidence shares most words with the question ('the new lithium venture in the
        Salar de Atacama'), when no name in the question resolves to one."""
        words = {stem(w) for w in content_words(parsed.question)} - {stem(w) for w in INTENT_WORDS}
        scores: dict[str, int] = {}
        for row in self.store.select("""
            SELECT DISTINCT ?ag ?sentence WHERE {
              ?s crm:relation crm:partyTo ; crm:object ?ag ; crm:evidence/crm:sentence ?sentence }"""):
            overlap = len(words & {stem(w) for w in content_words(row["sentence"])})
            scores[row["ag"]] = max(scores.get(row["ag"], 0), overlap)
        best = max(scores.values(), default=0)
        return [ag for ag, score in scores.items() if score == best] if best >= 2 else []

    @staticmethod
    def _mention(parsed: Parsed, iri: str) -> str:
        return next((e["mention"] for e in parsed.entities if e["iri"] == iri), "")

    @staticmethod
    def _demonym_only(parsed: Parsed, actors: list[str]) -> bool:
        """'Congolese cobalt': the actor is named by its adjective, as the origin of what is asked about."""
        entry = load_entries().get(actors[0])
        mention = Asker._mention(parsed, actors[0])
        if len(actors) != 1 or entry is None or not any(norm(d).strip() == mention for d in entry.demonyms):
            return False
        following = norm(parsed.question).split(f" {mention} ", 1)[-1]
        return any(following.startswith(e["mention"]) for e in parsed.entities if e["kind"] == "MATERIAL")

    def _filter(self, parsed: Parsed, rows: list[dict]) -> list[dict]:
        by_kind: dict[str, list[str]] = {}
        for e in parsed.entities:
            by_kind.setdefault(e["kind"], []).append(e["iri"])
        details = self._details([r["st"] for r in rows])
        low = parsed.question.lower()
        named = {e["iri"] for e in parsed.entities if e["kind"] in {"COUNTRY", "ORG", "POLICY", "AGREEMENT"}}
        asked_group = self._asked_group(parsed)
        kept = []
        for row in rows:
            d = details.get(row["st"], {})
            if parsed.intent == "suppliers_of_material" and parsed.stage:
                wanted = {"Refining", "Processing"} if parsed.stage in {"Refining", "Processing"} else {parsed.stage, "Production", "Mining"}
                if d.get("stage") not in wanted:
                    continue
            if parsed.intent == "targets" and parsed.stage and d.get("stage") and d["stage"] != parsed.stage:
                continue
            year = re.search(r"\b(20[2-6]\d)\b", parsed.question)
            if parsed.intent == "targets" and year and d.get("year") and str(d["year"])[:4] != year.group(1):
                continue
            if parsed.intent == "targets" and named and not ({row.get("setter")} | self._parties(row.get("setter"))) & named:
                continue  # 'the targets of the Critical Raw Materials Act', 'the EU's 2030 targets'
            if parsed.intent == "materials_of_actor" and asked_group:
                if not self._narrower(row["answer"], asked_group):
                    continue  # 'which rare earth elements': members of the group named after 'which'
            if parsed.intent == "recycling_rates" and parsed.threshold is not None:
                above = re.search(r"\b(above|over|more than|meer dan|boven)\b", low)
                if (row.get("share") or 0) <= parsed.threshold if above else (row.get("share") or 0) >= parsed.threshold:
                    continue
            if parsed.intent == "policies":
                actors = by_kind.get("COUNTRY", []) + by_kind.get("ORG", []) + by_kind.get("POLICY", []) + by_kind.get("AGREEMENT", [])
                actors = actors + self._bodies_of(tuple(by_kind.get("COUNTRY", [])))
                if actors and row.get("actor") not in actors and row.get("answer") not in actors:
                    continue
                mats = by_kind.get("MATERIAL", [])
                if mats and row.get("material") and row["material"] not in mats:
                    continue
            if parsed.intent == "dependencies" and by_kind.get("MATERIAL") and d.get("material") and \
                    not self._related_material(d["material"], by_kind["MATERIAL"]):
                continue  # 'platinum and palladium' are answered by statements about platinum-group metals
            if parsed.intent == "parties_of_agreement" and re.search(r"chair|voorzitter", low) and d.get("role") != "chair":
                continue
            if parsed.intent == "attendees":
                events = by_kind.get("EVENT", []) or self._described_events(parsed)
                if row.get("event") not in events:
                    continue
                if re.search(r"\b(host\w*|gastheer|organis\w+)\b", low) and d.get("role") != "host":
                    continue
                behalf = [e for e in by_kind.get("ORG", []) + by_kind.get("COUNTRY", [])]
                if re.search(r"represent|namens|vertegenwoordig", low) and d.get("onBehalfOf") not in behalf:
                    continue
            if parsed.intent == "agreements_of_actor" and len(by_kind.get("COUNTRY", []) + by_kind.get("ORG", [])) > 1:
                others = set(by_kind.get("COUNTRY", []) + by_kind.get("ORG", [])) - {row.get("actor")}
                parties = self._parties(row["answer"])
                if not others <= parties:
                    continue
            if parsed.intent == "contradictions" and parsed.entities:
                about = {e["iri"] for e in parsed.entities}
                if not about & {d.get("subject"), d.get("object"), d.get("material")}:
                    continue
            if parsed.intent in {"dependencies", "parties_of_agreement"} and \
                    row.get("answer") in {e["iri"] for e in parsed.entities if not e.get("cited")}:
                continue  # the actor asked about is not its own answer
            kept.append(row)
        kept = self._prefer(parsed, kept, details, by_kind)
        return self._answer_type(parsed, kept)

    def _prefer(self, parsed: Parsed, rows: list[dict], details: dict, by_kind: dict) -> list[dict]:
        """Narrow to the more specific statements where the question allows it."""
        if parsed.intent == "targets":
            valued = [r for r in rows if details.get(r["st"], {}).get("share") is not None]
            return valued or rows
        if parsed.intent == "attendees":
            groups = by_kind.get("COUNTRY", []) + by_kind.get("ORG", [])
            members = [r for r in rows if groups and self._member_of(r["answer"], groups)]
            if members and not re.search(r"represent|namens|vertegenwoordig", parsed.question, re.I):
                return members  # 'members of the U.S. administration'
        if parsed.intent == "statements_of_person":
            topics = [e for e in parsed.entities if e["kind"] in {"POLICY", "AGREEMENT", "EVENT"}]
            if topics:  # 'What did X say about the Inflation Reduction Act?': statements in documents that name it
                names = {n.strip() for n, iri, *_ in self.names() if iri in {t["iri"] for t in topics}}
                rows = [r for r in rows if any(n in self._document_text(r["st"]) for n in names)]
        if parsed.intent == "materials_of_actor" and self._asked_group(parsed):
            leaves = [r for r in rows if not self.store.select("SELECT ?x WHERE { ?x skos:broader ?m }", m=r["answer"])]
            rows = leaves or rows  # 'which rare earth elements': the elements, not the groups they belong to
        if parsed.intent == "suppliers_of_material" and by_kind.get("COUNTRY", []) + by_kind.get("ORG", []):
            customers = set(by_kind.get("COUNTRY", []) + by_kind.get("ORG", []))
            sources = {e["iri"] for e in parsed.entities if e["iri"] in customers and re.search(
                r"\b(from|uit|van)\s+(the\s+|de\s+|het\s+)?" + re.escape(e["mention"]), norm(parsed.question))}
            from_them = [r for r in rows if r["answer"] in sources]  # 'Hoeveel kobalt komt uit Congo?'
            to_them = [r for r in rows if details.get(r["st"], {}).get("object") in customers - sources]
            rows = from_them or to_them or rows  # 'Who supplies the EU with cobalt?'
        if parsed.intent == "materials_of_actor":
            programmes = set(by_kind.get("POLICY", []) + by_kind.get("AGREEMENT", []))
            linked = [r for r in rows if details.get(r["st"], {}).get("object") in programmes
                      or details.get(r["st"], {}).get("subject") in programmes]
            return linked or rows
        return rows

    @staticmethod
    def _asked_group(parsed: Parsed) -> list[str]:
        """Materials named right after 'which'/'welke' ('which rare earth elements'): the answers are their members."""
        return [e["iri"] for e in parsed.entities if e["kind"] == "MATERIAL" and re.search(
            r"\b(which|what|welke)\s+" + re.escape(e["mention"]), norm(parsed.question))]

    def _member_of(self, person: str, groups: list[str]) -> bool:
        rows = self.store.select("SELECT ?g WHERE { ?p org:memberOf/org:subOrganizationOf* ?g }", p=person)
        return bool({r["g"] for r in rows} & set(groups))

    def _document_text(self, statement: str) -> str:
        """The normalised text of the documents a statement comes from."""
        return " ".join(norm(r["t"]) for r in self.store.select(
            "SELECT DISTINCT ?t WHERE { ?st crm:evidence/crm:document ?d . ?d schema:text ?t }", st=statement))

    def _related_material(self, material: str, asked: list[str]) -> bool:
        """The same material, one of its members, or the group it belongs to."""
        if material in asked:
            return True
        rows = self.store.select("SELECT ?x WHERE { { ?m skos:broader+ ?x } UNION { ?x skos:broader+ ?m } }", m=material)
        return bool({r["x"] for r in rows} & set(asked))

    def _narrower(self, material: str, groups: list[str]) -> bool:
        """True when `material` is one of `groups` or narrower; a group asked for by name ('which rare earth
        elements') is answered by its members when any are there."""
        rows = self.store.select("SELECT ?g WHERE { ?m skos:broader+ ?g }", m=material)
        return bool({r["g"] for r in rows} & set(groups))

    def _add_official(self, answers: list[dict], material: str, add_others: bool = True) -> None:
        """Put official figures (imported tables such as USGS) next to the reported claims, clearly marked."""
        from kg.tables import official_figures

        by_country = {a["iri"]: a for a in answers}
        for figure in official_figures(self.store, material, latest=True):
            official = {k: figure[k] for k in ("share", "quantity", "unit", "year", "stage")}
            official.update(source_kind="official figure", dataset=figure["dataset"])
            if figure["country"] in by_country:
                by_country[figure["country"]]["detail"]["official"] = official
            elif add_others and figure["share"] and figure["share"] >= 1:
                answers.append({"label": figure["label"], "iri": figure["country"], "same_as": [],
                                "detail": {"official": official, "documents": 0}, "evidence": [], "documents": 0})
        for answer in answers:
            answer["detail"].setdefault("source_kind", "reported claim" if answer["evidence"] else "official figure")

    def _answer_type(self, parsed: Parsed, rows: list[dict]) -> list[dict]:
        low = parsed.question.lower()
        wanted = None
        if re.search(r"\b(which|what|welke|welk) (country|countries|nations?|governments?|states|land|landen|regeringen)\b|"
                     r"\bfrom which country\b", low):
            wanted = "/id/country/"
        elif re.search(r"\b(who|wie)\b|\bmembers\b|\bofficials\b", low) and parsed.intent == "attendees":
            wanted = "/id/person/"
        elif re.search(r"\b(firms?|companies|traders|bedrijven)\b", low):
            wanted = "/id/org/"
        if wanted is None:
            return rows
        typed = [r for r in rows if wanted in str(r.get("answer"))]
        return typed

    @staticmethod
    def _statement_label(d: dict, labels: dict) -> str:
        """'China refines rare earth elements (90%, 2024)' for a statement's details."""
        def name(iri):
            names = labels.get(iri, {}).get("labels")
            return sorted(names)[0] if names else (iri or "").rsplit("/", 1)[-1]
        words = [name(d.get("subject")), re.sub(r"(?<!^)([A-Z])", r" \1", d.get("relation", "")).lower()]
        words += [name(d[k]) for k in ("object", "material") if d.get(k)]
        extra = [f"{d['share']:g}%" if isinstance(d.get("share"), (int, float)) else None, d.get("year"),
                 d.get("text") if d.get("relation") == "policy" else None]
        extra = [str(x) for x in extra if x]
        negated = "" if d.get("polarity", True) else "not "
        return negated + " ".join(words) + (f" ({', '.join(extra)})" if extra else "")

    def _agreement_label(self, agreement: str, labels: dict) -> str:
        """An unnamed agreement is known by its parties: 'EU–US Memorandum of Understanding on critical minerals'."""
        names = labels.get(agreement, {}).get("labels") or {agreement.rsplit("/", 1)[-1]}
        label = sorted(names)[0]
        if not label.startswith("Memorandum"):
            return label
        entries = load_entries()
        parties = sorted(p for p in self._parties(agreement)  # states and the EU, not their departments
                         if p in entries and entries[p].rdf_type.rsplit("#", 1)[-1] in {"Country", "InternationalOrganisation"})
        if not 2 <= len(parties) <= 4:
            return label
        if any(iri not in load_entries() for iri in parties):
            return label
        return "–".join(sorted(short_name(iri, load_entries()[iri].label) for iri in parties)) + " " + label

    def _parties(self, agreement: str | None) -> set[str]:
        """Parties of an agreement or law: from partyTo statements and from the vocabulary's crm:party."""
        if not agreement:
            return set()
        return {r["p"] for r in self.store.select("""
            SELECT DISTINCT ?p WHERE { { ?s crm:relation crm:partyTo ; crm:object ?ag ; crm:subject ?p }
                                       UNION { ?ag crm:party ?p } }""", ag=agreement)}

    def _details(self, statements: list[str]) -> dict[str, dict]:
        if not statements:
            return {}
        out: dict[str, dict] = {}
        for row in self.store.select("SELECT ?st ?p ?o WHERE { ?st ?p ?o }", st=sorted(set(statements))):
            key = row["p"].rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            value = row["o"]
            if isinstance(value, str) and value.startswith(str(CRM)):
                value = value[len(str(CRM)):]
            if key in {"evidence", "type", "wasAttributedTo"}:
                continue
            out.setdefault(row["st"], {})[key] = value
        return out

    def _labels_of(self, iris: list[str]) -> dict[str, dict]:
        if not iris:
            return {}
        out: dict[str, dict] = {}
        for row in self.store.select("""
            SELECT ?e ?label ?lang ?pref WHERE {
              { ?e skos:prefLabel ?label BIND(true AS ?pref) } UNION { ?e rdfs:label ?label BIND(false AS ?pref) }
              BIND(LANG(?label) AS ?lang) }""", e=sorted(set(iris))):
            entry = out.setdefault(row["e"], {"labels": set(), "same_as": set(), "best": []})
            entry["best"].append((row["lang"] not in ("en", ""), not row["pref"], len(row["label"]), row["label"]))
        for row in self.store.select("SELECT ?e ?same WHERE { ?e owl:sameAs ?same }", e=sorted(set(iris))):
            out.setdefault(row["e"], {"labels": set(), "same_as": set(), "best": []})["same_as"].add(row["same"])
        for entry in out.values():
            if entry["best"]:
                entry["labels"] = {min(entry["best"])[3]}
        return out

    def _evidence(self, statements: list[str]) -> dict[str, list[dict]]:
        out: dict[str, dict[str, dict]] = {}
        if not statements:
            return {}
        for row in self.store.select(template("evidence"), st=sorted(set(statements))):
            ev = out.setdefault(row["st"], {}).setdefault(row["ev"], {
                "document": {"iri": row["doc"], "title": row["title"], "date": row["date"],
                             "publisher": row["publisher"], "url": row["url"]},
                "sentence": row["sentence"], "start": row["start"], "end": row["end"], "cites": []})
            if row["src"] and row["src"] not in ev["cites"]:
                ev["cites"].append(row["src"])
        return {st: sorted(evs.values(), key=lambda e: (e["document"]["date"] or "", e["start"])) for st, evs in out.items()}

    def _answers(self, parsed: Parsed, rows: list[dict]) -> list[dict]:
        statements = [r["st"] for r in rows]
        evidence = self._evidence(statements)
        details = self._details(statements)
        labels = self._labels_of([r["answer"] for r in rows] + [d.get(k) for d in details.values()
                                                                 for k in ("material", "object", "subject") if d.get(k)])
        grouped: dict[str, dict] = {}
        for row in rows:
            answer = row["answer"]
            d = details.get(row["st"], {})
            if row.get("comment"):  # a contradiction: what disagrees, about whom and what
                about = [labels.get(d.get(k), {}).get("labels") for k in ("subject", "material", "object")]
                label = " — ".join([", ".join(sorted(a)) for a in about if a] + [row["comment"]])
            elif answer in details:  # the answer is a statement: a quote, a target, a fact about an entity
                label = d.get("text") if d.get("relation") in {"said", "target"} else self._statement_label(d, labels)
            elif "/id/agreement/" in answer and answer not in load_entries():
                label = self._agreement_label(answer, labels)
            else:
                names = labels.get(answer, {}).get("labels") or {answer.rsplit("/", 1)[-1]}
                label = sorted(names)[0]
            key = f"{answer}#{d.get('count')}" if parsed.intent == "agreements_of_actor" else answer
            item = grouped.setdefault(key, {"label": label, "iri": answer,
                                               "same_as": sorted(labels.get(answer, {}).get("same_as", set())),
                                               "detail": {}, "evidence": [], "statements": []})
            item["statements"].append(row["st"])
            detail = {k: v for k, v in d.items() if k in {"stage", "share", "year", "date", "role", "count", "modality",
                                                          "polarity", "verbatim", "quantity", "unit"}}
            for key in ("material", "object", "subject", "onBehalfOf"):
                if d.get(key) and d[key] != answer:
                    names = labels.get(d[key], {}).get("labels")
                    if names:
                        detail.setdefault(key + "s", [])
                        detail[key + "s"] = sorted(set(detail[key + "s"]) | {sorted(names, key=len)[0]})
            for key, value in detail.items():
                if isinstance(value, list):
                    item["detail"][key] = sorted(set(item["detail"].get(key, [])) | set(value))
                else:
                    item["detail"].setdefault(key, value)
            for ev in evidence.get(row["st"], []):
                if all((e["document"]["iri"], e["start"]) != (ev["document"]["iri"], ev["start"]) for e in item["evidence"]):
                    item["evidence"].append(ev)
        answers = list(grouped.values())
        for item in answers:
            item["documents"] = len({e["document"]["iri"] for e in item["evidence"]})
            item["detail"]["documents"] = item["documents"]
            official = any(details.get(st, {}).get("sourceKind") == "OfficialFigure" for st in item["statements"])
            item["detail"]["source_kind"] = "official figure" if official and not item["evidence"] else "reported claim"
        answers = self._focus(parsed, answers)
        answers.sort(key=lambda a: (-a["documents"], a["label"]))
        return answers

    def _focus(self, parsed: Parsed, answers: list[dict]) -> list[dict]:
        """Keep the answers whose evidence speaks to the question's own words, when some do and others don't."""
        if len(answers) < 2:
            return answers
        mention_words = set()
        for e in parsed.entities:
            mention_words |= content_words(e["mention"]) | content_words(e["label"])
        focus = {stem(w) for w in content_words(parsed.question) - mention_words - INTENT_WORDS}
        if not focus:
            return answers
        scores = []
        for a in answers:
            text = " ".join([a["label"], " ".join(map(str, a["detail"].values())), *(e["sentence"] for e in a["evidence"])])
            scores.append(len(focus & {stem(w) for w in content_words(text)}))
        best = max(scores)
        if best == 0:
            return answers
        return [a for a, s in zip(answers, scores) if s >= max(1, best / 2)]

    def _sources(self, parsed: Parsed) -> list[dict]:
        """The cited sources of the sentences that best match the claim in the question."""
        parts = re.split(r"\b(?:that|dat)\b", parsed.question, maxsplit=1)
        if len(parts) == 1:
            parts = re.split(r"\b(?:for|voor)\b", parsed.question, maxsplit=1)
        claim = parts[-1]  # 'the claim that China ...', 'cited for Russia's 40% share of palladium''
        wanted = content_words(claim)
        numbers = set(re.findall(r"\d+", claim))
        rows = self.store.select(template("sources_of_claim"))
        by_ev: dict[str, dict] = {}
        for row in rows:
            e = by_ev.setdefault(row["ev"], {"sentence": row["sentence"], "sources": {}})
            e["sources"][row["src"]] = row["srcLabel"]
        scored = []
        claimed = [e for e in parsed.entities if norm(e["mention"]).strip() in norm(claim)]
        names = {iri: {n for n, i, *_ in self.names() if i == iri} for iri in {e["iri"] for e in claimed}}
        for ev, e in by_ev.items():
            sentence = norm(e["sentence"])
            if any(not any(n in sentence for n in found) for found in names.values()):
                continue  # the claim is about Zambia: a sentence that does not name Zambia does not back it
            words = content_words(e["sentence"])
            score = len(wanted & words) + 2 * len(numbers & set(re.findall(r"\d+", e["sentence"])))
            scored.append((score, ev))
        if not scored:
            return []
        best = max(s for s, _ in scored)
        if best < 3:
            return []
        answers: dict[str, dict] = {}
        for score, ev in scored:
            if score < best:
                continue
            evidence = self._evidence_of(ev)
            for src, label in by_ev[ev]["sources"].items():
                item = answers.setdefault(cited_work(label), {"label": cited_work(label), "iri": src, "same_as": [],
                                                "detail": {"source": label, "claim": by_ev[ev]["sentence"]},
                                                "evidence": []})
                item["evidence"].extend(evidence)
        for item in answers.values():
            item["documents"] = len({e["document"]["iri"] for e in item["evidence"]})
        return list(answers.values())

    def _evidence_of(self, ev: str) -> list[dict]:
        rows = self.store.select("""
            SELECT ?sentence ?start ?end ?doc ?title ?date ?publisher ?url WHERE {
              ?ev crm:sentence ?sentence ; crm:start ?start ; crm:end ?end ; crm:document ?doc . ?doc dcterms:title ?title .
              OPTIONAL { ?doc dcterms:date ?date } OPTIONAL { ?doc dcterms:publisher ?publisher }
              OPTIONAL { ?doc schema:url ?url } }""", ev=ev)
        return [{"document": {"iri": r["doc"], "title": r["title"], "date": r["date"], "publisher": r["publisher"],
                              "url": r["url"]}, "sentence": r["sentence"], "start": r["start"], "end": r["end"]}
                for r in rows[:1]]


EVENT_HEADS = {"ministerial": "ministerial", "ministersconferentie": "ministerial", "summit": "summit", "top": "summit",
               "topontmoeting": "summit", "conference": "conference", "conferentie": "conference",
               "meeting": "meeting", "bijeenkomst": "meeting", "ceremony": "ceremony", "ceremonie": "ceremony",
               "congress": "congress", "congres": "congress", "forum": "forum"}
GENERIC_WORDS = {"critical", "mineral", "raw", "material", "agreement", "initiative", "partnership", "framework"}
INTENT_WORDS = content_words(" ".join(re.sub(r"\\b|[()?|\\.*+\[\]]", " ", cue) for _, cue in CUES)) | content_words(
    "which what who country countries material materials mentioned according described named also example examples "
    "welke wie land landen grondstoffen genoemd volgens")


@functools.lru_cache(maxsize=None)
def template(intent: str) -> str:
    text = (QUESTIONS_DIR / f"{intent}.rq").read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.startswith("#"))


def template_header(intent: str) -> dict[str, str]:
    """The '# key: value' header of a question template (params, examples, expected answer)."""
    meta = {}
    for line in (QUESTIONS_DIR / f"{intent}.rq").read_text(encoding="utf-8").splitlines():
        m = re.match(r"#\s*([\w ()]+):\s*(.+)", line)
        if m:
            meta[m.group(1).strip()] = m.group(2).strip()
    return meta


def nearest_templates(question: str, count: int = 3) -> list[dict]:
    """The question templates whose description and examples share the most words with `question`."""
    words = {stem(w) for w in content_words(question)}
    scored = []
    for intent, example in EXAMPLES.items():
        header = template_header(intent)
        text = " ".join([(QUESTIONS_DIR / f"{intent}.rq").read_text(encoding="utf-8").splitlines()[0],
                         header.get("example (en)", ""), header.get("example (nl)", ""), example])
        overlap = len(words & {stem(w) for w in content_words(text)})
        scored.append((-overlap, list(EXAMPLES).index(intent), intent, example))
    return [{"intent": intent, "example": example} for _, _, intent, example in sorted(scored)[:count]]


def cited_work(entry: str) -> str:
    """Who or what a source-list entry cites: the quoted title of a specific document, else its publisher.

    >>> cited_work('European Court of Auditors — press release "EU risks running short" (2 February 2026)')
    'EU risks running short'
    >>> cited_work('U.S. Geological Survey — Mineral Commodity Summaries (2024 and 2025 editions)')
    'U.S. Geological Survey'
    """
    quoted = re.search(r"[\"“]([^\"”]{4,})[\"”]", entry)
    if quoted:
        return quoted.group(1).strip()
    publisher = re.split(r"\s+[—–]\s+|\s+-\s+", entry, maxsplit=1)[0]
    return re.sub(r"\s*\([^)]*\)\s*$", "", publisher).strip() or entry


def ask(store: OxigraphStore, question: str) -> dict:
    return Asker(store).ask(question)


__all__ = ["Asker", "ask", "template", "template_header", "SPARQL_PREFIXES"]
