"""SPARQL over HTTP: queries/s with 8 concurrent clients on a fixed query mix (the question templates with bound
IRIs, LIMIT 200), against our API's /sparql (`crmkg serve`, CRMKG_STORE = the large store), raw
`oxigraph serve-read-only --union-default-graph` on the same store (our upper bound), and rdflib-endpoint serving
the same quads from rdflib's in-memory store. Goals: >= 10x rdflib-endpoint, >= 0.7x oxigraph serve.

Every server runs on a free 127.0.0.1 port, one at a time; the clients are asyncio tasks in this process."""
from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx

from bench.questions import TEMPLATES, bound_query
from bench.servers import BIN, Server, free_port

CLIENTS = 8


def query_mix() -> list[str]:
    return [bound_query(intent, bindings, limit=200) for intent, bindings in TEMPLATES]


async def _client(http: httpx.AsyncClient, url: str, queries: list[str], offset: int, window: dict) -> None:
    i = offset
    while not window["over"]():
        query = queries[i % len(queries)]
        i += 1
        try:
            response = await http.post(url, data={"query": query},
                                       headers={"Accept": "application/sparql-results+json"})
            ok = response.status_code == 200 and b'"bindings"' in response.content
        except httpx.HTTPError:
            ok = False
        window["ok" if ok else "errors"].append(time.monotonic() - window["start"])


async def _load(url: str, queries: list[str], seconds: float, max_seconds: float,
                min_ok: int) -> tuple[int, int, float]:
    """(completed, errors, elapsed): the clients run for `seconds`, longer (up to `max_seconds`) until `min_ok`
    queries have completed, so that a slow server is measured on whole queries rather than reported as zero."""
    window: dict = {"ok": [], "errors": [], "start": time.monotonic()}
    window["over"] = lambda: (time.monotonic() - window["start"] >= seconds and len(window["ok"]) >= min_ok) \
        or time.monotonic() - window["start"] >= max_seconds
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(timeout=max_seconds, limits=limits) as http:
        tasks = [asyncio.create_task(_client(http, url, queries, k, window)) for k in range(CLIENTS)]
        while not window["over"]():
            await asyncio.sleep(0.05)
        elapsed = time.monotonic() - window["start"]
        for task in tasks:  # a request still running at the end does not count
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    completed = sum(1 for t in window["ok"] if t <= elapsed)
    return completed, sum(1 for t in window["errors"] if t <= elapsed), elapsed


def measure(name: str, url: str, seconds: float, max_seconds: float = 300.0, min_ok: int = CLIENTS,
            warm: bool = True) -> tuple[float, bool]:
    """(queries/s, bounded): `bounded` when no query finished within `max_seconds`, and the rate given is the
    upper bound 1 / elapsed."""
    queries = query_mix()
    for query in queries if warm else []:  # warm up, and check that the server answers the mix
        response = httpx.post(url, data={"query": query}, headers={"Accept": "application/sparql-results+json"},
                              timeout=600)
        if response.status_code != 200:
            raise RuntimeError(f"{name} answered {response.status_code}: {response.text[:300]}")
    completed, errors, elapsed = asyncio.run(_load(url, queries, seconds, max_seconds, min_ok))
    rate = max(completed, 1) / elapsed
    print(f"  {name}: {completed} queries in {elapsed:.1f} s with {CLIENTS} clients = "
          f"{'< ' if not completed else ''}{rate:,.2f} queries/s" + (f" ({errors} errors)" if errors else ""))
    return rate, not completed


def run(store_dir: Path, dump: Path, seconds: float, rdflib_budget: float) -> dict:
    print(f"SPARQL over HTTP ({CLIENTS} clients, {seconds:g} s each):")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with Server([str(BIN / "crmkg"), "serve", "--store", str(store_dir), "--host", "127.0.0.1", "--port", str(port)],
                base + "/health", env={"CRMKG_STORE": str(store_dir)}):
        ours, _ = measure("crmkg serve /sparql", base + "/sparql", seconds)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with Server([str(BIN / "oxigraph"), "serve-read-only", "--location", str(store_dir), "--bind",
                 f"127.0.0.1:{port}", "--union-default-graph"], base + "/"):
        oxigraph, _ = measure("oxigraph serve", base + "/query", seconds)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    with Server([str(BIN / "rdflib-endpoint"), "serve", str(dump), "--host", "127.0.0.1", "--port", str(port)],
                base + "/", timeout=1200):
        print(f"  (rdflib-endpoint loaded the dump in {time.perf_counter() - started:.0f} s)")
        # no warm-up (one pass of the mix can take rdflib minutes on the large store); done at the first answer
        rdflib, bounded = measure("rdflib-endpoint", base + "/", seconds, max_seconds=rdflib_budget, min_ok=1,
                                  warm=False)
    vs_rdflib, vs_oxigraph = ours / rdflib, ours / oxigraph
    print(f"SPARQL over HTTP: sparql_vs_rdflib_endpoint {'>= ' if bounded else ''}{vs_rdflib:,.1f}x (goal >= 10), "
          f"sparql_vs_oxigraph_serve {vs_oxigraph:.2f}x (goal >= 0.7)")
    return {"sparql_vs_rdflib_endpoint": round(vs_rdflib, 1), "sparql_vs_oxigraph_serve": round(vs_oxigraph, 3)}
