"""Serving memory: resident memory of `crmkg serve` (the server and its query worker processes) on the large store
after a mix of questions, SPARQL queries and page views. Goal <= 1 GiB."""
from __future__ import annotations

from pathlib import Path

import httpx

from bench.servers import BIN, Server, free_port
from bench.sparql_http import query_mix
from kg.ask import EXAMPLES

PAGES = ["/", "/documents", "/contradictions", "/entities/country/CN", "/entities/material/gallium"]


def run(store_dir: Path, rounds: int) -> dict:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with Server([str(BIN / "crmkg"), "serve", "--store", str(store_dir), "--host", "127.0.0.1", "--port", str(port)],
                base + "/health", env={"CRMKG_STORE": str(store_dir)}) as server:
        idle = server.rss_mib()
        statuses: dict[int, int] = {}
        with httpx.Client(base_url=base, timeout=120) as http:
            for _ in range(rounds):
                for question in EXAMPLES.values():
                    response = http.get("/ask", params={"q": question})
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                for query in query_mix():
                    response = http.post("/sparql", data={"query": query})
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                for page in PAGES:
                    response = http.get(page, headers={"Accept": "text/html"})
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        rss = server.rss_mib()
    print(f"serve memory: {sum(statuses.values())} requests (status {statuses}); crmkg serve and its query workers: "
          f"{idle:,.0f} MiB idle, {rss:,.0f} MiB after the mix -> serve_1m_rss_mib {rss:,.0f} (goal <= 1024)")
    return {"serve_1m_rss_mib": round(rss, 1)}
