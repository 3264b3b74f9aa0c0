import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORPUS, QUESTION

CRMKG = Path(sys.executable).parent / "crmkg"
FILES = ["seed_transatlantic_alliance_en.md", "china_graphite_export_controls_en.md"]


def crmkg(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([str(CRMKG), *args], capture_output=True, text=True, timeout=120)
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    subset = root / "corpus_subset"
    subset.mkdir()
    for name in FILES:
        shutil.copy(CORPUS / name, subset / name)
    store = root / "store"
    out = crmkg("ingest", "--store", str(store), str(subset)).stdout
    assert "documents: 2 (added 2" in out and "rejected: 0" in out
    return store, subset


def test_cli_ask_json(cli_store):
    store, _ = cli_store
    reply = json.loads(crmkg("ask", "--json", "--store", str(store), QUESTION).stdout)
    assert reply["intent"] == "suppliers_of_material"
    assert reply["answers"] and any(a["label"] == "China" for a in reply["answers"])


def test_cli_validate_conforms(cli_store):
    store, _ = cli_store
    out = crmkg("validate", "--store", str(store)).stdout
    assert "conforms: True" in out


def test_cli_reingest_leaves_stats_identical(cli_store):
    store, subset = cli_store
    before = json.loads(crmkg("stats", "--json", "--store", str(store)).stdout)
    assert before["documents"] == 2 and before["statements"] > 0
    out = crmkg("ingest", "--store", str(store), str(subset)).stdout
    assert "unchanged 2" in out
    assert json.loads(crmkg("stats", "--json", "--store", str(store)).stdout) == before


def test_cli_missing_store_fails_cleanly(tmp_path):
    result = crmkg("ask", "--store", str(tmp_path / "nothing"), QUESTION, check=False)
    assert result.returncode == 2
    assert "E300" in result.stderr and "Traceback" not in result.stderr
