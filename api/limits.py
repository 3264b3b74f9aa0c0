"""Request body limits, enforced before the routes read a body: 413 in the API's error shape.

A declared Content-Length over the limit is refused on the route's first read, before any byte is received; a
body without one (chunked) is counted while it streams in and refused as soon as it passes the limit. Documents
(`POST /documents`) may be as large as the readers accept (50 MiB, plus room for multipart framing); every other
body (SPARQL queries and updates, questions) is at most 1 MiB."""
from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from extractors.readers import MAX_BYTES

DOCUMENT_LIMIT = MAX_BYTES
MULTIPART_SLACK = 64 * 1024  # boundaries and part headers around a MAX_BYTES file
BODY_LIMIT = 1024 * 1024


def body_limit(path: str, content_type: str) -> int:
    if path.rstrip("/") == "/documents":
        return DOCUMENT_LIMIT + (MULTIPART_SLACK if content_type.startswith("multipart/") else 0)
    return BODY_LIMIT


def too_large(method: str, path: str, limit: int) -> HTTPException:
    # an HTTPException (not a CrmkgError): FastAPI re-raises those while parsing a body instead of making them 400s
    return HTTPException(413, f"the request body is larger than the {limit:,}-byte limit of {method} {path}"
                              + (f" ({limit // 2**20} MiB)" if limit % 2**20 == 0 else ""))


class BodyLimit:
    """ASGI middleware: wraps `receive` so that reading a body over `body_limit` raises 413 (not for GET, HEAD and
    OPTIONS, whose responses may listen on `receive` for a disconnect)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        content_type = headers.get(b"content-type", b"").decode("latin-1").strip().lower()
        limit = body_limit(scope["path"], content_type)
        try:
            declared = int(headers[b"content-length"])
        except (KeyError, ValueError):
            declared = None
        received = 0

        async def limited() -> Message:
            nonlocal received
            if declared is not None and declared > limit:
                raise too_large(scope["method"], scope["path"], limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise too_large(scope["method"], scope["path"], limit)
            return message

        await self.app(scope, limited, send)
