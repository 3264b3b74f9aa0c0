"""Extraction that scales out: worker processes and a Dask cluster give exactly the statements a local run gives."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from extractors.distributed import ExecutorError, extract_documents
from extractors.extract import collect_paths, read_all
from kg.ingest import ingest
from kg.store import OxigraphStore

from conftest import CORPUS, REFINES_SENTENCE, write_doc

CRMKG = Path(sys.executable).parent / "crmkg"


def _by_document(results) -> dict[str, set[str]]:
    return {r.path: set((r.ntriples or "").splitlines()) for r in results}


def _quads(store) -> set[str]:
    buffer = io.BytesIO()
    store.dump(buffer)
    return set(buffer.getvalue().decode().splitlines())


@pytest.fixture(scope="module")
def corpus_items():
    return read_all(collect_paths([CORPUS]))


@pytest.fixture(scope="module")
def local_results(corpus_items):
    return _by_document(extract_documents(corpus_items))


def test_distributed_processes_same_graphs_as_local(corpus_items, local_results):
    results = list(extract_documents(corpus_items, processes=2, chunk=3))
    assert len(results) == len(corpus_items)
    assert all(r.error is None and not r.violations and r.statements > 0 for r in results)
    assert _by_document(results) == local_results


def test_distributed_keeps_front_matter_meta(tmp_path):
    """doc._.meta (the year from the front matter) is set before the pipe: it must reach the workers' graphs."""
    write_doc(tmp_path, "a.md", 'Marco Rubio said that "the partnership will secure supply chains for critical '
              'minerals" [1].', date="2019-03-01")
    write_doc(tmp_path, "b.md", "Japan imports gallium from China [2].", title="Gallium", date="2024-05-02")
    [local] = [sorted(extract_documents(read_all(collect_paths([tmp_path]))), key=lambda r: r.path)]
    [pooled] = [sorted(extract_documents(read_all(collect_paths([tmp_path])), processes=2, chunk=1),
                       key=lambda r: r.path)]
    assert [r.ntriples for r in pooled] == [r.ntriples for r in local]
    assert '"2019-03-01"^^<http://www.w3.org/2001/XMLSchema#date>' in pooled[0].ntriples  # the quote's date


def test_distributed_rejections_come_back_from_workers(tmp_path):
    write_doc(tmp_path, "good.md", f"{REFINES_SENTENCE} [1].")
    write_doc(tmp_path, "german.md", "Seltene Erden kommen aus China.", title="Seltene Erden", language="de")
    (tmp_path / "empty.md").write_text("", encoding="utf-8")
    store = OxigraphStore(None)
    summary = ingest([tmp_path], store, processes=2)
    assert summary.added == 1 and sorted(Path(r.path).name for r in summary.rejected) == ["empty.md", "german.md"]


def test_distributed_dask_local_cluster_same_store(corpus_store):
    """A LocalCluster of two worker processes, reached by its scheduler address like a remote cluster."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  host="127.0.0.1") as cluster:
        store = OxigraphStore(None)
        summary = ingest([CORPUS], store, executor="dask", scheduler=cluster.scheduler_address)
    assert summary.rejected == [] and summary.added == summary.documents
    assert _quads(store) == _quads(corpus_store)


@pytest.mark.parametrize("options, message", [
    ({"executor": "spark"}, "unknown executor 'spark'"),
    ({"executor": "dask"}, "needs --scheduler"),
    ({"processes": 0}, "at least 1"),
])
def test_distributed_bad_options_say_what_to_do(corpus_items, options, message):
    with pytest.raises(ExecutorError, match=message):
        list(extract_documents(corpus_items[:1], **options))


def test_distributed_cli_ingest_with_processes(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    write_doc(docs, "one.md", f"{REFINES_SENTENCE} [1].")
    write_doc(docs, "two.md", "Indonesia banned nickel ore exports in 2020 [1].", title="Nickel")
    result = subprocess.run([str(CRMKG), "ingest", "--json", "--processes", "2", "--store", str(tmp_path / "store"),
                             str(docs)], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["added"] == 2
