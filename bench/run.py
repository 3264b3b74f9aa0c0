"""Run every benchmark in one go and print its ratios; `--out FILE` also writes the figures as JSON.

    .venv/bin/python -m bench.run --out bench/results.json     # make bench: 10k documents, 1M triples
    .venv/bin/python -m bench.run --quick                      # make bench-quick: smaller sizes, same keys

Steps, all in a scratch folder: generate the synthetic corpus (bench/generate.py); ingest a sample of it
(bench/ingest_speed.py); grow that store's N-Quads to the target size and bulk-load it (bench/bulk_load.py);
questions (bench/questions.py), SPARQL over HTTP (bench/sparql_http.py), serving memory (bench/serve_memory.py)
and the SHACL gate (bench/shacl_gate.py) on the large store."""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

KEYS = ["ingest_vs_raw_spacy", "ask_p50_ms", "ask_p95_ms", "ask_vs_rdflib", "sparql_vs_rdflib_endpoint",
        "sparql_vs_oxigraph_serve", "shacl_doc_median_ms", "shacl_1m_vs_10k", "bulk_load_triples_per_s",
        "serve_1m_rss_mib"]


@dataclass(frozen=True)
class Sizes:
    corpus_docs: int  # documents generated
    ingest_docs: int  # of which ingested for real (the ingest benchmark, and the seed of the large store)
    store_triples: int  # the large store: at least this many quads
    ask_rounds: int  # rounds over the 14 example questions
    rdflib_runs: int  # runs of each template on rdflib
    rdflib_budget: float  # seconds rdflib may spend on the templates, and rdflib-endpoint on its first answers
    http_seconds: float  # per server
    serve_rounds: int  # rounds of the request mix before the memory is read
    shacl_docs: int  # documents gated into each store


FULL = Sizes(10_000, 400, 1_000_000, 10, 1, 180.0, 20.0, 3, 60)
QUICK = Sizes(1_000, 60, 100_000, 3, 2, 30.0, 5.0, 1, 20)
TOY = Sizes(40, 8, 20_000, 1, 1, 30.0, 1.0, 1, 4)


def machine() -> dict:
    memory = 0
    try:
        with open("/proc/meminfo", encoding="utf-8") as meminfo:
            memory = int(meminfo.readline().split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    # the load average says whether other work shared the cores during the run (the figures assume it did not)
    return {"cores": os.cpu_count(), "memory_mib": memory, "python": platform.python_version(),
            "platform": platform.platform(), "load_average": [round(x, 2) for x in os.getloadavg()]}


def run(sizes: Sizes, work: Path) -> dict:
    from bench import bulk_load, generate, ingest_speed, questions, serve_memory, shacl_gate, sparql_http

    load = round(os.getloadavg()[0], 2)
    started = time.perf_counter()
    print(f"sizes: {asdict(sizes)}; load average at the start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    paths = generate.write_corpus(work / "corpus", sizes.corpus_docs)
    print(f"corpus: {len(paths):,} synthetic documents in {time.perf_counter() - started:.0f} s")
    figures: dict = {}
    figures |= ingest_speed.run(paths[:sizes.ingest_docs], work / "ingested")
    base = generate.dump_store(work / "ingested")
    dump = work / "large.nq"
    quads = generate.grow_dataset(base, sizes.store_triples, dump)
    print(f"dataset: {quads:,} quads grown from {len(base.splitlines()):,} ingested")
    figures |= bulk_load.run(dump, work / "large", quads)
    figures |= questions.run(work / "large", dump, sizes.ask_rounds, sizes.rdflib_runs, sizes.rdflib_budget)
    figures |= sparql_http.run(work / "large", dump, sizes.http_seconds, sizes.rdflib_budget)
    figures |= serve_memory.run(work / "large", sizes.serve_rounds)
    figures |= shacl_gate.run(base, work / "large", work / "small", sizes.shacl_docs)
    print(f"all benchmarks: {time.perf_counter() - started:.0f} s")
    return {**{key: figures[key] for key in KEYS}, "machine": {**machine(), "load_average_at_start": load},
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="smaller sizes (under 3 minutes)")
    size.add_argument("--toy", action="store_true", help="toy sizes, for tests/test_bench.py")
    parser.add_argument("--out", help="write the figures to this JSON file")
    parser.add_argument("--workdir", help="scratch folder (default: a new temporary folder, removed afterwards)")
    args = parser.parse_args(argv)
    sizes = TOY if args.toy else QUICK if args.quick else FULL
    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="crmkg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        results = run(sizes, work)
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    text = json.dumps(results, indent=2)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
