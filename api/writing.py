"""Writes through the API: bearer-token checks and the one writable store handle.

The embedded store allows one writer. The API reads through read-only handles; a write (POST /documents, an
enabled SPARQL Update) opens the store for writing only for its own duration, one at a time in this process, and
answers 503 when another process (an ingest, another server) holds the lock."""
from __future__ import annotations

import gc
import hmac
import os
import threading
from collections.abc import Callable
from typing import TypeVar

from fastapi import Request

from api.errors import Busy, Forbidden, Unauthorized
from kg.errors import StoreError
from kg.store import OxigraphStore, store_location

_write_lock = threading.Lock()
T = TypeVar("T")


def require_token(request: Request) -> None:
    """Raise 401 without `Authorization: Bearer ...`, 403 when it is not CRMKG_TOKEN (or none is configured)."""
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise Unauthorized("this operation needs a bearer token: send `Authorization: Bearer <token>` "
                           "with the token the server was started with (CRMKG_TOKEN)")
    expected = os.environ.get("CRMKG_TOKEN", "")
    if not expected:
        raise Forbidden("writes are disabled: the server has no CRMKG_TOKEN set")
    if not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise Forbidden("the bearer token is not the server's CRMKG_TOKEN")


def write(action: Callable[[OxigraphStore], T]) -> T:
    """Run `action` on the store opened for writing, then close it (pyoxigraph closes a store when it is dropped).

    Busy (503) when another write runs in this process, StoreError (503) when another process holds the lock."""
    location = store_location(None)
    if location == ":memory:":
        raise StoreError("the server runs on an in-memory store, which cannot be written through the API")
    if not _write_lock.acquire(blocking=False):
        raise Busy("another write (an upload or update) is in progress in this server; retry in a moment")
    try:
        store = OxigraphStore(location)
        try:
            result = action(store)
        finally:
            # close (flush, release the writer lock) now, failed or not: the traceback of a failed action keeps
            # `store` alive, and with it the lock, until the garbage collector runs (the next write got 503)
            store.close()
            del store
            gc.collect()
        return result
    finally:
        _write_lock.release()
