"""rdflib's in-memory engine as a baseline, in a child process so that a query that runs for minutes can be cut off.

`run_queries(dump, queries, budget)` starts `python -m bench.rdflib_baseline DUMP`, which parses the N-Quads into an
rdflib Dataset (default graph = union, as in our store) and then times each query sent on its standard input. The
parent stops waiting when `budget` seconds of querying have passed: the query still running is reported with the
time it had run so far as a lower bound (`finished: False`), later queries are not run."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.servers import ROOT


def run_queries(dump: Path, queries: list[str], budget: float, load_timeout: float = 900.0) -> tuple[float, list[dict]]:
    """(seconds to parse the dump, one {"seconds", "rows", "finished"} per query that was started)."""
    child = subprocess.Popen([sys.executable, "-m", "bench.rdflib_baseline", str(dump)], cwd=ROOT, text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    lines: list[str] = []
    arrived = threading.Condition()

    def read() -> None:
        assert child.stdout is not None
        for line in child.stdout:
            with arrived:
                lines.append(line)
                arrived.notify()

    threading.Thread(target=read, daemon=True).start()

    def next_line(timeout: float) -> str | None:
        with arrived:
            arrived.wait_for(lambda: lines, timeout=timeout)
            return lines.pop(0) if lines else None

    try:
        loaded = next_line(load_timeout)
        if loaded is None:
            raise RuntimeError(f"rdflib did not parse {dump} within {load_timeout:g} s")
        parse_seconds = json.loads(loaded)["parsed_seconds"]
        results: list[dict] = []
        deadline = time.monotonic() + budget
        assert child.stdin is not None
        for query in queries:
            started = time.monotonic()
            child.stdin.write(json.dumps(query) + "\n")
            child.stdin.flush()
            answer = next_line(max(0.0, deadline - started))
            if answer is None:
                results.append({"seconds": time.monotonic() - started, "rows": None, "finished": False})
                break
            results.append({**json.loads(answer), "finished": True})
        return parse_seconds, results
    finally:
        child.kill()
        child.wait(timeout=30)


def main() -> None:
    from rdflib import Dataset

    started = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(sys.argv[1], format="nquads")
    print(json.dumps({"parsed_seconds": time.perf_counter() - started, "triples": len(dataset)}), flush=True)
    for line in sys.stdin:
        query = json.loads(line)
        started = time.perf_counter()
        rows = len(list(dataset.query(query)))
        print(json.dumps({"seconds": time.perf_counter() - started, "rows": rows}), flush=True)


if __name__ == "__main__":
    main()
