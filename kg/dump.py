"""Dump a store to one N-Quads file (every named graph) and restore it, quad for quad.

A dump read from a read-only opening is a consistent snapshot, so it can run while an ingest writes. A restore
checks the whole file parses before it touches the store, so a truncated or corrupt dump leaves the store as it
was. (N-Quads cannot carry an empty named graph; crmkg never keeps one: dropping a document drops its graph.)"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import StoreError
from kg.store import OxigraphStore  # or kg.remote.RemoteStore: the same dump/load/update methods


@dataclass
class DumpSummary:
    path: str
    quads: int
    graphs: int

    def to_dict(self) -> dict:
        return {"path": self.path, "quads": self.quads, "graphs": self.graphs}


def dump(store: OxigraphStore, path: str | Path) -> DumpSummary:
    """Write every quad of `store` to `path` as N-Quads (written to a temporary file, then renamed into place)."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    try:
        store.dump(str(partial), format=ox.RdfFormat.N_QUADS)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(f"cannot write the dump {path}: {exc}", path=path) from exc
    return DumpSummary(str(path), *_count(path))


def restore(store: OxigraphStore, path: str | Path, force: bool = False) -> DumpSummary:
    """Load the N-Quads dump at `path` into `store`, which must be empty unless `force` (then it is cleared first).

    The file is parsed to its end before anything is written: a broken dump raises StoreError and changes nothing.
    """
    path = Path(path)
    if not path.is_file():
        raise StoreError(f"no dump at {path}: give the file written by `crmkg dump`", path=path)
    try:
        quads, graphs = _count(path)
    except SyntaxError as exc:
        raise StoreError(f"{path} is not valid N-Quads ({exc}); nothing was restored", path=path) from exc
    existing = store.triple_count()
    if existing and not force:
        raise StoreError(f"the store at {store.path or ':memory:'} is not empty ({existing} quads); restore into an "
                         "empty store, or pass --force to replace its contents", path=store.path or ":memory:")
    store._writable()
    if existing:
        store.update("CLEAR ALL")
    with path.open("rb") as handle:
        store.load(handle, format=ox.RdfFormat.N_QUADS)
    store.flush()
    return DumpSummary(str(path), quads, graphs)


def _count(path: Path) -> tuple[int, int]:
    """(quads, named graphs) in an N-Quads file; raises SyntaxError at the first malformed line."""
    quads, graphs = 0, set()
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
        quads += 1
        if not isinstance(quad.graph_name, ox.DefaultGraph):
            graphs.add(quad.graph_name)
    return quads, len(graphs)
