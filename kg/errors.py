"""Error types with stable codes and messages that say what to do."""
from __future__ import annotations


class CrmkgError(Exception):
    """Base error: `code` is stable (used by the API's JSON error shape), `message` tells the user what to do."""

    code = "E000"
    status = 500

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict:
        return {"error": {"code": self.code, "type": type(self).__name__, "message": self.message,
                          "details": {k: str(v) for k, v in self.details.items()}}}


class DocumentError(CrmkgError):
    """A document cannot be read: empty, binary, not UTF-8, bad front matter, too large, unsupported language."""

    code = "E100"
    status = 422


class ValidationFailed(CrmkgError):
    """A document's graph does not conform to ontology/shapes.ttl; nothing of it was stored."""

    code = "E200"
    status = 422


class StoreError(CrmkgError):
    """The store cannot be opened or written (locked by another writer, unreachable, read-only)."""

    code = "E300"
    status = 503


class QueryError(CrmkgError):
    """A SPARQL query is malformed, too slow or too large."""

    code = "E400"
    status = 400
