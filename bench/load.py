"""Load test on loopback: N concurrent clients for T seconds mixing /ask, /sparql and page views while an ingest
writes to the same store; prints the error rate, p50 and p95.

    .venv/bin/python bench/load.py                          # 50 clients x 60 s (the figures in README.md)
    .venv/bin/python bench/load.py --clients 10 --seconds 10 --json

It works on a scratch store (a copy of --from-store, or corpus/ ingested afresh), starts `crmkg serve` on a free
loopback port, and keeps `crmkg ingest` running on that store the whole time (alternating two versions of a
generated corpus, so every run writes). An error is any status >= 400, a timeout or a dropped connection.
Bounded: at most 200 clients and 600 s; it refuses any server that is not on loopback."""
from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
CRMKG = str(Path(sys.executable).parent / "crmkg")
MAX_CLIENTS, MAX_SECONDS = 200, 600
QUESTIONS = [
    "Who dominates the processing of rare earth elements?", "Which materials does China produce?",
    "Which agreements is Japan party to?", "What does the EU depend on China for?",
    "Which materials are not recycled?", "What are the EU's 2030 targets?", "Tell me about gallium",
    "Welke landen leveren kobalt?", "Do sources disagree about cobalt?",
]
QUERIES = [
    "SELECT ?st ?r WHERE { ?st <https://w3id.org/crmkg/ontology#relation> ?r } LIMIT 20",
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT ?d ?t WHERE { ?d a <https://w3id.org/crmkg/ontology#Document> ; <http://purl.org/dc/terms/title> ?t }",
]
PAGES = ["/", "/?q=Who+dominates+the+processing+of+rare+earth+elements%3F", "/documents", "/contradictions"]


def request_mix(rng: random.Random) -> tuple[str, str, dict]:
    """(kind, path, params): 40% questions, 30% SPARQL, 30% pages."""
    roll = rng.random()
    if roll < 0.4:
        return "ask", "/ask", {"q": rng.choice(QUESTIONS)}
    if roll < 0.7:
        return "sparql", "/sparql", {"query": rng.choice(QUERIES)}
    return "page", rng.choice(PAGES), {}


async def client(http: httpx.AsyncClient, seed: int, until: float, results: list) -> None:
    rng = random.Random(seed)
    while time.monotonic() < until:
        kind, path, params = request_mix(rng)
        started = time.monotonic()
        try:
            response = await http.get(path, params=params, headers={"accept": "application/json" if kind != "page"
                                                                    else "text/html"})
            error = None if response.status_code < 400 else f"{response.status_code} {path}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__} {path}"
        results.append((kind, time.monotonic() - started, error))


async def run_clients(base_url: str, clients: int, seconds: float, timeout: float) -> list:
    results: list = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base_url, timeout=timeout, limits=limits) as http:
        until = time.monotonic() + seconds
        await asyncio.gather(*(client(http, seed, until, results) for seed in range(clients)))
    return results


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def summarise(results: list, seconds: float) -> dict:
    errors = [e for _, _, e in results if e]
    figures = {"requests": len(results), "errors": len(errors), "error_rate": len(errors) / max(1, len(results)),
               "requests_per_s": round(len(results) / seconds, 1),
               "p50_ms": round(1000 * percentile([t for _, t, _ in results], 0.5), 1),
               "p95_ms": round(1000 * percentile([t for _, t, _ in results], 0.95), 1), "by_kind": {},
               "error_examples": sorted(set(errors))[:10]}
    for kind in ("ask", "sparql", "page"):
        times = [t for k, t, _ in results if k == kind]
        figures["by_kind"][kind] = {"requests": len(times), "errors": sum(1 for k, _, e in results if k == kind and e),
                                    "p50_ms": round(1000 * percentile(times, 0.5), 1),
                                    "p95_ms": round(1000 * percentile(times, 0.95), 1)}
    return figures


def generate_corpus(folder: Path, version: str, documents: int = 20) -> Path:
    """Copies of corpus/ under their own names; version B edits every fourth one, so each run replaces graphs."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = sorted(p for p in (ROOT / "corpus").glob("*.md") if p.name.lower() != "readme.md")
    for k in range(documents):
        source = sources[k % len(sources)]
        edition = f"{k}b" if version == "B" and k % 4 == 0 else str(k)
        text = source.read_text(encoding="utf-8").replace("---\n", f"---\nedition: load-{edition}\n", 1)
        (folder / f"load_{source.stem}_{k:02d}.md").write_text(text, encoding="utf-8")
    return folder


async def keep_ingesting(store: Path, corpora: list[Path], stop: asyncio.Event) -> dict:
    """Run `crmkg ingest` back to back until `stop`; the run still going then is waited for."""
    runs = {"completed": 0, "failed": 0, "failures": []}
    version = 0
    while not stop.is_set():
        process = await asyncio.create_subprocess_exec(CRMKG, "ingest", "--store", str(store), str(corpora[version]),
                                                       stdout=asyncio.subprocess.DEVNULL,
                                                       stderr=asyncio.subprocess.PIPE)
        _, errors = await process.communicate()
        if process.returncode == 0:
            runs["completed"] += 1
        else:
            runs["failed"] += 1
            runs["failures"].append(errors.decode(errors="replace")[-500:])
        version = 1 - version
    return runs


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(base_url: str, server: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        try:
            if httpx.get(base_url + "/health", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"the server at {base_url} did not answer /health within {timeout:.0f} s")


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def measure(base_url: str, store: Path | None, scratch: Path, clients: int, seconds: float,
                  timeout: float) -> dict:
    stop = asyncio.Event()
    ingesting = None
    if store is not None:
        corpora = [generate_corpus(scratch / f"corpus_{v}", v) for v in "AB"]
        ingesting = asyncio.create_task(keep_ingesting(store, corpora, stop))
        await asyncio.sleep(1.0)  # let the first ingest take the writer lock before the clients start
    started = time.monotonic()
    results = await run_clients(base_url, clients, seconds, timeout)
    elapsed = time.monotonic() - started
    stop.set()
    figures = summarise(results, elapsed)
    figures.update(clients=clients, seconds=round(elapsed, 1))
    figures["ingest"] = await ingesting if ingesting else None
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--timeout", type=float, default=30, help="per request, seconds")
    parser.add_argument("--from-store", help="copy this store as the starting point (default: ingest corpus/)")
    parser.add_argument("--url", help="measure a server already running on loopback (no ingest is started)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument("--server-log", help="write the server's output to this file (default: discarded)")
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= MAX_CLIENTS or not 0 < args.seconds <= MAX_SECONDS:
        parser.error(f"--clients must be 1..{MAX_CLIENTS} and --seconds 0..{MAX_SECONDS}")
    if args.url and not is_loopback(args.url):
        parser.error("the load test only runs against loopback (127.0.0.1, ::1, localhost)")

    with tempfile.TemporaryDirectory(prefix="crmkg-load-") as tmp:
        scratch = Path(tmp)
        server = None
        store = None
        try:
            if args.url:
                base_url = args.url.rstrip("/")
            else:
                store = scratch / "store"
                if args.from_store:
                    shutil.copytree(args.from_store, store, ignore=shutil.ignore_patterns("crmkg.lock"))
                else:
                    subprocess.run([CRMKG, "ingest", "--store", str(store), str(ROOT / "corpus")], check=True,
                                   stdout=subprocess.DEVNULL)
                port = free_port()
                base_url = f"http://127.0.0.1:{port}"
                log = open(args.server_log, "w") if args.server_log else subprocess.DEVNULL
                server = subprocess.Popen([CRMKG, "serve", "--store", str(store), "--host", "127.0.0.1",
                                           "--port", str(port)], stdout=log, stderr=subprocess.STDOUT,
                                          env={**os.environ, "CRMKG_STORE": str(store)})
                wait_healthy(base_url, server)
            figures = asyncio.run(measure(base_url, store, scratch, args.clients, args.seconds, args.timeout))
        finally:
            if server is not None:
                server.terminate()
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    server.kill()
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        ingest = figures["ingest"]
        print(f"{figures['clients']} clients x {figures['seconds']} s: {figures['requests']} requests "
              f"({figures['requests_per_s']}/s), errors {figures['errors']} ({100 * figures['error_rate']:.2f}%), "
              f"p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms")
        for kind, row in figures["by_kind"].items():
            print(f"  {kind:7} {row['requests']:6} requests, {row['errors']} errors, p50 {row['p50_ms']} ms, "
                  f"p95 {row['p95_ms']} ms")
        if ingest:
            print(f"  ingest runs meanwhile: {ingest['completed']} completed, {ingest['failed']} failed")
            for failure in ingest["failures"]:
                print(f"  ingest failed: {failure.strip()}")
        for example in figures["error_examples"]:
            print(f"  error: {example}")
    failed_ingest = bool(figures["ingest"] and figures["ingest"]["failed"])
    return 1 if figures["errors"] or failed_ingest else 0


if __name__ == "__main__":
    sys.exit(main())
