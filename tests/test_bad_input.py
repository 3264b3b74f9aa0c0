"""Bad input through kg.ingest.ingest: each bad document is rejected with a reason naming the file (and the field),
leaves nothing in the store, and the good document of the same batch is stored."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from pypdf import PdfWriter

from extractors.extract import MAX_SENTENCE_TOKENS
from extractors.readers import MAX_BYTES
from kg.ingest import ingest
from kg.namespaces import CONTRADICTIONS_GRAPH, VOCAB_GRAPH, document_iri
from kg.store import OxigraphStore

from conftest import REFINES_SENTENCE, write_doc

GOOD = f"{REFINES_SENTENCE} [1]. Japan imports gallium from China [2]."
GERMAN = ("China raffiniert etwa neunzig Prozent der seltenen Erden der Welt. Japan importiert Gallium aus China und "
          "sucht in Australien und Kanada nach neuen Lieferanten, um diese Abhängigkeit zu verringern.")


def _bytes(name: str, data: bytes):
    def make(folder: Path) -> Path:
        (folder / name).write_bytes(data)
        return folder / name
    return make


def _too_large(folder: Path) -> Path:
    path = folder / "huge.md"
    with path.open("wb") as handle:  # sparse: one byte over the limit without writing 50 MiB
        handle.write(b"---\ntitle: Huge\n---\n\nChina refines rare earths.\n")
        handle.truncate(MAX_BYTES + 1)
    return path


def _no_text_layer(folder: Path) -> Path:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=595, height=842)
    path = folder / "scanned.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def _doc(name: str, body: str = GOOD, **meta: str):
    return lambda folder: write_doc(folder, name, body, **meta)


def _zero_citation(folder: Path) -> Path:
    path = folder / "zero_source.md"
    path.write_text(f"---\ntitle: Zero\nlanguage: en\n---\n\n{REFINES_SENTENCE} [0].\n\n## Sources\n\n[0] IEA outlook\n",
                    encoding="utf-8")
    return path


# id -> (make the bad file in a folder, words its rejection reason must contain besides the file name)
CASES = {
    "empty": (_bytes("empty.md", b""), ["empty"]),
    "binary": (_bytes("binary.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4), ["binary"]),
    "not-utf8": (_bytes("latin1.txt", "Caf\xe9 in M\xfcnchen: China raffiniert Seltene Erden.".encode("latin-1")),
                 ["not UTF-8", "byte 3"]),
    "over-50-mib": (_too_large, ["52428801 bytes", "50 MiB limit"]),
    "broken-front-matter": (_bytes("broken.md", b'---\ntitle: "unclosed\ndate: 2026-01-10\n---\n\nChina refines.\n'),
                            ["broken front matter"]),
    "date-not-a-date": (_doc("bad_date.md", date="the tenth of January"), ["'date: the tenth of January'", "YYYY-MM-DD"]),
    "impossible-date": (_doc("feb30.md", date='"2026-02-30"'), ["'date: 2026-02-30'", "not a date"]),
    "pdf-no-text-layer": (_no_text_layer, ["no text layer", "OCR"]),
    "html-scripts-only": (_bytes("scripts.html", b"<html><head><script>var a = 'China refines rare earths';</script>"
                                 b"<style>p { color: red }</style></head><body><script>go()</script></body></html>"),
                          ["no article text"]),
    "unsupported-language": (_doc("german.md", GERMAN, title="Seltene Erden", language=""),
                             ["unsupported language (de)"]),
    "declared-unsupported-language": (_doc("french.md", language="fr"), ["'language: fr'"]),
    "missing-path": (lambda folder: folder / "does_not_exist.md", ["no such file"]),
    "unsupported-type": (_bytes("report.docx", b"PK\x03\x04"), ["unsupported file type '.docx'"]),
    "url-not-an-iri": (_doc("bad_url.md", url='"http://example.org/a b<c>"'), ["'url: http://example.org/a b<c>'"]),
    "shacl-citation-zero": (_zero_citation, ["citationNumber", "numbered from 1"]),
    "shacl-blank-title": (_doc("blank_title.md", title='"   "'), ["dc/terms/title", "non-empty"]),
}


def _document_graphs(store: OxigraphStore) -> set[str]:
    return set(store.graphs()) - {VOCAB_GRAPH, CONTRADICTIONS_GRAPH}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_rejected_alone_and_leaves_nothing(tmp_path, case):
    make, words = CASES[case]
    good = write_doc(tmp_path, "good.md", GOOD)
    bad = make(tmp_path)
    store = OxigraphStore(None)
    summary = ingest([good, bad], store)
    assert summary.documents == 2 and summary.added == 1
    [rejected] = summary.rejected
    assert rejected.path == str(bad)
    reasons = " ".join(rejected.reasons)
    assert bad.name in reasons
    for word in words:
        assert word in reasons, reasons
    assert _document_graphs(store) == {document_iri("good.md")}
    leftovers = store.select(f'SELECT ?s WHERE {{ ?s crm:sourceFile "{bad.name}" }}')
    assert leftovers == []


def test_bad_input_html_scripts_and_styles_are_not_text(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("""<html><head><title>Rare earth refining</title>
<style>body { color: red } .style-in-head {}</style>
<script>var scriptInHead = "Chile mines all the gallium";</script></head>
<body><nav>Home | About | Contact</nav><article><h1>Rare earth refining</h1>
<p>China refines about 90% of the world's rare earth elements, according to the International Energy Agency,
which published its outlook this year.</p>
<script>document.write("script in the article")</script>
<p>Japan imports gallium from China and is looking for new suppliers in Australia and Canada to reduce this
dependency.</p><style>.style-in-article { display: none }</style><noscript>noscript fallback</noscript>
</article></body></html>""", encoding="utf-8")
    store = OxigraphStore(None)
    summary = ingest([page], store)
    assert summary.added == 1 and not summary.rejected
    [row] = store.select("SELECT ?t WHERE { ?d schema:text ?t }")
    assert "China refines about 90%" in row["t"] and "Japan imports gallium" in row["t"]
    for leaked in ("scriptInHead", "Chile mines", "script in the article", "color: red", "style-in", "{"):
        assert leaked not in row["t"]
    assert not store.select('SELECT ?e WHERE { ?e crm:sentence ?s FILTER(CONTAINS(?s, "Chile")) }')


def test_bad_input_20000_token_sentence_finishes(tmp_path):
    """spaCy's parser is slow on long sentences; extract.py cuts a run-on sentence every MAX_SENTENCE_TOKENS."""
    words = "China refines rare earth elements and gallium for Japan with the".split()
    long_sentence = " ".join(words[i % len(words)] for i in range(20_000)) + "."
    write_doc(tmp_path, "good.md", GOOD)
    write_doc(tmp_path, "run_on.md", long_sentence, title="Run-on")
    store = OxigraphStore(None)
    started = time.monotonic()
    summary = ingest([tmp_path], store)
    seconds = time.monotonic() - started
    assert summary.added == 2 and not summary.rejected
    print(f"\n20,000-token sentence ingested in {seconds:.1f} s")
    assert seconds < 60
    longest = max(len(r["s"].split()) for r in store.select("SELECT ?s WHERE { ?e crm:sentence ?s }"))
    assert longest <= MAX_SENTENCE_TOKENS + 1
