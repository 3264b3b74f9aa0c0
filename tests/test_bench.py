"""The benchmarks run end to end at toy size and write results.json with exactly the documented keys. Nothing is
timed here: the figures are only checked for shape (bench/README.md holds the measured table)."""
import json
import subprocess
import sys

from conftest import ROOT

KEYS = {"ingest_vs_raw_spacy", "ask_p50_ms", "ask_p95_ms", "ask_vs_rdflib", "sparql_vs_rdflib_endpoint",
        "sparql_vs_oxigraph_serve", "shacl_doc_median_ms", "shacl_1m_vs_10k", "bulk_load_triples_per_s",
        "serve_1m_rss_mib", "machine", "date"}


def test_bench_toy_run_writes_every_key(tmp_path):
    out = tmp_path / "results.json"
    result = subprocess.run([sys.executable, "-m", "bench.run", "--toy", "--out", str(out),
                             "--workdir", str(tmp_path / "work")], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    results = json.loads(out.read_text())
    assert set(results) == KEYS
    assert all(isinstance(results[k], (int, float)) and results[k] > 0 for k in KEYS - {"machine", "date"})
    assert {"cores", "memory_mib", "python"} <= set(results["machine"])
    for line in ("ingest_vs_raw_spacy", "ask_vs_rdflib", "sparql_vs_oxigraph_serve", "shacl_1m_vs_10k"):
        assert line in result.stdout  # each benchmark prints its ratio


def test_bench_generator_is_deterministic(tmp_path):
    sys.path.insert(0, str(ROOT))
    from bench.generate import document, write_corpus

    first = [p.read_bytes() for p in write_corpus(tmp_path / "a", 5)]
    assert first == [p.read_bytes() for p in write_corpus(tmp_path / "b", 5)]
    assert document(3) != document(4) and document(3, seed=1) != document(3)
    assert all(text.startswith(b"---\ntitle: ") and b"## Sources" in text for text in first)
