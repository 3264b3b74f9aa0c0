"""Shared fixtures: the whole corpus ingested once into an in-memory store, and the English spaCy pipeline."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from extractors.pipeline import build_nlp
from kg.ingest import ingest
from kg.store import OxigraphStore

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
QUESTION = "Who dominates the processing of rare earth elements?"
REFINES_SENTENCE = "China refines about 90% of the world's rare earth elements"


def write_doc(folder: Path, name: str, body: str, title: str = "Rare earth refining", **meta: str) -> Path:
    """Write a small Markdown document with front matter and a numbered source list."""
    fields = {"title": title, "date": "2026-01-10", "publisher": "Test desk", "type": "news", "language": "en", **meta}
    front = "\n".join(f"{k}: {v}" for k, v in fields.items())
    text = f"---\n{front}\n---\n\n{textwrap.dedent(body).strip()}\n\n## Sources\n\n[1] IEA, Global Critical Minerals Outlook\n[2] JOGMEC annual report\n"
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def corpus_store() -> OxigraphStore:
    store = OxigraphStore(None)
    summary = ingest([CORPUS], store)
    assert summary.rejected == [], summary.rejected
    assert summary.added == summary.documents > 0
    return store


@pytest.fixture(scope="session")
def nlp_en():
    return build_nlp("en")


def build_disk_store(root: Path, corpus_files: list[str], with_table: bool = False) -> Path:
    """An on-disk store under `root` holding copies of these corpus files (and the USGS table), closed so that
    servers and read-only openers can use it; returns its folder."""
    import shutil

    from kg.tables import import_table

    docs = root / "docs"
    docs.mkdir()
    for name in corpus_files:
        shutil.copy(CORPUS / name, docs)
    store = OxigraphStore(str(root / "store"))
    assert ingest([docs], store).added == len(corpus_files)
    if with_table:
        assert import_table(ROOT / "data" / "usgs_mcs2026_world_production.csv",
                            ROOT / "mappings" / "usgs_mcs2026.yaml", store).status == "added"
    store.close()
    return root / "store"
