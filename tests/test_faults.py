"""Faults: SIGKILL during ingest, two writers, readers during ingest, dump/restore, a refresh cut short.

Every ingest here is its own `crmkg` process on an on-disk store, as in production. Stores are compared quad for
quad (`snapshot`), per named graph, with a clean run of the same corpus."""
from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import StoreError
from kg.ingest import ingest
from kg.lock import LOCK_NAME, WriterLock, read_holder
from kg.namespaces import CONTRADICTIONS_GRAPH
from kg.store import OxigraphStore

from conftest import CORPUS, QUESTION, write_doc

CRMKG = str(Path(sys.executable).parent / "crmkg")
DOCUMENTS = 50
EDITED = range(0, DOCUMENTS, 5)  # the documents version "B" changes: 10 of 50
KILLS = 20


def generate_corpus(folder: Path, version: str, documents: int = DOCUMENTS) -> Path:
    """50 distinct documents from corpus/ (copies with their own file name and an edition key); in version B every
    fifth one has its first percentage raised by 3 points, so switching versions replaces 10 graphs and makes
    share contradictions with the unedited copies."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = sorted(p for p in CORPUS.glob("*.md") if p.name.lower() != "readme.md")
    for k in range(documents):
        source = sources[k % len(sources)]
        text = source.read_text(encoding="utf-8").replace("---\n", f"---\nedition: {k}\n", 1)
        if version == "B" and k in EDITED:
            text = text.replace(f"edition: {k}\n", f"edition: {k}b\n", 1)
            text = re.sub(r"(\d+)(%| procent)", lambda m: f"{int(m.group(1)) + 3}{m.group(2)}", text, count=1)
        (folder / f"{source.stem}_{k:02d}.md").write_text(text, encoding="utf-8")
    return folder


def snapshot(store_dir: Path) -> dict[str, frozenset[str]]:
    """Every quad of the store, as N-Triples lines per named graph (read-only opening: safe after a kill)."""
    db = ox.Store.read_only(str(store_dir))
    graphs: dict[str, set[str]] = {}
    for quad in db.quads_for_pattern(None, None, None, None):
        graphs.setdefault(str(quad.graph_name), set()).add(f"{quad.subject} {quad.predicate} {quad.object}")
    del db
    return {graph: frozenset(triples) for graph, triples in graphs.items()}


def start_ingest(store: Path, corpus: Path) -> subprocess.Popen:
    return subprocess.Popen([CRMKG, "ingest", "--json", "--store", str(store), str(corpus)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run_ingest(store: Path, corpus: Path) -> dict:
    process = start_ingest(store, corpus)
    out, errors = process.communicate(timeout=300)
    assert process.returncode == 0, errors
    return json.loads(out)


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> dict:
    """Both corpus versions, each ingested by one uninterrupted process into its own store (in parallel)."""
    root = tmp_path_factory.mktemp("faults")
    versions = {v: generate_corpus(root / f"corpus_{v}", v) for v in "AB"}
    started = time.monotonic()
    processes = {v: start_ingest(root / f"clean_{v}", versions[v]) for v in "AB"}
    for v, process in processes.items():
        out, errors = process.communicate(timeout=300)
        assert process.returncode == 0, errors
        summary = json.loads(out)
        assert summary["added"] == DOCUMENTS and not summary["rejected"], summary
    seconds = time.monotonic() - started
    return {"root": root, "corpus": versions, "seconds": seconds,
            "store": {v: root / f"clean_{v}" for v in "AB"}, "quads": {v: snapshot(root / f"clean_{v}") for v in "AB"}}


def _difference(state: dict[str, frozenset], expected: dict[str, frozenset], lines: int = 12) -> str:
    out = []
    for graph in sorted(state.keys() | expected.keys()):
        extra, missing = state.get(graph, frozenset()) - expected.get(graph, frozenset()), \
            expected.get(graph, frozenset()) - state.get(graph, frozenset())
        out += [f"{graph} extra: {t}" for t in sorted(extra)[:lines]]
        out += [f"{graph} missing: {t}" for t in sorted(missing)[:lines]]
    return "\n".join(out[:4 * lines])


def _log_sizes(store: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in store.glob("*.log")} if store.exists() else {}


def _wait_first_write(store: Path, process: subprocess.Popen, timeout: float) -> None:
    """Until the run's first transaction reaches the write-ahead log (a log file grows or a new one fills)."""
    before = _log_sizes(store)
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        try:
            if any(size > before.get(name, 0) for name, size in _log_sizes(store).items()):
                return
        except FileNotFoundError:  # a log file rolled away between glob and stat
            pass
        time.sleep(0.01)


def _check_all_or_nothing(state: dict[str, frozenset], before: dict[str, frozenset],
                          after: dict[str, frozenset]) -> str:
    """Each graph of a killed run's store is whole: as it was before the run or as a clean run leaves it."""
    for graph, triples in state.items():
        assert triples in (before.get(graph), after.get(graph)), f"graph {graph} is half-written"
    for graph in before.keys() & after.keys():
        assert graph in state, f"graph {graph} vanished"
    done = sum(1 for g in after if g in state and state[g] == after[g] != before.get(g))
    todo = sum(1 for g in after if state.get(g) != after[g])
    return "mid" if done and todo else "before" if not done else "after"


@pytest.mark.slow
def test_faults_sigkill_during_ingest_is_all_or_nothing_and_resumable(clean, tmp_path):
    """20 SIGKILLs at random moments: after each, every graph is whole; a rerun completes; the store then equals a
    clean run's, quad for quad. The first run starts from an empty store (adds), the others switch corpus
    version (replace 10 graphs in place)."""
    seed = int(os.environ.get("CRMKG_FAULT_SEED", random.randrange(10**6)))
    rng = random.Random(seed)
    store = tmp_path / "store"
    state: dict[str, frozenset] = {}
    version, kills, attempts, landed = "A", 0, 0, {"before": 0, "mid": 0, "after": 0}
    longest = clean["seconds"]  # the longest run seen; delays are drawn up to it
    started = time.monotonic()
    while kills < KILLS:
        attempts += 1
        assert attempts <= 2 * KILLS, f"only {kills} of {attempts} runs were still running when killed (seed {seed})"
        expected = clean["quads"][version]
        t0 = time.monotonic()
        process = start_ingest(store, clean["corpus"][version])
        if kills % 2:  # half at any moment of the run, half while it writes (10 graphs take ~1-2 s)
            _wait_first_write(store, process, longest)
            delay = rng.uniform(0, 1.2)
        else:
            delay = rng.uniform(0.3, longest)
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
        process.communicate()
        if process.returncode == 0:  # finished before the kill: not a kill; next time draw shorter delays
            longest = min(longest, time.monotonic() - t0)
        else:
            assert process.returncode == -signal.SIGKILL, process.stderr
            kills += 1
            killed = snapshot(store) if (store / "CURRENT").exists() else {}
            landed[_check_all_or_nothing(killed, state, expected)] += 1
            rerun = run_ingest(store, clean["corpus"][version])
            assert rerun["documents"] == DOCUMENTS and not rerun["rejected"], rerun
        state = snapshot(store)
        assert state == expected, f"after kill {kills} (seed {seed}) the store differs from a clean run:\n" + \
            _difference(state, expected)
        version = "B" if version == "A" else "A"
    elapsed = time.monotonic() - started
    print(f"\nkills: {kills} in {attempts} runs, {elapsed:.0f} s (seed {seed}); killed before any write: "
          f"{landed['before']}, mid-batch: {landed['mid']}, after the last document: {landed['after']}; "
          f"clean runs of {DOCUMENTS} documents: {clean['seconds']:.1f} s for two in parallel")
    assert landed["mid"] >= 1, landed


def test_faults_second_writer_fails_at_once_and_readers_go_on(tmp_path):
    """While an ingest writes: a second ingest stops at once naming the PID; `crmkg dump` and `crmkg ask` work."""
    store = tmp_path / "store"
    more = generate_corpus(tmp_path / "more", "A", documents=20)
    writer = start_ingest(store, more)
    deadline = time.monotonic() + 60
    while read_holder(store)[0] != writer.pid:
        assert writer.poll() is None and time.monotonic() < deadline, "the ingest never took the lock"
        time.sleep(0.05)
    t0 = time.monotonic()
    second = subprocess.run([CRMKG, "ingest", "--store", str(store), str(more)], capture_output=True, text=True)
    refused_in = time.monotonic() - t0
    assert second.returncode == 2
    message = " ".join(second.stderr.split())
    assert f"is locked by PID {writer.pid} (crmkg ingest" in message and "Traceback" not in message
    snapshot_file = tmp_path / "during.nq"
    dumped = subprocess.run([CRMKG, "dump", str(snapshot_file), "--store", str(store)], capture_output=True, text=True)
    assert dumped.returncode == 0, dumped.stderr  # a consistent snapshot while the writer writes
    answered = 0
    while writer.poll() is None:
        reply = subprocess.run([CRMKG, "ask", "--json", "--store", str(store), QUESTION], capture_output=True,
                               text=True)
        assert reply.returncode == 0, reply.stderr
        assert json.loads(reply.stdout)["intent"] == "suppliers_of_material"
        answered += writer.poll() is None
    out, errors = writer.communicate()
    assert writer.returncode == 0, errors
    assert json.loads(out)["added"] == 20
    assert answered >= 1, "no question was answered while the ingest ran"
    print(f"\nsecond writer refused in {refused_in:.2f} s; {answered} `crmkg ask` answered during the ingest")
    check = subprocess.run([CRMKG, "validate", "--store", str(store)], capture_output=True, text=True)
    assert check.returncode == 0 and "conforms: True" in check.stdout


def test_faults_dump_restore_round_trip(clean, tmp_path):
    source = clean["store"]["A"]
    dump_file = tmp_path / "store.nq"

    def crmkg(*args: str) -> subprocess.CompletedProcess:
        result = subprocess.run([CRMKG, *args], capture_output=True, text=True)
        result.stderr = " ".join(result.stderr.split())  # rich wraps long messages
        return result

    out = crmkg("dump", str(dump_file), "--store", str(source))
    assert out.returncode == 0, out.stderr
    expected = clean["quads"]["A"]
    assert f"dumped {sum(map(len, expected.values()))} quads in {len(expected)} named graphs" in out.stdout
    target = tmp_path / "restored"
    assert crmkg("restore", str(dump_file), "--store", str(target)).returncode == 0
    assert snapshot(target) == expected
    # A non-empty store is refused without --force and left alone; with --force it is replaced.
    other = tmp_path / "other"
    shutil.copytree(clean["store"]["B"], other)
    (other / LOCK_NAME).unlink(missing_ok=True)
    refused = crmkg("restore", str(dump_file), "--store", str(other))
    assert refused.returncode == 2 and "not empty" in refused.stderr and "--force" in refused.stderr
    assert snapshot(other) == clean["quads"]["B"]
    assert crmkg("restore", str(dump_file), "--store", str(other), "--force").returncode == 0
    assert snapshot(other) == expected
    # A truncated dump is refused before anything is written.
    broken = tmp_path / "broken.nq"
    broken.write_bytes(dump_file.read_bytes()[: dump_file.stat().st_size // 2] + b"<http://broken")
    failed = crmkg("restore", str(broken), "--store", str(other), "--force")
    assert failed.returncode == 2 and "not valid N-Quads" in failed.stderr and "nothing was restored" in failed.stderr
    assert snapshot(other) == expected


def test_faults_lock_names_holder_and_readers_skip_it(tmp_path):
    store = OxigraphStore(str(tmp_path))
    pid, command = read_holder(tmp_path)
    assert pid == os.getpid() and command
    with pytest.raises(StoreError) as info:
        OxigraphStore(str(tmp_path))
    assert info.value.code == "E300"
    assert f"the store at {tmp_path} is locked by PID {os.getpid()} (" in info.value.message
    store.update("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }")
    store.flush()
    reader = OxigraphStore(str(tmp_path), read_only=True)  # readers take no lock, even while a writer holds it
    assert reader.triple_count() == 1
    store.close()
    again = OxigraphStore(str(tmp_path))  # released on close
    assert again.triple_count() == 1
    again.close()
    lock = WriterLock(tmp_path)
    lock.release()


def test_faults_contradictions_recomputed_after_interrupted_run(tmp_path):
    """Regression: a run killed while recomputing contradictions (its documents all stored) left the graph stale,
    and the rerun, finding every document unchanged, never recomputed it."""
    write_doc(tmp_path, "a.md", "China refines about 90% of the world's rare earth elements [1].", title="A")
    write_doc(tmp_path, "b.md", "China refines about 60% of the world's rare earth elements [1].", title="B")
    store = OxigraphStore(None)
    ingest([tmp_path], store)
    query = "SELECT ?c WHERE { GRAPH ?g { ?c a crm:Contradiction } }"
    assert len(store.select(query)) == 1
    store.drop_graph(CONTRADICTIONS_GRAPH)  # the state such a kill leaves
    assert ingest([tmp_path], store).unchanged == 2
    assert len(store.select(query)) == 1


CHURN = """
import sys, time, pyoxigraph as ox
store, i, t = ox.Store(sys.argv[1]), 0, time.monotonic()
while time.monotonic() - t < float(sys.argv[2]):
    body = " ".join(f'<urn:s:{i}:{j}> <urn:p:{j % 7}> "{i} {j}" .' for j in range(200))
    store.update(f"DROP SILENT GRAPH <urn:g:{i % 20}> ; INSERT DATA {{ GRAPH <urn:g:{i % 20}> {{ {body} }} }}")
    if i % 5 == 0:
        store.flush()  # new table files, and compactions and log rolls that delete old ones
    i += 1
"""


def test_faults_readers_open_while_writer_compacts(tmp_path):
    """Regression: a read-only opening failed ("No such file or directory", a 500 from the API) when the writer
    deleted a log or table file between the reader reading the MANIFEST and opening the files; about one opening in
    three failed here before kg/store.py retried it."""
    OxigraphStore(str(tmp_path)).close()
    writer = subprocess.Popen([sys.executable, "-c", CHURN, str(tmp_path), "5"])
    opened = 0
    try:
        time.sleep(0.5)
        while writer.poll() is None:
            store = OxigraphStore(str(tmp_path), read_only=True)
            assert store.triple_count() >= 0
            del store
            opened += 1
    finally:
        writer.wait(timeout=30)
    assert writer.returncode == 0 and opened >= 20


def test_faults_load_quick_no_errors(clean):
    """bench/load.py: 10 clients for 10 s on /ask, /sparql and pages while ingests run: no errors."""
    load = subprocess.run([sys.executable, str(Path(__file__).resolve().parent.parent / "bench" / "load.py"),
                           "--clients", "10", "--seconds", "10", "--json", "--from-store", str(clean["store"]["A"])],
                          capture_output=True, text=True, timeout=300)
    figures = json.loads(load.stdout)
    print(f"\nload 10 clients x 10 s: {figures['requests']} requests, error rate {figures['error_rate']}, "
          f"p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, ingest runs {figures['ingest']}")
    assert figures["errors"] == 0, figures["error_examples"]
    assert figures["requests"] > 0 and all(row["requests"] for row in figures["by_kind"].values())
    assert figures["ingest"]["completed"] + figures["ingest"]["failed"] >= 1 and not figures["ingest"]["failed"]
    assert load.returncode == 0
