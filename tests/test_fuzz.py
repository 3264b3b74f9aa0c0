"""Hypothesis on the document readers (only DocumentError may come out) and on the question parser (never an
exception, never a change to the store)."""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.readers import SUPPORTED_SUFFIXES, SourceDocument, parse_document
from kg.ask import Asker
from kg.errors import DocumentError

# CRMKG_FUZZ_EXAMPLES=5000 for a longer hunt; 100 keeps the file under a minute in the suite.
FUZZ = settings(max_examples=int(os.environ.get("CRMKG_FUZZ_EXAMPLES", 100)), deadline=None, suppress_health_check=[HealthCheck.too_slow])
SUFFIXES = sorted(SUPPORTED_SUFFIXES)
KEYS = ["title", "date", "publisher", "url", "type", "language", "edition"]
# Pieces that stress YAML, Markdown, SPARQL and the question cues, mixed with arbitrary text.
PIECES = ['"', "'", "{", "}", "} UNION {", "UNION", "\n", "?x", "<", ">", "#", "\\", ";", ":", "- ", "[1]", "%",
          "SELECT * WHERE { ?s ?p ?o }", "DROP ALL", "INSERT DATA { <a:b> <a:c> <a:d> }", "China", "gallium",
          "rare earth elements", "Who dominates the processing of", "Tell me about", "Welke landen", "according to",
          "Do sources disagree about", "2026-01-10", "null", "[a, b]", "&anchor", "*anchor", "!!python/object"]
mixed_text = st.one_of(st.text(max_size=200),
                       st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=20)), max_size=12).map(" ".join))


def _parses_or_refuses(raw: bytes, suffix: str) -> None:
    try:
        doc = parse_document(raw, f"fuzz{suffix}", suffix)
    except DocumentError as exc:
        assert exc.message.startswith(f"fuzz{suffix}: ") and exc.code == "E100"
        return
    assert isinstance(doc, SourceDocument) and doc.text.strip() and len(doc.content_hash) == 64


@FUZZ
@given(raw=st.binary(max_size=2000), suffix=st.sampled_from(SUFFIXES))
def test_fuzz_readers_arbitrary_bytes(raw, suffix):
    _parses_or_refuses(raw, suffix)


@FUZZ
@given(raw=st.binary(max_size=500), suffix=st.sampled_from(SUFFIXES))
def test_fuzz_readers_bytes_behind_a_plausible_header(raw, suffix):
    header = {".pdf": b"%PDF-1.7\n", ".html": b"<html><body><p>", ".htm": b"<article>"}.get(suffix, b"---\ntitle: ")
    _parses_or_refuses(header + raw, suffix)


@FUZZ
@given(meta=st.dictionaries(st.sampled_from(KEYS), mixed_text, max_size=6), body=mixed_text,
       suffix=st.sampled_from([".md", ".markdown", ".txt"]))
def test_fuzz_readers_markdown_with_front_matter(meta, body, suffix):
    front = "\n".join(f"{key}: {value}" for key, value in meta.items())
    _parses_or_refuses(f"---\n{front}\n---\n\n{body}\n\n## Sources\n\n[1] {body[:40]}\n".encode(), suffix)


@pytest.fixture(scope="module")
def asker(corpus_store):
    return Asker(corpus_store)


@FUZZ
@given(question=mixed_text)
def test_fuzz_ask_never_raises_never_writes(asker, question):
    before = asker.store.triple_count()
    parsed = asker.parse(question)
    assert parsed.intent is None or isinstance(parsed.intent, str)
    reply = asker.ask(question)
    assert {"question", "intent", "answers", "sparql"} <= reply.keys()
    for text in ("DROP ALL", "INSERT DATA", "?s ?p ?o"):
        assert text not in (reply["sparql"] or "")  # question text never enters the SPARQL
    assert asker.store.triple_count() == before
