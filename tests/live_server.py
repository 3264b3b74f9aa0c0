"""A real crmkg server on loopback for client tests: a store built from a few corpus documents, and uvicorn in a
subprocess on a free 127.0.0.1 port. Imported by the test modules that need one (each starts its own)."""
from __future__ import annotations

import gc
import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

from kg.ingest import ingest
from kg.store import OxigraphStore

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DOCUMENTS = ["seed_transatlantic_alliance_en.md", "zeldzame_aardmetalen_china_europa_nl.md",
             "china_graphite_export_controls_en.md"]


def build_store(root: Path, names: list[str] = DOCUMENTS) -> Path:
    """Ingest `names` from corpus/ into an on-disk store under `root`; closed again before returning."""
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(CORPUS / name, docs)
    store = OxigraphStore(str(root / "store"))
    summary = ingest([docs], store)
    assert summary.added == len(names) and not summary.rejected, summary.to_dict()
    store.flush()
    del store
    gc.collect()
    return root / "store"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def live_server(store: Path, **env: str):
    """Yield the base URL of `uvicorn api.app:app` serving `store`; the server is stopped afterwards."""
    port = free_port()
    environment = {**os.environ, "CRMKG_STORE": str(store), **env}
    log = open(store.parent / f"server-{port}.log", "w+b")
    process = subprocess.Popen([sys.executable, "-m", "uvicorn", "api.app:app", "--host", "127.0.0.1",
                                "--port", str(port), "--log-level", "warning"],
                               cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"the server exited with {process.returncode}: {log.read().decode()[-2000:]}")
            try:
                if httpx.get(url + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not answer /health within 60 s")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        log.close()
