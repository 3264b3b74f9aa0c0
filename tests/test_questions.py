"""Every question template's example phrasings (English and Dutch) give its expected answer on the demo corpus."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.ask import EXAMPLES, QUESTIONS_DIR, Asker, template_header
from kg.ingest import ingest
from kg.store import OxigraphStore
from kg.tables import import_table

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted(p.stem for p in QUESTIONS_DIR.glob("*.rq") if "example (en)" in template_header(p.stem))


@pytest.fixture(scope="module")
def asker() -> Asker:
    store = OxigraphStore(None)
    ingest([ROOT / "corpus"], store)
    import_table(ROOT / "data" / "usgs_mcs2026_world_production.csv", ROOT / "mappings" / "usgs_mcs2026.yaml", store)
    return Asker(store)


def _expected(name: str) -> tuple[str, str]:
    parts = [p.strip() for p in template_header(name)["expected"].split(" | ")]
    return (parts[0], parts[-1])


@pytest.mark.parametrize("name", TEMPLATES)
@pytest.mark.parametrize("language", ["en", "nl"])
def test_questions_template_example_gives_expected_answer(asker, name, language):
    question = template_header(name)[f"example ({language})"]
    expected = _expected(name)[0 if language == "en" else 1]
    reply = asker.ask(question)
    labels = [a["label"] for a in reply["answers"]]
    if expected == "(none)":
        assert reply["intent"] is not None and labels == []
    else:
        assert any(label.startswith(expected) for label in labels), (question, labels)
        assert all(a["evidence"] or a["detail"].get("source_kind") == "official figure" for a in reply["answers"])


def test_questions_every_template_declares_params_and_examples():
    for path in QUESTIONS_DIR.glob("*.rq"):
        header = template_header(path.stem)
        assert "params" in header, path.name
        if path.stem != "evidence":
            assert {"example (en)", "example (nl)", "expected"} <= set(header), path.name


def test_questions_every_intent_has_a_template():
    for intent in EXAMPLES:
        assert (QUESTIONS_DIR / f"{intent}.rq").exists(), intent


def test_questions_unanswerable_question_suggests_templates(asker):
    reply = asker.ask("How tall is the tallest tree?")
    assert reply["intent"] is None and reply["answers"] == []
    assert len(reply["suggestions"]) == 3 and all(s["example"] in reply["message"] for s in reply["suggestions"])
