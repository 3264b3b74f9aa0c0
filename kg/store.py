"""Store backends. The default is embedded Oxigraph on disk (one writer, many readers); queries always run on
Oxigraph with the union of all named graphs as the default graph, never on rdflib's engine."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import QueryError, StoreError
from kg.lock import WriterLock
from kg.namespaces import CRM, SPARQL_PREFIXES

DEFAULT_STORE = "./crmkg-data"


def store_location(store: str | None) -> str:
    return store or os.environ.get("CRMKG_STORE") or DEFAULT_STORE


class OxigraphStore:
    """Embedded Oxigraph. `path=None` keeps everything in memory (tests)."""

    def __init__(self, path: str | None = None, read_only: bool = False) -> None:
        self.path = path
        self.lock: WriterLock | None = None
        try:
            if path is None:
                self.db = ox.Store()
            elif read_only:
                if not Path(path, "CURRENT").exists():
                    raise StoreError(f"no store at {path}: run `crmkg ingest --store {path} corpus/` first", path=path)
                self.db = _open_read_only(path)
            else:
                Path(path).mkdir(parents=True, exist_ok=True)
                # Our lock before RocksDB's own LOCK: a second writer fails at once with the holder's PID.
                self.lock = WriterLock(path)
                self.db = ox.Store(path)
        except OSError as exc:
            if self.lock is not None:
                self.lock.release()
            if "lock" in str(exc).lower():
                raise StoreError(f"the store at {path} is locked by another writer (an ingest or server is running); "
                                 "wait for it to finish or use another --store", path=path) from exc
            raise StoreError(f"cannot open the store at {path}: {exc}", path=path) from exc
        self.read_only = read_only

    # -- reading ------------------------------------------------------------------------------------------------
    def query(self, sparql: str, substitutions: dict | None = None, union: bool = True):
        """Run a SPARQL query; raise QueryError with the parser's message when it is malformed."""
        try:
            return self.db.query(sparql, use_default_graph_as_union=union, substitutions=substitutions)
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL: {exc}") from exc

    def select(self, sparql: str, **bindings: str) -> list[dict[str, object]]:
        """SELECT with our prefixes; bindings are IRIs bound with VALUES-like substitution (never pasted text)."""
        query = SPARQL_PREFIXES + sparql + values_clause(bindings)
        for attempt in range(3):
            result = solution = None
            try:
                result = self.query(query)
                names = [v.value for v in result.variables]
                rows = []
                for solution in result:  # a plain loop: a comprehension's frame would keep the iterator alive
                    rows.append({n: _py(solution[n]) for n in names})
                return rows
            except (OSError, RuntimeError) as exc:
                if not self._reopened_after(exc, attempt):
                    raise
            finally:
                # pyoxigraph's results must be dropped on this thread: kept alive by an exception's traceback,
                # they were collected on another one, raising "unsendable" there (seen with bench/load.py).
                del result, solution
        raise AssertionError("unreachable")

    def _reopened_after(self, exc: Exception, attempt: int) -> bool:
        """A read-only opening reads table files lazily, and a writer's compaction may delete one first: reopen
        (on the files now current) and let the caller retry, twice at most."""
        if not (self.read_only and self.path and attempt < 2 and "No such file or directory" in str(exc)):
            return False
        self.db = _open_read_only(self.path)
        return True

    def document_hash(self, doc_iri: str) -> str | None:
        rows = self.select(f"SELECT ?h WHERE {{ GRAPH ?doc {{ ?doc crm:contentHash ?h }} }}", doc=doc_iri)
        return rows[0]["h"] if rows else None

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self.db.named_graphs())

    def triple_count(self) -> int:
        return len(self.db)

    # -- writing ------------------------------------------------------------------------------------------------
    def replace_graph(self, graph_iri: str, graph: Graph) -> None:
        """Atomically replace one named graph with `graph` (one SPARQL update = one transaction)."""
        self._writable()
        body = graph.serialize(format="nt")
        self.db.update(f"DROP SILENT GRAPH <{graph_iri}> ;\nINSERT DATA {{ GRAPH <{graph_iri}> {{\n{body}\n}} }}")

    def drop_graph(self, graph_iri: str) -> None:
        self._writable()
        self.db.update(f"DROP SILENT GRAPH <{graph_iri}>")

    def update(self, sparql: str) -> None:
        self._writable()
        self.db.update(SPARQL_PREFIXES + sparql)

    def flush(self) -> None:
        if self.path and not self.read_only:
            self.db.flush()

    def dump(self, output, format: ox.RdfFormat = ox.RdfFormat.N_QUADS) -> None:
        self.db.dump(output, format=format)

    def load(self, input, format: ox.RdfFormat = ox.RdfFormat.N_QUADS) -> None:
        self._writable()
        self.db.bulk_load(input, format=format)

    def close(self) -> None:
        """Flush, close the database and release the writer lock (the store object is unusable afterwards)."""
        try:
            self.flush()
        finally:
            del self.db
            if self.lock is not None:
                self.lock.release()
                self.lock = None

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError("this store was opened read-only")


def _open_read_only(path: str, attempts: int = 8) -> ox.Store:
    """ox.Store.read_only, retried when a writer's compaction deleted a table file between the reader reading the
    MANIFEST and opening the files it lists (RuntimeError "... No such file or directory"); seen under load in
    bench/load.py with an ingest running. Once open, the reader holds its files, so later deletions are harmless."""
    for attempt in range(attempts):
        try:
            return ox.Store.read_only(path)
        except (OSError, RuntimeError) as exc:
            if "No such file or directory" not in str(exc) or attempt == attempts - 1:
                raise StoreError(f"cannot open the store at {path} for reading: {exc}", path=path) from exc
            time.sleep(0.005 * 2**attempt)
    raise AssertionError("unreachable")


def values_clause(bindings: dict[str, str | list[str]]) -> str:
    """A trailing VALUES clause binding variables to IRIs; each IRI is checked (ox.NamedNode), never pasted raw.

    >>> values_clause({"m": "https://w3id.org/crmkg/id/material/gallium"})
    '\\nVALUES (?m) { (<https://w3id.org/crmkg/id/material/gallium>) }'
    """
    if not bindings:
        return ""
    names = list(bindings)
    columns = [v if isinstance(v, list) else [v] for v in bindings.values()]
    rows = []
    for combo in zip(*columns) if all(len(c) == len(columns[0]) for c in columns) else []:
        rows.append("(" + " ".join(str(ox.NamedNode(iri)) for iri in combo) + ")")
    return f"\nVALUES ({' '.join('?' + n for n in names)}) {{ {' '.join(rows)} }}"


def _py(term) -> object:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value if term.datatype else ""
        if dt.endswith(("#integer", "#int")):
            return int(term.value)
        if dt.endswith(("#decimal", "#double", "#float")):
            return float(term.value)
        if dt.endswith("#boolean"):
            return term.value == "true"
        return term.value
    return term.value


def open_store(store: str | None = None, read_only: bool = False) -> OxigraphStore:
    """Open the store named by `--store`, CRMKG_STORE or ./crmkg-data; ':memory:' is an in-memory store; an
    http(s) URL is a remote SPARQL 1.1 store (kg/remote.py, docs/stores.md) with the same methods."""
    location = store_location(store)
    if location == ":memory:":
        return OxigraphStore(None)
    if location.startswith(("http://", "https://")):
        from kg.remote import RemoteStore

        return RemoteStore.from_location(location, read_only=read_only)  # type: ignore[return-value]
    return OxigraphStore(location, read_only=read_only)


__all__ = ["CRM", "OxigraphStore", "open_store", "store_location"]
