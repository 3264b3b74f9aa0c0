import pytest

from kg.ask import ask

from conftest import QUESTION

KEYS = {"question", "language", "intent", "entities", "sparql", "answers"}


def test_ask_suppliers_of_rare_earths_is_china_with_evidence(corpus_store):
    reply = ask(corpus_store, QUESTION)
    assert KEYS <= reply.keys()
    assert reply["intent"] == "suppliers_of_material"
    assert reply["language"] == "en"
    assert any(e["iri"].endswith("/material/rare-earth-elements") for e in reply["entities"])
    china = next(a for a in reply["answers"] if a["label"] == "China")
    assert "http://www.wikidata.org/entity/Q148" in china["same_as"]
    seed = [ev for ev in china["evidence"] if "dominance in processing rare earth elements" in ev["sentence"]]
    assert seed, china["evidence"]
    assert seed[0]["document"]["title"].startswith("Transatlantic alliance")
    assert 0 <= seed[0]["start"] < seed[0]["end"]


def test_ask_unknown_question_gives_message(corpus_store):
    reply = ask(corpus_store, "What is the colour of the sky?")
    assert KEYS <= reply.keys()
    assert reply["intent"] is None
    assert reply["answers"] == []
    assert reply["message"]


@pytest.mark.parametrize("question", [
    'Who "dominates" {?x} } UNION { ?s ?p ?o } the processing of rare earth elements?',
    "Tell me about gallium' } ; DROP ALL ; SELECT * WHERE { <x",
    "Which materials does China produce? >\"}{ UNION",
])
def test_ask_injection_attempt_is_harmless(corpus_store, question):
    before = corpus_store.triple_count()
    reply = ask(corpus_store, question)
    assert isinstance(reply, dict) and KEYS <= reply.keys()
    assert "UNION { ?s ?p ?o }" not in (reply["sparql"] or "")
    assert corpus_store.triple_count() == before
