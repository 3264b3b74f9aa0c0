"""Bulk load: triples/s of pyoxigraph's bulk_load of an N-Quads dump into a new on-disk store (flushed). Goal
>= 100k triples/s. The store it builds is the large store the other benchmarks query."""
from __future__ import annotations

import time
from pathlib import Path

import pyoxigraph as ox


def run(dump: Path, store_dir: Path, quads: int) -> dict:
    started = time.perf_counter()
    store = ox.Store(str(store_dir))
    store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    store.flush()
    elapsed = time.perf_counter() - started
    loaded = len(store)
    del store
    if loaded != quads:
        raise RuntimeError(f"bulk load kept {loaded:,} of {quads:,} quads")
    rate = loaded / elapsed
    print(f"bulk load: {loaded:,} quads ({dump.stat().st_size / 2**20:,.0f} MiB of N-Quads) in {elapsed:.1f} s -> "
          f"bulk_load_triples_per_s {rate:,.0f} (goal >= 100,000)")
    return {"bulk_load_triples_per_s": round(rate)}
