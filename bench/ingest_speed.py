"""Ingest speed: words/s of the full ingest (read, extract, link, SHACL gate, store) over raw `nlp.pipe` of the
same spaCy model on the same text, both with two processes. Goal >= 0.8.

The raw side is en_core_web_sm alone (`nlp.pipe(texts, n_process=2)`); the ingest side is `kg.ingest.ingest`
with `processes=2` into an empty on-disk store, timed from the file paths to the flushed store, worker start-up
and the contradictions refresh included. Words are whitespace-separated tokens of the body text."""
from __future__ import annotations

import time
from pathlib import Path

from extractors.distributed import word_count
from extractors.pipeline import _english_base
from extractors.readers import read_document
from kg.ingest import ingest
from kg.store import OxigraphStore


def run(paths: list[Path], store_dir: Path, processes: int = 2) -> dict:
    """Ingest `paths` into a new store at `store_dir` (left there for the other benchmarks); return the figures."""
    texts = [read_document(p).text for p in paths]
    words = sum(word_count(t) for t in texts)
    nlp = _english_base()
    started = time.perf_counter()
    for _ in nlp.pipe(texts, n_process=processes, batch_size=16):
        pass
    raw = time.perf_counter() - started
    store = OxigraphStore(str(store_dir))
    started = time.perf_counter()
    summary = ingest(paths, store, processes=processes)
    full = time.perf_counter() - started
    store.close()
    if summary.rejected:
        raise RuntimeError(f"{len(summary.rejected)} synthetic documents were rejected: {summary.rejected[:2]}")
    ratio = raw / full
    print(f"ingest: {len(paths)} documents, {words:,} words, {processes} processes: raw spaCy {words / raw:,.0f} "
          f"words/s, full ingest {words / full:,.0f} words/s ({summary.statements:,} statements) -> "
          f"ingest_vs_raw_spacy {ratio:.2f} (goal >= 0.8)")
    return {"ingest_vs_raw_spacy": round(ratio, 3), "_raw_words_per_s": words / raw, "_ingest_words_per_s": words / full}
