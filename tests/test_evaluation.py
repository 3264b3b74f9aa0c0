"""The fact-level evaluation scores extracted statements against gold facts, per kind."""
from __future__ import annotations

import json

from kg.evaluation import score_facts
from kg.ingest import ingest
from kg.store import OxigraphStore

DOC = """---
title: Rare earth refining
date: 2026-01-01
type: news
language: en
---

China refines about 90% of the world's rare earth elements.

Japan depends on China for dysprosium.
"""


def test_evaluation_scores_found_and_missed_facts(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "refining.md").write_text(DOC, encoding="utf-8")
    gold = {
        "documents": [{"file": "docs/refining.md", "title": "Rare earth refining"}],
        "facts": [
            {"doc": "docs/refining.md", "kind": "refines", "subject": "China", "object": "rare earth elements",
             "sentence": "China refines about 90% of the world's rare earth elements."},
            {"doc": "docs/refining.md", "kind": "recycles", "subject": "Japan", "object": "dysprosium",
             "sentence": "Japan depends on China for dysprosium."},
        ],
        "questions": [],
    }
    (tmp_path / "gold.json").write_text(json.dumps(gold), encoding="utf-8")
    store = OxigraphStore(None)
    ingest([tmp_path / "docs"], store)
    report = score_facts(tmp_path, store)
    assert report["refines"]["recall"] == 1.0 and report["refines"]["precision"] == 1.0
    assert report["recycles"]["recall"] == 0.0
    assert report["recycles"]["missed"] and "Japan" in report["recycles"]["missed"][0]
