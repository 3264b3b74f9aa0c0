"""Documents in, validated-ready RDF graphs out: read, detect language, run spaCy in batches, build graphs.

A pure function of the files: nothing here touches a store."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from extractors.graph import document_graph
from extractors.language import document_language
from extractors.pipeline import build_nlp
from extractors.readers import SUPPORTED_SUFFIXES, SourceDocument, read_document
from kg.errors import DocumentError

MAX_SENTENCE_TOKENS = 2000  # spaCy's parser is quadratic in sentence length: longer "sentences" are cut


@dataclass
class Extracted:
    """One document's outcome: its graph, or the error that rejected it."""

    path: str
    source: SourceDocument | None = None
    language: str | None = None
    graph: Graph | None = None
    error: str | None = None


def collect_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and supported files under folders named (sorted); a missing path is an error."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                                and p.name.lower() not in {"readme.md", "sources.md"}))
        else:
            found.append(path)
    return found


def read_all(paths: list[Path]) -> list[Extracted]:
    results = []
    for path in paths:
        try:
            source = read_document(path)
            language = document_language(source.language, source.text, str(path))
            results.append(Extracted(str(path), source, language))
        except DocumentError as exc:
            results.append(Extracted(str(path), error=exc.message))
    return results


def extract(items: list[Extracted], batch_size: int = 16) -> Iterator[Extracted]:
    """Run the pipelines over every readable document (one nlp.pipe pass per language) and build graphs."""
    for language in ("en", "nl"):
        todo = [item for item in items if item.error is None and item.language == language and item.graph is None]
        if not todo:
            continue
        nlp = build_nlp(language)
        docs = []
        for item in todo:
            doc = nlp.make_doc(item.source.text)
            if len(doc) > 200_000:
                item.error = f"{item.path}: {len(doc)} tokens is over the 200,000-token limit"
                continue
            doc._.meta = {"year": int(item.source.date[:4]) if item.source.date else None, "date": item.source.date}
            _cap_sentences(doc)
            docs.append((doc, item))
        yield from _run(nlp, docs, language, batch_size)
    for item in items:
        if item.error is not None:
            yield item


def _run(nlp, docs: list, language: str, batch_size: int) -> Iterator[Extracted]:
    """Batched nlp.pipe; if a document makes a component fail, the batch is redone one document at a time so
    that only that document is rejected (with the error), and the rest go on."""
    done: set[int] = set()
    try:
        for doc, item in nlp.pipe(docs, as_tuples=True, batch_size=batch_size):
            item.graph = document_graph(item.source, doc, language)
            done.add(id(item))
            yield item
        return
    except Exception:  # noqa: BLE001 - any component error: isolate the document that causes it below
        pass
    for doc, item in docs:
        if id(item) in done:
            continue
        try:
            item.graph = document_graph(item.source, nlp(doc), language)
        except Exception as exc:  # noqa: BLE001 - reported as this document's rejection, never swallowed
            item.error = f"{item.path}: extraction failed ({type(exc).__name__}: {exc}); please report this document"
        yield item


def _cap_sentences(doc) -> None:
    """Force a sentence break every MAX_SENTENCE_TOKENS tokens so a run-on 'sentence' cannot stall the parser."""
    run = 0
    for token in doc:
        run = 0 if "\n" in token.text or token.text in {".", "!", "?"} else run + 1
        if run >= MAX_SENTENCE_TOKENS:
            token.is_sent_start = True
            run = 0
