"""Request body limits (issue 6): 413 in the API's error shape, decided from Content-Length before the body is read,
and while it streams when there is none. No store is needed: every refusal comes before the store is opened."""
import asyncio
import json
import re

import pytest
from fastapi.testclient import TestClient

from api.app import app
from api.limits import BODY_LIMIT, DOCUMENT_LIMIT
from extractors.readers import MAX_BYTES

TOKEN = "limits-test-token"
AUTH = {"authorization": f"Bearer {TOKEN}"}
MiB = 2**20


@pytest.fixture
def client(tmp_path, monkeypatch):
    monkeypatch.setenv("CRMKG_STORE", str(tmp_path / "no-store"))
    monkeypatch.setenv("CRMKG_TOKEN", TOKEN)
    return TestClient(app)


def assert_413(response):
    assert response.status_code == 413, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"code", "type", "message", "details"}
    assert error["type"] == "PayloadTooLarge" and re.fullmatch(r"E\d{3}", error["code"])
    assert "larger than" in error["message"]
    return error


def test_limits_are_the_readers_50_mib_and_1_mib_for_queries():
    assert DOCUMENT_LIMIT == MAX_BYTES == 50 * MiB and BODY_LIMIT == MiB


def test_limits_document_over_50_mib_is_413(client):
    body = bytes(DOCUMENT_LIMIT + 1)
    error = assert_413(client.post("/documents", content=body, params={"filename": "big.md"},
                                   headers={**AUTH, "content-type": "text/markdown"}))
    assert "50 MiB" in error["message"] and "/documents" in error["message"]


def test_limits_document_without_content_length_is_413(client):
    def chunks():  # a generator: httpx sends it chunked, with no Content-Length
        for _ in range(DOCUMENT_LIMIT // MiB):
            yield bytes(MiB)
        yield b"x"

    assert_413(client.post("/documents", content=chunks(), params={"filename": "big.md"}, headers=AUTH))


def test_limits_multipart_file_over_50_mib_is_413(client):
    files = {"file": ("big.md", bytes(MAX_BYTES + 1), "text/markdown")}
    error = assert_413(client.post("/documents", files=files, headers=AUTH))
    assert error["details"]["filename"] == "big.md"


def test_limits_token_is_checked_before_the_size(client):
    response = client.post("/documents", content=bytes(DOCUMENT_LIMIT + 1), params={"filename": "big.md"})
    assert response.status_code == 401


@pytest.mark.parametrize("content_type", ["application/sparql-query", "application/sparql-update",
                                          "application/x-www-form-urlencoded"])
def test_limits_sparql_body_over_1_mib_is_413(client, content_type):
    body = b"query=" + b"#" * BODY_LIMIT if content_type.endswith("urlencoded") else b"#" * (BODY_LIMIT + 1)
    assert_413(client.post("/sparql", content=body, headers={"content-type": content_type}))


def test_limits_ask_body_over_1_mib_is_413(client):
    body = b'{"q": "' + b"a" * BODY_LIMIT + b'"}'
    assert_413(client.post("/ask", content=body, headers={"content-type": "application/json"}))


def test_limits_small_bodies_pass(client):
    # under the limit the route decides: a query over MAX_QUERY characters is its own 400, not a 413
    response = client.post("/sparql", content=b"#" * BODY_LIMIT, headers={"content-type": "application/sparql-query"})
    assert response.status_code == 400 and response.json()["error"]["type"] == "QueryError"
    response = client.post("/ask", json={"q": ""})
    assert response.status_code == 422


# -- at the ASGI level: what is read from the client before the refusal --------------------------------------
def call(path, headers, chunks, query_string=b""):
    """Run `app` on one request whose body comes from the iterator `chunks`; (status, JSON body, chunks read)."""
    read = 0
    sent = []

    async def receive():
        nonlocal read
        chunk = next(chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        read += 1
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "root_path": "", "query_string": query_string,
             "headers": [(k.encode(), v.encode()) for k, v in headers.items()], "client": ("127.0.0.1", 1),
             "server": ("testserver", 80), "state": {}}
    asyncio.run(app(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, json.loads(body), read


def endless(size=MiB):
    while True:
        yield bytes(size)


def test_limits_content_length_refused_before_reading(monkeypatch):
    monkeypatch.setenv("CRMKG_TOKEN", TOKEN)
    headers = {**AUTH, "content-type": "text/markdown", "content-length": str(DOCUMENT_LIMIT + 1)}
    status, body, read = call("/documents", headers, endless(), b"filename=big.md")
    assert status == 413 and body["error"]["type"] == "PayloadTooLarge"
    assert read == 0  # not one byte of the body was received


@pytest.mark.parametrize("path,limit,content_type", [("/documents", DOCUMENT_LIMIT, "text/markdown"),
                                                     ("/sparql", BODY_LIMIT, "application/sparql-query")])
def test_limits_chunked_body_refused_while_streaming(monkeypatch, path, limit, content_type):
    """An endless chunked body is refused once it passes the limit, not read to the end."""
    monkeypatch.setenv("CRMKG_TOKEN", TOKEN)
    headers = {**AUTH, "content-type": content_type, "transfer-encoding": "chunked"}
    status, body, read = call(path, headers, endless(), b"filename=big.md")
    assert status == 413 and body["error"]["type"] == "PayloadTooLarge"
    assert read == limit // MiB + 1
