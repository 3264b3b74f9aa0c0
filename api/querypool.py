"""SPARQL queries in worker processes, so that a runaway query can be stopped.

pyoxigraph cannot cancel a query in-process, so each query runs in one of a few spawned worker processes that
open the store read-only; when the time limit passes the worker is killed and replaced, and the server keeps
answering. Results are capped at a row (or triple) limit while they are read, before they are serialised."""
from __future__ import annotations

import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from api import errors as api_errors
from kg import errors as kg_errors

DEFAULT_TIMEOUT = 10.0
DEFAULT_LIMIT = 10_000
DEFAULT_WORKERS = 2
STARTUP_TIMEOUT = 60.0
ROOT = Path(__file__).resolve().parent.parent


def _env_number(name: str, default: float, cast=float):
    try:
        value = cast(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


def query_timeout() -> float:
    """Seconds a query may run: CRMKG_QUERY_TIMEOUT (default 10)."""
    return _env_number("CRMKG_QUERY_TIMEOUT", DEFAULT_TIMEOUT)


def result_limit() -> int:
    """Rows (SELECT) or triples (CONSTRUCT/DESCRIBE) a query may return: CRMKG_RESULT_LIMIT (default 10,000)."""
    return int(_env_number("CRMKG_RESULT_LIMIT", DEFAULT_LIMIT, int))


@dataclass
class Job:
    store: str
    query: str
    results_media: str | None  # wanted media type for SELECT/ASK (None: JSON)
    graph_media: str | None  # wanted media type for CONSTRUCT/DESCRIBE (None: Turtle)
    limit: int
    default_graphs: list[str] | None = None  # the protocol's default-graph-uri (None: union of all named graphs)
    named_graphs: list[str] | None = None  # the protocol's named-graph-uri


@dataclass
class Outcome:
    form: str  # "select", "ask" or "graph"
    media_type: str
    body: bytes


# -- the worker side --------------------------------------------------------------------------------------------
def _term_json(term) -> dict:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype and term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _term_json(term.subject),
                                            "predicate": _term_json(term.predicate),
                                            "object": _term_json(term.object)}}
    raise TypeError(f"unexpected term {term!r}")


def execute(job: Job) -> Outcome:
    """Run one query against the store at `job.store` (opened read-only) and serialise its result.

    While an ingest writes, a table file the read-only handle lists may be deleted by the writer's compaction
    ("No such file or directory"): the store is then reopened on the current files and the query rerun, with a
    short backoff (OxigraphStore._reopened_after, as OxigraphStore.select does)."""
    from kg.store import open_store

    store = open_store(job.store, read_only=True)
    reopened_after = getattr(store, "_reopened_after", None)  # not on a remote store
    attempt = 0
    while True:
        try:
            return _evaluate(store, job)
        except (OSError, RuntimeError) as exc:
            if reopened_after is not None and reopened_after(exc, attempt):
                attempt += 1
                time.sleep(0.01 * 2**attempt)
                continue
            raise kg_errors.QueryError(f"the query failed: {exc}") from exc
        except ValueError as exc:  # evaluation errors, raised while iterating
            raise kg_errors.QueryError(f"the query failed: {exc}") from exc


def _too_many(what: str, limit: int) -> api_errors.ResultLimitExceeded:
    return api_errors.ResultLimitExceeded(
        f"the query returns more than {limit:,} {what}: narrow it or add LIMIT {limit} "
        "(the server's limit is CRMKG_RESULT_LIMIT)", limit=limit)


def _evaluate(store, job: Job) -> Outcome:
    import pyoxigraph as ox

    from api.negotiation import GRAPHS, RESULTS
    from kg.namespaces import PREFIXES

    if job.default_graphs or job.named_graphs:
        try:
            result = store.db.query(
                job.query, default_graph=[ox.NamedNode(g) for g in job.default_graphs] if job.default_graphs else None,
                named_graphs=[ox.NamedNode(g) for g in job.named_graphs] if job.named_graphs else None,
                use_default_graph_as_union=not job.default_graphs)
        except SyntaxError as exc:
            raise kg_errors.QueryError(f"malformed SPARQL: {exc}") from exc
    else:
        result = store.query(job.query)  # QueryError with the parser's message when malformed
    if isinstance(result, ox.QueryTriples):
        triples = []
        for triple in result:
            if len(triples) >= job.limit:
                raise _too_many("triples", job.limit)
            triples.append(triple)
        media = job.graph_media or "text/turtle"
        fmt = GRAPHS[media]
        if fmt.supports_datasets:
            triples = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
        prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
        return Outcome("graph", media, ox.serialize(triples, format=fmt, prefixes=prefixes))
    media = job.results_media or "application/sparql-results+json"
    if isinstance(result, ox.QueryBoolean):
        return Outcome("ask", media, result.serialize(format=RESULTS[media]))
    variables = [v.value for v in result.variables]
    rows = []
    for solution in result:
        if len(rows) >= job.limit:
            raise _too_many("rows", job.limit)
        rows.append({name: _term_json(solution[name]) for name in variables if solution[name] is not None})
    # no way to build QuerySolutions from rows: write the JSON, and let pyoxigraph re-serialise it when needed
    body = json.dumps({"head": {"vars": variables}, "results": {"bindings": rows}}, ensure_ascii=False).encode()
    if media != "application/sparql-results+json":
        body = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON).serialize(format=RESULTS[media])
    return Outcome("select", media, body)


def serve(conn) -> None:
    """Worker loop: "ready" once imported, then one Job in, ("ok", Outcome) or ("error", class, message, details) out."""
    import pyoxigraph  # noqa: F401 - imported before "ready", so start-up does not count against a query's time

    import kg.store  # noqa: F401

    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):  # the server went away
            return
        try:
            conn.send(("ok", execute(job)))
        except kg_errors.CrmkgError as exc:
            conn.send(("error", type(exc).__name__, exc.message, exc.details))
        except Exception as exc:  # noqa: BLE001 - reported to the caller as an internal error
            conn.send(("error", "InternalError", f"{type(exc).__name__}: {exc}", {}))


# -- the server side --------------------------------------------------------------------------------------------
ERROR_TYPES = {cls.__name__: cls for module in (kg_errors, api_errors) for cls in vars(module).values()
               if isinstance(cls, type) and issubclass(cls, kg_errors.CrmkgError)}


class _Worker:
    """One `python -m api.queryworker` process, talking over a socket pair (a plain subprocess, not
    multiprocessing: that would re-import the server's __main__ in every worker)."""

    def __init__(self) -> None:
        parent, child = socket.socketpair()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        self.process = subprocess.Popen([sys.executable, "-m", "api.queryworker", str(child.fileno())],
                                        pass_fds=[child.fileno()], env=env, stdin=subprocess.DEVNULL)
        child.close()
        self.conn = Connection(parent.detach())
        self.ready = False

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT) -> None:
        if not self.ready:
            if not self.conn.poll(timeout) or self.conn.recv() != "ready":
                raise OSError(f"the query worker did not start within {timeout:g} s")
            self.ready = True

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(5)
        self.conn.close()


class QueryPool:
    """A few worker processes; `run` waits at most `timeout` seconds, then kills the worker and replaces it."""

    def __init__(self, size: int = DEFAULT_WORKERS) -> None:
        self.size = size
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._started = False
        self._closed = False

    def _spawn(self) -> None:
        worker = _Worker()
        with self._lock:
            self._all.add(worker)
        self._idle.put(worker)

    def _retire(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.stop()
        if not self._closed:
            self._spawn()

    def start(self) -> None:
        """Start the workers (they import in the background); later calls do nothing."""
        with self._lock:
            start, self._started = not self._started, True
        for _ in range(self.size if start else 0):
            self._spawn()

    def run(self, job: Job, timeout: float) -> Outcome:
        self.start()
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise api_errors.Busy(f"all {self.size} query workers stayed busy for {timeout:g} s; retry later") from None
        try:
            worker.wait_ready()
            worker.conn.send(job)
            ready = worker.conn.poll(timeout)
            reply = worker.conn.recv() if ready else None
        except (EOFError, OSError, BrokenPipeError) as exc:
            self._retire(worker)
            raise api_errors.InternalError(f"the query worker died: {exc}") from exc
        if reply is None:
            self._retire(worker)
            raise api_errors.QueryTimeout(
                f"the query ran longer than {timeout:g} s and was stopped: narrow it, add LIMIT, or raise "
                "CRMKG_QUERY_TIMEOUT on the server", timeout=timeout)
        self._idle.put(worker)
        if reply[0] == "ok":
            return reply[1]
        _, name, message, details = reply
        error = ERROR_TYPES.get(name, api_errors.InternalError)(message)
        error.details = details
        raise error

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers, self._all = list(self._all), set()
        for worker in workers:
            worker.stop()


_pool: QueryPool | None = None
_pool_lock = threading.Lock()


def pool() -> QueryPool:
    """The process-wide pool, started on first use with CRMKG_QUERY_WORKERS workers (default 2)."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool._closed:
            _pool = QueryPool(int(_env_number("CRMKG_QUERY_WORKERS", DEFAULT_WORKERS, int)))
        return _pool


def close_pool() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.close()
            _pool = None
