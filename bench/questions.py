"""Questions on the large store, in process: p50 and p95 of `kg.ask.Asker.ask` over the example questions of every
intent (goal p50 <= 30 ms, p95 <= 100 ms), and the same SPARQL templates with bound IRIs on Oxigraph against
rdflib's in-memory engine over the same quads (ratio = rdflib median / Oxigraph median, geometric mean over the
templates)."""
from __future__ import annotations

import math
import statistics
import time
from pathlib import Path

from bench.rdflib_baseline import run_queries
from kg.ask import EXAMPLES, Asker, template
from kg.namespaces import ID, SPARQL_PREFIXES
from kg.store import OxigraphStore, values_clause

# A handful of kg/questions/*.rq templates with the IRIs the question parser would bind. Not
# suppliers_of_material: its `?m skos:broader* ?material` path takes rdflib about a minute on 20k quads
# (Oxigraph: 0.2 ms), so it would not finish on the large store; bench/README.md gives that figure.
TEMPLATES = [  # in rdflib's order of speed, fastest first: a spent budget cuts off the slowest
    ("agreements_of_actor", {"actor": f"{ID}country/JP"}),
    ("statements_of_person", {"person": f"{ID}person/marco-rubio"}),
    ("materials_of_actor", {"actor": f"{ID}country/CN"}),
    ("parties_of_agreement", {"agreement": f"{ID}agreement/minerals-security-partnership"}),
    ("dependencies", {"actor": f"{ID}org/european-union"}),
]


def bound_query(intent: str, bindings: dict[str, str], limit: int | None = None) -> str:
    """The template of `intent` with its IRIs bound by a VALUES block at the start of its WHERE group (rdflib
    evaluates a group in order: a VALUES block at the end, or after the query, comes after an unbound property
    path such as `?m skos:broader* ?material`, which rdflib then walks from every node; Oxigraph plans either)."""
    sparql = template(intent)
    brace = sparql.index("{") + 1
    values = values_clause(bindings).strip()
    return (SPARQL_PREFIXES + sparql[:brace] + "\n  " + values + sparql[brace:]
            + (f"\nLIMIT {limit}" if limit else ""))


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def _timed(call) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def run(store_dir: Path, dump: Path, rounds: int, rdflib_runs: int, rdflib_budget: float) -> dict:
    store = OxigraphStore(str(store_dir), read_only=True)
    asker = Asker(store)
    questions = list(EXAMPLES.values())
    for question in questions:  # warm: entity labels cached, RocksDB blocks read
        asker.ask(question)
    latencies = []
    slowest: dict[str, float] = {}
    for _ in range(rounds):
        for question in questions:
            elapsed, _ = _timed(lambda: asker.ask(question))
            latencies.append(elapsed * 1000)
            slowest[question] = max(slowest.get(question, 0.0), elapsed * 1000)
    p50, p95 = statistics.median(latencies), percentile(latencies, 0.95)
    worst = max(slowest, key=slowest.get)
    print(f"questions: {len(latencies)} asks on {store.triple_count():,} triples: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
          f"(goals 30 / 100 ms); slowest: {worst!r} {slowest[worst]:.0f} ms")

    # rdflib: the same queries, each run `rdflib_runs` times, within `rdflib_budget` seconds in all
    queries = [bound_query(intent, bindings) for intent, bindings in TEMPLATES for _ in range(rdflib_runs)]
    parsed, answers = run_queries(dump, queries, rdflib_budget)
    print(f"questions: rdflib parsed the dump in {parsed:.0f} s")
    ratios, bounded = [], False
    for k, (intent, bindings) in enumerate(TEMPLATES):
        query = bound_query(intent, bindings)
        ox_times = [_timed(lambda: list(store.query(query)))[0] for _ in range(5)]
        rows = len(list(store.query(query)))
        mine = answers[k * rdflib_runs:(k + 1) * rdflib_runs]
        if not mine:
            print(f"  {intent}: {rows} rows; Oxigraph {statistics.median(ox_times) * 1000:.1f} ms; rdflib not run "
                  "(budget spent)")
            continue
        unfinished = not all(a["finished"] for a in mine)
        bounded |= unfinished
        rd = statistics.median(a["seconds"] for a in mine)
        ratio = rd / statistics.median(ox_times)
        ratios.append(ratio)
        print(f"  {intent}: {rows} rows (rdflib {mine[0]['rows']}); Oxigraph {statistics.median(ox_times) * 1000:.1f} "
              f"ms, rdflib {'> ' if unfinished else ''}{rd * 1000:,.0f} ms -> {'>= ' if unfinished else ''}{ratio:,.0f}x")
    geo = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
    print(f"questions: ask_p50_ms {p50:.1f}, ask_p95_ms {p95:.1f}, ask_vs_rdflib {'>= ' if bounded else ''}{geo:,.0f}x "
          "(geometric mean over the templates rdflib ran)")
    return {"ask_p50_ms": round(p50, 2), "ask_p95_ms": round(p95, 2), "ask_vs_rdflib": round(geo, 1)}
