"""The query worker's read-only store during an ingest: a table file deleted by the writer's compaction ("No such file
or directory") makes it reopen the store and rerun the query, a few times at most (api/querypool.py execute)."""
import json

import pytest

from api import querypool
from api.querypool import Job, execute
from kg import store as kg_store
from kg.errors import QueryError
from kg.store import OxigraphStore

VANISHED = "IO error: No such file or directory: While open a file for random read: /store/000123.sst"


@pytest.fixture(scope="module")
def tiny_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("pool") / "store"
    store = OxigraphStore(str(path))
    store.db.update("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }")
    store.close()
    return str(path)


@pytest.fixture
def faults(monkeypatch):
    """Make the next `n` queries fail with `message`; count the read-only (re)openings."""
    state = {"left": 0, "message": VANISHED, "opens": 0}
    query, open_read_only = OxigraphStore.query, kg_store._open_read_only

    def failing_query(self, *args, **kwargs):
        if state["left"]:
            state["left"] -= 1
            raise RuntimeError(state["message"])
        return query(self, *args, **kwargs)

    def counted_open(path, *args, **kwargs):
        state["opens"] += 1
        return open_read_only(path, *args, **kwargs)

    monkeypatch.setattr(OxigraphStore, "query", failing_query)
    monkeypatch.setattr(kg_store, "_open_read_only", counted_open)
    monkeypatch.setattr(querypool.time, "sleep", lambda seconds: None)
    return state


def job(store):
    return Job(store=store, query="SELECT ?s WHERE { ?s <urn:b> ?o }", results_media=None, graph_media=None, limit=10)


def test_querypool_reopens_and_retries_on_vanished_file(tiny_store, faults):
    faults["left"] = 2
    outcome = execute(job(tiny_store))
    assert json.loads(outcome.body)["results"]["bindings"] == [{"s": {"type": "uri", "value": "urn:a"}}]
    assert faults["opens"] == 3  # the first opening and one reopening per failure


def test_querypool_gives_up_after_a_few_retries(tiny_store, faults):
    faults["left"] = 10
    with pytest.raises(QueryError, match="No such file or directory"):
        execute(job(tiny_store))
    assert faults["opens"] == 3 and faults["left"] == 7  # three tries in all


def test_querypool_other_errors_are_not_retried(tiny_store, faults):
    faults["left"], faults["message"] = 1, "IO error: corruption"
    with pytest.raises(QueryError, match="corruption"):
        execute(job(tiny_store))
    assert faults["opens"] == 1
