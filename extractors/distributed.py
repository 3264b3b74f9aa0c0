"""Extraction that scales out: documents -> validated per-document N-Triples, a pure function, run in this
process, in a pool of local worker processes, or on a Dask cluster; the caller (kg.ingest) is the single writer.

Why not `nlp.pipe(n_process=N)`: spaCy sends each processed Doc back from its workers as `Doc.to_bytes()`, and our
components keep Mention and Fact objects (with Spans) in Doc extensions, which msgpack cannot serialise
("can not serialize 'Mention' object"). So each worker process builds the pipelines once (build_nlp is cached
per process) and returns what the writer needs: the document graph as N-Triples, already through the SHACL gate.
"""
from __future__ import annotations

import concurrent.futures
import dataclasses
import multiprocessing
from collections.abc import Iterator
from dataclasses import dataclass, field

from extractors.extract import Extracted, extract
from kg.errors import CrmkgError
from kg.namespaces import CRM

EXECUTORS = ("local", "dask")
CHUNK = 8  # documents per task: large enough to amortise a task's overhead, small enough to balance two workers


class ExecutorError(CrmkgError):
    """The extraction executor cannot run (bad options, Dask scheduler unreachable)."""

    code = "E110"
    status = 500


@dataclass
class ExtractedGraph:
    """One document's extraction outcome, small and picklable: its graph as N-Triples (SHACL-checked), or the
    error or violations that reject it. `serialize(format="nt")` is all a store's replace_graph needs."""

    path: str
    identity: str | None = None
    content_hash: str | None = None
    ntriples: str | None = None
    statements: int = 0
    words: int = 0
    error: str | None = None
    violations: list[str] = field(default_factory=list)

    def serialize(self, format: str = "nt") -> str:
        if format not in ("nt", "ntriples") or self.ntriples is None:
            raise ValueError(f"an extracted graph is N-Triples only, not {format!r}")
        return self.ntriples


def word_count(text: str) -> int:
    """Words as the benchmarks count them: whitespace-separated tokens.

    >>> word_count("China refines 90%  of rare earths.")
    6
    """
    return len(text.split())


def finish(item: Extracted) -> ExtractedGraph:
    """Gate one extracted document: SHACL-check its graph and serialise it, or carry its error."""
    from kg.shacl import check

    words = word_count(item.source.text) if item.source else 0
    result = ExtractedGraph(item.path, item.source.identity if item.source else None,
                            item.source.content_hash if item.source else None, words=words)
    if item.error is not None:
        result.error = item.error
        return result
    assert item.graph is not None
    violations = check(item.graph)
    if violations:
        result.violations = [f"{item.path}: {v}" for v in violations]
        return result
    result.ntriples = item.graph.serialize(format="nt")
    result.statements = len(set(item.graph.subjects(predicate=CRM.relation)))
    return result


def extract_validated(items: list[Extracted]) -> list[ExtractedGraph]:
    """The pure function every executor runs: read documents (with their text) in, gated graphs out."""
    return [finish(item) for item in extract(items)]


def _chunks(items: list[Extracted], size: int) -> list[list[Extracted]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def extract_documents(items: list[Extracted], processes: int = 1, executor: str = "local",
                      scheduler: str | None = None, chunk: int = CHUNK) -> Iterator[ExtractedGraph]:
    """Yield every item's ExtractedGraph as it is ready (in completion order, not input order).

    `executor="local"`: in this process when `processes` is 1, else in that many worker processes.
    `executor="dask"`: on the Dask cluster whose scheduler is at `scheduler` (e.g. tcp://10.0.0.5:8786)."""
    if executor not in EXECUTORS:
        raise ExecutorError(f"unknown executor {executor!r}: use one of {', '.join(EXECUTORS)}")
    if processes < 1:
        raise ExecutorError(f"--processes must be at least 1, not {processes}")
    if not items:
        return
    # extract() fills in each item's graph: work on copies, so the same items can be extracted again
    items = [dataclasses.replace(item, graph=None) for item in items]
    if executor == "dask":
        if not scheduler:
            raise ExecutorError("--executor dask needs --scheduler ADDRESS (e.g. tcp://127.0.0.1:8786, printed by "
                                "`dask scheduler`)")
        yield from _on_dask(items, scheduler, chunk)
    elif processes == 1:
        for item in extract(items):
            yield finish(item)
    else:
        yield from _on_processes(items, processes, chunk)


def _on_processes(items: list[Extracted], processes: int, chunk: int) -> Iterator[ExtractedGraph]:
    # fork: workers start in milliseconds with our modules already imported; each builds its pipelines once.
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
        futures = [pool.submit(extract_validated, part) for part in _chunks(items, chunk)]
        try:
            for future in concurrent.futures.as_completed(futures):
                yield from future.result()
        finally:
            for future in futures:
                future.cancel()


def _on_dask(items: list[Extracted], scheduler: str, chunk: int) -> Iterator[ExtractedGraph]:
    from distributed import Client, as_completed

    try:
        client = Client(scheduler, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise ExecutorError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
    try:
        futures = client.map(extract_validated, _chunks(items, chunk), pure=False)
        for future in as_completed(futures):
            yield from future.result()
    finally:
        client.close()


__all__ = ["EXECUTORS", "ExecutorError", "ExtractedGraph", "extract_documents", "extract_validated", "finish",
           "word_count"]
